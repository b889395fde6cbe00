import CairnAccounts
import CairnProtocol
import CairnStore
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct CredentialCacheTests {
    @Test func revokingAKeyIsAnnouncedAndTheCacheForgetsIt() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: rootKey)
            _ = try await directory.createAccount(id: "135791357913", name: nil)
            let key = try await directory.createKey(account: "135791357913", role: .reader)
            let cache = CredentialCache(lifetime: .seconds(3600))
            #expect(try await cache.credential(for: key.accessKeyID, in: directory)?.secret == key.secretAccessKey)

            try await database.client.withConnection { connection in
                try await connection.listen(on: CredentialCache.notificationChannel) { notifications in
                    try await directory.revokeKey(key.accessKeyID)
                    // Until the announcement is heard, the cache answers from memory: that is what it is for.
                    #expect(try await cache.credential(for: key.accessKeyID, in: directory) != nil)
                    var announcements = notifications.makeAsyncIterator()
                    #expect(try await announcements.next() != nil)
                }
            }
            cache.forgetAll()
            #expect(try await cache.credential(for: key.accessKeyID, in: directory) == nil)
            // Unknown and revoked keys are not cached: a key imported later works at once.
            #expect(try await cache.credential(for: "AKIANOTYETIMPORTED01", in: directory) == nil)
            _ = try await directory.importKey(
                account: "135791357913", accessKeyID: "AKIANOTYETIMPORTED01", secret: "imported-later-secret-01",
                role: .reader)
            #expect(try await cache.credential(for: "AKIANOTYETIMPORTED01", in: directory) != nil)
        }
    }

    @Test func deletingAnAccountIsAnnounced() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: rootKey)
            _ = try await directory.createAccount(id: "246802468024", name: nil)
            try await database.client.withConnection { connection in
                try await connection.listen(on: CredentialCache.notificationChannel) { notifications in
                    try await directory.deleteAccount("246802468024")
                    var announcements = notifications.makeAsyncIterator()
                    #expect(try await announcements.next() != nil)
                }
            }
        }
    }
}
