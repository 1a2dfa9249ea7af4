// libFuzzer harness for the CSV reader and what `layerwise init` / `profile` do with a table
// that reads: column typing, split, encoding, the data profile (with its linear probe when the
// data is small) and the starter spec, which must load without errors. Built and run by
// Scripts/fuzz.sh; no `main` here (libFuzzer's own calls LLVMFuzzerTestOneInput).
import Dataset
import Foundation
import Spec

/// One file per process, rewritten for each input (the reader takes a path).
private let csvPath: String = {
    let path = NSTemporaryDirectory() + "layerwise-csv-fuzz-\(getpid()).csv"
    atexit { unlink(NSTemporaryDirectory() + "layerwise-csv-fuzz-\(getpid()).csv") }
    return path
}()
private let specLoader = SpecLoader()

/// Largest training rows x inputs x outputs for which the profile's linear probe runs (300
/// full-batch steps: cheap only for small data).
private let probeBudget = 20_000

@_cdecl("LLVMFuzzerTestOneInput")
public func csvFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let file = fopen(csvPath, "wb") else { fatalError("cannot write \(csvPath)") }
    if size > 0, fwrite(bytes.baseAddress, 1, size, file) != size {
        fatalError("cannot write \(csvPath)")
    }
    fclose(file)

    // The requirement: reading never crashes (thrown errors are located DataErrors).
    let table: DataTable
    do {
        table = try CSVReader.read(path: csvPath)
    } catch let error as DataError {
        _ = error.description
        return 0
    } catch {
        fatalError("CSVReader.read threw a non-DataError: \(error)")
    }

    // Further: what `layerwise init` does with the table, the last column as the target.
    guard let target = table.columns.last?.name else { return 0 }
    let prepared: PreparedData
    do {
        prepared = try PreparedData.load(DataOptions(path: csvPath, target: target))
    } catch let error as DataError {
        _ = error.description
        return 0
    } catch {
        fatalError("PreparedData.load threw a non-DataError: \(error)")
    }
    let work =
        prepared.split.training.count * max(1, prepared.encoding.inputWidth)
        * max(1, prepared.encoding.target.outputWidth)
    guard work <= probeBudget else { return 0 }
    let profile = DataProfile(prepared)
    _ = profile.text

    // The starter spec `layerwise init` would write must load (its data path is the CSV).
    let directory = (csvPath as NSString).deletingLastPathComponent
    let spec = StarterSpec.render(
        name: "fuzz", dataPath: (csvPath as NSString).lastPathComponent, profile: profile)
    let (_, diagnostics) = specLoader.check(
        text: spec, path: directory + "/fuzz.yaml", baseDirectory: directory)
    let errors = diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
        let rendered = DiagnosticRenderer().render(errors, source: spec)
        fatalError("the starter spec does not load:\n\(spec)\n\(rendered)")
    }
    return 0
}
