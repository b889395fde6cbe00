public import CairnAccounts
public import CairnKeys
public import CairnLogs
import CairnMetrics
public import CairnNotify
public import CairnProtocol
import CairnQueue
public import CairnStore
import Foundation
public import Hummingbird
public import HummingbirdCore
public import Logging
import NIOCore
public import Prometheus
import ServiceLifecycle
import UnixSignals

/// What the application is assembled from: the database, the root key and the per-process key ring, and the
/// services that keep the store itself running (the embedded cluster's supervisor, the connection pool).
public struct ApplicationDependencies: Sendable {
    public let database: Database
    public let rootKey: RootKey
    public let migrations: [Migration]
    public let metrics: PrometheusCollectorRegistry?
    /// One per process: its cache of unwrapped keys is shared by the API and the background services.
    public let keyRing: DataKeyRing
    /// The access keys this process has verified recently.
    public let credentials = CredentialCache()
    /// The log service and its stores, shared by the API and the workers.
    public let logs: LogsService
    /// Services the store needs, started before everything else.
    let storeServices: [any Service]
    /// Stops what the store started (the embedded cluster), for an exit that cannot wait for the services.
    let stopStore: @Sendable () -> Void
    let firstStart: FirstStart?
    /// Logs Insights' time-slice size (`Configuration.insightsSliceBytes`).
    public var insightsSliceBytes = Configuration.defaultInsightsSliceBytes
    /// The SNS-compatible topics; their notifications point back at `Configuration.publicURL`.
    public var topics: TopicService
    /// Whether SNS subscriptions may deliver to internal addresses (`Configuration.snsPrivateEndpoints`).
    public var snsPrivateEndpoints = false
    /// Export tasks' object size and pause (`Configuration.exportObjectBytes`, `exportPause`).
    public var exportObjectBytes = Configuration.defaultExportObjectBytes
    public var exportPause = Duration.zero

    /// For a database whose pool the caller runs (tests): nothing of the store's own is started.
    public init(
        database: Database, rootKey: RootKey, migrations: [Migration], metrics: PrometheusCollectorRegistry?,
        keyCacheLifetime: Duration = DataKeyRing.defaultCacheLifetime
    ) {
        self.init(
            database: database, rootKey: rootKey, migrations: migrations, metrics: metrics,
            keyCacheLifetime: keyCacheLifetime, storeServices: [], stopStore: {}, firstStart: nil)
    }

    init(
        database: Database, rootKey: RootKey, migrations: [Migration], metrics: PrometheusCollectorRegistry?,
        keyCacheLifetime: Duration, storeServices: [any Service], stopStore: @escaping @Sendable () -> Void,
        firstStart: FirstStart?
    ) {
        self.database = database
        self.rootKey = rootKey
        self.migrations = migrations
        self.metrics = metrics
        self.keyRing = DataKeyRing(database: database, rootKey: rootKey, cacheLifetime: keyCacheLifetime)
        self.logs = LogsService(
            database: database, pageTokenKey: rootKey.derive(LogsService.pageTokenPurpose), keyRing: keyRing,
            rootKey: rootKey)
        self.storeServices = storeServices
        self.stopStore = stopStore
        self.firstStart = firstStart
        self.topics = TopicService(
            database: database, rootKey: rootKey, publicURL: "http://127.0.0.1:\(Configuration.defaultPort)")
    }

