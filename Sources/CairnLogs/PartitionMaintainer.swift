public import CairnStore
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Creates the day partitions of `event_chunks` ahead of time (from 15 days back, the oldest day
/// PutLogEvents accepts, to 3 days ahead) and drops old day partitions once they are empty.
/// The default partition takes any row whose day has no partition, so no write is ever refused; its rows move to
/// their day's partition when that is created.
public struct PartitionMaintainer: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "PartitionMaintainer" }

    public static let daysBack = 15
    public static let daysAhead = 3
    public static let interval: Duration = .seconds(3600)

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "partition maintenance failed") {
            try await maintain()
        }
    }

    public func maintain(today: Date = Date()) async throws {
        try await createPartitions(today: today)
        let start = Self.dayStart(today)
        try await dropEmptyPartitions(before: start.addingTimeInterval(-Double(Self.daysBack) * Self.day))
    }

    /// Creates the missing day partitions from `daysBack` before `today` to `daysAhead` after it; Cairn does this
    /// at start, before it listens, so that the first events find their day's partition.
    public func createPartitions(today: Date = Date()) async throws {
        let start = Self.dayStart(today)
        for offset in -Self.daysBack...Self.daysAhead {
            let from = start.addingTimeInterval(Double(offset) * Self.day)
            try await createPartition(from: from, to: from.addingTimeInterval(Self.day))
        }
    }

    static let day: TimeInterval = 86_400

    static func dayStart(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / day).rounded(.down) * day)
    }

    public static func partitionName(_ day: Date) -> String {
        "event_chunks_p" + dayString(day).replacingOccurrences(of: "-", with: "")
    }

    public static func dayString(_ day: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: day)
    }

    /// Serializes partition changes across Cairn processes (concurrent `CREATE TABLE` of one name fails).
    static let lockKey: Int64 = 7_226_412

    /// Creates the day's partition unless it exists. When the default partition holds rows of that day (written
    /// before the partition existed), moves them into it in the same transaction instead of failing.
    private func createPartition(from: Date, to: Date) async throws {
        let name = Self.partitionName(from)
        let (first, next) = (Self.dayString(from), Self.dayString(to))
        // Names and bounds come from dates we format ourselves: DDL takes no bind parameters.
        let bounds = "FOR VALUES FROM ('\(first)') TO ('\(next)')"
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            var exists = false
            for try await value in try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL", logger: logger)
                .decode(Bool.self)
            {
                exists = value
            }
            guard !exists else { return }
            // A new table attached as the day's partition, with that day's rows of the default partition moved into
            // it first. ATTACH needs only SHARE UPDATE EXCLUSIVE on the parent (CREATE ... PARTITION OF would need
            // ACCESS EXCLUSIVE, a lock upgrade that could deadlock with a write waiting for the default partition):
            // locks are taken in a write's order, the parent then the partition, so writes wait and never deadlock.
            try await connection.query("LOCK TABLE ONLY event_chunks IN SHARE UPDATE EXCLUSIVE MODE", logger: logger)
            try await connection.query("LOCK TABLE event_chunks_default IN ACCESS EXCLUSIVE MODE", logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE TABLE \(name) (LIKE event_chunks INCLUDING ALL EXCLUDING INDEXES)"),
                logger: logger)
            var moved = 0
            for try await count in try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH moved AS (
                            DELETE FROM event_chunks_default WHERE day >= '\(first)' AND day < '\(next)' RETURNING *
                        ), inserted AS (
                            INSERT INTO \(name) SELECT * FROM moved RETURNING 1
                        )
                        SELECT count(*) FROM inserted
                        """), logger: logger
            ).decode(Int.self) {
                moved = count
            }
            try await connection.query(
                PostgresQuery(unsafeSQL: "ALTER TABLE event_chunks ATTACH PARTITION \(name) \(bounds)"), logger: logger)
            guard moved > 0 else { return }
            logger.info(
                "moved rows out of the default partition", metadata: ["partition": "\(name)", "chunks": "\(moved)"])
        }
    }

    private func dropEmptyPartitions(before cutoff: Date) async throws {
        let rows = try await database.query(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'event_chunks' AND c.relname LIKE 'event_chunks_p%'
              AND c.relname < \(Self.partitionName(cutoff))
            """)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        for name in names where name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            var empty = false
            for try await value in try await database.query(
                PostgresQuery(unsafeSQL: "SELECT NOT EXISTS (SELECT 1 FROM \(name))")
            ).decode(Bool.self) {
                empty = value
            }
            if empty {
                try await database.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(name)"))
                logger.info("dropped empty partition", metadata: ["partition": "\(name)"])
            }
        }
    }
}
