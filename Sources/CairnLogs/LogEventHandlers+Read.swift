import CairnCalendar
import CairnChunks
import CairnFilter
import CairnKeys
import CairnProtocol
import CairnStore
import PostgresNIO

extension AWSError {
    static let streamNamesAndPrefix = AWSError.invalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
}

/// GetLogEvents positions: `f/` or `b/`, then the timestamp + 1 and the sequence number, 19 digits each.
enum StreamToken {
    static func make(_ direction: Character, _ key: EventKey) -> String {
        "\(direction)/" + UTCTime.padded(key.timestamp + 1, 19) + UTCTime.padded(key.sequence, 19)
    }

    static func read(_ token: String, stream: Int64) throws(AWSError) -> (forward: Bool, key: EventKey) {
        let characters = Array(token.utf8)
        guard characters.count == 40, characters[1] == UInt8(ascii: "/"),
            characters[0] == UInt8(ascii: "f") || characters[0] == UInt8(ascii: "b"),
            let timestamp = Int64(String(decoding: characters[2..<21], as: UTF8.self)),
            let sequence = Int64(String(decoding: characters[21..<40], as: UTF8.self))
        else { throw AWSError.invalidNextToken }
        return (
            characters[0] == UInt8(ascii: "f"), EventKey(timestamp: timestamp - 1, streamID: stream, sequence: sequence)
        )
    }
}

