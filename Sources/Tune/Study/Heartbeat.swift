import Foundation
import TuneStorage

/// Renews the leases of this process's running trials on one thread, every `interval`
/// seconds (a quarter of the lease), whatever the trials' own threads are doing: a long epoch
/// does not make a live worker look dead. A trial whose renewal is refused (its lease expired
/// and the store gave it to another worker) has its `lost` flag set, and its worker abandons
/// it. A failed renewal (the server is restarting) is tried again at the next beat.
final class Heartbeat: @unchecked Sendable {
    // @unchecked Sendable: `kept` and `stopped` are touched only under `lock`.
    private let storage: any StudyStorage
    private let interval: Double
    private let lock = NSCondition()
    private var kept: [String: (trial: Int, worker: String, lost: StudyStop)] = [:]
    private var stopped = false
    private var thread: Thread?

    init(storage: any StudyStorage, interval: Double) {
        self.storage = storage
        self.interval = max(0.05, interval)
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
        lock.lock()
        while !stopped {
            _ = lock.wait(until: Date().addingTimeInterval(interval))
            if stopped { break }
            let trials = Array(kept.values)
            lock.unlock()
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
