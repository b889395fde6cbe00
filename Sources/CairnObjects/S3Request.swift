import CairnCrypto
import CairnProtocol
import Foundation

/// Where an S3-compatible bucket lives and how to sign for it.
public struct S3Location: Sendable, Equatable {
    public enum Addressing: String, Sendable, Codable, CaseIterable {
        /// `https://endpoint/bucket/key`
        case path
        /// `https://bucket.endpoint/key`
        case virtual
    }

    /// `http(s)://host[:port]`, without a path.
    public let endpoint: String
    public let region: String
    public let bucket: String
    public let addressing: Addressing

    public init(endpoint: String, region: String, bucket: String, addressing: Addressing) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
        self.bucket = bucket
        self.addressing = addressing
    }

    /// Path-style for an endpoint that is an IP address or `localhost` (no name to put a bucket in front of),
    /// virtual-host style otherwise, as the SDKs choose.
    public static func defaultAddressing(for endpoint: String) -> Addressing {
        guard let host = URLComponents(string: endpoint)?.host else { return .path }
        let isIPv4 = host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        return isIPv4 || host.contains(":") || host == "localhost" ? .path : .virtual
    }
}

/// One S3 request, signed with SigV4 for `s3` (the payload's SHA-256 signed as `x-amz-content-sha256`): pure, so
/// that its URL, headers and signature are tested against AWS's examples.
public struct S3Request: Sendable {
    public let method: String
    public let url: String
    public let headers: [(name: String, value: String)]

    /// `key` nil addresses the bucket itself; `query` is as sent (already encoded), e.g. `uploads` or
    /// `partNumber=1&uploadId=…`.
    public init(
        method: String, location: S3Location, key: String?, query: String = "", body: [UInt8],
        accessKeyID: String, secret: String, amzDate: String, extraHeaders: [(name: String, value: String)] = []
    ) {
        let (host, path) = Self.hostAndPath(location, key: key)
        let payloadHash = SHA256.hex(body)
        var headers: [(name: String, value: String)] = [
            ("host", host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", amzDate),
        ]
        headers += extraHeaders.map { (name: $0.name.lowercased(), value: $0.value) }
        let authorization = SigV4.authorization(
            for: SigV4.Request(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash),
            accessKeyID: accessKeyID, secret: secret, amzDate: amzDate, region: location.region, service: "s3")
        self.method = method
        self.url = Self.scheme(location.endpoint) + "://" + host + path + (query.isEmpty ? "" : "?" + query)
        self.headers = headers + [("authorization", authorization)]
    }

    static func scheme(_ endpoint: String) -> String {
        endpoint.lowercased().hasPrefix("https://") ? "https" : "http"
    }

    /// The `Host` header (with the endpoint's port, if it names one) and the encoded path.
    static func hostAndPath(_ location: S3Location, key: String?) -> (host: String, path: String) {
        let authority = location.endpoint.split(separator: "://", maxSplits: 1).last.map(String.init) ?? ""
        let encodedKey = key.map { "/" + Self.encodeKey($0) } ?? ""
        switch location.addressing {
        case .path:
            return (authority, "/" + SigV4.uriEncode(location.bucket) + (key == nil ? "" : encodedKey))
        case .virtual:
            return (location.bucket + "." + authority, key == nil ? "/" : encodedKey)
        }
    }

    /// Each segment of the key percent-encoded, its slashes kept.
    static func encodeKey(_ key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4.uriEncode(String($0)) }
            .joined(separator: "/")
    }

}
