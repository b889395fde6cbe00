import CairnCrypto
import CairnInsights
import CairnKeys
import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// A group a query reads: its owner (the caller's account, or a linked source account), id and name.
struct QuerySource: Codable, Sendable {
    let owner: String
    let group: Int64
    let name: String
}

/// One layer of a query key's sealing: the data key version of one of the query's groups.
struct KeyLayer: Codable, Sendable {
    let owner: String
    let group: Int64
    let version: Int32
}

/// A query as stored in `insights_queries`.
struct StoredQuery: Sendable {
    let id: UUID
    let account: String
    let region: String
    let principal: String
    let queryString: String
    let language: String
    let sources: [QuerySource]
    let start: Int64
    let end: Int64
    let limit: Int
    let status: String
    let createdAt: Int64
    let startedAt: Int64?
    let finishedAt: Int64?
    let recordsMatched: Double
    let recordsScanned: Double
    let bytesScanned: Double
    let results: ByteBuffer?
    let resultsKey: ByteBuffer?
    let keyLayers: String?
}

/// The queries and their results. Results hold log text: they are sealed (AES-256-GCM) under a fresh key per
/// query, and that key is sealed in turn under the current data key of every group the query read, so the
/// results can be read only while all those keys can (a disabled, withdrawn or destroyed key makes them
/// unreadable, as it does the chunks).
struct QueryStore: Sendable {
    let database: Database
    let keyRing: DataKeyRing

    static let columns = """
        query_id, account_id, region, principal, query_string, query_language, sources::text, start_time, end_time,
        row_limit, status, created_at, started_at, finished_at, records_matched, records_scanned, bytes_scanned,
        results, results_key, key_layers::text
        """

    static let activeStatuses = ["Scheduled", "Running"]

    static func decode(_ rows: PostgresRowSequence) async throws -> [StoredQuery] {
        var queries: [StoredQuery] = []
        for try await row in rows {
            let r = try row.decode(
                (
                    UUID, String, String, String, String, String, String, Int64, Int64, Int32, String, Int64, Int64?,
                    Int64?, Double, Double, Double, ByteBuffer?, ByteBuffer?, String?
                ).self)
            let sources = try JSONDecoder().decode([QuerySource].self, from: Data(r.6.utf8))
            queries.append(
                StoredQuery(
                    id: r.0, account: r.1, region: r.2, principal: r.3, queryString: r.4, language: r.5,
                    sources: sources, start: r.7, end: r.8, limit: Int(r.9), status: r.10, createdAt: r.11,
                    startedAt: r.12, finishedAt: r.13, recordsMatched: r.14, recordsScanned: r.15, bytesScanned: r.16,
                    results: r.17, resultsKey: r.18, keyLayers: r.19))
        }
        return queries
    }

    /// The caller's query (queries of other accounts do not exist for it).
    func query(_ id: UUID, account: String, region: String) async throws -> StoredQuery? {
        try await Self.decode(
            try await database.query(
                """
                SELECT \(unescaped: Self.columns) FROM insights_queries
                WHERE query_id = \(id) AND account_id = \(account) AND region = \(region)
                """)
        ).first
    }

    func query(_ id: UUID) async throws -> StoredQuery? {
        try await Self.decode(
            try await database.query("SELECT \(unescaped: Self.columns) FROM insights_queries WHERE query_id = \(id)")
        ).first
    }

    /// A key for one query's results, and that key sealed under each source group's current data key.
    func newResultsKey(for query: StoredQuery) async throws -> (key: [UInt8], sealed: [UInt8], layers: [KeyLayer]) {
        let key = SecureRandom.bytes(AESGCM.keyByteCount)
        var sealed = key
        var layers: [KeyLayer] = []
        for source in query.sources {
            let dataKey = try await keyRing.sealingKey(account: source.owner, region: query.region, group: source.group)
            let layer = KeyLayer(owner: source.owner, group: source.group, version: dataKey.version)
            sealed = try AESGCM.seal(sealed, key: dataKey.material, authenticating: Self.layerContext(query.id, layer))
            layers.append(layer)
        }
        return (key, sealed, layers)
    }

    static func layerContext(_ id: UUID, _ layer: KeyLayer) -> [UInt8] {
        Array(
            "cairn/insights-results/v1|\(id.uuidString.lowercased())|\(layer.owner)|\(layer.group)|\(layer.version)"
                .utf8)
    }

    static func resultsContext(_ id: UUID) -> [UInt8] {
        Array("cairn/insights-results/v1|\(id.uuidString.lowercased())".utf8)
    }

    static func seal(_ rows: [[ResultField]], key: [UInt8], query id: UUID) throws -> [UInt8] {
        let json = try JSONEncoder().encode(rows)
        let compressed = try Zstd.compress(Array(json))
        return try AESGCM.seal(compressed, key: key, authenticating: resultsContext(id))
    }

    /// The query's results key, opened layer by layer (the last group's key first); nil before the query has one.
    /// A key that cannot be used throws `DataKeyError`.
    func resultsKey(of query: StoredQuery) async throws -> [UInt8]? {
        guard let sealedKey = query.resultsKey, let layerText = query.keyLayers else { return nil }
        let layers = try JSONDecoder().decode([KeyLayer].self, from: Data(layerText.utf8))
        var key = Array(sealedKey.readableBytesView)
        for layer in layers.reversed() {
            let dataKey = try await keyRing.openingKey(account: layer.owner, group: layer.group, version: layer.version)
            key = try AESGCM.open(key, key: dataKey, authenticating: Self.layerContext(query.id, layer))
        }
        return key
    }

    static func sliceContext(_ id: UUID, _ slice: Int) -> [UInt8] {
        Array("cairn/insights-slice/v1|\(id.uuidString.lowercased())|\(slice)".utf8)
    }

    /// A time slice's partial state (see `QueryExecution.partialState`), sealed under the results key.
    static func sealSlice(_ state: [UInt8], key: [UInt8], query id: UUID, slice: Int) throws -> [UInt8] {
        try AESGCM.seal(try Zstd.compress(state), key: key, authenticating: sliceContext(id, slice))
    }

    static func openSlice(_ sealed: [UInt8], key: [UInt8], query id: UUID, slice: Int) throws -> [UInt8] {
        try Zstd.decompress(try AESGCM.open(sealed, key: key, authenticating: sliceContext(id, slice)), limit: 1 << 30)
    }

    /// The stored results, opened layer by layer (the last group's key first). A key that cannot be used
    /// throws `DataKeyError`.
    func results(of query: StoredQuery) async throws -> [[ResultField]] {
        guard let sealedRows = query.results, let key = try await resultsKey(of: query) else { return [] }
        let compressed = try AESGCM.open(
            Array(sealedRows.readableBytesView), key: key, authenticating: Self.resultsContext(query.id))
        let json = try Zstd.decompress(compressed, limit: 1 << 30)
        return try JSONDecoder().decode([[ResultField]].self, from: Data(json))
    }
}
