#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Failure to write a file; names the path and the system's reason.
public enum FileWriteError: Error, CustomStringConvertible, Equatable {
    /// The file (or its temporary sibling) could not be created, written, synced or renamed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            "error: cannot write \(path): \(reason)\n"
                + "  hint: check that the folder exists and is writable, and that the disk has room"
        }
    }
}

/// Writes files so that readers see either the old content or the new, never a partial file.
///
/// The bytes go to a temporary file in the same folder, are flushed with `fsync`, and the file is
/// renamed over the destination (atomic on POSIX file systems); the folder is synced after, so
/// the rename survives a crash. A process killed at any moment leaves the previous file intact.
public enum AtomicFile {
    /// Replaces `path` with `bytes` atomically.
    /// - Parameters:
    ///   - bytes: the complete new content.
    ///   - path: destination; its folder must exist.
    /// - Throws: `FileWriteError.cannotWrite` naming the path and the system error.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let folder = parentFolder(of: path)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let temporary = folder + "/." + name + ".tmp-\(getpid())"
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

    /// Replaces `path` with the UTF-8 bytes of `text` atomically.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// The folder part of `path` ("." for a bare file name).
    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
