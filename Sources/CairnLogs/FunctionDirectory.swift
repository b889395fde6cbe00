public import CairnAccounts
import CairnCrypto
import CairnProtocol
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// An HTTP function: Cairn's stand-in for a Lambda function as a subscription destination. Deliveries are
/// POSTed to its URL and signed with its secret (`X-Cairn-Signature`).
public struct LogFunction: Sendable, Codable, Equatable {
    public let accountID: String
    public let region: String
    public let name: String
    public let url: String
    public let createdAt: Int64
    /// Whether deliveries may reach loopback, private and link-local addresses (an administrator's choice).
    public var allowsPrivateNetwork = false

    public var arn: String { ARN(region: region, account: accountID, resource: .function(name)).description }
}

/// The functions of every account: created by administrators, their secrets sealed by the root key.
public struct FunctionDirectory: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalidName, invalidURL, exists, unknownAccount, notFound
        public var description: String {
            switch self {
            case .invalidName: "a function name is 1–64 letters, digits, '-' or '_'"
            case .invalidURL: "the URL must be http:// or https:// with a host"
            case .exists: "a function of that name already exists in that account and region"
            case .unknownAccount: "no such account"
            case .notFound: "no such function"
            }
        }
    }

    static func context(_ account: String, _ region: String, _ name: String) -> String {
        SealingContext.functionSecret(account: account, region: region, name: name)
    }

    /// Creates a function; returns it with its signing secret (shown once, as hex).
    public func create(
        account: String, region: String, name: String, url: String, allowPrivateNetwork: Bool = false
    ) async throws -> (LogFunction, String) {
        guard (1...64).contains(name.count),
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            })
        else { throw Failure.invalidName }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw Failure.invalidURL
        }
        guard try await AccountDirectory(database: database, rootKey: rootKey).accountExists(account) else {
            throw Failure.unknownAccount
        }
        let secret = SecureRandom.bytes(32)
        let sealed = try rootKey.seal(secret, context: Self.context(account, region, name))
        let now = WallClock.system.milliseconds
        let rows = try await database.query(
            """
            INSERT INTO functions (account_id, region, name, url, secret_sealed, root_key_id, created_at,
                allow_private_network)
            VALUES (\(account), \(region), \(name), \(url), \(ByteBuffer(bytes: sealed)), \(rootKey.id), \(now),
                \(allowPrivateNetwork))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        var created = false
        for try await _ in rows.decode(Int.self) { created = true }
        guard created else { throw Failure.exists }
        return (
            LogFunction(
                accountID: account, region: region, name: name, url: url, createdAt: now,
                allowsPrivateNetwork: allowPrivateNetwork), Hex.encode(secret)
        )
    }

    public func list(account: String?) async throws -> [LogFunction] {
        let rows = try await database.query(
            """
            SELECT account_id, region, name, url, created_at, allow_private_network FROM functions
            WHERE \(account)::text IS NULL OR account_id = \(account) ORDER BY account_id, region, name
            """)
        var functions: [LogFunction] = []
        for try await (account, region, name, url, created, allowsPrivate) in rows.decode(
            (String, String, String, String, Int64, Bool).self)
        {
            functions.append(
                LogFunction(
                    accountID: account, region: region, name: name, url: url, createdAt: created,
                    allowsPrivateNetwork: allowsPrivate))
        }
        return functions
    }

    public func delete(account: String, region: String, name: String) async throws {
        let rows = try await database.query(
            """
            DELETE FROM functions WHERE account_id = \(account) AND region = \(region) AND name = \(name) RETURNING 1
            """)
        var deleted = false
        for try await _ in rows.decode(Int.self) { deleted = true }
        guard deleted else { throw Failure.notFound }
    }

    /// `(region, account, name)` of a function ARN `arn:aws:lambda:<region>:<account>:function:<name>`.
    static func reference(_ arn: String) -> (region: String, account: String, name: String)? {
        guard let arn = ARN(arn), case .function(let name) = arn.resource else { return nil }
        return (arn.region, arn.account, name)
    }

    /// The function an ARN names, with its secret, if it exists.
    public func resolve(arn: String) async throws -> (function: LogFunction, secret: [UInt8])? {
        guard let (region, account, name) = Self.reference(arn) else { return nil }
        let rows = try await database.query(
            """
            SELECT url, secret_sealed, created_at, allow_private_network FROM functions
            WHERE account_id = \(account) AND region = \(region) AND name = \(name)
            """)
        for try await (url, sealed, created, allowsPrivate) in rows.decode((String, ByteBuffer, Int64, Bool).self) {
            let secret = try rootKey.open(Array(sealed.readableBytesView), context: Self.context(account, region, name))
            let function = LogFunction(
                accountID: account, region: region, name: name, url: url, createdAt: created,
                allowsPrivateNetwork: allowsPrivate)
            return (function, secret)
        }
        return nil
    }

    /// Whether an ARN names an existing function of `account` in `region` (without opening its secret).
    func exists(arn: String, account: String, region: String) async throws -> Bool {
        guard let reference = Self.reference(arn), reference.account == account, reference.region == region else {
            return false
        }
        let rows = try await database.query(
            """
            SELECT 1 FROM functions WHERE account_id = \(account) AND region = \(region) AND name = \(reference.name)
            """)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
