import CairnChunks
import CairnCrypto
import CairnFilter
import CairnKeys
import CairnProtocol
import CairnStore
import NIOCore
import PostgresNIO

/// The encrypted event chunks: written by ingestion and compaction, read by GetLogEvents/FilterLogEvents,
/// compaction and subscription delivery. Built once per process.
///
/// Reads return events of one group's streams in (timestamp, stream, sequence) order, in either direction,
/// from the chunks whose time span overlaps the range. Chunks are decrypted and decoded a page at a time;
/// only the `limit` events nearest the starting position are kept, so memory stays bounded.
struct ChunkStore: Sendable {
    let database: Database
    let keyRing: DataKeyRing

    /// The columns that `ChunkRow.all` decodes, in its order.
    static let columns =
        "chunk_id, stream_id, group_id, min_ts, max_ts, first_seq, event_count, raw_bytes, ingestion_time, dek_version, payload"

    /// A chunk to store: its place, its header columns, and its compressed events (sealed by `insert`).
    struct NewChunk {
        let account: String
        let group: Int64
        let stream: Int64
        let chunk: Int64
        let minTimestamp: Int64
        let maxTimestamp: Int64
        let firstSequence: Int64
        let eventCount: Int
        let rawBytes: Int
        let ingestionTime: Int64
        let compressed: [UInt8]
    }

    /// The stored size of a chunk whose compressed events take `compressedBytes`.
    static func storedBytes(compressed compressedBytes: Int) -> Int {
        compressedBytes + AESGCM.nonceByteCount + AESGCM.tagByteCount
    }

    /// Seals the chunk under `key` (AAD: account, group, stream, chunk, key version) and inserts it into its
    /// day's partition, in the caller's transaction. Returns the stored payload's size.
    @discardableResult
    func insert(_ chunk: NewChunk, key: DataKey, on connection: PostgresConnection) async throws -> Int {
        let payload = try AESGCM.seal(
            chunk.compressed, key: key.material,
            authenticating: EventChunk.associatedData(
                account: chunk.account, group: chunk.group, stream: chunk.stream, chunk: chunk.chunk,
                dekVersion: key.version))
        try await connection.query(
            """
            INSERT INTO event_chunks (account_id, group_id, stream_id, chunk_id, day, min_ts, max_ts, first_seq,
                event_count, raw_bytes, ingestion_time, dek_version, payload)
            VALUES (\(chunk.account), \(chunk.group), \(chunk.stream), \(chunk.chunk),
                (to_timestamp(\(chunk.minTimestamp)::double precision / 1000) AT TIME ZONE 'UTC')::date,
                \(chunk.minTimestamp), \(chunk.maxTimestamp), \(chunk.firstSequence), \(Int32(chunk.eventCount)),
                \(Int32(chunk.rawBytes)), \(chunk.ingestionTime), \(key.version), \(ByteBuffer(bytes: payload)))
            """, logger: database.logger)
        return payload.count
    }

    struct Scan {
        let account: String
        let group: Int64
        let streams: [Int64]
        /// Timestamps in `[start, end)`.
        let start: Int64
        let end: Int64
        /// Exclusive bounds on the event key.
        var after: EventKey?
        var before: EventKey?
        let forward: Bool
        let limit: Int
        var matcher: FilterPattern = .everything
        /// Stop after this many chunks, this many raw (uncompressed) bytes, or at this instant, whichever comes
        /// first, and report how far the scan got: one scan never holds a connection and a core for long.
        var chunkBudget: Int = .max
        var byteBudget: Int = .max
        var deadline: ContinuousClock.Instant?

        func spent(chunks: Int, bytes: Int) -> Bool {
            chunks >= chunkBudget || bytes >= byteBudget || deadline.map { ContinuousClock.now >= $0 } ?? false
        }
    }

    struct Result {
        /// In ascending key order.
        var events: [LogEvent]
        /// Nothing beyond these events exists in the scanned direction (within the range).
        var exhausted: Bool
        /// Set when the chunk budget ran out: every key before it (forward) was examined.
        var frontier: Int64?
    }

    static let pageSize = 64

    /// Reads in one snapshot, so that a compaction committing meanwhile is seen either not at all or whole.
    /// Key errors (a group deleted meanwhile, an unusable KMS key) reach the caller as `DataKeyError`.
    func read(_ scan: Scan) async throws -> Result {
        guard !scan.streams.isEmpty, scan.start < scan.end, scan.limit > 0 else {
            return Result(events: [], exhausted: true, frontier: nil)
        }
        return try await database.snapshot { connection in try await read(scan, on: connection) }
    }

