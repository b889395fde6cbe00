import CairnCrypto
public import Foundation
import Logging
import PostgresNIO

/// A numbered schema file: `migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    public var checksum: String { SHA256.hex(Array(sql.utf8)) }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads every `NNNN_name.sql` file of a directory, in version order.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for file in files {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), parts[0].count == 4 else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (left, right) in zip(migrations, migrations.dropFirst()) where left.version == right.version {
            throw MigrationError.duplicateVersion(left.version)
        }
        return migrations
    }

    /// Where the SQL files are: `CAIRN_MIGRATIONS_DIR`, next to the sources (a checkout), or `./migrations`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let configured = environment["CAIRN_MIGRATIONS_DIR"] { return URL(fileURLWithPath: configured) }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations")
        if FileManager.default.fileExists(atPath: checkout.path) { return checkout }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("migrations")
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case badFileName(String)
    case duplicateVersion(Int)
    case changedAfterApplied(version: Int, name: String)
    case unknownApplied(version: Int)

    public var description: String {
        switch self {
        case .badFileName(let file): "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version): "two migration files have version \(version)"
        case .changedAfterApplied(let version, let name):
            "migration \(version) (\(name)) was changed after it was applied; restore the original file and add a new migration instead"
        case .unknownApplied(let version):
            "the database has migration \(version) applied, which this build of Cairn does not know; use a newer cairn"
        }
    }
}

/// Applies migrations in order, each once and in its own transaction, recording version and checksum.
public struct Migrator: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Returns the versions it applied.
    @discardableResult
    public func migrate(_ migrations: [Migration]) async throws -> [Int] {
        try await database.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        var appliedNow: [Int] = []
        for migration in migrations {
            let applied = try await database.transaction { connection -> Bool in
                // One migrator at a time, across processes.
                try await connection.query("SELECT pg_advisory_xact_lock(7226411)", logger: database.logger)
                let rows = try await connection.query(
                    "SELECT checksum FROM schema_migrations WHERE version = \(migration.version)",
                    logger: database.logger)
                for try await checksum in rows.decode(String.self) {
                    guard checksum == migration.checksum else {
                        throw MigrationError.changedAfterApplied(version: migration.version, name: migration.name)
                    }
                    return false
                }
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                }
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: database.logger)
                return true
            }
            if applied {
                database.logger.info(
                    "migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                appliedNow.append(migration.version)
            }
        }
        let known = Set(migrations.map(\.version))
        for try await version in try await database.query("SELECT version FROM schema_migrations").decode(Int.self)
        where !known.contains(version) {
            throw MigrationError.unknownApplied(version: version)
        }
        return appliedNow
    }

    /// True when every migration is applied with its checksum (readiness).
    public func isCurrent(_ migrations: [Migration]) async throws -> Bool {
        for try await exists in try await database.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
            .decode(Bool.self) where !exists
        {
            return false
        }
        var applied: [Int: String] = [:]
        for try await (version, checksum) in try await database.query("SELECT version, checksum FROM schema_migrations")
            .decode((Int, String).self)
        {
            applied[version] = checksum
        }
        return migrations.allSatisfy { applied[$0.version] == $0.checksum }
    }
}
