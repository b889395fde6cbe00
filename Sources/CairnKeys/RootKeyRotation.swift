public import CairnAccounts
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// Rewraps everything the root key seals — access key secrets, KMS key material, function and bucket secrets, the notification signing key — under the current
/// root key. Running servers keep working throughout: a value sealed by a key they do not know yet makes
/// them read the root key file again.
public struct RootKeyRotation: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    /// Returns how many sealed values were rewrapped.
    @discardableResult
    public func rewrap() async throws -> Int {
        var count = 0
        try await database.transaction { connection in
            var secrets: [(String, [UInt8])] = []
            for try await (id, sealed) in try await connection.query(
                "SELECT access_key_id, secret_sealed FROM access_keys FOR UPDATE", logger: database.logger
            ).decode((String, ByteBuffer).self) {
                secrets.append((id, Array(sealed.readableBytesView)))
            }
            for (id, sealed) in secrets where !rootKey.isCurrent(sealed) {
                let resealed = try rootKey.seal(try rootKey.open(sealed, context: id), context: id)
                try await connection.query(
                    """
                    UPDATE access_keys SET secret_sealed = \(ByteBuffer(bytes: resealed)), root_key_id = \(rootKey.id)
                    WHERE access_key_id = \(id)
                    """, logger: database.logger)
                count += 1
            }
        }
        try await database.transaction { connection in
            var materials: [(String, UUID, Int32, [UInt8])] = []
            for try await (account, keyID, version, sealed) in try await connection.query(
                "SELECT account_id, key_id, version, material_sealed FROM kms_key_versions FOR UPDATE",
                logger: database.logger
            ).decode((String, UUID, Int32, ByteBuffer).self) {
                materials.append((account, keyID, version, Array(sealed.readableBytesView)))
            }
            for (account, keyID, version, sealed) in materials where !rootKey.isCurrent(sealed) {
                let context = KeyMaterial.context(account, keyID, version)
                let resealed = try rootKey.seal(try rootKey.open(sealed, context: context), context: context)
                try await connection.query(
                    """
                    UPDATE kms_key_versions SET material_sealed = \(ByteBuffer(bytes: resealed)), root_key_id = \(rootKey.id)
                    WHERE account_id = \(account) AND key_id = \(keyID) AND version = \(version)
                    """, logger: database.logger)
                count += 1
            }
        }
        try await database.transaction { connection in
            var secrets: [(String, String, String, [UInt8])] = []
            for try await (account, region, name, sealed) in try await connection.query(
                "SELECT account_id, region, name, secret_sealed FROM functions FOR UPDATE", logger: database.logger
            ).decode((String, String, String, ByteBuffer).self) {
                secrets.append((account, region, name, Array(sealed.readableBytesView)))
            }
            for (account, region, name, sealed) in secrets where !rootKey.isCurrent(sealed) {
                let context = SealingContext.functionSecret(account: account, region: region, name: name)
                let resealed = try rootKey.seal(try rootKey.open(sealed, context: context), context: context)
                try await connection.query(
                    """
                    UPDATE functions SET secret_sealed = \(ByteBuffer(bytes: resealed)), root_key_id = \(rootKey.id)
                    WHERE account_id = \(account) AND region = \(region) AND name = \(name)
                    """, logger: database.logger)
                count += 1
            }
        }
        try await database.transaction { connection in
            var secrets: [(String, String, [UInt8])] = []
            for try await (account, name, sealed) in try await connection.query(
                "SELECT account_id, name, secret_sealed FROM buckets WHERE secret_sealed IS NOT NULL FOR UPDATE",
                logger: database.logger
            ).decode((String, String, ByteBuffer).self) {
                secrets.append((account, name, Array(sealed.readableBytesView)))
            }
            for (account, name, sealed) in secrets where !rootKey.isCurrent(sealed) {
                let context = SealingContext.bucketSecret(account: account, name: name)
                let resealed = try rootKey.seal(try rootKey.open(sealed, context: context), context: context)
                try await connection.query(
                    """
                    UPDATE buckets SET secret_sealed = \(ByteBuffer(bytes: resealed)), root_key_id = \(rootKey.id)
                    WHERE account_id = \(account) AND name = \(name)
                    """, logger: database.logger)
                count += 1
            }
        }
        try await database.transaction { connection in
            var keys: [(String, [UInt8])] = []
            for try await (id, sealed) in try await connection.query(
                "SELECT key_id, private_key_sealed FROM notification_signing_keys FOR UPDATE", logger: database.logger
            ).decode((String, ByteBuffer).self) {
                keys.append((id, Array(sealed.readableBytesView)))
            }
            for (id, sealed) in keys where !rootKey.isCurrent(sealed) {
                let context = SealingContext.notificationKey(id)
                let resealed = try rootKey.seal(try rootKey.open(sealed, context: context), context: context)
                try await connection.query(
                    """
                    UPDATE notification_signing_keys SET private_key_sealed = \(ByteBuffer(bytes: resealed)),
                        root_key_id = \(rootKey.id)
                    WHERE key_id = \(id)
                    """, logger: database.logger)
                count += 1
            }
        }
        return count
    }
}
