import CairnBytes
import CairnChunks
import CairnCrypto
import CairnKeys
import CairnProtocol
import CairnStore
import Logging
import NIOCore
import PostgresNIO

/// The originals of masked events, kept as what masking replaced: one record per batch, holding for each masked
/// event its sequence offset and, for each masked range, the bytes it held. A reader puts them back into the stored
/// (masked) message, which masking left the same length. The record is zstd-compressed and sealed under the group's
/// data key (the same key as the chunks, so deleting the group or destroying its key shreds it too), and found by
/// the batch's range of sequence numbers, which compaction keeps.
///
///     record (format 2) = 2 · per event: offset · ranges · per range: gap · length · bytes       (varints)
///
/// `gap` is where the range starts, counted from the end of the event's previous range (from 0 for the first).
/// Records of format 1 (before 2026-12-06) hold whole messages:
///
///     count (u32) · per event: offset (u32) · length (u32) · message bytes                      (big endian)
///
/// A batch holds at most 10,000 events, so a format 1 record starts with the byte 0.
enum MaskedOriginals {
    static let format: UInt8 = 2

    /// A batch's record as masking builds it, event by event.
    struct Record: Sendable {
        private(set) var bytes: [UInt8] = [MaskedOriginals.format]
        /// The batch offsets of the events it holds, in order.
        private(set) var offsets: [Int] = []

        var isEmpty: Bool { offsets.isEmpty }

        /// Keeps what `ranges` (sorted, disjoint, in `message`'s indices) hold of the event at batch `offset`,
        /// before they are masked.
        mutating func append(offset: Int, ranges: [Range<Int>], of message: ArraySlice<UInt8>) {
            offsets.append(offset)
            Varint.append(UInt64(offset), to: &bytes)
            Varint.append(UInt64(ranges.count), to: &bytes)
            var previousEnd = message.startIndex
            for range in ranges {
                Varint.append(UInt64(range.lowerBound - previousEnd), to: &bytes)
                Varint.append(UInt64(range.count), to: &bytes)
                bytes.append(contentsOf: message[range])
                previousEnd = range.upperBound
            }
        }
    }

    /// The original of each event in `record` (by batch offset) whose masked form `masked` gives; events it
    /// does not hold, and ranges that do not fit their message, are left out.
    static func originals(in record: [UInt8], masked: (Int) -> ArraySlice<UInt8>?) -> [Int: [UInt8]] {
        guard let first = record.first else { return [:] }
        return first == format ? patched(record, masked: masked) : wholeMessages(record)
    }

    private static func patched(_ record: [UInt8], masked: (Int) -> ArraySlice<UInt8>?) -> [Int: [UInt8]] {
        var originals: [Int: [UInt8]] = [:]
        var at = 1
        do {
            while at < record.count {
                let offset = try Varint.read(record, &at)
                // A batch holds at most 10,000 events: a larger offset is a damaged record.
                guard offset < LogsLimits.eventsPerBatch.upperBound else { return originals }
                let rangeCount = try Varint.read(record, &at)
                var original = masked(Int(offset)).map(Array.init)
                var position = 0
                for _ in 0..<rangeCount {
                    let gap = try Varint.read(record, &at)
                    let length = Int(clamping: try Varint.read(record, &at))
                    guard length <= record.count - at else { return originals }
                    // A range that does not fit the stored message (which it always does) leaves the event out.
                    if let count = original?.count, gap <= UInt64(count - position),
                        length <= count - position - Int(gap)
                    {
                        position += Int(gap)
                        original?.replaceSubrange(position..<(position + length), with: record[at..<(at + length)])
                        position += length
                    } else {
                        original = nil
                    }
                    at += length
                }
                if let original { originals[Int(offset)] = original }
            }
        } catch {
            return originals
        }
        return originals
    }

    private static func wholeMessages(_ record: [UInt8]) -> [Int: [UInt8]] {
        guard let count = read32(record, 0) else { return [:] }
        var originals: [Int: [UInt8]] = [:]
        var at = 4
        for _ in 0..<count {
            guard let offset = read32(record, at), offset < LogsLimits.eventsPerBatch.upperBound,
                let length = read32(record, at + 4), at + 8 + length <= record.count
            else { break }
            originals[offset] = Array(record[(at + 8)..<(at + 8 + length)])
            at += 8 + length
        }
        return originals
    }

    static func context(account: String, group: Int64, stream: Int64, first: Int64, version: Int32) -> [UInt8] {
        Array("cairn/masked-originals/\(account)/\(group)/\(stream)/\(first)/\(version)".utf8)
    }

    static func store(
        _ record: Record, firstSequence: Int64, lastSequence: Int64, maxTime: Int64,
        account: String, group: Int64, stream: Int64, key: DataKey, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let sealed = try AESGCM.seal(
            try Zstd.compress(record.bytes, level: 1), key: key.material,
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

    private static func read32(_ bytes: [UInt8], _ at: Int) -> Int? {
        guard at + 4 <= bytes.count else { return nil }
        return bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    /// The originals of the given events of a group that were masked, by (stream, sequence).
    static func read(
        _ events: [CairnChunks.LogEvent], account: String, group: Int64, keyRing: DataKeyRing, database: Database
    ) async throws -> [EventIdentity: String] {
        guard !events.isEmpty else { return [:] }
        var masked: [EventIdentity: ArraySlice<UInt8>] = [:]
        for event in events { masked[EventIdentity(stream: event.streamID, sequence: event.sequence)] = event.message }
        let rows = try await database.query(
            """
            SELECT DISTINCT o.stream_id, o.first_sequence, o.dek_version, o.sealed FROM masked_originals o
            JOIN unnest(\(events.map(\.streamID)), \(events.map(\.sequence))) AS e(stream_id, sequence)
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
            let found = Self.originals(in: record) { offset in
                masked[EventIdentity(stream: stream, sequence: first + Int64(offset))]
            }
            for (offset, original) in found {
                let identity = EventIdentity(stream: stream, sequence: first + Int64(offset))
                if masked[identity] != nil { originals[identity] = String(decoding: original, as: UTF8.self) }
            }
        }
        return originals
    }

    struct EventIdentity: Hashable {
        let stream: Int64
        let sequence: Int64
    }
}
