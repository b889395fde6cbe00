public import CairnStore
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Creates the day partitions of `event_chunks` ahead of time (from 15 days back, the oldest day
/// PutLogEvents accepts, to 3 days ahead) and drops old day partitions once they are empty.
/// The default partition takes any row whose day has no partition, so no write ever waits for this.
public struct PartitionMaintainer: Service {
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
        let day: TimeInterval = 86_400
        let start = (today.timeIntervalSince1970 / day).rounded(.down) * day
        for offset in -Self.daysBack...Self.daysAhead {
            let from = Date(timeIntervalSince1970: start + Double(offset) * day)
            try await createPartition(from: from, to: from.addingTimeInterval(day))
        }
        try await dropEmptyPartitions(before: Date(timeIntervalSince1970: start - Double(Self.daysBack) * day))
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

    private func createPartition(from: Date, to: Date) async throws {
        let name = Self.partitionName(from)
        // Names and bounds come from dates we format ourselves: DDL takes no bind parameters.
        let sql = """
            CREATE TABLE IF NOT EXISTS \(name) PARTITION OF event_chunks
            FOR VALUES FROM ('\(Self.dayString(from))') TO ('\(Self.dayString(to))')
            """
        do {
            try await database.query(PostgresQuery(unsafeSQL: sql))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23514" {
            // The default partition already holds rows of that day: they stay there, which reads handle.
            logger.debug("day stays in the default partition", metadata: ["partition": "\(name)"])
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
