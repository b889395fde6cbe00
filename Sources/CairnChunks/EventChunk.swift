import CairnBytes

/// One event as stored and read: its position (timestamp, stream, sequence), its message bytes, and the
/// transformed version a log group's transformer made of it at ingestion (compact JSON), if any.
public struct LogEvent: Sendable {
    public let timestamp: Int64
    public let streamID: Int64
    public let sequence: Int64
    public let ingestionTime: Int64
    public let message: ArraySlice<UInt8>
    public let transformed: ArraySlice<UInt8>?
    /// Whether the transformer failed on the event: `transformed` then holds only `@transformationError`.
    public let transformationFailed: Bool

    public init(
        timestamp: Int64, streamID: Int64, sequence: Int64, ingestionTime: Int64, message: ArraySlice<UInt8>,
        transformed: ArraySlice<UInt8>? = nil, transformationFailed: Bool = false
    ) {
        self.timestamp = timestamp
        self.streamID = streamID
        self.sequence = sequence
        self.ingestionTime = ingestionTime
        self.message = message
        self.transformed = transformed
        self.transformationFailed = transformed != nil && transformationFailed
    }

    public var key: EventKey { EventKey(timestamp: timestamp, streamID: streamID, sequence: sequence) }

    /// The same event with its own copy of the message, so that it no longer keeps its whole chunk in memory.
    public func detached() -> LogEvent {
        LogEvent(
            timestamp: timestamp, streamID: streamID, sequence: sequence, ingestionTime: ingestionTime,
            message: ArraySlice(Array(message)), transformed: transformed.map { ArraySlice(Array($0)) },
            transformationFailed: transformationFailed)
    }
}

/// The order of events in reads and the position in pagination tokens. Survives compaction:
/// it names no chunk.
public struct EventKey: Comparable, Hashable, Sendable {
    public let timestamp: Int64
    public let streamID: Int64
    public let sequence: Int64

    public init(timestamp: Int64, streamID: Int64, sequence: Int64) {
        self.timestamp = timestamp
        self.streamID = streamID
        self.sequence = sequence
    }

    public static func < (lhs: EventKey, rhs: EventKey) -> Bool {
        (lhs.timestamp, lhs.streamID, lhs.sequence) < (rhs.timestamp, rhs.streamID, rhs.sequence)
    }
}

/// The plaintext layout of a chunk payload, before zstd and AES-256-GCM. Columnar, so that zstd sees like
/// next to like: the messages back to back as in a plain log file, and the numbers in runs of small deltas.
///
///     format (1 byte) · count (varint)
///     timestamps:  zigzag varint of (timestamp − previous timestamp), the first against min_ts
///     sequences:   zigzag varint of (sequence − previous sequence − 1), the first against first_seq
///     ingestion:   zigzag varint of (ingestion time − chunk ingestion time)
///     lengths:     varint message length
///     messages:    the message bytes, back to back
///
/// Format 4 (a chunk of a log group with a transformer) also holds each event's transformed version, right after
/// its message (the version repeats most of the message, and zstd finds a repeat nearby faster):
///
///     lengths:             varint message length
///     transformed lengths: varint ((length << 1 | failed) + 1), 0 for an event without one
///     events:              each message followed by its transformed version
///
/// Format 3 (written until 2026-12-06, still read) kept the transformed lengths and versions after all the
/// messages: `… lengths · messages · transformed lengths · transformed versions`.
///
/// Per-event sequence and ingestion values let compaction merge batches without losing either.
/// Differences wrap around 64 bits in the encoders as the decoder's sums do, so every `Int64` value round-trips
/// (and no value can trap an encoder).
public enum EventChunk {
    public static let format: UInt8 = 2
    /// The format of a chunk that carries transformed versions, each after its message.
    public static let transformedFormat: UInt8 = 4
    /// The earlier format with transformed versions, after all the messages.
    public static let transformedAfterMessagesFormat: UInt8 = 3
    /// zstd level for chunk payloads (see Benchmarks/README.md for the throughput and size it buys).
    public static let compressionLevel: Int32 = 3

    public struct Header: Sendable {
        public let minTimestamp: Int64
        public let firstSequence: Int64
        public let ingestionTime: Int64

        public init(minTimestamp: Int64, firstSequence: Int64, ingestionTime: Int64) {
            self.minTimestamp = minTimestamp
            self.firstSequence = firstSequence
            self.ingestionTime = ingestionTime
        }
    }

