import CairnCrypto
import CairnLogs
import CairnServer
import CairnStore
import Foundation
import PostgresNIO
import Testing

/// Day partitions of `event_chunks`: they exist before the first write, and rows that landed in the default
/// partition move to their day's partition when it is created.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct PartitionTests {
    static let day: Int64 = 86_400_000

    /// The partition that holds each chunk, oldest chunk first.
    static func placement(_ database: Database) async throws -> [String] {
        var names: [String] = []
        for try await name in try await database.query(
            "SELECT tableoid::regclass::text FROM event_chunks ORDER BY min_ts"
        ).decode(String.self) {
            names.append(name)
        }
        return names
    }

    @Test func creatingADayPartitionMovesThatDaysRowsOutOfTheDefaultPartition() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let (group, streams) = try await MaintenanceTests.seed(database, retention: nil)
            let now = MaintenanceTests.now
            // Written before any day partition exists (as on a first start before the fix): the default takes them.
            for timestamp in [now - 2 * Self.day, now - Self.day, now, now + 1] {
                try await MaintenanceTests.addChunk(database, group: group, stream: streams[0], at: timestamp)
            }
            #expect(try await Self.placement(database) == Array(repeating: "event_chunks_default", count: 4))

            try await PartitionMaintainer(database: database, logger: TestDatabase.logger).maintain()

            let today = Date(timeIntervalSince1970: Double(now) / 1000)
            let expected = [-2, -1, 0, 0].map {
                PartitionMaintainer.partitionName(today.addingTimeInterval(Double($0) * 86_400))
            }
            #expect(try await Self.placement(database) == expected)
            #expect(try await MaintenanceTests.count(database, "SELECT count(*) FROM event_chunks_default") == 0)
            // The moved partition has the parent's indexes and takes new rows like any other.
            let indexes = try await MaintenanceTests.count(
                database, "SELECT count(*) FROM pg_indexes WHERE tablename = '\(expected[2])'")
            #expect(indexes == 4)
            try await MaintenanceTests.addChunk(database, group: group, stream: streams[1], at: now + 2)
            #expect(try await Self.placement(database).last == expected[2])
        }
    }

    @Test func aFirstStartCreatesTodaysAndTomorrowsPartitionsBeforeTheFirstWrite() async throws {
        let base = try #require(TestDatabase.url)
        let name = "cairn_it_" + Hex.encode(SecureRandom.bytes(6))
        var components = try #require(URLComponents(string: base))
        components.path = "/" + name
        let url = try #require(components.string)
        let admin = try DatabaseURL.configuration(base)
        _ = try await Database.withDatabase(configuration: admin, logger: TestDatabase.logger) { database in
            try await database.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        do {
            try await Self.expectPartitionsAfterStart(url: url)
        } catch {
            try? await Self.drop(name, admin)
            throw error
        }
        try await Self.drop(name, admin)
    }

    static func expectPartitionsAfterStart(url: String) async throws {
        var configuration = Configuration()
        configuration.databaseURL = url
        configuration.rootKeyText = Hex.encode(SecureRandom.bytes(32))
        _ = try await ApplicationDependencies.open(configuration, metrics: nil, logger: TestDatabase.logger)
        let now = Date()
        let store = try DatabaseURL.configuration(url)
        let found = try await Database.withDatabase(configuration: store, logger: TestDatabase.logger) { database in
            var found: [Int] = []
            for offset in [0, 1] {
                let partition = PartitionMaintainer.partitionName(now.addingTimeInterval(Double(offset) * 86_400))
                found.append(
                    try await MaintenanceTests.count(
                        database, "SELECT count(*) FROM pg_class WHERE relname = '\(partition)'"))
            }
            return found
        }
        #expect(found == [1, 1])
    }

    static func drop(_ name: String, _ admin: PostgresClient.Configuration) async throws {
        _ = try await Database.withDatabase(configuration: admin, logger: TestDatabase.logger) { database in
            try await database.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }
}
