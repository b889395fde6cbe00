public import CairnStore
public import Logging
import Metrics
public import ServiceLifecycle

/// Publishes each queue's depth, running jobs, oldest waiting age and dead letters as gauges
/// (`cairn_queue_depth`, `cairn_queue_running`, `cairn_queue_oldest_age_seconds`, `cairn_queue_dead_letters`).
public struct QueueMonitor: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "QueueMonitor" }

    public static let interval: Duration = .seconds(10)

    let queue: JobQueue
    let logger: Logger

    public init(database: Database, logger: Logger) {
        queue = JobQueue(database: database)
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "queue statistics failed") {
            for statistics in try await queue.statistics() {
                let dimensions = [("queue", statistics.queue)]
                Gauge(label: "cairn_queue_depth", dimensions: dimensions).record(statistics.depth)
                Gauge(label: "cairn_queue_running", dimensions: dimensions).record(statistics.running)
                Gauge(label: "cairn_queue_oldest_age_seconds", dimensions: dimensions)
                    .record(Double(statistics.oldestAgeMilliseconds) / 1000)
                Gauge(label: "cairn_queue_dead_letters", dimensions: dimensions).record(statistics.deadLetters)
            }
        }
    }
}
