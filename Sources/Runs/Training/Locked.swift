import Synchronization

/// A value shared by threads, behind a mutex: the ensemble's member threads, tune's workers.
/// A class, so escaping thread closures can share it (a `Mutex` itself cannot be copied into
/// them).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A shared `value`.
    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, alone.
    public func withLock<Result: Sendable>(
        _ body: (inout Value) throws -> Result
    ) rethrows
        -> Result
    {
        try mutex.withLock { value in try body(&value) }
    }

    /// A copy of the value.
    public var value: Value { withLock { $0 } }
}
