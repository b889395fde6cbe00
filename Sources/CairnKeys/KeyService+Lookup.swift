import CairnCrypto
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
    /// `SYMMETRIC_DEFAULT` or `HMAC_224` … `HMAC_512`.
    var keySpec = "SYMMETRIC_DEFAULT"
    let createdAt: Date
    let deletionDate: Date?
    let pendingWindowDays: Int?
    let managedByAWS: Bool
    /// `AWS_KMS`, or `EXTERNAL` for a key whose material is imported.
    var origin = "AWS_KMS"
    /// An EXTERNAL key's: whether its imported material expires, and when.
    var expirationModel: String? = nil
    var validTo: Date? = nil

    var isExternal: Bool { origin == "EXTERNAL" }
    /// A multi-Region key's id, shared with its related keys in other regions (nil for other keys).
    var sharedID: UUID? = nil
    /// A multi-Region key set's primary region.
    var primaryRegion: String? = nil

    var isMultiRegion: Bool { sharedID != nil }
    /// The id ciphertexts and their AAD name: shared by a multi-Region set, so any of its keys decrypts.
    var blobID: UUID { sharedID ?? id }
    /// The key id AWS shows: a UUID, or `mrk-` and 32 hex digits for a multi-Region key.
    var idText: String { Self.idText(id, shared: sharedID) }

    static func idText(_ id: UUID, shared: UUID?) -> String {
        guard let shared else { return id.uuidString.lowercased() }
        return "mrk-" + shared.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    func metadata(_ caller: Caller) -> KeyMetadata {
        KeyMetadata(
            AWSAccountId: owner, KeyId: idText, Arn: arn,
            CreationDate: createdAt.timeIntervalSince1970, Enabled: state == .enabled, Description: description,
            KeyUsage: keyUsage, KeyState: state.rawValue, DeletionDate: deletionDate?.timeIntervalSince1970,
            // AWS shows the window only for a primary in PendingReplicaDeletion, a state Cairn keys never have.
            PendingDeletionWindowInDays: nil, Origin: origin, ValidTo: validTo?.timeIntervalSince1970,
            ExpirationModel: expirationModel,
            KeyManager: managedByAWS ? "AWS" : "CUSTOMER",
            CustomerMasterKeySpec: keySpec, KeySpec: keySpec,
            EncryptionAlgorithms: encryptionAlgorithms, SigningAlgorithms: signingAlgorithms,
            MacAlgorithms: macDigest.map { [$0.rawValue] }, KeyAgreementAlgorithms: keyAgreementAlgorithms,
            MultiRegion: isMultiRegion)
    }

    /// The signing algorithms of an asymmetric signing key (nil for other keys).
    var signingAlgorithms: [String]? {
        keyUsage == "SIGN_VERIFY" ? KMSLimits.signingKeySpecs[keySpec]?.algorithms : nil
    }

    /// What an encryption key encrypts with: `SYMMETRIC_DEFAULT`, or RSAES-OAEP for an RSA encryption key.
    var encryptionAlgorithms: [String]? {
        guard keyUsage == "ENCRYPT_DECRYPT" else { return nil }
        return isSymmetric ? ["SYMMETRIC_DEFAULT"] : KMSLimits.rsaEncryptionAlgorithms
    }

    var isSymmetric: Bool { keySpec == "SYMMETRIC_DEFAULT" }

    /// What a key agreement key derives with (nil for other keys).
    var keyAgreementAlgorithms: [String]? { keyUsage == "KEY_AGREEMENT" ? ["ECDH"] : nil }

    /// The HMAC an HMAC key computes (nil for other keys).
    var macDigest: HMACDigest? { KMSLimits.hmacKeySpecs[keySpec] }
}

