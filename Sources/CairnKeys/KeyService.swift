public import CairnProtocol
public import CairnStore
public import Foundation

/// The KMS-compatible key service (`TrentService.*`, signed for `kms`): customer managed symmetric keys,
/// their lifecycle, and envelope encryption with them.
public struct KeyService: Sendable {
    public static let targetPrefix = "TrentService."
    public static let signingService = "kms"

    let database: Database
    let rootKey: RootKey
    let keyRing: DataKeyRing
    /// The operation being served, for key policy checks on other accounts' keys.
    var operation: String?

    public init(database: Database, rootKey: RootKey, keyRing: DataKeyRing) {
        self.database = database
        self.rootKey = rootKey
        self.keyRing = keyRing
    }

    typealias Handler = @Sendable (KeyService, [UInt8], Caller) async throws -> [UInt8]

    static let operations: [String: Handler] = [
        "CreateKey": { try await $0.createKey(JSONRequest.decode(CreateKeyRequest.self, from: $1), $2) },
        "DescribeKey": { try await $0.describeKey(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "ListKeys": { try await $0.listKeys(JSONRequest.decode(ListKeysRequest.self, from: $1), $2) },
        "EnableKey": { try await $0.enableKey(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "DisableKey": { try await $0.disableKey(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "ScheduleKeyDeletion": {
            try await $0.scheduleKeyDeletion(JSONRequest.decode(ScheduleKeyDeletionRequest.self, from: $1), $2)
        },
        "CancelKeyDeletion": { try await $0.cancelKeyDeletion(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "Encrypt": { try await $0.encrypt(JSONRequest.decode(EncryptRequest.self, from: $1), $2) },
        "Decrypt": { try await $0.decrypt(JSONRequest.decode(DecryptRequest.self, from: $1), $2) },
        "GenerateDataKey": {
            try await $0.generateDataKey(JSONRequest.decode(GenerateDataKeyRequest.self, from: $1), $2, plaintext: true)
        },
        "GenerateDataKeyWithoutPlaintext": {
            try await $0.generateDataKey(
                JSONRequest.decode(GenerateDataKeyRequest.self, from: $1), $2, plaintext: false)
        },
        "CreateAlias": { try await $0.createAlias(JSONRequest.decode(AliasRequest.self, from: $1), $2) },
        "UpdateAlias": { try await $0.updateAlias(JSONRequest.decode(AliasRequest.self, from: $1), $2) },
        "DeleteAlias": { try await $0.deleteAlias(JSONRequest.decode(AliasRequest.self, from: $1), $2) },
        "ListAliases": { try await $0.listAliases(JSONRequest.decode(ListAliasesRequest.self, from: $1), $2) },
        "EnableKeyRotation": {
            try await $0.enableKeyRotation(JSONRequest.decode(EnableKeyRotationRequest.self, from: $1), $2)
        },
        "DisableKeyRotation": { try await $0.disableKeyRotation(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "GetKeyRotationStatus": {
            try await $0.getKeyRotationStatus(JSONRequest.decode(KeyIDRequest.self, from: $1), $2)
        },
        "RotateKeyOnDemand": { try await $0.rotateKeyOnDemand(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "ListKeyRotations": {
            try await $0.listKeyRotations(JSONRequest.decode(ListKeyRotationsRequest.self, from: $1), $2)
        },
        "TagResource": { try await $0.tagResource(JSONRequest.decode(TagKeyRequest.self, from: $1), $2) },
        "UntagResource": { try await $0.untagResource(JSONRequest.decode(UntagKeyRequest.self, from: $1), $2) },
        "ListResourceTags": {
            try await $0.listResourceTags(JSONRequest.decode(ListResourceTagsRequest.self, from: $1), $2)
        },
        "GetKeyPolicy": { try await $0.getKeyPolicy(JSONRequest.decode(KeyPolicyRequest.self, from: $1), $2) },
        "PutKeyPolicy": { try await $0.putKeyPolicy(JSONRequest.decode(KeyPolicyRequest.self, from: $1), $2) },
        "ListKeyPolicies": { try await $0.listKeyPolicies(JSONRequest.decode(KeyIDRequest.self, from: $1), $2) },
        "ReEncrypt": { try await $0.reEncrypt(JSONRequest.decode(ReEncryptRequest.self, from: $1), $2) },
        "GenerateRandom": { try await $0.generateRandom(JSONRequest.decode(GenerateRandomRequest.self, from: $1), $2) },
    ]

    /// The key service as seen from a key ring (the same database, root key and caches).
    public init(keyRing: DataKeyRing) {
        self.init(database: keyRing.database, rootKey: keyRing.rootKey, keyRing: keyRing)
    }

    public static func knows(_ operation: String) -> Bool { operations[operation] != nil }

    /// A key that a log group of the caller may be encrypted with: any reference form, enabled; another
    /// account's key only where its policy allows the caller kms:GenerateDataKey and kms:Decrypt.
    /// Returns its ARN, id and owning account, or nil when there is no such key.
    public func keyForLogGroup(
        _ reference: String, _ caller: Caller
    ) async throws
        -> (arn: String, id: UUID, owner: String)?
    {
        var service = self
        service.operation = "GenerateDataKey"
        guard let key = try? await service.customerKey(reference, caller), key.state == "Enabled", !key.managedByAWS
        else { return nil }
        if key.owner != caller.accountID {
            service.operation = "Decrypt"
            guard (try? await service.customerKey(owner: key.owner, id: key.id, caller)) != nil else { return nil }
        }
        return (key.arn, key.id, key.owner)
    }

    public func handle(operation: String, body: [UInt8], caller: Caller) async throws -> [UInt8] {
        guard let handler = Self.operations[operation] else {
            throw AWSError.unknownOperation(Self.targetPrefix + operation)
        }
        try caller.authorize(Self.signingService, operation)
        var service = self
        service.operation = operation
        guard Self.auditedOperations.contains(operation) else { return try await handler(service, body, caller) }
        let audit = AuditTrail(database: database)
        do {
            let output = try await handler(service, body, caller)
            await audit.record(
                account: caller.accountID, region: caller.region, principal: caller.accessKeyID, operation: operation,
                keyARN: Self.keyARN(in: output) ?? Self.keyReference(in: body, caller), outcome: "Success")
            return output
        } catch let error as AWSError {
            await audit.record(
                account: caller.accountID, region: caller.region, principal: caller.accessKeyID, operation: operation,
                keyARN: Self.keyReference(in: body, caller), outcome: error.code)
            throw error
        }
    }

    /// Key operations and cryptographic uses go to the audit trail; listings and reads of metadata do not.
    static let auditedOperations: Set<String> = [
        "CreateKey", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "Encrypt", "Decrypt",
        "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "EnableKeyRotation", "DisableKeyRotation",
        "RotateKeyOnDemand", "PutKeyPolicy", "CreateAlias", "UpdateAlias", "DeleteAlias", "TagResource",
        "UntagResource",
    ]

    /// The key ARN a response names (`KeyId` or `KeyMetadata.Arn`).
    static func keyARN(in output: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(output)) as? [String: Any] else { return nil }
        if let arn = (object["KeyMetadata"] as? [String: Any])?["Arn"] as? String { return arn }
        return object["KeyId"] as? String
    }

    /// The key a request names, as given (an id, ARN or alias: never a secret), or the key a ciphertext blob
    /// names in its header.
    static func keyReference(in body: [UInt8], _ caller: Caller) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let named = ["KeyId", "TargetKeyId", "DestinationKeyId"].lazy.compactMap({ object[$0] as? String }).first {
            return named
        }
        guard let text = object["CiphertextBlob"] as? String, let blob = Data(base64Encoded: text),
            blob.count >= blobHeaderBytes, blob.first == blobFormat
        else { return nil }
        let keyID = Array(blob[blob.startIndex + 1..<blob.startIndex + 17]).withUnsafeBytes {
            UUID(uuid: $0.loadUnaligned(as: uuid_t.self))
        }
        return keyARN(caller, keyID)
    }

    static func keyARN(_ caller: Caller, _ keyID: UUID) -> String {
        "arn:aws:kms:\(caller.region):\(caller.accountID):key/\(keyID.uuidString.lowercased())"
    }
}

/// KMS's own error texts.
extension AWSError {
    static func kmsNotFound(_ reference: String) -> AWSError {
        AWSError("NotFoundException", "Key '\(reference)' does not exist")
    }

    static func kmsDisabled(_ arn: String) -> AWSError { AWSError("DisabledException", "\(arn) is disabled.") }

    static func kmsPendingDeletion(_ arn: String) -> AWSError {
        AWSError("KMSInvalidStateException", "\(arn) is pending deletion.")
    }

    static func kmsNotPendingDeletion(_ arn: String) -> AWSError {
        AWSError("KMSInvalidStateException", "\(arn) is not pending deletion.")
    }

    static let invalidCiphertext = AWSError("InvalidCiphertextException", "")
    static let incorrectKey = AWSError(
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")

    static func kmsValidation(_ validation: Validation) -> AWSError? {
        validation.error.map { AWSError("ValidationException", $0.message) }
    }

    static func unsupported(_ message: String) -> AWSError { AWSError("UnsupportedOperationException", message) }

    static func awsManaged(_ arn: String) -> AWSError {
        AWSError("UnsupportedOperationException", "\(arn) is an AWS managed key; it cannot be changed by its account.")
    }
}
