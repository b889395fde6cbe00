import CairnCrypto
import CairnProtocol
import Foundation

struct GenerateMacRequest: Decodable {
    let KeyId: String?
    let Message: Data?
    let MacAlgorithm: String?
    let GrantTokens: [String]?
    let DryRun: Bool?
}

struct GenerateMacResponse: Encodable {
    let Mac: Data
    let MacAlgorithm: String
    let KeyId: String
}

struct VerifyMacRequest: Decodable {
    let KeyId: String?
    let Message: Data?
    let MacAlgorithm: String?
    let Mac: Data?
    let GrantTokens: [String]?
    let DryRun: Bool?
}

struct VerifyMacResponse: Encodable {
    let KeyId: String
    let MacValid: Bool
    let MacAlgorithm: String
}

/// GenerateMac and VerifyMac with HMAC keys (`HMAC_224` … `HMAC_512`, KeyUsage `GENERATE_VERIFY_MAC`). The checks
/// come in AWS's order: the request, the key, its state and usage, the algorithm, (VerifyMac) the MAC, then DryRun.
struct MacHandlers: Sendable {
    let keys: KeyService

    func generateMac(_ request: GenerateMacRequest, _ caller: Caller) async throws -> GenerateMacResponse {
        try Self.validate(request.KeyId, request.Message, request.MacAlgorithm, mac: nil, verifying: false)
        let (key, digest, material) = try await macKey(
            request.KeyId ?? "", request.MacAlgorithm ?? "", caller, "GenerateMac")
        let mac = digest.authenticate(request.Message ?? Data(), key: material)
        try Self.checkDryRun(request.DryRun)
        return GenerateMacResponse(Mac: Data(mac), MacAlgorithm: digest.rawValue, KeyId: key.arn)
    }

    func verifyMac(_ request: VerifyMacRequest, _ caller: Caller) async throws -> VerifyMacResponse {
        try Self.validate(request.KeyId, request.Message, request.MacAlgorithm, mac: request.Mac, verifying: true)
        let (key, digest, material) = try await macKey(
            request.KeyId ?? "", request.MacAlgorithm ?? "", caller, "VerifyMac")
        let expected = digest.authenticate(request.Message ?? Data(), key: material)
        guard constantTimeEquals(expected, request.Mac ?? Data()) else {
            throw AWSError("KMSInvalidMacException", "The MAC does not verify for this message, key and MAC algorithm.")
        }
        try Self.checkDryRun(request.DryRun)
        return VerifyMacResponse(KeyId: key.arn, MacValid: true, MacAlgorithm: digest.rawValue)
    }

    static func validate(
        _ keyID: String?, _ message: Data?, _ algorithm: String?, mac: Data?, verifying: Bool
    ) throws(AWSError) {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(message, "message")
        validation.hiddenCount(
            message?.count, "message", min: KMSLimits.macMessageBytes.lowerBound,
            max: KMSLimits.macMessageBytes.upperBound)
        validation.required(keyID, "keyId")
        validation.string(keyID, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(algorithm, "macAlgorithm")
        validation.oneOf(algorithm, "macAlgorithm", HMACDigest.allCases.map(\.rawValue))
        if verifying {
            validation.required(mac, "mac")
            validation.hiddenCount(
                mac?.count, "mac", min: KMSLimits.macBytes.lowerBound, max: KMSLimits.macBytes.upperBound)
        }
        try validation.check()
    }

    /// The enabled HMAC key, its digest (which must be `algorithm`) and its material.
    private func macKey(
        _ reference: String, _ algorithm: String, _ caller: Caller, _ operation: String
    ) async throws -> (CustomerKey, HMACDigest, [UInt8]) {
        let key = try await keys.usableKey(reference, caller, for: operation)
        guard let digest = key.macDigest, digest.rawValue == algorithm else {
            throw AWSError(
                "InvalidKeyUsageException",
                "\(key.arn) key spec is \(key.keySpec), which does not support MAC algorithm \(algorithm).")
        }
        let (_, material) = try await keys.latestKeyMaterial(key.id, caller.acting(for: key.owner))
        return (key, digest, material)
    }

    static func checkDryRun(_ dryRun: Bool?) throws(AWSError) {
        if dryRun == true {
            throw AWSError(
                "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
        }
    }
}
