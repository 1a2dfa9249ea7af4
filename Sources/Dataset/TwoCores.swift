import Dispatch

/// Work spread over the machine's cores (2 here) where a stage is embarrassingly parallel and
/// big enough to pay for the threads.
///
/// Every use writes its results by index (or splits a sum so each element keeps its order), so
/// the outcome never depends on scheduling: the same bits as the serial loop.
enum TwoCores {
    /// Below about this many element operations a stage runs on one thread: waking a second
    /// thread costs tens of microseconds.
    static let minimumWork = 200_000

    /// Runs `body(i)` for every `i` in `0..<count`, concurrently when `parallel`.
    static func forEach(_ count: Int, parallel: Bool, _ body: @Sendable (Int) -> Void) {
        if parallel && count > 1 {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        } else {
            for i in 0..<count { body(i) }
        }
    }

    /// Splits `0..<count` into `parts` contiguous ranges of nearly equal size, each a multiple
    /// of `granule` long except the last.
    static func ranges(_ count: Int, parts: Int, granule: Int = 1) -> [Range<Int>] {
        let units = (count + granule - 1) / granule
        let parts = max(1, min(parts, units))
        var result: [Range<Int>] = []
        var start = 0
        for part in 0..<parts {
            let end = min(count, (units * (part + 1) / parts) * granule)
            result.append(start..<end)
            start = end
        }
        return result
    }
}

/// A pointer handed to the threads of `TwoCores.forEach`: each thread touches only its own
/// elements (its index, or its range), which is what makes sharing it safe.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>

    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        // An empty array may have no storage: any valid pointer will do, nothing is read.
        base =
            buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
