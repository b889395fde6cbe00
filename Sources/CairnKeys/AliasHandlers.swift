import CairnAccounts
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
struct AliasHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }
}

extension AliasHandlers {
    func createAlias(_ request: AliasRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateAlias(request.AliasName, target: request.TargetKeyId, targetRequired: true)
        let name = request.AliasName ?? ""
        let key = try await keys.customerKey(request.TargetKeyId ?? "", caller, for: "CreateAlias", allowAliases: false)
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        let created = try await database.transaction { connection -> Bool in
            do {
                try await keys.quotas.reserve(
                    .aliasesPerKey, account: caller.accountID, region: caller.region,
                    counting: """
                        SELECT count(*)::integer FROM kms_aliases
                        WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
                        """, on: connection)
            } catch let exceeded as QuotaExceeded {
                throw AWSError.kmsLimitExceeded(exceeded.quota)
            }
            let rows = try await connection.query(
                """
                INSERT INTO kms_aliases (account_id, region, alias_name, key_id)
                VALUES (\(caller.accountID), \(caller.region), \(name), \(key.id)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: database.logger)
            for try await _ in rows { return true }
            return false
        }
        guard created else { throw AWSError.aliasExists(KeyService.aliasARN(caller, name)) }
        return EmptyResponse()
    }

    func updateAlias(_ request: AliasRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateAlias(request.AliasName, target: request.TargetKeyId, targetRequired: true)
        let name = request.AliasName ?? ""
        let key = try await keys.customerKey(request.TargetKeyId ?? "", caller, for: "UpdateAlias", allowAliases: false)
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        // AWS: "The current and new KMS key must be the same type (both symmetric or both asymmetric or both HMAC),
        // and they must have the same key usage."
        if let current = try? await keys.customerKey(name, caller, for: "UpdateAlias"),
            Self.kind(of: current) != Self.kind(of: key) || current.keyUsage != key.keyUsage
        {
            throw AWSError(
                "ValidationException",
                "\(key.arn) is not the same type or key usage as the alias's current key \(current.arn): an alias "
                    + "moves only between keys of the same type (symmetric, asymmetric or HMAC) and key usage.")
        }
        let rows = try await database.query(
            """
            UPDATE kms_aliases SET key_id = \(key.id), updated_at = now()
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alias_name = \(name) RETURNING 1
            """)
        for try await _ in rows { return EmptyResponse() }
        throw AWSError.aliasNotFound(KeyService.aliasARN(caller, name))
    }

    func deleteAlias(_ request: AliasRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateAlias(request.AliasName, target: nil, targetRequired: false)
        let name = request.AliasName ?? ""
        let rows = try await database.query(
            """
            DELETE FROM kms_aliases
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alias_name = \(name) RETURNING 1
            """)
        for try await _ in rows { return EmptyResponse() }
        throw AWSError.aliasNotFound(KeyService.aliasARN(caller, name))
    }

    func listAliases(_ request: ListAliasesRequest, _ caller: Caller) async throws -> ListAliasesResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.number(
            request.Limit, "limit", min: KMSLimits.listLimit.lowerBound, max: KMSLimits.listLimit.upperBound)
        validation.string(
            request.Marker, "marker", min: KMSLimits.markerLength.lowerBound, max: KMSLimits.markerLength.upperBound)
        try validation.check()
        var keyID: UUID?
        if let reference = request.KeyId {
            keyID = try await keys.customerKey(reference, caller, for: "ListAliases").id
        }
        let limit = request.Limit ?? KMSLimits.defaultListLimit
        var aliases: [AliasListEntry] = []
        let rows = try await database.query(
            """
            SELECT alias_name, key_id, created_at, updated_at FROM kms_aliases
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(keyID)::uuid IS NULL OR key_id = \(keyID)::uuid)
            ORDER BY alias_name
            """)
        for try await (name, target, created, updated) in rows.decode((String, UUID, Date, Date).self) {
            aliases.append(
                AliasListEntry(
                    AliasName: name, AliasArn: KeyService.aliasARN(caller, name),
                    TargetKeyId: target.uuidString.lowercased(),
                    CreationDate: created.timeIntervalSince1970, LastUpdatedDate: updated.timeIntervalSince1970))
        }
        // The AWS managed alias is always listed; it names a key once the account has used it.
        let managed = try await keys.managedKeyID(caller, create: false)
        if keyID == nil || keyID == managed {
            aliases.append(
                AliasListEntry(
                    AliasName: KeyService.logsManagedAlias,
                    AliasArn: KeyService.aliasARN(caller, KeyService.logsManagedAlias),
                    TargetKeyId: managed?.uuidString.lowercased(), CreationDate: nil, LastUpdatedDate: nil))
        }
        aliases.sort { $0.AliasName < $1.AliasName }
        let start =
            request.Marker.flatMap { marker in aliases.firstIndex { $0.AliasName > marker } }
            ?? (request.Marker == nil ? 0 : aliases.count)
        let page = Array(aliases[start...].prefix(limit))
        let truncated = start + page.count < aliases.count
        return ListAliasesResponse(
            Aliases: page, NextMarker: truncated ? page.last?.AliasName : nil, Truncated: truncated)

    }

    /// Symmetric, HMAC or asymmetric.
    static func kind(of key: CustomerKey) -> String {
        key.isSymmetric ? "symmetric" : key.macDigest != nil ? "HMAC" : "asymmetric"
    }

    static func validateAlias(_ name: String?, target: String?, targetRequired: Bool) throws(AWSError) {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(name, "aliasName")
        validation.string(
            name, "aliasName", min: KMSLimits.aliasNameLength.lowerBound, max: KMSLimits.aliasNameLength.upperBound,
            pattern: KeyService.aliasPattern)
        if targetRequired { validation.required(target, "targetKeyId") }
        validation.string(
            target, "targetKeyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        try validation.check()
        guard let name, name.hasPrefix("alias/"), name.count > "alias/".count else { throw AWSError.aliasPrefix }
        if name.hasPrefix("alias/aws/") { throw AWSError.aliasReserved }
    }
}
