import CairnAccounts
import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion.
struct KeyLifecycleHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }
}

extension KeyLifecycleHandlers {
    func createKey(_ request: CreateKeyRequest, _ caller: Caller) async throws -> KeyMetadataResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.string(request.Description, "description", max: KMSLimits.descriptionMaxLength)
        validation.oneOf(request.KeyUsage, "keyUsage", KMSLimits.keyUsages)
        validation.oneOf(request.KeySpec, "keySpec", KMSLimits.keySpecs)
        validation.oneOf(request.CustomerMasterKeySpec, "customerMasterKeySpec", KMSLimits.customerMasterKeySpecs)
        validation.oneOf(request.Origin, "origin", KMSLimits.origins)
        KeyService.validateTags(request.Tags, &validation)
        try validation.check()
        let spec = request.KeySpec ?? request.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT"
        if request.KeySpec != nil, request.CustomerMasterKeySpec != nil {
            throw AWSError(
                "ValidationException",
                "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec only."
            )
        }
        let hmac = KMSLimits.hmacKeySpecs[spec]
        let signing = KMSLimits.signingKeySpecs[spec]
        guard spec == "SYMMETRIC_DEFAULT" || hmac != nil || signing != nil else {
            throw AWSError.unsupported("KeySpec \(spec) is not supported by Cairn.")
        }
        guard let usage = request.KeyUsage ?? (spec == "SYMMETRIC_DEFAULT" ? "ENCRYPT_DECRYPT" : nil) else {
            throw AWSError(
                "ValidationException",
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
        }
        let allowed: Set<String> =
            if hmac != nil {
                ["GENERATE_VERIFY_MAC"]
            } else if signing == nil {
                ["ENCRYPT_DECRYPT"]
            } else if spec.hasPrefix("RSA_") {
                ["SIGN_VERIFY", "ENCRYPT_DECRYPT"]
            } else if KMSLimits.keyAgreementSpecs.contains(spec) {
                ["SIGN_VERIFY", "KEY_AGREEMENT"]
            } else {
                ["SIGN_VERIFY"]
            }
        if !allowed.contains(usage) {
            throw AWSError("ValidationException", "KeyUsage \(usage) is not compatible with KeySpec \(spec).")
        }
        let origin = request.Origin ?? "AWS_KMS"
        guard origin == "AWS_KMS" || origin == "EXTERNAL" else {
            throw AWSError.unsupported("Origin \(origin) is not supported by Cairn: keys are AWS_KMS or EXTERNAL.")
        }
        let external = origin == "EXTERNAL"
        // An EXTERNAL key has no material until it is imported.
        let material = external ? nil : try signing.map { try AsymmetricKey.generate($0.kind).privateKeyDER }
        if let policy = request.Policy { try KeyService.checkPolicyDocument(policy) }
        let tags = request.Tags ?? []
        try KeyService.checkTags(tags)
        let tagsJSON = String(
            decoding: JSONRequest.encode(Dictionary(tags.map { ($0.TagKey, $0.TagValue) }, uniquingKeysWith: { $1 })),
            as: UTF8.self)
        let keyID = UUID()
        let multiRegion = request.MultiRegion ?? false
        try await database.transaction { connection in
            do {
                try await keys.quotas.reserve(
                    .kmsKeys, account: caller.accountID, region: caller.region,
                    counting: """
                        SELECT count(*)::integer FROM kms_keys
                        WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND key_manager = 'CUSTOMER'
                        """, on: connection)
            } catch let exceeded as QuotaExceeded {
                throw AWSError.kmsLimitExceeded(exceeded.quota)
            }
            try await connection.query(
                """
                INSERT INTO kms_keys (account_id, region, key_id, key_manager, description, policy, tags, key_spec,
                    key_usage, origin, key_state, mrk_id, primary_region)
                VALUES (\(caller.accountID), \(caller.region), \(keyID), 'CUSTOMER', \(request.Description ?? ""),
                        \(request.Policy), \(tagsJSON)::jsonb, \(spec), \(usage), \(origin),
                        \(external ? KeyState.pendingImport.rawValue : KeyState.enabled.rawValue),
                        \(multiRegion ? keyID : nil), \(multiRegion ? caller.region : nil))
                """, logger: database.logger)
            if external { return }
            try await KeyMaterial.insertNewVersion(
                account: caller.accountID, keyID: keyID, version: 1, byteCount: hmac?.byteCount ?? AESGCM.keyByteCount,
                material: material, rootKey: keys.rootKey, on: connection, logger: database.logger)
        }
        let key = try await keys.customerKey(keyID.uuidString, caller, for: "CreateKey")
        return KeyMetadataResponse(KeyMetadata: try await keys.fullMetadata(key, caller))
    }

