import CairnCrypto
import CairnStore
import Foundation
import Logging
import PostgresNIO

/// A fresh database per test on the server named by `CAIRN_TEST_DATABASE_URL`
/// (`scripts/test.sh` starts a throwaway cluster and sets it).
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["CAIRN_TEST_DATABASE_URL"]
    static let available = url != nil
    static let logger = Logger(label: "cairn-tests")

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
        try await Database.withDatabase(configuration: base, logger: logger) { admin in
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
        try await Database.withDatabase(configuration: base, logger: logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    static func rootKey() throws -> RootKey { try RootKey(material: SecureRandom.bytes(32)) }
}
