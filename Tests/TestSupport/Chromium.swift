import Foundation

/// Chromium on PATH (Debian's `chromium`: `apt-get install -y chromium`), for the rendering
/// check.
public let chromium: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        for name in ["chromium", "chromium-browser"] {
            let candidate = URL(filePath: String(folder)).appending(path: name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
    }
    return nil
}()

/// Runs Chromium with `arguments`, its standard output into the file `output`; kills it after
/// `seconds`. The exit status, and whether it was killed.
public func runChromium(
    _ arguments: [String], output: URL, seconds: Double
) throws -> (
    status: Int32, timedOut: Bool
) {
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = chromium
    process.arguments = arguments
    // A file, not a pipe: a large DOM would fill a pipe nobody reads while we wait.
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + seconds) == .timedOut {
        process.terminate()
        process.waitUntilExit()
        return (process.terminationStatus, true)
    }
    return (process.terminationStatus, false)
}

/// A page as headless Chromium reads it: the DOM it parsed, and whether a screenshot of
/// `width` x `height` rendered (a PNG over 10 kB), written to `png` when given.
public func chromiumRendering(
    page: URL, png: URL? = nil, width: Int = 1360, height: Int = 2400
) throws -> (dom: String, rendered: Bool) {
    let folder = FileManager.default.temporaryDirectory
        .appending(path: "layerwise-chromium-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let common = [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--user-data-dir=\(folder.appending(path: "profile").path)",
    ]
    let dom = folder.appending(path: "dom.html")
    let dump = try runChromium(
        common + ["--dump-dom", page.absoluteString], output: dom, seconds: 60)
    guard !dump.timedOut, dump.status == 0 else { return ("", false) }
    let shot = png ?? folder.appending(path: "page.png")
    let run = try runChromium(
        common + [
            "--screenshot=\(shot.path)", "--window-size=\(width),\(height)", page.absoluteString,
        ],
        output: folder.appending(path: "screenshot.log"), seconds: 60)
    let image = (try? Data(contentsOf: shot)) ?? Data()
    let rendered =
        !run.timedOut && run.status == 0 && image.starts(with: [0x89, 0x50, 0x4E, 0x47])
        && image.count > 10_000
    return (try String(contentsOf: dom, encoding: .utf8), rendered)
}
