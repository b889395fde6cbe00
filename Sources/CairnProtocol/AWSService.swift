/// An AWS API that Cairn serves: how its operations are named on the wire and the service its requests are
/// signed for.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// `X-Amz-Target` is this prefix followed by the operation name.
    public let targetPrefix: String
    /// The service in a SigV4 credential scope.
    public let signingName: String
    /// The Smithy service name used in RPC v2 CBOR paths (`/service/<name>/operation/<Op>`), if the API speaks it.
    public let smithyName: String?

    public init(targetPrefix: String, signingName: String, smithyName: String? = nil) {
        self.targetPrefix = targetPrefix
        self.signingName = signingName
        self.smithyName = smithyName
    }

    /// CloudWatch Logs (AWS JSON 1.1).
    public static let logs = AWSService(targetPrefix: "Logs_20140328.", signingName: "logs")
    /// The KMS-compatible key service (AWS JSON 1.1).
    public static let kms = AWSService(targetPrefix: "TrentService.", signingName: "kms")
    /// CloudWatch metrics (Smithy RPC v2 CBOR and AWS JSON 1.0).
    public static let monitoring = AWSService(
        targetPrefix: "GraniteServiceVersion20100801.", signingName: "monitoring",
        smithyName: "GraniteServiceVersion20100801")

    public var description: String { signingName }
}

/// How a request body and its response are written.
public enum WireFormat: Sendable, Equatable {
    case json11, json10, cbor

    public var contentType: String {
        switch self {
        case .json11: "application/x-amz-json-1.1"
        case .json10: "application/x-amz-json-1.0"
        case .cbor: "application/cbor"
        }
    }
}
