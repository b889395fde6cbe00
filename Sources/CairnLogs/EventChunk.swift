import CairnCrypto

/// One event as stored and read: its position (timestamp, stream, sequence) and its message bytes.
struct LogEvent: Sendable {
    let timestamp: Int64
    let streamID: Int64
    let sequence: Int64
    let ingestionTime: Int64
    let message: ArraySlice<UInt8>

    var key: EventKey { EventKey(timestamp: timestamp, streamID: streamID, sequence: sequence) }
}

/// The order of events in reads and the position in pagination tokens. Survives compaction:
/// it names no chunk.
struct EventKey: Comparable, Hashable, Sendable {
    let timestamp: Int64
    let streamID: Int64
    let sequence: Int64

    static func < (lhs: EventKey, rhs: EventKey) -> Bool {
        (lhs.timestamp, lhs.streamID, lhs.sequence) < (rhs.timestamp, rhs.streamID, rhs.sequence)
    }
}

/// The plaintext layout of a chunk payload, before zstd and AES-256-GCM:
/// a format byte, then per event: zigzag varints of (timestamp − min_ts), (sequence − first_seq),
/// (ingestion time − chunk ingestion time), the message length, then the message bytes.
/// Per-event sequence and ingestion deltas let compaction merge batches without losing either.
enum EventChunk {
    static let format: UInt8 = 1

    struct Header: Sendable {
        let minTimestamp: Int64
        let firstSequence: Int64
        let ingestionTime: Int64
    }

    static func encode(
        timestamps: ArraySlice<Int64>, messages: [UInt8], messageEnds: [Int], header: Header
    ) -> [UInt8] {
        var output: [UInt8] = [format]
        output.reserveCapacity(messages.count + timestamps.count * 8 + 1)
        var sequence = header.firstSequence
        for index in timestamps.indices {
            let start = index == 0 ? 0 : messageEnds[index - 1]
            let end = messageEnds[index]
            appendVarint(zigzag(timestamps[index] - header.minTimestamp), to: &output)
            appendVarint(zigzag(sequence - header.firstSequence), to: &output)
            appendVarint(0, to: &output)
            appendVarint(UInt64(end - start), to: &output)
            output.append(contentsOf: messages[start..<end])
            sequence += 1
        }
        return output
    }

    /// Encodes events of any origin (a compaction's merge): each keeps its own sequence and ingestion time.
    static func encode(_ events: [LogEvent], header: Header) -> [UInt8] {
        var output: [UInt8] = [format]
        output.reserveCapacity(events.reduce(1) { $0 + $1.message.count + 12 })
        for event in events {
            appendVarint(zigzag(event.timestamp - header.minTimestamp), to: &output)
            appendVarint(zigzag(event.sequence - header.firstSequence), to: &output)
            appendVarint(zigzag(event.ingestionTime - header.ingestionTime), to: &output)
            appendVarint(UInt64(event.message.count), to: &output)
            output.append(contentsOf: event.message)
        }
        return output
    }

    struct Corrupt: Error {}

    static func decode(_ plain: [UInt8], header: Header, streamID: Int64, expectedCount: Int) throws -> [LogEvent] {
        guard plain.first == format else { throw Corrupt() }
        var events: [LogEvent] = []
        events.reserveCapacity(expectedCount)
        var index = 1
        while index < plain.count {
            let timestamp = header.minTimestamp &+ unzigzag(try readVarint(plain, &index))
            let sequence = header.firstSequence &+ unzigzag(try readVarint(plain, &index))
            let ingestion = header.ingestionTime &+ unzigzag(try readVarint(plain, &index))
            let length = try readVarint(plain, &index)
            guard length <= UInt64(plain.count - index) else { throw Corrupt() }
            let end = index + Int(length)
            events.append(
                LogEvent(
                    timestamp: timestamp, streamID: streamID, sequence: sequence, ingestionTime: ingestion,
                    message: plain[index..<end]))
            index = end
        }
        guard events.count == expectedCount else { throw Corrupt() }
        return events
    }

    /// AAD = account_id | group_id | stream_id | chunk_id | dek_version (DESIGN.md).
    static func associatedData(account: String, group: Int64, stream: Int64, chunk: Int64, dekVersion: Int32) -> [UInt8]
    {
        Array("\(account)|\(group)|\(stream)|\(chunk)|\(dekVersion)".utf8)
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    static func readVarint(_ bytes: [UInt8], _ index: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw Corrupt() }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw Corrupt()
    }
}
