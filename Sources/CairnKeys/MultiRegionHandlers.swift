import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

struct MultiRegionKey: Encodable {
    let Arn: String
    let Region: String
}

struct MultiRegionConfiguration: Encodable {
    let MultiRegionKeyType: String
    let PrimaryKey: MultiRegionKey
    let ReplicaKeys: [MultiRegionKey]
}

struct ReplicateKeyRequest: Decodable {
    let KeyId: String?
    let ReplicaRegion: String?
    let Policy: String?
    let BypassPolicyLockoutSafetyCheck: Bool?
    let Description: String?
    let Tags: [KMSTag]?
}

struct ReplicateKeyResponse: Encodable {
    let ReplicaKeyMetadata: KeyMetadata
    let ReplicaPolicy: String
    let ReplicaTags: [KMSTag]
}

struct UpdatePrimaryRegionRequest: Decodable {
    let KeyId: String?
    let PrimaryRegion: String?
}

extension KeyService {
    /// A key's metadata with its multi-Region configuration (the set's primary and replicas) where it has one.
    func fullMetadata(_ key: CustomerKey, _ caller: Caller) async throws -> KeyMetadata {
        var metadata = key.metadata(caller)
        // A symmetric key's current material (none while an EXTERNAL key waits for its import).
        if key.isSymmetric, key.state != .pendingImport,
            let (_, material) = try? await latestKeyMaterial(key.id, caller.acting(for: key.owner))
        {
            metadata.CurrentKeyMaterialId = Self.keyMaterialID(material, keyID: key.blobID)
        }
        guard let shared = key.sharedID, let primary = key.primaryRegion else { return metadata }
        var regions: [String] = []
        for try await region in try await database.query(
            "SELECT region FROM kms_keys WHERE account_id = \(key.owner) AND mrk_id = \(shared) ORDER BY region"
        ).decode(String.self) {
            regions.append(region)
        }
        func member(_ region: String) -> MultiRegionKey {
            let view = caller.acting(for: key.owner).inRegion(region)
            return MultiRegionKey(Arn: Self.keyARN(view, text: key.idText), Region: region)
        }
        metadata.MultiRegionConfiguration = MultiRegionConfiguration(
            MultiRegionKeyType: caller.region == primary ? "PRIMARY" : "REPLICA", PrimaryKey: member(primary),
            ReplicaKeys: regions.filter { $0 != primary }.map(member))
        return metadata
    }
}

