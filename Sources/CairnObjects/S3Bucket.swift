public import AsyncHTTPClient
import CairnProtocol
import Foundation
import NIOCore
import NIOHTTP1

/// A bucket in an S3-compatible store, over the process's HTTP client. Small objects go in one PutObject; larger
/// ones in a multipart upload of `partBytes` parts, aborted if it cannot complete. Every request is retried on
/// 5xx, 429 and connection failures, `attempts` times with a doubling backoff.
public struct S3Bucket: ObjectStore {
    /// S3's smallest part but the last is 5 MiB.
    public static let minimumPartBytes = 5 << 20
    static let requestTimeout: TimeAmount = .seconds(120)

    public let location: S3Location
    let accessKeyID: String
    let secret: String
    let client: HTTPClient
    let partBytes: Int
    let attempts: Int

    /// `partBytes` below S3's 5 MiB minimum is raised to it (tests may keep smaller parts to see S3 refuse them).
    public init(
        location: S3Location, accessKeyID: String, secret: String, client: HTTPClient, partBytes: Int = 8 << 20,
        attempts: Int = 4
    ) {
        self.init(
            location: location, accessKeyID: accessKeyID, secret: secret, client: client,
            exactPartBytes: max(Self.minimumPartBytes, partBytes), attempts: attempts)
    }

    init(
        location: S3Location, accessKeyID: String, secret: String, client: HTTPClient, exactPartBytes: Int,
        attempts: Int
    ) {
        self.location = location
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.client = client
        self.partBytes = max(1, exactPartBytes)
        self.attempts = max(1, attempts)
    }

    public func put(_ key: String, _ body: [UInt8]) async throws {
        if body.count <= partBytes {
            _ = try await send("PUT", key: key, body: body)
        } else {
            try await putMultipart(key, body)
        }
    }

    public func check() async throws {
        _ = try await send("HEAD", key: nil, body: [])
    }

    /// CreateMultipartUpload, UploadPart for each part, CompleteMultipartUpload; AbortMultipartUpload when a part
    /// or the completion fails for good, so that no orphan parts are left to bill.
    func putMultipart(_ key: String, _ body: [UInt8]) async throws {
        let created = try await send("POST", key: key, query: "uploads", body: [])
        guard let uploadID = S3XML.value("UploadId", in: String(decoding: created.body, as: UTF8.self)) else {
            throw ObjectStoreError.refused(status: created.status, code: nil, message: "no UploadId in the answer")
        }
        let upload = "uploadId=" + SigV4.uriEncode(uploadID)
        do {
            var etags: [String] = []
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + partBytes)
                let part = try await send(
                    "PUT", key: key, query: "partNumber=\(etags.count + 1)&" + upload, body: Array(body[offset..<end]))
                guard let etag = part.etag else {
                    throw ObjectStoreError.refused(status: part.status, code: nil, message: "no ETag for a part")
                }
                etags.append(etag)
                offset = end
            }
            let completed = try await send(
                "POST", key: key, query: upload, body: Array(S3XML.completeMultipartUpload(etags).utf8),
                contentType: "application/xml")
            // S3 may answer 200 and still fail the completion, with an Error document in the body.
            let text = String(decoding: completed.body, as: UTF8.self)
            if text.contains("<Error>") {
                throw ObjectStoreError.refused(
                    status: completed.status, code: S3XML.value("Code", in: text),
                    message: S3XML.value("Message", in: text))
            }
        } catch {
            _ = try? await send("DELETE", key: key, query: upload, body: [])
            throw error
        }
    }

    struct Answer {
        let status: UInt
        let etag: String?
        let body: [UInt8]
    }

    /// Sends a request, signed afresh for each attempt, until it succeeds, fails for good, or runs out of attempts.
    func send(
        _ method: String, key: String?, query: String = "", body: [UInt8], contentType: String? = nil
    ) async throws -> Answer {
        var attempt = 1
        while true {
            do {
                return try await sendOnce(method, key: key, query: query, body: body, contentType: contentType)
            } catch let error as ObjectStoreError where error.isTransient && attempt < attempts {
                try await Task.sleep(for: .milliseconds(200 << (attempt - 1)))
                attempt += 1
            }
        }
    }

    private func sendOnce(
        _ method: String, key: String?, query: String, body: [UInt8], contentType: String?
    ) async throws -> Answer {
        let signed = S3Request(
            method: method, location: location, key: key, query: query, body: body, accessKeyID: accessKeyID,
            secret: secret, amzDate: SignedRequest.format(Date()),
            extraHeaders: contentType.map { [("content-type", $0)] } ?? [])
        var request = HTTPClientRequest(url: signed.url)
        request.method = HTTPMethod(rawValue: method)
        for header in signed.headers { request.headers.add(name: header.name, value: header.value) }
        if method == "PUT" || method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            response = try await client.execute(request, timeout: Self.requestTimeout)
            answer = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw ObjectStoreError.unreachable(String(describing: type(of: error)))
        }
        let bytes = Array(answer.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let text = String(decoding: bytes, as: UTF8.self)
            throw ObjectStoreError.refused(
                status: response.status.code, code: S3XML.value("Code", in: text),
                message: S3XML.value("Message", in: text))
        }
        return Answer(status: response.status.code, etag: response.headers.first(name: "ETag"), body: bytes)
    }
}
