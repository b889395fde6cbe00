/// KMS limits, each next to AWS's value (from the service model).
enum KMSLimits {
    /// ScheduleKeyDeletion: 7–30 days, default 30.
    static let pendingWindowDays = 7...30
    static let defaultPendingWindowDays = 30
    /// Description: at most 8,192 characters; ListKeys `Limit` 1–1,000 (default 100).
    static let descriptionMaxLength = 8192
    static let listLimit = 1...1000
    static let defaultListLimit = 100
    /// Encrypt plaintext 1–4,096 bytes; GenerateDataKey / GenerateRandom `NumberOfBytes` 1–1,024.
    static let plaintextBytes = 1...4096
    static let numberOfBytes = 1...1024

    /// KeyId, TargetKeyId, DestinationKeyId: 1–2,048 characters.
    static let keyIDLength = 1...2048
    /// CiphertextBlob: 1–6,144 bytes.
    static let ciphertextBlobBytes = 1...6144
    /// Marker: 1–1,024 characters.
    static let markerLength = 1...1024
    /// AliasName: 1–256 characters.
    static let aliasNameLength = 1...256
    /// Tag keys 1–128 characters, values 0–256.
    static let tagKeyLength = 1...128
    static let tagValueMaxLength = 256
    /// Key policy: 1–131,072 characters.
    static let policyLength = 1...131_072
}
