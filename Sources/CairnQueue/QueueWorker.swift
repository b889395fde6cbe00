public import CairnStore
import Foundation
public import Logging
import Metrics
import PostgresNIO
public import ServiceLifecycle

/// Works one queue: `concurrency` loops claim jobs in batches and run `handler` on each; a listener on
/// `cairn_jobs` wakes them as soon as jobs commit, and they look again every `pollInterval` regardless.
/// A job whose handler throws is retried after a backoff, then dead-lettered. On graceful shutdown the
/// loops finish the job in hand and stop; a job a killed worker held runs again after its visibility timeout.
public struct QueueWorker: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "QueueWorker(\(name))" }

    public typealias Handler = @Sendable (Job) async throws -> Void
    /// Gets a claimed job and the jobs queued behind it under its ordering key (`followers` of them at most), all
    /// done or all failed together.
    public typealias RunHandler = @Sendable ([Job]) async throws -> Void

    let queue: JobQueue
    let name: String
    let policy: RetryPolicy
    let concurrency: Int
    let batchSize: Int
    let pollInterval: Duration
    let workerID: String
    let followers: Int
    let handler: RunHandler
    let logger: Logger

    public init(
        database: Database, queue name: String, policy: RetryPolicy = RetryPolicy(), concurrency: Int = 4,
        batchSize: Int = 16, pollInterval: Duration = .seconds(1), logger: Logger, handler: @escaping Handler
    ) {
        self.init(
            database: database, queue: name, policy: policy, concurrency: concurrency, batchSize: batchSize,
            pollInterval: pollInterval, followers: 0, logger: logger
        ) { jobs in
            for job in jobs { try await handler(job) }
        }
    }

    /// A worker that hands each claimed job over with up to `followers` jobs queued behind it under its ordering key.
    public init(
        database: Database, queue name: String, policy: RetryPolicy = RetryPolicy(), concurrency: Int = 4,
        batchSize: Int = 16, pollInterval: Duration = .seconds(1), followers: Int, logger: Logger,
        runHandler handler: @escaping RunHandler
    ) {
        self.followers = followers
        self.queue = JobQueue(database: database)
        self.name = name
        self.policy = policy
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.workerID = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
        self.handler = handler
        self.logger = logger
    }

    public func run() async throws {
        let doorbell = Doorbell()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await listen(doorbell) }
                for index in 0..<concurrency {
                    group.addTask { await work(loop: index, doorbell) }
                }
            }
        }
    }

    /// Rings the doorbell for every notification naming this queue; reconnects when the connection drops.
    private func listen(_ doorbell: Doorbell) async {
        while !Task.isCancelled {
            do {
                try await queue.database.client.withConnection { connection in
                    try await connection.listen(on: JobQueue.channel) { notifications in
                        doorbell.ring()
                        for try await notification in notifications where notification.payload == name {
                            doorbell.ring()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("job notifications lost; listening again", metadata: ["queue": "\(name)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func work(loop: Int, _ doorbell: Doorbell) async {
        let pickup = Timer(label: "cairn_queue_pickup_latency_seconds", dimensions: [("queue", name)])
        let attempts = Counter(label: "cairn_queue_attempts_total", dimensions: [("queue", name)])
        let failures = Counter(label: "cairn_queue_failures_total", dimensions: [("queue", name)])
        while !Task.isCancelled {
            let generation = doorbell.generation
            let jobs: [Job]
            do {
                jobs = try await queue.claim(name, worker: workerID, limit: batchSize, policy: policy)
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "claiming jobs failed", metadata: ["queue": "\(name)", "error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: pollInterval)
                continue
            }
            if jobs.isEmpty {
                await doorbell.wait(after: generation, timeout: pollInterval)
                continue
            }
            var succeeded: [Job] = []
            for job in jobs {
                var run = [job]
                // Only a first attempt brings followers: a run that failed is retried by its head alone, so a
                // follower that cannot be delivered never spends the attempts of the jobs before it.
                if followers > 0, job.attempt == 1 {
                    do {
                        run += try await queue.claimFollowers(
                            of: job, worker: workerID, limit: followers, policy: policy)
                    } catch {
                        logger.warning(
                            "claiming followers failed",
                            metadata: ["queue": "\(name)", "error": "\(String(reflecting: error))"])
                    }
                }
                for job in run {
                    pickup.recordNanoseconds(max(0, queue.clock.milliseconds - job.availableAt) * 1_000_000)
                    attempts.increment()
                }
                do {
                    try await runKeepingClaims(run)
                    succeeded += run
                } catch {
                    failures.increment()
                    await fail(run, error: error)
                }
            }
            do {
                try await queue.complete(succeeded, worker: workerID)
            } catch {
                // The jobs run again after their visibility timeout: at least once.
                logger.warning(
                    "completing jobs failed", metadata: ["queue": "\(name)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Runs the handler while a heartbeat keeps the run's claims, every third of the visibility timeout: a long run
    /// (a large export, a coalesced delivery) is never taken over while its worker lives.
    private func runKeepingClaims(_ run: [Job]) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await handler(run)
                return true
            }
            group.addTask {
                await keepClaims(run)
                return false
            }
            while let handled = try await group.next() {
                if handled {
                    group.cancelAll()
                    return
                }
            }
        }
    }

    private func keepClaims(_ run: [Job]) async {
        let interval = Duration.milliseconds(max(10, policy.visibilityMilliseconds / 3))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                _ = try await queue.extend(run, policy: policy)
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "keeping claims failed", metadata: ["queue": "\(name)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    /// A failed run: its head's attempt counts (a retry after the backoff, or the dead letters); its followers are
    /// given back uncounted, to run after the head.
    private func fail(_ run: [Job], error: any Error) async {
        guard let head = run.first else { return }
        let reason = String(describing: error)
        logger.info(
            "job attempt failed",
            metadata: [
                "queue": "\(name)", "job": "\(head.id)", "jobs": "\(run.count)", "attempt": "\(head.attempt)",
                "error": "\(reason)",
            ])
        do {
            try await queue.fail(
                head, worker: workerID, error: reason, policy: policy, jitter: Double.random(in: 0...1))
            try await queue.release(Array(run.dropFirst()), worker: workerID)
        } catch {
            // The jobs run again after their visibility timeout, counting this attempt.
            logger.warning(
                "recording a failed attempt failed",
                metadata: ["queue": "\(name)", "job": "\(head.id)", "error": "\(String(reflecting: error))"])
        }
    }
}
