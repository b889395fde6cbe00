import CairnLogs
import CairnStore
import Foundation
import NIOCore
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct MaintenanceTests {
    static let now = Int64(Date().timeIntervalSince1970 * 1000)

    /// An account with one group (retention as given) and two streams; returns (group, [streams]).
    static func seed(_ database: Database, retention: Int?) async throws -> (Int64, [Int64]) {
        try await database.query("INSERT INTO accounts (account_id, name) VALUES ('555566667777', 'm')")
        var group: Int64 = 0
        for try await id in try await database.query(
            """
            INSERT INTO log_groups (account_id, region, name, creation_time, retention_days)
            VALUES ('555566667777', 'us-east-1', 'g', 0, \(retention)) RETURNING group_id
            """
        ).decode(Int64.self) {
            group = id
        }
        var streams: [Int64] = []
        for name in ["a", "b"] {
            for try await id in try await database.query(
                """
                INSERT INTO log_streams (account_id, group_id, name, creation_time)
                VALUES ('555566667777', \(group), \(name), 0) RETURNING stream_id
                """
            ).decode(Int64.self) {
                streams.append(id)
            }
        }
        return (group, streams)
    }

    static func addChunk(_ database: Database, group: Int64, stream: Int64, at timestamp: Int64) async throws {
        try await database.query(
            """
            INSERT INTO event_chunks (account_id, group_id, stream_id, day, min_ts, max_ts, first_seq, event_count,
                raw_bytes, ingestion_time, dek_version, payload)
            VALUES ('555566667777', \(group), \(stream),
                (to_timestamp(\(timestamp)::double precision / 1000) AT TIME ZONE 'UTC')::date,
                \(timestamp), \(timestamp), 0, 1, 1, \(timestamp), 1, \(ByteBuffer(bytes: [1, 2, 3])))
            """)
    }

    static func count(_ database: Database, _ sql: String) async throws -> Int {
        for try await value in try await database.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) {
            return value
        }
        return -1
    }

    @Test func sweeperRemovesChunksOfDeletedStreamsAndExpiredChunks() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let (group, streams) = try await Self.seed(database, retention: 1)
            try await Self.addChunk(database, group: group, stream: streams[0], at: Self.now)
            try await Self.addChunk(database, group: group, stream: streams[0], at: Self.now - 2 * 86_400_000)
            try await Self.addChunk(database, group: group, stream: streams[1], at: Self.now)
            try await database.query("DELETE FROM log_streams WHERE stream_id = \(streams[1])")
            let sweeper = RetentionSweeper(database: database, logger: TestDatabase.logger)
            #expect(try await sweeper.sweep(now: Self.now) == 2)
            #expect(try await Self.count(database, "SELECT count(*) FROM event_chunks") == 1)
            #expect(try await sweeper.sweep(now: Self.now) == 0)
            // Deleting the group leaves its chunks to the sweeper.
            try await database.query("DELETE FROM log_groups WHERE group_id = \(group)")
            #expect(try await sweeper.sweep(now: Self.now) == 1)
        }
    }

    @Test func maintainerCreatesDayPartitionsAndDropsEmptyOldOnes() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let (group, streams) = try await Self.seed(database, retention: nil)
            let maintainer = PartitionMaintainer(database: database, logger: TestDatabase.logger)
            let old = Date().addingTimeInterval(-40 * 86_400)
            let oldDay = PartitionMaintainer.dayString(old)
            let oldNext = PartitionMaintainer.dayString(old.addingTimeInterval(86_400))
            let empty = PartitionMaintainer.partitionName(old)
            try await database.query(
                PostgresQuery(
                    unsafeSQL:
                        "CREATE TABLE \(empty) PARTITION OF event_chunks FOR VALUES FROM ('\(oldDay)') TO ('\(oldNext)')"
                ))
            try await maintainer.maintain()
            let partitions = try await Self.count(
                database,
                """
                SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                WHERE p.relname = 'event_chunks'
                """)
            #expect(partitions == PartitionMaintainer.daysBack + PartitionMaintainer.daysAhead + 2)
            try await Self.addChunk(database, group: group, stream: streams[0], at: Self.now)
            var placed = ""
            for try await name in try await database.query("SELECT tableoid::regclass::text FROM event_chunks")
                .decode(String.self)
            {
                placed = name
            }
            #expect(placed == PartitionMaintainer.partitionName(Date(timeIntervalSince1970: Double(Self.now) / 1000)))
            // Running again is harmless.
            try await maintainer.maintain()
            #expect(try await Self.count(database, "SELECT count(*) FROM pg_class WHERE relname = '\(empty)'") == 0)
        }
    }

    /// Logs Insights queries and their sealed results go after 7 days; younger ones stay.
    @Test func queriesOlderThanSevenDaysAreSwept() async throws {
        try await TestDatabase.withFreshDatabase { database in
            _ = try await Self.seed(database, retention: nil)
            for (id, age) in [(UUID(), Int64(8 * 86_400_000)), (UUID(), Int64(6 * 86_400_000))] {
                try await database.query(
                    """
                    INSERT INTO insights_queries (query_id, account_id, region, principal, query_string, sources,
                        start_time, end_time, row_limit, status, created_at)
                    VALUES (\(id), '555566667777', 'us-east-1', 'p', 'fields a', '[]'::jsonb, 0, 0, 10, 'Complete',
                        \(Self.now - age))
                    """)
            }
            let sweeper = RetentionSweeper(database: database, logger: TestDatabase.logger)
            #expect(try await sweeper.sweepQueries(now: Self.now) == 1)
            var left = 0
            for try await count in try await database.query("SELECT count(*)::bigint FROM insights_queries").decode(
                Int64.self)
            {
                left = Int(count)
            }
            #expect(left == 1)
        }
    }
}
