import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct PutResourcePolicyRequest: Decodable {
    let policyName: String?
    let policyDocument: String?
    let resourceArn: String?
    let expectedRevisionId: String?
}

struct LogsResourcePolicy: Encodable {
    let policyName: String?
    let policyDocument: String
    let lastUpdatedTime: Int64
    let policyScope: String
    let resourceArn: String?
    let revisionId: String
}

struct PutResourcePolicyResponse: Encodable {
    let resourcePolicy: LogsResourcePolicy
    let revisionId: String
}

struct DescribeResourcePoliciesRequest: Decodable {
    let nextToken: String?
    let limit: Int?
    let resourceArn: String?
    let policyScope: String?
}

struct DescribeResourcePoliciesResponse: Encodable {
    let resourcePolicies: [LogsResourcePolicy]
    let nextToken: String?
}

struct DeleteResourcePolicyRequest: Decodable {
    let policyName: String?
    let resourceArn: String?
    let expectedRevisionId: String?
}

/// PutResourcePolicy, DescribeResourcePolicies, DeleteResourcePolicy: account-scoped policies by name (at most 10
/// per account and region, as AWS allows) and one policy per log group, by its ARN, guarded by revision ids. The
/// document must be a policy Cairn can evaluate. AWS enforces them only for AWS service principals writing logs
/// into the account (logs:CreateLogStream, logs:PutLogEvents); Cairn has no such services, so they are kept and
/// returned for the tools that manage them.
struct ResourcePolicyHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore

    static let accountPolicies = 10
    static let documentLength = 1...51_200

    func putResourcePolicy(
        _ request: PutResourcePolicyRequest, _ caller: Caller
    ) async throws -> PutResourcePolicyResponse {
        var validation = Validation()
        validation.required(request.policyDocument, "policyDocument")
        validation.string(
            request.policyDocument, "policyDocument", min: Self.documentLength.lowerBound,
            max: Self.documentLength.upperBound)
        validation.string(request.expectedRevisionId, "expectedRevisionId", min: 1)
        try validation.check()
        let document = request.policyDocument ?? ""
        do {
            _ = try ResourcePolicy(document)
        } catch {
            throw AWSError.invalidParameter("The policy document is not valid: \(error.description)")
        }
        let (scope, key) = try await target(request.policyName, request.resourceArn, caller)
        let now = LogsService.now()
        let revision = UUID().uuidString.lowercased()
        try await database.transaction { connection in
            // One writer of the account's policies at a time: the count and the revision check hold.
            try await connection.query(
                "SELECT 1 FROM accounts WHERE account_id = \(caller.accountID) FOR UPDATE", logger: database.logger)
            var current: String?
            for try await id in try await connection.query(
                """
                SELECT revision_id FROM log_resource_policies
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND scope = \(scope)
                  AND policy_key = \(key)
                """, logger: database.logger
            ).decode(String.self) {
                current = id
            }
            if scope == "RESOURCE", request.expectedRevisionId != current {
                throw AWSError(
                    "OperationAbortedException",
                    "The expected revision id does not match the policy's current revision id.")
            }
            if current == nil, scope == "ACCOUNT" {
                for try await count in try await connection.query(
                    """
                    SELECT count(*) FROM log_resource_policies
                    WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND scope = 'ACCOUNT'
                    """, logger: database.logger
                ).decode(Int.self) where count >= Self.accountPolicies {
                    throw AWSError.limitExceeded()
                }
            }
            try await connection.query(
                """
                INSERT INTO log_resource_policies (account_id, region, scope, policy_key, policy_name, resource_arn,
                    document, revision_id, last_updated)
                VALUES (\(caller.accountID), \(caller.region), \(scope), \(key), \(request.policyName),
                    \(request.resourceArn), \(document), \(revision), \(now))
                ON CONFLICT (account_id, region, scope, policy_key) DO UPDATE SET document = EXCLUDED.document,
                    revision_id = EXCLUDED.revision_id, last_updated = EXCLUDED.last_updated,
                    policy_name = EXCLUDED.policy_name
                """, logger: database.logger)
        }
        let policy = LogsResourcePolicy(
            policyName: request.policyName, policyDocument: document, lastUpdatedTime: now, policyScope: scope,
            resourceArn: request.resourceArn, revisionId: revision)
        return PutResourcePolicyResponse(resourcePolicy: policy, revisionId: revision)
    }

    /// A policy is the account's (by name) or a log group's (by ARN, which must name one of the caller's groups).
    private func target(_ name: String?, _ arn: String?, _ caller: Caller) async throws -> (String, String) {
        switch (name, arn) {
        case (_, .some(let arn)):
            guard let reference = ResourceName.logGroupReference(arn, caller: caller), arn.hasPrefix("arn:"),
                reference.accountID == caller.accountID, reference.region == caller.region
            else { throw AWSError.invalidParameter("The resourceArn must be the ARN of a log group of this account.") }
            _ = try await groups.resolve(reference.name, caller)
            return ("RESOURCE", ResourceName.logGroup(caller, reference.name))
        case (.some(let name), .none):
            guard !name.isEmpty else { throw AWSError.invalidParameter("policyName must not be empty.") }
            return ("ACCOUNT", name)
        case (.none, .none):
            throw AWSError.invalidParameter("Either policyName or resourceArn must be specified.")
        }
    }

    func describeResourcePolicies(
        _ request: DescribeResourcePoliciesRequest, _ caller: Caller
    ) async throws -> DescribeResourcePoliciesResponse {
        var validation = Validation()
        validation.number(request.limit, "limit", min: 1, max: 50)
        validation.nextToken(request.nextToken)
        validation.oneOf(request.policyScope, "policyScope", ["ACCOUNT", "RESOURCE"])
        try validation.check()
        let limit = request.limit ?? 50
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "DescribeResourcePolicies", caller: caller, fields: 2)
        }
        let arnKey = try request.resourceArn.map { arn -> String in
            guard let reference = ResourceName.logGroupReference(arn, caller: caller) else {
                throw AWSError.invalidParameter("The resourceArn must be the ARN of a log group.")
            }
            return ResourceName.logGroup(caller.acting(for: reference.accountID), reference.name)
        }
        let scope = request.policyScope ?? (arnKey == nil ? "ACCOUNT" : "RESOURCE")
        let rows = try await database.query(
            """
            SELECT scope, policy_key, policy_name, resource_arn, document, revision_id, last_updated
            FROM log_resource_policies
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND scope = \(scope)
              AND (\(arnKey)::text IS NULL OR policy_key = \(arnKey))
              AND (\(after?[0])::text IS NULL OR (scope, policy_key) > (\(after?[0]), \(after?[1] ?? "")))
            ORDER BY scope, policy_key LIMIT \(limit + 1)
            """)
        var policies: [(String, String, LogsResourcePolicy)] = []
        for try await (scope, key, name, arn, document, revision, updated) in rows.decode(
            (String, String, String?, String?, String, String, Int64).self)
        {
            policies.append(
                (
                    scope, key,
                    LogsResourcePolicy(
                        policyName: name, policyDocument: document, lastUpdatedTime: updated, policyScope: scope,
                        resourceArn: arn, revisionId: revision)
                ))
        }
        let page = policies.prefix(limit)
        let token =
            policies.count > limit
            ? page.last.map { pageToken.make([$0.0, $0.1], operation: "DescribeResourcePolicies", caller: caller) }
            : nil
        return DescribeResourcePoliciesResponse(resourcePolicies: page.map(\.2), nextToken: token)
    }

    func deleteResourcePolicy(_ request: DeleteResourcePolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.string(request.expectedRevisionId, "expectedRevisionId", min: 1)
        try validation.check()
        let (scope, key) = try await target(request.policyName, request.resourceArn, caller)
        let rows = try await database.query(
            """
            DELETE FROM log_resource_policies
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND scope = \(scope)
              AND policy_key = \(key)
              AND (\(request.expectedRevisionId)::text IS NULL OR revision_id = \(request.expectedRevisionId))
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        if request.expectedRevisionId != nil {
            let exists = try await database.query(
                """
                SELECT 1 FROM log_resource_policies WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                  AND scope = \(scope) AND policy_key = \(key)
                """)
            for try await _ in exists.decode(Int.self) {
                throw AWSError(
                    "OperationAbortedException",
                    "The expected revision id does not match the policy's current revision id.")
            }
        }
        throw AWSError.resourceNotFound("Policy with name [\(request.policyName ?? key)] does not exist")
    }
}
