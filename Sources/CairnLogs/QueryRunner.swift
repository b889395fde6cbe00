import CairnChunks
import CairnFilter
import CairnInsights
import CairnKeys
import CairnProtocol
public import CairnQueue
import CairnStore
import Foundation
public import Logging
import NIOCore
import PostgresNIO
public import ServiceLifecycle

/// Runs Logs Insights queries from the `insights-query` queue. A query reads its groups' chunks in one snapshot
/// per group (newest first when only the newest events matter), skips chunks outside the time range, drops
/// events that lack the filter's literal terms before decoding them into fields, and streams the rest through
/// the plan. Partial results are sealed and stored about every second while it runs; StopQuery is noticed as
/// often. A worker killed mid-query loses its claim and the query runs again from the start (results are
/// replaced whole, never added to). A `stats` query over more than `sliceBytes` raw bytes is split into time
/// slices, each a job of its own that any worker runs (see `QueryRunner+Slices.swift`).
public struct QueryRunner: Service, CustomStringConvertible {
    public var description: String { "QueryRunner" }

    public static let queue = "insights-query"
    /// A claim is kept alive while the query runs; a dead worker's query is taken over after 30 s.
    public static let policy = RetryPolicy(
        maxAttempts: 3, baseDelayMilliseconds: 1000, maxDelayMilliseconds: 10_000, visibilityMilliseconds: 30_000)
    /// AWS times a query out after 60 minutes.
    static let timeoutMilliseconds: Int64 = 60 * 60_000
    /// How often a running query checks for StopQuery and keeps its claim.
    static let checkInterval: Duration = .milliseconds(250)
    /// How many executions share a mergeable query's chunks: one per core, at most 4.
    static let laneCount = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    /// Partial results are stored twice a second for the first five seconds (first rows come quickly), then every
    /// two seconds (a large result is not resealed all the time).
    static func partialResultsInterval(after elapsed: Duration) -> Duration {
        elapsed < .seconds(5) ? .milliseconds(500) : .seconds(2)
    }

    let logs: LogsService
    let concurrency: Int
    /// A `stats` query over more raw bytes than this is split into time slices of about this size; 0 never.
    let sliceBytes: Int64
    let logger: Logger

    public init(logs: LogsService, concurrency: Int = 2, sliceBytes: Int64 = 1 << 30, logger: Logger) {
        self.logs = logs
        self.concurrency = concurrency
        self.sliceBytes = sliceBytes
        self.logger = logger
    }

    public func run() async throws {
        let worker = QueueWorker(
            database: logs.database, queue: Self.queue, policy: Self.policy, concurrency: concurrency, batchSize: 1,
            pollInterval: .milliseconds(500), logger: logger
        ) { job in try await run(job) }
        try await worker.run()
    }

    struct QueryJob: Codable {
        let query: UUID
        /// Set for one time slice of a split query; nil for the query's own job.
        var slice: Slice? = nil
    }

    enum Outcome {
        case complete
        case stopped
        case timedOut
        /// The query holds more groups, rows or keys than `QueryExecution.holdLimit`.
        case tooLarge
    }

    /// Runs the job's query; on its last attempt a failure is recorded as the query's (`Failed`) rather than left
    /// `Running`.
    func run(_ job: Job) async throws {
        let payload = try JSONDecoder().decode(QueryJob.self, from: Data(job.payload.utf8))
        do {
            if let slice = payload.slice {
                try await run(slice, of: payload.query, job)
            } else {
                try await run(payload.query, job)
            }
        } catch {
            guard job.attempt >= job.maxAttempts else { throw error }
            logger.warning(
                "query failed", metadata: ["query": "\(payload.query)", "error": "\(String(reflecting: error))"])
            try await logs.database.query(
                """
                UPDATE insights_queries SET status = 'Failed', finished_at = \(WallClock.system.milliseconds),
                    failure = 'internal error'
                WHERE query_id = \(payload.query) AND status IN ('Scheduled', 'Running')
                """)
        }
    }

