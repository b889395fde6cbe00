public import Foundation

/// A bucket kept as a local directory: the object `a/b/c.gz` is the file `<root>/a/b/c.gz`. Each object is written
/// to a temporary file and renamed into place, so a reader never sees half an object and a rewrite replaces it.
public struct DirectoryBucket: ObjectStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func put(_ key: String, _ body: [UInt8]) async throws {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.contains("\0") else { throw ObjectStoreError.invalidKey(key) }
        let file = segments.reduce(root) { $0.appendingPathComponent(Self.fileName(String($1))) }
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = file.deletingLastPathComponent().appendingPathComponent(
                ".\(file.lastPathComponent).\(UUID().uuidString).partial")
            try Self.write(body, to: temporary)
            if rename(temporary.path, file.path) != 0 {
                try? manager.removeItem(at: temporary)
                throw ObjectStoreError.unreachable("cannot write \(key) below \(root.path)")
            }
        } catch let error as ObjectStoreError {
            throw error
        } catch {
            throw ObjectStoreError.unreachable("cannot write \(key) below \(root.path)")
        }
    }

    /// The file or directory name of one key segment. A key may hold what a path cannot (`a//b`, `.`, `..`, as a log
    /// stream's name can): `%` becomes `%25`, and an empty segment, `.` and `..` become `%`, `%2E` and `%2E%2E`.
    /// Different keys keep different paths, and no key reaches outside the root.
    static func fileName(_ segment: String) -> String {
        switch segment {
        case "": "%"
        case ".": "%2E"
        case "..": "%2E%2E"
        default: segment.replacingOccurrences(of: "%", with: "%25")
        }
    }

    /// Writes straight from the array (no copy into a `Data` first), and closes the file.
    private static func write(_ body: [UInt8], to file: URL) throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: file.path)
        else { throw ObjectStoreError.unreachable("cannot create \(file.lastPathComponent)") }
        defer { try? handle.close() }
        try body.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            try handle.write(
                contentsOf: Data(
                    bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
        }
    }

    public func check() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: root.path)
        else { throw ObjectStoreError.unreachable("\(root.path) is not a writable directory") }
    }
}