    /// Opens the store that `configuration` names, in order: the root key, the embedded cluster (created and
    /// started when needed), the migrations, the day partitions around today, the first account. Any failure ends here, before a service or the
    /// HTTP listener has started.
    public static func open(
        _ configuration: Configuration, metrics: PrometheusCollectorRegistry?, logger: Logger
    ) async throws -> ApplicationDependencies {
        let rootKey: RootKey
        if let text = configuration.rootKeyText {
            rootKey = try RootKey.parse(text, source: "CAIRN_ROOT_KEY")
        } else {
            rootKey = try RootKey.load(
                environment: [:], file: configuration.dataDirectory.appendingPathComponent("root.key"))
        }
        let store = try StoreLocation(
            dataDirectory: configuration.dataDirectory, databaseURL: configuration.databaseURL
        )
        .open(logger: logger)
        let migrations = try Migration.load(from: Migration.defaultDirectory())
        let firstStart = try await Database.withDatabase(configuration: store.configuration, logger: logger) {
            database in
            try await Migrator(database: database).migrate(migrations)
            // The first events of the day (of a first start, too) must find their day's partition.
            try await PartitionMaintainer(database: database, logger: logger).createPartitions()
            return try await FirstStart.prepare(database: database, rootKey: rootKey, region: configuration.region)
        }
        let database = Database(configuration: store.configuration, logger: logger)
        var storeServices: [any Service] = []
        var stopStore: @Sendable () -> Void = {}
        if let cluster = store.cluster {
            storeServices.append(
                EmbeddedClusterService(cluster: cluster, ownsServer: store.startedCluster, logger: logger))
            if store.startedCluster { stopStore = { cluster.stop(logger: logger) } }
        }
        storeServices.append(database.client)
        logger.info("store ready", metadata: ["rootKey": "\(rootKey.id)", "migrations": "\(migrations.count)"])
        var dependencies = ApplicationDependencies(
            database: database, rootKey: rootKey, migrations: migrations, metrics: metrics,
            keyCacheLifetime: configuration.keyCacheLifetime, storeServices: storeServices, stopStore: stopStore,
            firstStart: firstStart)
        dependencies.insightsSliceBytes = configuration.insightsSliceBytes
        dependencies.topics = TopicService(
            database: database, rootKey: rootKey, publicURL: configuration.publicURL ?? configuration.endpointURL)
        dependencies.snsPrivateEndpoints = configuration.snsPrivateEndpoints
        dependencies.exportObjectBytes = configuration.exportObjectBytes
        dependencies.exportPause = configuration.exportPause
        return dependencies
    }

    /// Every operation Cairn serves.
    public var registry: OperationRegistry {
        let keys = KeyService(database: database, rootKey: rootKey, keyRing: keyRing)
        let metrics = MetricsService(database: database, rootKey: rootKey)
        return OperationRegistry(logs.operations + keys.operations + metrics.operations + topics.operations)
    }

    /// The background work of a worker process: maintenance and the queue's consumers.
    var workers: [any Service] {
        let logger = database.logger
        return [
            PartitionMaintainer(database: database, logger: logger),
            RetentionSweeper(database: database, logger: logger),
            MetricRollup(database: database, logger: logger),
            AlarmEvaluator(database: database, rootKey: rootKey, logger: logger),
            ChunkCompactor(logs: logs, logger: logger),
            KeyLifecycle(database: database, rootKey: rootKey, logger: logger),
            QueueMonitor(database: database, logger: logger),
            SubscriptionDelivery(logs: logs, logger: logger),
            AlarmActionDelivery(logs: logs, topics: topics, logger: logger),
            NotificationDelivery(
                topics: topics, logs: logs, allowsPrivateEndpoints: snsPrivateEndpoints, logger: logger),
            QueryRunner(logs: logs, sliceBytes: insightsSliceBytes, logger: logger),
            ExportRunner(logs: logs, objectBytes: exportObjectBytes, pause: exportPause, logger: logger),
            DeliveryStreamFlusher(logs: logs, logger: logger),
            FindingsDelivery(logs: logs, logger: logger),
        ]
    }
}

