import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// A customer key as stored.
struct CustomerKey {
    let id: UUID
    /// The account that owns the key (another account's key is usable where its policy allows).
    let owner: String
    let arn: String
    let state: KeyState
    let description: String
    let keyUsage: String
    let createdAt: Date
    let deletionDate: Date?
    let pendingWindowDays: Int?
    let managedByAWS: Bool

    func metadata(_ caller: Caller) -> KeyMetadata {
        KeyMetadata(
            AWSAccountId: owner, KeyId: id.uuidString.lowercased(), Arn: arn,
            CreationDate: createdAt.timeIntervalSince1970, Enabled: state == .enabled, Description: description,
            KeyUsage: keyUsage, KeyState: state.rawValue, DeletionDate: deletionDate?.timeIntervalSince1970,
            PendingDeletionWindowInDays: pendingWindowDays, Origin: "AWS_KMS",
            KeyManager: managedByAWS ? "AWS" : "CUSTOMER",
            CustomerMasterKeySpec: "SYMMETRIC_DEFAULT", KeySpec: "SYMMETRIC_DEFAULT",
            EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"], MultiRegion: false)
    }
}

extension KeyService {
    func createKey(_ request: CreateKeyRequest, _ caller: Caller) async throws -> KeyMetadataResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.string(request.Description, "description", max: KMSLimits.descriptionMaxLength)
        validation.oneOf(
            request.KeyUsage, "keyUsage", ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"])
        try validation.check()
        if let usage = request.KeyUsage, usage != "ENCRYPT_DECRYPT" {
            throw AWSError.unsupported("Only symmetric ENCRYPT_DECRYPT keys are supported; KeyUsage \(usage) is not.")
        }
        for spec in [request.KeySpec, request.CustomerMasterKeySpec].compactMap({ $0 })
        where spec != "SYMMETRIC_DEFAULT" {
            throw AWSError.unsupported("Only SYMMETRIC_DEFAULT keys are supported; KeySpec \(spec) is not.")
        }
        if let origin = request.Origin, origin != "AWS_KMS" {
            throw AWSError.unsupported("Only keys with origin AWS_KMS are supported.")
        }
        if let policy = request.Policy { try Self.checkPolicyDocument(policy) }
        let tags = request.Tags ?? []
        try Self.checkTags(tags)
        let tagsJSON = String(
            decoding: JSONRequest.encode(Dictionary(tags.map { ($0.TagKey, $0.TagValue) }, uniquingKeysWith: { $1 })),
            as: UTF8.self)
        let keyID = UUID()
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO kms_keys (account_id, region, key_id, key_manager, description, policy, tags)
                VALUES (\(caller.accountID), \(caller.region), \(keyID), 'CUSTOMER', \(request.Description ?? ""),
                        \(request.Policy), \(tagsJSON)::jsonb)
                """, logger: database.logger)
            try await KeyMaterial.insertNewVersion(
                account: caller.accountID, keyID: keyID, version: 1, rootKey: rootKey, on: connection,
                logger: database.logger)
        }
        let key = try await customerKey(keyID.uuidString, caller, for: "CreateKey")
        return KeyMetadataResponse(KeyMetadata: key.metadata(caller))
    }

    func describeKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyMetadataResponse {
        try Self.validateKeyID(request.KeyId)
        let key = try await customerKey(request.KeyId ?? "", caller, for: "DescribeKey")
        return KeyMetadataResponse(KeyMetadata: key.metadata(caller))
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
            SELECT key_id FROM kms_keys
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(after)::uuid IS NULL OR key_id > \(after)::uuid)
            ORDER BY key_id LIMIT \(page.fetchLimit)
            """)
        for try await id in rows.decode(UUID.self) {
            guard page.add(KeyListEntry(KeyId: id.uuidString.lowercased(), KeyArn: Self.keyARN(caller, id))) else {
                break
            }
        }
        return ListKeysResponse(
            Keys: page.items, NextMarker: page.hasMore ? page.items.last?.KeyId : nil, Truncated: page.hasMore)
    }

