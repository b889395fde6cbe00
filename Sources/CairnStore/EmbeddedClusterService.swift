import Foundation
public import Logging
import NIOPosix
public import ServiceLifecycle

/// Supervises the embedded cluster: restarts it if it dies, stops it on graceful shutdown. Starting and stopping
/// wait on `pg_ctl` for seconds: they run on NIO's blocking thread pool, never on a cooperative thread that
/// requests need.
public struct EmbeddedClusterService: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "EmbeddedClusterService" }

    let cluster: EmbeddedCluster
    let ownsServer: Bool
    let logger: Logger

    public init(cluster: EmbeddedCluster, ownsServer: Bool, logger: Logger) {
        self.cluster = cluster
        self.ownsServer = ownsServer
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [cluster, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                if Task.isCancelled { break }
                if !cluster.isRunning() {
                    logger.error("embedded PostgreSQL is not running; restarting it")
                    do {
                        _ = try await NIOThreadPool.singleton.runIfActive { try cluster.start(logger: logger) }
                    } catch {
                        logger.error(
                            "embedded PostgreSQL failed to restart", metadata: ["error": "\(String(reflecting: error))"]
                        )
                    }
                }
            }
        }
        if ownsServer {
            try? await NIOThreadPool.singleton.runIfActive { cluster.stop(logger: logger) }
        }
    }
}
