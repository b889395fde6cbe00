import CairnAccounts
import CairnInsights
import CairnKeys
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

/// StartQuery, GetQueryResults, StopQuery, DescribeQueries, ListLogGroupsForQuery.
struct InsightsHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let queries: QueryStore
    let quotas: AccountQuotas
    let audit: AuditTrail

    static let languages = ["CWLI", "SQL", "PPL"]
    static let statuses = ["Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown"]
    /// Results are kept this long after a query starts (AWS: 7 days).
    static let retentionMilliseconds: Int64 = 7 * 86_400_000

    func startQuery(_ request: StartQueryRequest, _ caller: Caller) async throws -> StartQueryResponse {
        var validation = Validation()
        validation.oneOf(request.queryLanguage, "queryLanguage", Self.languages)
        validation.logGroupName(request.logGroupName, required: false)
        validation.names(request.logGroupNames, "logGroupNames", max: LogsLimits.queryGroups) {
            $0.logGroupName($1, $2)
        }
        validation.names(request.logGroupIdentifiers, "logGroupIdentifiers", max: LogsLimits.queryGroups) {
            $0.logGroupIdentifier($1, $2)
        }
        validation.required(request.startTime, "startTime")
        validation.required(request.endTime, "endTime")
        validation.number(request.startTime, "startTime", min: 0)
        validation.number(request.endTime, "endTime", min: 0)
        validation.required(request.queryString, "queryString")
        validation.string(request.queryString, "queryString", max: QueryParser.maximumLength)
        validation.number(request.limit, "limit", min: 1, max: LogsLimits.queryResultsLimit)
        try validation.check()
        let language = request.queryLanguage ?? "CWLI"
        guard language == "CWLI" else { throw AWSError.queryLanguageUnsupported(language) }
        guard let startTime = request.startTime, let endTime = request.endTime, let queryString = request.queryString
        else { throw AWSError.invalidParameter("startTime, endTime and queryString are required.") }
        guard endTime >= startTime else { throw AWSError.queryEndBeforeStart }
        let given = [request.logGroupName != nil, request.logGroupNames != nil, request.logGroupIdentifiers != nil]
        guard given.filter({ $0 }).count <= 1 else { throw AWSError.queryGroupsTwice }
        let limit = request.limit ?? LogsLimits.queryDefaultLimit
        let clause: SourceClause?
        let plan: QueryPlan
        do {
            clause = try SourceClause.split(queryString).0
            plan = try QueryPlan.compile(queryString, limit: limit)
        } catch {
            throw AWSError.malformedQuery(error, queryString)
        }
        var identifiers =
            request.logGroupIdentifiers ?? request.logGroupNames ?? request.logGroupName.map { [$0] } ?? []
        if let clause {
            guard identifiers.isEmpty else { throw AWSError.queryGroupsTwice }
            identifiers = try await groupNames(clause, caller)
        }
        guard !identifiers.isEmpty else { throw AWSError.queryGroupsMissing }
        var sources: [QuerySource] = []
        for identifier in identifiers {
            let reference = try await groups.reference(
                name: nil, identifier: identifier, caller, operation: "StartQuery")
            guard !sources.contains(where: { $0.owner == reference.owner.accountID && $0.name == reference.name })
            else { continue }
            let group: LogGroupRecord
            do {
                group = try await groups.resolve(reference.name, reference.owner)
            } catch let error as AWSError where error == .logGroupNotFound {
                throw AWSError.resourceNotFound(
                    "Log group '\(reference.name)' does not exist for account ID '\(reference.owner.accountID)'")
            }
            sources.append(QuerySource(owner: reference.owner.accountID, group: group.id, name: reference.name))
            // unmask(@message) reads what a data protection policy masked: logs:Unmask, the admin role, on the
            // caller's own groups.
            if plan.unmasks {
                try LogEventHandlers.authorizeUnmask(caller, owner: reference.owner, group: reference.name)
            }
        }
        let id = UUID()
        let now = WallClock.system.milliseconds
        let sourceText = String(decoding: try JSONEncoder().encode(sources), as: UTF8.self)
        let payload = String(decoding: try JSONEncoder().encode(QueryRunner.QueryJob(query: id)), as: UTF8.self)
        do {
            try await database.transaction { connection in
                try await connection.query(
                    """
                    DELETE FROM insights_queries WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                      AND created_at < \(now - Self.retentionMilliseconds)
                    """, logger: database.logger)
                try await quotas.reserve(
                    .concurrentQueries, account: caller.accountID, region: caller.region,
                    counting: """
                        SELECT count(*)::bigint FROM insights_queries
                        WHERE account_id = \(caller.accountID) AND status IN ('Scheduled', 'Running')
                        """, on: connection)
                try await connection.query(
                    """
                    INSERT INTO insights_queries (query_id, account_id, region, principal, query_string, query_language,
                        sources, start_time, end_time, row_limit, status, created_at)
                    VALUES (\(id), \(caller.accountID), \(caller.region), \(caller.userARN), \(queryString), \(language),
                        \(sourceText)::jsonb, \(startTime * 1000), \(endTime * 1000), \(Int32(limit)), 'Scheduled',
                        \(now))
                    """, logger: database.logger)
                try await JobQueue.enqueue(
                    QueryRunner.queue, payloads: [payload], tenant: caller.accountID, policy: QueryRunner.policy,
                    on: connection, logger: database.logger)
            }
        } catch let error as QuotaExceeded {
            guard error.quota == .concurrentQueries else { throw AWSError.limitExceeded() }
            let allowed = try await quotas.value(.concurrentQueries, account: caller.accountID)
            throw AWSError.queryConcurrency(allowed)
        }
        await audit.record(
            account: caller.accountID, region: caller.region, principal: caller.userARN, operation: "logs:StartQuery",
            keyARN: nil,
            outcome: "query \(id.uuidString.lowercased()) of "
                + sources.map { "\($0.owner):\($0.name)" }.joined(separator: ", ") + " from \(startTime) to \(endTime)"
                + (plan.unmasks ? ", unmasked" : ""))
        if plan.unmasks {
            await audit.record(
                account: caller.accountID, region: caller.region, principal: caller.userARN, operation: "logs:Unmask",
                keyARN: nil, outcome: "query \(id.uuidString.lowercased()) reads masked events unmasked")
        }
        for source in sources where source.owner != caller.accountID {
            await audit.record(
                account: source.owner, region: caller.region, principal: caller.userARN, operation: "logs:StartQuery",
                keyARN: nil,
                outcome: "linked query \(id.uuidString.lowercased()) of \(source.name) by monitoring account "
                    + "\(caller.accountID) from \(startTime) to \(endTime)")
        }
        return StartQueryResponse(queryId: id.uuidString.lowercased())
    }

    /// The groups a `SOURCE` clause names: quoted names and ARNs, and the caller's groups with a `namePrefix`.
    private func groupNames(_ clause: SourceClause, _ caller: Caller) async throws -> [String] {
        var names = clause.names
        for prefix in clause.namePrefixes {
            let pattern = LogsService.likeEscaped(prefix) + "%"
            let rows = try await database.query(
                """
                SELECT name FROM log_groups
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name LIKE \(pattern)
                ORDER BY name LIMIT \(LogsLimits.queryGroups + 1)
                """)
            for try await name in rows.decode(String.self) where !names.contains(name) { names.append(name) }
        }
        guard names.count <= LogsLimits.queryGroups else {
            throw AWSError.invalidParameter(
                "The query names more than \(LogsLimits.queryGroups) log groups; narrow its SOURCE clause.")
        }
        return names
    }

    /// The caller's query named by `queryId`, or `ResourceNotFoundException`.
    func storedQuery(_ queryID: String?, _ caller: Caller) async throws -> StoredQuery {
        var validation = Validation()
        validation.required(queryID, "queryId")
        validation.string(queryID, "queryId", min: 1, max: 256)
        try validation.check()
        guard let text = queryID, let id = UUID(uuidString: text),
            let query = try await queries.query(id, account: caller.accountID, region: caller.region),
            query.createdAt >= WallClock.system.milliseconds - Self.retentionMilliseconds
        else { throw AWSError.queryNotFound }
        return try await timedOut(query) ?? query
    }

    /// A query still waiting or running well past the 60-minute timeout lost its worker for good (its job died):
    /// it is recorded as `Timeout`, as AWS reports a query that ran out of time.
    private func timedOut(_ query: StoredQuery) async throws -> StoredQuery? {
        let now = WallClock.system.milliseconds
        guard QueryStore.activeStatuses.contains(query.status),
            query.createdAt < now - QueryRunner.timeoutMilliseconds - 5 * 60_000
        else { return nil }
        try await database.query(
            """
            UPDATE insights_queries SET status = 'Timeout', finished_at = \(now)
            WHERE query_id = \(query.id) AND status IN ('Scheduled', 'Running')
            """)
        return try await queries.query(query.id)
    }

    func getQueryResults(_ request: GetQueryResultsRequest, _ caller: Caller) async throws -> GetQueryResultsResponse {
        var validation = Validation()
        validation.string(request.nextToken, "nextToken", max: 1024)
        validation.number(request.maxItems, "maxItems", min: 0, max: LogsLimits.queryResultsPage)
        try validation.check()
        let query = try await storedQuery(request.queryId, caller)
        let operation = "GetQueryResults:\(query.id)"
        var offset = 0
        if let token = request.nextToken {
            guard let position = Int(try pageToken.read(token, operation: operation, caller: caller, fields: 1)[0])
            else { throw AWSError.invalidNextToken }
            offset = position
        }
        let rows = try await queries.results(of: query)
        let pageSize = request.maxItems ?? LogsLimits.queryResultsPage
        let page = Array(rows.dropFirst(offset).prefix(pageSize == 0 ? rows.count : pageSize))
        let end = offset + page.count
        let next = end < rows.count ? pageToken.make([String(end)], operation: operation, caller: caller) : nil
        return GetQueryResultsResponse(
            queryLanguage: query.language, results: page,
            statistics: QueryStatistics(
                recordsMatched: query.recordsMatched, recordsScanned: query.recordsScanned,
                estimatedRecordsSkipped: 0, bytesScanned: query.bytesScanned, estimatedBytesSkipped: 0,
                logGroupsScanned: Double(query.sources.count)),
            status: query.status, encryptionKey: try await encryptionKey(query), nextToken: next)
    }

    /// The customer key of the first queried group that has one (AWS names the key results are encrypted with).
    private func encryptionKey(_ query: StoredQuery) async throws -> String? {
        for source in query.sources {
            let rows = try await database.query(
                "SELECT kms_key_id FROM log_groups WHERE account_id = \(source.owner) AND group_id = \(source.group)")
            for try await key in rows.decode(String?.self) {
                if let key { return key }
            }
        }
        return nil
    }

    func stopQuery(_ request: QueryIDRequest, _ caller: Caller) async throws -> SuccessResponse {
        let query = try await storedQuery(request.queryId, caller)
        let rows = try await database.query(
            """
            UPDATE insights_queries SET status = 'Cancelled', finished_at = \(WallClock.system.milliseconds)
            WHERE query_id = \(query.id) AND status IN ('Scheduled', 'Running') RETURNING query_id
            """)
        for try await _ in rows.decode(UUID.self) { return SuccessResponse(success: true) }
        // AWS: "If the query has already ended, the operation returns an error indicating that the specified query
        // is not running."
        throw AWSError.invalidParameter("Query \(query.id.uuidString.lowercased()) is not running.")
    }

    func describeQueries(_ request: DescribeQueriesRequest, _ caller: Caller) async throws -> DescribeQueriesResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.oneOf(request.status, "status", Self.statuses)
        validation.oneOf(request.queryLanguage, "queryLanguage", Self.languages)
        validation.number(request.maxResults, "maxResults", min: 1, max: 1000)
        validation.string(request.nextToken, "nextToken", min: 1)
        try validation.check()
        let operation = "DescribeQueries"
        var after: (Int64, UUID)?
        if let token = request.nextToken {
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 2)
            guard let created = Int64(position[0]), let id = UUID(uuidString: position[1]) else {
                throw AWSError.invalidNextToken
            }
            after = (created, id)
        }
        let limit = request.maxResults ?? 1000
        let since = WallClock.system.milliseconds - Self.retentionMilliseconds
        let groupFilter = request.logGroupName.map { #"[{"name":"\#(JSONText.escape($0))"}]"# }
        let found = try await QueryStore.decode(
            try await database.query(
                """
                SELECT \(unescaped: QueryStore.columns) FROM insights_queries
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND created_at >= \(since)
                  AND (\(request.status)::text IS NULL OR status = \(request.status))
                  AND (\(request.queryLanguage)::text IS NULL OR query_language = \(request.queryLanguage))
                  AND (\(groupFilter)::jsonb IS NULL OR sources @> \(groupFilter)::jsonb)
                  AND (\(after?.0)::bigint IS NULL OR (created_at, query_id) < (\(after?.0), \(after?.1)))
                ORDER BY created_at DESC, query_id DESC LIMIT \(limit + 1)
                """))
        let page = Array(found.prefix(limit))
        let next =
            found.count > limit
            ? page.last.map {
                pageToken.make([String($0.createdAt), $0.id.uuidString], operation: operation, caller: caller)
            } : nil
        return DescribeQueriesResponse(
            queries: page.map { query in
                QueryInfo(
                    queryLanguage: query.language, queryId: query.id.uuidString.lowercased(),
                    queryString: Self.rewritten(query), status: query.status, createTime: query.createdAt,
                    logGroupName: query.sources.first?.name,
                    queryDuration: query.finishedAt.map { $0 - (query.startedAt ?? query.createdAt) },
                    bytesScanned: query.bytesScanned, userIdentity: query.principal)
            }, nextToken: next)
    }

    /// The query string as AWS shows it back: `SOURCE "<group>" START=<s> END=<s> | <the query>`.
    static func rewritten(_ query: StoredQuery) -> String {
        if (try? SourceClause.split(query.queryString).0) != nil { return query.queryString }
        let sources = query.sources.map { "\"\($0.name)\"" }.joined(separator: " ")
        return "SOURCE \(sources) START=\(query.start / 1000) END=\(query.end / 1000) | \(query.queryString)"
    }

    func listLogGroupsForQuery(
        _ request: ListLogGroupsForQueryRequest, _ caller: Caller
    ) async throws -> ListLogGroupsForQueryResponse {
        var validation = Validation()
        validation.string(request.nextToken, "nextToken", min: 1)
        validation.number(request.maxResults, "maxResults", min: 50, max: 500)
        try validation.check()
        let query = try await storedQuery(request.queryId, caller)
        let operation = "ListLogGroupsForQuery:\(query.id)"
        var offset = 0
        if let token = request.nextToken {
            guard let position = Int(try pageToken.read(token, operation: operation, caller: caller, fields: 1)[0])
            else { throw AWSError.invalidNextToken }
            offset = position
        }
        let arns = query.sources.map {
            ResourceName.logGroup(caller.acting(for: $0.owner), $0.name)
        }
        let page = Array(arns.dropFirst(offset).prefix(request.maxResults ?? 50))
        let end = offset + page.count
        return ListLogGroupsForQueryResponse(
            logGroupIdentifiers: page,
            nextToken: end < arns.count ? pageToken.make([String(end)], operation: operation, caller: caller) : nil)
    }
}

