import CairnAccounts
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations.
struct RotationHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }
}

extension RotationHandlers {
    func enableKeyRotation(_ request: EnableKeyRotationRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.number(
            request.RotationPeriodInDays, "rotationPeriodInDays", min: KeyService.rotationPeriodDays.lowerBound,
            max: KeyService.rotationPeriodDays.upperBound)
        try validation.check()
        let key = try await keys.usableKey(request.KeyId ?? "", caller, for: "EnableKeyRotation")
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        try Self.refuseReplica(key, caller)
        let days = request.RotationPeriodInDays ?? KeyService.defaultRotationPeriodDays
        try await database.query(
            """
            UPDATE kms_keys SET rotation_period_days = \(days),
                next_rotation_date = now() + make_interval(days => \(days)::integer)
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
            """)
        return EmptyResponse()
    }

    func disableKeyRotation(_ request: KeyIDRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.usableKey(request.KeyId ?? "", caller, for: "DisableKeyRotation")
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        try await database.query(
            """
            UPDATE kms_keys SET rotation_period_days = NULL, next_rotation_date = NULL
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
            """)
        return EmptyResponse()
    }

    func getKeyRotationStatus(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyRotationStatusResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "GetKeyRotationStatus")
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        let rows = try await database.query(
            """
            SELECT rotation_period_days, next_rotation_date FROM kms_keys
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
            """)
        var status = KeyRotationStatusResponse(
            KeyRotationEnabled: false, KeyId: key.arn, RotationPeriodInDays: nil, NextRotationDate: nil)
        for try await (period, next) in rows.decode((Int?, Date?).self) {
            status = KeyRotationStatusResponse(
                KeyRotationEnabled: period != nil, KeyId: key.arn, RotationPeriodInDays: period,
                NextRotationDate: next?.timeIntervalSince1970)
        }
        return status
    }

    func rotateKeyOnDemand(_ request: KeyIDRequest, _ caller: Caller) async throws -> KeyIDResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.usableKey(request.KeyId ?? "", caller, for: "RotateKeyOnDemand")
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        try Self.refuseReplica(key, caller)
        try await KeyService.rotate(
            keyID: key.id, account: caller.accountID, type: "ON_DEMAND", database: database, rootKey: keys.rootKey)
        return KeyIDResponse(KeyId: key.arn)
    }

    func listKeyRotations(_ request: ListKeyRotationsRequest, _ caller: Caller) async throws -> ListKeyRotationsResponse
    {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.number(
            request.Limit, "limit", min: KMSLimits.listLimit.lowerBound, max: KMSLimits.listLimit.upperBound)
        validation.oneOf(request.IncludeKeyMaterial, "includeKeyMaterial", ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"])
        try validation.check()
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "ListKeyRotations")
        // ROTATIONS_ONLY (the default) leaves out the first material, version 1.
        let first: Int32 = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL" ? 0 : 1
        let after = Int32(request.Marker ?? "") ?? first
        let limit = request.Limit ?? KMSLimits.defaultListLimit
        var current: Int32 = 0
        for try await latest in try await database.query(
            "SELECT max(version) FROM kms_key_versions WHERE account_id = \(caller.accountID) AND key_id = \(key.id)"
        ).decode(Int32?.self) {
            current = latest ?? 0
        }
        var page = Page<(version: Int32, entry: RotationsListEntry)>(limit: limit)
        let rows = try await database.query(
            """
            SELECT version, created_at, rotation_type, material_sealed FROM kms_key_versions
            WHERE account_id = \(caller.accountID) AND key_id = \(key.id) AND version > \(after)
            ORDER BY version LIMIT \(page.fetchLimit)
            """)
        var stored: [(Int32, Date, String?, ByteBuffer)] = []
        for try await row in rows.decode((Int32, Date, String?, ByteBuffer).self) { stored.append(row) }
        for (version, created, type, sealed) in stored {
            let material = try KeyMaterial.open(
                sealed, account: caller.accountID, keyID: key.id, version: version, rootKey: keys.rootKey)
            var entry = RotationsListEntry(
                KeyId: key.arn, KeyMaterialId: KeyService.keyMaterialID(material, keyID: key.blobID),
                KeyMaterialState: version == current ? "CURRENT" : "NON_CURRENT")
            if version > 1 {
                entry.RotationDate = created.timeIntervalSince1970
                entry.RotationType = type ?? "AUTOMATIC"
            }
            if key.isExternal {
                entry.ImportState = "IMPORTED"
                entry.ExpirationModel = key.expirationModel
                entry.ValidTo = key.validTo?.timeIntervalSince1970
            }
            guard page.add((version, entry)) else { break }
        }
        return ListKeyRotationsResponse(
            Rotations: page.items.map(\.entry),
            NextMarker: page.hasMore ? page.items.last.map { String($0.version) } : nil,
            Truncated: page.hasMore)
    }

    /// A multi-Region set rotates through its primary (its replicas get the material at once).
    static func refuseReplica(_ key: CustomerKey, _ caller: Caller) throws(AWSError) {
        guard key.isMultiRegion, key.primaryRegion != caller.region else { return }
        throw AWSError(
            "UnsupportedOperationException",
            "\(key.arn) is a multi-Region replica key: rotation is managed by its primary key in "
                + "\(key.primaryRegion ?? "").")
    }
}
