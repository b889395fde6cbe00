import CairnAccounts
import CairnObjects
import CairnProtection
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct DataProtectionPolicyRequest: Decodable {
    let logGroupIdentifier: String?
    var policyDocument: String? = nil
}

struct DataProtectionPolicyResponse: Encodable {
    let logGroupIdentifier: String
    let policyDocument: String?
    let lastUpdatedTime: Int64?
}

/// PutDataProtectionPolicy, GetDataProtectionPolicy, DeleteDataProtectionPolicy: one policy per log group (the
/// caller's own, by name or ARN). From the next PutLogEvents on, what the policy's identifiers detect is masked
/// at ingestion — in what is stored and what every read, filter, subscription, export and query sees — and the
/// original kept sealed for admins who read with `unmask`.
extension DataProtectionHandlers {
    /// A policy document as AWS validates it, whose findings destinations (if any) are the caller's: a log group
    /// of its region, a delivery stream of its region, a bucket mapped to its account.
    func validateProtectionPolicy(_ document: String, _ caller: Caller) async throws {
        let policy: DataProtectionPolicy
        do {
            policy = try DataProtectionPolicy(document)
        } catch {
            throw AWSError.invalidParameter(error.description)
        }
        let findings = policy.findings
        if let group = findings.logGroup {
            let rows = try await database.query(
                """
                SELECT 1 FROM log_groups
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(group)
                """)
            var found = false
            for try await _ in rows.decode(Int.self) { found = true }
            guard found else {
                throw AWSError.invalidParameter(
                    "The findings destination log group \(group) does not exist: create it before the policy.")
            }
        }
        if let stream = findings.deliveryStream,
            try await deliveryStreams.stream(account: caller.accountID, region: caller.region, name: stream) == nil
        {
            throw AWSError.invalidParameter(
                "The findings destination delivery stream \(stream) does not exist in this account and region.")
        }
        if let bucket = findings.bucket, !(try await buckets.exists(account: caller.accountID, name: bucket)) {
            throw AWSError.invalidParameter(
                "The findings destination bucket \(bucket) is not one of this account's buckets.")
        }
    }

    func putDataProtectionPolicy(
        _ request: DataProtectionPolicyRequest, _ caller: Caller
    ) async throws -> DataProtectionPolicyResponse {
        var validation = Validation()
        validation.required(request.logGroupIdentifier, "logGroupIdentifier")
        validation.logGroupIdentifier(request.logGroupIdentifier)
        validation.required(request.policyDocument, "policyDocument")
        try validation.check()
        let document = request.policyDocument ?? ""
        try await validateProtectionPolicy(document, caller)
        let name = try OwnGroup.name(request.logGroupIdentifier ?? "", caller)
        let now = LogsService.now()
        let rows = try await database.query(
            """
            UPDATE log_groups SET data_protection_policy = \(document), data_protection_updated = \(now),
                data_protection_status = 'ACTIVATED'
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) {
            return DataProtectionPolicyResponse(
                logGroupIdentifier: request.logGroupIdentifier ?? name, policyDocument: document, lastUpdatedTime: now)
        }
        throw AWSError.logGroupNotFound
    }

    func getDataProtectionPolicy(
        _ request: DataProtectionPolicyRequest, _ caller: Caller
    ) async throws -> DataProtectionPolicyResponse {
        let name = try OwnGroup.validated(request.logGroupIdentifier, caller)
        let rows = try await database.query(
            """
            SELECT data_protection_policy, data_protection_updated FROM log_groups
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name)
            """)
        for try await (document, updated) in rows.decode((String?, Int64?).self) {
            return DataProtectionPolicyResponse(
                logGroupIdentifier: request.logGroupIdentifier ?? name, policyDocument: document,
                lastUpdatedTime: document == nil ? nil : updated)
        }
        throw AWSError.logGroupNotFound
    }

    func deleteDataProtectionPolicy(
        _ request: DataProtectionPolicyRequest, _ caller: Caller
    ) async throws -> EmptyResponse {
        let name = try OwnGroup.validated(request.logGroupIdentifier, caller)
        let rows = try await database.query(
            """
            UPDATE log_groups g SET data_protection_policy = NULL, data_protection_updated = \(LogsService.now()),
                data_protection_status = 'DELETED'
            FROM log_groups old
            WHERE g.account_id = \(caller.accountID) AND g.region = \(caller.region) AND g.name = \(name)
              AND old.account_id = g.account_id AND old.group_id = g.group_id
            RETURNING old.data_protection_policy IS NOT NULL
            """)
        for try await had in rows.decode(Bool.self) {
            guard had else {
                throw AWSError.resourceNotFound("The specified log group has no data protection policy.")
            }
            return EmptyResponse()
        }
        throw AWSError.logGroupNotFound
    }
}

/// Parsed policies by their document: a group's masker is built once per process, not per batch.
enum ProtectionPolicies {
    /// What a group's policies (its own and its account's) do at ingestion.
    struct Protection: Sendable {
        let masker: Masker
        /// Where the policies' Audit statements send findings reports.
        let findings: FindingsTargets
    }

    private static let cache = CompiledCache<Protection>(capacity: 10_000)

    /// The protection of a group's stored document and its account's (both apply: every identifier of either is
    /// masked, findings go to each destination); nil when neither parses (nothing stored is trusted blindly, and a
    /// document is validated before it is stored).
    static func protection(_ document: String?, account: String? = nil) -> Protection? {
        let documents = [document, account].compactMap { $0 }
        guard !documents.isEmpty else { return nil }
        return cache.value(documents.joined(separator: "\u{0}")) {
            var identifiers: [ManagedIdentifier] = []
            var custom: [CustomIdentifier] = []
            var findings = FindingsTargets()
            for document in documents {
                guard let policy = try? DataProtectionPolicy(document) else { continue }
                for identifier in policy.identifiers where !identifiers.contains(identifier) {
                    identifiers.append(identifier)
                }
                for identifier in policy.customIdentifiers where !custom.contains(identifier) {
                    custom.append(identifier)
                }
                findings.add(policy.findings)
            }
            guard !identifiers.isEmpty || !custom.isEmpty else { return nil }
            return Protection(masker: Masker(identifiers, custom: custom), findings: findings)
        }
    }
}