extension LogEventHandlers {
    func getLogEvents(_ request: GetLogEventsRequest, _ caller: Caller) async throws -> GetLogEventsResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.logGroupIdentifier(request.logGroupIdentifier)
        validation.logStreamName(request.logStreamName)
        validation.number(request.startTime, "startTime", min: 0)
        validation.number(request.endTime, "endTime", min: 0)
        validation.number(
            request.limit, "limit", min: LogsLimits.eventsLimit.lowerBound, max: LogsLimits.eventsLimit.upperBound)
        validation.nextToken(request.nextToken)
        try validation.check()
        let reference = try await groups.reference(
            name: request.logGroupName, identifier: request.logGroupIdentifier, caller, operation: "GetLogEvents")
        if let reserved = reservedGroup(reference.name) {
            return try await getReservedEvents(reserved, request, reference.owner)
        }
        let group = try await groups.resolve(reference.name, reference.owner)
        let streamID = try await streamID(named: request.logStreamName, group: group.id, reference.owner)
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: group.retentionDays)

        let token = try request.nextToken.map { token throws(AWSError) in try StreamToken.read(token, stream: streamID)
        }
        let forward = token?.forward ?? (request.startFromHead ?? false)
        let lower = EventKey(timestamp: start - 1, streamID: streamID, sequence: .max)
        let upper = EventKey(timestamp: end - 1, streamID: streamID, sequence: .max)
        var scan = ChunkStore.Scan(
            account: reference.owner.accountID, group: group.id, streams: [streamID], start: start, end: end,
            forward: forward, limit: request.limit ?? LogsLimits.eventsLimit.upperBound)
        if let token {
            if token.forward { scan.after = token.key } else { scan.before = token.key }
        }
        var events = try await scans.run(account: reference.owner.accountID) { try await chunks.read(scan) }.events
        Self.fitResponse(&events, keepingStart: forward)

        let position = token?.key ?? (forward ? lower : upper)
        let forwardToken = StreamToken.make("f", events.last?.key ?? position)
        let backwardToken = StreamToken.make("b", events.first?.key ?? position)
        let originals = try await unmasked(
            request.unmask, events, group: group.id, groupName: reference.name, owner: reference.owner, caller)
        return GetLogEventsResponse(
            events: events.map {
                OutputLogEvent(
                    timestamp: $0.timestamp,
                    message: originals[.init(stream: $0.key.streamID, sequence: $0.key.sequence)]
                        ?? String(decoding: $0.message, as: UTF8.self),
                    ingestionTime: $0.ingestionTime)
            },
            nextForwardToken: forwardToken, nextBackwardToken: backwardToken)
    }

    func filterLogEvents(_ request: FilterLogEventsRequest, _ caller: Caller) async throws -> FilterLogEventsResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.logGroupIdentifier(request.logGroupIdentifier)
        if let names = request.logStreamNames {
            validation.count(
                names.count, value: "[\(names.joined(separator: ", "))]", "logStreamNames",
                min: LogsLimits.filterStreamNames.lowerBound, max: LogsLimits.filterStreamNames.upperBound)
            for (index, name) in names.enumerated() {
                validation.logStreamName(name, "logStreamNames.\(index + 1).member")
            }
        }
        validation.logStreamName(request.logStreamNamePrefix, "logStreamNamePrefix", required: false)
        validation.number(request.startTime, "startTime", min: 0)
        validation.number(request.endTime, "endTime", min: 0)
        validation.string(request.filterPattern, "filterPattern", max: LogsLimits.filterPatternMaxLength)
        validation.number(
            request.limit, "limit", min: LogsLimits.eventsLimit.lowerBound, max: LogsLimits.eventsLimit.upperBound)
        validation.nextToken(request.nextToken)
        try validation.check()
        if request.logStreamNames != nil && request.logStreamNamePrefix != nil { throw AWSError.streamNamesAndPrefix }
        let matcher = try FilterPatternCache.shared.pattern(request.filterPattern ?? "")
        let reference = try await groups.reference(
            name: request.logGroupName, identifier: request.logGroupIdentifier, caller, operation: "FilterLogEvents")
        if let reserved = reservedGroup(reference.name) {
            return try await filterReservedEvents(reserved, request, matcher: matcher, reference.owner)
        }
        let group = try await groups.resolve(reference.name, reference.owner)
        let streams = try await streamNames(
            group: group.id, names: request.logStreamNames, prefix: request.logStreamNamePrefix, reference.owner)
        let (start, end) = Self.readableRange(request.startTime, request.endTime, retentionDays: group.retentionDays)

        let operation = "FilterLogEvents:\(group.id)"
        var scan = ChunkStore.Scan(
            account: reference.owner.accountID, group: group.id, streams: Array(streams.keys).sorted(), start: start,
            end: end,
            forward: true, limit: request.limit ?? LogsLimits.eventsLimit.upperBound, matcher: matcher,
            chunkBudget: LogsLimits.filterChunkBudget, byteBudget: LogsLimits.filterByteBudget,
            deadline: .now + LogsLimits.filterTimeBudget)
        if let token = request.nextToken {
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 3)
            guard let timestamp = Int64(position[0]), let stream = Int64(position[1]), let sequence = Int64(position[2])
            else { throw AWSError.invalidNextToken }
            scan.after = EventKey(timestamp: timestamp, streamID: stream, sequence: sequence)
        }
        let result = try await scans.run(account: reference.owner.accountID) { try await chunks.read(scan) }
        var events = result.events
        let trimmed = Self.fitResponse(&events, keepingStart: true)
        var next: EventKey?
        if trimmed || events.count == scan.limit {
            next = events.last?.key
        } else if let frontier = result.frontier {
            next = events.last?.key ?? EventKey(timestamp: frontier - 1, streamID: .max, sequence: .max)
        }
        let nextToken = next.map {
            pageToken.make(
                [String($0.timestamp), String($0.streamID), String($0.sequence)], operation: operation, caller: caller)
        }
        let originals = try await unmasked(
            request.unmask, events, group: group.id, groupName: reference.name, owner: reference.owner, caller)
        return FilterLogEventsResponse(
            events: events.map {
                FilteredLogEvent(
                    logStreamName: streams[$0.streamID] ?? "", timestamp: $0.timestamp,
                    message: originals[.init(stream: $0.key.streamID, sequence: $0.key.sequence)]
                        ?? String(decoding: $0.message, as: UTF8.self), ingestionTime: $0.ingestionTime,
                    eventId: Self.eventID($0.key))
            },
            searchedLogStreams: [], nextToken: nextToken)
    }

    /// With `unmask`, the originals of the events a data protection policy masked, to show instead. Only an
    /// account's admins may (`logs:Unmask`), on their own groups; each such read is in the account's audit trail.
    func unmasked(
        _ unmask: Bool?, _ events: [LogEvent], group: Int64, groupName: String, owner: Caller, _ caller: Caller
    ) async throws -> [MaskedOriginals.EventIdentity: String] {
        guard unmask == true else { return [:] }
        try Self.authorizeUnmask(caller, owner: owner, group: groupName)
        let originals = try await MaskedOriginals.read(
            events, account: owner.accountID, group: group, keyRing: keyRing, database: database)
        await audit.record(
            account: owner.accountID, region: owner.region, principal: caller.userARN, operation: "logs:Unmask",
            keyARN: nil, outcome: "\(originals.count) masked events of \(groupName) read unmasked")
        return originals
    }

    /// `logs:Unmask` (reading what a data protection policy masked): the admin role, on the caller's own groups.
    static func authorizeUnmask(_ caller: Caller, owner: Caller, group: String) throws(AWSError) {
        guard caller.role == .admin, owner.accountID == caller.accountID else {
            throw AWSError.accessDenied(
                "User: \(caller.userARN) is not authorized to perform: logs:Unmask on resource: "
                    + ResourceName.logGroup(owner, group))
        }
    }

    /// `[start, end)` of a read, never reaching before the group's retention.
    static func readableRange(_ startTime: Int64?, _ endTime: Int64?, retentionDays: Int?) -> (Int64, Int64) {
        var start = startTime ?? 0
        if let days = retentionDays { start = max(start, LogsService.now() - Int64(days) * 86_400_000) }
        return (start, endTime ?? .max)
    }

    /// Keeps a response within 1 MB. Returns whether events were dropped.
    @discardableResult
    static func fitResponse(_ events: inout [LogEvent], keepingStart: Bool) -> Bool {
        var total = 0
        let order = keepingStart ? Array(events.indices) : events.indices.reversed()
        for (kept, index) in order.enumerated() {
            total += events[index].message.count + LogsLimits.eventOverheadBytes
            if total > LogsLimits.maxResponseBytes {
                events = keepingStart ? Array(events.prefix(kept)) : Array(events.suffix(kept))
                return true
            }
        }
        return false
    }

    /// A stable event id: the stream id and the sequence number, 20 digits each.
    static func eventID(_ key: EventKey) -> String {
        UTCTime.padded(key.streamID, 20) + UTCTime.padded(key.sequence, 20)
    }

    func streamID(named name: String?, group: Int64, _ caller: Caller) async throws -> Int64 {
        let rows = try await database.query(
            "SELECT stream_id FROM log_streams WHERE account_id = \(caller.accountID) AND group_id = \(group) AND name = \(name)"
        )
        for try await id in rows.decode(Int64.self) { return id }
        throw AWSError.logStreamNotFound
    }

    /// The group's streams a filter reads: named ones, those with a prefix, or all.
    func streamNames(group: Int64, names: [String]?, prefix: String?, _ caller: Caller) async throws -> [Int64: String]
    {
        let pattern = prefix.map { LogsService.likeEscaped($0) + "%" }
        let rows = try await database.query(
            """
            SELECT stream_id, name FROM log_streams
            WHERE account_id = \(caller.accountID) AND group_id = \(group)
              AND (\(names)::text[] IS NULL OR name = ANY(\(names)))
              AND (\(pattern)::text IS NULL OR name LIKE \(pattern))
            """)
        var streams: [Int64: String] = [:]
        for try await (id, name) in rows.decode((Int64, String).self) { streams[id] = name }
        return streams
    }
}
