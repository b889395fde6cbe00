import CairnCrypto

/// AWS Signature Version 4, header form: canonical request, string to sign, signing key.
/// Pure functions, tested against AWS's published test suite.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// A request as the signer sees it. `path` and `query` are as sent on the wire (still percent-encoded).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: String
        /// Header names in any case; repeated names allowed.
        public var headers: [(name: String, value: String)]
        public var payloadHash: String

        public init(
            method: String, path: String, query: String, headers: [(name: String, value: String)], payloadHash: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// `s3`: the path is taken as it is (S3 keys may hold `//`, `.` and `..`), each segment encoded once; other
    /// services normalize it first.
    public static func canonicalRequest(_ request: Request, signedHeaders: [String], s3: Bool = false) -> String {
        [
            request.method,
            s3 ? s3CanonicalURI(request.path) : canonicalURI(request.path),
            canonicalQuery(request.query),
            canonicalHeaders(request.headers, signedHeaders: signedHeaders),
            signedHeaders.joined(separator: ";"),
            request.payloadHash,
        ].joined(separator: "\n")
    }

    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) -> String {
        [algorithm, amzDate, scope, SHA256.hex(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    public static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        var key = HMACSHA256.authenticate(Array(date.utf8), key: Array(("AWS4" + secret).utf8))
        key = HMACSHA256.authenticate(Array(region.utf8), key: key)
        key = HMACSHA256.authenticate(Array(service.utf8), key: key)
        return HMACSHA256.authenticate(Array("aws4_request".utf8), key: key)
    }

    public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        Hex.encode(HMACSHA256.authenticate(Array(stringToSign.utf8), key: signingKey))
    }

    /// Signs a request the way an SDK does; used by tests and by Cairn's own clients.
    public static func authorization(
        for request: Request, accessKeyID: String, secret: String, amzDate: String, region: String, service: String
    ) -> String {
        let signed = Set(request.headers.map { $0.name.lowercased() }).sorted()
        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let canonical = canonicalRequest(request, signedHeaders: signed, s3: service == "s3")
        let toSign = stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope)
        let key = signingKey(secret: secret, date: date, region: region, service: service)
        return "\(algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), "
            + "Signature=\(signature(signingKey: key, stringToSign: toSign))"
    }

    // MARK: canonical parts

    static func canonicalURI(_ path: String) -> String {
        let raw = path.isEmpty ? "/" : path
        var segments: [String] = []
        for segment in raw.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(uriEncode(percentDecode(String(segment))))
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if raw.hasSuffix("/") && !segments.isEmpty { result += "/" }
        return result
    }

    static func s3CanonicalURI(_ path: String) -> String {
        let raw = path.isEmpty ? "/" : path
        return raw.split(separator: "/", omittingEmptySubsequences: false)
            .map { uriEncode(percentDecode(String($0))) }.joined(separator: "/")
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecode(String(parts[0])))
            let value = parts.count > 1 ? uriEncode(percentDecode(String(parts[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    static func canonicalHeaders(_ headers: [(name: String, value: String)], signedHeaders: [String]) -> String {
        var values: [String: [String]] = [:]
        for header in headers {
            values[header.name.lowercased(), default: []].append(trimAll(header.value))
        }
        return signedHeaders.map { "\($0):\((values[$0] ?? []).joined(separator: ","))\n" }.joined()
    }

    /// Trims and collapses runs of spaces, as SigV4 requires.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (also what a query value in a URL needs).
    public static func uriEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let decoded = Hex.decode(String(decoding: utf8.prefix(2), as: UTF8.self))
            {
                bytes.append(decoded[0])
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