    func enableKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateKeyID(request.KeyId)
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "EnableKey")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        try await setState(key, .enabled, caller)
        return EmptyResponse()
    }

    func disableKey(_ request: KeyIDRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateKeyID(request.KeyId)
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "DisableKey")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
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
        validation.number(
            request.PendingWindowInDays, "pendingWindowInDays", min: KMSLimits.pendingWindowDays.lowerBound,
            max: KMSLimits.pendingWindowDays.upperBound)
        try validation.check()
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "ScheduleKeyDeletion")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        let days = request.PendingWindowInDays ?? KMSLimits.defaultPendingWindowDays
        let rows = try await database.query(
            """
            UPDATE kms_keys SET key_state = 'PendingDeletion', pending_window_days = \(days),
                deletion_date = date_trunc('day', now()) + make_interval(days => \(days)::integer + 1)
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id) RETURNING deletion_date
            """)
        var deletionDate = Date()
        for try await date in rows.decode(Date.self) { deletionDate = date }
        await keyRing.announceKeyChange()
        return ScheduleKeyDeletionResponse(
            KeyId: key.arn, DeletionDate: deletionDate.timeIntervalSince1970,
            KeyState: KeyState.pendingDeletion.rawValue,
            PendingWindowInDays: days)
    }

    func cancelKeyDeletion(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyIDResponse {
        try Self.validateKeyID(request.KeyId)
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "CancelKeyDeletion")
        guard key.state == .pendingDeletion else { throw AWSError.kmsNotPendingDeletion(key.arn) }
        // After cancelling, a key is Disabled, as in AWS.
        try await database.query(
            """
            UPDATE kms_keys SET key_state = 'Disabled', deletion_date = NULL, pending_window_days = NULL
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
            """)
        await keyRing.announceKeyChange()
        return KeyIDResponse(KeyId: key.arn)
    }

    private func setState(_ key: CustomerKey, _ state: KeyState, _ caller: Caller) async throws {
        try await database.query(
            "UPDATE kms_keys SET key_state = \(state.rawValue) WHERE account_id = \(caller.accountID) AND key_id = \(key.id)"
        )
        await keyRing.announceKeyChange()
    }

    static func validateKeyID(_ keyID: String?) throws(AWSError) {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(keyID, "keyId")
        validation.string(keyID, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        try validation.check()
    }

    /// The key named by any reference (id, key ARN, alias, alias ARN): a customer key, or the AWS managed key
    /// for CloudWatch Logs. A key of another account is found only where its key policy allows the caller
    /// the operation at hand.
    func customerKey(
        _ reference: String, _ caller: Caller, for operation: String, allowAliases: Bool = true
    ) async throws -> CustomerKey {
        let (owner, keyID) = try await resolveKeyID(reference, caller, allowAliases: allowAliases)
        return try await customerKey(owner: owner, id: keyID, caller, for: operation)
    }

    func customerKey(owner: String, id keyID: UUID, _ caller: Caller, for operation: String) async throws -> CustomerKey
    {
        let ownerView = caller.acting(for: owner)
        let rows = try await database.query(
            """
            SELECT key_state, description, key_usage, created_at, deletion_date, pending_window_days, key_manager, policy
            FROM kms_keys
            WHERE account_id = \(owner) AND region = \(caller.region) AND key_id = \(keyID)
            """)
        for try await (state, description, usage, created, deletion, window, manager, policy) in rows.decode(
            (String, String, String, Date, Date?, Int?, String, String?).self)
        {
            let arn = Self.keyARN(ownerView, keyID)
            if owner != caller.accountID {
                let action = "kms:\(operation)"
                guard manager == "CUSTOMER",
                    ResourcePolicy.allows(policy, account: caller.accountID, principal: caller.userARN, action: action)
                else {
                    throw AWSError.accessDenied(
                        "User: \(caller.userARN) is not authorized to perform: \(action) on resource: \(arn) "
                            + "because no resource-based policy allows the \(action) action")
                }
            }
            return CustomerKey(
                id: keyID, owner: owner, arn: arn, state: try KeyState(stored: state),
                description: manager == "CUSTOMER"
                    ? description : "Default key that protects my CloudWatch Logs data when no other key is defined",
                keyUsage: usage, createdAt: created, deletionDate: deletion, pendingWindowDays: window,
                managedByAWS: manager != "CUSTOMER")
        }
        throw AWSError.kmsNotFound(Self.keyARN(ownerView, keyID))
    }

    /// A key whose state or settings the account may change: not an AWS managed one.
    func changeableKey(_ reference: String, _ caller: Caller, for operation: String) async throws -> CustomerKey {
        let key = try await customerKey(reference, caller, for: operation)
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        if key.owner != caller.accountID { throw AWSError.kmsNotFound(key.arn) }
        return key
    }
}
