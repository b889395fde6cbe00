public import CairnProtocol

extension KeyService {
    /// The KMS operations (`TrentService.*`), each declared once for the registry. Key operations and
    /// cryptographic uses are written to the audit trail with their outcome.
    public var operations: [Operation] {
        [
            declare("CreateKey", .admins, CreateKeyRequest.self) { $0.createKey },
            declare("DescribeKey", .readers, KeyIDRequest.self) { $0.describeKey },
            declare("ListKeys", .readers, ListKeysRequest.self) { $0.listKeys },
            declare("EnableKey", .admins, KeyIDRequest.self) { $0.enableKey },
            declare("DisableKey", .admins, KeyIDRequest.self) { $0.disableKey },
            declare("ScheduleKeyDeletion", .admins, ScheduleKeyDeletionRequest.self) { $0.scheduleKeyDeletion },
            declare("CancelKeyDeletion", .admins, KeyIDRequest.self) { $0.cancelKeyDeletion },
            declare("Encrypt", .admins, EncryptRequest.self) { $0.encrypt },
            declare("Decrypt", .admins, DecryptRequest.self) { $0.decrypt },
            declare("GenerateDataKey", .admins, GenerateDataKeyRequest.self) { service in
                { try await service.generateDataKey($0, $1, plaintext: true) }
            },
            declare("GenerateDataKeyWithoutPlaintext", .admins, GenerateDataKeyRequest.self) { service in
                { try await service.generateDataKey($0, $1, plaintext: false) }
            },
            declare("CreateAlias", .admins, AliasRequest.self) { $0.createAlias },
            declare("UpdateAlias", .admins, AliasRequest.self) { $0.updateAlias },
            declare("DeleteAlias", .admins, AliasRequest.self) { $0.deleteAlias },
            declare("ListAliases", .readers, ListAliasesRequest.self) { $0.listAliases },
            declare("EnableKeyRotation", .admins, EnableKeyRotationRequest.self) { $0.enableKeyRotation },
            declare("DisableKeyRotation", .admins, KeyIDRequest.self) { $0.disableKeyRotation },
            declare("GetKeyRotationStatus", .readers, KeyIDRequest.self) { $0.getKeyRotationStatus },
            declare("RotateKeyOnDemand", .admins, KeyIDRequest.self) { $0.rotateKeyOnDemand },
            declare("ListKeyRotations", .readers, ListKeyRotationsRequest.self) { $0.listKeyRotations },
            declare("TagResource", .admins, TagKeyRequest.self) { $0.tagResource },
            declare("UntagResource", .admins, UntagKeyRequest.self) { $0.untagResource },
            declare("ListResourceTags", .readers, ListResourceTagsRequest.self) { $0.listResourceTags },
            declare("GetKeyPolicy", .readers, KeyPolicyRequest.self) { $0.getKeyPolicy },
            declare("PutKeyPolicy", .admins, KeyPolicyRequest.self) { $0.putKeyPolicy },
            declare("ListKeyPolicies", .readers, KeyIDRequest.self) { $0.listKeyPolicies },
            declare("ReEncrypt", .admins, ReEncryptRequest.self) { $0.reEncrypt },
            declare("GenerateRandom", .admins, GenerateRandomRequest.self) { $0.generateRandom },
        ]
    }

    /// One KMS operation; key operations and cryptographic uses are audited with their outcome.
    private func declare<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ roles: Set<Role>, _ input: Input.Type,
        _ handler: @escaping @Sendable (KeyService) -> @Sendable (Input, Caller) async throws -> Output
    ) -> Operation {
        let service = self
        let operation = Operation(.kms, name, roles: roles, input: input, handler: handler(service))
        guard Self.auditedOperations.contains(name) else { return operation }
        return operation.wrapped { body, caller, next in
            let audit = AuditTrail(database: service.database)
            do {
                let output = try await next()
                await audit.record(
                    account: caller.accountID, region: caller.region, principal: caller.accessKeyID, operation: name,
                    keyARN: Self.keyARN(in: output) ?? Self.keyReference(in: body, caller), outcome: "Success")
                return output
            } catch let error as AWSError {
                await audit.record(
                    account: caller.accountID, region: caller.region, principal: caller.accessKeyID, operation: name,
                    keyARN: Self.keyReference(in: body, caller), outcome: error.code)
                throw error
            }
        }
    }
}
