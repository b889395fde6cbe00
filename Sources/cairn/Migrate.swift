import ArgumentParser
import CairnStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply migrations/NNNN_name.sql in order, each once, refusing changed files.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let logger = try store.makeLogger()
        let opened = try store.openStore(logger: logger)
        defer { if opened.startedCluster { opened.cluster?.stop(logger: logger) } }
        let migrations = try Migration.load(from: Migration.defaultDirectory())
        let applied = try await Database.withDatabase(configuration: opened.configuration, logger: logger) { database in
            try await Migrator(database: database).migrate(migrations)
        }
        print(
            applied.isEmpty
                ? "database is up to date (\(migrations.count) migrations)" : "applied migrations \(applied)")
    }
}
