import CairnChunks
import CairnStore
import PostgresNIO

extension ChunkStore {
    /// Visits one stream's events with timestamps in `[start, end)` after `after`, in key order, until `visit`
    /// returns false or the stream has no more: one snapshot, chunks read oldest first a page at a time, events
    /// handed over without copying their messages. An event is final once the next chunk starts after it (chunks
    /// come by `min_ts`), so overlapping chunks merge correctly. Returns whether the stream was read to its end.
    func visitInOrder(
        account: String, group: Int64, stream: Int64, start: Int64, end: Int64, after: EventKey?,
        visit: (LogEvent) -> Bool
    ) async throws -> Bool {
        let low = max(start, after?.timestamp ?? start)
        guard low < end else { return true }
        return try await database.snapshot { connection in
            var pending: [LogEvent] = []
            var stopped = false
            /// Hands over the pending events below `boundary` (all of them when nil), in key order.
            func emit(below boundary: Int64?) {
                guard !pending.isEmpty else { return }
                if !zip(pending, pending.dropFirst()).allSatisfy({ $0.key < $1.key }) {
                    pending.sort { $0.key < $1.key }
                }
                let final =
                    boundary.map { limit in pending.firstIndex { $0.timestamp >= limit } ?? pending.count }
                    ?? pending.count
                for event in pending[..<final] where !stopped {
                    stopped = !visit(event)
                }
                pending.removeFirst(final)
            }
            try await visitChunkPages(
                account: account, group: group, streams: [stream], start: low, end: end, newestFirst: false,
                on: connection
            ) { rows in
                for row in rows {
                    emit(below: row.minTimestamp)
                    if stopped { return false }
                    try await forEachEvent(
                        of: row, account, where: { _ in true },
                        visit: { event in
                            guard event.timestamp >= start, event.timestamp < end else { return }
                            if let after, !(after < event.key) { return }
                            pending.append(event)
                        })
                }
                return true
            }
            if !stopped { emit(below: nil) }
            return !stopped
        }
    }
}
