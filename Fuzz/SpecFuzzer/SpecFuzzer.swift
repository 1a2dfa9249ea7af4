// libFuzzer harness for the spec loader: YAML parsing (libyaml), schema validation, decoding,
// and rendering of every diagnostic against the text. Built and run by Scripts/fuzz.sh; no
// `main` here (libFuzzer's own calls LLVMFuzzerTestOneInput).
import Foundation
import Spec

/// A folder tree with the data files the seed specs name (`data/*.csv` beside the spec,
/// `../data/tiny.csv` above it), so valid seeds decode fully; the loader only checks existence.
private let baseDirectory: String = {
    let root = NSTemporaryDirectory() + "layerwise-spec-fuzz"
    let specs = root + "/specs"
    let manager = FileManager.default
    try? manager.createDirectory(atPath: specs + "/data", withIntermediateDirectories: true)
    try? manager.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
    let csv = Data("a,b,label\n1,2,x\n".utf8)
    for name in ["iris", "penguins", "diabetes", "breast_cancer", "tiny"] {
        _ = manager.createFile(atPath: specs + "/data/\(name).csv", contents: csv)
    }
    _ = manager.createFile(atPath: root + "/data/tiny.csv", contents: csv)
    return specs
}()

/// Knows the templates the seeds name, so `model.template` checks pass for them.
private let loader = SpecLoader(templateNames: ["mlp", "residual", "deep-mlp", "wide-shallow"])
private let renderer = DiagnosticRenderer(colored: false)

@_cdecl("LLVMFuzzerTestOneInput")
public func specFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // The loader itself rejects non-UTF-8 files before parsing; repairing instead (U+FFFD)
    // sends every input through the parser.
    let text = String(decoding: bytes, as: UTF8.self)
    let path = "fuzz/spec.yaml"
    let (_, diagnostics) = loader.check(text: text, path: path, baseDirectory: baseDirectory)
    // Locations must stay inside the text: the renderer indexes its lines by them.
    _ = renderer.render(diagnostics, source: text)
    _ = DiagnosticRenderer.summary(of: diagnostics)
    return 0
}
