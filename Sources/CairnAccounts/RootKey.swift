import CairnCrypto
public import Foundation
import Synchronization

/// The root of Cairn's key hierarchy: 32 bytes from `CAIRN_ROOT_KEY` (base64 or hex) or a 0600 file.
/// Secrets and key material are sealed with keys derived from it, never with it directly.
///
/// It can hold several keys, the current one first (the file has one per line; the variable separates them
/// with commas): everything is sealed with the current key, and a sealed value names the key that sealed it,
/// so older keys still open what they sealed until it is rewrapped. When a sealed value names a key this
/// process does not know, the file is read again: a root key rotation needs no restart.
public final class RootKey: Sendable {
    public enum LoadError: Error, CustomStringConvertible {
        case malformed(String)
        case insecureFile(String)
        case unknownKey(String)
        public var description: String {
            switch self {
            case .malformed(let source): "the root key from \(source) is not 32 bytes in base64 or hex"
            case .insecureFile(let path): "the root key file \(path) must be readable by its owner only (chmod 600)"
            case .unknownKey(let id): "a value is sealed by root key \(id), which is not configured"
            }
        }
    }

    struct Key: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        var description: String { "RootKey.Key(id: \(Hex.encode(id)), material: <redacted>)" }
        var debugDescription: String { description }
        let material: [UInt8]
        let id: [UInt8]

        init(_ material: [UInt8]) {
            self.material = material
            self.id = Array(HMACSHA256.authenticate(Array("cairn/root-key-id".utf8), key: material).prefix(8))
        }
    }

    static let sealedFormat: UInt8 = 1
    private let keys: Mutex<[Key]>
    /// The file the keys came from, read again on demand; nil for keys from the environment.
    public let file: URL?

    public convenience init(material: [UInt8]) throws {
        try self.init(materials: [material], file: nil)
    }

    init(materials: [[UInt8]], file: URL?) throws {
        guard !materials.isEmpty, materials.allSatisfy({ $0.count == 32 }) else {
            throw LoadError.malformed(file?.path ?? "memory")
        }
        self.keys = Mutex(materials.map(Key.init))
        self.file = file
    }

    private var current: Key { keys.withLock { $0[0] } }

    /// A short public name for the current key (not secret).
    public var id: String { Hex.encode(current.id) }

    /// The names of all configured keys, current first.
    public var ids: [String] { keys.withLock { $0.map { Hex.encode($0.id) } } }

    /// Subkey of the current key for one purpose: HMAC-SHA256(root, purpose).
    public func derive(_ purpose: String) -> [UInt8] {
        HMACSHA256.authenticate(Array(purpose.utf8), key: current.material)
    }

    /// Seals a secret for storage, bound to `context` (e.g. the access key id): format byte, key id, AES-GCM.
    public func seal(_ secret: [UInt8], context: String) throws -> [UInt8] {
        let key = current
        let subkey = HMACSHA256.authenticate(Array("cairn/secrets/v1".utf8), key: key.material)
        return [Self.sealedFormat] + key.id
            + (try AESGCM.seal(secret, key: subkey, authenticating: Array(context.utf8)))
    }

    public func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        guard sealed.count > 9, sealed[0] == Self.sealedFormat else { throw CryptoError.malformedCiphertext }
        let id = Array(sealed[1..<9])
        guard let key = try find(id) else { throw LoadError.unknownKey(Hex.encode(id)) }
        let subkey = HMACSHA256.authenticate(Array("cairn/secrets/v1".utf8), key: key.material)
        return try AESGCM.open(sealed[9...], key: subkey, authenticating: Array(context.utf8))
    }

    /// Whether a sealed value was sealed by the current key.
    public func isCurrent(_ sealed: [UInt8]) -> Bool {
        sealed.count > 9 && Array(sealed[1..<9]) == current.id
    }

    private func find(_ id: [UInt8]) throws -> Key? {
        if let key = keys.withLock({ $0.first { $0.id == id } }) { return key }
        try reload()
        return keys.withLock { $0.first { $0.id == id } }
    }

    /// Reads the file again (keys from the environment cannot change while running).
    public func reload() throws {
        guard let file else { return }
        let fresh = try Self.read(file)
        keys.withLock { $0 = fresh.map(Key.init) }
    }

    // MARK: loading and rotation

    static func parseOne(_ text: String, source: String) throws -> [UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Hex.decode(trimmed) { return bytes }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return Array(data) }
        throw LoadError.malformed(source)
    }

    public static func parse(_ text: String, source: String) throws -> RootKey {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "\n" }).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return try RootKey(materials: try parts.map { try parseOne($0, source: source) }, file: nil)
    }

    static func read(_ file: URL) throws -> [[UInt8]] {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw LoadError.insecureFile(file.path)
        }
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return try lines.map { try parseOne($0, source: file.path) }
    }

    /// `CAIRN_ROOT_KEY` if set; else the file, created with 32 random bytes (mode 0600) when missing.
    public static func load(environment: [String: String], file: URL?) throws -> RootKey {
        if let value = environment["CAIRN_ROOT_KEY"], !value.isEmpty {
            return try parse(value, source: "CAIRN_ROOT_KEY")
        }
        guard let file else { throw LoadError.malformed("nowhere: set CAIRN_ROOT_KEY") }
        if !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try SecretFile.create(at: file.path, contents: text([SecureRandom.bytes(32)]))
            } catch .exists {
                // Another process created it first: use theirs.
            }
        }
        return try RootKey(materials: try read(file), file: file)
    }

    /// Writes keys to the file atomically, mode 0600, current first.
    static func write(_ materials: [[UInt8]], to file: URL) throws {
        try SecretFile.replace(at: file.path, contents: text(materials))
    }

    /// The file's text: one base64 key per line.
    static func text(_ materials: [[UInt8]]) -> [UInt8] {
        Array((materials.map { Data($0).base64EncodedString() }.joined(separator: "\n") + "\n").utf8)
    }

    /// Puts a new current key first in the file, keeping the others to open what they sealed.
    public func addNewCurrentKey() throws {
        guard let file else { throw LoadError.malformed("CAIRN_ROOT_KEY (rotate a key from the environment by hand)") }
        let materials = keys.withLock { $0.map(\.material) }
        try Self.write([SecureRandom.bytes(32)] + materials, to: file)
        try reload()
    }

    /// Keeps only the current key in the file (after everything was rewrapped).
    public func dropPreviousKeys() throws {
        guard let file else { throw LoadError.malformed("CAIRN_ROOT_KEY (rotate a key from the environment by hand)") }
        try Self.write([current.material], to: file)
        try reload()
    }
}
