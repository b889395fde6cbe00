public import AsyncHTTPClient
public import CairnAccounts
import CairnCrypto
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// Where an account's bucket lives, as an administrator mapped it. Never carries the secret.
public struct BucketMapping: Sendable, Codable, Equatable {
    public enum Place: Sendable, Codable, Equatable {
        case directory(String)
        case s3(
            endpoint: String, region: String, remoteName: String, addressing: S3Location.Addressing,
            accessKeyID: String)
    }

    public let account: String
    public let name: String
    public let place: Place
    public let createdAt: Int64

    public var kind: String {
        if case .directory = place { "directory" } else { "s3" }
    }

    enum CodingKeys: String, CodingKey {
        case account, name, kind, directory, endpoint, region, remoteName, addressing, accessKeyID, createdAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(account, forKey: .account)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(createdAt, forKey: .createdAt)
        switch place {
        case .directory(let path): try container.encode(path, forKey: .directory)
        case .s3(let endpoint, let region, let remoteName, let addressing, let accessKeyID):
            try container.encode(endpoint, forKey: .endpoint)
            try container.encode(region, forKey: .region)
            try container.encode(remoteName, forKey: .remoteName)
            try container.encode(addressing.rawValue, forKey: .addressing)
            try container.encode(accessKeyID, forKey: .accessKeyID)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        account = try container.decode(String.self, forKey: .account)
        name = try container.decode(String.self, forKey: .name)
        createdAt = try container.decode(Int64.self, forKey: .createdAt)
        if let path = try container.decodeIfPresent(String.self, forKey: .directory) {
            place = .directory(path)
        } else {
            place = .s3(
                endpoint: try container.decode(String.self, forKey: .endpoint),
                region: try container.decode(String.self, forKey: .region),
                remoteName: try container.decode(String.self, forKey: .remoteName),
                addressing: try container.decode(S3Location.Addressing.self, forKey: .addressing),
                accessKeyID: try container.decode(String.self, forKey: .accessKeyID))
        }
    }

