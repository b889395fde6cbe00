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
    /// Jobs with the same key run one at a time, in the order enqueued (nil: no order).
    public var orderingKey: String? = nil
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
    /// Jobs with the same `orderingKey` run one at a time, in the order enqueued (nil: no order). `tenant` (an
    /// account) is whom the jobs work for: claims serve tenants in turn. `delayMilliseconds` makes them due later.
    public static func enqueue(
        _ queue: String, payloads: [String], orderingKeys: [String?]? = nil, tenant: String? = nil,
        policy: RetryPolicy, delayMilliseconds: Int64 = 0, on connection: PostgresConnection, logger: Logger,
        clock: WallClock = .system
    ) async throws {
        guard !payloads.isEmpty else { return }
        let now = clock.milliseconds
        let due = now + max(0, delayMilliseconds)
        // "" stands for no key (arrays of optionals do not bind).
        let keys = payloads.indices.map { index in
            orderingKeys.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? ""
        }
        try await connection.query(
            """
            INSERT INTO jobs (queue, payload, ordering_key, tenant, max_attempts, created_at, available_at, visible_at)
            SELECT \(queue), p.payload::jsonb, NULLIF(p.key, ''), \(tenant), \(Int32(policy.maxAttempts)), \(now),
                \(due), \(due)
            FROM unnest(\(payloads), \(keys)) WITH ORDINALITY AS p(payload, key, position)
            ORDER BY p.position
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.channel), \(queue))", logger: logger)
    }

    public func enqueue(
        _ queue: String, payloads: [String], tenant: String? = nil, policy: RetryPolicy
    ) async throws {
        try await database.transaction { connection in
            try await Self.enqueue(
                queue, payloads: payloads, tenant: tenant, policy: policy, on: connection, logger: database.logger,
                clock: clock)
        }
    }

    /// Claims up to `limit` due jobs for `worker` (skipping rows other workers hold) and hides them for the
    /// visibility timeout. Jobs whose last attempt ran out of time go to the dead letters first.
    /// Tenants are served in turn — every tenant's oldest due job before anyone's second — so one account's
    /// backlog cannot hold back the others. The rows are locked, `JobState.claim` decides each job's new
    /// state, and the update writes it.
    public func claim(_ queue: String, worker: String, limit: Int, policy: RetryPolicy) async throws -> [Job] {
        let now = clock.milliseconds
        try await buryExpired(queue, now: now, policy: policy)  // cheap: a partial index holds only last attempts
        // Claims commit without waiting for the disk: a claim lost in a crash only makes the job claimable again.
        return try await database.relaxedTransaction { connection in
            // Candidates in turn order (more than needed: other workers may hold some), then locked.
            var candidates: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT job_id FROM (
                    SELECT job_id, visible_at,
                           row_number() OVER (PARTITION BY tenant ORDER BY visible_at, job_id) AS turn
                    FROM jobs j0
                    WHERE queue = \(queue) AND visible_at <= \(now) AND attempts < max_attempts
                      AND (ordering_key IS NULL OR NOT EXISTS (
                          SELECT 1 FROM jobs e WHERE e.queue = j0.queue AND e.ordering_key = j0.ordering_key
                            AND e.job_id < j0.job_id))
                ) due
                ORDER BY turn, visible_at, job_id LIMIT \(limit * 4)
                """, logger: database.logger
            ).decode(Int64.self) {
                candidates.append(id)
            }
            guard !candidates.isEmpty else { return [] }
            let rows = try await stored(
                connection.query(
                    """
                    SELECT \(unescaped: Self.claimColumns)
                    FROM jobs
                    WHERE job_id = ANY(\(candidates)) AND queue = \(queue) AND visible_at <= \(now)
                      AND attempts < max_attempts
                    ORDER BY array_position(\(candidates), job_id) LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    """, logger: database.logger))
            return try await take(rows, queue: queue, worker: worker, now: now, policy: policy, on: connection)
                .sorted { $0.id < $1.id }
        }
    }

    /// The jobs waiting behind `job` under its ordering key, claimed for `worker` along with it: up to `limit` of
    /// them, consecutive and due, stopping at the first that is not (so that order holds). A consumer that can do
    /// several in one go (one delivery for a stream's consecutive batches) completes or fails them together.
    public func claimFollowers(of job: Job, worker: String, limit: Int, policy: RetryPolicy) async throws -> [Job] {
        guard let key = job.orderingKey, limit > 0 else { return [] }
        let now = clock.milliseconds
        return try await database.relaxedTransaction { connection in
            var candidates: [(id: Int64, due: Bool)] = []
            for try await (id, due) in try await connection.query(
                """
                SELECT job_id, visible_at <= \(now) AND attempts < max_attempts FROM jobs
                WHERE queue = \(job.queue) AND ordering_key = \(key) AND job_id > \(job.id)
                ORDER BY job_id LIMIT \(limit)
                """, logger: database.logger
            ).decode((Int64, Bool).self) {
                candidates.append((id, due))
            }
            let due = candidates.prefix { $0.due }.map(\.id)
            guard !due.isEmpty else { return [] }
            let rows = try await stored(
                connection.query(
                    """
                    SELECT \(unescaped: Self.claimColumns)
                    FROM jobs WHERE job_id = ANY(\(due)) ORDER BY job_id FOR UPDATE SKIP LOCKED
                    """, logger: database.logger))
            // A follower another worker locked meanwhile ends the run before anything is claimed: the ones after it
            // wait their turn, unclaimed.
            let run = zip(rows, due).prefix { $0.id == $1 }.map(\.0)
            return try await take(run, queue: job.queue, worker: worker, now: now, policy: policy, on: connection)
        }
    }

    static let claimColumns =
        "job_id, payload::text, attempts, max_attempts, available_at, visible_at, claimed_by, last_error, ordering_key"

    /// A locked job row, as `claimColumns` selects it.
    struct StoredJob {
        let id: Int64
        let payload: String
        let attempts: Int
        let maxAttempts: Int
        let availableAt: Int64
        let visibleAt: Int64
        let holder: String?
        let lastError: String?
        let orderingKey: String?
    }

    private func stored(_ rows: PostgresRowSequence) async throws -> [StoredJob] {
        var jobs: [StoredJob] = []
        for try await (id, payload, attempts, maxAttempts, availableAt, visible, holder, lastError, key) in rows.decode(
            (Int64, String, Int, Int, Int64, Int64, String?, String?, String?).self)
        {
            jobs.append(
                StoredJob(
                    id: id, payload: payload, attempts: attempts, maxAttempts: maxAttempts, availableAt: availableAt,
                    visibleAt: visible, holder: holder, lastError: lastError, orderingKey: key))
        }
        return jobs
    }

    /// Claims the locked rows for `worker`: `JobState.claim` decides each one's state.
    private func take(
        _ rows: [StoredJob], queue: String, worker: String, now: Int64, policy: RetryPolicy,
        on connection: PostgresConnection
    ) async throws -> [Job] {
        var jobs: [Job] = []
        var visibleAt: [Int64] = []
        for row in rows {
            var state = Self.state(
                holder: row.holder, attempts: row.attempts, maxAttempts: row.maxAttempts, visibleAt: row.visibleAt,
                lastError: row.lastError, policy: policy)
            try state.claim(by: worker, at: now)
            jobs.append(
                Job(
                    id: row.id, queue: queue, payload: row.payload, attempt: state.attempts,
                    maxAttempts: row.maxAttempts, availableAt: row.availableAt, orderingKey: row.orderingKey))
            visibleAt.append(state.visibleAt)
        }
        guard !jobs.isEmpty else { return [] }
        try await connection.query(
            """
            UPDATE jobs j SET attempts = c.attempts, claimed_by = \(worker), visible_at = c.visible_at
            FROM unnest(\(jobs.map(\.id)), \(jobs.map { Int32($0.attempt) }), \(visibleAt))
                AS c(job_id, attempts, visible_at)
            WHERE j.job_id = c.job_id
            """, logger: database.logger)
        return jobs
    }

    /// A stored job's state: held by `holder` (whose claim may have run out), or ready.
    static func state(
        holder: String?, attempts: Int, maxAttempts: Int, visibleAt: Int64, lastError: String?, policy: RetryPolicy
    ) -> JobState {
        var policy = policy
        policy.maxAttempts = maxAttempts
        return JobState(
            restoring: holder.map { .claimed(worker: $0) } ?? .ready, attempts: attempts, visibleAt: visibleAt,
            lastError: lastError, policy: policy)
    }

    /// Done: the job is deleted, unless another worker has claimed it since (its claim then stands). The guard is
    /// `JobState.complete`'s: only the holder of this attempt completes it.
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
        _ = try await database.relaxedTransaction { connection in
            try await connection.query(
                """
                DELETE FROM jobs j USING unnest(\(jobs.map(\.id)), \(jobs.map { Int32($0.attempt) })) AS d(id, attempt)
                WHERE j.job_id = d.id AND j.attempts = d.attempt AND j.claimed_by = \(worker)
                """, logger: database.logger)
        }
    }

    /// Keeps a long job's claim: hides it for another visibility timeout from now, if this attempt still holds it.
    /// Returns false when it does not (another worker has taken the job over).
    public func extend(_ job: Job, policy: RetryPolicy) async throws -> Bool {
        let visibleAt = clock.milliseconds + policy.visibilityMilliseconds
        let rows = try await database.query(
            """
            UPDATE jobs SET visible_at = \(visibleAt) WHERE job_id = \(job.id) AND attempts = \(job.attempt)
            RETURNING job_id
            """)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Keeps the claims of several jobs (each only while this attempt holds it); returns the ids still held.
    public func extend(_ jobs: [Job], policy: RetryPolicy) async throws -> Set<Int64> {
        guard !jobs.isEmpty else { return [] }
        let visibleAt = clock.milliseconds + policy.visibilityMilliseconds
        let rows = try await database.query(
            """
            UPDATE jobs j SET visible_at = \(visibleAt)
            FROM unnest(\(jobs.map(\.id)), \(jobs.map { Int32($0.attempt) })) AS h(id, attempt)
            WHERE j.job_id = h.id AND j.attempts = h.attempt
            RETURNING j.job_id
            """)
        var held: Set<Int64> = []
        for try await id in rows.decode(Int64.self) { held.insert(id) }
        return held
    }

    /// Gives back jobs this worker claimed but did not run (a run's followers when its head failed): ready at once,
    /// their attempt uncounted. Jobs this attempt no longer holds are left alone.
    public func release(_ jobs: [Job], worker: String) async throws {
        guard !jobs.isEmpty else { return }
        try await database.query(
            """
            UPDATE jobs j SET attempts = j.attempts - 1, claimed_by = NULL, visible_at = \(clock.milliseconds)
            FROM unnest(\(jobs.map(\.id)), \(jobs.map { Int32($0.attempt) })) AS r(id, attempt)
            WHERE j.job_id = r.id AND j.attempts = r.attempt AND j.claimed_by = \(worker)
            """)
    }

    /// A failed attempt: `JobState.fail` decides between a retry after the backoff and the dead letters.
    /// Nothing happens if `worker` no longer holds this attempt.
    public func fail(_ job: Job, worker: String, error: String, policy: RetryPolicy, jitter: Double) async throws {
        let now = clock.milliseconds
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT attempts, max_attempts, visible_at, last_error FROM jobs
                WHERE job_id = \(job.id) AND claimed_by = \(worker) AND attempts = \(job.attempt) FOR UPDATE
                """, logger: database.logger)
            for try await (attempts, maxAttempts, visibleAt, lastError) in rows.decode(
                (Int, Int, Int64, String?).self)
            {
                var state = Self.state(
                    holder: worker, attempts: attempts, maxAttempts: maxAttempts, visibleAt: visibleAt,
                    lastError: lastError, policy: policy)
                try state.fail(by: worker, at: now, error: error, jitter: jitter)
                try await write(state, job: job.id, now: now, on: connection)
            }
        }
    }

    /// Jobs whose final attempt outlived its visibility timeout (the worker died) are dead (`JobState.expire`).
    func buryExpired(_ queue: String, now: Int64, policy: RetryPolicy) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT job_id, attempts, max_attempts, visible_at, claimed_by, last_error FROM jobs
                WHERE queue = \(queue) AND attempts >= max_attempts AND visible_at <= \(now)
                FOR UPDATE SKIP LOCKED
                """, logger: database.logger)
            var expired: [(Int64, JobState)] = []
            for try await (id, attempts, maxAttempts, visibleAt, holder, lastError) in rows.decode(
                (Int64, Int, Int, Int64, String?, String?).self)
            {
                var state = Self.state(
                    holder: holder ?? "", attempts: attempts, maxAttempts: maxAttempts, visibleAt: visibleAt,
                    lastError: lastError, policy: policy)
                try state.expire(at: now)
                expired.append((id, state))
            }
            for (id, state) in expired { try await write(state, job: id, now: now, on: connection) }
        }
    }

    /// Writes what a transition decided: a ready job's next visibility, or a dead job's move to `dead_jobs`.
    private func write(_ state: JobState, job id: Int64, now: Int64, on connection: PostgresConnection) async throws {
        switch state.phase {
        case .dead(let lastError):
            try await connection.query(
                """
                WITH gone AS (DELETE FROM jobs WHERE job_id = \(id) RETURNING *)
                INSERT INTO dead_jobs (job_id, queue, payload, ordering_key, tenant, attempts, max_attempts,
                    created_at, failed_at, last_error)
                SELECT job_id, queue, payload, ordering_key, tenant, attempts, max_attempts, created_at, \(now),
                    \(lastError)
                FROM gone
                """, logger: database.logger)
        case .ready:
            try await connection.query(
                """
                UPDATE jobs SET visible_at = \(state.visibleAt), available_at = \(state.visibleAt), claimed_by = NULL,
                    last_error = \(state.lastError)
                WHERE job_id = \(id)
                """, logger: database.logger)
        case .claimed, .done:
            preconditionFailure("a failure or an expiry never leaves a job claimed or done")
        }
    }
}
