import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// Ciphertext blobs, sealed and opened under a key's material. A blob names its key and key version, so
/// Decrypt needs no KeyId; the encryption context is bound as AAD.
///
///     blob = 0x01 · key id (16 bytes) · key version (4 bytes, big endian) · AES-256-GCM(nonce · ciphertext · tag)
extension KeyService {
    static let blobFormat: UInt8 = 1
    static let blobHeaderBytes = 1 + 16 + 4

    // MARK: pieces

    /// Opens a ciphertext blob: its key must be usable, and match `named` when a key is named.
    func openBlob(
        _ blob: [UInt8], context: [String: String]?, named: String?, _ caller: Caller, for operation: String
    ) async throws
        -> (key: CustomerKey, plaintext: [UInt8], materialID: String)
    {
        guard blob.count > Self.blobHeaderBytes + AESGCM.nonceByteCount + AESGCM.tagByteCount,
            blob[0] == Self.blobFormat
        else { throw AWSError.invalidCiphertext }
        let keyID = blob[1..<17].withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
        let version = blob[17..<21].reduce(Int32(0)) { $0 << 8 | Int32($1) }
        guard let owner = try await owner(ofKey: keyID, caller) else {
            throw AWSError.kmsNotFound(Self.keyARN(caller, keyID))
        }
        let key = try await usableKey(owner: owner, id: keyID, caller, for: operation, context: context)
        if let named {
            let wanted = try await customerKey(named, caller, for: operation)
            guard wanted.id == key.id else { throw AWSError.incorrectKey }
        }
        let ownerView = caller.acting(for: key.owner)
        let material = try await keyMaterial(key.id, version: version, ownerView)
        guard
            let plaintext = try? AESGCM.open(
                blob[Self.blobHeaderBytes...], key: material,
                authenticating: Self.associatedData(ownerView, key.blobID, version, context))
        else { throw AWSError.invalidCiphertext }
        return (key, plaintext, Self.keyMaterialID(material, keyID: key.blobID))
    }

    /// A key that may be used for cryptography now: enabled, not pending deletion.
    func usableKey(
        _ reference: String, _ caller: Caller, for operation: String, context: [String: String]? = nil
    ) async throws -> CustomerKey {
        try Self.checkUsable(try await customerKey(reference, caller, for: operation, context: context), for: operation)
    }

    func usableKey(
        owner: String, id: UUID, _ caller: Caller, for operation: String, context: [String: String]? = nil
    ) async throws -> CustomerKey {
        try Self.checkUsable(
            try await customerKey(owner: owner, id: id, caller, for: operation, context: context), for: operation)
    }

    /// Enabled, and of the KeyUsage the operation needs (`InvalidKeyUsageException` otherwise, in AWS's words).
    static func checkUsable(_ key: CustomerKey, for operation: String) throws(AWSError) -> CustomerKey {
        let key = try checkUsable(key)
        if KMSLimits.rotationOperations.contains(operation), key.isExternal {
            throw AWSError.wrongOrigin(key)
        }
        if KMSLimits.rotationOperations.contains(operation), key.keySpec != "SYMMETRIC_DEFAULT" {
            throw AWSError.unsupported("\(key.arn) key spec is \(key.keySpec), which does not support rotation.")
        }
        if KMSLimits.symmetricOperations.contains(operation), !key.isSymmetric, key.keyUsage == "ENCRYPT_DECRYPT" {
            throw AWSError(
                "InvalidKeyUsageException",
                "\(key.arn) key spec is \(key.keySpec), which is not valid for \(operation).")
        }
        if let usage = KMSLimits.requiredUsage[operation], key.keyUsage != usage {
            throw AWSError(
                "InvalidKeyUsageException",
                "\(key.arn) key usage is \(key.keyUsage) which is not valid for \(operation).")
        }
        return key
    }

    static func checkUsable(_ key: CustomerKey) throws(AWSError) -> CustomerKey {
        switch key.state {
        case .enabled: return key
        case .pendingDeletion: throw AWSError.kmsPendingDeletion(key.arn)
        case .pendingImport: throw AWSError.kmsPendingImport(key.arn)
        default: throw AWSError.kmsDisabled(key.arn)
        }
    }

    /// The blob, and the id of the key material that sealed it.
    func seal(
        _ plaintext: [UInt8], key: CustomerKey, context: [String: String]?, _ caller: Caller
    ) async throws
        -> (blob: [UInt8], materialID: String)
    {
        let ownerView = caller.acting(for: key.owner)
        let (version, material) = try await latestKeyMaterial(key.id, ownerView)
        var blob: [UInt8] = [Self.blobFormat]
        withUnsafeBytes(of: key.blobID.uuid) { blob.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(bitPattern: version).bigEndian) { blob.append(contentsOf: $0) }
        blob += try AESGCM.seal(
            plaintext, key: material, authenticating: Self.associatedData(ownerView, key.blobID, version, context))
        return (blob, Self.keyMaterialID(material, keyID: key.blobID))
    }

    /// The encryption context is bound in a canonical form: keys sorted, each pair length-prefixed.
    static func associatedData(
        _ caller: Caller, _ keyID: UUID, _ version: Int32, _ context: [String: String]?
    ) -> [UInt8] {
        var aad = Array("kms-ciphertext|\(caller.accountID)|\(keyID.uuidString.lowercased())|\(version)|".utf8)
        for (name, value) in (context ?? [:]).sorted(by: { $0.key < $1.key }) {
            for part in [name, value] {
                let bytes = Array(part.utf8)
                aad += Array("\(bytes.count):".utf8) + bytes
            }
        }
        return aad
    }

    func latestKeyMaterial(_ keyID: UUID, _ caller: Caller) async throws -> (Int32, [UInt8]) {
        let rows = try await database.query(
            """
            SELECT version, material_sealed FROM kms_key_versions
            WHERE account_id = \(caller.accountID) AND key_id = \(keyID) ORDER BY version DESC LIMIT 1
            """)
        for try await (version, sealed) in rows.decode((Int32, ByteBuffer).self) {
            return (version, try open(sealed, keyID, version, caller))
        }
        throw AWSError.kmsNotFound(Self.keyARN(caller, keyID))
    }

    private func keyMaterial(_ keyID: UUID, version: Int32, _ caller: Caller) async throws -> [UInt8] {
        let rows = try await database.query(
            """
            SELECT material_sealed FROM kms_key_versions
            WHERE account_id = \(caller.accountID) AND key_id = \(keyID) AND version = \(version)
            """)
        for try await sealed in rows.decode(ByteBuffer.self) { return try open(sealed, keyID, version, caller) }
        throw AWSError.invalidCiphertext
    }

    private func open(_ sealed: ByteBuffer, _ keyID: UUID, _ version: Int32, _ caller: Caller) throws -> [UInt8] {
        try KeyMaterial.open(sealed, account: caller.accountID, keyID: keyID, version: version, rootKey: rootKey)
    }
}
