import Synchronization

/// A cooperative stop flag: any thread (a Ctrl-C handler) calls `request()`; the trainer checks
/// it between steps and returns `StopReason.stopRequested`.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag, not set.
    public init() {}

    /// Asks the trainer to stop after the current step.
    public func request() { flag.store(true, ordering: .relaxed) }

    /// Clears the request (before resuming).
    public func reset() { flag.store(false, ordering: .relaxed) }

    /// Whether a stop was requested.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
