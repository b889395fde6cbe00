import CairnCrypto
import CairnKeys
import CairnProtocol
import CairnStore
import Logging
import NIOCore
import PostgresNIO

/// The originals of masked events: one record per batch, holding each masked event's sequence offset and original
/// message, zstd-compressed and sealed under the group's data key (the same key as the chunks, so deleting the
/// group or destroying its key shreds them too), found by the batch's range of sequence numbers, which compaction
/// keeps.
///
///     record = count (u32) · per event: offset (u32) · length (u32) · message bytes   (big endian)
enum MaskedOriginals {
    static func context(account: String, group: Int64, stream: Int64, first: Int64, version: Int32) -> [UInt8] {
        Array("cairn/masked-originals/\(account)/\(group)/\(stream)/\(first)/\(version)".utf8)
    }

    static func store(
        _ originals: [(offset: Int, message: [UInt8])], firstSequence: Int64, lastSequence: Int64, maxTime: Int64,
        account: String, group: Int64, stream: Int64, key: DataKey, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var record: [UInt8] = []
        record.reserveCapacity(originals.reduce(4) { $0 + 8 + $1.message.count })
        append(UInt32(originals.count), to: &record)
        for original in originals {
            append(UInt32(original.offset), to: &record)
            append(UInt32(original.message.count), to: &record)
            record += original.message
        }
        let sealed = try AESGCM.seal(
            try Zstd.compress(record, level: 1), key: key.material,
            authenticating: context(
                account: account, group: group, stream: stream, first: firstSequence, version: key.version))
        try await connection.query(
            """
            INSERT INTO masked_originals (account_id, group_id, stream_id, first_sequence, last_sequence,
                max_event_time, dek_version, sealed)
            VALUES (\(account), \(group), \(stream), \(firstSequence), \(lastSequence), \(maxTime), \(key.version),
                \(ByteBuffer(bytes: sealed)))
            """, logger: logger)
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private static func read32(_ bytes: [UInt8], _ at: Int) -> Int? {
        guard at + 4 <= bytes.count else { return nil }
        return bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    /// The originals of the given events of a group that were masked, by (stream, sequence).
    static func read(
        _ events: [(stream: Int64, sequence: Int64)], account: String, group: Int64, keyRing: DataKeyRing,
        database: Database
    ) async throws -> [EventIdentity: String] {
        guard !events.isEmpty else { return [:] }
        let wanted = Set(events.map { EventIdentity(stream: $0.stream, sequence: $0.sequence) })
        let rows = try await database.query(
            """
            SELECT DISTINCT o.stream_id, o.first_sequence, o.dek_version, o.sealed FROM masked_originals o
            JOIN unnest(\(events.map(\.stream)), \(events.map(\.sequence))) AS e(stream_id, sequence)
              ON o.stream_id = e.stream_id AND e.sequence BETWEEN o.first_sequence AND o.last_sequence
            WHERE o.account_id = \(account) AND o.group_id = \(group)
            """)
        var stored: [(Int64, Int64, Int32, ByteBuffer)] = []
        for try await row in rows.decode((Int64, Int64, Int32, ByteBuffer).self) { stored.append(row) }
        var originals: [EventIdentity: String] = [:]
        for (stream, first, version, sealed) in stored {
            let key = try await keyRing.openingKey(account: account, group: group, version: version)
            let record = try Zstd.decompress(
                try AESGCM.open(
                    Array(sealed.readableBytesView), key: key,
                    authenticating: context(
                        account: account, group: group, stream: stream, first: first, version: version)
                ), limit: 16 << 20)
            guard let count = read32(record, 0) else { continue }
            var at = 4
            for _ in 0..<count {
                guard let offset = read32(record, at), let length = read32(record, at + 4),
                    at + 8 + length <= record.count
                else { break }
                let identity = EventIdentity(stream: stream, sequence: first + Int64(offset))
                if wanted.contains(identity) {
                    originals[identity] = String(decoding: record[(at + 8)..<(at + 8 + length)], as: UTF8.self)
                }
                at += 8 + length
            }
        }
        return originals
    }

    struct EventIdentity: Hashable {
        let stream: Int64
        let sequence: Int64
    }
}