    func describeKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyMetadataResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "DescribeKey")
        return KeyMetadataResponse(KeyMetadata: try await keys.fullMetadata(key, caller))
    }

    func listKeys(_ request: ListKeysRequest, _ caller: Caller) async throws -> ListKeysResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.number(
            request.Limit, "limit", min: KMSLimits.listLimit.lowerBound, max: KMSLimits.listLimit.upperBound)
        validation.string(
            request.Marker, "marker", min: KMSLimits.markerLength.lowerBound, max: KMSLimits.markerLength.upperBound)
        try validation.check()
        let limit = request.Limit ?? KMSLimits.defaultListLimit
        let after = try request.Marker.map { marker throws(AWSError) -> String in
            guard UUID(uuidString: marker) != nil else { throw AWSError("InvalidMarkerException", "Invalid marker") }
            return marker.lowercased()
        }
        var page = Page<KeyListEntry>(limit: limit)
        let rows = try await database.query(
            """
            SELECT key_id, mrk_id FROM kms_keys
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(after)::uuid IS NULL OR key_id > \(after)::uuid)
            ORDER BY key_id LIMIT \(page.fetchLimit)
            """)
        // The marker is the last key's row id (a multi-Region key's shown id is shared by its replicas).
        var lastID: UUID?
        for try await (id, shared) in rows.decode((UUID, UUID?).self) {
            let text = CustomerKey.idText(id, shared: shared)
            if page.items.count < limit { lastID = id }
            guard page.add(KeyListEntry(KeyId: text, KeyArn: KeyService.keyARN(caller, text: text)))
            else {
                break
            }
        }
        return ListKeysResponse(
            Keys: page.items, NextMarker: page.hasMore ? lastID.map { $0.uuidString.lowercased() } : nil,
            Truncated: page.hasMore)
    }

    func enableKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "EnableKey")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        if key.state == .pendingImport { throw AWSError.kmsPendingImport(key.arn) }
        try await setState(key, .enabled, caller)
        return EmptyResponse()
    }

    func disableKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "DisableKey")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        if key.state == .pendingImport { throw AWSError.kmsPendingImport(key.arn) }
        try await setState(key, .disabled, caller)
        return EmptyResponse()
    }

    func scheduleKeyDeletion(
        _ request: ScheduleKeyDeletionRequest, _ caller: Caller
    ) async throws -> ScheduleKeyDeletionResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        // The model allows 1–365; the service then asks for AWS's 7–30 in its own words.
        validation.number(request.PendingWindowInDays, "pendingWindowInDays", min: 1, max: 365)
        try validation.check()
        if let days = request.PendingWindowInDays, !KMSLimits.pendingWindowDays.contains(days) {
            throw AWSError("ValidationException", "PendingWindowInDays must be between 7 and 30")
        }
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "ScheduleKeyDeletion")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        if let shared = key.sharedID, key.primaryRegion == caller.region {
            for try await replicas in try await database.query(
                "SELECT count(*) FROM kms_keys WHERE account_id = \(caller.accountID) AND mrk_id = \(shared)"
            ).decode(Int.self) where replicas > 1 {
                throw AWSError(
                    "UnsupportedOperationException",
                    "\(key.arn) is a multi-Region primary key with replicas: delete its replica keys first.")
            }
        }
        let days = request.PendingWindowInDays ?? KMSLimits.defaultPendingWindowDays
        let rows = try await database.query(
            """
            UPDATE kms_keys SET key_state = 'PendingDeletion', pending_window_days = \(days),
                deletion_date = date_trunc('day', now()) + make_interval(days => \(days)::integer + 1)
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id) RETURNING deletion_date
            """)
        var deletionDate = Date()
        for try await date in rows.decode(Date.self) { deletionDate = date }
        await keys.keyRing.announceKeyChange()
        return ScheduleKeyDeletionResponse(
            KeyId: key.arn, DeletionDate: deletionDate.timeIntervalSince1970,
            KeyState: KeyState.pendingDeletion.rawValue,
            PendingWindowInDays: days)
    }

    func cancelKeyDeletion(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyIDResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "CancelKeyDeletion")
        guard key.state == .pendingDeletion else { throw AWSError.kmsNotPendingDeletion(key.arn) }
        // After cancelling, a key is Disabled, as in AWS; an EXTERNAL key without material is PendingImport.
        try await database.query(
            """
            UPDATE kms_keys SET deletion_date = NULL, pending_window_days = NULL,
                key_state = CASE WHEN origin = 'EXTERNAL' AND NOT EXISTS (
                    SELECT 1 FROM kms_key_versions v WHERE v.account_id = kms_keys.account_id
                      AND v.key_id = kms_keys.key_id) THEN 'PendingImport' ELSE 'Disabled' END
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
            """)
        await keys.keyRing.announceKeyChange()
        return KeyIDResponse(KeyId: key.arn)
    }

    func setState(_ key: CustomerKey, _ state: KeyState, _ caller: Caller) async throws {
        try await database.query(
            "UPDATE kms_keys SET key_state = \(state.rawValue) WHERE account_id = \(caller.accountID) AND key_id = \(key.id)"
        )
        await keys.keyRing.announceKeyChange()
    }
}

struct UpdateKeyDescriptionRequest: Decodable {
    let KeyId: String?
    let Description: String?
}

extension KeyLifecycleHandlers {
    /// A customer key's description; AWS managed keys and keys pending deletion keep theirs.
    func updateKeyDescription(_ request: UpdateKeyDescriptionRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.Description, "description")
        validation.string(request.Description, "description", max: KMSLimits.descriptionMaxLength)
        try validation.check()
        let key = try await keys.customerKey(
            request.KeyId ?? "", caller, for: "UpdateKeyDescription", allowAliases: false)
        guard !key.managedByAWS else {
            throw AWSError.accessDenied(
                "User: \(caller.userARN) is not authorized to perform: kms:UpdateKeyDescription on resource: \(key.arn)"
            )
        }
        guard key.state != .pendingDeletion else { throw AWSError.kmsPendingDeletion(key.arn) }
        try await database.query(
            """
            UPDATE kms_keys SET description = \(request.Description ?? "")
            WHERE account_id = \(key.owner) AND region = \(caller.region) AND key_id = \(key.id)
            """)
        return EmptyResponse()
    }
}
