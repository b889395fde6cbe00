import CairnChunks
import CairnFilter
import CairnKeys
import CairnProtocol
import CairnStore
import PostgresNIO

/// The reserved, read-only log groups whose events come from Cairn's own tables, read with GetLogEvents and
/// FilterLogEvents like any group: `aws/cairn/kms-audit`, an account's key audit trail (one stream, `trail`; each
/// event an audit record as JSON), and `aws/cairn/alarms`, its alarms' state changes (a stream per alarm; each
/// event the transition's history data as JSON).
enum ReservedGroup: String {
    case keyAudit = "aws/cairn/kms-audit"
    case alarms = "aws/cairn/alarms"
}

/// One event of a reserved group: its id orders and pages the events.
struct ReservedRecord {
    let id: Int64
    let stream: String
    let time: Int64
    let message: String
}

extension LogEventHandlers {
    func reservedGroup(_ name: String) -> ReservedGroup? { ReservedGroup(rawValue: name) }

    /// Records of `group` in `[start, end)` after `afterID`, oldest first, in the streams `wanted` accepts, that
    /// `matcher` matches; at most `limit`.
    func reservedRecords(
        _ group: ReservedGroup, _ caller: Caller, start: Int64, end: Int64, afterID: Int64, limit: Int,
        matcher: FilterPattern, wanted: (String) -> Bool
    ) async throws -> [ReservedRecord] {
        var kept: [ReservedRecord] = []
        var cursor = afterID
        // Read in pages until enough records match.
        while kept.count < limit {
            let page = try await reservedPage(group, caller, start: start, end: end, afterID: cursor)
            for record in page where wanted(record.stream) && matcher.matches(Array(record.message.utf8)[...]) {
                kept.append(record)
                if kept.count == limit { break }
            }
            guard let last = page.last, page.count == Self.reservedPageSize else { break }
            cursor = last.id
        }
        return kept
    }

    static let reservedPageSize = 1000

    private func reservedPage(
        _ group: ReservedGroup, _ caller: Caller, start: Int64, end: Int64, afterID: Int64
    ) async throws -> [ReservedRecord] {
        switch group {
        case .keyAudit:
            return try await audit.records(
                account: caller.accountID, region: caller.region, start: start, end: end, afterID: afterID,
                limit: Self.reservedPageSize
            ).map {
                ReservedRecord(id: $0.0, stream: AuditTrail.logStreamName, time: $0.1.eventTime, message: $0.1.message)
            }
        case .alarms:
            let rows = try await database.query(
                """
                SELECT history_id, alarm_name, recorded_at, data FROM alarm_history
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND item_type = 'StateUpdate'
                  AND recorded_at >= \(start) AND recorded_at < \(end) AND history_id > \(afterID)
                ORDER BY history_id LIMIT \(Self.reservedPageSize)
                """)
            var records: [ReservedRecord] = []
            for try await (id, alarm, time, data) in rows.decode((Int64, String, Int64, String).self) {
                records.append(ReservedRecord(id: id, stream: alarm, time: time, message: data))
            }
            return records
        }
    }

    func getReservedEvents(
        _ group: ReservedGroup, _ request: GetLogEventsRequest, _ caller: Caller
    ) async throws -> GetLogEventsResponse {
        if group == .keyAudit, request.logStreamName != AuditTrail.logStreamName { throw AWSError.logStreamNotFound }
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: nil)
        let token = try request.nextToken.map { token throws(AWSError) in try StreamToken.read(token, stream: 0) }
        let afterID = token.map { $0.forward ? $0.key.sequence : 0 } ?? 0
        let records =
            token?.forward == false
            ? []
            : try await reservedRecords(
                group, caller, start: start, end: end, afterID: afterID,
                limit: request.limit ?? LogsLimits.eventsLimit.upperBound, matcher: .everything,
                wanted: { $0 == request.logStreamName })
        let keys = records.map { EventKey(timestamp: $0.time, streamID: 0, sequence: $0.id) }
        let position = token?.key ?? EventKey(timestamp: start - 1, streamID: 0, sequence: 0)
        return GetLogEventsResponse(
            events: records.map { OutputLogEvent(timestamp: $0.time, message: $0.message, ingestionTime: $0.time) },
            nextForwardToken: StreamToken.make("f", keys.last ?? position),
            nextBackwardToken: StreamToken.make("b", keys.first ?? position))
    }

    func filterReservedEvents(
        _ group: ReservedGroup, _ request: FilterLogEventsRequest, matcher: FilterPattern, _ caller: Caller
    ) async throws -> FilterLogEventsResponse {
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: nil)
        let operation = "FilterLogEvents:\(group.rawValue)"
        let afterID = try request.nextToken.map { token throws(AWSError) -> Int64 in
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 1)
            guard let id = Int64(position[0]) else { throw AWSError.invalidNextToken }
            return id
        }
        let limit = request.limit ?? LogsLimits.eventsLimit.upperBound
        let records = try await reservedRecords(
            group, caller, start: start, end: end, afterID: afterID ?? 0, limit: limit, matcher: matcher,
            wanted: { stream in
                (request.logStreamNames?.contains(stream) ?? true)
                    && (request.logStreamNamePrefix.map { stream.hasPrefix($0) } ?? true)
            })
        let next =
            records.count == limit
            ? records.last.map { pageToken.make([String($0.id)], operation: operation, caller: caller) } : nil
        return FilterLogEventsResponse(
            events: records.map {
                FilteredLogEvent(
                    logStreamName: $0.stream, timestamp: $0.time, message: $0.message, ingestionTime: $0.time,
                    eventId: Self.eventID(EventKey(timestamp: 0, streamID: 0, sequence: $0.id)))
            },
            searchedLogStreams: [], nextToken: next)
    }
}
