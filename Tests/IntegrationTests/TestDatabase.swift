import CairnAccounts
import CairnCrypto
import CairnStore
import Foundation
import Logging
import PostgresNIO

/// A fresh database per test on the server named by `CAIRN_TEST_DATABASE_URL` (`scripts/test.sh` starts a
/// throwaway cluster and sets it); without it, the tests start their own embedded cluster, as
/// `cairn admin cluster start` does, and stop it when the test process exits.
enum TestDatabase {
    static let logger = Logger(label: "cairn-tests")
    static let url: String? = {
        if let url = ProcessInfo.processInfo.environment["CAIRN_TEST_DATABASE_URL"], !url.isEmpty { return url }
        return ThrowawayCluster.shared?.databaseURL
    }()
    static let available = url != nil

    static var migrations: [Migration] {
        get throws { try Migration.load(from: Migration.defaultDirectory()) }
    }

    /// Creates an empty database, runs `body` with a pool on it, and drops it afterwards.
    static func withFreshDatabase<Result: Sendable>(
        migrated: Bool = true, _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        guard let url else { throw DatabaseURL.Invalid(description: "CAIRN_TEST_DATABASE_URL is not set") }
        let base = try DatabaseURL.configuration(url)
        let name = "cairn_it_" + Hex.encode(SecureRandom.bytes(6))
        _ = try await Database.withDatabase(configuration: base, logger: logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var configuration = base
        configuration.database = name
        do {
            let result = try await Database.withDatabase(configuration: configuration, logger: logger) { database in
                if migrated { try await Migrator(database: database).migrate(try migrations) }
                return try await body(database)
            }
            try await drop(name, base)
            return result
        } catch {
            try? await drop(name, base)
            throw error
        }
    }

    private static func drop(_ name: String, _ base: PostgresClient.Configuration) async throws {
        _ = try await Database.withDatabase(configuration: base, logger: logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    static func rootKey() throws -> RootKey { try RootKey(material: SecureRandom.bytes(32)) }
}

/// The embedded cluster that a plain `swift test` starts for the integration tests: in a new directory under
/// /tmp (the cluster's system user must reach it), stopped and removed when the test process exits.
enum ThrowawayCluster {
    static let shared: EmbeddedCluster? = {
        let logger = Logger(label: "cairn-tests")
        do {
            let directory = URL(fileURLWithPath: "/tmp/cairn-swift-test-" + Hex.encode(SecureRandom.bytes(4)))
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let cluster = try EmbeddedCluster(dataDirectory: directory, logger: logger)
            try cluster.prepare(logger: logger)
            try cluster.start(logger: logger)
            atexit {
                guard let cluster = ThrowawayCluster.shared else { return }
                cluster.stop(logger: Logger(label: "cairn-tests"))
                try? FileManager.default.removeItem(at: cluster.dataDirectory)
            }
            return cluster
        } catch {
            logger.error("cannot start a PostgreSQL cluster for the tests", metadata: ["error": "\(error)"])
            return nil
        }
    }()
}
