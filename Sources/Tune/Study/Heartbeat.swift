import Foundation
import TuneStorage

/// Renews the leases of this process's running trials on one thread, every quarter of the
/// lease, whatever the trials' own threads are doing: a long epoch does not make a live worker
/// look dead. A trial whose renewal is refused (its lease expired and the store gave it to
/// another worker) has its `lost` flag set, and its worker abandons it. A failed renewal (the
/// server is restarting) is tried again at the next beat. Each beat also sweeps the store:
/// trials whose lease expired (their worker died) go back to the queue; once per beat per
/// process rather than once per claim, which halves a small trial's store traffic.
final class Heartbeat: @unchecked Sendable {
    // @unchecked Sendable: `kept` and `stopped` are touched only under `lock`.
    private let storage: any StudyStorage
    private let interval: Double
    private let lease: Double
    private let lock = NSCondition()
    private var kept: [String: (trial: Int, worker: String, lost: StudyStop)] = [:]
    private var stopped = false
    private var thread: Thread?

    /// Starts the thread; the first sweep is at once (a study resumed after its workers died
    /// need not wait a beat).
    init(storage: any StudyStorage, lease: Double) {
        self.storage = storage
        self.lease = lease
        self.interval = max(0.05, lease / 4)
        let thread = Thread { [unowned self] in self.beat() }
        thread.name = "layerwise-heartbeat"
        self.thread = thread
        thread.start()
    }

    /// Starts renewing `trial`'s lease; returns the flag set when the lease is lost.
    func keep(trial: Int, worker: String) -> StudyStop {
        let lost = StudyStop()
        lock.lock()
        kept[worker] = (trial, worker, lost)
        lock.unlock()
        return lost
    }

    /// Stops renewing `trial`'s lease (it ended, or was abandoned).
    func drop(trial: Int, worker: String) {
        lock.lock()
        if kept[worker]?.trial == trial { kept[worker] = nil }
        lock.unlock()
    }

    /// Ends the thread (at the study's end); waits for a renewal in progress.
    func stop() {
        lock.lock()
        stopped = true
        lock.broadcast()
        while thread != nil { lock.wait() }
        lock.unlock()
    }

    private func beat() {
        _ = try? storage.requeueExpired(lease: lease)
        lock.lock()
        while !stopped {
            _ = lock.wait(until: Date().addingTimeInterval(interval))
            if stopped { break }
            let trials = Array(kept.values)
            lock.unlock()
            _ = try? storage.requeueExpired(lease: lease)
            for entry in trials {
                // false: the trial is no longer this worker's. A thrown error: try next beat.
                if let alive = try? storage.heartbeat(trial: entry.trial, worker: entry.worker),
                    !alive
                {
                    entry.lost.request("lease lost")
                }
            }
            lock.lock()
        }
        thread = nil
        lock.broadcast()
        lock.unlock()
    }
}
