/// A growable buffer of trivial values with manual storage, so the parser's inner loop appends
/// without uniqueness or exclusivity checks. Owned by one `ColumnBuilder`; freed explicitly.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always) mutating func append(_ value: Element) {
        if count == capacity { grow(to: capacity * 2) }
        base[count] = value
        count += 1
    }

    mutating func append(contentsOf source: UnsafePointer<Element>, count extra: Int) {
        reserve(count + extra)
        (base + count).update(from: source, count: extra)
        count += extra
    }

    /// Makes room for `total` elements (used with a row estimate to avoid doubling slack).
    mutating func reserve(_ total: Int) {
        if total > capacity { grow(to: max(total, capacity + capacity / 2)) }
    }

    mutating func removeAll() { count = 0 }

    /// Sets the count after writing elements past it directly into `base` (room reserved
    /// first): the numeric fast path's batched appends.
    @inline(__always) mutating func commit(count newCount: Int) {
        precondition(newCount <= capacity)
        count = newCount
    }

    private mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// An exactly sized array of the contents.
    func toArray() -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let target = buffer.baseAddress { target.update(from: base, count: count) }
            initialized = count
        }
    }

    func deallocate() { base.deallocate() }
}

/// Interns byte strings of one column: each distinct value gets a dense code in order of first
/// appearance. Keys live in one byte arena; the table is open addressing with linear probing.
/// A new value is validated as UTF-8 once, when it is first seen.
struct StringInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    /// The distinct values, by code.
    private(set) var strings: [String] = []

    var count: Int { strings.count }

    /// The code of the bytes, adding them if new; `nil` when new bytes are not valid UTF-8.
    mutating func intern(_ base: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
        let hash = hashBytes(base, length)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            if hashes[Int(code)] == hash && equalsEntry(Int(code), base, length) { return code }
            slot = (slot + 1) & mask
        }
        guard
            let text = String(
                validating: UnsafeBufferPointer(start: base, count: length),
                as: UTF8.self)
        else { return nil }
        let code = Int32(strings.count)
        strings.append(text)
        hashes.append(hash)
        arena.append(contentsOf: UnsafeBufferPointer(start: base, count: length))
        starts.append(arena.count)
        slots[slot] = code
        if strings.count * 2 > slots.count { rehash() }
        return code
    }

    /// The code of a string, adding it if new.
    mutating func intern(_ text: String) -> Int32 {
        var copy = text
        return copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress else {
                var empty: UInt8 = 0
                return intern(&empty, 0) ?? 0
            }
            return intern(base, bytes.count) ?? 0
        }
    }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        starts = [0]
        hashes.removeAll(keepingCapacity: true)
        strings.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = -1 }
    }

    private func equalsEntry(_ code: Int, _ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = starts[code]
        guard starts[code + 1] - start == length else { return false }
        return arena.withUnsafeBufferPointer { stored in
            guard let storedBase = stored.baseAddress else { return length == 0 }
            return memcmp(storedBase + start, base, length) == 0
        }
    }

    private mutating func rehash() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (code, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }
}

/// FNV-1a over the bytes, finished with a SplitMix64 mix so low bits are well spread.
@inline(__always)
private func hashBytes(_ base: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in 0..<length { hash = (hash ^ UInt64(base[i])) &* 0x100_0000_01B3 }
    hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
    hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
    return hash ^ (hash >> 31)
}

/// The values of one column as they are read: numbers (NaN for missing) with the few strings
/// that did not parse kept aside, or interned strings (code -1 for missing).
struct ColumnBuilder {
    var isText: Bool
    var numbers = GrowableBuffer<Float>()
    var codes = GrowableBuffer<Int32>()
    /// Rows of a number column whose text is not a number, with the interned text and offset.
    var strayRows: [Int] = []
    var strayCodes: [Int32] = []
    var strayOffsets: [Int] = []
    var interner = StringInterner()
    var missingCount = 0
    /// Present text fields that had spaces around them (trimmed), for typing's warning.
    var trimmedCount = 0

    init(isText: Bool) { self.isText = isText }

    var count: Int { isText ? codes.count : numbers.count }

    mutating func removeAll() {
        numbers.removeAll()
        codes.removeAll()
        strayRows.removeAll(keepingCapacity: true)
        strayCodes.removeAll(keepingCapacity: true)
        strayOffsets.removeAll(keepingCapacity: true)
        interner.removeAll()
        missingCount = 0
        trimmedCount = 0
    }

    func deallocate() {
        numbers.deallocate()
        codes.deallocate()
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
