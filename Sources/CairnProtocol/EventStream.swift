/// One message of an AWS event stream (`application/vnd.amazon.eventstream`): a prelude (total length, headers
/// length, the prelude's CRC-32), headers, the payload and the CRC-32 of everything before it. Cairn's headers are
/// all strings (type 7), as AWS's event and exception messages are.
public struct EventStreamMessage: Sendable, Equatable {
    public var headers: [(name: String, value: String)]
    public var payload: [UInt8]

    public init(headers: [(name: String, value: String)], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    /// An event of `type` with a JSON payload (`:message-type` event).
    public static func event(_ type: String, json: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(
            headers: [
                (":event-type", type), (":content-type", "application/json"), (":message-type", "event"),
            ], payload: json)
    }

    /// A modeled exception in the stream (`:message-type` exception), its body `{"message": …}`.
    public static func exception(_ type: String, message: String) -> EventStreamMessage {
        EventStreamMessage(
            headers: [
                (":exception-type", type), (":content-type", "application/json"), (":message-type", "exception"),
            ], payload: Array(#"{"message":"\#(JSONText.escape(message))"}"#.utf8))
    }

    public static func == (left: EventStreamMessage, right: EventStreamMessage) -> Bool {
        left.payload == right.payload && left.headers.elementsEqual(right.headers) { $0 == $1 }
    }

    /// The message as bytes on the wire.
    public var encoded: [UInt8] {
        var headerBytes: [UInt8] = []
        for (name, value) in headers {
            let nameBytes = Array(name.utf8.prefix(255))
            let valueBytes = Array(value.utf8.prefix(Int(UInt16.max)))
            headerBytes.append(UInt8(nameBytes.count))
            headerBytes += nameBytes
            headerBytes.append(7)
            headerBytes.append(UInt8(valueBytes.count >> 8))
            headerBytes.append(UInt8(valueBytes.count & 0xFF))
            headerBytes += valueBytes
        }
        let total = 12 + headerBytes.count + payload.count + 4
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        Self.append(UInt32(total), to: &bytes)
        Self.append(UInt32(headerBytes.count), to: &bytes)
        Self.append(CRC32.checksum(bytes), to: &bytes)
        bytes += headerBytes
        bytes += payload
        Self.append(CRC32.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Reads one message from the start of `bytes`: the message and how many bytes it took; nil when the bytes
    /// do not hold a whole message yet. Throws when a length or checksum is wrong.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(EventStreamError) -> (EventStreamMessage, Int)? {
        guard bytes.count >= 12 else { return nil }
        let start = bytes.startIndex
        let total = Int(readUInt32(bytes, at: start))
        let headersLength = Int(readUInt32(bytes, at: start + 4))
        guard total >= 16 + headersLength, total <= 16 * 1024 * 1024 else { throw .invalidLength }
        guard readUInt32(bytes, at: start + 8) == CRC32.checksum(bytes[start..<start + 8]) else {
            throw .checksumMismatch
        }
        guard bytes.count >= total else { return nil }
        guard readUInt32(bytes, at: start + total - 4) == CRC32.checksum(bytes[start..<start + total - 4]) else {
            throw .checksumMismatch
        }
        var headers: [(name: String, value: String)] = []
        var index = start + 12
        let headersEnd = index + headersLength
        while index < headersEnd {
            let nameLength = Int(bytes[index])
            index += 1
            guard index + nameLength + 3 <= headersEnd else { throw .invalidHeader }
            let name = String(decoding: bytes[index..<index + nameLength], as: UTF8.self)
            index += nameLength
            guard bytes[index] == 7 else { throw .invalidHeader }
            let valueLength = Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            index += 3
            guard index + valueLength <= headersEnd else { throw .invalidHeader }
            headers.append((name, String(decoding: bytes[index..<index + valueLength], as: UTF8.self)))
            index += valueLength
        }
        let payload = Array(bytes[headersEnd..<start + total - 4])
        return (EventStreamMessage(headers: headers, payload: payload), total)
    }

    /// The value of the header `name`.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}

/// Why bytes are not an event stream message.
public enum EventStreamError: Error, Equatable {
    case invalidLength, checksumMismatch, invalidHeader
}

/// CRC-32 (IEEE 802.3, the zlib polynomial), as event stream messages carry it.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// What an event-stream operation answers once its input is accepted: the payload of its `initial-response`
/// message, and the session that writes the messages after it.
public struct EventStreamSession: Sendable {
    public let initialResponse: [UInt8]
    /// Writes the stream's messages with `send` until the session ends (it returns) or the client has gone
    /// (`send` throws, and `run` rethrows). `run` releases whatever the session holds in either case.
    public let run: @Sendable (_ send: (EventStreamMessage) async throws -> Void) async throws -> Void

    public init(
        initialResponse: [UInt8] = Array("{}".utf8),
        run: @escaping @Sendable (_ send: (EventStreamMessage) async throws -> Void) async throws -> Void
    ) {
        self.initialResponse = initialResponse
        self.run = run
    }

    /// The `initial-response` message that starts the stream.
    public var initialMessage: EventStreamMessage {
        EventStreamMessage(
            headers: [(":event-type", "initial-response"), (":message-type", "event")], payload: initialResponse)
    }
}
