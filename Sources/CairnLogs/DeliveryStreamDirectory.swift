public import CairnAccounts
import CairnCrypto
import CairnObjects
import CairnProtocol
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// A Firehose-style delivery stream: subscription filters deliver to it by its ARN; it buffers their records and
/// writes them to a bucket or POSTs them to an HTTP endpoint in Firehose's format.
public struct DeliveryStream: Sendable, Codable, Equatable {
    public enum Target: Sendable, Codable, Equatable {
        /// One object per flush under `<prefix>YYYY/MM/DD/HH/`.
        case bucket(name: String, prefix: String)
        /// Firehose's HTTP endpoint delivery request, one per flush.
        case http(url: String, allowsPrivateNetwork: Bool)
    }

    public let account: String
    public let region: String
    public let name: String
    public let target: Target
    public let bufferBytes: Int
    public let bufferSeconds: Int
    public let createdAt: Int64

    public var arn: String { ARN(region: region, account: account, resource: .deliveryStream(name)).description }
}

/// The delivery streams of every account, created by administrators; an HTTP endpoint's access key is sealed by the
/// root key.
public struct DeliveryStreamDirectory: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    /// Firehose's buffering hints: S3 destinations 1–128 MiB and 60–900 s, HTTP endpoints 1–64 MiB and 0–900 s.
    public static let bucketBufferMiB = 1...128
    public static let bucketBufferSeconds = 60...900
    public static let httpBufferMiB = 1...64
    public static let httpBufferSeconds = 0...900

    public enum Failure: Error, CustomStringConvertible {
        case invalidName, invalidURL
        case invalidBuffer(String)
        case unknownBucket, exists, unknownAccount, notFound
        public var description: String {
            switch self {
            case .invalidName: "a delivery stream name is 1–64 letters, digits, '_', '.' or '-'"
            case .invalidURL: "the URL must be https:// (or http://) with a host"
            case .invalidBuffer(let reason): reason
            case .unknownBucket: "the account has no such bucket (cairn admin bucket add)"
            case .exists: "a delivery stream of that name already exists in that account and region"
            case .unknownAccount: "no such account"
            case .notFound: "no such delivery stream"
            }
        }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
            }
    }

    /// Creates a stream; `accessKey` (HTTP endpoints) is what each request carries as `X-Amz-Firehose-Access-Key`.
    public func create(
        account: String, region: String, name: String, target: DeliveryStream.Target, bufferMiB: Int,
        bufferSeconds: Int, accessKey: String?
    ) async throws -> DeliveryStream {
        guard Self.isValidName(name) else { throw Failure.invalidName }
        var bucket: String?
        var prefix = ""
        var url: String?
        var allowsPrivate = false
        switch target {
        case .bucket(let name, let keyPrefix):
            guard Self.bucketBufferMiB.contains(bufferMiB), Self.bucketBufferSeconds.contains(bufferSeconds) else {
                throw Failure.invalidBuffer("a bucket's buffer is 1–128 MiB and 60–900 seconds")
            }
            guard try await BucketDirectory(database: database, rootKey: rootKey).exists(account: account, name: name)
            else { throw Failure.unknownBucket }
            (bucket, prefix) = (name, keyPrefix)
        case .http(let endpoint, let allowsPrivateNetwork):
            guard Self.httpBufferMiB.contains(bufferMiB), Self.httpBufferSeconds.contains(bufferSeconds) else {
                throw Failure.invalidBuffer("an HTTP endpoint's buffer is 1–64 MiB and 0–900 seconds")
            }
            guard let parsed = URL(string: endpoint), ["http", "https"].contains(parsed.scheme ?? ""),
                parsed.host?.isEmpty == false
            else { throw Failure.invalidURL }
            (url, allowsPrivate) = (endpoint, allowsPrivateNetwork)
        }
        guard try await AccountDirectory(database: database, rootKey: rootKey).accountExists(account) else {
            throw Failure.unknownAccount
        }
        let sealed = try accessKey.map {
            ByteBuffer(
                bytes: try rootKey.seal(
                    Array($0.utf8),
                    context: SealingContext.deliveryStreamKey(account: account, region: region, name: name)))
        }
        let now = WallClock.system.milliseconds
        let rows = try await database.query(
            """
            INSERT INTO delivery_streams (account_id, region, name, kind, bucket, prefix, url, access_key_sealed,
                root_key_id, allow_private_network, buffer_bytes, buffer_seconds, created_at)
            VALUES (\(account), \(region), \(name), \(bucket == nil ? "http" : "bucket"), \(bucket), \(prefix), \(url),
                \(sealed), \(sealed == nil ? nil : rootKey.id), \(allowsPrivate), \(Int32(bufferMiB << 20)),
                \(Int32(bufferSeconds)), \(now))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        var created = false
        for try await _ in rows.decode(Int.self) { created = true }
        guard created else { throw Failure.exists }
        return DeliveryStream(
            account: account, region: region, name: name, target: target, bufferBytes: bufferMiB << 20,
            bufferSeconds: bufferSeconds, createdAt: now)
    }

    public func list(account: String?) async throws -> [DeliveryStream] {
        try await streams(
            """
            SELECT \(unescaped: Self.columns) FROM delivery_streams
            WHERE \(account)::text IS NULL OR account_id = \(account) ORDER BY account_id, region, name
            """
        ).map(\.stream)
    }

    public func delete(account: String, region: String, name: String) async throws {
        let rows = try await database.query(
            """
            DELETE FROM delivery_streams WHERE account_id = \(account) AND region = \(region) AND name = \(name)
            RETURNING 1
            """)
        var deleted = false
        for try await _ in rows.decode(Int.self) { deleted = true }
        guard deleted else { throw Failure.notFound }
    }

    /// `(region, account, name)` of `arn:aws:firehose:<region>:<account>:deliverystream/<name>`.
    static func reference(_ arn: String) -> (region: String, account: String, name: String)? {
        guard let arn = ARN(arn), case .deliveryStream(let name) = arn.resource else { return nil }
        return (arn.region, arn.account, name)
    }

    /// Whether an ARN names an existing delivery stream of `account` in `region`.
    func exists(arn: String, account: String, region: String) async throws -> Bool {
        guard let reference = Self.reference(arn), reference.account == account, reference.region == region else {
            return false
        }
        return try await stream(account: account, region: region, name: reference.name) != nil
    }

    /// The stream with its access key opened, if it exists.
    func stream(
        account: String, region: String, name: String
    ) async throws
        -> (stream: DeliveryStream, accessKey: String?)?
    {
        let found = try await streams(
            """
            SELECT \(unescaped: Self.columns) FROM delivery_streams
            WHERE account_id = \(account) AND region = \(region) AND name = \(name)
            """)
        guard let (stream, sealed) = found.first else { return nil }
        let key = try sealed.map {
            String(
                decoding: try rootKey.open(
                    $0, context: SealingContext.deliveryStreamKey(account: account, region: region, name: name)),
                as: UTF8.self)
        }
        return (stream, key)
    }

    static let columns =
        "account_id, region, name, bucket, prefix, url, allow_private_network, buffer_bytes, buffer_seconds, "
        + "created_at, access_key_sealed"

    private func streams(_ query: PostgresQuery) async throws -> [(stream: DeliveryStream, sealed: [UInt8]?)] {
        var found: [(DeliveryStream, [UInt8]?)] = []
        for try await row in try await database.query(query).decode(
            (String, String, String, String?, String, String?, Bool, Int32, Int32, Int64, ByteBuffer?).self)
        {
            let (account, region, name, bucket, prefix, url, allowsPrivate, bytes, seconds, created, sealed) = row
            let target: DeliveryStream.Target =
                if let bucket { .bucket(name: bucket, prefix: prefix) } else {
                    .http(url: url ?? "", allowsPrivateNetwork: allowsPrivate)
                }
            found.append(
                (
                    DeliveryStream(
                        account: account, region: region, name: name, target: target, bufferBytes: Int(bytes),
                        bufferSeconds: Int(seconds), createdAt: created), sealed.map { Array($0.readableBytesView) }
                ))
        }
        return found
    }
}
