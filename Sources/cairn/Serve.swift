import ArgumentParser
import CairnKeys
import CairnLogs
import CairnMetrics
import CairnQueue
import CairnServer
import CairnStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// What one `cairn serve` process does: the API, the background work, or both.
enum ServeRole: String, ExpressibleByArgument, CaseIterable {
    /// The HTTP API only.
    case api
    /// Queue workers (subscription delivery) and maintenance; HTTP serves health and metrics only.
    case worker
    /// Everything.
    case all
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Cairn: the CloudWatch Logs API on one port, on an embedded or external PostgreSQL.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on (env CAIRN_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env CAIRN_PORT, default \(ServerConfiguration.defaultPort)).")
    var port: Int?

    @Option(
        help: "Region shown in the printed examples (env CAIRN_REGION, default \(ServerConfiguration.defaultRegion)).")
    var region: String?

    @Option(help: "api, worker or all (env CAIRN_ROLE, default all): several processes can share the work.")
    var role: ServeRole?

    func run() async throws {
        let environment = store.environment
        let server = ServerConfiguration(
            host: host ?? environment["CAIRN_HOST"] ?? "127.0.0.1",
            port: try port ?? environment["CAIRN_PORT"].map(Self.parsePort) ?? ServerConfiguration.defaultPort,
            region: region ?? environment["CAIRN_REGION"] ?? ServerConfiguration.defaultRegion)
        let logger = store.makeLogger()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let rootKey = try store.rootKey()
        let opened = try store.openStore(logger: logger)
        logger.info(
            "starting cairn",
            metadata: [
                "server": "\(server)", "database": "\(opened.cluster == nil ? "external" : "embedded")",
                "dataDir": "\(store.resolvedDataDirectory.path)", "rootKey": "\(rootKey.id)",
            ])
        let database = Database(configuration: opened.configuration, logger: logger)
        let migrations = try Migration.load(from: Migration.defaultDirectory())
        // CAIRN_KEY_CACHE_SECONDS: how long unwrapped keys are cached at most (default 5).
        let cacheSeconds = environment["CAIRN_KEY_CACHE_SECONDS"].flatMap(Int.init) ?? 5
        let dependencies = ApplicationDependencies(
            database: database, rootKey: rootKey, migrations: migrations, metrics: registry,
            keyCacheLifetime: .seconds(cacheSeconds))
        let role = try role ?? environment["CAIRN_ROLE"].map(Self.parseRole) ?? .all
        var app = buildApplication(server, dependencies, servesAPI: role != .worker, logger: logger)
        app.beforeServerStarts {
            do {
                try await Migrator(database: database).migrate(migrations)
                try await FirstStart(database: database, rootKey: rootKey, server: server).run()
            } catch {
                logger.critical("cannot start", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            }
        }
        var services: [any Service] = []
        if let cluster = opened.cluster {
            services.append(EmbeddedClusterService(cluster: cluster, ownsServer: opened.startedCluster, logger: logger))
        }
        services.append(database.client)
        services.append(KeyCacheInvalidation(database: database, keyRing: dependencies.keyRing, logger: logger))
        if role != .api {
            services.append(PartitionMaintainer(database: database, logger: logger))
            services.append(RetentionSweeper(database: database, logger: logger))
            services.append(MetricRollup(database: database, logger: logger))
            services.append(ChunkCompactor(database: database, keyRing: dependencies.keyRing, logger: logger))
            services.append(KeyLifecycle(database: database, rootKey: rootKey, logger: logger))
            services.append(QueueMonitor(database: database, logger: logger))
            services.append(
                SubscriptionDelivery(
                    database: database, keyRing: dependencies.keyRing, rootKey: rootKey, logger: logger))
        }
        services.append(app)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func parseRole(_ text: String) throws -> ServeRole {
        guard let role = ServeRole(rawValue: text) else {
            throw ValidationError("CAIRN_ROLE must be api, worker or all")
        }
        return role
    }

    static func parsePort(_ text: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ValidationError("CAIRN_PORT must be a port number")
        }
        return port
    }
}
