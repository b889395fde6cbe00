public import CairnAccounts
public import CairnProtocol
public import CairnStore
public import Foundation

/// The KMS-compatible key service (`TrentService.*`, signed for `kms`): customer managed symmetric keys,
/// their lifecycle, and envelope encryption with them. This type is the key store — keys found by any
/// reference (another account's key only where its policy allows the action at hand), their material, and
/// ciphertext blobs; one handler type per area (`KeyLifecycleHandlers`, `AliasHandlers`, `CryptoHandlers`,
/// `KeyPolicyHandlers`, `RotationHandlers`) serves the operations over it.
public struct KeyService: Sendable {

    let database: Database
    let rootKey: RootKey
    let keyRing: DataKeyRing
    let quotas: AccountQuotas
    let audit: AuditTrail

    public init(database: Database, rootKey: RootKey, keyRing: DataKeyRing) {
        self.database = database
        self.rootKey = rootKey
        self.keyRing = keyRing
        quotas = AccountQuotas(database: database)
        audit = AuditTrail(database: database)
    }

    /// The key service as seen from a key ring (the same database, root key and caches).
    public init(keyRing: DataKeyRing) {
        self.init(database: keyRing.database, rootKey: keyRing.rootKey, keyRing: keyRing)
    }

    /// A key that a log group of the caller may be encrypted with: any reference form, enabled; another
    /// account's key only where its policy allows the caller kms:GenerateDataKey and kms:Decrypt.
    /// Returns its ARN, id and owning account, or nil when there is no such key.
    public func keyForLogGroup(
        _ reference: String, _ caller: Caller
    ) async throws
        -> (arn: String, id: UUID, owner: String)?
    {
        // A key that does not exist or that the policy withholds is "not allowed"; a database failure is not.
        do {
            let logs = "logs.\(caller.region).amazonaws.com"
            let key = try await customerKey(reference, caller, for: "GenerateDataKey", via: logs)
            guard key.state == .enabled, !key.managedByAWS, key.keyUsage == "ENCRYPT_DECRYPT", key.isSymmetric else {
                return nil
            }
            if key.owner != caller.accountID {
                _ = try await customerKey(owner: key.owner, id: key.id, caller, for: "Decrypt", via: logs)
            }
            return (key.arn, key.id, key.owner)
        } catch is AWSError {
            return nil
        }
    }

    /// Key operations and cryptographic uses go to the audit trail; listings and reads of metadata do not.
    static let auditedOperations: Set<String> = [
        "CreateKey", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "Encrypt", "Decrypt",
        "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "EnableKeyRotation", "DisableKeyRotation",
        "RotateKeyOnDemand", "PutKeyPolicy", "CreateAlias", "UpdateAlias", "DeleteAlias", "TagResource",
        "UntagResource", "GenerateMac", "VerifyMac", "UpdateKeyDescription", "Sign", "Verify", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "CreateGrant", "RetireGrant", "RevokeGrant",
        "DeriveSharedSecret", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial",
        "ReplicateKey", "UpdatePrimaryRegion",
    ]

    /// The key ARN a response names (`KeyId` or `KeyMetadata.Arn`).
    static func keyARN(in output: [UInt8]) -> String? {
        guard !NestingLimit.exceeded(json: output),
            let object = try? JSONSerialization.jsonObject(with: Data(output)) as? [String: Any]
        else { return nil }
        if let arn = (object["KeyMetadata"] as? [String: Any])?["Arn"] as? String { return arn }
        return object["KeyId"] as? String
    }

    /// The key a request names (a bare id as its ARN in the caller's account; an ARN or alias as given: never a
    /// secret), or the key a ciphertext blob names in its header.
    static func keyReference(in body: [UInt8], _ caller: Caller) -> String? {
        // A body deeper than any request may be (refused by decoding) names no key worth parsing for.
        guard !NestingLimit.exceeded(json: body),
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        if let named = ["KeyId", "TargetKeyId", "DestinationKeyId"].lazy.compactMap({ object[$0] as? String }).first {
            // A bare key id names a key of the caller's account: the trail holds its ARN, so one filter finds
            // every use of a key however it was named.
            return UUID(uuidString: named).map { keyARN(caller, $0) } ?? named
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
        ARN(region: caller.region, account: caller.accountID, resource: .key(keyID.uuidString.lowercased())).description
    }

    /// A key ARN from the key id AWS shows (a UUID, or a multi-Region key's `mrk-…`).
    static func keyARN(_ caller: Caller, text: String) -> String {
        ARN(region: caller.region, account: caller.accountID, resource: .key(text)).description
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

    static func kmsPendingImport(_ arn: String) -> AWSError {
        AWSError("KMSInvalidStateException", "\(arn) is pending import.")
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

    static func kmsLimitExceeded(_ quota: AccountQuota) -> AWSError {
        AWSError("LimitExceededException", "The request would exceed the account's \(quota.rawValue) quota.")
    }

    static func awsManaged(_ arn: String) -> AWSError {
        AWSError("UnsupportedOperationException", "\(arn) is an AWS managed key; it cannot be changed by its account.")
    }
}
