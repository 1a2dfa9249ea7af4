/// "Did you mean …?" suggestions by Damerau-Levenshtein distance (optimal string alignment:
/// insertions, deletions, substitutions and adjacent transpositions each cost 1).
public enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be what the user meant:
    /// at most `maximumDistance(word, candidate)` edits (by default ``keywordDistance(_:_:)``);
    /// ties go to the earlier candidate. Case is ignored when measuring: a case-insensitive
    /// exact match always wins.
    /// - Parameters:
    ///   - word: what the user wrote.
    ///   - candidates: the names it could have meant, in order of preference for ties.
    ///   - maximumDistance: the most edits allowed between `word` and the nearest candidate.
    public static func closest(
        to word: String, in candidates: some Sequence<String>,
        maximumDistance: (_ word: String, _ candidate: String) -> Int = keywordDistance
    ) -> String? {
        let lowered = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            if candidate == word { continue }
            if candidate.lowercased() == lowered { return candidate }
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        return best.distance <= maximumDistance(word, best.name) ? best.name : nil
    }

    /// The limit for spec keys and keywords (short, fixed names, where a loose match would
    /// mislead): 1 edit for words up to 4 characters, 2 up to 8, 3 beyond, and always fewer
    /// edits than the word has characters.
    public static func keywordDistance(_ word: String, _ candidate: String) -> Int {
        let count = word.count
        return min(count <= 4 ? 1 : count <= 8 ? 2 : 3, count - 1)
    }

    /// The limit for names people write (columns such as `sepal length (cm)`, templates,
    /// template header keys), longer and freer than keywords: a third of the longer name, at
    /// least 2 edits.
    public static func nameDistance(_ word: String, _ candidate: String) -> Int {
        max(2, max(word.lowercased().unicodeScalars.count, candidate.count) / 3)
    }

    /// The Damerau-Levenshtein (optimal string alignment) distance between two strings.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var distance = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { distance[i * width] = i }
        for j in 0...b.count { distance[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(
                    distance[(i - 1) * width + j] + 1,
                    distance[i * width + j - 1] + 1,
                    distance[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, distance[(i - 2) * width + j - 2] + 1)
                }
                distance[i * width + j] = value
            }
        }
        return distance[a.count * width + b.count]
    }
}
