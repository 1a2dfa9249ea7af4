import Spec

/// "Did you mean" for column names: the spec's `Suggestion.closest` with a looser limit, as
/// header names are long and written by people (`sepal length (cm)`): at most a third of the
/// longer name, and at least 2 edits. Case is ignored.
func closestName(to name: String, in candidates: [String]) -> String? {
    Suggestion.closest(to: name, in: candidates) { word, candidate in
        max(2, max(word.lowercased().unicodeScalars.count, candidate.count) / 3)
    }
}
