/// A bucket's objects, wherever an administrator put them: an S3-compatible store or a local directory.
public protocol ObjectStore: Sendable {
    /// Writes one object whole, replacing any object of that key: writing the same object twice leaves it once.
    func put(_ key: String, _ body: [UInt8]) async throws
    /// Whether the bucket is there and answers (S3 HeadBucket); throws `ObjectStoreError` when not.
    func check() async throws
}

/// What went wrong with a bucket; its description names the bucket and the store's answer, never a secret.
public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
    /// The store answered with an error: HTTP status, S3 error code and message when it sent them.
    case refused(status: UInt, code: String?, message: String?)
    /// The key cannot name a file below the directory (an empty, `.` or `..` segment).
    case invalidKey(String)
    case unreachable(String)

    public var description: String {
        switch self {
        case .refused(let status, let code, let message):
            "the bucket's store answered HTTP \(status)" + (code.map { " \($0)" } ?? "")
                + (message.map { ": \($0)" } ?? "")
        case .invalidKey(let key): "the object key \(key) cannot be stored in a directory"
        case .unreachable(let reason): "the bucket's store cannot be reached: \(reason)"
        }
    }

    /// Worth another attempt: the store was busy or failing (5xx, 429), or could not be reached.
    public var isTransient: Bool {
        switch self {
        case .refused(let status, _, _): status >= 500 || status == 429
        case .unreachable: true
        case .invalidKey: false
        }
    }
}