/// Multi-Region keys: CreateKey with `MultiRegion` makes a primary (`mrk-` id); ReplicateKey makes a related key
/// in another region of the account with the same id and key material (every version), its own policy, tags,
/// description and state; a ciphertext of one decrypts with any. Rotating any key of the set gives all of them
/// the new material at once. UpdatePrimaryRegion moves the primary.
struct MultiRegionHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }

    static func checkRegion(_ region: String) throws(AWSError) {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count),
            parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isLowercase) }),
            let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber)
        else {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(region)' at 'region' failed to satisfy constraint: Member must "
                    + "satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$")
        }
    }

    func replicateKey(_ request: ReplicateKeyRequest, _ caller: Caller) async throws -> ReplicateKeyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.ReplicaRegion, "replicaRegion")
        validation.string(request.ReplicaRegion, "replicaRegion", min: 1, max: 32)
        validation.string(
            request.Description, "description", max: KMSLimits.descriptionMaxLength)
        validation.string(
            request.Policy, "policy", min: KMSLimits.policyLength.lowerBound, max: KMSLimits.policyLength.upperBound)
        try validation.check()
        let region = request.ReplicaRegion ?? ""
        try Self.checkRegion(region)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "ReplicateKey")
        guard key.isMultiRegion else {
            throw AWSError("UnsupportedOperationException", "\(key.arn) is not a multi-Region key.")
        }
        guard key.primaryRegion == caller.region else {
            throw AWSError(
                "UnsupportedOperationException",
                "\(key.arn) is a replica key: only the primary key (in \(key.primaryRegion ?? "")) can be replicated.")
        }
        guard region != caller.region else {
            throw AWSError("ValidationException", "The replica region must differ from the primary key's region.")
        }
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        if let policy = request.Policy { try KeyService.checkPolicyDocument(policy) }
        let tags = request.Tags ?? []
        try KeyService.checkTags(tags)
        let replicaView = caller.inRegion(region)
        let replicaARN = KeyService.keyARN(replicaView, text: key.idText)
        let tagsJSON = String(
            decoding: JSONRequest.encode(Dictionary(tags.map { ($0.TagKey, $0.TagValue) }, uniquingKeysWith: { $1 })),
            as: UTF8.self)
        let replicaID = UUID()
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO kms_keys (account_id, region, key_id, key_manager, description, policy, tags, key_spec,
                    key_usage, origin, key_state, mrk_id, primary_region, imported_material_id)
                SELECT account_id, \(region), \(replicaID), 'CUSTOMER', \(request.Description ?? ""), \(request.Policy),
                    \(tagsJSON)::jsonb, key_spec, key_usage, origin,
                    CASE WHEN origin = 'EXTERNAL' THEN 'PendingImport'
                         WHEN key_state = 'Disabled' THEN 'Disabled' ELSE 'Enabled' END,
                    mrk_id, primary_region, imported_material_id
                FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(key.id)
                ON CONFLICT DO NOTHING RETURNING origin
                """, logger: database.logger)
            var inserted = false
            var external = false
            for try await origin in rows.decode(String.self) {
                inserted = true
                external = origin == "EXTERNAL"
            }
            guard inserted else {
                throw AWSError("AlreadyExistsException", "\(replicaARN) already exists")
            }
            // Every version of the material, the same bytes, sealed for the replica (an EXTERNAL key's replica gets
            // its material by its own import of the same material).
            guard !external else { return }
            var versions: [(Int32, ByteBuffer, String?)] = []
            for try await row in try await connection.query(
                """
                SELECT version, material_sealed, rotation_type FROM kms_key_versions
                WHERE account_id = \(caller.accountID) AND key_id = \(key.id) ORDER BY version
                """, logger: database.logger
            ).decode((Int32, ByteBuffer, String?).self) {
                versions.append(row)
            }
            for (version, sealed, rotation) in versions {
                let material = try KeyMaterial.open(
                    sealed, account: caller.accountID, keyID: key.id, version: version, rootKey: keys.rootKey)
                try await KeyMaterial.insertNewVersion(
                    account: caller.accountID, keyID: replicaID, version: version, rotationType: rotation,
                    material: material, rootKey: keys.rootKey, on: connection, logger: database.logger)
            }
        }
        let replica = try await keys.customerKey(replicaARN, replicaView, for: "DescribeKey")
        return ReplicateKeyResponse(
            ReplicaKeyMetadata: try await keys.fullMetadata(replica, replicaView),
            ReplicaPolicy: request.Policy ?? KeyService.defaultPolicy(replicaView),
            ReplicaTags: tags)
    }

    /// Makes the set's key in `PrimaryRegion` its primary (the caller's region's key must be the primary now).
    func updatePrimaryRegion(_ request: UpdatePrimaryRegionRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.PrimaryRegion, "primaryRegion")
        validation.string(request.PrimaryRegion, "primaryRegion", min: 1, max: 32)
        try validation.check()
        let region = request.PrimaryRegion ?? ""
        try Self.checkRegion(region)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "UpdatePrimaryRegion")
        guard let shared = key.sharedID else {
            throw AWSError("UnsupportedOperationException", "\(key.arn) is not a multi-Region key.")
        }
        guard key.primaryRegion == caller.region else {
            throw AWSError("UnsupportedOperationException", "\(key.arn) is not the primary key of its set.")
        }
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        if key.state == .disabled { throw AWSError.kmsDisabled(key.arn) }
        guard region != caller.region else { return EmptyResponse() }
        let rows = try await database.query(
            """
            UPDATE kms_keys SET primary_region = \(region)
            WHERE account_id = \(caller.accountID) AND mrk_id = \(shared)
              AND EXISTS (SELECT 1 FROM kms_keys r WHERE r.account_id = \(caller.accountID) AND r.mrk_id = \(shared)
                  AND r.region = \(region))
            RETURNING 1
            """)
        var moved = false
        for try await _ in rows.decode(Int.self) { moved = true }
        guard moved else {
            let view = caller.inRegion(region)
            throw AWSError.kmsNotFound(KeyService.keyARN(view, text: key.idText))
        }
        return EmptyResponse()
    }
}
