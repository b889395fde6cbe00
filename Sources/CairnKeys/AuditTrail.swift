public import CairnStore
import Foundation
import Logging
import PostgresNIO

/// One audited use of a key. Holds names and outcomes only, never secrets.
public struct AuditRecord: Sendable, Codable, Equatable {
    public let eventTime: Int64
    public let accountID: String
    public let region: String
    public let principal: String
    public let operation: String
    public let keyARN: String?
    public let outcome: String

    /// The log event message an account reads in `aws/cairn/kms-audit`.
    public var message: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// Writes and reads the key audit trail.
public struct AuditTrail: Sendable {
    /// The reserved, read-only log group in which an account reads its trail.
    public static let logGroupName = "aws/cairn/kms-audit"
    public static let logStreamName = "trail"
    /// The principal recorded for the log service's own wrapping and unwrapping of data keys.
    public static let logsPrincipal = "cairn:logs"

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func record(
        account: String, region: String, principal: String, operation: String, keyARN: String?, outcome: String
    ) async {
        let now = WallClock.system.milliseconds
        do {
            try await database.query(
                """
                INSERT INTO kms_audit (account_id, region, event_time, principal, operation, key_arn, outcome)
                VALUES (\(account), \(region), \(now), \(principal), \(operation), \(keyARN), \(outcome))
                """)
        } catch {
            // The operation itself already happened; losing its audit line is logged loudly.
            database.logger.error(
                "audit record lost",
                metadata: [
                    "account": "\(account)", "operation": "\(operation)", "error": "\(String(reflecting: error))",
                ])
        }
    }

    /// Records in time order, `[start, end)`, after the given audit id, at most `limit`.
    public func records(
        account: String?, region: String?, start: Int64, end: Int64, afterID: Int64 = 0, limit: Int
    )
        async throws -> [(id: Int64, record: AuditRecord)]
    {
        let rows = try await database.query(
            """
            SELECT audit_id, event_time, account_id, region, principal, operation, key_arn, outcome FROM kms_audit
            WHERE (\(account)::text IS NULL OR account_id = \(account))
              AND (\(region)::text IS NULL OR region = \(region))
              AND event_time >= \(start) AND event_time < \(end) AND audit_id > \(afterID)
            ORDER BY audit_id LIMIT \(limit)
            """)
        var records: [(Int64, AuditRecord)] = []
        for try await (id, time, account, region, principal, operation, arn, outcome) in rows.decode(
            (Int64, Int64, String, String, String, String, String?, String).self)
        {
            records.append(
                (
                    id,
                    AuditRecord(
                        eventTime: time, accountID: account, region: region, principal: principal, operation: operation,
                        keyARN: arn, outcome: outcome)
                ))
        }
        return records
    }
}
