public import CairnProtocol

extension KeyService {
    /// The KMS operations (`TrentService.*`), each declared once for the registry. Key operations and
    /// cryptographic uses are written to the audit trail with their outcome.
    public var operations: [Operation] {
        let lifecycle = KeyLifecycleHandlers(keys: self)
        let aliases = AliasHandlers(keys: self)
        let crypto = CryptoHandlers(keys: self)
        let policies = KeyPolicyHandlers(keys: self)
        let rotation = RotationHandlers(keys: self)
        let macs = MacHandlers(keys: self)
        let signing = SigningHandlers(keys: self)
        let pairs = DataKeyPairHandlers(keys: self)
        let grants = GrantHandlers(keys: self)
        let agreement = KeyAgreementHandlers(keys: self)
        let imports = ImportHandlers(keys: self)
        let regions = MultiRegionHandlers(keys: self)
        let usage = KeyUsageHandlers(keys: self)
        return [
            declare("CreateKey", .admins, CreateKeyRequest.self, lifecycle.createKey),
            declare("DescribeKey", .readers, KeyIDRequest.self, lifecycle.describeKey),
            declare(
                "UpdateKeyDescription", .admins, UpdateKeyDescriptionRequest.self, lifecycle.updateKeyDescription),
            declare("ListKeys", .readers, ListKeysRequest.self, lifecycle.listKeys),
            declare("EnableKey", .admins, KeyIDRequest.self, lifecycle.enableKey),
            declare("DisableKey", .admins, KeyIDRequest.self, lifecycle.disableKey),
            declare("ScheduleKeyDeletion", .admins, ScheduleKeyDeletionRequest.self, lifecycle.scheduleKeyDeletion),
            declare("CancelKeyDeletion", .admins, KeyIDRequest.self, lifecycle.cancelKeyDeletion),
            declare("Encrypt", .admins, EncryptRequest.self, crypto.encrypt),
            declare("Decrypt", .admins, DecryptRequest.self, crypto.decrypt),
            declare("GenerateDataKey", .admins, GenerateDataKeyRequest.self) {
                try await crypto.generateDataKey($0, $1, plaintext: true)
            },
            declare("GenerateDataKeyWithoutPlaintext", .admins, GenerateDataKeyRequest.self) {
                try await crypto.generateDataKey($0, $1, plaintext: false)
            },
            declare("GenerateMac", .admins, GenerateMacRequest.self, macs.generateMac),
            declare("VerifyMac", .admins, VerifyMacRequest.self, macs.verifyMac),
            declare("Sign", .admins, SignRequest.self, signing.sign),
            declare("Verify", .admins, VerifyRequest.self, signing.verify),
            declare("GetPublicKey", .readers, GetPublicKeyRequest.self, signing.getPublicKey),
            declare("DeriveSharedSecret", .admins, DeriveSharedSecretRequest.self, agreement.deriveSharedSecret),
            declare("GenerateDataKeyPair", .admins, GenerateDataKeyPairRequest.self) {
                try await pairs.generateDataKeyPair($0, $1, plaintext: true)
            },
            declare("GenerateDataKeyPairWithoutPlaintext", .admins, GenerateDataKeyPairRequest.self) {
                try await pairs.generateDataKeyPair($0, $1, plaintext: false)
            },
            declare("CreateAlias", .admins, AliasRequest.self, aliases.createAlias),
            declare("UpdateAlias", .admins, AliasRequest.self, aliases.updateAlias),
            declare("DeleteAlias", .admins, AliasRequest.self, aliases.deleteAlias),
            declare("ListAliases", .readers, ListAliasesRequest.self, aliases.listAliases),
            declare("EnableKeyRotation", .admins, EnableKeyRotationRequest.self, rotation.enableKeyRotation),
            declare("DisableKeyRotation", .admins, KeyIDRequest.self, rotation.disableKeyRotation),
            declare("GetKeyRotationStatus", .readers, KeyIDRequest.self, rotation.getKeyRotationStatus),
            declare("RotateKeyOnDemand", .admins, KeyIDRequest.self, rotation.rotateKeyOnDemand),
            declare("ListKeyRotations", .readers, ListKeyRotationsRequest.self, rotation.listKeyRotations),
            declare("TagResource", .admins, TagKeyRequest.self, policies.tagResource),
            declare("UntagResource", .admins, UntagKeyRequest.self, policies.untagResource),
            declare("ListResourceTags", .readers, ListResourceTagsRequest.self, policies.listResourceTags),
            declare("GetKeyPolicy", .readers, KeyPolicyRequest.self, policies.getKeyPolicy),
            declare("PutKeyPolicy", .admins, KeyPolicyRequest.self, policies.putKeyPolicy),
            declare("ListKeyPolicies", .readers, KeyIDRequest.self, policies.listKeyPolicies),
            declare("ReEncrypt", .admins, ReEncryptRequest.self, crypto.reEncrypt),
            declare("GenerateRandom", .admins, GenerateRandomRequest.self, crypto.generateRandom),
            declare(
                "GetParametersForImport", .admins, GetParametersForImportRequest.self, imports.getParametersForImport),
            declare("ImportKeyMaterial", .admins, ImportKeyMaterialRequest.self, imports.importKeyMaterial),
            declare(
                "DeleteImportedKeyMaterial", .admins, DeleteImportedKeyMaterialRequest.self,
                imports.deleteImportedKeyMaterial),
            declare("GetKeyLastUsage", .readers, KeyIDRequest.self, usage.getKeyLastUsage),
            declare("ReplicateKey", .admins, ReplicateKeyRequest.self, regions.replicateKey),
            declare("UpdatePrimaryRegion", .admins, UpdatePrimaryRegionRequest.self, regions.updatePrimaryRegion),
            declare("CreateGrant", .admins, CreateGrantRequest.self, grants.createGrant),
            declare("ListGrants", .readers, ListGrantsRequest.self, grants.listGrants),
            declare("ListRetirableGrants", .readers, ListRetirableGrantsRequest.self, grants.listRetirableGrants),
            declare("RetireGrant", .admins, RetireGrantRequest.self, grants.retireGrant),
            declare("RevokeGrant", .admins, RevokeGrantRequest.self, grants.revokeGrant),
        ]
    }

