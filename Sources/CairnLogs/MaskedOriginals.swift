import CairnCrypto
import CairnKeys
import CairnProtocol
import CairnStore
import Logging
import NIOCore
import PostgresNIO

/// The originals of masked events: sealed under the group's data key (the same key as the chunks, so deleting the
/// group or destroying its key shreds them too), found by stream and sequence number, which compaction keeps.
enum MaskedOriginals {
    static func context(account: String, group: Int64, stream: Int64, sequence: Int64, version: Int32) -> [UInt8] {
        Array("cairn/masked-original/\(account)/\(group)/\(stream)/\(sequence)/\(version)".utf8)
    }

    static func store(
        _ originals: [(sequence: Int64, timestamp: Int64, message: [UInt8])], account: String, group: Int64,
        stream: Int64, key: DataKey, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var sealed: [ByteBuffer] = []
        for original in originals {
            sealed.append(
                ByteBuffer(
                    bytes: try AESGCM.seal(
                        original.message, key: key.material,
                        authenticating: context(
                            account: account, group: group, stream: stream, sequence: original.sequence,
                            version: key.version))))
        }
        try await connection.query(
            """
            INSERT INTO masked_originals (account_id, group_id, stream_id, sequence, event_time, dek_version, sealed)
            SELECT \(account), \(group), \(stream), o.sequence, o.event_time, \(key.version), o.sealed
            FROM unnest(\(originals.map(\.sequence)), \(originals.map(\.timestamp)), \(sealed))
                AS o(sequence, event_time, sealed)
            """, logger: logger)
    }

    /// The originals of the given events of a group that were masked, by (stream, sequence).
    static func read(
        _ events: [(stream: Int64, sequence: Int64)], account: String, group: Int64, keyRing: DataKeyRing,
        database: Database
    ) async throws -> [EventIdentity: String] {
        guard !events.isEmpty else { return [:] }
        let rows = try await database.query(
            """
            SELECT o.stream_id, o.sequence, o.dek_version, o.sealed FROM masked_originals o
            JOIN unnest(\(events.map(\.stream)), \(events.map(\.sequence))) AS e(stream_id, sequence)
              ON o.stream_id = e.stream_id AND o.sequence = e.sequence
            WHERE o.account_id = \(account) AND o.group_id = \(group)
            """)
        var stored: [(Int64, Int64, Int32, ByteBuffer)] = []
        for try await row in rows.decode((Int64, Int64, Int32, ByteBuffer).self) { stored.append(row) }
        var originals: [EventIdentity: String] = [:]
        for (stream, sequence, version, sealed) in stored {
            let key = try await keyRing.openingKey(account: account, group: group, version: version)
            let message = try AESGCM.open(
                Array(sealed.readableBytesView), key: key,
                authenticating: context(
                    account: account, group: group, stream: stream, sequence: sequence, version: version))
            originals[EventIdentity(stream: stream, sequence: sequence)] = String(decoding: message, as: UTF8.self)
        }
        return originals
    }

    struct EventIdentity: Hashable {
        let stream: Int64
        let sequence: Int64
    }
}
