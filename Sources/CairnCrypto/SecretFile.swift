import Glibc

/// Files that hold secrets (the root key): created with `O_CREAT | O_EXCL` and mode 0600 in one system call,
/// so that no other user can ever open them, and flushed to disk before they count as written.
public enum SecretFile {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The path exists already (another process created it first).
        case exists(String)
        case failed(String, errno: Int32)

        public var description: String {
            switch self {
            case .exists(let path): "\(path) exists already"
            case .failed(let path, let code): "cannot write \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Creates `path` (which must not exist) readable and writable by its owner only, with `contents`.
    public static func create(at path: String, contents: [UInt8]) throws(Failure) {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR)
        guard descriptor >= 0 else {
            throw errno == EEXIST ? .exists(path) : .failed(path, errno: errno)
        }
        var written = 0
        while written < contents.count {
            let count = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                let code = errno
                close(descriptor)
                unlink(path)
                throw .failed(path, errno: code)
            }
            written += count
        }
        let synced = fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        guard synced else {
            unlink(path)
            throw .failed(path, errno: code)
        }
    }

    /// Replaces `path` atomically with a new secret file holding `contents` (a 0600 temporary file, renamed).
    public static func replace(at path: String, contents: [UInt8]) throws(Failure) {
        let temporary = path + ".\(SecureRandom.bytes(8).map { String($0, radix: 16) }.joined()).tmp"
        try create(at: temporary, contents: contents)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .failed(path, errno: code)
        }
    }
}
