import CairnInsights
import CairnKeys
import CairnQueue
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// A `stats` query over much data runs as time slices, each a job of its own on the `insights-query` queue, so
/// that every worker process can take part. A slice reads its `[start, end)` of every group into its own
/// execution and stores the gathered groups once (`insights_query_slices`, sealed under the query's results key).
/// Slices complete one at a time under the query row's lock: each merges the stored states into the partial
/// results, and the one that completes the set stores them as the final results. A slice whose worker dies runs
/// again from its start; its state is stored at most once, so the counts are exact.
extension QueryRunner {
    /// At most this many slices per query.
    static let maxSlices = 64

    struct Slice: Codable {
        let index: Int
        let count: Int
        let start: Int64
        let end: Int64
        /// The time `now()` stands for, the same in every slice.
        let now: Int64
    }

    /// The time slices of a query over more than `sliceBytes` raw bytes: equal spans of the time its data
    /// covers (the first and last reaching the query's bounds); nil when it runs whole.
    func slices(of query: StoredQuery, now: Int64) async throws -> [Slice]? {
        guard sliceBytes > 0 else { return nil }
        let (start, end) = (query.start, query.end + 1000)
        var bytes: Int64 = 0
        var (first, last) = (Int64.max, Int64.min)
        for source in query.sources {
            let extent = try await logs.chunks.extent(
                account: source.owner, group: source.group, start: start, end: end)
            bytes += extent.bytes
            first = min(first, extent.first ?? .max)
            last = max(last, extent.last ?? .min)
        }
        let count = Int(min(Int64(Self.maxSlices), bytes / sliceBytes + (bytes % sliceBytes == 0 ? 0 : 1)))
        let (low, high) = (max(start, first), min(end, last + 1))
        guard count >= 2, low < high else { return nil }
        let cuts = [start] + (1..<count).map { low + (high - low) * Int64($0) / Int64(count) } + [end]
        return (0..<count).map { Slice(index: $0, count: count, start: cuts[$0], end: cuts[$0 + 1], now: now) }
    }

    /// Records the split and enqueues the slices in one transaction (a retried query job finds it split).
    func enqueue(_ slices: [Slice], of query: StoredQuery) async throws {
        let payloads = try slices.map {
            String(decoding: try JSONEncoder().encode(QueryJob(query: query.id, slice: $0)), as: UTF8.self)
        }
        try await logs.database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE insights_queries SET slices = \(Int32(slices.count))
                WHERE query_id = \(query.id) AND status = 'Running' AND slices IS NULL RETURNING query_id
                """, logger: logs.database.logger)
            var split = false
            for try await _ in rows.decode(UUID.self) { split = true }
            guard split else { return }
            try await JobQueue.enqueue(
                Self.queue, payloads: payloads, tenant: query.account, policy: Self.policy, on: connection,
                logger: logs.database.logger)
        }
        logger.debug("query split", metadata: ["query": "\(query.id)", "slices": "\(slices.count)"])
    }

    /// Runs one slice of a running query and stores what it gathered.
    func run(_ slice: Slice, of id: UUID, _ job: Job) async throws {
        guard let query = try await logs.queries.query(id), query.status == "Running",
            try await !hasStored(slice, of: id)
        else { return }
        guard
            let (plan, opened) = try await orFail(
                query,
                {
                    (
                        try QueryPlan.compile(query.queryString, limit: query.limit),
                        try await logs.queries.resultsKey(of: query)
                    )
                }), let key = opened
        else { return }
        let execution = QueryExecution(plan: plan, now: slice.now)
        let progress = Progress(query: query, job: job, execution: execution, key: key, storesPartials: false)
        guard
            let outcome = try await orFail(
                query,
                {
                    try await scan(query, plan: plan, progress, window: (slice.start, slice.end))
                })
        else { return }
        switch outcome {
        case .complete: break
        case .stopped: return
        case .timedOut:
            // The slices stored so far are the partial results the query keeps.
            try await logs.database.query(
                """
                UPDATE insights_queries SET status = 'Timeout', finished_at = \(WallClock.system.milliseconds)
                WHERE query_id = \(id) AND status = 'Running'
                """)
            return
        case .tooLarge:
            try await finish(query, status: "Failed", failure: Self.tooLargeFailure)
            return
        }
        progress.mergeLanes()
        let state = try QueryStore.sealSlice(try execution.partialState(), key: key, query: id, slice: slice.index)
        try await complete(slice, of: query, state: state, progress, plan: plan, key: key)
    }

    private func hasStored(_ slice: Slice, of id: UUID) async throws -> Bool {
        let rows = try await logs.database.query(
            "SELECT 1 FROM insights_query_slices WHERE query_id = \(id) AND slice = \(Int32(slice.index))")
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }

    /// Stores the slice's state and the merged results of every stored slice, final once all are stored.
    private func complete(
        _ slice: Slice, of query: StoredQuery, state: [UInt8], _ progress: Progress, plan: QueryPlan, key: [UInt8]
    ) async throws {
        let logger = logs.database.logger
        try await logs.database.transaction { connection in
            // The query row's lock orders the slices' completions: exactly one sees the set complete.
            let locked = try await connection.query(
                "SELECT slices FROM insights_queries WHERE query_id = \(query.id) AND status = 'Running' FOR UPDATE",
                logger: logger)
            var expected: Int32?
            for try await slices in locked.decode(Int32?.self) { expected = slices }
            guard let expected else { return }  // stopped, timed out or failed meanwhile
            try await connection.query(
                """
                INSERT INTO insights_query_slices (query_id, slice, state, records_scanned, bytes_scanned)
                VALUES (\(query.id), \(Int32(slice.index)), \(ByteBuffer(bytes: state)),
                    \(Double(progress.recordsScanned)), \(Double(progress.bytesScanned)))
                ON CONFLICT (query_id, slice) DO NOTHING
                """, logger: logger)
            let stored = try await connection.query(
                """
                SELECT slice, state, records_scanned, bytes_scanned FROM insights_query_slices
                WHERE query_id = \(query.id) ORDER BY slice
                """, logger: logger)
            let merged = QueryExecution(plan: plan, now: slice.now)
            var (count, scanned, bytes) = (0, 0.0, 0.0)
            for try await (index, sealed, records, size) in stored.decode((Int32, ByteBuffer, Double, Double).self) {
                let opened = try QueryStore.openSlice(
                    Array(sealed.readableBytesView), key: key, query: query.id, slice: Int(index))
                try merged.merge(partialState: opened)
                count += 1
                scanned += records
                bytes += size
            }
            let done = count == Int(expected)
            let results = try QueryStore.seal(rows(query, merged), key: key, query: query.id)
            try await connection.query(
                """
                UPDATE insights_queries SET results = \(ByteBuffer(bytes: results)),
                    records_matched = \(Double(merged.recordsMatched)), records_scanned = \(scanned),
                    bytes_scanned = \(bytes),
                    status = CASE WHEN \(done) THEN 'Complete' ELSE status END,
                    finished_at = CASE WHEN \(done) THEN \(WallClock.system.milliseconds) ELSE finished_at END
                WHERE query_id = \(query.id) AND status = 'Running'
                """, logger: logger)
        }
    }
}
