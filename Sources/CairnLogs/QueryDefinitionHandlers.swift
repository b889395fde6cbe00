import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// PutQueryDefinition, DescribeQueryDefinitions, DeleteQueryDefinition: saved Logs Insights queries.
struct QueryDefinitionHandlers: Sendable {
    let database: Database
    let pageToken: PageToken

    /// AWS: 1,000 saved queries per account and region.
    static let maximumDefinitions = 1000

    func putQueryDefinition(
        _ request: PutQueryDefinitionRequest, _ caller: Caller
    ) async throws -> PutQueryDefinitionResponse {
        var validation = Validation()
        validation.oneOf(request.queryLanguage, "queryLanguage", InsightsHandlers.languages)
        validation.required(request.name, "name")
        validation.string(request.name, "name", min: 1, max: 255)
        validation.string(request.queryDefinitionId, "queryDefinitionId", min: 1, max: 256)
        validation.required(request.queryString, "queryString")
        validation.string(request.queryString, "queryString", min: 1, max: 10_000)
        validation.string(request.clientToken, "clientToken", min: 36, max: 128)
        for (index, name) in (request.logGroupNames ?? []).enumerated() {
            validation.logGroupName(name, "logGroupNames.\(index + 1).member")
        }
        validation.count(
            request.parameters?.count, value: "\(request.parameters?.count ?? 0) parameters", "parameters", max: 20)
        try validation.check()
        guard let name = request.name, let queryString = request.queryString else {
            throw AWSError.invalidParameter("name and queryString are required.")
        }
        let language = request.queryLanguage ?? "CWLI"
        let parameters = try request.parameters.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let now = LogsService.now()
        let groups = request.logGroupNames ?? []
        if let text = request.queryDefinitionId {
            guard let id = UUID(uuidString: text) else { throw AWSError.queryDefinitionNotFound }
            let rows = try await database.query(
                """
                UPDATE query_definitions SET name = \(name), query_string = \(queryString),
                    query_language = \(language), log_group_names = \(groups), parameters = \(parameters)::jsonb,
                    last_modified = \(now)
                WHERE definition_id = \(id) AND account_id = \(caller.accountID) AND region = \(caller.region)
                RETURNING definition_id
                """)
            for try await _ in rows.decode(UUID.self) { return PutQueryDefinitionResponse(queryDefinitionId: text) }
            throw AWSError.queryDefinitionNotFound
        }
        let id = UUID()
        try await database.transaction { connection in
            try await connection.query(
                "SELECT 1 FROM accounts WHERE account_id = \(caller.accountID) FOR UPDATE", logger: database.logger)
            let rows = try await connection.query(
                """
                SELECT count(*)::bigint FROM query_definitions
                WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                """, logger: database.logger)
            for try await count in rows.decode(Int64.self) where count >= Self.maximumDefinitions {
                throw AWSError.limitExceeded()
            }
            try await connection.query(
                """
                INSERT INTO query_definitions (definition_id, account_id, region, name, query_string, query_language,
                    log_group_names, parameters, last_modified)
                VALUES (\(id), \(caller.accountID), \(caller.region), \(name), \(queryString), \(language), \(groups),
                    \(parameters)::jsonb, \(now))
                """, logger: database.logger)
        }
        return PutQueryDefinitionResponse(queryDefinitionId: id.uuidString.lowercased())
    }

    func describeQueryDefinitions(
        _ request: DescribeQueryDefinitionsRequest, _ caller: Caller
    ) async throws -> DescribeQueryDefinitionsResponse {
        var validation = Validation()
        validation.oneOf(request.queryLanguage, "queryLanguage", InsightsHandlers.languages)
        validation.string(request.queryDefinitionNamePrefix, "queryDefinitionNamePrefix", min: 1, max: 255)
        validation.number(request.maxResults, "maxResults", min: 1, max: 1000)
        validation.string(request.nextToken, "nextToken", min: 1)
        try validation.check()
        let operation = "DescribeQueryDefinitions"
        var after: (String, UUID)?
        if let token = request.nextToken {
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 2)
            guard let id = UUID(uuidString: position[1]) else { throw AWSError.invalidNextToken }
            after = (position[0], id)
        }
        let limit = request.maxResults ?? 1000
        let pattern = request.queryDefinitionNamePrefix.map { LogsService.likeEscaped($0) + "%" }
        let rows = try await database.query(
            """
            SELECT definition_id, name, query_string, query_language, log_group_names, parameters::text, last_modified
            FROM query_definitions
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(pattern)::text IS NULL OR name LIKE \(pattern))
              AND (\(request.queryLanguage)::text IS NULL OR query_language = \(request.queryLanguage))
              AND (\(after?.0)::text IS NULL OR (name, definition_id) > (\(after?.0), \(after?.1)))
            ORDER BY name, definition_id LIMIT \(limit + 1)
            """)
        var definitions: [QueryDefinitionShape] = []
        for try await (id, name, query, language, groups, parameters, modified) in rows.decode(
            (UUID, String, String, String, [String], String?, Int64).self)
        {
            definitions.append(
                QueryDefinitionShape(
                    queryLanguage: language, queryDefinitionId: id.uuidString.lowercased(), name: name,
                    queryString: query, lastModified: modified, logGroupNames: groups,
                    parameters: try parameters.map {
                        try JSONDecoder().decode([QueryParameter].self, from: Data($0.utf8))
                    }))
        }
        let page = Array(definitions.prefix(limit))
        let next =
            definitions.count > limit
            ? page.last.map { pageToken.make([$0.name, $0.queryDefinitionId], operation: operation, caller: caller) }
            : nil
        return DescribeQueryDefinitionsResponse(queryDefinitions: page, nextToken: next)
    }

    func deleteQueryDefinition(_ request: QueryDefinitionIDRequest, _ caller: Caller) async throws -> SuccessResponse {
        var validation = Validation()
        validation.required(request.queryDefinitionId, "queryDefinitionId")
        validation.string(request.queryDefinitionId, "queryDefinitionId", min: 1, max: 256)
        try validation.check()
        guard let id = request.queryDefinitionId.flatMap(UUID.init(uuidString:)) else {
            throw AWSError.queryDefinitionNotFound
        }
        let rows = try await database.query(
            """
            DELETE FROM query_definitions
            WHERE definition_id = \(id) AND account_id = \(caller.accountID) AND region = \(caller.region)
            RETURNING definition_id
            """)
        for try await _ in rows.decode(UUID.self) { return SuccessResponse(success: true) }
        throw AWSError.queryDefinitionNotFound
    }
}

extension AWSError {
    static let queryDefinitionNotFound = AWSError.resourceNotFound("The specified query definition does not exist.")
}
