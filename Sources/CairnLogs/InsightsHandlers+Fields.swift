import CairnChunks
import CairnInsights
import CairnProtocol
import CairnStore

/// GetLogGroupFields and GetLogRecord: the fields of a sample of recent events, and every field of one event.
extension LogEventHandlers {
    /// What `@ptr` tokens are bound to (with the querying account and region).
    static let recordPointerScope = "GetLogRecord"
    /// GetLogGroupFields reads at most this many of the newest events of its window.
    static let fieldSampleSize = 1000

    func getLogGroupFields(
        _ request: GetLogGroupFieldsRequest, _ caller: Caller
    ) async throws
        -> GetLogGroupFieldsResponse
    {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.logGroupIdentifier(request.logGroupIdentifier)
        validation.number(request.time, "time", min: 0)
        try validation.check()
        let reference = try await groups.reference(
            name: request.logGroupName, identifier: request.logGroupIdentifier, caller, operation: "GetLogGroupFields")
        let group = try await groups.resolve(reference.name, reference.owner)
        // AWS: 8 minutes either side of `time` (epoch seconds), or the last 15 minutes.
        let window: (Int64, Int64) =
            if let time = request.time { (time * 1000 - 480_000, time * 1000 + 480_000) } else {
                (LogsService.now() - 900_000, LogsService.now() + 1)
            }
        let streams = try await streamNames(group: group.id, names: nil, prefix: nil, reference.owner)
        let (start, end) = Self.readableRange(window.0, window.1, retentionDays: group.retentionDays)
        let scan = ChunkStore.Scan(
            account: reference.owner.accountID, group: group.id, streams: Array(streams.keys).sorted(), start: start,
            end: end, forward: false, limit: Self.fieldSampleSize)
        let events = try await scans.run(account: reference.owner.accountID) { try await chunks.read(scan) }.events
        var counts: [String: Int] = [:]
        var order: [String] = []
        for event in events {
            var record = LogRecord(
                timestamp: event.timestamp, ingestionTime: event.ingestionTime,
                message: String(decoding: event.message, as: UTF8.self), logStream: "", log: "",
                pointer: RecordPointer(source: 0, stream: 0, timestamp: 0, sequence: 0))
            record.transformedBytes = event.transformed
            record.transformationFailed = event.transformationFailed
            var seen: Set<String> = []
            for (name, _) in record.allFields() where seen.insert(name).inserted {
                if counts[name] == nil { order.append(name) }
                counts[name, default: 0] += 1
            }
        }
        // Most common first, as AWS lists them.
        let fields = order.enumerated().map { position, name in
            (
                position,
                LogGroupField(
                    name: name, percent: Int((Double(counts[name] ?? 0) * 100 / Double(events.count)).rounded()))
            )
        }
        return GetLogGroupFieldsResponse(
            logGroupFields: fields.sorted { ($1.1.percent, $0.0) < ($0.1.percent, $1.0) }.map(\.1))
    }

    func getLogRecord(_ request: GetLogRecordRequest, _ caller: Caller) async throws -> GetLogRecordResponse {
        var validation = Validation()
        validation.required(request.logRecordPointer, "logRecordPointer")
        try validation.check()
        let position: [String]
        do {
            position = try pageToken.read(
                request.logRecordPointer ?? "", operation: Self.recordPointerScope, caller: caller, fields: 6)
        } catch {
            throw AWSError.invalidRecordPointer
        }
        guard let group = Int64(position[1]), let stream = Int64(position[3]), let timestamp = Int64(position[4]),
            let sequence = Int64(position[5])
        else { throw AWSError.invalidRecordPointer }
        let owner = position[0]
        let name = position[2]
        // A pointer from a query of a linked account's group reads it again only while the link stands.
        let reference = try await groups.reference(
            name: nil, identifier: ResourceName.logGroup(caller.acting(for: owner), name), caller,
            operation: "GetLogRecord")
        let current = try await groups.resolve(reference.name, reference.owner)
        guard current.id == group else { throw AWSError.logGroupNotFound }
        var scan = ChunkStore.Scan(
            account: owner, group: group, streams: [stream], start: timestamp, end: timestamp + 1, forward: true,
            limit: 1)
        scan.after = EventKey(timestamp: timestamp, streamID: stream, sequence: sequence - 1)
        let events = try await scans.run(account: owner) { try await chunks.read(scan) }.events
        guard let event = events.first, event.sequence == sequence else { throw AWSError.logRecordNotFound }
        let streamName = try await streamNames(group: group, names: nil, prefix: nil, reference.owner)[stream] ?? ""
        let originals = try await unmasked(
            request.unmask, [event], group: group, groupName: name, owner: reference.owner, caller)
        var record = LogRecord(
            timestamp: event.timestamp, ingestionTime: event.ingestionTime,
            message: originals[.init(stream: stream, sequence: sequence)]
                ?? String(decoding: event.message, as: UTF8.self), logStream: streamName, log: "\(owner):\(name)",
            pointer: RecordPointer(source: 0, stream: stream, timestamp: timestamp, sequence: sequence))
        record.transformedBytes = event.transformed
        record.transformationFailed = event.transformationFailed
        var fields: [String: String] = [
            "@timestamp": String(event.timestamp), "@ingestionTime": String(event.ingestionTime),
            "@message": record.message, "@logStream": streamName, "@log": record.log,
        ]
        if let error = record.transformationError { fields["@transformationError"] = error }
        for (key, value) in record.discoveredFields() where fields[key] == nil {
            if let text = value.text { fields[key] = text }
        }
        return GetLogRecordResponse(logRecord: fields)
    }
}

extension AWSError {
    static let invalidRecordPointer = AWSError.invalidParameter("The specified log record pointer is not valid.")
    static let logRecordNotFound = AWSError.resourceNotFound("The specified log record does not exist.")
}
