import CairnAccounts
import CairnKeys
import CairnProtection
import CairnProtocol
import CairnStore
import CairnTransform
import PostgresNIO

/// A log group as operations need it: its id, retention, and whether filters run on its writes.
struct LogGroupRecord: Sendable {
    let id: Int64
    let retentionDays: Int?
    let hasMetricFilters: Bool
    let hasSubscriptionFilters: Bool
    /// The group's data protection policy's masker, if it has one.
    var masker: Masker? = nil
    /// Where its data protection policies send audit findings reports.
    var findings = FindingsTargets()
    /// The group's transformer, if it has one.
    var transformer: Transformer? = nil
}

/// The log groups of every account: finding one by name (the caller's own) or by identifier (a name or ARN,
/// also of a linked source account). Built once per process.
struct LogGroupStore: Sendable {
    let database: Database
    let accounts: AccountDirectory
    let audit: AuditTrail

    /// The caller's group with this name, or `ResourceNotFoundException`. With a connection, inside its
    /// transaction; `forUpdate` locks the group row until it ends.
    func resolve(
        _ name: String?, _ caller: Caller, on connection: PostgresConnection? = nil, forUpdate: Bool = false
    ) async throws -> LogGroupRecord {
        let query: PostgresQuery = """
            SELECT g.group_id, g.retention_days,
                   EXISTS (SELECT 1 FROM metric_filters f WHERE f.account_id = g.account_id AND f.group_id = g.group_id),
                   EXISTS (SELECT 1 FROM subscription_filters f
                           WHERE f.account_id = g.account_id AND f.group_id = g.group_id),
                   g.data_protection_policy, g.transformer_config,
                   (SELECT a.document FROM log_account_policies a
                    WHERE a.account_id = g.account_id AND a.region = g.region
                      AND a.policy_type = 'DATA_PROTECTION_POLICY' LIMIT 1),
                   (SELECT a.transformer_config FROM log_account_policies a
                    WHERE a.account_id = g.account_id AND a.region = g.region AND a.policy_type = 'TRANSFORMER_POLICY'
                      AND (cardinality(a.prefixes) = 0 OR EXISTS (
                           SELECT 1 FROM unnest(a.prefixes) p WHERE starts_with(g.name, p)))
                    ORDER BY a.policy_name LIMIT 1)
            FROM log_groups g
            WHERE g.account_id = \(caller.accountID) AND g.region = \(caller.region) AND g.name = \(name)
            """
        let locked = forUpdate ? PostgresQuery(unsafeSQL: query.sql + " FOR UPDATE OF g", binds: query.binds) : query
        let rows =
            if let connection { try await connection.query(locked, logger: database.logger) } else {
                try await database.query(locked)
            }
        for try await (
            id, retention, filters, subscriptions, protection, transformer, accountProtection, accountTransformer
        )
            in rows.decode((Int64, Int?, Bool, Bool, String?, String?, String?, String?).self)
        {
            // A group's own transformer wins over an account-level one (AWS: "It ignores the account-level
            // transformer"); account and group data protection policies both apply.
            let policies = ProtectionPolicies.protection(protection, account: accountProtection)
            return LogGroupRecord(
                id: id, retentionDays: retention, hasMetricFilters: filters, hasSubscriptionFilters: subscriptions,
                masker: policies?.masker, findings: policies?.findings ?? FindingsTargets(),
                transformer: Transformers.transformer(transformer ?? accountTransformer))
        }
        throw AWSError.logGroupNotFound
    }

    /// The group a read names, by `logGroupName` (the caller's own) or `logGroupIdentifier` (a name or an ARN),
    /// exactly one of them. Another account's group is readable by a monitoring account linked to it, or by a
    /// caller that one of the owner's resource policies allows `logs:<operation>` on the group; such a read is
    /// written to the owner's audit trail. Otherwise it does not exist.
    func reference(
        name: String?, identifier: String?, _ caller: Caller, operation: String
    ) async throws -> (owner: Caller, name: String) {
        switch (name, identifier) {
        case (.some, .some): throw AWSError.groupNameAndIdentifier
        case (.none, .none): throw AWSError.groupNameOrIdentifierRequired
        case (.some(let name), .none): return (caller, name)
        case (.none, .some(let identifier)):
            guard let reference = ResourceName.logGroupReference(identifier, caller: caller),
                reference.region == caller.region
            else { throw AWSError.logGroupNotFound }
            if reference.accountID == caller.accountID { return (caller, reference.name) }
            let owner = caller.acting(for: reference.accountID)
            let outcome: String
            if try await accounts.isLinked(monitoring: caller.accountID, source: reference.accountID) {
                outcome = "linked read of \(reference.name) by monitoring account \(caller.accountID)"
            } else if try await resourcePoliciesAllow(caller, operation, group: reference.name, owner: owner) {
                outcome = "read of \(reference.name) by account \(caller.accountID), allowed by a resource policy"
            } else {
                throw AWSError.logGroupNotFound
            }
            await audit.record(
                account: reference.accountID, region: caller.region, principal: caller.userARN,
                operation: "logs:\(operation)", keyARN: nil, outcome: outcome)
            return (owner, reference.name)
        }
    }

    /// Whether the owner's resource policies (its account-scoped ones and the group's own) allow the caller
    /// `logs:<operation>` on the group: an explicit Deny in any of them wins.
    func resourcePoliciesAllow(
        _ caller: Caller, _ operation: String, group name: String, owner: Caller
    ) async throws -> Bool {
        let arn = ResourceName.logGroup(owner, name)
        let rows = try await database.query(
            """
            SELECT document FROM log_resource_policies
            WHERE account_id = \(owner.accountID) AND region = \(owner.region)
              AND (scope = 'ACCOUNT' OR resource_arn IN (\(arn), \(arn + ":*")))
            """)
        var allowed = false
        for try await document in rows.decode(String.self) {
            // A stored policy that no longer parses allows nothing and denies everything (it may hold a Deny).
            guard let policy = try? ResourcePolicy(document) else {
                database.logger.error(
                    "a stored resource policy does not parse; cross-account reads are refused",
                    metadata: ["account": "\(owner.accountID)"])
                return false
            }
            for resource in [arn, arn + ":*"] {
                var request = PolicyRequest(
                    account: caller.accountID, principal: caller.userARN, action: "logs:\(operation)",
                    region: caller.region)
                request.resource = resource
                switch policy.decision(request) {
                case .denied: return false
                case .allowed: allowed = true
                case .notApplicable: break
                }
            }
        }
        return allowed
    }
}
