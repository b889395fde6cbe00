import CairnAccounts
import CairnCrypto
import CairnKeys
import CairnObjects
import CairnStore
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import CairnLogs

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct FunctionSecretTests {
    /// A function's signing secret is sealed by the root key, and root key rotation rewraps it: after the old
    /// key is gone, the secret still opens and is unchanged.
    @Test func rootKeyRotationRewrapsFunctionSecrets() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let old = Hex.encode(SecureRandom.bytes(32))
            let new = Hex.encode(SecureRandom.bytes(32))
            let before = try RootKey.parse(old, source: "test")
            _ = try await AccountDirectory(database: database, rootKey: before).createAccount(
                id: "777788889999", name: "f")
            let (function, secret) = try await FunctionDirectory(database: database, rootKey: before).create(
                account: "777788889999", region: "us-east-1", name: "receiver", url: "http://127.0.0.1:9/hook")
            #expect(function.arn == "arn:aws:lambda:us-east-1:777788889999:function:receiver")
            let ring = try RootKey.parse("\(new),\(old)", source: "test")
            #expect(try await RootKeyRotation(database: database, rootKey: ring).rewrap() >= 1)
            let after = try RootKey.parse(new, source: "test")
            let resolved = try #require(
                try await FunctionDirectory(database: database, rootKey: after).resolve(arn: function.arn))
            #expect(Hex.encode(resolved.secret) == secret)
            await #expect(throws: (any Error).self) {
                try await FunctionDirectory(database: database, rootKey: before).resolve(arn: function.arn)
            }
        }
    }

    /// A bucket's S3 secret and a delivery stream's access key are rewrapped too; the old key no longer opens them.
    @Test func rootKeyRotationRewrapsBucketSecretsAndStreamKeys() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let old = Hex.encode(SecureRandom.bytes(32))
            let new = Hex.encode(SecureRandom.bytes(32))
            let before = try RootKey.parse(old, source: "test")
            _ = try await AccountDirectory(database: database, rootKey: before).createAccount(
                id: "777788889999", name: "f")
            _ = try await BucketDirectory(database: database, rootKey: before).addS3(
                account: "777788889999", name: "exports", endpoint: "http://127.0.0.1:9", region: "us-east-1",
                remoteName: nil, addressing: nil, accessKeyID: "AKIAEXAMPLE", secret: "s3-secret")
            _ = try await DeliveryStreamDirectory(database: database, rootKey: before).create(
                account: "777788889999", region: "us-east-1", name: "to-vendor",
                target: .http(url: "https://vendor.example/ingest", allowsPrivateNetwork: false), bufferMiB: 1,
                bufferSeconds: 0, accessKey: "vendor-key")
            let ring = try RootKey.parse("\(new),\(old)", source: "test")
            #expect(try await RootKeyRotation(database: database, rootKey: ring).rewrap() == 2)
            let after = try RootKey.parse(new, source: "test")
            let stream = try await DeliveryStreamDirectory(database: database, rootKey: after).stream(
                account: "777788889999", region: "us-east-1", name: "to-vendor")
            #expect(stream?.accessKey == "vendor-key")
            await #expect(throws: (any Error).self) {
                try await DeliveryStreamDirectory(database: database, rootKey: before).stream(
                    account: "777788889999", region: "us-east-1", name: "to-vendor")
            }
            let rows = try await database.query(
                "SELECT secret_sealed FROM buckets WHERE account_id = '777788889999' AND name = 'exports'")
            for try await sealed in rows.decode(ByteBuffer.self) {
                let opened = try after.open(
                    Array(sealed.readableBytesView),
                    context: SealingContext.bucketSecret(account: "777788889999", name: "exports"))
                #expect(String(decoding: opened, as: UTF8.self) == "s3-secret")
            }
        }
    }
}
