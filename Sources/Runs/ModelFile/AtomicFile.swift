import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Failure to write a file; names the path and the system's reason.
public enum FileWriteError: Error, CustomStringConvertible, Equatable {
    /// The file (or its temporary sibling) could not be created, written, synced or renamed.
    case cannotWrite(path: String, reason: String)
    /// The path names something other than a regular file (a folder, a device, a socket).
    case notRegularFile(path: String, kind: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            "error: cannot write \(path): \(reason)\n"
                + "  hint: check that the folder exists and is writable, and that the disk has room"
        case .notRegularFile(let path, let kind):
            "error: cannot write \(path): it is \(kind), not a regular file; nothing written\n"
                + "  hint: give the path of a file to create or replace"
        }
    }
}

/// Writes files so that readers see either the old content or the new, never a partial file.
///
/// The bytes go to a temporary file in the same folder, are flushed with `fsync`, and the file is
/// renamed over the destination (atomic on POSIX file systems); the folder is synced after, so
/// the rename survives a crash. A process killed at any moment leaves the previous file intact.
/// A symbolic link is written through (its target is replaced, the link stays); a path that
/// names a folder, a device or anything but a regular file is refused.
public enum AtomicFile {
    /// Replaces `path` with `bytes` atomically.
    /// - Parameters:
    ///   - bytes: the complete new content.
    ///   - path: destination; its folder must exist. A symbolic link is followed.
    /// - Throws: `FileWriteError.cannotWrite` naming the path and the system error;
    ///   `.notRegularFile` when the path is a folder, a device or the like.
    public static func write(_ bytes: [UInt8], to requested: String) throws(FileWriteError) {
        let path = try destination(of: requested)
        let folder = parentFolder(of: path)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let temporary = folder + "/." + name + temporaryMark + "\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: systemError()) }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return systemError()
                }
                written += n
            }
            return fsync(fd) == 0 ? nil : systemError()
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: failure)
        }
        guard rename(temporary, path) == 0 else {
            let reason = systemError()
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Makes the folder `path` goes in, and the folders above it, as `mkdir -p` does: an output
    /// the user names (`predict -o out/p.csv`, `--write-spec next/x.yaml`) gets its folder.
    /// - Throws: `FileWriteError.cannotWrite` naming the folder and the system error.
    public static func makeFolder(for path: String) throws(FileWriteError) {
        let folder = parentFolder(of: path)
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(
                path: path,
                reason: "cannot make the folder \(folder): \(error.localizedDescription)")
        }
    }

    /// Replaces `path` with the UTF-8 bytes of `text` atomically.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// What marks a temporary sibling: `.NAME.tmp-PID`.
    private static let temporaryMark = ".tmp-"

    /// Whether a file name is a temporary sibling this writer makes (`.NAME.tmp-PID`): one a
    /// killed process left behind, when no writer of its folder is alive.
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMark)
    }

    /// Whether something exists at `path` (a dangling symbolic link counts: writing would
    /// create its target).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The file a write to `path` replaces: symbolic links followed (40 at most, as the
    /// kernel does), relative targets against the link's folder.
    /// - Throws: `.notRegularFile` when it exists and is not a regular file; `.cannotWrite`
    ///   for a loop of links.
    static func destination(of path: String) throws(FileWriteError) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else { return current }  // a new file
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                return current
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, buffer.count - 1)
                guard length > 0 else {
                    throw .cannotWrite(path: path, reason: systemError())
                }
                let target = String(
                    decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current =
                    target.hasPrefix("/") ? target : parentFolder(of: current) + "/" + target
            case S_IFDIR:
                throw .notRegularFile(path: path, kind: "a folder")
            case S_IFCHR, S_IFBLK:
                throw .notRegularFile(path: path, kind: "a device")
            case S_IFIFO:
                throw .notRegularFile(path: path, kind: "a named pipe")
            case S_IFSOCK:
                throw .notRegularFile(path: path, kind: "a socket")
            default:
                throw .notRegularFile(path: path, kind: "a special file")
            }
        }
        throw .cannotWrite(path: path, reason: "too many levels of symbolic links")
    }

    /// The folder part of `path` ("." for a bare file name).
    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