    /// One KMS operation; key operations and cryptographic uses are audited with their outcome.
    private func declare<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ roles: Set<Role>, _ input: Input.Type,
        _ handler: @escaping @Sendable (Input, Caller) async throws -> Output
    ) -> Operation {
        let service = self
        let operation = Operation(.kms, name, roles: roles, input: input) { (request: Input, caller: Caller) in
            try GrantHandlers.checkGrantTokens((request as? any GrantTokenCarrying)?.GrantTokens)
            return try await handler(request, caller)
        }
        guard Self.auditedOperations.contains(name) else { return operation }
        return operation.wrapped { body, caller, next in
            let audit = service.audit
            // Both accounts see a use of one account's key by another: the caller in its trail, the key's owner
            // in its own (with the caller's principal ARN). Only a use that reached the key is written to the
            // owner's trail — a successful one or one its policy denied — so no tenant can fill another's trail
            // by naming keys that do not exist.
            func record(_ keyARN: String?, _ outcome: String) async {
                await audit.record(
                    account: caller.accountID, region: caller.region, principal: caller.accessKeyID, operation: name,
                    keyARN: keyARN, outcome: outcome)
                guard outcome == "Success" || outcome == "AccessDeniedException", let keyARN,
                    let owner = ARN(keyARN)?.account, owner != caller.accountID
                else { return }
                await audit.record(
                    account: owner, region: caller.region, principal: caller.userARN, operation: name,
                    keyARN: keyARN, outcome: outcome)
            }
            do {
                let output = try await next()
                await record(Self.keyARN(in: output) ?? Self.keyReference(in: body, caller), "Success")
                return output
            } catch let error as AWSError {
                await record(Self.keyReference(in: body, caller), error.code)
                throw error
            }
        }
    }
}
