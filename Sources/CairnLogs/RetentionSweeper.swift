public import CairnStore
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Removes the rows of data nobody can read any more: chunks of deleted streams and groups (already
/// invisible, and for groups already unreadable since their data keys were destroyed), and chunks entirely
/// older than their group's retention (already never returned), and Logs Insights queries with their sealed
/// results once they are 7 days old (AWS keeps results that long). Works in small batches.
public struct RetentionSweeper: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "RetentionSweeper" }

    public static let interval: Duration = .seconds(60)
    public static let batchSize = 1000

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "retention sweep failed") {
            let removed = try await sweep()
            let queries = try await sweepQueries()
            if removed > 0 || queries > 0 {
                logger.info("retention sweep", metadata: ["chunks": "\(removed)", "queries": "\(queries)"])
            }
        }
    }

    /// Deletes Logs Insights queries (and their results) older than 7 days; returns how many.
    @discardableResult
    public func sweepQueries(now: Int64 = WallClock.system.milliseconds) async throws -> Int {
        var removed = 0
        let rows = try await database.query(
            """
            DELETE FROM insights_queries WHERE created_at < \(now - InsightsHandlers.retentionMilliseconds)
            RETURNING 1
            """)
        for try await _ in rows { removed += 1 }
        return removed
    }

    /// Deletes unreadable chunks until none are left; returns how many it deleted.
    @discardableResult
    public func sweep(now: Int64 = WallClock.system.milliseconds) async throws -> Int {
        var total = 0
        while !Task.isCancelled {
            var removed = 0
            let rows = try await database.query(
                """
                WITH doomed AS (
                    SELECT c.account_id, c.chunk_id, c.day FROM event_chunks c
                    LEFT JOIN log_streams s ON s.account_id = c.account_id AND s.stream_id = c.stream_id
                    LEFT JOIN log_groups g ON g.account_id = c.account_id AND g.group_id = c.group_id
                    WHERE s.stream_id IS NULL OR g.group_id IS NULL
                       OR (g.retention_days IS NOT NULL AND c.max_ts < \(now) - g.retention_days::bigint * 86400000)
                    LIMIT \(Self.batchSize)
                )
                DELETE FROM event_chunks e USING doomed d
                WHERE e.account_id = d.account_id AND e.chunk_id = d.chunk_id AND e.day = d.day
                RETURNING 1
                """)
            for try await _ in rows { removed += 1 }
            total += removed
            if removed < Self.batchSize { break }
        }
        // The originals of masked events go with retention too.
        try await database.query(
            """
            DELETE FROM masked_originals o USING log_groups g
            WHERE g.account_id = o.account_id AND g.group_id = o.group_id AND g.retention_days IS NOT NULL
              AND o.max_event_time < \(now) - g.retention_days::bigint * 86400000
            """)
        return total
    }
}
