import CairnChunks
import CairnFilter
import CairnKeys
import CairnProtocol
import CairnStore

/// The reserved, read-only log group `aws/cairn/kms-audit`: an account's key audit trail, read with
/// GetLogEvents and FilterLogEvents from its one stream, `trail`. Its events are the audit records as JSON.
extension LogEventHandlers {
    func isAuditGroup(_ name: String) -> Bool { name == AuditTrail.logGroupName }

    func auditEvents(
        _ caller: Caller, start: Int64, end: Int64, afterID: Int64, limit: Int, matcher: FilterPattern
    ) async throws -> [(id: Int64, record: AuditRecord)] {
        var kept: [(id: Int64, record: AuditRecord)] = []
        var cursor = afterID
        // Read in pages until enough records match.
        while kept.count < limit {
            let page = try await audit.records(
                account: caller.accountID, region: caller.region, start: start, end: end, afterID: cursor, limit: 1000)
            for entry in page where matcher.matches(Array(entry.record.message.utf8)[...]) {
                kept.append(entry)
                if kept.count == limit { break }
            }
            guard let last = page.last, page.count == 1000 else { break }
            cursor = last.id
        }
        return kept
    }

    func getAuditEvents(_ request: GetLogEventsRequest, _ caller: Caller) async throws -> GetLogEventsResponse {
        guard request.logStreamName == AuditTrail.logStreamName else { throw AWSError.logStreamNotFound }
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: nil)
        let token = try request.nextToken.map { token throws(AWSError) in try StreamToken.read(token, stream: 0) }
        let afterID = token.map { $0.forward ? $0.key.sequence : 0 } ?? 0
        let records =
            token?.forward == false
            ? []
            : try await auditEvents(
                caller, start: start, end: end, afterID: afterID,
                limit: request.limit ?? LogsLimits.eventsLimit.upperBound,
                matcher: .everything)
        let keys = records.map { EventKey(timestamp: $0.record.eventTime, streamID: 0, sequence: $0.id) }
        let position = token?.key ?? EventKey(timestamp: start - 1, streamID: 0, sequence: 0)
        return GetLogEventsResponse(
            events: records.map {
                OutputLogEvent(
                    timestamp: $0.record.eventTime, message: $0.record.message, ingestionTime: $0.record.eventTime)
            },
            nextForwardToken: StreamToken.make("f", keys.last ?? position),
            nextBackwardToken: StreamToken.make("b", keys.first ?? position))
    }

    func filterAuditEvents(
        _ request: FilterLogEventsRequest, matcher: FilterPattern, _ caller: Caller
    ) async throws -> FilterLogEventsResponse {
        let streamSelected =
            (request.logStreamNames?.contains(AuditTrail.logStreamName) ?? true)
            && (request.logStreamNamePrefix.map { AuditTrail.logStreamName.hasPrefix($0) } ?? true)
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: nil)
        let operation = "FilterLogEvents:\(AuditTrail.logGroupName)"
        let afterID = try request.nextToken.map { token throws(AWSError) -> Int64 in
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 1)
            guard let id = Int64(position[0]) else { throw AWSError.invalidNextToken }
            return id
        }
        let limit = request.limit ?? LogsLimits.eventsLimit.upperBound
        let records =
            streamSelected
            ? try await auditEvents(
                caller, start: start, end: end, afterID: afterID ?? 0, limit: limit, matcher: matcher)
            : []
        let next =
            records.count == limit
            ? records.last.map { pageToken.make([String($0.id)], operation: operation, caller: caller) } : nil
        return FilterLogEventsResponse(
            events: records.map {
                FilteredLogEvent(
                    logStreamName: AuditTrail.logStreamName, timestamp: $0.record.eventTime,
                    message: $0.record.message,
                    ingestionTime: $0.record.eventTime,
                    eventId: Self.eventID(EventKey(timestamp: 0, streamID: 0, sequence: $0.id)))
            },
            searchedLogStreams: [], nextToken: next)
    }
}