    private func read(_ scan: Scan, on connection: PostgresConnection) async throws -> Result {
        let lowTimestamp = max(scan.start, scan.after?.timestamp ?? scan.start)
        let highTimestamp = min(scan.end, scan.before.map { $0.timestamp + 1 } ?? scan.end)
        var candidates: [LogEvent] = []
        var cursor: (timestamp: Int64, chunk: Int64)?
        var scanned = 0
        var scannedBytes = 0
        while true {
            let rows = try await page(scan, low: lowTimestamp, high: highTimestamp, cursor: cursor, on: connection)
            var fresh: [LogEvent] = []
            for row in rows {
                try await forEachEvent(
                    of: row, scan.account, where: scan.matcher.matches,
                    visit: { event in if Self.inRange(event, scan) { fresh.append(event) } })
            }
            scanned += rows.count
            scannedBytes += rows.reduce(0) { $0 + Int($1.rawBytes) }
            // Only the `limit` events nearest the position can be returned: keep those, copied out of their
            // chunks so that the chunks' buffers are freed.
            candidates = Self.nearest(candidates + Self.nearest(fresh, scan).map { $0.detached() }, scan)
            guard rows.count == Self.pageSize, let last = rows.last else {
                return Result(events: candidates, exhausted: true, frontier: nil)
            }
            let frontier = scan.forward ? last.minTimestamp : last.maxTimestamp
            cursor = (frontier, last.chunkID)
            if candidates.count >= scan.limit {
                let boundary = scan.forward ? candidates[scan.limit - 1].timestamp : candidates[0].timestamp
                if scan.forward ? boundary < frontier : boundary > frontier {
                    return Result(events: candidates, exhausted: false, frontier: nil)
                }
            }
            // Stop on the budget only once the frontier has passed the starting timestamp, so that the
            // token returned (just before the frontier) always lies beyond the one this call started from.
            let progressFloor = max(scan.start, (scan.after?.timestamp).map { $0 + 1 } ?? scan.start)
            if scan.spent(chunks: scanned, bytes: scannedBytes) && scan.forward && frontier > progressFloor {
                // Events at the frontier's timestamp may sit in chunks not read yet: keep only what is final.
                candidates.removeAll { $0.timestamp >= frontier }
                return Result(events: candidates, exhausted: false, frontier: frontier)
            }
        }
    }

    static func inRange(_ event: LogEvent, _ scan: Scan) -> Bool {
        guard event.timestamp >= scan.start, event.timestamp < scan.end else { return false }
        if let after = scan.after, !(after < event.key) { return false }
        if let before = scan.before, !(event.key < before) { return false }
        return true
    }

    /// Sorted, and cut to the `limit` events nearest the scan's starting position.
    static func nearest(_ events: [LogEvent], _ scan: Scan) -> [LogEvent] {
        let sorted = events.sorted { $0.key < $1.key }
        guard sorted.count > scan.limit else { return sorted }
        return scan.forward ? Array(sorted.prefix(scan.limit)) : Array(sorted.suffix(scan.limit))
    }

    struct ChunkRow {
        let chunkID: Int64
        let streamID: Int64
        let groupID: Int64
        let minTimestamp: Int64
        let maxTimestamp: Int64
        let firstSequence: Int64
        let eventCount: Int32
        let rawBytes: Int32
        let ingestionTime: Int64
        let dekVersion: Int32
        let payload: ByteBuffer

        /// Rows selected as `ChunkStore.columns`.
        static func all(_ rows: PostgresRowSequence) async throws -> [ChunkRow] {
            var chunks: [ChunkRow] = []
            for try await row in rows.decode(
                (Int64, Int64, Int64, Int64, Int64, Int64, Int32, Int32, Int64, Int32, ByteBuffer).self)
            {
                chunks.append(
                    ChunkRow(
                        chunkID: row.0, streamID: row.1, groupID: row.2, minTimestamp: row.3, maxTimestamp: row.4,
                        firstSequence: row.5, eventCount: row.6, rawBytes: row.7, ingestionTime: row.8,
                        dekVersion: row.9, payload: row.10))
            }
            return chunks
        }
    }

    func page(
        _ scan: Scan, low: Int64, high: Int64, cursor: (timestamp: Int64, chunk: Int64)?,
        on connection: PostgresConnection
    ) async throws -> [ChunkRow] {
        let query: PostgresQuery =
            scan.forward
            ? """
            SELECT \(unescaped: Self.columns)
            FROM event_chunks
            WHERE account_id = \(scan.account) AND group_id = \(scan.group) AND stream_id = ANY(\(scan.streams))
              AND max_ts >= \(low) AND min_ts < \(high)
              AND (\(cursor?.timestamp)::bigint IS NULL OR (min_ts, chunk_id) > (\(cursor?.timestamp), \(cursor?.chunk)))
            ORDER BY min_ts, chunk_id LIMIT \(Self.pageSize)
            """
            : """
            SELECT \(unescaped: Self.columns)
            FROM event_chunks
            WHERE account_id = \(scan.account) AND group_id = \(scan.group) AND stream_id = ANY(\(scan.streams))
              AND max_ts >= \(low) AND min_ts < \(high)
              AND (\(cursor?.timestamp)::bigint IS NULL OR (max_ts, chunk_id) < (\(cursor?.timestamp), \(cursor?.chunk)))
            ORDER BY max_ts DESC, chunk_id DESC LIMIT \(Self.pageSize)
            """
        return try await ChunkRow.all(try await connection.query(query, logger: database.logger))
    }

