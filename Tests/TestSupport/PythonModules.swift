import Foundation

/// Python modules the interop checks run under (`.ci/run` installs them).
public enum PythonModules {
    /// Whether `python3` imports every one of `modules` (a missing one: the check is skipped).
    public static func available(_ modules: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// numpy, onnx and onnxruntime: the ONNX export's checks.
    public static let hasOnnxRuntime = available(["numpy", "onnx", "onnxruntime"])
}