    init(account: String, name: String, place: Place, createdAt: Int64) {
        self.account = account
        self.name = name
        self.place = place
        self.createdAt = createdAt
    }
}

/// The buckets of every account: mapped by administrators to S3-compatible stores (secrets sealed by the root key,
/// rewrapped by root key rotation) or to local directories.
public struct BucketDirectory: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalidName, invalidEndpoint, invalidDirectory, exists, unknownAccount, notFound
        public var description: String {
            switch self {
            case .invalidName: "a bucket name is 3–63 lower-case letters, digits, '.' or '-'"
            case .invalidEndpoint: "the endpoint must be http:// or https:// with a host and no path"
            case .invalidDirectory: "the directory must be an absolute path"
            case .exists: "a bucket of that name is already mapped for that account"
            case .unknownAccount: "no such account"
            case .notFound: "no such bucket"
            }
        }
    }

    /// S3's bucket naming rules (3–63 characters of lower-case letters, digits, dots and hyphens, starting and
    /// ending with a letter or digit).
    public static func isValidName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        guard (3...63).contains(scalars.count), let first = scalars.first, let last = scalars.last,
            alphanumeric(first), alphanumeric(last)
        else { return false }
        return scalars.allSatisfy { alphanumeric($0) || $0 == "." || $0 == "-" }
    }

    public func addDirectory(account: String, name: String, directory: String) async throws -> BucketMapping {
        guard Self.isValidName(name) else { throw Failure.invalidName }
        guard directory.hasPrefix("/") else { throw Failure.invalidDirectory }
        let place = BucketMapping.Place.directory(directory)
        return try await insert(account: account, name: name, place: place, secret: nil)
    }

    public func addS3(
        account: String, name: String, endpoint: String, region: String, remoteName: String?,
        addressing: S3Location.Addressing?, accessKeyID: String, secret: String
    ) async throws -> BucketMapping {
        guard Self.isValidName(name) else { throw Failure.invalidName }
        guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme ?? ""),
            url.host?.isEmpty == false, url.path.isEmpty || url.path == "/", url.query == nil
        else { throw Failure.invalidEndpoint }
        let place = BucketMapping.Place.s3(
            endpoint: endpoint, region: region, remoteName: remoteName ?? name,
            addressing: addressing ?? S3Location.defaultAddressing(for: endpoint), accessKeyID: accessKeyID)
        return try await insert(account: account, name: name, place: place, secret: secret)
    }

    private func insert(
        account: String, name: String, place: BucketMapping.Place, secret: String?
    ) async throws
        -> BucketMapping
    {
        guard try await AccountDirectory(database: database, rootKey: rootKey).accountExists(account) else {
            throw Failure.unknownAccount
        }
        let sealed = try secret.map {
            ByteBuffer(
                bytes: try rootKey.seal(
                    Array($0.utf8), context: SealingContext.bucketSecret(account: account, name: name)))
        }
        let now = WallClock.system.milliseconds
        var directory: String?
        var endpoint: String?
        var region: String?
        var remoteName: String?
        var addressing: String?
        var accessKeyID: String?
        switch place {
        case .directory(let path): directory = path
        case .s3(let url, let signingRegion, let remote, let style, let keyID):
            (endpoint, region, remoteName, addressing, accessKeyID) = (
                url, signingRegion, remote, style.rawValue, keyID
            )
        }
        let rows = try await database.query(
            """
            INSERT INTO buckets (account_id, name, kind, directory, endpoint, region, remote_name, addressing,
                access_key_id, secret_sealed, root_key_id, created_at)
            VALUES (\(account), \(name), \(directory == nil ? "s3" : "directory"), \(directory), \(endpoint), \(region),
                \(remoteName), \(addressing), \(accessKeyID), \(sealed), \(sealed == nil ? nil : rootKey.id), \(now))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        var created = false
        for try await _ in rows.decode(Int.self) { created = true }
        guard created else { throw Failure.exists }
        return BucketMapping(account: account, name: name, place: place, createdAt: now)
    }

    public func list(account: String?) async throws -> [BucketMapping] {
        try await mappings(
            """
            SELECT \(unescaped: Self.columns) FROM buckets
            WHERE \(account)::text IS NULL OR account_id = \(account) ORDER BY account_id, name
            """
        ).map(\.mapping)
    }

    public func remove(account: String, name: String) async throws {
        let rows = try await database.query(
            "DELETE FROM buckets WHERE account_id = \(account) AND name = \(name) RETURNING 1")
        var deleted = false
        for try await _ in rows.decode(Int.self) { deleted = true }
        guard deleted else { throw Failure.notFound }
    }

    /// Whether `account` has a bucket of that name (without opening its secret).
    public func exists(account: String, name: String) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM buckets WHERE account_id = \(account) AND name = \(name)")
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// The store behind an account's bucket, its secret opened; nil when the bucket is not mapped.
    public func store(account: String, name: String, client: HTTPClient) async throws -> (any ObjectStore)? {
        let found = try await mappings(
            "SELECT \(unescaped: Self.columns) FROM buckets WHERE account_id = \(account) AND name = \(name)")
        guard let (mapping, sealed) = found.first else { return nil }
        switch mapping.place {
        case .directory(let path):
            return DirectoryBucket(root: URL(fileURLWithPath: path, isDirectory: true))
        case .s3(let endpoint, let region, let remoteName, let addressing, let accessKeyID):
            guard let sealed else { return nil }
            let secret = try rootKey.open(sealed, context: SealingContext.bucketSecret(account: account, name: name))
            return S3Bucket(
                location: S3Location(endpoint: endpoint, region: region, bucket: remoteName, addressing: addressing),
                accessKeyID: accessKeyID, secret: String(decoding: secret, as: UTF8.self), client: client)
        }
    }

    static let columns =
        "account_id, name, directory, endpoint, region, remote_name, addressing, access_key_id, secret_sealed, created_at"

    private func mappings(_ query: PostgresQuery) async throws -> [(mapping: BucketMapping, sealed: [UInt8]?)] {
        var found: [(BucketMapping, [UInt8]?)] = []
        for try await row in try await database.query(query).decode(
            (String, String, String?, String?, String?, String?, String?, String?, ByteBuffer?, Int64).self)
        {
            let (account, name, directory, endpoint, region, remoteName, addressing, accessKeyID, sealed, created) = row
            let place: BucketMapping.Place
            if let directory {
                place = .directory(directory)
            } else {
                place = .s3(
                    endpoint: endpoint ?? "", region: region ?? "us-east-1", remoteName: remoteName ?? name,
                    addressing: addressing.flatMap(S3Location.Addressing.init(rawValue:)) ?? .path,
                    accessKeyID: accessKeyID ?? "")
            }
            found.append(
                (
                    BucketMapping(account: account, name: name, place: place, createdAt: created),
                    sealed.map { Array($0.readableBytesView) }
                ))
        }
        return found
    }
}
