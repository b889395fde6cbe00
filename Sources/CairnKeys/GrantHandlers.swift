import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. A grant lets another principal (most
/// often another account) use a key for some operations, optionally only with an encryption context; it takes
/// effect at once (AWS: eventually, or at once with a grant token).
struct GrantHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }

    /// ListGrants and ListRetirableGrants: 50 grants a page unless `Limit` says otherwise, at most 100.
    static let defaultLimit = 50
    static let maxLimit = 100
    /// AWS's quota: grants per key.
    static let grantsPerKey = 50_000

    static let principalPattern = NamePattern(source: "^[\\w+=,.@:/-]+$", allowsEmpty: false) { scalar in
        NamePattern.isASCIIAlphanumericScalar(scalar) || "_+=,.@:/-".unicodeScalars.contains(scalar)
    }
    static let namePattern = NamePattern(source: "^[a-zA-Z0-9:/_-]+$", allowsEmpty: false) { scalar in
        NamePattern.isASCIIAlphanumericScalar(scalar) || ":/_-".unicodeScalars.contains(scalar)
    }

    /// The grant operations a key can have: what its usage lets it do, and DescribeKey, CreateGrant, RetireGrant.
    static func operations(for key: CustomerKey) -> Set<String> {
        var operations: Set<String> = ["DescribeKey", "CreateGrant", "RetireGrant"]
        switch key.keyUsage {
        case "ENCRYPT_DECRYPT" where key.isSymmetric:
            operations.formUnion([
                "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
            ])
        case "ENCRYPT_DECRYPT":
            operations.formUnion(["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"])
        case "SIGN_VERIFY": operations.formUnion(["Sign", "Verify", "GetPublicKey"])
        case "GENERATE_VERIFY_MAC": operations.formUnion(["GenerateMac", "VerifyMac"])
        case "KEY_AGREEMENT": operations.formUnion(["DeriveSharedSecret", "GetPublicKey"])
        default: break
        }
        return operations
    }

    /// The operations whose requests carry an encryption context: the only ones a constraint can apply to.
    static let contextOperations: Set<String> = [
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "RetireGrant", "DescribeKey", "CreateGrant",
    ]

    static func validatePrincipal(_ principal: String?, _ member: String, _ validation: inout Validation) {
        validation.string(principal, member, min: 1, max: 256, pattern: principalPattern)
    }

    /// A principal a grant can name: an IAM or STS ARN in an account, or a service principal.
    static func checkPrincipal(_ principal: String) throws(AWSError) {
        if principal.hasSuffix(".amazonaws.com") { return }
        guard principalAccount(principal) != nil else {
            throw AWSError("InvalidArnException", "ARN \(principal) is not valid.")
        }
    }

    /// The account of an IAM or STS principal ARN (`arn:aws:iam::<account>:root`, `…:role/<name>`, …).
    static func principalAccount(_ principal: String) -> String? {
        let parts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam" || parts[2] == "sts",
            parts[3].isEmpty, parts[4].count == 12, parts[4].allSatisfy(\.isNumber), !parts[5].isEmpty
        else { return nil }
        return String(parts[4])
    }

    func createGrant(_ request: CreateGrantRequest, _ caller: Caller) async throws -> CreateGrantResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.GranteePrincipal, "granteePrincipal")
        Self.validatePrincipal(request.GranteePrincipal, "granteePrincipal", &validation)
        Self.validatePrincipal(request.RetiringPrincipal, "retiringPrincipal", &validation)
        validation.required(request.Operations, "operations")
        for (index, operation) in (request.Operations ?? []).enumerated() {
            validation.oneOf(operation, "operations.\(index + 1).member", KMSLimits.grantOperations)
        }
        validation.count(request.GrantTokens?.count, value: "\(request.GrantTokens ?? [])", "grantTokens", max: 10)
        validation.string(request.Name, "name", min: 1, max: 256, pattern: Self.namePattern)
        try validation.check()
        try Self.checkGrantTokens(request.GrantTokens)
        let grantee = request.GranteePrincipal ?? ""
        try Self.checkPrincipal(grantee)
        if let retiring = request.RetiringPrincipal { try Self.checkPrincipal(retiring) }
        let operations = Array(Set(request.Operations ?? [])).sorted {
            KMSLimits.grantOperations.firstIndex(of: $0) ?? 0 < KMSLimits.grantOperations.firstIndex(of: $1) ?? 0
        }
        guard !operations.isEmpty else {
            throw AWSError("ValidationException", "The grant must allow at least one operation.")
        }
        if operations == ["CreateGrant"] {
            throw AWSError("ValidationException", "Grants must not contain only the CreateGrant operation.")
        }
        if request.Constraints?.EncryptionContextSubset != nil, request.Constraints?.EncryptionContextEquals != nil {
            throw AWSError("ValidationException", "More than one constraint supplied")
        }
        try Self.refuseAlias(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "CreateGrant")
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        _ = try KeyService.checkUsable(key)
        let invalid = operations.filter { !Self.operations(for: key).contains($0) }
        if !invalid.isEmpty {
            throw AWSError(
                "ValidationException",
                "Grant operations \(invalid.joined(separator: ", ")) are not valid for a KMS key with KeyUsage "
                    + "\(key.keyUsage) and KeySpec \(key.keySpec).")
        }
        let constraints = request.Constraints.flatMap {
            $0.EncryptionContextSubset == nil && $0.EncryptionContextEquals == nil ? nil : $0
        }
        if constraints != nil, !key.isSymmetric {
            throw AWSError(
                "ValidationException",
                "Grant constraints are supported only for symmetric encryption KMS keys; \(key.arn) is \(key.keySpec).")
        }
        if constraints != nil, let other = operations.first(where: { !Self.contextOperations.contains($0) }) {
            throw AWSError(
                "ValidationException",
                "Grant constraints are not supported for the \(other) operation: it takes no encryption context.")
        }
        try MacHandlers.checkDryRun(request.DryRun)
        let id = try await store(
            key, grantee: grantee, retiring: request.RetiringPrincipal, operations: operations,
            constraints: constraints, name: request.Name, caller)
        return CreateGrantResponse(
            GrantToken: GrantToken(owner: key.owner, region: caller.region, key: key.id, grant: id).text, GrantId: id)
    }

    /// Grant operations name their key by id or ARN: AWS's answer to an alias.
    static func refuseAlias(_ reference: String?) throws(AWSError) {
        guard let reference, reference.hasPrefix("alias/") || reference.contains(":alias/") else { return }
        throw AWSError("InvalidArnException", "Key Aliases are not supported for this operation.")
    }

    static func checkGrantTokens(_ tokens: [String]?) throws(AWSError) {
        for token in tokens ?? [] where GrantToken.read(token) == nil {
            throw AWSError.invalidGrantToken
        }
    }

    /// Stores a new grant, or returns the id of the key's grant with the same name and the very same
    /// parameters (CreateGrant's idempotency).
    private func store(
        _ key: CustomerKey, grantee: String, retiring: String?, operations: [String], constraints: GrantConstraints?,
        name: String?, _ caller: Caller
    ) async throws -> String {
        let subset = try constraints?.EncryptionContextSubset.map(Self.json)
        let equals = try constraints?.EncryptionContextEquals.map(Self.json)
        let issuing = ARN.accountRoot(caller.accountID).description
        return try await database.transaction { connection in
            // One grant creation at a time per key: the count and the name lookup hold.
            try await connection.query(
                "SELECT 1 FROM kms_keys WHERE account_id = \(key.owner) AND key_id = \(key.id) FOR UPDATE",
                logger: database.logger)
            if let name {
                let same = try await connection.query(
                    """
                    SELECT grant_id FROM kms_grants
                    WHERE account_id = \(key.owner) AND key_id = \(key.id) AND name = \(name)
                      AND grantee_principal = \(grantee) AND retiring_principal IS NOT DISTINCT FROM \(retiring)
                      AND operations = \(operations) AND issuing_account = \(issuing)
                      AND context_subset IS NOT DISTINCT FROM \(subset)::jsonb
                      AND context_equals IS NOT DISTINCT FROM \(equals)::jsonb
                    """, logger: database.logger)
                for try await id in same.decode(String.self) { return id }
            }
            let counted = try await connection.query(
                "SELECT count(*) FROM kms_grants WHERE account_id = \(key.owner) AND key_id = \(key.id)",
                logger: database.logger)
            for try await count in counted.decode(Int.self) where count >= Self.grantsPerKey {
                throw AWSError("LimitExceededException", "The request exceeds the grants quota for \(key.arn).")
            }
            let id = Hex.encode(SecureRandom.bytes(32))
            try await connection.query(
                """
                INSERT INTO kms_grants (account_id, region, key_id, grant_id, name, grantee_principal,
                    retiring_principal, issuing_account, operations, context_subset, context_equals)
                VALUES (\(key.owner), \(caller.region), \(key.id), \(id), \(name), \(grantee), \(retiring), \(issuing),
                    \(operations), \(subset)::jsonb, \(equals)::jsonb)
                """, logger: database.logger)
            return id
        }
    }

    static func json(_ context: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(context), as: UTF8.self)
    }

    func listGrants(_ request: ListGrantsRequest, _ caller: Caller) async throws -> ListGrantsResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.number(
            request.Limit, "limit", min: KMSLimits.listLimit.lowerBound, max: KMSLimits.listLimit.upperBound)
        validation.string(
            request.Marker, "marker", min: KMSLimits.markerLength.lowerBound, max: KMSLimits.markerLength.upperBound)
        validation.string(request.GrantId, "grantId", min: 1, max: 128)
        Self.validatePrincipal(request.GranteePrincipal, "granteePrincipal", &validation)
        try validation.check()
        try Self.refuseAlias(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "ListGrants", allowAliases: false)
        return try await page(
            """
            SELECT \(unescaped: KeyGrant.columns) FROM kms_grants
            WHERE account_id = \(key.owner) AND key_id = \(key.id)
              AND (\(request.GrantId)::text IS NULL OR grant_id = \(request.GrantId))
              AND (\(request.GranteePrincipal)::text IS NULL OR grantee_principal = \(request.GranteePrincipal))
            """, limit: request.Limit, marker: request.Marker, caller)
    }

    /// The grants, on any account's keys in this region, whose retiring principal is the one asked for: one of
    /// the caller's account (another account's principal gets nothing).
    func listRetirableGrants(
        _ request: ListRetirableGrantsRequest, _ caller: Caller
    ) async throws -> ListGrantsResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.RetiringPrincipal, "retiringPrincipal")
        Self.validatePrincipal(request.RetiringPrincipal, "retiringPrincipal", &validation)
        validation.number(
            request.Limit, "limit", min: KMSLimits.listLimit.lowerBound, max: KMSLimits.listLimit.upperBound)
        validation.string(
            request.Marker, "marker", min: KMSLimits.markerLength.lowerBound, max: KMSLimits.markerLength.upperBound)
        try validation.check()
        let principal = request.RetiringPrincipal ?? ""
        try Self.checkPrincipal(principal)
        let mine = Self.principalAccount(principal) == caller.accountID
        return try await page(
            """
            SELECT \(unescaped: KeyGrant.columns) FROM kms_grants
            WHERE retiring_principal = \(principal) AND region = \(caller.region) AND \(mine)
            """, limit: request.Limit, marker: request.Marker, caller)
    }

    /// A page of grants in creation order; the marker is the last grant's position (microseconds and id).
    /// `query` selects the grants, with no ORDER BY or LIMIT of its own: both are added here.
    private func page(
        _ query: PostgresQuery, limit: Int?, marker: String?, _ caller: Caller
    ) async throws -> ListGrantsResponse {
        var after: (Int64, String)?
        if let marker {
            let parts = marker.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let micros = Int64(parts[0]) else {
                throw AWSError("InvalidMarkerException", "The marker is not valid.")
            }
            after = (micros, parts[1])
        }
        let limit = min(limit ?? Self.defaultLimit, Self.maxLimit)
        var sql = query.sql
        var binds = query.binds
        if let (micros, id) = after {
            binds.append(micros)
            binds.append(id)
            sql += """
                 AND (round(extract(epoch FROM created_at) * 1000000)::bigint, grant_id)
                     > ($\(binds.count - 1), $\(binds.count))
                """
        }
        binds.append(Int64(limit + 1))
        sql += " ORDER BY created_at, grant_id LIMIT $\(binds.count)"
        var grants: [KeyGrant] = []
        let rows = try await database.query(PostgresQuery(unsafeSQL: sql, binds: binds))
        for try await row in rows.decode(KeyGrant.Row.self) { grants.append(try KeyGrant(row)) }
        let page = grants.prefix(limit)
        let truncated = grants.count > limit
        return ListGrantsResponse(
            Grants: page.map { grant in
                GrantListEntry(
                    KeyId: KeyService.keyARN(caller.acting(for: grant.owner), grant.keyID), GrantId: grant.id,
                    Name: grant.name, CreationDate: grant.createdAt.timeIntervalSince1970,
                    GranteePrincipal: grant.grantee, RetiringPrincipal: grant.retiring,
                    IssuingAccount: grant.issuingAccount, Operations: grant.operations, Constraints: grant.constraints)
            },
            NextMarker: truncated
                ? page.last.map { "\(Int64(($0.createdAt.timeIntervalSince1970 * 1_000_000).rounded()))/\($0.id)" }
                : nil,
            Truncated: truncated)
    }

    /// By token, or by key and grant id. The retiring principal, a grantee allowed RetireGrant, the account that
    /// created the grant and the key's owner may retire it.
    func retireGrant(_ request: RetireGrantRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.string(request.GrantToken, "grantToken", min: 1, max: 8192)
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.string(request.GrantId, "grantId", min: 1, max: 128)
        try validation.check()
        let owner: String
        let keyID: UUID
        let grantID: String
        if let text = request.GrantToken {
            guard let token = GrantToken.read(text), token.r == caller.region else { throw AWSError.invalidGrantToken }
            (owner, keyID, grantID) = (token.a, token.k, token.g)
        } else {
            guard let reference = request.KeyId, let id = request.GrantId else {
                throw AWSError("ValidationException", "Either the grant token or the key id and grant id are required.")
            }
            try Self.refuseAlias(reference)
            (owner, keyID) = try await keys.resolveKeyID(reference, caller, allowAliases: false)
            grantID = id
        }
        guard let grant = try await keys.grant(owner: owner, key: keyID, id: grantID) else {
            throw AWSError.grantNotFound(grantID)
        }
        let allowed =
            caller.accountID == owner || grant.issuingAccount == ARN.accountRoot(caller.accountID).description
            || KeyGrant.names(grant.retiring, caller)
            || (KeyGrant.names(grant.grantee, caller) && grant.operations.contains("RetireGrant"))
        let arn = KeyService.keyARN(caller.acting(for: owner), keyID)
        guard allowed else {
            throw AWSError.accessDenied(
                "User: \(caller.userARN) is not authorized to perform: kms:RetireGrant on resource: \(arn)")
        }
        try MacHandlers.checkDryRun(request.DryRun)
        try await delete(grant)
        return EmptyResponse()
    }

    /// The key's owner (or a principal its policy allows kms:RevokeGrant) deletes a grant.
    func revokeGrant(_ request: RevokeGrantRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.GrantId, "grantId")
        validation.string(request.GrantId, "grantId", min: 1, max: 128)
        try validation.check()
        try Self.refuseAlias(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "RevokeGrant", allowAliases: false)
        let id = request.GrantId ?? ""
        guard let grant = try await keys.grant(owner: key.owner, key: key.id, id: id) else {
            throw AWSError.grantNotFound(id)
        }
        try MacHandlers.checkDryRun(request.DryRun)
        try await delete(grant)
        return EmptyResponse()
    }

    private func delete(_ grant: KeyGrant) async throws {
        try await database.query(
            """
            DELETE FROM kms_grants WHERE account_id = \(grant.owner) AND key_id = \(grant.keyID)
              AND grant_id = \(grant.id)
            """)
    }
}

extension AWSError {
    static let invalidGrantToken = AWSError("InvalidGrantTokenException", "The grant token is not valid.")

    static func grantNotFound(_ id: String) -> AWSError {
        AWSError("NotFoundException", "Grant ID \(id) not found")
    }
}
