public import Logging
import ServiceLifecycle

/// The loop of a background Service: do the work, log a failure without dying, wait, again —
/// until graceful shutdown, when the current wait (or work) is cancelled and `run` returns.
public enum RecurringWork {
    public static func run(
        every interval: Duration, logger: Logger, failure: Logger.Message,
        _ work: @escaping @Sendable () async throws -> Void
    ) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await work()
                } catch {
                    logger.warning(failure, metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