    /// Encodes the events of one PutLogEvents batch: consecutive sequence numbers, one ingestion time.
    /// `transformed`, when given, holds one entry per event of `timestamps` (nil: none for that event).
    public static func encode(
        timestamps: ArraySlice<Int64>, messages: [UInt8], messageEnds: [Int], header: Header,
        transformed: [Transformed?]? = nil
    ) -> [UInt8] {
        precondition(transformed == nil || transformed?.count == timestamps.count, "one version per event")
        let first = timestamps.startIndex
        let messageStart = first == 0 ? 0 : messageEnds[first - 1]
        let messageEnd = timestamps.isEmpty ? messageStart : messageEnds[timestamps.endIndex - 1]
        var output: [UInt8] = [transformed == nil ? format : transformedFormat]
        // Room for the transformed versions too: growing a megabyte array would copy it.
        let transformedBytes = transformed?.reduce(0) { $0 + ($1?.bytes.count ?? 0) + 5 } ?? 0
        output.reserveCapacity(messageEnd - messageStart + timestamps.count * 6 + 8 + transformedBytes)
        appendVarint(UInt64(timestamps.count), to: &output)
        var previous = header.minTimestamp
        for timestamp in timestamps {
            appendVarint(zigzag(timestamp &- previous), to: &output)
            previous = timestamp
        }
        output.append(contentsOf: repeatElement(0, count: timestamps.count * 2))
        for index in timestamps.indices {
            let start = index == 0 ? 0 : messageEnds[index - 1]
            appendVarint(UInt64(messageEnds[index] - start), to: &output)
        }
        guard let transformed else {
            output.append(contentsOf: messages[messageStart..<messageEnd])
            return output
        }
        appendTransformedLengths(transformed, to: &output)
        for index in timestamps.indices {
            output.append(contentsOf: messages[(index == 0 ? 0 : messageEnds[index - 1])..<messageEnds[index]])
            if let version = transformed[index - first] { output.append(contentsOf: version.bytes) }
        }
        return output
    }

    /// An event's transformed version as stored: its bytes, and whether the transformer failed on it.
    /// The bytes may be a slice of a buffer that holds a whole batch's versions.
    public struct Transformed: Sendable, Equatable {
        public let bytes: ArraySlice<UInt8>
        public let failed: Bool

        public init(bytes: ArraySlice<UInt8>, failed: Bool) {
            self.bytes = bytes
            self.failed = failed
        }

        public init(bytes: [UInt8], failed: Bool) {
            self.init(bytes: bytes[...], failed: failed)
        }
    }

    static func appendTransformedLengths(_ transformed: [Transformed?], to output: inout [UInt8]) {
        for version in transformed {
            appendVarint(version.map { (UInt64($0.bytes.count) << 1 | ($0.failed ? 1 : 0)) + 1 } ?? 0, to: &output)
        }
    }

    /// Encodes events of any origin (a compaction's merge): each keeps its own sequence and ingestion time.
    public static func encode(_ events: [LogEvent], header: Header) -> [UInt8] {
        let hasTransformed = events.contains { $0.transformed != nil }
        var output: [UInt8] = [hasTransformed ? transformedFormat : format]
        output.reserveCapacity(events.reduce(16) { $0 + $1.message.count + ($1.transformed?.count ?? 0) + 10 })
        appendVarint(UInt64(events.count), to: &output)
        var previous = header.minTimestamp
        for event in events {
            appendVarint(zigzag(event.timestamp &- previous), to: &output)
            previous = event.timestamp
        }
        var previousSequence = header.firstSequence &- 1
        for event in events {
            appendVarint(zigzag(event.sequence &- previousSequence &- 1), to: &output)
            previousSequence = event.sequence
        }
        for event in events { appendVarint(zigzag(event.ingestionTime &- header.ingestionTime), to: &output) }
        for event in events { appendVarint(UInt64(event.message.count), to: &output) }
        if hasTransformed {
            appendTransformedLengths(
                events.map { event in
                    event.transformed.map { Transformed(bytes: $0, failed: event.transformationFailed) }
                }, to: &output)
        }
        for event in events {
            output.append(contentsOf: event.message)
            if let transformed = event.transformed { output.append(contentsOf: transformed) }
        }
        return output
    }

    public struct Corrupt: Error {}

    public static func decode(
        _ plain: [UInt8], header: Header, streamID: Int64, expectedCount: Int
    ) throws -> [LogEvent] {
        var events: [LogEvent] = []
        events.reserveCapacity(expectedCount)
        try decode(
            plain, header: header, streamID: streamID, expectedCount: expectedCount, where: { _ in true },
            visit: { events.append($0) })
        return events
    }

