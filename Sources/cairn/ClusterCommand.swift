import ArgumentParser
import CairnStore
import Foundation

/// `cairn admin cluster start|stop`: manage the embedded PostgreSQL without serving, e.g. for backups,
/// `psql`, or a test run. `start` prints the database URL that `--database-url` accepts.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Start or stop the embedded PostgreSQL cluster on its own.",
        subcommands: [Start.self, Stop.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (if needed), start and migrate the cluster.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let logger = try store.makeLogger()
            let cluster = try EmbeddedCluster(dataDirectory: try store.resolvedDataDirectory, logger: logger)
            try cluster.prepare(logger: logger)
            try cluster.start(logger: logger)
            _ = try await Database.withDatabase(configuration: cluster.clientConfiguration, logger: logger) {
                database in
                try await Migrator(database: database).migrate(try Migration.load(from: Migration.defaultDirectory()))
            }
            print(cluster.databaseURL)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let logger = try store.makeLogger()
            let cluster = try EmbeddedCluster(dataDirectory: try store.resolvedDataDirectory, logger: logger)
            if cluster.isRunning() { cluster.stop(logger: logger) }
        }
    }
}
