import ArgumentParser
import CairnAccounts
import CairnServer
import CairnStore
import Foundation
import Logging
import PostgresNIO

/// Where Cairn keeps its state: an embedded cluster under `--data-dir`, or `--database-url`.
/// `serve`, `migrate` and `admin` find the database the same way, through `Configuration`.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data directory for the embedded PostgreSQL and the root key (env CAIRN_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Use this PostgreSQL server instead of the embedded one (env CAIRN_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CAIRN_LOG_LEVEL).")
    var logLevel: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The configuration from `CAIRN_*` variables and these flags; an invalid value stops the command.
    func configuration() throws -> Configuration {
        do {
            var configuration = try Configuration(environment: environment)
            if let dataDir { try configuration.apply(.dataDirectory, dataDir) }
            if let databaseURL { try configuration.apply(.databaseURL, databaseURL) }
            if let logLevel { try configuration.apply(.logLevel, logLevel) }
            return configuration
        } catch let invalid as Configuration.Invalid {
            throw ValidationError(invalid.description)
        }
    }

    var resolvedDataDirectory: URL {
        get throws { try configuration().dataDirectory }
    }

    func makeLogger(_ label: String = "cairn") throws -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = try configuration().logLevel
        return logger
    }

    func rootKey() throws -> RootKey {
        try RootKey.load(environment: environment, file: try resolvedDataDirectory.appendingPathComponent("root.key"))
    }

    func openStore(logger: Logger) throws -> OpenedStore {
        let configuration = try configuration()
        return try StoreLocation(dataDirectory: configuration.dataDirectory, databaseURL: configuration.databaseURL)
            .open(logger: logger)
    }

    /// Runs `body` with a migrated database, for short-lived commands; stops a cluster it started.
    func withDatabase<Result: Sendable>(_ body: @Sendable (Database) async throws -> Result) async throws -> Result {
        var logger = try makeLogger()
        if logLevel == nil && environment["CAIRN_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let store = try openStore(logger: logger)
        defer { if store.startedCluster { store.cluster?.stop(logger: logger) } }
        return try await Database.withDatabase(configuration: store.configuration, logger: logger) { database in
            try await Migrator(database: database).migrate(try Migration.load(from: Migration.defaultDirectory()))
            return try await body(database)
        }
    }
}
