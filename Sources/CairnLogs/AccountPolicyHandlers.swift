import CairnProtection
import CairnProtocol
import CairnStore
import CairnTransform
import Foundation
import PostgresNIO

struct PutAccountPolicyRequest: Decodable {
    let policyName: String?
    var policyDocument: String? = nil
    var policyType: String? = nil
    var scope: String? = nil
    var selectionCriteria: String? = nil
}

struct AccountPolicy: Encodable {
    let policyName: String
    let policyDocument: String
    let lastUpdatedTime: Int64
    let policyType: String
    let scope: String
    let selectionCriteria: String?
    let accountId: String
}

struct PutAccountPolicyResponse: Encodable {
    let accountPolicy: AccountPolicy
}

struct DescribeAccountPoliciesRequest: Decodable {
    let policyType: String?
    var policyName: String? = nil
    var accountIdentifiers: [String]? = nil
    var nextToken: String? = nil
}

struct DescribeAccountPoliciesResponse: Encodable {
    let accountPolicies: [AccountPolicy]
    let nextToken: String?
}

struct DeleteAccountPolicyRequest: Decodable {
    let policyName: String?
    var policyType: String? = nil
}

/// PutAccountPolicy, DescribeAccountPolicies, DeleteAccountPolicy for the two policy types Cairn applies: one
/// account-level data protection policy (masking with every group's own policy), and up to 20 transformer policies
/// (for groups without a transformer of their own, chosen by name prefix). Subscription filter, field index and
/// metric extraction policies are refused: Cairn would store them without applying them.
extension AccountPolicyHandlers {
    static let policyTypes = [
        "DATA_PROTECTION_POLICY", "SUBSCRIPTION_FILTER_POLICY", "FIELD_INDEX_POLICY", "TRANSFORMER_POLICY",
        "METRIC_EXTRACTION_POLICY",
    ]

