public import CairnStore
import Foundation
public import PostgresNIO

/// A job as a worker receives it.
public struct Job: Sendable {
    public let id: Int64
    public let queue: String
    /// JSON text, as enqueued.
    public let payload: String
    /// This attempt's number, from 1.
    public let attempt: Int
    public let maxAttempts: Int
    /// When the job became claimable for this attempt (epoch ms): pickup latency is measured from it.
    public let availableAt: Int64
}

/// The PostgreSQL job queue: `jobs` and `dead_jobs`, with the transitions of `JobState`.
public struct JobQueue: Sendable {
    /// Enqueueing notifies this channel with the queue's name; committed jobs wake listening workers.
    public static let channel = "cairn_jobs"

    public let database: Database
    /// Visibility timeouts, backoffs and pickup latency are measured on this clock.
    public let clock: WallClock

    public init(database: Database, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Enqueues in the caller's transaction: the job exists exactly when the data it concerns does.
    /// Jobs with the same `orderingKey` run one at a time, in the order enqueued (nil: no order).
    public static func enqueue(
        _ queue: String, payloads: [String], orderingKeys: [String?]? = nil, policy: RetryPolicy,
        on connection: PostgresConnection, logger: Logger, clock: WallClock = .system
    ) async throws {
        guard !payloads.isEmpty else { return }
        let now = clock.milliseconds
        // "" stands for no key (arrays of optionals do not bind).
        let keys = payloads.indices.map { index in
            orderingKeys.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? ""
        }
        try await connection.query(
            """
            INSERT INTO jobs (queue, payload, ordering_key, max_attempts, created_at, available_at, visible_at)
            SELECT \(queue), p.payload::jsonb, NULLIF(p.key, ''), \(Int32(policy.maxAttempts)), \(now), \(now), \(now)
            FROM unnest(\(payloads), \(keys)) WITH ORDINALITY AS p(payload, key, position)
            ORDER BY p.position
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.channel), \(queue))", logger: logger)
    }

    public func enqueue(_ queue: String, payloads: [String], policy: RetryPolicy) async throws {
        try await database.transaction { connection in
            try await Self.enqueue(
                queue, payloads: payloads, policy: policy, on: connection, logger: database.logger, clock: clock)
        }
    }

    /// Claims up to `limit` due jobs for `worker` (skipping rows other workers hold) and hides them for the
    /// visibility timeout. Jobs whose last attempt ran out of time go to the dead letters first.
    public func claim(_ queue: String, worker: String, limit: Int, policy: RetryPolicy) async throws -> [Job] {
        let now = clock.milliseconds
        try await buryExpired(queue, now: now)  // cheap: a partial index holds only jobs on their last attempt
        // Claims commit without waiting for the disk: a claim lost in a crash only makes the job claimable again.
        return try await database.relaxedTransaction { connection in
            let rows = try await connection.query(
                """
                UPDATE jobs j SET attempts = j.attempts + 1, claimed_by = \(worker),
                    visible_at = \(now) + \(policy.visibilityMilliseconds)
                FROM (SELECT job_id FROM jobs j0
                      WHERE queue = \(queue) AND visible_at <= \(now) AND attempts < max_attempts
                        AND (ordering_key IS NULL OR NOT EXISTS (
                            SELECT 1 FROM jobs e WHERE e.queue = j0.queue AND e.ordering_key = j0.ordering_key
                              AND e.job_id < j0.job_id))
                      ORDER BY visible_at, job_id LIMIT \(limit) FOR UPDATE SKIP LOCKED) c
                WHERE j.job_id = c.job_id
                RETURNING j.job_id, j.payload::text, j.attempts, j.max_attempts, j.available_at
                """, logger: database.logger)
            var jobs: [Job] = []
            for try await (id, payload, attempt, maxAttempts, availableAt) in rows.decode(
                (Int64, String, Int, Int, Int64).self)
            {
                jobs.append(
                    Job(
                        id: id, queue: queue, payload: payload, attempt: attempt, maxAttempts: maxAttempts,
                        availableAt: availableAt))
            }
            return jobs.sorted { $0.id < $1.id }
        }
    }

    /// Done: the job is deleted, unless another worker has claimed it since (its claim then stands).
    public func complete(_ job: Job, worker: String) async throws {
        try await database.query(
            """
            DELETE FROM jobs WHERE job_id = \(job.id) AND claimed_by = \(worker) AND attempts = \(job.attempt)
            """)
    }

    /// Completes several jobs in one statement (each only if this worker still holds that attempt).
    public func complete(_ jobs: [Job], worker: String) async throws {
        guard !jobs.isEmpty else { return }
        // A completion lost in a crash makes the job run again: at least once, never lost.
        try await database.relaxedTransaction { connection in
            try await connection.query(
                """
                DELETE FROM jobs j USING unnest(\(jobs.map(\.id)), \(jobs.map { Int32($0.attempt) })) AS d(id, attempt)
                WHERE j.job_id = d.id AND j.attempts = d.attempt AND j.claimed_by = \(worker)
                """, logger: database.logger)
        }
    }

    /// A failed attempt: back in the queue after the backoff, or into the dead letters after the last attempt.
    public func fail(_ job: Job, worker: String, error: String, policy: RetryPolicy, jitter: Double) async throws {
        let now = clock.milliseconds
        if job.attempt >= job.maxAttempts {
            try await database.query(
                """
                WITH gone AS (
                    DELETE FROM jobs WHERE job_id = \(job.id) AND claimed_by = \(worker) AND attempts = \(job.attempt)
                    RETURNING *)
                INSERT INTO dead_jobs (job_id, queue, payload, ordering_key, attempts, max_attempts, created_at,
                    failed_at, last_error)
                SELECT job_id, queue, payload, ordering_key, attempts, max_attempts, created_at, \(now), \(error)
                FROM gone
                """)
        } else {
            let retryAt = now + policy.delay(afterAttempt: job.attempt, jitter: jitter)
            try await database.query(
                """
                UPDATE jobs SET visible_at = \(retryAt), available_at = \(retryAt), claimed_by = NULL,
                    last_error = \(error)
                WHERE job_id = \(job.id) AND claimed_by = \(worker) AND attempts = \(job.attempt)
                """)
        }
    }

    /// Jobs whose final attempt outlived its visibility timeout (the worker died) are dead.
    func buryExpired(_ queue: String, now: Int64) async throws {
        try await database.query(
            """
            WITH gone AS (
                DELETE FROM jobs WHERE queue = \(queue) AND attempts >= max_attempts AND visible_at <= \(now)
                RETURNING *)
            INSERT INTO dead_jobs (job_id, queue, payload, ordering_key, attempts, max_attempts, created_at,
                failed_at, last_error)
            SELECT job_id, queue, payload, ordering_key, attempts, max_attempts, created_at, \(now),
                   COALESCE(last_error || '; ', '') || 'last attempt timed out' FROM gone
            """)
    }
}
