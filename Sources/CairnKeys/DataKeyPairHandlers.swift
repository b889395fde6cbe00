import CairnCrypto
import CairnProtocol
import Foundation

struct GenerateDataKeyPairRequest: Decodable {
    let KeyId: String?
    let KeyPairSpec: String?
    let EncryptionContext: [String: String]?
    let GrantTokens: [String]?
    let DryRun: Bool?
}

struct GenerateDataKeyPairResponse: Encodable {
    let PrivateKeyCiphertextBlob: Data
    let PrivateKeyPlaintext: Data?
    let PublicKey: Data
    let KeyId: String
    let KeyPairSpec: String
    var KeyMaterialId: String? = nil
}

/// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh RSA or ECC key pair for the caller to use
/// outside KMS; its private key (PKCS #8) comes back encrypted under a symmetric key, and in plaintext if asked.
struct DataKeyPairHandlers: Sendable {
    let keys: KeyService

    func generateDataKeyPair(
        _ request: GenerateDataKeyPairRequest, _ caller: Caller, plaintext: Bool
    ) async throws -> GenerateDataKeyPairResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.KeyPairSpec, "keyPairSpec")
        validation.oneOf(request.KeyPairSpec, "keyPairSpec", KMSLimits.dataKeyPairSpecs)
        try validation.check()
        let operation = plaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext"
        let key = try await keys.usableKey(
            request.KeyId ?? "", caller, for: operation, context: request.EncryptionContext)
        let spec = request.KeyPairSpec ?? ""
        guard let kind = KMSLimits.signingKeySpecs[spec]?.kind else {
            throw AWSError.unsupported("KeyPairSpec \(spec) is not supported by Cairn.")
        }
        let pair = try AsymmetricKey.generate(kind)
        let privateKey = pair.privateKeyPKCS8DER
        let sealed = try await keys.seal(privateKey, key: key, context: request.EncryptionContext, caller)
        try MacHandlers.checkDryRun(request.DryRun)
        return GenerateDataKeyPairResponse(
            PrivateKeyCiphertextBlob: Data(sealed.blob), PrivateKeyPlaintext: plaintext ? Data(privateKey) : nil,
            PublicKey: Data(pair.publicKeyDER), KeyId: key.arn, KeyPairSpec: spec, KeyMaterialId: sealed.materialID)
    }
}
