/// The result of transforming one event.
public struct TransformOutcome: Sendable, Equatable {
    /// The transformed event as compact JSON (keys in creation order, no `@message`), exactly what
    /// TestTransformer returns as `transformedEventMessage`. On failure `{"@transformationError":"…"}`.
    public let bytes: [UInt8]
    public let failed: Bool

    public var json: String { String(decoding: bytes, as: UTF8.self) }

    init(bytes: [UInt8], failed: Bool) {
        self.bytes = bytes
        self.failed = failed
    }

    public init(json: String, failed: Bool) {
        self.init(bytes: Array(json.utf8), failed: failed)
    }

    /// The failure of an event whose request's transformed versions already fill their limit.
    public static let batchLimitFailure = failure(
        "The request's transformed events exceed their size limit"
    ).json

    static func failure(_ text: String) -> TransformOutcome {
        TransformOutcome(bytes: JSONSerializer.bytes(.object(JSONObject([(errorKey, .string(text))]))), failed: true)
    }

    /// The system field CloudWatch Logs adds to events that fail to transform.
    static let errorKey = "@transformationError"
}
