/// The contexts values are sealed under by the root key, shared by the code that seals them and by root key
/// rotation, which rewraps them.
public enum SealingContext {
    /// The signing secret of a subscription function.
    public static func functionSecret(account: String, region: String, name: String) -> String {
        "cairn/function-secret/\(account)/\(region)/\(name)"
    }

    /// The private key that signs SNS notifications.
    public static func notificationKey(_ id: String) -> String { "cairn/notification-key/\(id)" }

    /// The secret access key of an S3-compatible bucket an administrator mapped.
    public static func bucketSecret(account: String, name: String) -> String {
        "cairn/bucket-secret/\(account)/\(name)"
    }

    /// The private half of a wrapping key pair GetParametersForImport handed out.
    public static func importWrappingKey(_ token: String) -> String { "cairn/kms-import-wrapping-key/\(token)" }

    /// The access key a delivery stream sends its HTTP endpoint (`X-Amz-Firehose-Access-Key`).
    public static func deliveryStreamKey(account: String, region: String, name: String) -> String {
        "cairn/delivery-stream-key/\(account)/\(region)/\(name)"
    }
}
