import CairnProtocol
import Foundation

/// libFuzzer entry point for SigV4 as the server reads it. The input's lines are, in order: the `Authorization`
/// header, the `X-Amz-Date` header, the request path, the query string, then `name:value` headers.
/// - The `Authorization` parser, the scope check and signature verification run on them as a request would;
///   an `AWSError` is the expected answer, a trap is a finding.
/// - The same request signed the way an SDK signs it must parse and verify.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigV4(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let lines = UnsafeBufferPointer(start: data, count: size)
        .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    func line(_ number: Int) -> String { number < lines.count ? lines[number] : "" }
    let headers = lines.dropFirst(4).map { line -> (name: String, value: String) in
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
    let request = SigV4.Request(
        method: "POST", path: line(2), query: line(3), headers: headers, payloadHash: emptyPayloadHash)

    _ = SignedRequest.parse(amzDate: line(1))
    if let signed = try? SignedRequest(authorization: line(0)) {
        precondition(signed.signedHeaders.allSatisfy { $0 == $0.lowercased() })
        _ = try? signed.checkScope(amzDate: line(1), expectedServices: ["logs", "kms"], now: now)
        _ = try? signed.verify(request, amzDate: line(1), secret: secret)
    }

    // Signing: header names are HTTP tokens, so keep only those (an SDK cannot send others), and SigV4 signs
    // `host` always.
    var signable = request
    signable.headers =
        [("host", "logs.us-east-1.amazonaws.com")]
        + headers.filter { !$0.name.isEmpty && $0.name.utf8.allSatisfy(isTokenByte) }
    let authorization = SigV4.authorization(
        for: signable, accessKeyID: "AKIDEXAMPLE", secret: secret, amzDate: amzDate, region: "us-east-1",
        service: "logs")
    guard let signed = try? SignedRequest(authorization: authorization) else {
        preconditionFailure("a header signed by SigV4.authorization does not parse")
    }
    precondition(signed.accessKeyID == "AKIDEXAMPLE" && signed.scope == "20150830/us-east-1/logs/aws4_request")
    guard (try? signed.verify(signable, amzDate: amzDate, secret: secret)) != nil else {
        preconditionFailure("a request signed by SigV4.authorization does not verify")
    }
    return 0
}

private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
private let amzDate = "20150830T123600Z"
private let now = Date(timeIntervalSince1970: 1_440_938_160)
private let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/// RFC 9110 `tchar`: the bytes a header name is made of.
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        true
    default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
}
