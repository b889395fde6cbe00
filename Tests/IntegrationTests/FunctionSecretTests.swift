import CairnAccounts
import CairnCrypto
import CairnKeys
import CairnStore
import Foundation
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
}
