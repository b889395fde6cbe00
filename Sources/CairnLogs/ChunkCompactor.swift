import CairnChunks
import CairnCrypto
import CairnKeys
import CairnStore
import Foundation
public import Logging
import NIOCore
import PostgresNIO
public import ServiceLifecycle

/// Merges a stream's small chunks (from small batches) into larger ones in the background: better
/// compression, fewer rows to read. The merge replaces the old rows by the new one in one transaction,
/// and readers read in one snapshot, so no event is ever invisible or duplicated to a reader; event ids
/// and pagination tokens name (timestamp, stream, sequence), which the merge keeps.
public struct ChunkCompactor: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "ChunkCompactor" }

    public static let interval: Duration = .seconds(30)
    /// A chunk with fewer raw message bytes than this is small.
    public static let smallChunkBytes = 256 * 1024
    /// A stream and day is compacted once it has this many small chunks...
    public static let minimumChunks = 8
    /// ...into chunks of at most this many raw bytes and source chunks.
    public static let maximumMergedBytes = 4 * 1024 * 1024
    public static let maximumMergedChunks = 512

    let database: Database
    let keyRing: DataKeyRing
    let chunks: ChunkStore
    let logger: Logger

    /// Works on the stores of `logs`, built once per process.
    public init(logs: LogsService, logger: Logger) {
        self.database = logs.database
        self.keyRing = logs.keyRing
        self.chunks = logs.chunks
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "compaction failed") {
            let merged = try await compactOnce()
            if merged > 0 { logger.debug("compacted chunks", metadata: ["chunks": "\(merged)"]) }
        }
    }

    struct Candidate {
        let account: String
        let region: String
        let group: Int64
        let stream: Int64
        let day: Date
    }

    /// One pass over the streams with enough small chunks in recent days; returns how many chunks it merged away.
    @discardableResult
    public func compactOnce() async throws -> Int {
        let rows = try await database.query(
            """
            SELECT c.account_id, g.region, c.group_id, c.stream_id, c.day::timestamptz
            FROM event_chunks c JOIN log_groups g ON g.account_id = c.account_id AND g.group_id = c.group_id
            WHERE c.day >= current_date - 2 AND c.raw_bytes < \(Self.smallChunkBytes)
            GROUP BY c.account_id, g.region, c.group_id, c.stream_id, c.day
            HAVING count(*) >= \(Self.minimumChunks)
            LIMIT 32
            """)
        var candidates: [Candidate] = []
        for try await (account, region, group, stream, day) in rows.decode((String, String, Int64, Int64, Date).self) {
            candidates.append(Candidate(account: account, region: region, group: group, stream: stream, day: day))
        }
        var merged = 0
        for candidate in candidates where !Task.isCancelled {
            // A stream whose key cannot be used now (disabled, withdrawn, deleted) is skipped, not the pass.
            do {
                merged += try await compact(candidate)
            } catch let error as DataKeyError {
                logger.debug(
                    "stream skipped by compaction: its key is unusable",
                    metadata: [
                        "account": "\(candidate.account)", "group": "\(candidate.group)",
                        "stream": "\(candidate.stream)", "reason": "\(error)",
                    ])
            }
        }
        return merged
    }

    func compact(_ candidate: Candidate) async throws -> Int {
        let key: DataKey
        do {
            key = try await keyRing.sealingKey(
                account: candidate.account, region: candidate.region, group: candidate.group)
        } catch DataKeyError.destroyed {
            return 0
        }
        return try await database.transaction { connection in
            let rows = try await ChunkStore.ChunkRow.all(
                try await connection.query(
                    """
                    SELECT \(unescaped: ChunkStore.columns)
                    FROM event_chunks
                    WHERE account_id = \(candidate.account) AND stream_id = \(candidate.stream)
                      AND day = \(candidate.day)::date AND raw_bytes < \(Self.smallChunkBytes)
                    ORDER BY min_ts, chunk_id LIMIT \(Self.maximumMergedChunks)
                    FOR UPDATE SKIP LOCKED
                    """, logger: database.logger))
            var chosen: [ChunkStore.ChunkRow] = []
            var rawBytes = 0
            for row in rows where rawBytes + Int(row.rawBytes) <= Self.maximumMergedBytes {
                chosen.append(row)
                rawBytes += Int(row.rawBytes)
            }
            guard chosen.count >= 2 else { return 0 }
            var events: [CairnChunks.LogEvent] = []
            for row in chosen { events += try await chunks.events(of: row, candidate.account) }
            events.sort { $0.key < $1.key }
            guard let first = events.first, let last = events.last else { return 0 }
            let header = EventChunk.Header(
                minTimestamp: first.timestamp, firstSequence: events.map(\.sequence).min() ?? 0,
                ingestionTime: events.map(\.ingestionTime).min() ?? 0)
            let compressed = try Zstd.compress(
                EventChunk.encode(events, header: header), level: EventChunk.compressionLevel)
            var chunkID: Int64 = 0
            for try await id in try await connection.query(
                "SELECT nextval('event_chunks_chunk_id_seq')", logger: database.logger
            ).decode(Int64.self) {
                chunkID = id
            }
            // The merged chunk's earliest event lies on the candidate's day, so it lands in the same partition.
            let storedBytes = try await chunks.insert(
                ChunkStore.NewChunk(
                    account: candidate.account, group: candidate.group, stream: candidate.stream, chunk: chunkID,
                    minTimestamp: first.timestamp, maxTimestamp: last.timestamp, firstSequence: header.firstSequence,
                    eventCount: events.count, rawBytes: rawBytes, ingestionTime: header.ingestionTime,
                    compressed: compressed),
                key: key, on: connection)
            let oldIDs = chosen.map(\.chunkID)
            let oldBytes = chosen.reduce(0) { $0 + $1.payload.readableBytes }
            try await connection.query(
                """
                DELETE FROM event_chunks WHERE account_id = \(candidate.account) AND day = \(candidate.day)::date
                  AND chunk_id = ANY(\(oldIDs))
                """, logger: database.logger)
            try await connection.query(
                """
                UPDATE log_streams SET stored_bytes = stored_bytes + \(Int64(storedBytes - oldBytes))
                WHERE account_id = \(candidate.account) AND stream_id = \(candidate.stream)
                """, logger: database.logger)
            return chosen.count
        }
    }
}
