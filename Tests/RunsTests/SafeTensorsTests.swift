import Engine
import Foundation
import Testing

@testable import Runs

@Suite("safetensors model files")
struct SafeTensorsTests {
    let sample = SafeTensorsFile(
        tensors: [
            NamedTensor(
                name: "layers.0.weight", shape: [2, 3], values: [1, -2, 3.5, 0, 1e-8, -7]),
            NamedTensor(name: "layers.0.bias", shape: [3], values: [0.25, .infinity, -0.0]),
        ],
        metadata: ["format": "layerwise", "config": "name: iris\n"])

    @Test func roundTripsTensorsAndMetadata() throws {
        let bytes = sample.serialized()
        let read = try SafeTensorsFile(bytes: bytes, path: "m.safetensors")
        #expect(read.metadata == sample.metadata)
        #expect(read.tensor(named: "layers.0.weight") == sample.tensors[0])
        #expect(
            read.tensor(named: "layers.0.bias")?.values.map(\.bitPattern)
                == sample.tensors[1].values.map(\.bitPattern))
    }

    @Test func headerIsJSONWithEveryCharacterEscaped() throws {
        let awkward =
            "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{07} "
            + "nul \u{00} unit \u{1F} delete \u{7F} ß – 😀 {\"nested\": [1, 2]}"
        let file = SafeTensorsFile(
            tensors: [
                NamedTensor(name: "z \"odd\" name", shape: [2, 1], values: [1, 2]),
                NamedTensor(name: "a", shape: [3], values: [3, 4, 5]),
            ],
            metadata: ["trainer": awkward, "k\n": "", "format": "layerwise"])
        let bytes = file.serialized()
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        // Another parser reads the same header.
        let header = try #require(
            try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)]))
                as? [String: Any])
        #expect(header["__metadata__"] as? [String: String] == file.metadata)
        let odd = try #require(header["z \"odd\" name"] as? [String: Any])
        #expect(odd["shape"] as? [Int] == [2, 1])
        #expect(odd["data_offsets"] as? [Int] == [0, 8])
        #expect((header["a"] as? [String: Any])?["data_offsets"] as? [Int] == [8, 20])
        let read = try SafeTensorsFile(bytes: bytes, path: "m.safetensors")
        #expect(read == file)
        // The bytes are a function of the content: the metadata's order does not matter.
        var reordered = file
        reordered.metadata = Dictionary(uniqueKeysWithValues: file.metadata.reversed())
        #expect(reordered.serialized() == bytes)
    }

    @Test func headerIsPaddedToEightBytesAndDataFollowsInOrder() {
        let bytes = sample.serialized()
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        #expect(length % 8 == 0)
        #expect(bytes.count == 8 + length + 9 * 4)
        // The first tensor's first value starts right after the header.
        let first =
            UInt32(bytes[8 + length]) | UInt32(bytes[9 + length]) << 8
            | UInt32(bytes[10 + length]) << 16 | UInt32(bytes[11 + length]) << 24
        #expect(Float(bitPattern: first) == 1)
    }

    @Test func truncatedFileIsReportedWithSizes() {
        let bytes = Array(sample.serialized().dropLast(5))
        #expect(throws: ModelFileError.self) { try SafeTensorsFile(bytes: bytes, path: "m") }
        do {
            _ = try SafeTensorsFile(bytes: bytes, path: "m")
        } catch {
            guard case .truncated(_, let expected, let actual) = error else {
                Issue.record("expected truncated, got \(error)")
                return
            }
            #expect(expected == actual + 5)
        }
    }

    @Test func otherFilesAreNotSafeTensors() {
        for bytes in [Array("name,target\n1,2\n".utf8), [1, 2, 3], []] as [[UInt8]] {
            do {
                _ = try SafeTensorsFile(bytes: bytes, path: "x.csv")
                Issue.record("accepted \(bytes.count) bytes of non-safetensors")
            } catch {
                guard case .notSafeTensors = error else {
                    Issue.record("expected notSafeTensors, got \(error)")
                    continue
                }
                #expect(error.description.contains("x.csv"))
            }
        }
    }

    @Test func otherDtypesAreUnsupported() throws {
        let header = #"{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8) + [0, 0]
        #expect {
            try SafeTensorsFile(bytes: bytes, path: "h.safetensors")
        } throws: { error in
            guard let error = error as? ModelFileError, case .unsupported = error else {
                return false
            }
            return error.description.contains("F16")
        }
    }

    private func file(header: String, dataBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        return bytes + Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes)
    }

    /// The red-team's headers (issue 12): each trapped on overflow before.
    @Test(
        "hostile shapes and offsets are errors naming the tensor, never a trap",
        arguments: [
            #"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]}}"#,
            #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,9223372036854775807]}}"#,
            #"{"w":{"dtype":"F32","shape":[-1,-8],"data_offsets":[0,32]}}"#,
            #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
            #"{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,4]}}"#,
            #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}"#,
        ])
    func hostileHeaders(header: String) {
        #expect {
            try SafeTensorsFile(bytes: file(header: header, dataBytes: 16), path: "h.safetensors")
        } throws: { error in
            guard let error = error as? ModelFileError else { return false }
            switch error {
            case .corrupt, .truncated: return error.description.contains("h.safetensors")
            default: return false
            }
        }
    }

    @Test func gapsBetweenTensorsAreCorrupt() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 8)
        #expect(throws: ModelFileError.self) { try SafeTensorsFile(bytes: bytes, path: "g") }
    }
}

