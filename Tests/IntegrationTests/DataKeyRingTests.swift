import CairnAccounts
import CairnCrypto
import CairnKeys
import CairnStore
import Foundation
import NIOCore
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct DataKeyRingTests {
    static func seedGroup(_ database: Database) async throws -> Int64 {
        try await database.query("INSERT INTO accounts (account_id, name) VALUES ('777788889999', 'k')")
        for try await id in try await database.query(
            """
            INSERT INTO log_groups (account_id, region, name, creation_time)
            VALUES ('777788889999', 'eu-west-1', 'g', 0) RETURNING group_id
            """
        ).decode(Int64.self) {
            return id
        }
        return 0
    }

    @Test func theChunkCountSurvivesCacheExpiryAndInvalidation() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let group = try await Self.seedGroup(database)
            // Every call finds the cache expired, and half of them follow a key-change notification.
            let ring = DataKeyRing(database: database, rootKey: rootKey, rotationChunkLimit: 2, cacheLifetime: .zero)
            var versions: [Int32] = []
            for index in 0..<6 {
                if index % 2 == 1 { ring.forgetAll() }
                versions.append(
                    try await ring.sealingKey(account: "777788889999", region: "eu-west-1", group: group).version)
            }
            #expect(versions == [1, 1, 2, 2, 3, 3])
        }
    }

    @Test func rotatesAfterItsChunkLimitAndKeepsOldVersionsReadable() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let group = try await Self.seedGroup(database)
            // A cache lifetime longer than the test: the chunk count is not what a slow machine's expiry tests.
            let ring = DataKeyRing(
                database: database, rootKey: rootKey, rotationChunkLimit: 2, cacheLifetime: .seconds(3600))
            var keys: [DataKey] = []
            for _ in 0..<5 {
                keys.append(try await ring.sealingKey(account: "777788889999", region: "eu-west-1", group: group))
            }
            #expect(keys.map(\.version) == [1, 1, 2, 2, 3])
            // A fresh ring (another process) opens every version from PostgreSQL alone.
            let other = DataKeyRing(database: database, rootKey: rootKey)
            for key in keys {
                #expect(
                    try await other.openingKey(account: "777788889999", group: group, version: key.version)
                        == key.material)
            }
            // One service default key for the account and region, its material sealed (not stored in the clear).
            for try await count in try await database.query(
                "SELECT count(*) FROM kms_keys WHERE account_id = '777788889999' AND key_manager = 'SERVICE_DEFAULT'"
            ).decode(Int.self) {
                #expect(count == 1)
            }
            for try await sealed in try await database.query("SELECT dek_sealed FROM data_keys").decode(ByteBuffer.self)
            {
                let stored = Array(sealed.readableBytesView)
                #expect(!keys.contains { key in stored.count >= 32 && Self.contains(stored, key.material) })
            }
            // Deleting the group destroys its data keys: nothing can be opened any more.
            try await database.query("DELETE FROM log_groups WHERE group_id = \(group)")
            ring.forget(account: "777788889999", group: group)
            await #expect(throws: DataKeyError.destroyed) {
                _ = try await ring.openingKey(account: "777788889999", group: group, version: 1)
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test func anotherRootKeyCannotOpenTheKeys() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let group = try await Self.seedGroup(database)
            let ring = DataKeyRing(database: database, rootKey: try TestDatabase.rootKey())
            let key = try await ring.sealingKey(account: "777788889999", region: "eu-west-1", group: group)
            let stranger = DataKeyRing(database: database, rootKey: try TestDatabase.rootKey())
            await #expect(throws: (any Error).self) {
                _ = try await stranger.openingKey(account: "777788889999", group: group, version: key.version)
            }
        }
    }
}