    /// Decrypts, decompresses and decodes one chunk. A chunk that fails authentication is an internal error:
    /// it is never silently skipped.
    func events(of row: ChunkRow, _ account: String) async throws -> [LogEvent] {
        var events: [LogEvent] = []
        events.reserveCapacity(Int(row.eventCount))
        try await forEachEvent(of: row, account, where: { _ in true }, visit: { events.append($0) })
        return events
    }

    /// Visits the events of a chunk whose message passes `keep`.
    func forEachEvent(
        of row: ChunkRow, _ account: String, where keep: (ArraySlice<UInt8>) -> Bool, visit: (LogEvent) -> Void
    ) async throws {
        let key = try await keyRing.openingKey(account: account, group: row.groupID, version: row.dekVersion)
        let compressed = try AESGCM.open(
            Array(row.payload.readableBytesView), key: key,
            authenticating: EventChunk.associatedData(
                account: account, group: row.groupID, stream: row.streamID, chunk: row.chunkID,
                dekVersion: row.dekVersion))
        let limit = Int(row.rawBytes) + Int(row.eventCount) * 40 + 16
        let plain = try Zstd.decompress(compressed, limit: limit)
        try EventChunk.decode(
            plain,
            header: .init(
                minTimestamp: row.minTimestamp, firstSequence: row.firstSequence, ingestionTime: row.ingestionTime),
            streamID: row.streamID, expectedCount: Int(row.eventCount), where: keep, visit: visit)
    }
}

extension ChunkStore {
    /// The events one PutLogEvents stored in a stream, named by sequence numbers (which survive compaction).
    struct Batch: Sendable, Codable {
        var account: String
        var group: Int64
        var stream: Int64
        var firstSequence: Int64
        var count: Int64
        var minTimestamp: Int64
        var maxTimestamp: Int64
    }

    /// The batch's events whose message passes `keep`, in sequence order, read in one snapshot (compaction may
    /// have merged the batch's chunk into another).
    func batchEvents(_ batch: Batch, where keep: (ArraySlice<UInt8>) -> Bool) async throws -> [LogEvent] {
        let first = batch.firstSequence
        let end = batch.firstSequence + batch.count
        let rows = try await database.snapshot { connection in
            try await ChunkRow.all(
                try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns)
                    FROM event_chunks
                    WHERE account_id = \(batch.account) AND group_id = \(batch.group) AND stream_id = \(batch.stream)
                      AND max_ts >= \(batch.minTimestamp) AND min_ts <= \(batch.maxTimestamp)
                      AND first_seq < \(end) AND first_seq + event_count > \(first)
                    ORDER BY first_seq
                    """, logger: database.logger))
        }
        var events: [LogEvent] = []
        for row in rows {
            try await forEachEvent(
                of: row, batch.account, where: keep,
                visit: { event in
                    if event.sequence >= first && event.sequence < end { events.append(event.detached()) }
                })
        }
        return events.sorted { $0.sequence < $1.sequence }
    }

    /// The raw bytes of a group's chunks that overlap `[start, end)` and the time span they cover (nil when
    /// there are none): what a query over that range would read.
    func extent(
        account: String, group: Int64, start: Int64, end: Int64
    ) async throws -> (bytes: Int64, first: Int64?, last: Int64?) {
        let rows = try await database.query(
            """
            SELECT COALESCE(sum(raw_bytes), 0)::bigint, min(min_ts), max(max_ts) FROM event_chunks
            WHERE account_id = \(account) AND group_id = \(group) AND max_ts >= \(start) AND min_ts < \(end)
            """)
        for try await (bytes, first, last) in rows.decode((Int64, Int64?, Int64?).self) { return (bytes, first, last) }
        return (0, nil, nil)
    }

    /// Visits the chunks of a group's streams whose span overlaps `[start, end)`, a page at a time on
    /// `connection` (the caller's snapshot), oldest first by `min_ts` or newest first by `max_ts`, until `visit`
    /// returns false.
    func visitChunkPages(
        account: String, group: Int64, streams: [Int64], start: Int64, end: Int64, newestFirst: Bool,
        on connection: PostgresConnection, visit: ([ChunkRow]) async throws -> Bool
    ) async throws {
        guard !streams.isEmpty, start < end else { return }
        let scan = Scan(
            account: account, group: group, streams: streams, start: start, end: end, forward: !newestFirst, limit: 1)
        var cursor: (timestamp: Int64, chunk: Int64)?
        while true {
            let rows = try await page(scan, low: start, high: end, cursor: cursor, on: connection)
            guard !rows.isEmpty, try await visit(rows) else { return }
            guard rows.count == Self.pageSize, let last = rows.last else { return }
            cursor = (newestFirst ? last.maxTimestamp : last.minTimestamp, last.chunkID)
        }
    }
}
