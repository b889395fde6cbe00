import CairnKeys
import CairnProtocol
import CairnStore
import PostgresNIO

extension LogStreamHandlers {
    /// The id of the caller's group a stream request names, once both names are valid.
    private func validGroupID(_ request: CreateLogStreamRequest, _ caller: Caller) async throws -> Int64 {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.logStreamName(request.logStreamName)
        try validation.check()
        return try await groups.resolve(request.logGroupName, caller).id
    }

    func createLogStream(_ request: CreateLogStreamRequest, _ caller: Caller) async throws -> EmptyResponse {
        let groupID = try await validGroupID(request, caller)
        let rows = try await database.query(
            """
            INSERT INTO log_streams (account_id, group_id, name, creation_time)
            SELECT account_id, group_id, \(request.logStreamName), \(LogsService.now()) FROM log_groups
            WHERE account_id = \(caller.accountID) AND group_id = \(groupID)
            ON CONFLICT (account_id, group_id, name) DO NOTHING RETURNING stream_id
            """)
        for try await _ in rows { return EmptyResponse() }
        // Nothing inserted: the stream exists, or the group vanished in between.
        _ = try await groups.resolve(request.logGroupName, caller).id
        throw AWSError.logStreamExists
    }

    func deleteLogStream(_ request: CreateLogStreamRequest, _ caller: Caller) async throws -> EmptyResponse {
        let groupID = try await validGroupID(request, caller)
        let rows = try await database.query(
            """
            DELETE FROM log_streams WHERE account_id = \(caller.accountID) AND group_id = \(groupID)
              AND name = \(request.logStreamName) RETURNING stream_id
            """)
        for try await _ in rows { return EmptyResponse() }
        throw AWSError.logStreamNotFound
    }

    func describeLogStreams(
        _ request: DescribeLogStreamsRequest, _ caller: Caller
    ) async throws -> DescribeLogStreamsResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.logGroupIdentifier(request.logGroupIdentifier)
        validation.logStreamName(request.logStreamNamePrefix, "logStreamNamePrefix", required: false)
        validation.oneOf(request.orderBy, "orderBy", LogsLimits.orderByValues)
        validation.describeLimit(request.limit)
        validation.nextToken(request.nextToken)
        try validation.check()
        let byTime = request.orderBy == "LastEventTime"
        if byTime && request.logStreamNamePrefix != nil { throw AWSError.orderByWithPrefix }
        let group = try await groups.reference(
            name: request.logGroupName, identifier: request.logGroupIdentifier, caller, operation: "DescribeLogStreams")
        let groupID = try await groups.resolve(group.name, group.owner).id

        let limit = request.limit ?? LogsLimits.describeDefaultLimit
        let descending = request.descending ?? false
        let operation = "DescribeLogStreams:\(group.name):\(byTime ? "time" : "name"):\(descending)"
        let position = try request.nextToken.map {
            try pageToken.read($0, operation: operation, caller: caller, fields: 2)
        }
        let afterTime = position.flatMap { Int64($0[0]) }
        let afterName = position?[1]
        let prefix = request.logStreamNamePrefix.map { LogsService.likeEscaped($0) + "%" }
        var page = Page<LogStreamDescription>(limit: limit)
        let direction = descending ? "DESC" : "ASC"
        let comparison = descending ? "<" : ">"
        let query: PostgresQuery =
            byTime
            ? """
            SELECT name, creation_time, first_event_time, last_event_time, last_ingestion_time, next_sequence
            FROM log_streams
            WHERE account_id = \(group.owner.accountID) AND group_id = \(groupID)
              AND (\(afterName)::text IS NULL
                   OR (COALESCE(last_event_time, 0), name COLLATE "C") \(unescaped: comparison) (\(afterTime ?? 0), \(afterName)))
            ORDER BY COALESCE(last_event_time, 0) \(unescaped: direction), name COLLATE "C" \(unescaped: direction)
            LIMIT \(page.fetchLimit)
            """
            : """
            SELECT name, creation_time, first_event_time, last_event_time, last_ingestion_time, next_sequence
            FROM log_streams
            WHERE account_id = \(group.owner.accountID) AND group_id = \(groupID)
              AND (\(prefix)::text IS NULL OR name LIKE \(prefix))
              AND (\(afterName)::text IS NULL OR name COLLATE "C" \(unescaped: comparison) \(afterName))
            ORDER BY name COLLATE "C" \(unescaped: direction)
            LIMIT \(page.fetchLimit)
            """
        for try await (name, created, first, last, ingested, sequence) in try await database.query(query).decode(
            (String, Int64, Int64?, Int64?, Int64?, Int64).self)
        {
            guard
                page.add(
                    LogStreamDescription(
                        logStreamName: name, creationTime: created, firstEventTimestamp: first,
                        lastEventTimestamp: last, lastIngestionTime: ingested,
                        uploadSequenceToken: SequenceToken.make(sequence),
                        arn: ResourceName.logStream(group.owner, group: group.name, stream: name), storedBytes: 0))
            else { break }
        }
        let token =
            page.hasMore
            ? page.items.last.map { last in
                pageToken.make(
                    [String(last.lastEventTimestamp ?? 0), last.logStreamName], operation: operation, caller: caller)
            } : nil
        return DescribeLogStreamsResponse(logStreams: page.items, nextToken: token)
    }

}

/// `uploadSequenceToken` / `nextSequenceToken`: accepted and ignored by PutLogEvents, as AWS does since 2023.
enum SequenceToken {
    static func make(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "495" + String(repeating: "0", count: max(0, 53 - digits.count)) + digits
    }
}
