import CairnAccounts
import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct EnableKeyRotationRequest: Decodable {
    let KeyId: String?
    let RotationPeriodInDays: Int?
}

struct KeyRotationStatusResponse: Encodable {
    let KeyRotationEnabled: Bool
    let KeyId: String
    let RotationPeriodInDays: Int?
    let NextRotationDate: Double?
}

struct ListKeyRotationsRequest: Decodable {
    let KeyId: String?
    let Limit: Int?
    let Marker: String?
    var IncludeKeyMaterial: String? = nil
}

/// One key material of a key: its id and state; rotations have a date and type (the first material has none).
struct RotationsListEntry: Encodable {
    let KeyId: String
    let KeyMaterialId: String
    let KeyMaterialState: String
    var ImportState: String? = nil
    var ExpirationModel: String? = nil
    var ValidTo: Double? = nil
    var RotationDate: Double? = nil
    var RotationType: String? = nil
}

struct ListKeyRotationsResponse: Encodable {
    let Rotations: [RotationsListEntry]
    let NextMarker: String?
    let Truncated: Bool
}

/// Key rotation: a new version of key material; earlier versions stay to decrypt what they encrypted.
extension KeyService {
    /// EnableKeyRotation `RotationPeriodInDays`: 90–2,560, default 365.
    static let rotationPeriodDays = 90...2560
    static let defaultRotationPeriodDays = 365

    /// Adds a new version of key material (sealed by the root key); new encryptions use it. A multi-Region key's
    /// related keys in other regions get the same material as the same version, in the same transaction.
    static func rotate(keyID: UUID, account: String, type: String, database: Database, rootKey: RootKey) async throws {
        try await database.transaction { connection in
            // One rotation of a key (and of its multi-Region set) at a time.
            var related: [UUID] = []
            for try await id in try await connection.query(
                """
                SELECT r.key_id FROM kms_keys k JOIN kms_keys r ON r.account_id = k.account_id AND r.mrk_id = k.mrk_id
                WHERE k.account_id = \(account) AND k.key_id = \(keyID) AND r.key_id <> k.key_id
                ORDER BY r.key_id FOR UPDATE OF r
                """, logger: database.logger
            ).decode(UUID.self) {
                related.append(id)
            }
            try await connection.query(
                "SELECT 1 FROM kms_keys WHERE account_id = \(account) AND key_id = \(keyID) FOR UPDATE",
                logger: database.logger)
            var next: Int32 = 1
            for try await latest in try await connection.query(
                """
                SELECT max(version) FROM kms_key_versions WHERE account_id = \(account) AND key_id = \(keyID)
                """, logger: database.logger
            ).decode(Int32?.self) {
                next = (latest ?? 0) + 1
            }
            let material = SecureRandom.bytes(AESGCM.keyByteCount)
            for id in [keyID] + related {
                try await KeyMaterial.insertNewVersion(
                    account: account, keyID: id, version: next, rotationType: type, material: material,
                    rootKey: rootKey, on: connection, logger: database.logger)
            }
        }
    }
}