extension KeyService {

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
        _ reference: String, _ caller: Caller, for operation: String, allowAliases: Bool = true,
        context: [String: String]? = nil, via service: String? = nil
    ) async throws -> CustomerKey {
        let (owner, keyID) = try await resolveKeyID(reference, caller, allowAliases: allowAliases)
        return try await customerKey(owner: owner, id: keyID, caller, for: operation, context: context, via: service)
    }

    /// `context` (the request's encryption context) and `service` (`kms:ViaService`) are what another account's
    /// key policy conditions may test.
    func customerKey(
        owner: String, id keyID: UUID, _ caller: Caller, for operation: String, context: [String: String]? = nil,
        via service: String? = nil
    ) async throws -> CustomerKey {
        let ownerView = caller.acting(for: owner)
        let rows = try await database.query(
            """
            SELECT CASE WHEN material_valid_to <= now() AND key_state <> 'PendingDeletion' THEN 'PendingImport'
                    ELSE key_state END,
                description, key_usage, created_at, deletion_date, pending_window_days, key_manager, policy,
                key_spec, origin, expiration_model, material_valid_to, key_id, mrk_id, primary_region
            FROM kms_keys
            WHERE account_id = \(owner) AND region = \(caller.region) AND (key_id = \(keyID) OR mrk_id = \(keyID))
            """)
        for try await row in rows.decode(
            (
                String, String, String, Date, Date?, Int?, String, String?, String, String, String?, Date?, UUID,
                UUID?, String?
            ).self)
        {
            let (state, description, usage, created, deletion, window, manager, policy, spec) = (
                row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8
            )
            let (rowID, sharedID, primaryRegion) = (row.12, row.13, row.14)
            let arn = Self.keyARN(ownerView, text: CustomerKey.idText(rowID, shared: sharedID))
            if owner != caller.accountID {
                // As AWS evaluates another account's use: the key policy or a grant allows it.
                let action = "kms:\(operation)"
                guard manager == "CUSTOMER" else { throw Self.noPolicyAllows(caller, action, arn) }
                let allowedByPolicy = ResourcePolicy.allows(
                    policy,
                    PolicyRequest(
                        account: caller.accountID, principal: caller.userARN, action: action,
                        region: caller.region, viaService: service, encryptionContext: context))
                if !allowedByPolicy {
                    guard
                        let grant = try await grantAllowing(
                            owner: owner, key: keyID, caller, operation: operation, context: context)
                    else { throw Self.noPolicyAllows(caller, action, arn) }
                    // Every use a grant allows is in the owner's trail, with the grant that allowed it.
                    await audit.record(
                        account: owner, region: caller.region, principal: caller.userARN, operation: action,
                        keyARN: arn, outcome: "allowed by grant \(grant.id)")
                }
            }
            return CustomerKey(
                id: rowID, owner: owner, arn: arn, state: try KeyState(stored: state),
                description: manager == "CUSTOMER"
                    ? description : "Default key that protects my CloudWatch Logs data when no other key is defined",
                keyUsage: usage, keySpec: spec, createdAt: created, deletionDate: deletion,
                pendingWindowDays: window, managedByAWS: manager != "CUSTOMER", origin: row.9,
                expirationModel: row.10, validTo: row.11, sharedID: sharedID, primaryRegion: primaryRegion)
        }
        throw AWSError.kmsNotFound(Self.keyARN(ownerView, keyID))
    }

    static func noPolicyAllows(_ caller: Caller, _ action: String, _ arn: String) -> AWSError {
        AWSError.accessDenied(
            "User: \(caller.userARN) is not authorized to perform: \(action) on resource: \(arn) "
                + "because no resource-based policy allows the \(action) action")
    }

    /// A key whose state or settings the account may change: not an AWS managed one.
    func changeableKey(_ reference: String, _ caller: Caller, for operation: String) async throws -> CustomerKey {
        let key = try await customerKey(reference, caller, for: operation)
        if key.managedByAWS { throw AWSError.awsManaged(key.arn) }
        if key.owner != caller.accountID { throw AWSError.kmsNotFound(key.arn) }
        return key
    }
}