@Suite("atomic file writes")
struct AtomicFileTests {
    @Test func replacesContentAndLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/history.csv"
        try AtomicFile.write("old\n", to: path)
        try AtomicFile.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["history.csv"])
    }

    @Test func aSymbolicLinkIsWrittenThroughToItsTarget() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: folder + "/real", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write("old\n", to: folder + "/real/predictions.csv")
        // A relative link, and a link to a link.
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/link.csv", withDestinationPath: "real/predictions.csv")
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/link2.csv", withDestinationPath: folder + "/link.csv")
        try AtomicFile.write("new\n", to: folder + "/link2.csv")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.csv")
                == "real/predictions.csv")
        #expect(
            try String(contentsOfFile: folder + "/real/predictions.csv", encoding: .utf8) == "new\n"
        )
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder + "/real")
                == ["predictions.csv"])
        // A dangling link creates its target.
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/dangling.csv", withDestinationPath: "real/new.csv")
        try AtomicFile.write("x\n", to: folder + "/dangling.csv")
        #expect(try String(contentsOfFile: folder + "/real/new.csv", encoding: .utf8) == "x\n")
    }

    @Test(
        "devices and folders are refused, and stay as they were",
        arguments: [("/dev/full", "a device"), ("/dev/null", "a device"), ("/tmp", "a folder")])
    func notRegularFilesAreRefused(path: String, kind: String) throws {
        var before = stat()
        #expect(lstat(path, &before) == 0)
        #expect(throws: FileWriteError.notRegularFile(path: path, kind: kind)) {
            try AtomicFile.write("x", to: path)
        }
        var after = stat()
        #expect(lstat(path, &after) == 0)
        #expect(after.st_mode == before.st_mode && after.st_rdev == before.st_rdev)
        // A link to a device is refused the same way.
        let link = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-link-\(UUID().uuidString)").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        defer { unlink(link) }
        #expect(throws: FileWriteError.notRegularFile(path: link, kind: kind)) {
            try AtomicFile.write("x", to: link)
        }
    }

    @Test func unwritableFolderIsAnErrorNamingThePath() {
        #expect {
            try AtomicFile.write("x", to: "/nonexistent-folder-layerwise/out.csv")
        } throws: { error in
            "\(error)".contains("/nonexistent-folder-layerwise/out.csv")
        }
    }
}
