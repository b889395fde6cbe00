public import CairnStore
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// The background side of KMS keys: rotates keys whose rotation date has come, and destroys keys whose
/// deletion date has passed. Destroying a key deletes its material (every version) and its aliases; whatever
/// it protected can never be decrypted again (crypto-shredding).
public struct KeyLifecycle: Service {
    public static let interval: Duration = .seconds(60)

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
        }
    }

    public func rotateDueKeys() async throws {
        let rows = try await database.query(
            """
            SELECT account_id, key_id FROM kms_keys
            WHERE next_rotation_date <= now() AND key_state = 'Enabled' AND key_manager = 'CUSTOMER'
            """)
        var due: [(String, UUID)] = []
        for try await row in rows.decode((String, UUID).self) { due.append(row) }
        for (account, keyID) in due {
            try await KeyService.rotate(
                keyID: keyID, account: account, type: "AUTOMATIC", database: database, rootKey: rootKey)
            try await database.query(
                """
                UPDATE kms_keys SET next_rotation_date = now() + make_interval(days => rotation_period_days)
                WHERE account_id = \(account) AND key_id = \(keyID)
                """)
            logger.info("key rotated", metadata: ["account": "\(account)", "key": "\(keyID)"])
        }
    }

    /// Destroys the keys whose deletion date has passed; returns how many.
    @discardableResult
    public func destroyDueKeys() async throws -> Int {
        let rows = try await database.query(
            """
            DELETE FROM kms_keys WHERE key_state = 'PendingDeletion' AND deletion_date <= now()
            RETURNING account_id, key_id
            """)
        var destroyed = 0
        for try await (account, keyID) in rows.decode((String, UUID).self) {
            destroyed += 1
            logger.notice("key destroyed", metadata: ["account": "\(account)", "key": "\(keyID)"])
        }
        return destroyed
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
