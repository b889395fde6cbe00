import CairnAccounts
import CairnCrypto
import CairnProtocol
import CairnServer
import CairnStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The application that `cairn serve` runs, built by the same `buildApplication`, driven through its router.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct ApplicationTests {
    static let accessKeyID = "AKIAAPPLICATIONTEST1"
    static let secret = "application-test-secret-0001"

    static func signedHeaders(
        target: String, body: [UInt8], secret: String = secret, region: String = "eu-central-1",
        service: String = "logs"
    )
        -> HTTPFields
    {
        let amzDate = SignedRequest.format(Date())
        let fields: [(name: String, value: String)] = [
            ("host", "localhost"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-date", amzDate),
            ("x-amz-target", target),
        ]
        let request = SigV4.Request(
            method: "POST", path: "/", query: "", headers: fields, payloadHash: SHA256.hex(body))
        let authorization = SigV4.authorization(
            for: request, accessKeyID: accessKeyID, secret: secret, amzDate: amzDate, region: region, service: service)
        var headers = HTTPFields()
        for field in fields { headers.append(HTTPField(name: HTTPField.Name(field.name)!, value: field.value)) }
        headers[.authorization] = authorization
        return headers
    }

    static func withApplication(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws
    {
        try await withApplication { client, _, _ in try await body(client) }
    }

    /// The application on a fresh database with one admin key; the body also gets what the app was built from.
    static func withApplication(
        _ body: @Sendable @escaping (any TestClientProtocol, ApplicationDependencies, Database) async throws -> Void
    ) async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: rootKey)
            _ = try await directory.createAccount(id: "444455556666", name: "app")
            _ = try await directory.importKey(
                account: "444455556666", accessKeyID: accessKeyID, secret: secret, role: .admin)
            let dependencies = ApplicationDependencies(
                database: database, rootKey: rootKey, migrations: try TestDatabase.migrations, metrics: nil)
            var configuration = Configuration()
            configuration.role = .api
            let app = buildApplication(configuration, dependencies, logger: TestDatabase.logger)
            try await app.test(.router) { client in try await body(client, dependencies, database) }
        }
    }

    @Test func createAndDescribeThroughSignedRequests() async throws {
        try await Self.withApplication { client in
            let create = Array(#"{"logGroupName":"/it/app"}"#.utf8)
            try await client.execute(
                uri: "/", method: .post,
                headers: Self.signedHeaders(target: "Logs_20140328.CreateLogGroup", body: create),
                body: ByteBuffer(bytes: create)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("x-amzn-RequestId")!] != nil)
            }
            let describe = Array("{}".utf8)
            try await client.execute(
                uri: "/", method: .post,
                headers: Self.signedHeaders(target: "Logs_20140328.DescribeLogGroups", body: describe),
                body: ByteBuffer(bytes: describe)
            ) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""logGroupArn":"arn:aws:logs:eu-central-1:444455556666:log-group:/it/app""#))
            }
        }
    }

    @Test func badSignatureAndUnknownTarget() async throws {
        try await Self.withApplication { client in
            let body = Array("{}".utf8)
            try await client.execute(
                uri: "/", method: .post,
                headers: Self.signedHeaders(
                    target: "Logs_20140328.DescribeLogGroups", body: body, secret: "wrong-secret-00000"),
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#""__type":"InvalidSignatureException""#))
            }
            try await client.execute(
                uri: "/", method: .post, headers: Self.signedHeaders(target: "Logs_20140328.Teleport", body: body),
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(String(buffer: response.body).contains(#""__type":"UnknownOperationException""#))
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
