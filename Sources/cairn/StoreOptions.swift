import ArgumentParser
import CairnStore
import Foundation
import Logging
import PostgresNIO

/// Where Cairn keeps its state: an embedded cluster under `--data-dir`, or `--database-url`.
/// `serve`, `migrate` and `admin` find the database the same way.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data directory for the embedded PostgreSQL and the root key (env CAIRN_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Use this PostgreSQL server instead of the embedded one (env CAIRN_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CAIRN_LOG_LEVEL).")
    var logLevel: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var resolvedDataDirectory: URL {
        if let dataDir { return URL(fileURLWithPath: dataDir) }
        if let fromEnvironment = environment["CAIRN_DATA_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        // The embedded cluster runs as a system user when we are root; it cannot enter /root.
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/cairn") }
        let base = environment["XDG_DATA_HOME"] ?? (NSHomeDirectory() + "/.local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("cairn")
    }

    var resolvedDatabaseURL: String? {
        databaseURL ?? environment["CAIRN_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func makeLogger(_ label: String = "cairn") -> Logger {
        var logger = Logger(label: label)
        let level = logLevel ?? environment["CAIRN_LOG_LEVEL"] ?? "info"
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    func rootKey() throws -> RootKey {
        try RootKey.load(environment: environment, file: resolvedDataDirectory.appendingPathComponent("root.key"))
    }

    /// The database to use. For the embedded default, prepares and starts the cluster if it is not running;
    /// `startedCluster` tells whether this process started it (and so must stop it).
    func openStore(logger: Logger) throws -> OpenedStore {
        if let url = resolvedDatabaseURL {
            return OpenedStore(configuration: try DatabaseURL.configuration(url), cluster: nil, startedCluster: false)
        }
        let cluster = try EmbeddedCluster(dataDirectory: resolvedDataDirectory, logger: logger)
        try cluster.prepare(logger: logger)
        let started = try cluster.start(logger: logger)
        return OpenedStore(configuration: cluster.clientConfiguration, cluster: cluster, startedCluster: started)
    }

    /// Runs `body` with a migrated database, for short-lived commands; stops a cluster it started.
    func withDatabase<Result: Sendable>(_ body: @Sendable (Database) async throws -> Result) async throws -> Result {
        var logger = makeLogger()
        if logLevel == nil && environment["CAIRN_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let store = try openStore(logger: logger)
        defer { if store.startedCluster { store.cluster?.stop(logger: logger) } }
        return try await Database.withDatabase(configuration: store.configuration, logger: logger) { database in
            try await Migrator(database: database).migrate(try Migration.load(from: Migration.defaultDirectory()))
            return try await body(database)
        }
    }
}

struct OpenedStore {
    let configuration: PostgresClient.Configuration
    let cluster: EmbeddedCluster?
    let startedCluster: Bool
}
