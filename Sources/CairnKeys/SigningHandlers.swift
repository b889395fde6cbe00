import CairnCrypto
import CairnProtocol
import Foundation

struct SignRequest: Decodable {
    let KeyId: String?
    let Message: Data?
    let MessageType: String?
    let SigningAlgorithm: String?
    let GrantTokens: [String]?
    let DryRun: Bool?
}

struct SignResponse: Encodable {
    let KeyId: String
    let Signature: Data
    let SigningAlgorithm: String
}

struct VerifyRequest: Decodable {
    let KeyId: String?
    let Message: Data?
    let MessageType: String?
    let Signature: Data?
    let SigningAlgorithm: String?
    let GrantTokens: [String]?
    let DryRun: Bool?
}

struct VerifyResponse: Encodable {
    let KeyId: String
    let SignatureValid: Bool
    let SigningAlgorithm: String
}

struct GetPublicKeyRequest: Decodable {
    let KeyId: String?
    let GrantTokens: [String]?
}

struct GetPublicKeyResponse: Encodable {
    let KeyId: String
    let PublicKey: Data
    let CustomerMasterKeySpec: String
    let KeySpec: String
    let KeyUsage: String
    let EncryptionAlgorithms: [String]?
    let SigningAlgorithms: [String]?
    let KeyAgreementAlgorithms: [String]?
}

/// Sign, Verify and GetPublicKey with asymmetric signing keys (RSA and ECC, KeyUsage `SIGN_VERIFY`). The private
/// key never leaves Cairn; the public key is DER SubjectPublicKeyInfo, so anyone can verify outside.
struct SigningHandlers: Sendable {
    let keys: KeyService

    func sign(_ request: SignRequest, _ caller: Caller) async throws -> SignResponse {
        try Self.validate(
            request.KeyId, request.Message, request.MessageType, request.SigningAlgorithm, signature: nil,
            verifying: false)
        let (key, scheme, pair) = try await signingKey(
            request.KeyId ?? "", request.SigningAlgorithm ?? "", caller, "Sign")
        let isDigest = try Self.isDigest(request.MessageType, request.Message, scheme, request.SigningAlgorithm ?? "")
        let signature = try pair.sign(Array(request.Message ?? Data()), scheme: scheme, isDigest: isDigest)
        try MacHandlers.checkDryRun(request.DryRun)
        return SignResponse(
            KeyId: key.arn, Signature: Data(signature), SigningAlgorithm: request.SigningAlgorithm ?? "")
    }

    func verify(_ request: VerifyRequest, _ caller: Caller) async throws -> VerifyResponse {
        try Self.validate(
            request.KeyId, request.Message, request.MessageType, request.SigningAlgorithm, signature: request.Signature,
            verifying: true)
        let (key, scheme, pair) = try await signingKey(
            request.KeyId ?? "", request.SigningAlgorithm ?? "", caller, "Verify")
        let isDigest = try Self.isDigest(request.MessageType, request.Message, scheme, request.SigningAlgorithm ?? "")
        guard
            pair.verify(
                Array(request.Signature ?? Data()), of: Array(request.Message ?? Data()), scheme: scheme,
                isDigest: isDigest)
        else {
            throw AWSError(
                "KMSInvalidSignatureException",
                "The signature does not verify for this message, key and signing algorithm.")
        }
        try MacHandlers.checkDryRun(request.DryRun)
        return VerifyResponse(KeyId: key.arn, SignatureValid: true, SigningAlgorithm: request.SigningAlgorithm ?? "")
    }

    func getPublicKey(_ request: GetPublicKeyRequest, _ caller: Caller) async throws -> GetPublicKeyResponse {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.usableKey(request.KeyId ?? "", caller, for: "GetPublicKey")
        guard KMSLimits.signingKeySpecs[key.keySpec] != nil else {
            throw AWSError.unsupported("\(key.arn) key spec is \(key.keySpec), which has no public key.")
        }
        let pair = try await keys.keyPair(key, caller)
        return GetPublicKeyResponse(
            KeyId: key.arn, PublicKey: Data(pair.publicKeyDER), CustomerMasterKeySpec: key.keySpec,
            KeySpec: key.keySpec, KeyUsage: key.keyUsage, EncryptionAlgorithms: key.encryptionAlgorithms,
            SigningAlgorithms: key.signingAlgorithms, KeyAgreementAlgorithms: key.keyAgreementAlgorithms)
    }

    static func validate(
        _ keyID: String?, _ message: Data?, _ messageType: String?, _ algorithm: String?, signature: Data?,
        verifying: Bool
    ) throws(AWSError) {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(keyID, "keyId")
        validation.string(keyID, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(message, "message")
        validation.hiddenCount(
            message?.count, "message", min: KMSLimits.signMessageBytes.lowerBound,
            max: KMSLimits.signMessageBytes.upperBound)
        validation.oneOf(messageType, "messageType", ["RAW", "DIGEST", "EXTERNAL_MU"])
        validation.required(algorithm, "signingAlgorithm")
        validation.oneOf(algorithm, "signingAlgorithm", KMSLimits.signingAlgorithms)
        if verifying {
            validation.required(signature, "signature")
            validation.hiddenCount(
                signature?.count, "signature", min: KMSLimits.macBytes.lowerBound,
                max: KMSLimits.macBytes.upperBound)
        }
        try validation.check()
    }

    /// With `DIGEST`, the message is the digest itself and must be as long as the algorithm's hash.
    static func isDigest(
        _ messageType: String?, _ message: Data?, _ scheme: AsymmetricKey.Scheme, _ algorithm: String
    ) throws(AWSError) -> Bool {
        switch messageType ?? "RAW" {
        case "RAW": return false
        case "DIGEST":
            guard message?.count == scheme.hash.byteCount else {
                throw AWSError("ValidationException", "Digest is invalid length for algorithm \(algorithm).")
            }
            return true
        default:
            throw AWSError("ValidationException", "MessageType \(messageType ?? "") is not supported for \(algorithm).")
        }
    }

    /// The enabled signing key, the scheme of `algorithm` (which the key must support), and its key pair.
    private func signingKey(
        _ reference: String, _ algorithm: String, _ caller: Caller, _ operation: String
    ) async throws -> (CustomerKey, AsymmetricKey.Scheme, AsymmetricKey) {
        let key = try await keys.usableKey(reference, caller, for: operation)
        guard key.signingAlgorithms?.contains(algorithm) == true, let scheme = KMSLimits.signingSchemes[algorithm]
        else {
            throw AWSError(
                "InvalidKeyUsageException",
                "\(key.arn) key spec is \(key.keySpec), which does not support signing algorithm \(algorithm).")
        }
        return (key, scheme, try await keys.keyPair(key, caller))
    }
}

extension KeyService {
    /// The private key of an asymmetric key's latest material.
    func keyPair(_ key: CustomerKey, _ caller: Caller) async throws -> AsymmetricKey {
        let (_, material) = try await latestKeyMaterial(key.id, caller.acting(for: key.owner))
        return try AsymmetricKey(privateKeyDER: material)
    }
}
