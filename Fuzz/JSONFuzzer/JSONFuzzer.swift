// libFuzzer harness for the JSON reader behind `layerwise serve`'s request bodies
// (`JSONValue.parse`): any bytes either parse or throw a located `JSONSyntaxError` (line and
// column inside the text); a parsed value written compactly parses back to itself. Built and
// run by Scripts/fuzz.sh; no `main` here.
import Spec

@_cdecl("LLVMFuzzerTestOneInput")
public func jsonFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    do {
        // The server's nesting limit (ServedModel.maximumDepth).
        let value = try JSONValue.parse(bytes, maximumDepth: 16)
        let again = try JSONValue.parse(Array(value.compactText.utf8), maximumDepth: 16)
        // A whole double is written without a fraction (300, not 300.0) and reads back as an
        // integer: the same number.
        if normalized(again) != normalized(value) {
            fatalError("compact text does not read back: \(value.compactText)")
        }
    } catch {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if error.line < 1 || error.line > lines.count || error.column < 1
            || error.column > lines[error.line - 1].count + 1
        {
            fatalError("error outside the text: \(error)")
        }
    }
    return 0
}

/// The value with whole doubles (as the writer prints them) as integers.
private func normalized(_ value: JSONValue) -> JSONValue {
    switch value {
    case .number(let number) where number == number.rounded() && abs(number) < 1e15:
        return .int(Int(number))
    case .array(let items): return .array(items.map(normalized))
    case .object(let members):
        return .object(members.map { JSONValue.Member($0.key, normalized($0.value)) })
    default: return value
    }
}
