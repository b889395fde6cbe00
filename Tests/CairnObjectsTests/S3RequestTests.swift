import CairnProtocol
import Foundation
import Testing

@testable import CairnObjects

/// AWS's examples from "Signature Calculations for the Authorization Header: Transferring Payload in a Single
/// Chunk" (Amazon S3 API reference), signed by `S3Request` as the client sends them.
@Suite struct S3RequestTests {
    let example = S3Location(
        endpoint: "https://s3.amazonaws.com", region: "us-east-1", bucket: "examplebucket", addressing: .virtual)
    let keyID = "AKIAIOSFODNN7EXAMPLE"
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    func authorization(_ request: S3Request) -> String? {
        request.headers.first { $0.name == "authorization" }?.value
    }

    @Test func putObjectExample() {
        let request = S3Request(
            method: "PUT", location: example, key: "test$file.text", body: Array("Welcome to Amazon S3.".utf8),
            accessKeyID: keyID, secret: secret, amzDate: "20130524T000000Z",
            extraHeaders: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")])
        #expect(request.url == "https://examplebucket.s3.amazonaws.com/test%24file.text")
        #expect(
            authorization(request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleExample() {
        let request = S3Request(
            method: "GET", location: example, key: nil, query: "lifecycle", body: [], accessKeyID: keyID,
            secret: secret, amzDate: "20130524T000000Z")
        #expect(request.url == "https://examplebucket.s3.amazonaws.com/?lifecycle")
        #expect(
            authorization(request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsExample() {
        let request = S3Request(
            method: "GET", location: example, key: nil, query: "max-keys=2&prefix=J", body: [], accessKeyID: keyID,
            secret: secret, amzDate: "20130524T000000Z")
        #expect(
            authorization(request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func pathStyleKeepsThePortAndEncodesEachSegment() {
        let location = S3Location(
            endpoint: "http://127.0.0.1:9000/", region: "eu-west-1", bucket: "logs", addressing: .path)
        let request = S3Request(
            method: "PUT", location: location, key: "exportedlogs/t 1/stream:a/000001.gz", body: [],
            accessKeyID: keyID, secret: secret, amzDate: "20261204T101112Z")
        #expect(request.url == "http://127.0.0.1:9000/logs/exportedlogs/t%201/stream%3Aa/000001.gz")
        #expect(request.headers.first { $0.name == "host" }?.value == "127.0.0.1:9000")
        #expect(authorization(request)?.contains("/20261204/eu-west-1/s3/aws4_request") == true)
    }

    @Test func addressingDefaultsFollowTheEndpoint() {
        #expect(S3Location.defaultAddressing(for: "http://127.0.0.1:5000") == .path)
        #expect(S3Location.defaultAddressing(for: "http://localhost:5000") == .path)
        #expect(S3Location.defaultAddressing(for: "http://[::1]:5000") == .path)
        #expect(S3Location.defaultAddressing(for: "https://s3.eu-west-1.amazonaws.com") == .virtual)
        #expect(S3Location.defaultAddressing(for: "https://minio.internal.example") == .virtual)
    }

    @Test func amzDateIsUTC() {
        #expect(SignedRequest.format(Date(timeIntervalSince1970: 1_369_353_600)) == "20130524T000000Z")
        #expect(SignedRequest.format(Date(timeIntervalSince1970: 1_796_382_671)) == "20261204T111111Z")
    }

    @Test func completeMultipartUploadListsThePartsInOrder() {
        #expect(
            S3XML.completeMultipartUpload(["\"a1\"", "\"b&2\""])
                == #"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
                + "<Part><PartNumber>1</PartNumber><ETag>&quot;a1&quot;</ETag></Part>"
                + "<Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;2&quot;</ETag></Part></CompleteMultipartUpload>")
        #expect(
            S3XML.value("UploadId", in: "<R><Bucket>b</Bucket><UploadId>x&amp;y</UploadId></R>") == "x&y")
        #expect(S3XML.value("Code", in: "<Error><Message>m</Message></Error>") == nil)
    }
}
