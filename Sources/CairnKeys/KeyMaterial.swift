import CairnAccounts
import CairnCrypto
import CairnStore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// KMS key material as stored: 32 random bytes per key version, sealed by the root key and bound to
/// (account, key id, version). The one place that creates and opens it.
enum KeyMaterial {
    static func context(_ account: String, _ keyID: UUID, _ version: Int32) -> String {
        "kms-key|\(account)|\(keyID.uuidString.lowercased())|\(version)"
    }

    static func open(
        _ sealed: ByteBuffer, account: String, keyID: UUID, version: Int32, rootKey: RootKey
    ) throws
        -> [UInt8]
    {
        try rootKey.open(Array(sealed.readableBytesView), context: context(account, keyID, version))
    }

    /// Seals fresh material for a key version and stores it, on the caller's connection (in its transaction).
    /// `material`: random bytes of `byteCount` unless given (32 for symmetric keys, the digest's length for HMAC
    /// keys; an asymmetric key's private key DER).
    static func insertNewVersion(
        account: String, keyID: UUID, version: Int32, rotationType: String? = nil, byteCount: Int = AESGCM.keyByteCount,
        material: [UInt8]? = nil, rootKey: RootKey, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let sealed = try rootKey.seal(
            material ?? SecureRandom.bytes(byteCount), context: context(account, keyID, version))
        try await connection.query(
            """
            INSERT INTO kms_key_versions (account_id, key_id, version, material_sealed, root_key_id, rotation_type)
            VALUES (\(account), \(keyID), \(version), \(ByteBuffer(bytes: sealed)), \(rootKey.id), \(rotationType))
            """, logger: logger)
    }
}
