import CairnCrypto
import CairnProtocol
import Foundation

struct DeriveSharedSecretRequest: Decodable {
    let KeyId: String?
    let KeyAgreementAlgorithm: String?
    let PublicKey: Data?
    let GrantTokens: [String]?
    let DryRun: Bool?
    let Recipient: RecipientInfo?

    struct RecipientInfo: Decodable {
        let KeyEncryptionAlgorithm: String?
        let AttestationDocument: Data?
    }
}

struct DeriveSharedSecretResponse: Encodable {
    let KeyId: String
    let SharedSecret: Data
    let KeyAgreementAlgorithm: String
    let KeyOrigin: String
}

/// DeriveSharedSecret with ECC key agreement keys (KeyUsage `KEY_AGREEMENT`, NIST P-256/P-384/P-521): ECDH of the
/// key's private half and the peer's public key, returned raw, as KMS returns it; the private key never leaves.
struct KeyAgreementHandlers: Sendable {
    let keys: KeyService

    func deriveSharedSecret(
        _ request: DeriveSharedSecretRequest, _ caller: Caller
    ) async throws -> DeriveSharedSecretResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm")
        validation.oneOf(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm", ["ECDH"])
        validation.required(request.PublicKey, "publicKey")
        validation.hiddenCount(request.PublicKey?.count, "publicKey", min: 1, max: 8192)
        validation.count(request.GrantTokens?.count, value: "\(request.GrantTokens ?? [])", "grantTokens", max: 10)
        try validation.check()
        try GrantHandlers.checkGrantTokens(request.GrantTokens)
        if request.Recipient != nil {
            throw AWSError.unsupported("Recipient (AWS Nitro Enclaves attestation) is not supported by Cairn.")
        }
        let key = try await keys.usableKey(request.KeyId ?? "", caller, for: "DeriveSharedSecret")
        guard let peer = try? AsymmetricKey(publicKeyDER: Array(request.PublicKey ?? Data())) else {
            throw AWSError(
                "ValidationException", "PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo of an ECC key.")
        }
        let pair = try await keys.keyPair(key, caller)
        guard let secret = try? pair.sharedSecret(with: peer) else {
            throw AWSError(
                "ValidationException",
                "The public key's curve does not match the key spec \(key.keySpec) of \(key.arn).")
        }
        try MacHandlers.checkDryRun(request.DryRun)
        return DeriveSharedSecretResponse(
            KeyId: key.arn, SharedSecret: Data(secret), KeyAgreementAlgorithm: "ECDH", KeyOrigin: "AWS_KMS")
    }
}
