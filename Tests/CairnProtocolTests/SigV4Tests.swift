import Foundation
import Testing

@testable import CairnProtocol

/// AWS's published SigV4 test suite: key AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service".
@Suite struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let amzDate = "20150830T123600Z"

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        let query: String
        let extraHeaders: [(name: String, value: String)]
        let signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "get-vanilla", method: "GET", path: "/", query: "", extraHeaders: [],
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "post-vanilla", method: "POST", path: "/", query: "", extraHeaders: [],
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "get-vanilla-query-order-key-case", method: "GET", path: "/", query: "Param2=value2&Param1=value1",
            extraHeaders: [], signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(
            name: "get-header-value-trim", method: "GET", path: "/", query: "",
            extraHeaders: [("My-Header1", "  value1  "), ("My-Header2", "  \"a   b   c\"  ")],
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(
            name: "get-unreserved", method: "GET",
            path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", query: "", extraHeaders: [],
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
    ]

    static func request(_ vector: Vector) -> SigV4.Request {
        SigV4.Request(
            method: vector.method, path: vector.path, query: vector.query,
            headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", amzDate)] + vector.extraHeaders,
            payloadHash: emptyHash)
    }

    @Test(arguments: vectors) func signsLikeAWS(_ vector: Vector) {
        let header = SigV4.authorization(
            for: Self.request(vector), accessKeyID: "AKIDEXAMPLE", secret: Self.secret, amzDate: Self.amzDate,
            region: "us-east-1", service: "service")
        #expect(header.hasSuffix("Signature=\(vector.signature)"))
        #expect(header.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "))
    }

    @Test(arguments: vectors) func verifiesAWSSignature(_ vector: Vector) throws {
        let signedHeaders = (["host", "x-amz-date"] + vector.extraHeaders.map { $0.name.lowercased() }).sorted()
        let header =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(vector.signature)"
        let signed = try SignedRequest(authorization: header)
        #expect(signed.accessKeyID == "AKIDEXAMPLE")
        #expect(signed.region == "us-east-1")
        try signed.verify(Self.request(vector), amzDate: Self.amzDate, secret: Self.secret)
        #expect(throws: AWSError.signatureMismatch) {
            try signed.verify(Self.request(vector), amzDate: Self.amzDate, secret: "wrong")
        }
        var tampered = Self.request(vector)
        tampered.payloadHash = String(repeating: "0", count: 64)
        #expect(throws: AWSError.signatureMismatch) {
            try signed.verify(tampered, amzDate: Self.amzDate, secret: Self.secret)
        }
    }

    @Test func canonicalRequestOfTrimVectorMatches() {
        let vector = Self.vectors[3]
        let canonical = SigV4.canonicalRequest(
            Self.request(vector), signedHeaders: ["host", "my-header1", "my-header2", "x-amz-date"])
        #expect(
            canonical == """
                GET
                /

                host:example.amazonaws.com
                my-header1:value1
                my-header2:"a b c"
                x-amz-date:20150830T123600Z

                host;my-header1;my-header2;x-amz-date
                \(Self.emptyHash)
                """)
    }

    @Test func missingAndMalformedAuthorization() {
        #expect(throws: AWSError.missingAuthenticationToken) { try SignedRequest(authorization: nil) }
        #expect(throws: AWSError.missingAuthenticationToken) { try SignedRequest(authorization: "") }
        #expect {
            try SignedRequest(authorization: "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/logs/aws4_request")
        } throws: { error in
            let error = error as? AWSError
            return error?.code == "IncompleteSignatureException"
                && error?.message.contains("Authorization header requires 'Signature' parameter.") == true
        }
        #expect {
            try SignedRequest(authorization: "AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=00")
        } throws: { ($0 as? AWSError)?.code == "IncompleteSignatureException" }
        #expect {
            try SignedRequest(authorization: "Basic dXNlcjpwYXNz")
        } throws: { ($0 as? AWSError)?.code == "IncompleteSignatureException" }
    }

    @Test func clockSkewAndScopeAreChecked() throws {
        let signed = try SignedRequest(
            authorization:
                "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        )
        let requestTime = try #require(SignedRequest.parse(amzDate: Self.amzDate))
        #expect(
            try signed.checkScope(
                amzDate: Self.amzDate, expectedServices: ["logs"], now: requestTime.addingTimeInterval(14 * 60))
                == Self.amzDate)
        #expect {
            try signed.checkScope(
                amzDate: Self.amzDate, expectedServices: ["logs"], now: requestTime.addingTimeInterval(16 * 60))
        } throws: { error in
            (error as? AWSError)?.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"
        }
        #expect {
            try signed.checkScope(
                amzDate: Self.amzDate, expectedServices: ["logs"], now: requestTime.addingTimeInterval(-16 * 60))
        } throws: { ($0 as? AWSError)?.message.hasPrefix("Signature not yet current") == true }
        #expect {
            try signed.checkScope(amzDate: Self.amzDate, expectedServices: ["kms"], now: requestTime)
        } throws: { ($0 as? AWSError)?.code == "InvalidSignatureException" }
        #expect {
            try signed.checkScope(amzDate: "20150831T123600Z", expectedServices: ["logs"], now: requestTime)
        } throws: { ($0 as? AWSError)?.message.hasPrefix("Date in Credential scope does not match") == true }
    }

    @Test func amzDateRoundTrips() throws {
        let date = try #require(SignedRequest.parse(amzDate: "20240229T235959Z"))
        #expect(SignedRequest.format(date) == "20240229T235959Z")
        #expect(SignedRequest.parse(amzDate: "2024-02-29T23:59:59Z") == nil)
    }
}

/// SigV4 for S3 ("Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk"),
/// as Cairn's S3 client will sign: the payload hash is signed as `x-amz-content-sha256`, the path is not normalized.
@Suite struct S3SigV4Tests {
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func getObjectMatchesAWSExample() {
        let request = SigV4.Request(
            method: "GET", path: "/test.txt", query: "",
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", Self.empty), ("x-amz-date", "20130524T000000Z"),
            ], payloadHash: Self.empty)
        let header = SigV4.authorization(
            for: request, accessKeyID: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            amzDate: "20130524T000000Z", region: "us-east-1", service: "s3")
        #expect(
            header
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3KeysKeepTheirSlashesAndDots() {
        #expect(SigV4.s3CanonicalURI("/bucket/a//b/./c/../d e") == "/bucket/a//b/./c/../d%20e")
        #expect(SigV4.s3CanonicalURI("/bucket/x%2By") == "/bucket/x%2By")
        #expect(SigV4.canonicalURI("/a//b/./c/../d") == "/a/b/d")
    }
}
