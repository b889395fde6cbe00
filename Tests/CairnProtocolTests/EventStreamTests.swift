import Testing

@testable import CairnProtocol

@Suite struct EventStreamTests {
    @Test func crc32IsTheZlibOne() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func aMessageSurvivesTheWire() throws {
        let message = EventStreamMessage.event("sessionUpdate", json: Array(#"{"a":1}"#.utf8))
        let bytes = message.encoded
        #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count)
        let (decoded, used) = try #require(try EventStreamMessage.decode(bytes[...]))
        #expect(used == bytes.count)
        #expect(decoded == message)
        #expect(decoded.header(":event-type") == "sessionUpdate")
        #expect(decoded.header(":message-type") == "event")
    }

    @Test func exceptionsCarryTheirTypeAndMessage() throws {
        let bytes = EventStreamMessage.exception("SessionTimeoutException", message: #"say "when""#).encoded
        let (decoded, _) = try #require(try EventStreamMessage.decode(bytes[...]))
        #expect(decoded.header(":exception-type") == "SessionTimeoutException")
        #expect(decoded.header(":message-type") == "exception")
        #expect(String(decoding: decoded.payload, as: UTF8.self) == #"{"message":"say \"when\""}"#)
    }

    @Test func partialAndDamagedMessagesAreTold() throws {
        let bytes = EventStreamMessage.event("x", json: Array("{}".utf8)).encoded
        #expect(try EventStreamMessage.decode(bytes.dropLast(1)) == nil)
        var damaged = bytes
        damaged[damaged.count - 6] ^= 0x01
        #expect(throws: EventStreamError.checksumMismatch) { try EventStreamMessage.decode(damaged[...]) }
        var prelude = bytes
        prelude[1] ^= 0x01
        #expect(throws: EventStreamError.self) { try EventStreamMessage.decode(prelude[...]) }
    }

    @Test func twoMessagesInARowAreReadOneAfterTheOther() throws {
        let first = EventStreamMessage.event("a", json: Array("{}".utf8))
        let second = EventStreamMessage.event("b", json: Array(#"{"x":[1,2]}"#.utf8))
        let bytes = first.encoded + second.encoded
        let (one, used) = try #require(try EventStreamMessage.decode(bytes[...]))
        let (two, _) = try #require(try EventStreamMessage.decode(bytes[used...]))
        #expect(one == first && two == second)
    }
}
