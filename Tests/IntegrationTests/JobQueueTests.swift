import CairnQueue
import CairnStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct JobQueueTests {
    /// Short timeouts on a clock that only the test moves: nothing here depends on the machine's speed.
    static let fast = RetryPolicy(
        maxAttempts: 2, baseDelayMilliseconds: 1, maxDelayMilliseconds: 1, visibilityMilliseconds: 200)

    /// One account's backlog does not hold back another's job: claims serve tenants in turn.
    @Test func claimsServeTenantsInTurn() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let clock = ManualClock()
            let queue = JobQueue(database: database, clock: clock.clock)
            try await queue.enqueue(
                "q", payloads: (0..<50).map { #"{"busy": \#($0)}"# }, tenant: "111111111111", policy: Self.fast)
            clock.advance(byMilliseconds: 1)
            try await queue.enqueue("q", payloads: [#"{"quiet": 0}"#], tenant: "222222222222", policy: Self.fast)
            try await queue.enqueue("q", payloads: [#"{"untenanted": 0}"#], policy: Self.fast)
            let first = try await queue.claim("q", worker: "w", limit: 3, policy: Self.fast)
            #expect(
                first.map(\.payload).sorted() == [#"{"busy": 0}"#, #"{"quiet": 0}"#, #"{"untenanted": 0}"#].sorted())
            let next = try await queue.claim("q", worker: "w", limit: 2, policy: Self.fast)
            #expect(next.map(\.payload) == [#"{"busy": 1}"#, #"{"busy": 2}"#])
        }
    }

    @Test func concurrentClaimsNeverShareAJob() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let queue = JobQueue(database: database, clock: ManualClock().clock)
            try await queue.enqueue("q", payloads: (0..<200).map { #"{"n": \#($0)}"# }, policy: Self.fast)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let jobs = try await queue.claim("q", worker: "w\(worker)", limit: 7, policy: Self.fast)
                            if jobs.isEmpty { return mine }
                            for job in jobs {
                                mine.append(job.id)
                                try await queue.complete(job, worker: "w\(worker)")
                            }
                        }
                    }
                }
                var all: [Int64] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 200 && Set(claimed).count == 200)
            #expect(try await queue.statistics().first?.depth ?? 0 == 0)
        }
    }

    @Test func failedJobsRetryThenDeadLetterAndCanBeRevived() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            try await queue.enqueue("q", payloads: [#"{"x": 1}"#], policy: Self.fast)
            let first = try #require(try await queue.claim("q", worker: "w", limit: 1, policy: Self.fast).first)
            #expect(first.attempt == 1 && first.payload == #"{"x": 1}"#)
            try await queue.fail(first, worker: "w", error: "HTTP 503", policy: Self.fast, jitter: 0)
            time.advance(byMilliseconds: 1)
            let second = try #require(try await queue.claim("q", worker: "w", limit: 1, policy: Self.fast).first)
            #expect(second.attempt == 2 && second.id == first.id)
            try await queue.fail(second, worker: "w", error: "HTTP 500", policy: Self.fast, jitter: 0)
            #expect(try await queue.claim("q", worker: "w", limit: 1, policy: Self.fast).isEmpty)
            let dead = try await queue.deadJobs(queue: "q")
            #expect(dead.map(\.lastError) == ["HTTP 500"] && dead[0].attempts == 2)
            #expect(
                try await queue.statistics() == [
                    QueueStatistics(
                        queue: "q", depth: 0, running: 0, oldestAgeMilliseconds: 0, attempts: 0, deadLetters: 1)
                ])
            #expect(try await queue.retryDead(queue: "q", job: nil) == 1)
            let revived = try #require(try await queue.claim("q", worker: "w", limit: 1, policy: Self.fast).first)
            #expect(revived.attempt == 1 && revived.id == first.id)
        }
    }

    @Test func aJobHeldByADeadWorkerRunsAgainAfterItsVisibilityTimeout() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            try await queue.enqueue("q", payloads: ["{}"], policy: Self.fast)
            let lost = try #require(try await queue.claim("q", worker: "killed", limit: 1, policy: Self.fast).first)
            time.advance(byMilliseconds: 199)
            #expect(try await queue.claim("q", worker: "w2", limit: 1, policy: Self.fast).isEmpty)
            time.advance(byMilliseconds: 1)
            let again = try #require(try await queue.claim("q", worker: "w2", limit: 1, policy: Self.fast).first)
            #expect(again.id == lost.id && again.attempt == 2)
            // The dead worker's late completion does not remove the job the live one holds.
            try await queue.complete(lost, worker: "killed")
            #expect(try await queue.statistics().first?.depth == 1)
            try await queue.complete(again, worker: "w2")
            #expect(try await queue.statistics().isEmpty)
        }
    }

    /// A job whose last attempt outlives its visibility timeout is dead, with the reason, and no longer claimable.
    @Test func aLastAttemptThatTimesOutIsDeadLettered() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            try await queue.enqueue("q", payloads: ["{}"], policy: Self.fast)
            let first = try #require(try await queue.claim("q", worker: "w1", limit: 1, policy: Self.fast).first)
            try await queue.fail(first, worker: "w1", error: "HTTP 502", policy: Self.fast, jitter: 0)
            #expect(try await queue.claim("q", worker: "w2", limit: 1, policy: Self.fast).first?.attempt == 2)
            time.advance(byMilliseconds: 200)
            #expect(try await queue.claim("q", worker: "w3", limit: 1, policy: Self.fast).isEmpty)
            let dead = try await queue.deadJobs(queue: "q")
            #expect(dead.map(\.lastError) == ["HTTP 502; last attempt timed out"] && dead.first?.attempts == 2)
        }
    }

    /// A worker Service picks up a committed job through NOTIFY: its poll comes only once an hour, after its
    /// first look at start.
    @Test func workersAreWokenByNotify() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let done = Mutex<[String]>([])
            let patient = RetryPolicy(maxAttempts: 2, visibilityMilliseconds: 3_600_000)
            let worker = QueueWorker(
                database: database, queue: "q", policy: patient, concurrency: 2, pollInterval: .seconds(3600),
                logger: TestDatabase.logger
            ) { job in done.withLock { $0.append(job.payload) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                try await JobQueue(database: database).enqueue("q", payloads: [#"{"a": 1}"#], policy: patient)
                while done.withLock({ $0.isEmpty }) && ContinuousClock.now - started < .seconds(120) {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(done.withLock { $0 } == [#"{"a": 1}"#])
                group.cancelAll()
            }
        }
    }
}

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct JobOrderingTests {
    /// Jobs sharing an ordering key run one at a time in the order enqueued; other jobs are not held up.
    @Test func jobsWithOneKeyRunInOrderOneAtATime() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            let policy = JobQueueTests.fast
            try await database.transaction { connection in
                try await JobQueue.enqueue(
                    "q", payloads: ["1", "2", "3", "4"], orderingKeys: ["stream-a", "stream-a", nil, "stream-a"],
                    policy: policy, on: connection, logger: database.logger, clock: time.clock)
            }
            let first = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(first.map(\.payload) == ["1", "3"])
            #expect(try await queue.claim("q", worker: "w2", limit: 10, policy: policy).isEmpty)
            // A failed job keeps its place: the next one waits for its retry.
            try await queue.fail(first[0], worker: "w", error: "HTTP 500", policy: policy, jitter: 0)
            time.advance(byMilliseconds: 1)
            let retried = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(retried.map(\.payload) == ["1"])
            try await queue.complete(retried + [first[1]], worker: "w")
            #expect(try await queue.claim("q", worker: "w", limit: 10, policy: policy).map(\.payload) == ["2"])
        }
    }

    /// A claimed job brings the due jobs queued behind it under its key, in order, up to a limit; a job that is
    /// not due (or another key's) ends the run.
    @Test func followersOfAKeyAreClaimedInOrderBehindTheirHead() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            let policy = RetryPolicy(
                maxAttempts: 3, baseDelayMilliseconds: 100, maxDelayMilliseconds: 100, visibilityMilliseconds: 1000)
            try await database.transaction { connection in
                try await JobQueue.enqueue(
                    "q", payloads: ["1", "2", "3", "4", "5", "6"],
                    orderingKeys: ["a", "a", "b", "a", "a", "a"], policy: policy, on: connection,
                    logger: database.logger, clock: time.clock)
            }
            let heads = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(heads.map(\.payload) == ["1", "3"])
            #expect(heads.map(\.orderingKey) == ["a", "b"])
            let followers = try await queue.claimFollowers(of: heads[0], worker: "w", limit: 2, policy: policy)
            #expect(followers.map(\.payload) == ["2", "4"])
            #expect(try await queue.claimFollowers(of: heads[1], worker: "w", limit: 5, policy: policy).isEmpty)
            // A follower that failed waits out its backoff: the run behind the head stops before it.
            try await queue.fail(followers[1], worker: "w", error: "HTTP 500", policy: policy, jitter: 0)
            try await queue.complete([heads[0], followers[0]], worker: "w")
            let next = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(next.isEmpty)
            time.advance(byMilliseconds: 200)
            let retried = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(retried.map(\.payload) == ["4"])
            let rest = try await queue.claimFollowers(of: retried[0], worker: "w", limit: 10, policy: policy)
            #expect(rest.map(\.payload) == ["5", "6"])
            #expect(rest.allSatisfy { $0.attempt == 1 })
        }
    }

    /// A follower another worker holds ends the run before anything behind it is claimed: the jobs after it keep
    /// their attempts.
    @Test func aFollowerLockedElsewhereEndsTheRunWithoutClaimingThoseAfterIt() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            let policy = JobQueueTests.fast
            try await database.transaction { connection in
                try await JobQueue.enqueue(
                    "q", payloads: ["1", "2", "3", "4"], orderingKeys: ["a", "a", "a", "a"], policy: policy,
                    on: connection, logger: database.logger, clock: time.clock)
            }
            let heads = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(heads.map(\.payload) == ["1"])
            try await database.transaction { connection in
                try await connection.query(
                    "SELECT 1 FROM jobs WHERE payload = '3'::jsonb FOR UPDATE", logger: database.logger)
                let followers = try await queue.claimFollowers(of: heads[0], worker: "w", limit: 5, policy: policy)
                #expect(followers.map(\.payload) == ["2"])
            }
            #expect(try await Self.attempts(database) == ["1": 1, "2": 1, "3": 0, "4": 0])
        }
    }

    /// Followers given back after their head failed are ready again with their attempt uncounted; the head's
    /// attempt counts.
    @Test func releasedFollowersKeepTheirAttempts() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let time = ManualClock()
            let queue = JobQueue(database: database, clock: time.clock)
            let policy = RetryPolicy(
                maxAttempts: 3, baseDelayMilliseconds: 100, maxDelayMilliseconds: 100, visibilityMilliseconds: 1000)
            try await database.transaction { connection in
                try await JobQueue.enqueue(
                    "q", payloads: ["1", "2", "3"], orderingKeys: ["a", "a", "a"], policy: policy, on: connection,
                    logger: database.logger, clock: time.clock)
            }
            let head = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            let followers = try await queue.claimFollowers(of: head[0], worker: "w", limit: 5, policy: policy)
            #expect(followers.count == 2)
            #expect(try await queue.extend(head + followers, policy: policy).count == 3)
            try await queue.fail(head[0], worker: "w", error: "HTTP 500", policy: policy, jitter: 0)
            try await queue.release(followers, worker: "w")
            #expect(try await Self.attempts(database) == ["1": 1, "2": 0, "3": 0])
            // The followers still wait behind their head.
            #expect(try await queue.claim("q", worker: "w", limit: 10, policy: policy).isEmpty)
            time.advance(byMilliseconds: 200)
            let retried = try await queue.claim("q", worker: "w", limit: 10, policy: policy)
            #expect(retried.map(\.payload) == ["1"])
            #expect(retried[0].attempt == 2)
            // A released job is no longer this attempt's: extending its old claim finds nothing.
            #expect(try await queue.extend(followers, policy: policy).isEmpty)
        }
    }

    static func attempts(_ database: Database) async throws -> [String: Int] {
        var attempts: [String: Int] = [:]
        for try await (payload, count) in try await database.query("SELECT payload::text, attempts FROM jobs")
            .decode((String, Int).self)
        {
            attempts[payload] = count
        }
        return attempts
    }
}
