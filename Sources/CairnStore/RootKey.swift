public import CairnCrypto
public import Foundation

/// The 32-byte root of Cairn's key hierarchy: `CAIRN_ROOT_KEY` (base64 or hex) or a 0600 file.
/// Secrets and key material are sealed with keys derived from it, never with it directly.
public struct RootKey: Sendable {
    public enum LoadError: Error, CustomStringConvertible {
        case malformed(String)
        case insecureFile(String)
        public var description: String {
            switch self {
            case .malformed(let source): "the root key from \(source) is not 32 bytes in base64 or hex"
            case .insecureFile(let path): "the root key file \(path) must be readable by its owner only (chmod 600)"
            }
        }
    }

    let material: [UInt8]

    public init(material: [UInt8]) throws {
        guard material.count == 32 else { throw LoadError.malformed("memory") }
        self.material = material
    }

    /// A short public name for this key (not secret): the first 8 bytes of SHA-256 over a derived value.
    public var id: String { Hex.encode(derive("cairn/root-key-id").prefix(8)) }

    /// Subkey for one purpose: HMAC-SHA256(root, purpose).
    public func derive(_ purpose: String) -> [UInt8] {
        HMACSHA256.authenticate(Array(purpose.utf8), key: material)
    }

    /// Seals a secret for storage, bound to `context` (e.g. the access key id).
    public func seal(_ secret: [UInt8], context: String) throws -> [UInt8] {
        try AESGCM.seal(secret, key: derive("cairn/secrets/v1"), authenticating: Array(context.utf8))
    }

    public func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        try AESGCM.open(sealed, key: derive("cairn/secrets/v1"), authenticating: Array(context.utf8))
    }

    public static func parse(_ text: String, source: String) throws -> RootKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Hex.decode(trimmed) { return try RootKey(material: bytes) }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return try RootKey(material: Array(data)) }
        throw LoadError.malformed(source)
    }

    /// `CAIRN_ROOT_KEY` if set; else the file, created with 32 random bytes (mode 0600) when missing.
    public static func load(environment: [String: String], file: URL?) throws -> RootKey {
        if let value = environment["CAIRN_ROOT_KEY"], !value.isEmpty {
            return try parse(value, source: "CAIRN_ROOT_KEY")
        }
        guard let file else { throw LoadError.malformed("nowhere: set CAIRN_ROOT_KEY") }
        let files = FileManager.default
        if !files.fileExists(atPath: file.path) {
            try files.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoded = Data(SecureRandom.bytes(32)).base64EncodedString() + "\n"
            guard
                files.createFile(
                    atPath: file.path, contents: Data(encoded.utf8), attributes: [.posixPermissions: 0o600])
            else { throw LoadError.malformed(file.path) }
        }
        let attributes = try files.attributesOfItem(atPath: file.path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw LoadError.insecureFile(file.path)
        }
        return try parse(try String(contentsOf: file, encoding: .utf8), source: file.path)
    }
}
