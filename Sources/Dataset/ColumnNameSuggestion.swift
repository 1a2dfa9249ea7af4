import Spec

/// "Did you mean" for column names: ``Suggestion/closest(to:in:maximumDistance:)`` with the
/// limit for names people write (``Suggestion/nameDistance(_:_:)``).
func closestName(to name: String, in candidates: [String]) -> String? {
    Suggestion.closest(to: name, in: candidates, maximumDistance: Suggestion.nameDistance)
}