    func putAccountPolicy(_ request: PutAccountPolicyRequest, _ caller: Caller) async throws -> PutAccountPolicyResponse
    {
        var validation = Validation()
        validation.required(request.policyName, "policyName")
        validation.required(request.policyDocument, "policyDocument")
        validation.required(request.policyType, "policyType")
        validation.oneOf(request.policyType, "policyType", Self.policyTypes)
        validation.oneOf(request.scope, "scope", ["ALL"])
        try validation.check()
        let name = request.policyName ?? ""
        let document = request.policyDocument ?? ""
        let type = request.policyType ?? ""
        guard !name.isEmpty else { throw AWSError.invalidParameter("The policy name must not be empty.") }
        guard document.utf8.count <= LogsLimits.accountPolicyDocumentLength else {
            throw AWSError.invalidParameter(
                "The policy document can be up to \(LogsLimits.accountPolicyDocumentLength) characters.")
        }
        var prefixes: [String] = []
        var transformerConfig: String?
        switch type {
        case "DATA_PROTECTION_POLICY":
            guard request.selectionCriteria == nil else {
                throw AWSError.invalidParameter(
                    "selectionCriteria is valid only for SUBSCRIPTION_FILTER_POLICY, FIELD_INDEX_POLICY or "
                        + "TRANSFORMER_POLICY.")
            }
            try await dataProtection.validateProtectionPolicy(document, caller)
        case "TRANSFORMER_POLICY":
            let configuration = try TransformerHandlers.configuration(Self.processors(inPolicy: document), Validation())
            _ = try TransformerHandlers.transformer(configuration)
            transformerConfig = String(decoding: configuration.storedJSON(), as: UTF8.self)
            if let criteria = request.selectionCriteria { prefixes = try Self.namePrefixes(criteria) }
        default:
            throw AWSError.invalidParameter(
                "Cairn applies account policies of type DATA_PROTECTION_POLICY and TRANSFORMER_POLICY only.")
        }
        let now = LogsService.now()
        let scope = request.scope ?? "ALL"
        try await database.transaction { connection in
            // One writer at a time per account and type: the limits below count what is committed.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(\(caller.accountID + "/" + caller.region + "/" + type)))",
                logger: database.logger)
            var others: [(name: String, prefixes: [String])] = []
            for try await row in try await connection.query(
                """
                SELECT policy_name, prefixes FROM log_account_policies
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND policy_type = \(type)
                  AND policy_name <> \(name)
                """, logger: database.logger
            ).decode((String, [String]).self) {
                others.append(row)
            }
            if type == "DATA_PROTECTION_POLICY", !others.isEmpty {
                throw AWSError.limitExceeded("An account can have only one account-level data protection policy.")
            }
            if type == "TRANSFORMER_POLICY" {
                guard others.count < LogsLimits.transformerPolicies else { throw AWSError.limitExceeded() }
                for other in others where Self.overlap(other.prefixes, prefixes) {
                    throw AWSError.invalidParameter(
                        "The selection criteria overlap with those of the transformer policy \(other.name).")
                }
            }
            try await connection.query(
                """
                INSERT INTO log_account_policies (account_id, region, policy_type, policy_name, document, scope,
                    selection_criteria, prefixes, transformer_config, last_updated)
                VALUES (\(caller.accountID), \(caller.region), \(type), \(name), \(document), \(scope),
                    \(request.selectionCriteria), \(prefixes), \(transformerConfig), \(now))
                ON CONFLICT (account_id, region, policy_type, policy_name) DO UPDATE SET
                    document = excluded.document, scope = excluded.scope,
                    selection_criteria = excluded.selection_criteria, prefixes = excluded.prefixes,
                    transformer_config = excluded.transformer_config, last_updated = excluded.last_updated
                """, logger: database.logger)
        }
        return PutAccountPolicyResponse(
            accountPolicy: AccountPolicy(
                policyName: name, policyDocument: document, lastUpdatedTime: now, policyType: type, scope: scope,
                selectionCriteria: request.selectionCriteria, accountId: caller.accountID))
    }

    func describeAccountPolicies(
        _ request: DescribeAccountPoliciesRequest, _ caller: Caller
    ) async throws -> DescribeAccountPoliciesResponse {
        var validation = Validation()
        validation.required(request.policyType, "policyType")
        validation.oneOf(request.policyType, "policyType", Self.policyTypes)
        validation.count(
            request.accountIdentifiers?.count, value: "[...]", "accountIdentifiers", min: 0,
            max: LogsLimits.accountIdentifiersMax)
        try validation.check()
        let accounts = try await self.accounts.searched(
            linked: request.accountIdentifiers?.isEmpty == false, only: request.accountIdentifiers, caller)
        let rows = try await database.query(
            """
            SELECT account_id, policy_name, document, last_updated, policy_type, scope, selection_criteria
            FROM log_account_policies
            WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND policy_type = \(request.policyType)
              AND (\(request.policyName)::text IS NULL OR policy_name = \(request.policyName))
            ORDER BY account_id, policy_name
            """)
        var policies: [AccountPolicy] = []
        for try await (account, name, document, updated, type, scope, criteria) in rows.decode(
            (String, String, String, Int64, String, String, String?).self)
        {
            policies.append(
                AccountPolicy(
                    policyName: name, policyDocument: document, lastUpdatedTime: updated, policyType: type,
                    scope: scope, selectionCriteria: criteria, accountId: account))
        }
        return DescribeAccountPoliciesResponse(accountPolicies: policies, nextToken: nil)
    }

    func deleteAccountPolicy(_ request: DeleteAccountPolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.required(request.policyName, "policyName")
        validation.required(request.policyType, "policyType")
        validation.oneOf(request.policyType, "policyType", Self.policyTypes)
        try validation.check()
        let rows = try await database.query(
            """
            DELETE FROM log_account_policies
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND policy_type = \(request.policyType) AND policy_name = \(request.policyName)
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        throw AWSError.resourceNotFound("Policy with name [\(request.policyName ?? "")] does not exist")
    }

    /// A transformer policy's document: the processors as a JSON array, or an object holding them as
    /// `transformerConfig`.
    static func processors(inPolicy document: String) throws(AWSError) -> [Processor] {
        let data = Data(document.utf8)
        if let processors = try? JSONDecoder().decode([Processor].self, from: data) { return processors }
        struct Wrapped: Decodable { let transformerConfig: [Processor] }
        if let wrapped = try? JSONDecoder().decode(Wrapped.self, from: data) { return wrapped.transformerConfig }
        throw AWSError.invalidParameter(
            "A transformer policy's document must hold the processors (a transformerConfig array).")
    }

    /// `LogGroupNamePrefix IN ["a", "b"]`: the only selection criteria of a transformer policy.
    static func namePrefixes(_ criteria: String) throws(AWSError) -> [String] {
        let refusal = AWSError.invalidParameter(
            "The only selection criteria of a transformer policy is LogGroupNamePrefix IN [\"prefix\", ...].")
        var text = Substring(criteria.trimmingCharacters(in: .whitespaces))
        for keyword in ["LogGroupNamePrefix", "IN"] {
            guard text.hasPrefix(keyword) else { throw refusal }
            text = text.dropFirst(keyword.count).drop(while: { $0 == " " })
        }
        guard let prefixes = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), !prefixes.isEmpty,
            prefixes.allSatisfy({ !$0.isEmpty })
        else { throw refusal }
        return prefixes
    }

    /// Two policies' prefixes overlap when one could select a group the other selects (no prefixes: every group).
    static func overlap(_ first: [String], _ second: [String]) -> Bool {
        if first.isEmpty || second.isEmpty { return true }
        return first.contains { one in second.contains { one.hasPrefix($0) || $0.hasPrefix(one) } }
    }
}