/// `cairn serve`: opens the store (migrated before anything runs), then runs the application with its services
/// until SIGTERM or SIGINT. `metrics` is the registry that the process's metrics system writes to (served at
/// `/metrics`).
public func runApplication(
    _ configuration: Configuration, metrics: PrometheusCollectorRegistry?, logger: Logger
) async throws {
    let server = try configuration.httpServer()
    let dependencies = try await ApplicationDependencies.open(configuration, metrics: metrics, logger: logger)
    let application = buildApplication(configuration, dependencies, server: server, logger: logger)
    let deadline = ShutdownDeadline(
        limit: configuration.shutdownDeadline, logger: logger, beforeExit: dependencies.stopStore)
    // A group shuts its services down in reverse order, each after the one before has finished: the deadline
    // comes last so that its timer starts with the shutdown, before the HTTP server waits for its connections.
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: application), .init(service: deadline)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// The application over opened dependencies: the AWS endpoints (unless the role is `worker`), health and
/// `/metrics`, and the services of the configuration's role. Tests build it the same way.
public func buildApplication(
    _ configuration: Configuration, _ dependencies: ApplicationDependencies, server: HTTPServerBuilder = .http1(),
    logger: Logger
) -> some ApplicationProtocol {
    var services = dependencies.storeServices
    let keyRing = dependencies.keyRing
    let credentials = dependencies.credentials
    services += [
        CacheInvalidation(
            database: dependencies.database, channel: DataKeyRing.notificationChannel, logger: logger,
            forget: { keyRing.forgetAll() }),
        CacheInvalidation(
            database: dependencies.database, channel: CredentialCache.notificationChannel, logger: logger,
            forget: { credentials.forgetAll() }),
    ]
    // Masking and transformation run on its threads in every role (workers ingest subscription deliveries). Before
    // the workers and the server: services stop in reverse order, so its threads outlive what uses them.
    services.append(dependencies.logs.blockingWork)
    if configuration.role != .api { services += dependencies.workers }
    // Live Tail sessions are served where requests are.
    if configuration.role != .worker { services.append(dependencies.logs.liveTail) }
    let router = buildRouter(dependencies, servesAPI: configuration.role != .worker)
    if let adminPort = configuration.adminPort {
        let admin = Router(context: CairnRequestContext.self)
        addOperatorRoutes(to: admin, dependencies)
        services.append(
            Application(
                router: admin,
                configuration: .init(address: .hostname(configuration.host, port: adminPort), serverName: "Cairn"),
                logger: logger))
    } else {
        addOperatorRoutes(to: router, dependencies)
    }
    let firstStart = dependencies.firstStart
    let endpointURL = configuration.endpointURL
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Cairn"),
        services: services,
        onServerRunning: { _ in firstStart?.show(endpointURL: endpointURL) },
        logger: logger)
}

/// The routes: the AWS endpoints behind their middleware chain unless `servesAPI` is false (a worker process).
func buildRouter(_ dependencies: ApplicationDependencies, servesAPI: Bool) -> Router<CairnRequestContext> {
    let router = Router(context: CairnRequestContext.self)
    if servesAPI {
        let authenticator = Authenticator(
            directory: AccountDirectory(database: dependencies.database, rootKey: dependencies.rootKey),
            credentials: dependencies.credentials)
        let endpoint = OperationEndpoint()
        let aws = router.group()
            .add(middleware: RequestIDMiddleware())
            .add(middleware: OperationResolution(registry: dependencies.registry))
            .add(middleware: AWSErrorMiddleware())
            .add(middleware: RequestMetricsMiddleware())
            .add(middleware: BodyLimitMiddleware())
            .add(middleware: SigV4Middleware(authenticator: authenticator))
            .add(middleware: DecompressionMiddleware())
            .add(middleware: QueryAction(registry: dependencies.registry))
        aws.post("/") { request, context in try await endpoint.respond(to: request, context: context) }
        aws.post("/service/:service/operation/:operation") { request, context in
            try await endpoint.respond(to: request, context: context)
        }
        ConsoleRoutes.add(to: router)
        NotificationRoutes.add(to: router, topics: dependencies.topics)
    }
    return router
}

/// Health (`/health/live`, `/health/ready`) and `/metrics`: beside the APIs, or on the admin port.
func addOperatorRoutes(to router: Router<CairnRequestContext>, _ dependencies: ApplicationDependencies) {
    router.get("/health/live") { _, _ in "ok\n" }
    router.get("/health/ready") { _, context -> Response in
        let ready: Bool
        do {
            ready = try await Migrator(database: dependencies.database).isCurrent(dependencies.migrations)
        } catch {
            context.logger.warning(
                "not ready: database unreachable", metadata: ["error": "\(String(reflecting: error))"])
            ready = false
        }
        return Response(
            status: ready ? .ok : .serviceUnavailable,
            body: .init(byteBuffer: ByteBuffer(string: ready ? "ready\n" : "not ready\n")))
    }
    if let registry = dependencies.metrics {
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
