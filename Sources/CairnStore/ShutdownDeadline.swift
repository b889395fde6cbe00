import Foundation
public import Logging
public import ServiceLifecycle

/// Bounds a graceful shutdown. When one begins, a timer starts outside the service group; if the process is still
/// running when `limit` has passed, it logs an error, runs `beforeExit` (stops the embedded cluster it started)
/// and exits with status 1 — a process that was asked to stop never stays up.
///
/// Why a deadline and not only cancellation: PostgresNIO (1.33) writes a query to its channel without a promise,
/// so a query written to a connection whose server has just died — the pipeline already torn down — is never
/// answered nor failed, and the task awaiting it cannot be cancelled. After a PostgreSQL crash, one background
/// service in a few can be stuck that way, and a SIGTERM would then wait for it forever.
public struct ShutdownDeadline: Service, CustomStringConvertible {
    let limit: Duration
    let logger: Logger
    let beforeExit: @Sendable () -> Void

    public init(limit: Duration, logger: Logger, beforeExit: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.logger = logger
        self.beforeExit = beforeExit
    }

    public var description: String { "ShutdownDeadline" }

    public func run() async throws {
        // Armed on a graceful shutdown and also when the group is cancelled (a service failed): either way the
        // other services are now asked to finish, and one of them may be stuck.
        _ = try? await gracefulShutdown()
        let (limit, logger, beforeExit) = (limit, logger, beforeExit)
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        // A thread of its own: it must outlive this service and fire even if every task is stuck.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            logger.error(
                "graceful shutdown did not finish in time; exiting",
                metadata: ["limitSeconds": "\(seconds)"])
            beforeExit()
            exit(1)
        }
    }
}
