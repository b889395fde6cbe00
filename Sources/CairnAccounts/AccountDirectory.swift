import CairnCrypto
public import CairnProtocol
public import CairnStore
public import Foundation
import Logging
import NIOCore
import PostgresNIO

public struct Account: Sendable, Codable, Equatable {
    public let accountID: String
    public let name: String
    public let createdAt: Date
}

public struct AccessKey: Sendable, Codable, Equatable {
    public let accessKeyID: String
    public let accountID: String
    public let role: Role
    public let createdAt: Date
    public let revokedAt: Date?
}

/// What authenticates a request signed with an active access key.
public struct Credential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let accountID: String
    public let role: Role
    public let secret: String

    public var description: String { "Credential(accountID: \(accountID), role: \(role), secret: <redacted>)" }
    public var debugDescription: String { description }
}

/// A newly created key; the only time its secret is shown.
public struct IssuedAccessKey: Sendable, Codable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let accountID: String
    public let role: Role

    public var description: String {
        "IssuedAccessKey(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, accountID: \(accountID), role: \(role))"
    }
    public var debugDescription: String { description }
}

public enum AdminError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .invalid(let text), .notFound(let text), .conflict(let text): text
        }
    }
}

/// Accounts and their access keys. Secrets are stored sealed under the root key.
public struct AccountDirectory: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    public func createAccount(id: String?, name: String?) async throws -> Account {
        let accountID = id ?? Self.randomAccountID()
        guard accountID.count == 12, accountID.allSatisfy(\.isASCII), accountID.allSatisfy(\.isNumber) else {
            throw AdminError.invalid("an account id is exactly 12 digits, got '\(accountID)'")
        }
        let displayName = name ?? "account-\(accountID)"
        let rows = try await database.query(
            """
            INSERT INTO accounts (account_id, name) VALUES (\(accountID), \(displayName))
            ON CONFLICT (account_id) DO NOTHING RETURNING created_at
            """)
        for try await createdAt in rows.decode(Date.self) {
            return Account(accountID: accountID, name: displayName, createdAt: createdAt)
        }
        throw AdminError.conflict("account \(accountID) already exists")
    }

    public func listAccounts() async throws -> [Account] {
        var accounts: [Account] = []
        let rows = try await database.query("SELECT account_id, name, created_at FROM accounts ORDER BY account_id")
        for try await (id, name, createdAt) in rows.decode((String, String, Date).self) {
            accounts.append(Account(accountID: id, name: name, createdAt: createdAt))
        }
        return accounts
    }

    public func accountExists(_ accountID: String) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM accounts WHERE account_id = \(accountID)")
        for try await _ in rows { return true }
        return false
    }

    /// Offboarding: the account's access keys are destroyed first, then every resource of the
    /// account, in one transaction. Nothing of it remains.
    public func deleteAccount(_ accountID: String) async throws {
        let deleted = try await database.transaction { connection -> Bool in
            // Keys first: access keys, then every key that can open the account's data (crypto-shredding),
            // then the data itself and every resource.
            let statements: [PostgresQuery] = [
                "DELETE FROM access_keys WHERE account_id = \(accountID)",
                "DELETE FROM data_keys WHERE account_id = \(accountID)",
                "DELETE FROM kms_keys WHERE account_id = \(accountID)",
                "DELETE FROM event_chunks WHERE account_id = \(accountID)",
                "DELETE FROM kms_audit WHERE account_id = \(accountID)",
                "DELETE FROM log_groups WHERE account_id = \(accountID)",
            ]
            for statement in statements {
                try await connection.query(statement, logger: database.logger)
            }
            try await Self.announceCredentialChange(connection, database.logger)
            let rows = try await connection.query(
                "DELETE FROM accounts WHERE account_id = \(accountID) RETURNING 1", logger: database.logger)
            for try await _ in rows { return true }
            return false
        }
        guard deleted else { throw AdminError.notFound("account \(accountID) does not exist") }
    }

    public func createKey(account accountID: String, role: Role) async throws -> IssuedAccessKey {
        try await importKey(
            account: accountID, accessKeyID: Self.randomAccessKeyID(), secret: Self.randomSecret(), role: role)
    }

    /// Stores a key with a given id and secret, for reproducible setups.
    public func importKey(
        account accountID: String, accessKeyID: String, secret: String, role: Role
    ) async throws
        -> IssuedAccessKey
    {
        guard (16...128).contains(accessKeyID.count),
            accessKeyID.unicodeScalars.allSatisfy({ NamePattern.isASCIIAlphanumericScalar($0) })
        else { throw AdminError.invalid("an access key id is 16 to 128 letters and digits") }
        guard (16...128).contains(secret.count), !secret.contains(where: \.isWhitespace) else {
            throw AdminError.invalid("a secret access key is 16 to 128 characters without spaces")
        }
        guard try await accountExists(accountID) else {
            throw AdminError.notFound("account \(accountID) does not exist")
        }
        let sealed = try rootKey.seal(Array(secret.utf8), context: accessKeyID)
        let rows = try await database.query(
            """
            INSERT INTO access_keys (account_id, access_key_id, role, secret_sealed, root_key_id)
            VALUES (\(accountID), \(accessKeyID), \(role.rawValue), \(ByteBuffer(bytes: sealed)), \(rootKey.id))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        for try await _ in rows {
            return IssuedAccessKey(accessKeyID: accessKeyID, secretAccessKey: secret, accountID: accountID, role: role)
        }
        throw AdminError.conflict("access key \(accessKeyID) already exists")
    }

    public func listKeys(account accountID: String?) async throws -> [AccessKey] {
        var keys: [AccessKey] = []
        let rows = try await database.query(
            """
            SELECT access_key_id, account_id, role, created_at, revoked_at FROM access_keys
            WHERE \(accountID) :: text IS NULL OR account_id = \(accountID) ORDER BY account_id, created_at, access_key_id
            """)
        for try await (id, account, role, createdAt, revokedAt) in rows.decode(
            (String, String, String, Date, Date?).self)
        {
            keys.append(
                AccessKey(
                    accessKeyID: id, accountID: account, role: Role(rawValue: role) ?? .reader, createdAt: createdAt,
                    revokedAt: revokedAt))
        }
        return keys
    }

    /// Revokes a key; every process's credential cache forgets it when the revocation commits.
    public func revokeKey(_ accessKeyID: String) async throws {
        let revoked = try await database.transaction { connection -> Bool in
            let rows = try await connection.query(
                """
                UPDATE access_keys SET revoked_at = now() WHERE access_key_id = \(accessKeyID) AND revoked_at IS NULL
                RETURNING 1
                """, logger: database.logger)
            var revoked = false
            for try await _ in rows { revoked = true }
            if revoked { try await Self.announceCredentialChange(connection, database.logger) }
            return revoked
        }
        guard revoked else {
            throw AdminError.notFound("access key \(accessKeyID) does not exist or is already revoked")
        }
    }

    /// Tells every process, when the transaction commits, to forget the access keys it has verified.
    static func announceCredentialChange(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_notify(\(CredentialCache.notificationChannel), 'changed')", logger: logger)
    }

    /// The account, role and secret of an active key, or nil when unknown or revoked.
    public func credential(for accessKeyID: String) async throws -> Credential? {
        let rows = try await database.query(
            "SELECT account_id, role, secret_sealed FROM access_keys WHERE access_key_id = \(accessKeyID) AND revoked_at IS NULL"
        )
        for try await (account, role, sealed) in rows.decode((String, String, ByteBuffer).self) {
            let secret = try rootKey.open(Array(sealed.readableBytesView), context: accessKeyID)
            return Credential(
                accountID: account, role: Role(rawValue: role) ?? .reader,
                secret: String(decoding: secret, as: UTF8.self))
        }
        return nil
    }

    static func randomAccountID() -> String {
        let bytes = SecureRandom.bytes(12)
        return String(
            bytes.enumerated().map { index, byte in
                Character(String(index == 0 ? 1 + Int(byte) % 9 : Int(byte) % 10))
            })
    }

    static func randomAccessKeyID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "AKIA" + String(SecureRandom.bytes(16).map { alphabet[Int($0) % alphabet.count] })
    }

    static func randomSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String(SecureRandom.bytes(40).map { alphabet[Int($0) % alphabet.count] })
    }
}
