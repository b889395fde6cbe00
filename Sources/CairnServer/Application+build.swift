public import CairnKeys
public import CairnLogs
import CairnMetrics
public import CairnStore
import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import Prometheus

/// Everything the HTTP application needs, assembled by `cairn serve` and by the tests alike.
public struct ApplicationDependencies: Sendable {
    public let database: Database
    public let rootKey: RootKey
    public let migrations: [Migration]
    public let metrics: PrometheusCollectorRegistry?
    /// One per process: its cache of unwrapped keys is shared by the API and the background services.
    public let keyRing: DataKeyRing

    public init(
        database: Database, rootKey: RootKey, migrations: [Migration], metrics: PrometheusCollectorRegistry?,
        keyCacheLifetime: Duration = DataKeyRing.defaultCacheLifetime
    ) {
        self.database = database
        self.rootKey = rootKey
        self.migrations = migrations
        self.metrics = metrics
        self.keyRing = DataKeyRing(database: database, rootKey: rootKey, cacheLifetime: keyCacheLifetime)
    }
}

/// Builds the Cairn HTTP application: the AWS endpoints (`POST /` and the CBOR `POST /service/…`), health checks
/// and `/metrics`.
public func buildApplication(
    _ configuration: ServerConfiguration, _ dependencies: ApplicationDependencies, servesAPI: Bool = true,
    logger: Logger
) -> Application<RouterResponder<BasicRequestContext>> {
    let router = buildRouter(dependencies, servesAPI: servesAPI)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Cairn"),
        logger: logger)
}

/// The routes: the AWS endpoints unless `servesAPI` is false (a worker process), health and metrics always.
public func buildRouter(_ dependencies: ApplicationDependencies, servesAPI: Bool = true) -> Router<BasicRequestContext>
{
    let directory = AccountDirectory(database: dependencies.database, rootKey: dependencies.rootKey)
    let endpoint = AWSEndpoint(
        authenticator: Authenticator(directory: directory),
        logs: LogsService(
            database: dependencies.database, pageTokenKey: dependencies.rootKey.derive(LogsService.pageTokenPurpose),
            keyRing: dependencies.keyRing, rootKey: dependencies.rootKey),
        keys: KeyService(database: dependencies.database, rootKey: dependencies.rootKey, keyRing: dependencies.keyRing),
        metrics: MetricsService(database: dependencies.database))
    let router = Router()
    if servesAPI {
        router.post("/") { request, context in await endpoint.respond(to: request, context: context) }
        router.post("/service/:service/operation/:operation") { request, context in
            await endpoint.respond(to: request, context: context)
        }
    }
    router.get("/health/live") { _, _ in "ok\n" }
    router.get("/health/ready") { _, context -> Response in
        let migrator = Migrator(database: dependencies.database)
        let ready = (try? await migrator.isCurrent(dependencies.migrations)) ?? false
        if !ready { context.logger.warning("not ready: database unreachable or not migrated") }
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
    return router
}