extension AWSError {
    static let queryNotFound = AWSError.resourceNotFound("Query does not exist.")
    static let queryEndBeforeStart = AWSError.invalidParameter("End time should not be before the start time")
    static let queryGroupsTwice = AWSError.invalidParameter(
        "Only one of logGroupName, logGroupNames, logGroupIdentifiers and a SOURCE command may name the log groups.")
    static let queryGroupsMissing = AWSError.invalidParameter(
        "Log group name, log group names or log group identifiers must be specified.")

    static func queryLanguageUnsupported(_ language: String) -> AWSError {
        .invalidParameter(
            "Query language \(language) is not supported by this endpoint: only CWLI (the Logs Insights query language) is."
        )
    }

    static func queryConcurrency(_ allowed: Int) -> AWSError {
        .limitExceeded("Account maximum query concurrency limit of [\(allowed)] reached.")
    }

    /// A syntax error, with AWS's `queryCompileError` member giving where it is.
    static func malformedQuery(_ error: QueryError, _ query: String) -> AWSError {
        let characters = Array(query)
        let symbol =
            error.start < characters.count
            ? String(characters[error.start..<min(error.end, characters.count)]) : "<EOF>"
        let located = Self.lineAndColumn(query, error.start)
        let message = "unexpected symbol found \(symbol) at line \(located.line) and position \(located.column)"
        let members =
            #""queryCompileError":{"location":{"startCharOffset":\#(error.start),"endCharOffset":\#(error.end)},"#
            + #""message":"\#(JSONText.escape(error.message))"}"#
        return AWSError("MalformedQueryException", message, members: members)
    }

    static func lineAndColumn(_ text: String, _ offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 0
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
