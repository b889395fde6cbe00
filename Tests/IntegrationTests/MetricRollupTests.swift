import CairnMetrics
import CairnStore
import Foundation
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct MetricRollupTests {
    static let account = "555566668888"

    /// The metrics key is sealed under it: one for every write of a test.
    static let rootKey = try! TestDatabase.rootKey()

    static func write(_ database: Database, _ values: [Double], at timestamp: Int64) async throws {
        var aggregator = MetricAggregator()
        let metric = MetricIdentity(namespace: "N", name: "M", dimensions: [.init(name: "Host", value: "a")])
        aggregator.withPoint(metric, timestamp: timestamp, resolution: 60, unit: "Count") { point in
            for value in values { point.add(value) }
        }
        let seal = try await MetricsKeyRing(database: database, rootKey: Self.rootKey).seal(
            account: account, region: "us-east-1")
        try await database.transaction { connection in
            try await MetricStore.record(
                aggregator.collected, seal: seal, now: timestamp, on: connection, logger: database.logger)
        }
    }

    static func rows(_ database: Database) async throws -> [(Int64, Double, Double, Double, Double, Int)] {
        var rows: [(Int64, Double, Double, Double, Double, Int)] = []
        for try await row in try await database.query(
            "SELECT period_start, sample_count, sum, minimum, maximum, cardinality(samples) FROM metric_points ORDER BY 1"
        ).decode((Int64, Double, Double, Double, Double, Int).self) {
            rows.append(row)
        }
        return rows
    }

    /// Appended rows of a settled period merge into one with the same statistics; a recent period is left alone,
    /// and a late write to a merged period is merged again on the next round.
    @Test func mergesSettledPeriodsKeepingTheirStatistics() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.query("INSERT INTO accounts (account_id, name) VALUES (\(Self.account), 'r')")
            let now: Int64 = 1_796_000_000
            let old = now - 600 - now % 60
            try await Self.write(database, [1, 2], at: old)
            try await Self.write(database, [10], at: old + 5)
            try await Self.write(database, Array(repeating: 3, count: 900), at: old + 30)
            try await Self.write(database, [7], at: now)
            try await Self.write(database, [8], at: now)
            let rollup = MetricRollup(database: database, logger: TestDatabase.logger)
            #expect(try await rollup.rollUp(now: now) == 1)
            let merged = try await Self.rows(database)
            #expect(merged.count == 3)
            #expect(merged[0].0 == old && merged[0].1 == 903 && merged[0].2 == 2713 && merged[0].3 == 1)
            #expect(merged[0].4 == 10 && merged[0].5 == 203)  // 2 + 1 + 200 samples kept per batch
            #expect(try await rollup.rollUp(now: now) == 0)
            try await Self.write(database, [100], at: old)
            #expect(try await rollup.rollUp(now: now) == 1)
            let again = try await Self.rows(database)
            #expect(again.count == 3 && again[0].1 == 904 && again[0].4 == 100)
        }
    }
}
