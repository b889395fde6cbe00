/// The one error type every operation throws. It renders as AWS's JSON error body;
/// internal failures never reach the client except as `ServiceUnavailableException`.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let status: Int
    /// Members the error shape carries beside `message`, as JSON text (`"queryCompileError":{…}`), for JSON bodies.
    public let members: String?

    public init(_ code: String, _ message: String, status: Int = 400, members: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.members = members
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidParameter(_ message: String) -> AWSError {
        AWSError("InvalidParameterException", message)
    }

    public static func resourceNotFound(_ message: String) -> AWSError {
        AWSError("ResourceNotFoundException", message)
    }

    public static func resourceAlreadyExists(_ message: String) -> AWSError {
        AWSError("ResourceAlreadyExistsException", message)
    }

    public static func limitExceeded(_ message: String = "Resource limit exceeded.") -> AWSError {
        AWSError("LimitExceededException", message)
    }

    public static func serialization(_ message: String) -> AWSError {
        AWSError("SerializationException", message)
    }

    public static func accessDenied(_ message: String) -> AWSError {
        AWSError("AccessDeniedException", message)
    }

    public static func unknownOperation(_ target: String) -> AWSError {
        AWSError("UnknownOperationException", "The requested operation \(target) is not recognized.")
    }

    public static let missingAuthenticationToken = AWSError(
        "MissingAuthenticationTokenException", "Missing Authentication Token", status: 403)

    public static let unrecognizedClient = AWSError(
        "UnrecognizedClientException", "The security token included in the request is invalid.")

    public static let signatureMismatch = AWSError(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    public static func incompleteSignature(_ message: String) -> AWSError {
        AWSError("IncompleteSignatureException", message)
    }

    public static func invalidSignature(_ message: String) -> AWSError {
        AWSError("InvalidSignatureException", message)
    }

    /// What a client sees for any internal failure; the detail stays in the server log.
    public static func serviceUnavailable(requestID: String) -> AWSError {
        AWSError(
            "ServiceUnavailableException",
            "The service cannot complete the request (request id \(requestID)).", status: 500)
    }

    public static func requestTooLarge(limit: Int) -> AWSError {
        AWSError(
            "RequestEntityTooLargeException", "Request body exceeds the limit of \(limit) bytes.", status: 413)
    }

    /// The JSON 1.1 error body.
    public var jsonBody: [UInt8] {
        let extra = members.map { "," + $0 } ?? ""
        return Array(
            #"{"__type":"\#(JSONText.escape(code))","message":"\#(JSONText.escape(message))"\#(extra)}"#.utf8)
    }
}

public enum JSONText {
    /// Escapes a string for inclusion between JSON double quotes.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
