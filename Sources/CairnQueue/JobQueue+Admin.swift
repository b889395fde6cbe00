import CairnStore
import PostgresNIO

/// What an operator sees of a queue.
public struct QueueStatistics: Sendable, Codable, Equatable {
    public let queue: String
    public let depth: Int
    /// Jobs held by a worker now.
    public let running: Int
    /// Age of the oldest job still waiting, in milliseconds (0 when none).
    public let oldestAgeMilliseconds: Int64
    /// Attempts made by the jobs in the queue (retries included).
    public let attempts: Int
    public let deadLetters: Int

    public init(queue: String, depth: Int, running: Int, oldestAgeMilliseconds: Int64, attempts: Int, deadLetters: Int)
    {
        self.queue = queue
        self.depth = depth
        self.running = running
        self.oldestAgeMilliseconds = oldestAgeMilliseconds
        self.attempts = attempts
        self.deadLetters = deadLetters
    }
}

public struct DeadJob: Sendable, Codable, Equatable {
    public let id: Int64
    public let queue: String
    public let attempts: Int
    public let createdAt: Int64
    public let failedAt: Int64
    public let lastError: String?
}

extension JobQueue {
    public func statistics() async throws -> [QueueStatistics] {
        let now = clock.milliseconds
        let rows = try await database.query(
            """
            WITH live AS (
                SELECT queue, count(*)::integer AS depth,
                       count(*) FILTER (WHERE claimed_by IS NOT NULL AND visible_at > \(now))::integer AS running,
                       COALESCE(\(now) - min(created_at), 0)::bigint AS oldest,
                       COALESCE(sum(attempts), 0)::integer AS attempts
                FROM jobs GROUP BY queue),
            dead AS (SELECT queue, count(*)::integer AS dead FROM dead_jobs GROUP BY queue)
            SELECT COALESCE(live.queue, dead.queue), COALESCE(depth, 0), COALESCE(running, 0), COALESCE(oldest, 0),
                   COALESCE(attempts, 0), COALESCE(dead, 0)
            FROM live FULL JOIN dead ON dead.queue = live.queue ORDER BY 1
            """)
        var statistics: [QueueStatistics] = []
        for try await (queue, depth, running, oldest, attempts, dead) in rows.decode(
            (String, Int, Int, Int64, Int, Int).self)
        {
            statistics.append(
                QueueStatistics(
                    queue: queue, depth: depth, running: running, oldestAgeMilliseconds: oldest, attempts: attempts,
                    deadLetters: dead))
        }
        return statistics
    }

    public func deadJobs(queue: String?, limit: Int = 100) async throws -> [DeadJob] {
        let rows = try await database.query(
            """
            SELECT job_id, queue, attempts, created_at, failed_at, last_error FROM dead_jobs
            WHERE \(queue)::text IS NULL OR queue = \(queue) ORDER BY failed_at DESC, job_id DESC LIMIT \(limit)
            """)
        var jobs: [DeadJob] = []
        for try await (id, queue, attempts, created, failed, error) in rows.decode(
            (Int64, String, Int, Int64, Int64, String?).self)
        {
            jobs.append(
                DeadJob(
                    id: id, queue: queue, attempts: attempts, createdAt: created, failedAt: failed, lastError: error))
        }
        return jobs
    }

    /// Sends dead jobs back to their queue (same id) with all their attempts; returns how many.
    @discardableResult
    public func retryDead(queue: String?, job: Int64?) async throws -> Int {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                WITH revived AS (
                    DELETE FROM dead_jobs
                    WHERE (\(queue)::text IS NULL OR queue = \(queue)) AND (\(job)::bigint IS NULL OR job_id = \(job))
                    RETURNING *),
                back AS (
                    INSERT INTO jobs (job_id, queue, payload, ordering_key, tenant, max_attempts, created_at,
                        available_at, visible_at, last_error)
                    OVERRIDING SYSTEM VALUE
                    SELECT job_id, queue, payload, ordering_key, tenant, max_attempts, created_at, \(now), \(now),
                        last_error
                    FROM revived
                    RETURNING queue)
                SELECT queue, count(*)::integer FROM back GROUP BY queue
                """, logger: database.logger)
            var total = 0
            for try await (queue, count) in rows.decode((String, Int).self) {
                total += count
                try await connection.query("SELECT pg_notify(\(Self.channel), \(queue))", logger: database.logger)
            }
            return total
        }
    }

    /// Deletes a queue's dead letters (and, with `includingLive`, its waiting jobs too); returns how many.
    @discardableResult
    public func purge(queue: String, includingLive: Bool) async throws -> Int {
        var total = 0
        let dead = try await database.query(
            "WITH gone AS (DELETE FROM dead_jobs WHERE queue = \(queue) RETURNING 1) SELECT count(*)::integer FROM gone"
        )
        for try await count in dead.decode(Int.self) { total += count }
        if includingLive {
            let live = try await database.query(
                "WITH gone AS (DELETE FROM jobs WHERE queue = \(queue) RETURNING 1) SELECT count(*)::integer FROM gone")
            for try await count in live.decode(Int.self) { total += count }
        }
        return total
    }
}
