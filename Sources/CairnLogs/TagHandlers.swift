import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension TagHandlers {
    func tagLogGroup(_ request: TagLogGroupRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.required(request.tags, "tags")
        validation.tags(request.tags)
        try validation.check()
        try await addTags(request.tags ?? [:], group: request.logGroupName ?? "", caller) {
            AWSError.invalidParameter("A resource can have no more than \(LogsLimits.tagsPerResource) tags.")
        }
        return EmptyResponse()
    }

    func untagLogGroup(_ request: UntagLogGroupRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.required(request.tags, "tags")
        validation.tagKeys(request.tags, "tags")
        try validation.check()
        try await removeTags(request.tags ?? [], group: request.logGroupName ?? "", caller)
        return EmptyResponse()
    }

    func listTagsLogGroup(_ request: LogGroupNameRequest, _ caller: Caller) async throws -> TagsResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        try validation.check()
        return TagsResponse(tags: try await tags(group: request.logGroupName ?? "", caller))
    }

    func tagResource(_ request: TagResourceRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.resourceARN(request.resourceArn)
        validation.required(request.tags, "tags")
        validation.tags(request.tags)
        try validation.check()
        let arn = request.resourceArn ?? ""
        if let destination = taggedDestination(arn, caller) {
            let newTags = request.tags ?? [:]
            if newTags.keys.contains(where: { $0.lowercased().hasPrefix("aws:") }) { throw AWSError.reservedTagKey }
            try await updateDestinationTags(destination, caller) { tags throws(AWSError) in
                tags.merge(newTags) { $1 }
                guard tags.count <= LogsLimits.tagsPerResource else { throw AWSError.tooManyTags(arn) }
            }
            return EmptyResponse()
        }
        let group = try taggedGroup(arn, caller)
        try await addTags(request.tags ?? [:], group: group, caller) { AWSError.tooManyTags(arn) }
        return EmptyResponse()
    }

    func untagResource(_ request: UntagResourceRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.resourceARN(request.resourceArn)
        validation.required(request.tagKeys, "tagKeys")
        if let keys = request.tagKeys {
            validation.count(
                keys.count, value: "[\(keys.joined(separator: ", "))]", "tagKeys", max: LogsLimits.tagsPerResource)
            for (index, key) in keys.enumerated() { validation.tagKey(key, "tagKeys.\(index + 1).member") }
        }
        try validation.check()
        if let destination = taggedDestination(request.resourceArn ?? "", caller) {
            let keys = request.tagKeys ?? []
            try await updateDestinationTags(destination, caller) { tags throws(AWSError) in
                for key in keys { tags[key] = nil }
            }
            return EmptyResponse()
        }
        let group = try taggedGroup(request.resourceArn ?? "", caller)
        try await removeTags(request.tagKeys ?? [], group: group, caller)
        return EmptyResponse()
    }

    func listTagsForResource(_ request: ResourceARNRequest, _ caller: Caller) async throws -> TagsResponse {
        var validation = Validation()
        validation.resourceARN(request.resourceArn)
        try validation.check()
        if let destination = taggedDestination(request.resourceArn ?? "", caller) {
            return TagsResponse(tags: try await updateDestinationTags(destination, caller) { _ throws(AWSError) in })
        }
        let group = try taggedGroup(request.resourceArn ?? "", caller)
        return TagsResponse(tags: try await tags(group: group, caller))
    }

    /// The destination a tagging ARN names, if it names one of the caller's (in its region).
    private func taggedDestination(_ arn: String, _ caller: Caller) -> String? {
        guard let parsed = ARN(arn), parsed.service == "logs", parsed.account == caller.accountID,
            parsed.region == caller.region, case .destination(let name) = parsed.resource
        else { return nil }
        return name
    }

    /// Reads a destination's tags, lets `change` edit them, and saves them if they changed; returns them.
    @discardableResult
    private func updateDestinationTags(
        _ name: String, _ caller: Caller, _ change: @Sendable (inout [String: String]) throws(AWSError) -> Void
    ) async throws -> [String: String] {
        try await database.transaction { connection in
            var stored: String?
            for try await text in try await connection.query(
                """
                SELECT tags::text FROM destinations
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) FOR UPDATE
                """, logger: database.logger
            ).decode(String.self) {
                stored = text
            }
            guard let stored else { throw AWSError.resourceNotFound("The specified resource does not exist.") }
            let before = try JSONDecoder().decode([String: String].self, from: Data(stored.utf8))
            var tags = before
            try change(&tags)
            if tags != before {
                let json = String(decoding: JSONRequest.encode(tags), as: UTF8.self)
                try await connection.query(
                    """
                    UPDATE destinations SET tags = \(json)::jsonb
                    WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name)
                    """, logger: database.logger)
            }
            return tags
        }
    }

    /// The log group a tagging ARN names; any other resource type, account or region is not found.
    private func taggedGroup(_ arn: String, _ caller: Caller) throws(AWSError) -> String {
        guard arn.hasPrefix("arn:"), let reference = ResourceName.logGroupReference(arn, caller: caller),
            reference.accountID == caller.accountID, reference.region == caller.region
        else { throw AWSError.resourceNotFound("The specified resource does not exist.") }
        return reference.name
    }

    private func addTags(
        _ newTags: [String: String], group: String, _ caller: Caller, tooMany: @Sendable () -> AWSError
    ) async throws {
        if newTags.keys.contains(where: { $0.lowercased().hasPrefix("aws:") }) { throw AWSError.reservedTagKey }
        try await database.transaction { connection in
            let groupID = try await groups.resolve(group, caller, on: connection, forUpdate: true).id
            var tags = try await storedTags(groupID, caller, connection)
            tags.merge(newTags) { $1 }
            guard tags.count <= LogsLimits.tagsPerResource else { throw tooMany() }
            try await saveTags(tags, groupID, caller, connection)
        }
    }

    private func removeTags(_ keys: [String], group: String, _ caller: Caller) async throws {
        try await database.transaction { connection in
            let groupID = try await groups.resolve(group, caller, on: connection, forUpdate: true).id
            var tags = try await storedTags(groupID, caller, connection)
            for key in keys { tags[key] = nil }
            try await saveTags(tags, groupID, caller, connection)
        }
    }

    private func tags(group: String, _ caller: Caller) async throws -> [String: String] {
        try await database.transaction { connection in
            try await storedTags(try await groups.resolve(group, caller, on: connection).id, caller, connection)
        }
    }

    private func storedTags(
        _ groupID: Int64, _ caller: Caller, _ connection: PostgresConnection
    ) async throws -> [String: String] {
        let rows = try await connection.query(
            "SELECT tags::text FROM log_groups WHERE account_id = \(caller.accountID) AND group_id = \(groupID)",
            logger: database.logger)
        for try await text in rows.decode(String.self) {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
        return [:]
    }

    private func saveTags(
        _ tags: [String: String], _ groupID: Int64, _ caller: Caller, _ connection: PostgresConnection
    )
        async throws
    {
        let json = String(decoding: JSONRequest.encode(tags), as: UTF8.self)
        try await connection.query(
            "UPDATE log_groups SET tags = \(json)::jsonb WHERE account_id = \(caller.accountID) AND group_id = \(groupID)",
            logger: database.logger)
    }
}

extension Validation {
    mutating func resourceARN(_ value: String?) {
        required(value, "resourceArn")
        string(
            value, "resourceArn", min: LogsLimits.resourceARNLength.lowerBound,
            max: LogsLimits.resourceARNLength.upperBound,
            pattern: .resourceName)
    }
}
