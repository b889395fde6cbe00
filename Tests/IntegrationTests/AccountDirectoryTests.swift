import CairnAccounts
import CairnProtocol
import CairnStore
import NIOCore
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct AccountDirectoryTests {
    @Test func keysAreSealedAndResolvable() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: rootKey)
            let account = try await directory.createAccount(id: "123456789012", name: "it")
            let key = try await directory.createKey(account: account.accountID, role: .writer)
            #expect(key.accessKeyID.hasPrefix("AKIA") && key.accessKeyID.count == 20)

            let credential = try #require(try await directory.credential(for: key.accessKeyID))
            #expect(credential.accountID == "123456789012")
            #expect(credential.role == .writer)
            #expect(credential.secret == key.secretAccessKey)

            // What PostgreSQL holds is not the secret.
            let rows = try await database.query("SELECT secret_sealed FROM access_keys")
            for try await sealed in rows.decode(ByteBuffer.self) {
                #expect(!String(decoding: sealed.readableBytesView, as: UTF8.self).contains(key.secretAccessKey))
            }
            // Another root key cannot open it.
            let stranger = AccountDirectory(database: database, rootKey: try TestDatabase.rootKey())
            await #expect(throws: (any Error).self) { _ = try await stranger.credential(for: key.accessKeyID) }

            try await directory.revokeKey(key.accessKeyID)
            #expect(try await directory.credential(for: key.accessKeyID) == nil)
            await #expect(throws: AdminError.self) { try await directory.revokeKey(key.accessKeyID) }
        }
    }

    @Test func deletingAnAccountRemovesEverything() async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: rootKey)
            _ = try await directory.createAccount(id: "210987654321", name: nil)
            _ = try await directory.importKey(
                account: "210987654321", accessKeyID: "AKIAINTEGRATION00001", secret: "integration-secret-0001",
                role: .admin)
            try await database.query(
                """
                INSERT INTO log_groups (account_id, region, name, creation_time) VALUES ('210987654321', 'us-east-1', 'g', 0)
                """)
            try await directory.deleteAccount("210987654321")
            for table in [
                "accounts", "access_keys", "log_groups", "log_streams", "kms_keys", "data_keys", "event_chunks",
            ] {
                let rows = try await database.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))
                for try await count in rows.decode(Int.self) { #expect(count == 0, "\(table)") }
            }
            await #expect(throws: AdminError.notFound("account 210987654321 does not exist")) {
                try await directory.deleteAccount("210987654321")
            }
        }
    }

    @Test func invalidInputIsRefused() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let directory = AccountDirectory(database: database, rootKey: try TestDatabase.rootKey())
            await #expect(throws: AdminError.self) { _ = try await directory.createAccount(id: "12345", name: nil) }
            _ = try await directory.createAccount(id: "111122223333", name: nil)
            await #expect(throws: AdminError.conflict("account 111122223333 already exists")) {
                _ = try await directory.createAccount(id: "111122223333", name: nil)
            }
            await #expect(throws: AdminError.self) {
                _ = try await directory.importKey(
                    account: "111122223333", accessKeyID: "short", secret: "long-enough-secret-000", role: .admin)
            }
            #expect(try await directory.listAccounts().count == 1)
            #expect(try await directory.listKeys(account: nil).isEmpty)
        }
    }
}
