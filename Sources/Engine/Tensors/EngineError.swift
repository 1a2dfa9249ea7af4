/// An error of the engine: a bad model description, a state that does not fit the model, or a
/// training run that cannot proceed. Each names the place (key path) and the fix.
public enum EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A model or training description value is invalid at `path`.
    case invalidDescription(path: String, message: String, fix: String)
    /// A tensor needed by the model is missing from imported state.
    case missingTensor(name: String)
    /// Imported state holds a tensor the model does not have.
    case unexpectedTensor(name: String)
    /// An imported tensor's shape differs from the model's.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Saved generator state is not four words, or is all zero.
    case invalidGeneratorState(count: Int)
    /// A batch does not fit the model or the loss.
    case invalidBatch(message: String)
    /// Imported trainer state does not belong to this configuration.
    case incompatibleState(message: String)

    public var description: String {
        switch self {
        case .invalidDescription(let path, let message, let fix):
            return "error: \(path): \(message)\n  fix: \(fix)"
        case .missingTensor(let name):
            return "error: tensor '\(name)' is missing from the imported state\n"
                + "  fix: import state exported from a model built from the same description"
        case .unexpectedTensor(let name):
            return "error: imported state has tensor '\(name)' that the model does not have\n"
                + "  fix: import state exported from a model built from the same description"
        case .shapeMismatch(let name, let expected, let found):
            return "error: tensor '\(name)' has shape \(found), the model expects \(expected)\n"
                + "  fix: import state exported from a model built from the same description"
        case .invalidGeneratorState(let count):
            return "error: generator state must be 4 words, not all zero (got \(count) words)\n"
                + "  fix: pass the `state` array saved from a SeededGenerator"
        case .invalidBatch(let message):
            return "error: invalid batch: \(message)"
        case .incompatibleState(let message):
            return "error: incompatible trainer state: \(message)\n"
                + "  fix: resume with the model description and training configuration the "
                + "checkpoint was written with"
        }
    }
}
