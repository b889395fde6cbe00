import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom.
struct CryptoHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }
}

extension CryptoHandlers {
    func encrypt(_ request: EncryptRequest, _ caller: Caller) async throws -> EncryptResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.Plaintext, "plaintext")
        validation.hiddenCount(
            request.Plaintext?.count, "plaintext", min: KMSLimits.plaintextBytes.lowerBound,
            max: KMSLimits.plaintextBytes.upperBound)
        Self.validateAlgorithm(request.EncryptionAlgorithm, &validation)
        try validation.check()
        let key = try await keys.usableKey(
            request.KeyId ?? "", caller, for: "Encrypt", context: request.EncryptionContext)
        if !key.isSymmetric {
            let (pair, algorithm, oaep) = try await rsaKey(key, request.EncryptionAlgorithm, caller)
            let plaintext = Array(request.Plaintext ?? Data())
            guard plaintext.count <= pair.largestOAEPPlaintext(oaep) else {
                throw AWSError(
                    "ValidationException",
                    "Plaintext is too long: \(algorithm) with \(key.keySpec) encrypts at most "
                        + "\(pair.largestOAEPPlaintext(oaep)) bytes.")
            }
            let ciphertext = try pair.encrypt(plaintext, oaep: oaep)
            try MacHandlers.checkDryRun(request.DryRun)
            return EncryptResponse(CiphertextBlob: Data(ciphertext), KeyId: key.arn, EncryptionAlgorithm: algorithm)
        }
        let sealed = try await keys.seal(
            Array(request.Plaintext ?? Data()), key: key, context: request.EncryptionContext, caller)
        try MacHandlers.checkDryRun(request.DryRun)
        return EncryptResponse(
            CiphertextBlob: Data(sealed.blob), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }

    func decrypt(_ request: DecryptRequest, _ caller: Caller) async throws -> DecryptResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.CiphertextBlob, "ciphertextBlob")
        validation.hiddenCount(
            request.CiphertextBlob?.count, "ciphertextBlob",
            min: KMSLimits.ciphertextBlobBytes.lowerBound, max: KMSLimits.ciphertextBlobBytes.upperBound)
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        Self.validateAlgorithm(request.EncryptionAlgorithm, &validation)
        try validation.check()
        // An RSA key's ciphertext does not name its key: Decrypt names it.
        if let reference = request.KeyId {
            let key = try await keys.usableKey(reference, caller, for: "Decrypt", context: request.EncryptionContext)
            if !key.isSymmetric {
                let (pair, algorithm, oaep) = try await rsaKey(key, request.EncryptionAlgorithm, caller)
                guard let plaintext = pair.decrypt(Array(request.CiphertextBlob ?? Data()), oaep: oaep) else {
                    throw AWSError.invalidCiphertext
                }
                try MacHandlers.checkDryRun(request.DryRun)
                return DecryptResponse(KeyId: key.arn, Plaintext: Data(plaintext), EncryptionAlgorithm: algorithm)
            }
        }
        let opened = try await keys.openBlob(
            Array(request.CiphertextBlob ?? Data()), context: request.EncryptionContext, named: request.KeyId, caller,
            for: "Decrypt")
        let key = opened.key
        let plaintext = opened.plaintext
        try MacHandlers.checkDryRun(request.DryRun)
        return DecryptResponse(
            KeyId: key.arn, Plaintext: Data(plaintext), EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
            KeyMaterialId: opened.materialID)
    }

    func generateDataKey(
        _ request: GenerateDataKeyRequest, _ caller: Caller, plaintext: Bool
    ) async throws -> GenerateDataKeyResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.number(
            request.NumberOfBytes, "numberOfBytes", min: KMSLimits.numberOfBytes.lowerBound,
            max: KMSLimits.numberOfBytes.upperBound)
        validation.oneOf(request.KeySpec, "keySpec", ["AES_256", "AES_128"])
        try validation.check()
        let size: Int
        switch (request.KeySpec, request.NumberOfBytes) {
        case (.some, .some):
            throw AWSError("ValidationException", "Please specify either number of bytes or key spec.")
        case (.none, .none):
            throw AWSError("ValidationException", "Please specify either number of bytes or key spec.")
        case (.some(let spec), .none): size = spec == "AES_128" ? 16 : 32
        case (.none, .some(let bytes)): size = bytes
        }
        let key = try await keys.usableKey(
            request.KeyId ?? "", caller, for: plaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext",
            context: request.EncryptionContext)
        let dataKey = SecureRandom.bytes(size)
        let sealed = try await keys.seal(dataKey, key: key, context: request.EncryptionContext, caller)
        try MacHandlers.checkDryRun(request.DryRun)
        return GenerateDataKeyResponse(
            CiphertextBlob: Data(sealed.blob), Plaintext: plaintext ? Data(dataKey) : nil, KeyId: key.arn,
            KeyMaterialId: sealed.materialID)
    }

    func generateRandom(_ request: GenerateRandomRequest, _ caller: Caller) async throws -> GenerateRandomResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.number(
            request.NumberOfBytes, "numberOfBytes", min: KMSLimits.numberOfBytes.lowerBound,
            max: KMSLimits.numberOfBytes.upperBound)
        try validation.check()
        guard let count = request.NumberOfBytes else {
            throw AWSError("ValidationException", "NumberOfBytes is required.")
        }
        return GenerateRandomResponse(Plaintext: Data(SecureRandom.bytes(count)))
    }

    /// An RSA encryption key's pair, and the algorithm asked for, which the key must support (the default,
    /// `SYMMETRIC_DEFAULT`, it does not).
    private func rsaKey(
        _ key: CustomerKey, _ algorithm: String?, _ caller: Caller
    ) async throws -> (AsymmetricKey, String, AsymmetricKey.OAEPHash) {
        let algorithm = algorithm ?? "SYMMETRIC_DEFAULT"
        guard key.encryptionAlgorithms?.contains(algorithm) == true else {
            throw AWSError(
                "InvalidKeyUsageException",
                "\(key.arn) key spec is \(key.keySpec), which does not support encryption algorithm \(algorithm).")
        }
        let pair = try await keys.keyPair(key, caller)
        return (pair, algorithm, algorithm == "RSAES_OAEP_SHA_1" ? .sha1 : .sha256)
    }

    static func validateAlgorithm(_ algorithm: String?, _ validation: inout Validation) {
        validation.oneOf(
            algorithm, "encryptionAlgorithm", ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"])
    }

    func reEncrypt(_ request: ReEncryptRequest, _ caller: Caller) async throws -> ReEncryptResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.CiphertextBlob, "ciphertextBlob")
        validation.required(request.DestinationKeyId, "destinationKeyId")
        validation.string(
            request.DestinationKeyId, "destinationKeyId", min: KMSLimits.keyIDLength.lowerBound,
            max: KMSLimits.keyIDLength.upperBound)
        try validation.check()
        let opened = try await keys.openBlob(
            Array(request.CiphertextBlob ?? Data()), context: request.SourceEncryptionContext,
            named: request.SourceKeyId, caller, for: "ReEncryptFrom")
        let destination = try await keys.usableKey(
            request.DestinationKeyId ?? "", caller, for: "ReEncryptTo", context: request.DestinationEncryptionContext)
        let sealed = try await keys.seal(
            opened.plaintext, key: destination, context: request.DestinationEncryptionContext, caller)
        try MacHandlers.checkDryRun(request.DryRun)
        return ReEncryptResponse(
            CiphertextBlob: Data(sealed.blob), SourceKeyId: opened.key.arn, KeyId: destination.arn,
            SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
            SourceKeyMaterialId: opened.materialID, DestinationKeyMaterialId: sealed.materialID)
    }
}
