/// An AWS API that Cairn serves: how its operations are named on the wire and the service its requests are
/// signed for.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// `X-Amz-Target` is this prefix followed by the operation name.
    public let targetPrefix: String
    /// The service in a SigV4 credential scope.
    public let signingName: String
    /// The Smithy service name used in RPC v2 CBOR paths (`/service/<name>/operation/<Op>`), if the API speaks it.
    public let smithyName: String?
    /// The XML namespace of the API's query-protocol responses, if it speaks that protocol.
    public let xmlNamespace: String?

    public init(targetPrefix: String, signingName: String, smithyName: String? = nil, xmlNamespace: String? = nil) {
        self.targetPrefix = targetPrefix
        self.signingName = signingName
        self.smithyName = smithyName
        self.xmlNamespace = xmlNamespace
    }

    /// CloudWatch Logs (AWS JSON 1.1).
    public static let logs = AWSService(targetPrefix: "Logs_20140328.", signingName: "logs")
    /// The KMS-compatible key service (AWS JSON 1.1).
    public static let kms = AWSService(targetPrefix: "TrentService.", signingName: "kms")
    /// CloudWatch metrics (Smithy RPC v2 CBOR, AWS JSON 1.0 and the query protocol).
    public static let monitoring = AWSService(
        targetPrefix: "GraniteServiceVersion20100801.", signingName: "monitoring",
        smithyName: "GraniteServiceVersion20100801", xmlNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/")
    /// The SNS-compatible topic service (the query protocol only, as SNS).
    public static let sns = AWSService(
        targetPrefix: "AmazonSimpleNotificationService.", signingName: "sns",
        xmlNamespace: "http://sns.amazonaws.com/doc/2010-03-31/")

    public var description: String { signingName }
}

/// How a request body and its response are written.
public enum WireFormat: Sendable, Equatable {
    case json11, json10, cbor
    /// The AWS query protocol: a form in, XML out.
    case query

    public var contentType: String {
        switch self {
        case .json11: "application/x-amz-json-1.1"
        case .json10: "application/x-amz-json-1.0"
        case .cbor: "application/cbor"
        case .query: "text/xml"
        }
    }
}
