public import CairnAccounts
import CairnCrypto
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO
import Synchronization

/// What a series' dimensions are kept as in PostgreSQL: dimension values come from log events (a metric filter's
/// `{"user": "$.user"}`) and are log text, so they are sealed (AES-256-GCM under the account's metrics key for the
/// region); equality still works through HMACs under the same key: the series' lookup key, and a tag per dimension
/// name and per name and value for ListMetrics' filters. Namespaces, metric and dimension names are configuration
/// and stay readable.
public struct MetricSeal: Sendable {
    let account: String
    let region: String
    let key: [UInt8]

    private func mac(_ text: String) -> String {
        Hex.encode(HMACDigest.sha256.authenticate(Array(text.utf8), key: key))
    }

    /// The series' lookup key (`metric_series.dimensions_key`).
    func seriesKey(_ metric: MetricIdentity) -> String { "h1:" + mac("series\u{0}" + metric.dimensionsKey) }

    private var associatedData: [UInt8] { Array("cairn/metric-dimensions/\(account)/\(region)".utf8) }

    func sealDimensions(_ metric: MetricIdentity) throws -> [UInt8] {
        try AESGCM.seal(Array(metric.dimensionsJSON.utf8), key: key, authenticating: associatedData)
    }

    /// The dimensions' JSON (`[{"Name":…,"Value":…}]`).
    func openDimensions(_ sealed: [UInt8]) throws -> String {
        String(decoding: try AESGCM.open(sealed, key: key, authenticating: associatedData), as: UTF8.self)
    }

    func tags(_ metric: MetricIdentity) -> [String] {
        metric.dimensions.flatMap { [Self.nameTag($0.name), valueTag(name: $0.name, value: $0.value)] }
    }

    static func nameTag(_ name: String) -> String { "n:" + name }

    func valueTag(name: String, value: String) -> String { "v:" + mac("value\u{0}" + name + "\u{0}" + value) }
}

/// The metrics keys: one per account and region, made on first use (random, sealed by the root key, rewrapped by
/// root key rotation) and cached. Making one converts the account's series written before dimensions were sealed.
public final class MetricsKeyRing: Sendable {
    let database: Database
    let rootKey: RootKey
    private let cache = Mutex<[String: [UInt8]]>([:])

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    /// What the root key seals a metrics key under.
    public static func context(account: String, region: String) -> String { "cairn/metrics-key/\(account)/\(region)" }

    public func seal(account: String, region: String) async throws -> MetricSeal {
        let name = account + "/" + region
        if let key = cache.withLock({ $0[name] }) { return MetricSeal(account: account, region: region, key: key) }
        var key = try await stored(account: account, region: region)
        if key == nil { key = try await create(account: account, region: region) }
        guard let key else { throw MetricsKeyError.missing }
        cache.withLock { $0[name] = key }
        return MetricSeal(account: account, region: region, key: key)
    }

    private func stored(account: String, region: String) async throws -> [UInt8]? {
        let rows = try await database.query(
            "SELECT key_sealed FROM metrics_keys WHERE account_id = \(account) AND region = \(region)")
        for try await sealed in rows.decode(ByteBuffer.self) {
            return try rootKey.open(
                Array(sealed.readableBytesView), context: Self.context(account: account, region: region))
        }
        return nil
    }

    private func create(account: String, region: String) async throws -> [UInt8] {
        let fresh = SecureRandom.bytes(AESGCM.keyByteCount)
        let sealed = try rootKey.seal(fresh, context: Self.context(account: account, region: region))
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO metrics_keys (account_id, region, key_sealed, root_key_id)
                VALUES (\(account), \(region), \(ByteBuffer(bytes: sealed)), \(rootKey.id))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: database.logger)
            var made = false
            for try await _ in rows.decode(Int.self) { made = true }
            guard made else {
                // Another process made it first: its key is the one.
                for try await stored in try await connection.query(
                    "SELECT key_sealed FROM metrics_keys WHERE account_id = \(account) AND region = \(region)",
                    logger: database.logger
                ).decode(ByteBuffer.self) {
                    return try rootKey.open(
                        Array(stored.readableBytesView), context: Self.context(account: account, region: region))
                }
                throw MetricsKeyError.missing
            }
            try await convertLegacySeries(
                MetricSeal(account: account, region: region, key: fresh), on: connection)
            return fresh
        }
    }

    /// Seals the dimensions of the account's series stored in clear (before this key existed).
    private func convertLegacySeries(_ seal: MetricSeal, on connection: PostgresConnection) async throws {
        var legacy: [(Int64, String, String, String)] = []
        for try await row in try await connection.query(
            """
            SELECT series_id, namespace, metric_name, dimensions::text FROM metric_series
            WHERE account_id = \(seal.account) AND region = \(seal.region) AND dimensions IS NOT NULL
            FOR UPDATE
            """, logger: database.logger
        ).decode((Int64, String, String, String).self) {
            legacy.append(row)
        }
        for (id, namespace, name, json) in legacy {
            let pairs =
                (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]]) ?? []
            let metric = MetricIdentity(
                namespace: namespace, name: name,
                dimensions: pairs.map { .init(name: $0["Name"] ?? "", value: $0["Value"] ?? "") })
            try await connection.query(
                """
                UPDATE metric_series SET dimensions = NULL, dimensions_key = \(seal.seriesKey(metric)),
                    dimensions_sealed = \(ByteBuffer(bytes: try seal.sealDimensions(metric))),
                    dimension_tags = \(seal.tags(metric))
                WHERE series_id = \(id)
                """, logger: database.logger)
        }
    }
}

enum MetricsKeyError: Error {
    case missing
}
