import Engine
import Foundation

/// The further members of an ensemble (ENSEMBLE-SMALL-DATA), trained in memory on threads of
/// their own beside the first member (the run itself), and by the run's thread once the first
/// is done: five networks on two threads take the time of two and a half, not three.
///
/// The members are independent (each its own seed, rows and weights), so on small data one
/// thread each beats threading each one's small products; the kernels give the same bits at
/// any thread count, so the model does not depend on the scheduling.
final class EnsembleMembers: Sendable {
    typealias Trained = (result: MemberResult, tensors: [NamedTensor])
    /// Trains member `k` (1-based) on the calling thread; nil when it diverged without a good
    /// epoch. Its second argument says whether to stop (checked after every step).
    typealias Train =
        @Sendable (_ k: Int, _ shouldStop: @escaping @Sendable () -> Bool) throws
        -> Trained?

    /// Members to train (the ensemble's size minus the first).
    let count: Int
    private let train: Train
    /// Called when member k (1-based) of `count + 1` is done, with its result (nil: diverged
    /// and left out); one call at a time, from the thread that trained it.
    private let onTrained: (@Sendable (Int, Int, MemberResult?) -> Void)?
    /// The run's stop (Ctrl-C, `stopRequest`): members stop and the run ends stopped.
    private let runStop: StopRequest
    /// The pool's own stop: the run failed, paused or diverged, or a member threw; the members
    /// are not wanted.
    private let abandoned = StopRequest()
    private let outcomes: Locked<[Result<Trained?, any Error>?]>
    private let next = Locked(0)
    private let reporting = Locked(())
    private let helpers = DispatchGroup()
    private let started = Locked(false)

    /// - Parameters:
    ///   - count: the members to train, after the first.
    ///   - runStop: the run's stop request.
    ///   - onTrained: progress for a person (default nil).
    ///   - train: trains one member.
    init(
        count: Int, runStop: StopRequest,
        onTrained: (@Sendable (Int, Int, MemberResult?) -> Void)? = nil, train: @escaping Train
    ) {
        self.count = count
        self.runStop = runStop
        self.onTrained = onTrained
        self.train = train
        outcomes = Locked(Array(repeating: nil, count: count))
    }

    /// The helper threads that `start` runs beside the caller: one per thread the kernels
    /// may use, less the caller's, at most one per member.
    static func helperCount(members: Int) -> Int {
        max(0, min(CPUKernels.threadCount - 1, members))
    }

    /// Starts the helper threads (once; later calls do nothing).
    func start() {
        let first = started.withLock { was in
            let first = !was
            was = true
            return first
        }
        guard first else { return }
        for _ in 0..<Self.helperCount(members: count) {
            helpers.enter()
            Thread { [self] in
                work()
                helpers.leave()
            }.start()
        }
    }

    /// Trains the members the helpers have not taken on the calling thread, waits for the
    /// helpers, and returns the members in order, up to the first one missing.
    /// - Returns: the members, and whether the run was stopped meanwhile (the member in
    ///   training then left out, with every later one).
    /// - Throws: the first error a member threw.
    func finish() throws -> (members: [Trained], stopped: Bool) {
        start()
        work()
        helpers.wait()
        let outcomes = outcomes.value
        // A member's error comes first: the members after it stopped because of it.
        for case .failure(let error)? in outcomes where !(error is MemberStopped) { throw error }
        var members: [Trained] = []
        for outcome in outcomes {
            switch outcome {
            case .success(.some(let member))?: members.append(member)
            case .success(nil)?: continue  // non-finite without a good epoch: left out
            case .failure?, nil: return (members, true)  // stopped, or before it started
            }
        }
        return (members, runStop.isRequested)
    }

    /// Stops the members and waits for the helpers: nothing they trained is kept.
    func abandon() {
        abandoned.request()
        helpers.wait()
    }

    /// Takes members until none is left or a stop is asked, one thread each.
    private func work() {
        let runStop = runStop
        let abandoned = abandoned
        let shouldStop: @Sendable () -> Bool = { runStop.isRequested || abandoned.isRequested }
        while !shouldStop(),
            let index = next.withLock({ taken -> Int? in
                guard taken < count else { return nil }
                taken += 1
                return taken - 1
            })
        {
            let k = index + 1
            do {
                let trained = try CPUKernels.withThreadCount(1) { try train(k, shouldStop) }
                outcomes.withLock { $0[index] = .success(trained) }
                if let onTrained {
                    reporting.withLock { _ in onTrained(k, count + 1, trained?.result) }
                }
            } catch {
                outcomes.withLock { $0[index] = .failure(error) }
                if !(error is MemberStopped) { abandoned.request() }
            }
        }
    }
}

/// A member that stopped because the run was stopped or its members abandoned.
struct MemberStopped: Error {}
