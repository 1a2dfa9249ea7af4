import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `layerwise ARGS` run in a pseudo-terminal of `columns` x 24: everything it wrote there.
func runInTerminal(_ arguments: [String], columns: UInt16, in folder: URL) throws -> String {
    var controller: Int32 = 0
    var device: Int32 = 0
    var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&controller, &device, nil, nil, &size) == 0 else {
        throw CocoaError(.fileNoSuchFile)
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let terminal = FileHandle(fileDescriptor: device, closeOnDealloc: true)
    process.standardOutput = terminal
    process.standardError = terminal
    try process.run()
    try terminal.close()
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = read(controller, &buffer, buffer.count)
        if count <= 0 { break }  // EIO once the child has closed its end
        output.append(contentsOf: buffer[0..<count])
    }
    close(controller)
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self)
}

/// What each line shows at the end: the text after its last carriage return, escape
/// sequences removed; and every drawn segment (between carriage returns and line ends).
func screen(_ text: String) -> (lines: [String], segments: [String]) {
    let plain = text.replacingOccurrences(
        of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
    // The terminal turns each line end into CR LF.
    let rows = plain.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
    let lines = rows.map { $0.components(separatedBy: "\r").last ?? "" }
    let segments = rows.flatMap { $0.components(separatedBy: "\r") }
    return (lines, segments)
}

@Suite("training progress on a terminal")
struct ProgressTerminalTests {
    @Test("80 columns: nothing wraps, one line per finished epoch stays, the live line goes")
    func fitsAndKeepsEpochLines() throws {
        let folder = try scratch()
        // Enough steps that the live line is drawn several times.
        var text = "a,b,c,d,e,f,label\n"
        var state: UInt64 = 7
        for _ in 0..<20_000 {
            var values: [Double] = []
            for _ in 0..<6 {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                values.append(Double(state >> 40) / Double(1 << 24))
            }
            text += values.map { String(format: "%.4f", $0) }.joined(separator: ",")
            text += values[0] + values[1] > 1 ? ",yes\n" : ",no\n"
        }
        try text.write(
            to: folder.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        try """
        name: big
        data: {path: big.csv, target: label}
        model: {neurons: [64]}
        training: {epochs: 12, ensemble: 1, early_stopping: false, learning_rate: 0.001, batch_size: 16}
        """.write(
            to: folder.appendingPathComponent("big.yaml"), atomically: true, encoding: .utf8)
        let output = try runInTerminal(
            ["train", "big.yaml", "--out", "run"], columns: 80, in: folder)
        let (lines, segments) = screen(output)
        // The progress's own lines (the spec's warnings quote its lines as they are).
        let long = segments.filter { $0.hasPrefix("epoch ") && $0.count > 79 }
        #expect(long.isEmpty, "wider than the terminal: \(long.prefix(3))")
        let epochLines = lines.filter { $0.hasPrefix("epoch ") }
        #expect(
            epochLines.map { $0.split(separator: " ")[1] } == (1...12).map { "\($0)/12" },
            "\(epochLines)")
        #expect(epochLines.allSatisfy { $0.contains("loss") && $0.contains("val_accuracy") })
        #expect(!epochLines.contains { $0.hasSuffix("…") }, "\(epochLines)")
        // The live line was drawn (with the epoch's running mean loss) and is gone at the end.
        #expect(segments.contains { $0.contains("steps/s") && $0.contains(" loss ") })
        #expect(!lines.contains { $0.contains("steps/s") })
    }
}
