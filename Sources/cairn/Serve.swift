import ArgumentParser
import CairnServer
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Cairn: the CloudWatch Logs API on one port, on an embedded or external PostgreSQL.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on (env CAIRN_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env CAIRN_PORT, default \(Configuration.defaultPort)).")
    var port: String?

    @Option(help: "PEM certificate chain: serve the APIs over HTTPS (env CAIRN_TLS_CERT; with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (env CAIRN_TLS_KEY).")
    var tlsKey: String?

    @Option(help: "Serve health and /metrics on this port only, not beside the APIs (env CAIRN_ADMIN_PORT).")
    var adminPort: String?

    @Option(help: "Region shown in the printed examples (env CAIRN_REGION, default \(Configuration.defaultRegion)).")
    var region: String?

    @Option(help: "api, worker or all (env CAIRN_ROLE, default all): several processes can share the work.")
    var role: String?

    @Option(
        help:
            "At most how long unwrapped keys are cached, in seconds (env CAIRN_KEY_CACHE_SECONDS, default \(Configuration.defaultKeyCacheSeconds))."
    )
    var keyCacheSeconds: String?

    @Option(
        help:
            "After SIGTERM, how long the services may take to stop before the process exits anyway, in seconds (env CAIRN_SHUTDOWN_SECONDS, default \(Configuration.defaultShutdownSeconds))."
    )
    var shutdownSeconds: String?

    @Option(
        help:
            "Logs Insights splits a stats query over more raw bytes than this into time slices of about this size, run by any worker process; 0 never splits (env CAIRN_INSIGHTS_SLICE_BYTES, default \(Configuration.defaultInsightsSliceBytes))."
    )
    var insightsSliceBytes: String?

    @Option(
        help:
            "The URL clients reach Cairn at, used in SNS notifications' SubscribeURL, UnsubscribeURL and SigningCertURL (env CAIRN_PUBLIC_URL, default the endpoint URL)."
    )
    var publicURL: String?

    @Option(
        help:
            "allow: SNS subscriptions may deliver to loopback and private-network addresses; deny refuses them (env CAIRN_SNS_PRIVATE_ENDPOINTS, default deny)."
    )
    var snsPrivateEndpoints: String?

    @Option(
        help:
            "Export tasks cut an object after this many bytes of lines, uncompressed (env CAIRN_EXPORT_OBJECT_BYTES, default 67108864)."
    )
    var exportObjectBytes: String?

    @Option(
        help:
            "A pause after each export object written, in milliseconds: spreads a large export's load (env CAIRN_EXPORT_PAUSE_MS, default 0)."
    )
    var exportPauseMs: String?

    func run() async throws {
        var configuration = try store.configuration()
        do {
            let flags: [(Configuration.Setting, String?)] = [
                (.host, host), (.port, port), (.adminPort, adminPort), (.tlsCertificate, tlsCert), (.tlsKey, tlsKey),
                (.region, region), (.role, role),
                (.keyCacheSeconds, keyCacheSeconds), (.shutdownSeconds, shutdownSeconds),
                (.insightsSliceBytes, insightsSliceBytes), (.publicURL, publicURL),
                (.snsPrivateEndpoints, snsPrivateEndpoints), (.exportObjectBytes, exportObjectBytes),
                (.exportPauseMilliseconds, exportPauseMs),
            ]
            for case (let setting, let text?) in flags { try configuration.apply(setting, text) }
        } catch let invalid as Configuration.Invalid {
            throw ValidationError(invalid.description)
        }
        var logger = Logger(label: "cairn")
        logger.logLevel = configuration.logLevel
        logger.info("starting cairn", metadata: ["configuration": "\(configuration)"])
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        do {
            try await runApplication(configuration, metrics: registry, logger: logger)
        } catch {
            logger.critical("cairn stopped", metadata: ["error": "\(String(reflecting: error))"])
            Self.exit(withError: ExitCode.failure)
        }
    }
}