    private func run(_ id: UUID, _ job: Job) async throws {
        guard let (query, split) = try await start(id), !split else { return }  // a split query's slices carry on
        guard
            let (plan, resultsKey) = try await orFail(
                query,
                {
                    (
                        try QueryPlan.compile(query.queryString, limit: query.limit),
                        try await logs.queries.newResultsKey(for: query)
                    )
                })
        else { return }
        let layerText = String(decoding: try JSONEncoder().encode(resultsKey.layers), as: UTF8.self)
        try await logs.database.query(
            """
            UPDATE insights_queries SET results = NULL, results_key = \(ByteBuffer(bytes: resultsKey.sealed)),
                key_layers = \(layerText)::jsonb
            WHERE query_id = \(query.id) AND status = 'Running'
            """)
        let execution = QueryExecution(plan: plan, now: WallClock.system.milliseconds)
        if execution.exportsPartialState, let slices = try await slices(of: query, now: execution.now) {
            try await enqueue(slices, of: query)
            return
        }
        let progress = Progress(query: query, job: job, execution: execution, key: resultsKey.key)
        guard let outcome = try await orFail(query, { try await scan(query, plan: plan, progress) }) else { return }
        let status: String
        switch outcome {
        case .complete: status = "Complete"
        case .timedOut: status = "Timeout"
        case .stopped: return  // StopQuery already recorded it
        case .tooLarge:
            try await finish(query, status: "Failed", failure: Self.tooLargeFailure)
            return
        }
        try await store(progress, status: status)
    }

    /// Marks the query running, and says whether it was already split into slices; nil when it is no longer
    /// waiting (stopped meanwhile) or gone.
    private func start(_ id: UUID) async throws -> (StoredQuery, split: Bool)? {
        let now = WallClock.system.milliseconds
        let rows = try await logs.database.query(
            """
            UPDATE insights_queries SET status = 'Running', started_at = COALESCE(started_at, \(now))
            WHERE query_id = \(id) AND status IN ('Scheduled', 'Running') RETURNING slices
            """)
        var found: Int32?? = .none
        for try await slices in rows.decode(Int32?.self) { found = .some(slices) }
        guard case .some(let slices) = found, let query = try await logs.queries.query(id) else { return nil }
        return (query, slices != nil)
    }

    /// The running state of one query: counters, the execution, and when it last looked around.
    final class Progress {
        let query: StoredQuery
        let job: Job
        let execution: QueryExecution
        let key: [UInt8]

        /// Executions of the plan that share the events out (the first is `execution`); one unless the plan's
        /// parts merge.
        let lanes: [QueryExecution]

        /// Whether partial results are stored while it runs (not for a slice: the merged slices are).
        let storesPartials: Bool

        init(query: StoredQuery, job: Job, execution: QueryExecution, key: [UInt8], storesPartials: Bool = true) {
            self.query = query
            self.job = job
            self.execution = execution
            self.key = key
            self.storesPartials = storesPartials
            let count = execution.isMergeable ? QueryRunner.laneCount : 1
            lanes = [execution] + (1..<count).map { _ in execution.sibling() }
        }

        /// What all the lanes have gathered so far, as one execution (they stay as they are).
        var gathered: QueryExecution {
            guard lanes.count > 1 else { return execution }
            let view = execution.sibling()
            for lane in lanes { view.merge(lane) }
            return view
        }

        /// Once the scan is over: the other lanes merged into `execution`.
        func mergeLanes() {
            for lane in lanes.dropFirst() { execution.merge(lane) }
        }

        var recordsScanned = 0
        var bytesScanned = 0
        let started = ContinuousClock.now
        var lastCheck = ContinuousClock.now
        var lastPartial = ContinuousClock.now
        var lastExtension = ContinuousClock.now
    }