    /// Visits the events whose message passes `keep`, without building the others.
    public static func decode(
        _ plain: [UInt8], header: Header, streamID: Int64, expectedCount: Int,
        where keep: (ArraySlice<UInt8>) -> Bool, visit: (LogEvent) -> Void
    ) throws {
        guard let chunkFormat = plain.first,
            [format, transformedFormat, transformedAfterMessagesFormat].contains(chunkFormat)
        else {
            throw Corrupt()
        }
        var index = 1
        // Bounded by the payload's size before it becomes an Int: a corrupt count can be any 64-bit value.
        let encodedCount = try readVarint(plain, &index)
        guard encodedCount <= UInt64(plain.count), Int(encodedCount) == expectedCount else { throw Corrupt() }
        let count = Int(encodedCount)
        var timestamps = [Int64](repeating: 0, count: count)
        var previous = header.minTimestamp
        for event in 0..<count {
            previous = previous &+ unzigzag(try readVarint(plain, &index))
            timestamps[event] = previous
        }
        var sequences = [Int64](repeating: 0, count: count)
        var previousSequence = header.firstSequence &- 1
        for event in 0..<count {
            previousSequence = previousSequence &+ 1 &+ unzigzag(try readVarint(plain, &index))
            sequences[event] = previousSequence
        }
        var ingestion = [Int64](repeating: 0, count: count)
        for event in 0..<count { ingestion[event] = header.ingestionTime &+ unzigzag(try readVarint(plain, &index)) }
        var lengths = [Int](repeating: 0, count: count)
        var total = 0
        for event in 0..<count {
            let length = try readVarint(plain, &index)
            guard length <= UInt64(plain.count) else { throw Corrupt() }
            lengths[event] = Int(length)
            total += Int(length)
        }
        let hasTransformed = chunkFormat != format
        var transformedLengths = [Int](repeating: -1, count: hasTransformed ? count : 0)
        var failures = [Bool](repeating: false, count: transformedLengths.count)
        // Format 3's transformed lengths follow the messages; format 4's follow the message lengths.
        guard total <= plain.count - index else { throw Corrupt() }
        var cursor = chunkFormat == transformedAfterMessagesFormat ? index + total : index
        var transformedTotal = 0
        if hasTransformed {
            for event in 0..<count {
                let encoded = try readVarint(plain, &cursor)
                guard encoded <= 2 * UInt64(plain.count) + 2 else { throw Corrupt() }
                if encoded > 0 {
                    transformedLengths[event] = Int((encoded - 1) >> 1)
                    failures[event] = (encoded - 1) & 1 == 1
                    transformedTotal += transformedLengths[event]
                }
            }
        }
        // Format 3's transformed versions start after its transformed lengths.
        var transformedIndex = cursor
        switch chunkFormat {
        case transformedFormat:
            index = cursor
            guard total + transformedTotal == plain.count - index else { throw Corrupt() }
        case transformedAfterMessagesFormat:
            guard transformedTotal == plain.count - cursor else { throw Corrupt() }
        default:
            guard total == plain.count - index else { throw Corrupt() }
        }
        for event in 0..<count {
            let message = plain[index..<(index + lengths[event])]
            index += lengths[event]
            var transformed: ArraySlice<UInt8>? = nil
            if hasTransformed, transformedLengths[event] >= 0 {
                if chunkFormat == transformedFormat {
                    transformed = plain[index..<(index + transformedLengths[event])]
                    index += transformedLengths[event]
                } else {
                    transformed = plain[transformedIndex..<(transformedIndex + transformedLengths[event])]
                    transformedIndex += transformedLengths[event]
                }
            }
            if keep(message) {
                visit(
                    LogEvent(
                        timestamp: timestamps[event], streamID: streamID, sequence: sequences[event],
                        ingestionTime: ingestion[event], message: message, transformed: transformed,
                        transformationFailed: hasTransformed && failures[event]))
            }
        }
    }

    /// AAD = account_id | group_id | stream_id | chunk_id | dek_version (DESIGN.md).
    public static func associatedData(
        account: String, group: Int64, stream: Int64, chunk: Int64, dekVersion: Int32
    ) -> [UInt8] {
        Array("\(account)|\(group)|\(stream)|\(chunk)|\(dekVersion)".utf8)
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        Varint.append(value, to: &output)
    }

    static func readVarint(_ bytes: [UInt8], _ index: inout Int) throws -> UInt64 {
        do { return try Varint.read(bytes, &index) } catch { throw Corrupt() }
    }
}
