import CairnChunks
import CairnFilter
import CairnInsights
import CairnProtocol
import CairnStore

/// Reads one group's chunks into an execution: the time range, the literal-term prefilter, the chunk-header
/// count, and each event as a `LogRecord`.
struct ChunkReader: Sendable {
    let chunks: ChunkStore
    let owner: String
    let source: Int
    let log: String
    let streams: [Int64: String]
    let start: Int64
    let end: Int64
    let terms: [[UInt8]]
    let headerCountPeriod: Int64?
    /// For a query that reads `unmask(@message)`: the originals of a chunk's masked events.
    var originals: (@Sendable ([LogEvent]) async throws -> [MaskedOriginals.EventIdentity: String])? =
        nil

    /// Reads `chunk` into `execution`, unless `execution` can no longer use anything so old.
    /// Returns the events and raw bytes it scanned.
    func read(_ chunk: ChunkStore.ChunkRow, into execution: QueryExecution) async throws -> (Int, Int) {
        if let cutoff = execution.oldestUseful, chunk.maxTimestamp < cutoff { return (0, 0) }
        if let period = headerCountPeriod, chunk.minTimestamp >= start, chunk.maxTimestamp < end,
            period == 0 || chunk.minTimestamp / period == chunk.maxTimestamp / period
        {
            execution.addCount(Int(chunk.eventCount), at: chunk.minTimestamp)
            return (Int(chunk.eventCount), Int(chunk.rawBytes))
        }
        // Copies of their own for this chunk's events: lanes on other cores then never touch the same reference
        // counts, which would make every event's retain and release contend between cores.
        let streamName = String(decoding: Array((streams[chunk.streamID] ?? "").utf8), as: UTF8.self)
        let log = String(decoding: Array(self.log.utf8), as: UTF8.self)
        let start = start
        let end = end
        func record(_ event: LogEvent) -> LogRecord {
            var record = LogRecord(
                timestamp: event.timestamp, ingestionTime: event.ingestionTime, messageBytes: event.message,
                logStream: streamName, log: log,
                pointer: RecordPointer(
                    source: source, stream: event.streamID, timestamp: event.timestamp, sequence: event.sequence))
            record.transformedBytes = event.transformed
            record.transformationFailed = event.transformationFailed
            return record
        }
        if let originals {
            // Unmasking: the chunk's events first, then their originals, in one read.
            var events: [LogEvent] = []
            try await chunks.forEachEvent(
                of: chunk, owner, where: { _ in true },
                visit: { event in
                    if event.timestamp >= start, event.timestamp < end { events.append(event) }
                })
            let found = try await originals(events)
            for event in events {
                var unmasked = record(event)
                if let original = found[.init(stream: event.streamID, sequence: event.sequence)] {
                    unmasked.unmaskedBytes = Array(original.utf8)[...]
                }
                execution.add(unmasked)
            }
            return (Int(chunk.eventCount), Int(chunk.rawBytes))
        }
        try await chunks.forEachEvent(
            of: chunk, owner, where: { message in terms.allSatisfy { ByteSearch.contains(message, $0) } },
            visit: { event in
                guard event.timestamp >= start, event.timestamp < end else { return }
                execution.add(record(event))
            })
        return (Int(chunk.eventCount), Int(chunk.rawBytes))
    }
}

extension QueryRunner {
    /// Chunks a lane reads between two looks around (StopQuery, partial results).
    static let chunksPerRound = 8

    /// Reads every group of the query (within `window`, a time slice's `[start, end)`, when given): one snapshot
    /// per group, its chunks in pages, shared out among the progress's lanes (each reads its chunks into its own
    /// execution, at the same time as the others).
    func scan(
        _ query: StoredQuery, plan: QueryPlan, _ progress: Progress, window: (start: Int64, end: Int64)? = nil
    ) async throws -> Outcome {
        let newestFirst = plan.newestLimit != nil
        for (index, source) in query.sources.enumerated() {
            let owner = Caller(accountID: source.owner, region: query.region, accessKeyID: "", role: .reader)
            guard let group = try? await logs.events.groups.resolve(source.name, owner), group.id == source.group
            else { continue }  // deleted since the query started: nothing of it is readable
            let streams = try await logs.events.streamNames(group: group.id, names: nil, prefix: nil, owner)
            var (start, end) = LogEventHandlers.readableRange(
                query.start, query.end + 1000, retentionDays: group.retentionDays)
            if let window { (start, end) = (max(start, window.start), min(end, window.end)) }
            var reader = ChunkReader(
                chunks: logs.chunks, owner: source.owner, source: index, log: "\(source.owner):\(source.name)",
                streams: streams, start: start, end: end, terms: plan.requiredTerms.map { Array($0.utf8) },
                headerCountPeriod: plan.headerCountPeriod)
            if plan.unmasks {
                let (keyRing, database, groupID) = (logs.keyRing, logs.database, group.id)
                reader.originals = { events in
                    try await MaskedOriginals.read(
                        events, account: source.owner, group: groupID, keyRing: keyRing, database: database)
                }
            }
            var outcome = Outcome.complete
            try await logs.database.snapshot { connection in
                try await logs.chunks.visitChunkPages(
                    account: source.owner, group: group.id, streams: Array(streams.keys).sorted(), start: start,
                    end: end, newestFirst: newestFirst, on: connection
                ) { page in
                    var round = page[...]
                    while !round.isEmpty {
                        let batch = round.prefix(progress.lanes.count * Self.chunksPerRound)
                        round = round.dropFirst(batch.count)
                        // Newest first, a lane's cutoff is a lower bound of the query's: every chunk left is older.
                        if let cutoff = progress.lanes.compactMap(\.oldestUseful).max(), let first = batch.first,
                            first.maxTimestamp < cutoff
                        {
                            return false
                        }
                        let (events, bytes) = try await read(Array(batch), reader, progress.lanes)
                        progress.recordsScanned += events
                        progress.bytesScanned += bytes
                        if let stop = try await lookAround(progress) {
                            outcome = stop
                            return false
                        }
                        if progress.execution.isSatisfied { return false }
                        if progress.lanes.contains(where: \.holdsTooMuch) {
                            outcome = .tooLarge
                            return false
                        }
                    }
                    return true
                }
            }
            if outcome != .complete { return outcome }
            if progress.execution.isSatisfied { break }
        }
        return .complete
    }

    /// Reads `chunks` with the lanes: chunk i goes to lane i mod n, the lanes run at once.
    private func read(
        _ chunks: [ChunkStore.ChunkRow], _ reader: ChunkReader, _ lanes: [QueryExecution]
    ) async throws -> (Int, Int) {
        if lanes.count == 1 {
            var total = (0, 0)
            for chunk in chunks {
                let (events, bytes) = try await reader.read(chunk, into: lanes[0])
                total = (total.0 + events, total.1 + bytes)
                if lanes[0].isSatisfied { break }
            }
            return total
        }
        return try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (number, lane) in lanes.enumerated() {
                let mine = chunks.enumerated().filter { $0.offset % lanes.count == number }.map(\.element)
                group.addTask {
                    var total = (0, 0)
                    for chunk in mine {
                        let (events, bytes) = try await reader.read(chunk, into: lane)
                        total = (total.0 + events, total.1 + bytes)
                    }
                    return total
                }
            }
            var total = (0, 0)
            for try await (events, bytes) in group { total = (total.0 + events, total.1 + bytes) }
            return total
        }
    }
}
