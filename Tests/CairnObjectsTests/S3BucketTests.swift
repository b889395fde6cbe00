import AsyncHTTPClient
import CairnProtocol
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CairnObjects

/// The S3 client against a real S3 API: moto's server, which `scripts/test.sh` starts and names in
/// `CAIRN_TEST_S3_ENDPOINT` (its bucket `cairn-test` already exists).
@Suite(.enabled(if: TestS3.endpoint != nil, "needs CAIRN_TEST_S3_ENDPOINT (an S3 API such as moto's server)"))
struct S3BucketTests {
    static let endpoint = TestS3.endpoint
    static let location = S3Location(
        endpoint: endpoint ?? "", region: "us-east-1", bucket: "cairn-test", addressing: .path)

    func withClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func bucket(_ client: HTTPClient, partBytes: Int = 5 << 20, name: String = "cairn-test") -> S3Bucket {
        S3Bucket(
            location: S3Location(endpoint: Self.endpoint ?? "", region: "us-east-1", bucket: name, addressing: .path),
            accessKeyID: "test", secret: "test", client: client, exactPartBytes: partBytes, attempts: 2)
    }

    /// GETs a key (or the bucket with `query`), signed as the client signs.
    func get(_ key: String?, query: String = "", _ client: HTTPClient) async throws -> (UInt, [UInt8]) {
        let signed = S3Request(
            method: "GET", location: Self.location, key: key, query: query, body: [], accessKeyID: "test",
            secret: "test", amzDate: SignedRequest.format(Date()))
        var request = HTTPClientRequest(url: signed.url)
        for header in signed.headers { request.headers.add(name: header.name, value: header.value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, Array(body.readableBytesView))
    }

    @Test func aSmallObjectIsOnePutAndReadsBack() async throws {
        try await withClient { client in
            let store = bucket(client)
            try await store.check()
            let key = "exportedlogs/t-\(UUID())/web 1/ü/000001.gz"
            try await store.put(key, Array("Permission Check Successful".utf8))
            let (status, body) = try await get(key, client)
            #expect(status == 200)
            #expect(String(decoding: body, as: UTF8.self) == "Permission Check Successful")
        }
    }

    @Test func aLargeObjectGoesInPartsAndReadsBackWhole() async throws {
        try await withClient { client in
            let body = (0..<(11 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            let key = "multipart/\(UUID()).bin"
            try await bucket(client).put(key, body)
            let (status, read) = try await get(key, client)
            #expect(status == 200)
            #expect(read == body)
        }
    }

    @Test func aRefusedCompletionAbortsTheUpload() async throws {
        try await withClient { client in
            // Parts under 5 MiB: S3 refuses the completion (EntityTooSmall), and the client aborts the upload.
            let key = "refused/\(UUID()).bin"
            await #expect(throws: ObjectStoreError.self) {
                try await bucket(client, partBytes: 1 << 20).put(key, [UInt8](repeating: 7, count: 3 << 20))
            }
            let (_, listing) = try await get(nil, query: "uploads", client)
            #expect(!String(decoding: listing, as: UTF8.self).contains(key))
            let (status, _) = try await get(key, client)
            #expect(status == 404)
        }
    }

    @Test func aMissingBucketIsRefused() async throws {
        try await withClient { client in
            await #expect(throws: ObjectStoreError.self) { try await bucket(client, name: "no-such-bucket").check() }
            do {
                try await bucket(client, name: "no-such-bucket").put("k", [1])
            } catch let ObjectStoreError.refused(status, code, _) {
                #expect(status == 404)
                #expect(code == "NoSuchBucket")
            }
        }
    }
}

enum TestS3 {
    static let endpoint = ProcessInfo.processInfo.environment["CAIRN_TEST_S3_ENDPOINT"].flatMap {
        $0.isEmpty ? nil : $0
    }
}