    /// Every so often: stops on StopQuery or the timeout, stores partial results, keeps the job's claim.
    func lookAround(_ progress: Progress) async throws -> Outcome? {
        let now = ContinuousClock.now
        guard now - progress.lastCheck >= Self.checkInterval else { return nil }
        progress.lastCheck = now
        let rows = try await logs.database.query(
            "SELECT status, started_at FROM insights_queries WHERE query_id = \(progress.query.id)")
        var status = "Cancelled"
        var startedAt = WallClock.system.milliseconds
        for try await (current, started) in rows.decode((String, Int64?).self) {
            status = current
            startedAt = started ?? startedAt
        }
        if status != "Running" { return .stopped }
        if WallClock.system.milliseconds - startedAt >= Self.timeoutMilliseconds { return .timedOut }
        if now - progress.lastExtension >= .seconds(10) {
            progress.lastExtension = now
            guard try await JobQueue(database: logs.database).extend(progress.job, policy: Self.policy) else {
                return .stopped  // another worker took the query over
            }
        }
        if progress.storesPartials,
            now - progress.lastPartial >= Self.partialResultsInterval(after: now - progress.started)
        {
            progress.lastPartial = now
            try await storePartial(progress)
        }
        return nil
    }

    func rows(_ query: StoredQuery, _ view: QueryExecution) -> [[ResultField]] {
        let caller = Caller(accountID: query.account, region: query.region, accessKeyID: "", role: .reader)
        let sources = query.sources
        return view.results { pointer in
            logs.events.pageToken.make(
                [
                    sources[pointer.source].owner, String(sources[pointer.source].group), sources[pointer.source].name,
                    String(pointer.stream), String(pointer.timestamp), String(pointer.sequence),
                ], operation: LogEventHandlers.recordPointerScope, caller: caller)
        }
    }

    private func storePartial(_ progress: Progress) async throws {
        let view = progress.gathered
        let sealed = try QueryStore.seal(rows(progress.query, view), key: progress.key, query: progress.query.id)
        try await logs.database.query(
            """
            UPDATE insights_queries SET results = \(ByteBuffer(bytes: sealed)),
                records_matched = \(Double(view.recordsMatched)),
                records_scanned = \(Double(progress.recordsScanned)), bytes_scanned = \(Double(progress.bytesScanned))
            WHERE query_id = \(progress.query.id) AND status = 'Running' AND results_key IS NOT NULL
            """)
    }

    /// Stores the final results and status, unless StopQuery came first.
    private func store(_ progress: Progress, status: String) async throws {
        progress.mergeLanes()
        let sealed = try QueryStore.seal(
            rows(progress.query, progress.execution), key: progress.key, query: progress.query.id)
        try await logs.database.query(
            """
            UPDATE insights_queries SET status = \(status), finished_at = \(WallClock.system.milliseconds),
                results = \(ByteBuffer(bytes: sealed)),
                records_matched = \(Double(progress.execution.recordsMatched)),
                records_scanned = \(Double(progress.recordsScanned)), bytes_scanned = \(Double(progress.bytesScanned))
            WHERE query_id = \(progress.query.id) AND status = 'Running'
            """)
    }

    static let tooLargeFailure = "the query holds more than \(QueryExecution.holdLimit) groups or rows; narrow it down"

    /// Runs `body`; a query that does not compile or a key that cannot be used fails the query (recorded) and
    /// gives nil.
    func orFail<Result>(_ query: StoredQuery, _ body: () async throws -> Result) async throws -> Result? {
        do {
            return try await body()
        } catch let error as QueryError {
            try await finish(query, status: "Failed", failure: error.message)
        } catch let error as DataKeyError {
            try await finish(query, status: "Failed", failure: error.awsError.message)
        }
        return nil
    }

    func finish(_ query: StoredQuery, status: String, failure: String) async throws {
        try await logs.database.query(
            """
            UPDATE insights_queries SET status = \(status), finished_at = \(WallClock.system.milliseconds),
                failure = \(failure)
            WHERE query_id = \(query.id) AND status = 'Running'
            """)
    }
}
