public import CairnAccounts
public import CairnStore
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// The background side of KMS keys: rotates keys whose rotation date has come, and destroys keys whose
/// deletion date has passed. Destroying a key deletes its material (every version) and its aliases; whatever
/// it protected can never be decrypted again (crypto-shredding).
public struct KeyLifecycle: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "KeyLifecycle" }

    public static let interval: Duration = .seconds(60)
    /// The principal recorded for what the key service does by itself (rotation, destruction).
    static let principal = "cairn:kms"

    let database: Database
    let rootKey: RootKey
    let logger: Logger

    public init(database: Database, rootKey: RootKey, logger: Logger) {
        self.database = database
        self.rootKey = rootKey
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "key lifecycle pass failed") {
            try await rotateDueKeys()
            _ = try await destroyDueKeys()
            _ = try await expireImportedMaterial()
        }
    }

    public func rotateDueKeys() async throws {
        let rows = try await database.query(
            """
            SELECT account_id, key_id, region FROM kms_keys
            WHERE next_rotation_date <= now() AND key_state = 'Enabled' AND key_manager = 'CUSTOMER'
            """)
        var due: [(String, UUID, String)] = []
        for try await row in rows.decode((String, UUID, String).self) { due.append(row) }
        for (account, keyID, region) in due {
            try await KeyService.rotate(
                keyID: keyID, account: account, type: "AUTOMATIC", database: database, rootKey: rootKey)
            try await database.query(
                """
                UPDATE kms_keys SET next_rotation_date = now() + make_interval(days => rotation_period_days)
                WHERE account_id = \(account) AND key_id = \(keyID)
                """)
            logger.info("key rotated", metadata: ["account": "\(account)", "key": "\(keyID)"])
            await AuditTrail(database: database).record(
                account: account, region: region, principal: Self.principal, operation: "RotateKey",
                keyARN: DataKeyRing.keyARN(account, region, keyID), outcome: "Success")
        }
    }

    /// Destroys the keys whose deletion date has passed; returns how many.
    @discardableResult
    public func destroyDueKeys() async throws -> Int {
        let rows = try await database.query(
            """
            DELETE FROM kms_keys WHERE key_state = 'PendingDeletion' AND deletion_date <= now()
            RETURNING account_id, key_id, region
            """)
        var destroyed: [(String, UUID, String)] = []
        for try await row in rows.decode((String, UUID, String).self) { destroyed.append(row) }
        for (account, keyID, region) in destroyed {
            logger.notice("key destroyed", metadata: ["account": "\(account)", "key": "\(keyID)"])
            await AuditTrail(database: database).record(
                account: account, region: region, principal: Self.principal, operation: "DeleteKey",
                keyARN: DataKeyRing.keyARN(account, region, keyID), outcome: "Success")
        }
        if !destroyed.isEmpty {
            try await database.query("SELECT pg_notify(\(DataKeyRing.notificationChannel), 'destroyed')")
        }
        return destroyed.count
    }

    /// Deletes imported key material whose ValidTo has passed: its key is PendingImport until the same material is
    /// imported again. Returns how many keys lost their material.
    @discardableResult
    public func expireImportedMaterial() async throws -> Int {
        let rows = try await database.query(
            "SELECT account_id, key_id, region FROM kms_keys WHERE material_valid_to <= now()")
        var due: [(String, UUID, String)] = []
        for try await row in rows.decode((String, UUID, String).self) { due.append(row) }
        for (account, keyID, region) in due {
            try await KeyService.deleteImportedMaterial(account: account, keyID: keyID, database: database)
            logger.notice("imported key material expired", metadata: ["account": "\(account)", "key": "\(keyID)"])
            await AuditTrail(database: database).record(
                account: account, region: region, principal: Self.principal, operation: "DeleteExpiredKeyMaterial",
                keyARN: DataKeyRing.keyARN(account, region, keyID), outcome: "Success")
        }
        if !due.isEmpty {
            try await database.query("SELECT pg_notify(\(DataKeyRing.notificationChannel), 'expired')")
        }
        return due.count
    }

    /// Brings a pending deletion forward to now (for tests and for administrators who must not wait).
    public func expireDeletionWindow(account: String, keyID: UUID) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE kms_keys SET deletion_date = now()
            WHERE account_id = \(account) AND key_id = \(keyID) AND key_state = 'PendingDeletion' RETURNING 1
            """)
        for try await _ in rows { return true }
        return false
    }
}
