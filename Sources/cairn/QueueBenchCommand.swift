import ArgumentParser
import CairnQueue
import CairnStore
import Foundation

/// `cairn bench queue`: jobs/s through enqueue, claim and complete with 4 workers, and the pickup latency of
/// single jobs on an idle queue (NOTIFY), against PostgreSQL (the embedded cluster under `--data-dir`).
struct QueueBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Job queue: jobs/s with 4 workers, and idle pickup latency (p50/p99).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Jobs for the throughput run.") var jobs: Int = 100_000
    @Option(help: "Jobs for the latency run, one at a time.") var latencyJobs: Int = 200

    func run() async throws {
        let (total, latencyJobs) = (jobs, latencyJobs)
        try await store.withDatabase { database in
            let queue = JobQueue(database: database)
            _ = try await queue.purge(queue: "bench", includingLive: true)
            let policy = RetryPolicy()
            let (handled, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
            let worker = QueueWorker(
                database: database, queue: "bench", policy: policy, concurrency: 4, batchSize: 250,
                logger: database.logger
            ) { _ in
                signal.yield()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                try await Task.sleep(for: .milliseconds(500))

                // Throughput: a producer commits batches of 500 while the 4 workers drain the queue.
                let started = ContinuousClock.now
                let payload = #"{"group": 12, "stream": 34, "chunk": 56789}"#
                var enqueued = 0
                while enqueued < total {
                    let count = min(500, total - enqueued)
                    try await queue.enqueue("bench", payloads: Array(repeating: payload, count: count), policy: policy)
                    enqueued += count
                }
                let enqueueSeconds = Self.seconds(ContinuousClock.now - started)
                var iterator = handled.makeAsyncIterator()
                for _ in 0..<total { _ = await iterator.next() }
                let seconds = Self.seconds(ContinuousClock.now - started)
                print(
                    String(
                        format: "throughput: %d jobs enqueued (batches of 500) in %.2f s, all claimed and completed by "
                            + "4 workers in %.2f s = %.0f jobs/s", total, enqueueSeconds, seconds,
                        Double(total) / seconds))

                // Pickup latency on an idle queue: one job at a time, timed from its commit to its handler.
                var latencies: [Double] = []
                for _ in 0..<latencyJobs {
                    try await Task.sleep(for: .milliseconds(20))
                    try await queue.enqueue("bench", payloads: [payload], policy: policy)
                    let committed = ContinuousClock.now
                    _ = await iterator.next()
                    latencies.append(Self.seconds(ContinuousClock.now - committed) * 1000)
                }
                latencies.sort()
                let p50 = latencies[latencies.count / 2]
                let p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
                print(
                    String(
                        format: "pickup latency (idle, %d jobs): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                        latencies.count, p50, p99, latencies.last ?? 0))
                group.cancelAll()
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
