// Linked into each harness. LeakSanitizer reports Swift's lazily initialized globals (the
// schema tables, for instance) as leaked at exit: pointers held in enum payloads with spare
// bits are not recognizable to it. Leak checking is off so that those false reports do not
// look like findings; memory errors are still reported by AddressSanitizer.

/// AddressSanitizer's default options, read before `main` (ASAN_OPTIONS still overrides).
@_cdecl("__asan_default_options")
public func asanDefaultOptions() -> UnsafePointer<CChar> {
    UnsafeRawPointer(("detect_leaks=0" as StaticString).utf8Start)
        .assumingMemoryBound(to: CChar.self)
}
