import Spec

/// The closest candidate to `name` by edit distance, if it is close enough to be a likely typo
/// (distance at most a third of the longer name, case ignored).
func closestName(to name: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    let lowered = Array(name.lowercased().unicodeScalars)
    for candidate in candidates {
        let distance = Suggestion.editDistance(name.lowercased(), candidate.lowercased())
        if let current = best, current.1 <= distance { continue }
        best = (candidate, distance)
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(2, max(lowered.count, candidate.count) / 3)
    return distance <= limit ? candidate : nil
}
