import Foundation

/// Request and response shapes of the KMS operations (`TrentService.*`), as in the service model.
struct KeyIDRequest: Decodable {
    let KeyId: String?
    /// DescribeKey's (the other operations that take only a key have none).
    var GrantTokens: [String]? = nil
}

struct CreateKeyRequest: Decodable {
    let Description: String?
    let KeyUsage: String?
    let KeySpec: String?
    let CustomerMasterKeySpec: String?
    let Origin: String?
    let Policy: String?
    let Tags: [KMSTag]?
    var MultiRegion: Bool? = nil
}

struct KeyMetadata: Encodable {
    let AWSAccountId: String
    let KeyId: String
    let Arn: String
    let CreationDate: Double
    let Enabled: Bool
    let Description: String
    let KeyUsage: String
    let KeyState: String
    let DeletionDate: Double?
    let PendingDeletionWindowInDays: Int?
    let Origin: String
    let ValidTo: Double?
    let ExpirationModel: String?
    let KeyManager: String
    let CustomerMasterKeySpec: String
    let KeySpec: String
    let EncryptionAlgorithms: [String]?
    let SigningAlgorithms: [String]?
    let MacAlgorithms: [String]?
    var CurrentKeyMaterialId: String? = nil
    let KeyAgreementAlgorithms: [String]?
    let MultiRegion: Bool
    var MultiRegionConfiguration: MultiRegionConfiguration? = nil
}

struct KeyMetadataResponse: Encodable {
    let KeyMetadata: KeyMetadata
}

struct ListKeysRequest: Decodable {
    let Limit: Int?
    let Marker: String?
}

struct KeyListEntry: Encodable {
    let KeyId: String
    let KeyArn: String
}

struct ListKeysResponse: Encodable {
    let Keys: [KeyListEntry]
    let NextMarker: String?
    let Truncated: Bool
}

struct ScheduleKeyDeletionRequest: Decodable {
    let KeyId: String?
    let PendingWindowInDays: Int?
}

struct ScheduleKeyDeletionResponse: Encodable {
    let KeyId: String
    let DeletionDate: Double
    let KeyState: String
    let PendingWindowInDays: Int
}

struct KeyIDResponse: Encodable {
    let KeyId: String
}

struct EncryptRequest: Decodable {
    var GrantTokens: [String]? = nil
    let KeyId: String?
    let Plaintext: Data?
    let EncryptionContext: [String: String]?
    let EncryptionAlgorithm: String?
    var DryRun: Bool? = nil
}

struct EncryptResponse: Encodable {
    let CiphertextBlob: Data
    let KeyId: String
    let EncryptionAlgorithm: String
}

struct DecryptRequest: Decodable {
    var GrantTokens: [String]? = nil
    let CiphertextBlob: Data?
    let EncryptionContext: [String: String]?
    let KeyId: String?
    let EncryptionAlgorithm: String?
    var DryRun: Bool? = nil
}

struct DecryptResponse: Encodable {
    let KeyId: String
    let Plaintext: Data
    let EncryptionAlgorithm: String
    var KeyMaterialId: String? = nil
}

struct GenerateDataKeyRequest: Decodable {
    var GrantTokens: [String]? = nil
    let KeyId: String?
    let EncryptionContext: [String: String]?
    let NumberOfBytes: Int?
    let KeySpec: String?
    var DryRun: Bool? = nil
}

struct GenerateDataKeyResponse: Encodable {
    let CiphertextBlob: Data
    let Plaintext: Data?
    let KeyId: String
    var KeyMaterialId: String? = nil
}

struct GenerateRandomRequest: Decodable {
    let NumberOfBytes: Int?
}

struct GenerateRandomResponse: Encodable {
    let Plaintext: Data
}
