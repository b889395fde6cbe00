import CairnAccounts
import CairnKeys
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension LogGroupHandlers {
    func createLogGroup(_ request: CreateLogGroupRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.string(request.kmsKeyId, "kmsKeyId", max: LogsLimits.kmsKeyIdMaxLength)
        validation.tags(request.tags)
        validation.oneOf(request.logGroupClass, "logGroupClass", LogsLimits.logGroupClasses)
        try validation.check()
        guard let name = request.logGroupName else { throw AWSError.logGroupNotFound }
        if name.lowercased().hasPrefix("aws/") { throw AWSError.reservedLogGroupName }
        if let tags = request.tags, tags.keys.contains(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw AWSError.reservedTagKey
        }
        var key: (arn: String, id: UUID, owner: String)?
        if let reference = request.kmsKeyId { key = try await customerKey(reference, forGroup: name, caller) }
        let tags = String(decoding: JSONRequest.encode(request.tags ?? [:]), as: UTF8.self)
        let created = try await database.transaction { connection -> Bool in
            // The account's row is locked while groups are counted, so concurrent creations count alike.
            do {
                try await quotas.reserve(
                    .logGroups, account: caller.accountID, region: caller.region,
                    counting: """
                        SELECT count(*)::integer FROM log_groups
                        WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                        """, on: connection)
            } catch is QuotaExceeded {
                throw AWSError.limitExceeded()
            }
            let rows = try await connection.query(
                """
                INSERT INTO log_groups (account_id, region, name, creation_time, log_group_class, deletion_protection,
                                        tags, kms_key_id, kms_key_uuid, kms_key_account)
                VALUES (\(caller.accountID), \(caller.region), \(name), \(LogsService.now()),
                        \(request.logGroupClass ?? "STANDARD"), \(request.deletionProtectionEnabled ?? false),
                        \(tags)::jsonb, \(key?.arn), \(key?.id), \(key.flatMap { $0.owner == caller.accountID ? nil : $0.owner }))
                ON CONFLICT (account_id, region, name) DO NOTHING RETURNING group_id
                """, logger: database.logger)
            for try await _ in rows { return true }
            return false
        }
        guard created else { throw AWSError.logGroupExists }
        return EmptyResponse()
    }

    func deleteLogGroup(_ request: LogGroupNameRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        try validation.check()
        let rows = try await database.query(
            """
            DELETE FROM log_groups WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND name = \(request.logGroupName) AND NOT deletion_protection RETURNING group_id
            """)
        // The group's data keys went with it (ON DELETE CASCADE): its chunks are unreadable from now on,
        // and the retention sweeper removes them.
        for try await groupID in rows.decode(Int64.self) {
            keyRing.forget(account: caller.accountID, group: groupID)
            return EmptyResponse()
        }
        _ = try await groups.resolve(request.logGroupName, caller).id
        throw AWSError.deletionProtected
    }

    func describeLogGroups(
        _ request: DescribeLogGroupsRequest, _ caller: Caller
    ) async throws -> DescribeLogGroupsResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupNamePrefix, "logGroupNamePrefix", required: false)
        validation.string(
            request.logGroupNamePattern, "logGroupNamePattern", max: LogsLimits.logGroupNameLength.upperBound,
            pattern: .logGroupNameSubstring)
        validation.describeLimit(request.limit)
        validation.nextToken(request.nextToken)
        validation.oneOf(request.logGroupClass, "logGroupClass", LogsLimits.logGroupClasses)
        validation.count(
            request.accountIdentifiers?.count, value: "\(request.accountIdentifiers ?? [])", "accountIdentifiers",
            max: LogsLimits.accountIdentifiersMax)
        for (index, account) in (request.accountIdentifiers ?? []).enumerated() {
            validation.string(account, "accountIdentifiers.\(index + 1).member", min: 12, max: 12, pattern: .accountID)
        }
        validation.count(
            request.logGroupIdentifiers?.count, value: "\(request.logGroupIdentifiers ?? [])", "logGroupIdentifiers",
            min: LogsLimits.logGroupIdentifiersCount.lowerBound, max: LogsLimits.logGroupIdentifiersCount.upperBound)
        for (index, identifier) in (request.logGroupIdentifiers ?? []).enumerated() {
            validation.logGroupIdentifier(identifier, "logGroupIdentifiers.\(index + 1).member")
        }
        try validation.check()
        if request.logGroupNamePrefix != nil && request.logGroupNamePattern != nil { throw AWSError.prefixAndPattern }

        let limit = request.limit ?? LogsLimits.describeDefaultLimit
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "DescribeLogGroups", caller: caller, fields: 2)
        }
        let accounts = try await self.accounts.searched(
            linked: request.includeLinkedAccounts, only: request.accountIdentifiers, caller)
        // Identifiers are names (the caller's own groups) or ARNs, of the accounts searched, in this region.
        let identified: [ResourceName.LogGroupReference]? = request.logGroupIdentifiers.map { identifiers in
            identifiers.compactMap { ResourceName.logGroupReference($0, caller: caller) }
                .filter { accounts.contains($0.accountID) && $0.region == caller.region }
        }
        let identifiedAccounts = identified?.map(\.accountID)
        let identifiedNames = identified?.map(\.name)
        var page = Page<LogGroupDescription>(limit: limit)
        if !accounts.isEmpty {
            let prefixPattern = request.logGroupNamePrefix.map { LogsService.likeEscaped($0) + "%" }
            let substringPattern = request.logGroupNamePattern.map { "%" + LogsService.likeEscaped($0) + "%" }
            let rows = try await database.query(
                """
                SELECT account_id, name, creation_time, retention_days,
                       (SELECT count(*) FROM metric_filters f
                        WHERE f.account_id = g.account_id AND f.group_id = g.group_id)::integer,
                       (SELECT COALESCE(sum(s.stored_bytes), 0)::bigint FROM log_streams s
                        WHERE s.account_id = g.account_id AND s.group_id = g.group_id),
                       kms_key_id, log_group_class, deletion_protection, data_protection_status,
                       EXISTS (SELECT 1 FROM log_account_policies a
                               WHERE a.account_id = g.account_id AND a.region = g.region
                                 AND a.policy_type = 'DATA_PROTECTION_POLICY')
                FROM log_groups g
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region)
                  AND (\(prefixPattern)::text IS NULL OR name LIKE \(prefixPattern))
                  AND (\(substringPattern)::text IS NULL OR name LIKE \(substringPattern))
                  AND (\(request.logGroupClass)::text IS NULL OR log_group_class = \(request.logGroupClass))
                  AND (\(identifiedNames)::text[] IS NULL OR (account_id, name) IN (
                       SELECT * FROM unnest(\(identifiedAccounts)::text[], \(identifiedNames)::text[])))
                  AND (\(after?[0])::text IS NULL
                       OR (name COLLATE "C", account_id) > (\(after?[0]), \(after?[1] ?? "")))
                ORDER BY name COLLATE "C", account_id LIMIT \(page.fetchLimit)
                """)
            for try await
                (account, name, created, retention, filters, stored, kms, groupClass, protected, protection, inherits)
                in rows.decode(
                    (String, String, Int64, Int?, Int, Int64, String?, String, Bool, String?, Bool).self)
            {
                let arn = ResourceName.logGroup(caller.acting(for: account), name)
                guard
                    page.add(
                        LogGroupDescription(
                            logGroupName: name, creationTime: created, retentionInDays: retention,
                            metricFilterCount: filters,
                            arn: arn + ":*", storedBytes: stored, kmsKeyId: kms, logGroupClass: groupClass,
                            logGroupArn: arn,
                            deletionProtectionEnabled: protected, dataProtectionStatus: protection,
                            inheritedProperties: inherits ? ["ACCOUNT_DATA_PROTECTION"] : nil))
                else { break }
            }
        }
        let token =
            page.hasMore
            ? page.items.last.map {
                pageToken.make(
                    [$0.logGroupName, ARN($0.arn)?.account ?? caller.accountID], operation: "DescribeLogGroups",
                    caller: caller)
            }
            : nil
        return DescribeLogGroupsResponse(
            logGroups: request.logGroupNamePattern == nil ? page.items : page.items.map(\.nameOnly), nextToken: token)
    }

    /// Sets or clears deletion protection of one of the caller's own groups (by name or ARN).
    func putLogGroupDeletionProtection(
        _ request: PutLogGroupDeletionProtectionRequest, _ caller: Caller
    ) async throws -> EmptyResponse {
        var validation = Validation()
        validation.required(request.logGroupIdentifier, "logGroupIdentifier")
        validation.logGroupIdentifier(request.logGroupIdentifier)
        validation.required(request.deletionProtectionEnabled, "deletionProtectionEnabled")
        try validation.check()
        let name = try OwnGroup.name(request.logGroupIdentifier ?? "", caller)
        let rows = try await database.query(
            """
            UPDATE log_groups SET deletion_protection = \(request.deletionProtectionEnabled ?? false)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        throw AWSError.logGroupNotFound
    }

    func putRetentionPolicy(_ request: PutRetentionPolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.required(request.retentionInDays, "retentionInDays")
        if let days = request.retentionInDays, !LogsLimits.retentionDays.contains(days) {
            validation.fail(
                value: "\(days)", member: "retentionInDays",
                constraint:
                    "Member must satisfy enum value set: [\(LogsLimits.retentionDays.map(String.init).joined(separator: ", "))]"
            )
        }
        try validation.check()
        try await setRetention(request.logGroupName, caller, days: request.retentionInDays)
        return EmptyResponse()
    }

    func deleteRetentionPolicy(_ request: LogGroupNameRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        try validation.check()
        try await setRetention(request.logGroupName, caller, days: nil)
        return EmptyResponse()
    }

    private func setRetention(_ name: String?, _ caller: Caller, days: Int?) async throws {
        let rows = try await database.query(
            """
            UPDATE log_groups SET retention_days = \(days)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) RETURNING 1
            """)
        for try await _ in rows { return }
        throw AWSError.logGroupNotFound
    }

}
