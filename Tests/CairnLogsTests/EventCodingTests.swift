import CairnFilter
import CairnProtocol
import Foundation
import Testing

@testable import CairnChunks
@testable import CairnLogs

/// The PutLogEvents scanner against Foundation's JSONDecoder on generated and mutated input.
@Suite struct PutLogEventsScannerTests {
    struct Body: Codable, Equatable {
        struct Event: Codable, Equatable {
            let timestamp: Int64
            let message: String
        }
        let logGroupName: String
        let logStreamName: String
        let logEvents: [Event]
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        mutating func message() -> String {
            let pool: [Unicode.Scalar] = [
                "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "\u{FFFF}", "😀", "𝄞",
                "\u{7F}", "\u{80}", "中",
            ]
            var text = String.UnicodeScalarView()
            for _ in 0..<(1 + below(40)) { text.append(pool[below(pool.count)]) }
            return String(text)
        }

        /// JSON text of a string, escaping some characters as \uXXXX (and surrogate pairs) at random.
        mutating func encode(_ text: String) -> String {
            var output = "\""
            for scalar in text.unicodeScalars {
                let forceEscape = below(4) == 0
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += below(2) == 0 ? "\\n" : "\\u000a"
                case "\t": output += "\\t"
                case _ where scalar.value < 0x20 || forceEscape:
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        output += String(format: "\\u%04X\\u%04x", 0xD800 + (value >> 10), 0xDC00 + (value & 0x3FF))
                    } else {
                        output += String(format: "\\u%04x", scalar.value)
                    }
                default: output.unicodeScalars.append(scalar)
                }
            }
            return output + "\""
        }

        mutating func body() -> (String, Body) {
            let events = (0..<(1 + below(6))).map { _ in
                Body.Event(timestamp: Int64(below(2_000_000_000)) * 1000, message: message())
            }
            let expected = Body(logGroupName: "g/\(below(100))", logStreamName: message(), logEvents: events)
            var members = [
                "\"logGroupName\":\(encode(expected.logGroupName))",
                "\"logStreamName\" : \(encode(expected.logStreamName))",
                "\"logEvents\":["
                    + events.map { event in
                        below(2) == 0
                            ? "{\"timestamp\":\(event.timestamp),\"message\":\(encode(event.message))}"
                            : "{ \"message\": \(encode(event.message)), \"extra\": [1, {\"x\": null}], \"timestamp\": \(event.timestamp) }"
                    }.joined(separator: ",") + "]",
                "\"sequenceToken\": null",
            ]
            members.shuffle(using: &self)
            return ("{" + members.joined(separator: below(2) == 0 ? "," : " ,\n ") + "}", expected)
        }
    }

    static func scanned(_ text: [UInt8]) throws -> Body {
        let request = try PutLogEventsRequest.parse(text)
        let events = (0..<request.count).map { index in
            let start = index == 0 ? 0 : request.messageEnds[index - 1]
            return Body.Event(
                timestamp: request.timestamps[index],
                message: String(decoding: request.messages[start..<request.messageEnds[index]], as: UTF8.self))
        }
        return Body(
            logGroupName: request.logGroupName ?? "", logStreamName: request.logStreamName ?? "", logEvents: events)
    }

    @Test func agreesWithJSONDecoderOnGeneratedBodies() throws {
        var generator = Generator(state: 42)
        for _ in 0..<2000 {
            let (text, expected) = generator.body()
            let decoded = try JSONDecoder().decode(Body.self, from: Data(text.utf8))
            #expect(decoded == expected)
            #expect(try Self.scanned(Array(text.utf8)) == expected, "\(text)")
        }
    }

    @Test func neverAcceptsWhatJSONDecoderRejects() {
        var generator = Generator(state: 7)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = Array(generator.body().0.utf8)
            for _ in 0..<(1 + generator.below(3)) {
                let position = generator.below(bytes.count)
                switch generator.below(3) {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                default:
                    let noise = Array("{}[],:\"\\ 0e-".utf8)
                    bytes.insert(noise[generator.below(noise.count)], at: position)
                }
            }
            guard let ours = try? Self.scanned(bytes) else { continue }
            accepted += 1
            // Whatever the scanner accepts is valid JSON that Foundation reads the same way.
            let theirs = try? JSONDecoder().decode(Body.self, from: Data(bytes))
            if let theirs { #expect(theirs == ours) }
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil,
                "accepted invalid JSON: \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 0)
    }

    @Test func rejectsMalformedInput() {
        let cases = [
            #"{"logEvents":[{"timestamp":1.5,"message":"a"}]}"#,
            #"{"logEvents":[{"timestamp":"1","message":"a"}]}"#,
            #"{"logEvents":{"timestamp":1}}"#,
            #"{"logGroupName":"\ud800"}"#,
            #"{"logGroupName":"\x"}"#,
            #"{"logGroupName":"a"} trailing"#,
            #"{"logEvents":[{"timestamp":99999999999999999999,"message":"a"}]}"#,
            "{\"logGroupName\":\"\u{01}\"}",
        ]
        for text in cases {
            #expect(throws: AWSError.self, "\(text)") { try PutLogEventsRequest.parse(Array(text.utf8)) }
        }
        #expect(throws: AWSError.self) { try PutLogEventsRequest.parse([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }
        // Overlong UTF-8 and encoded surrogates are not valid UTF-8.
        #expect(throws: AWSError.self) {
            try PutLogEventsRequest.parse(Array(#"{"a":""#.utf8) + [0xc0, 0xaf, 0x22, 0x7d])
        }
        #expect(throws: AWSError.self) {
            try PutLogEventsRequest.parse(Array(#"{"a":""#.utf8) + [0xed, 0xa0, 0x80, 0x22, 0x7d])
        }
    }

    @Test func recordsMissingMembers() throws {
        let request = try PutLogEventsRequest.parse(Array(#"{"logEvents":[{"message":"m"},{"timestamp":5}]}"#.utf8))
        #expect(request.missing.map(\.member) == ["timestamp", "message"])
        #expect(request.count == 2)
    }
}

extension PutLogEventsScannerTests.Generator: RandomNumberGenerator {}

extension LogEvent {
    fileprivate func withoutTransformed() -> LogEvent {
        LogEvent(
            timestamp: timestamp, streamID: streamID, sequence: sequence, ingestionTime: ingestionTime,
            message: message)
    }
}

@Suite struct EventChunkTests {
    @Test func roundTripsEventsWithTheirSequences() throws {
        let messages = ["first", "", "ünï", String(repeating: "z", count: 300)]
        var buffer: [UInt8] = []
        var ends: [Int] = []
        for message in messages {
            buffer += Array(message.utf8)
            ends.append(buffer.count)
        }
        let timestamps: [Int64] = [1000, 1000, 1500, 900_000]
        let plain = EventChunk.encode(
            timestamps: timestamps[...], messages: buffer, messageEnds: ends,
            header: .init(minTimestamp: 1000, firstSequence: 0, ingestionTime: 77))
        let events = try EventChunk.decode(
            plain, header: .init(minTimestamp: 1000, firstSequence: 40, ingestionTime: 77), streamID: 9,
            expectedCount: 4)
        #expect(events.map(\.timestamp) == timestamps)
        #expect(events.map(\.sequence) == [40, 41, 42, 43])
        #expect(events.map { String(decoding: $0.message, as: UTF8.self) } == messages)
        #expect(events.allSatisfy { $0.ingestionTime == 77 && $0.streamID == 9 })
        #expect(throws: (any Error).self) {
            try EventChunk.decode(
                Array(plain.dropLast()), header: .init(minTimestamp: 0, firstSequence: 0, ingestionTime: 0),
                streamID: 1, expectedCount: 4)
        }
    }

    /// A transformer's chunk (format 4) carries each event's transformed version right after its message, with
    /// whether the transformer failed on it; an event without one (nil) stays without, an empty one stays empty, and
    /// both encoders agree.
    @Test func transformedVersionsRoundTrip() throws {
        let header = EventChunk.Header(minTimestamp: 10, firstSequence: 5, ingestionTime: 99)
        let messages = ["a=1", "not parsed", "b=2"]
        let transformed: [EventChunk.Transformed?] = [
            .init(bytes: Array(#"{"a":"1"}"#.utf8), failed: false), nil,
            .init(bytes: Array(#"{"@transformationError":"x"}"#.utf8), failed: true),
        ]
        var buffer: [UInt8] = []
        var ends: [Int] = []
        for message in messages {
            buffer += Array(message.utf8)
            ends.append(buffer.count)
        }
        let batch = EventChunk.encode(
            timestamps: [10, 11, 12], messages: buffer, messageEnds: ends, header: header, transformed: transformed)
        #expect(batch.first == EventChunk.transformedFormat)
        let read = try EventChunk.decode(batch, header: header, streamID: 1, expectedCount: 3)
        #expect(read.map { String(decoding: $0.message, as: UTF8.self) } == messages)
        #expect(read.map { $0.transformed.map(Array.init) } == transformed.map { $0.map { Array($0.bytes) } })
        #expect(read.map(\.transformationFailed) == [false, false, true])
        let merged = try EventChunk.decode(
            EventChunk.encode(read, header: header), header: header, streamID: 1, expectedCount: 3)
        #expect(merged.map { $0.transformed.map(Array.init) } == transformed.map { $0.map { Array($0.bytes) } })
        #expect(merged.map(\.transformationFailed) == [false, false, true])
        #expect(throws: EventChunk.Corrupt.self) {
            try EventChunk.decode(Array(batch.dropLast()), header: header, streamID: 1, expectedCount: 3)
        }
        // Without transformed versions, a merge writes format 2 as before.
        #expect(EventChunk.encode(read.map { $0.withoutTransformed() }, header: header).first == EventChunk.format)
        // Each version follows its message.
        let tail = messages.indices.flatMap {
            Array(messages[$0].utf8) + (transformed[$0].map { Array($0.bytes) } ?? [])
        }
        #expect(Array(batch.suffix(tail.count)) == tail)
    }

    /// Chunks written before 2026-12-06 (format 3) keep the transformed lengths and versions after all the messages;
    /// they still read, and a merge rewrites them as format 4.
    @Test func formatThreeChunksStillRead() throws {
        let header = EventChunk.Header(minTimestamp: 10, firstSequence: 5, ingestionTime: 99)
        let messages = ["a=1", "not parsed", "b=2"]
        let versions: [(String, Bool)?] = [(#"{"a":"1"}"#, false), nil, (#"{"@transformationError":"x"}"#, true)]
        // format · count · timestamp deltas · sequence deltas · ingestion deltas · lengths · messages
        var plain: [UInt8] = [EventChunk.transformedAfterMessagesFormat, 3, 0, 2, 2, 0, 0, 0, 0, 0, 0]
        plain += messages.map { UInt8($0.utf8.count) }
        plain += messages.flatMap { Array($0.utf8) }
        // transformed lengths ((length << 1 | failed) + 1, 0 for none) · versions
        plain += versions.map { $0.map { UInt8(($0.0.utf8.count << 1 | ($0.1 ? 1 : 0)) + 1) } ?? 0 }
        plain += versions.flatMap { $0.map { Array($0.0.utf8) } ?? [] }
        let read = try EventChunk.decode(plain, header: header, streamID: 1, expectedCount: 3)
        #expect(read.map(\.timestamp) == [10, 11, 12] && read.map(\.sequence) == [5, 6, 7])
        #expect(read.map { String(decoding: $0.message, as: UTF8.self) } == messages)
        #expect(read.map { $0.transformed.map { String(decoding: $0, as: UTF8.self) } } == versions.map { $0?.0 })
        #expect(read.map(\.transformationFailed) == [false, false, true])
        let merged = EventChunk.encode(read, header: header)
        #expect(merged.first == EventChunk.transformedFormat)
        let reread = try EventChunk.decode(merged, header: header, streamID: 1, expectedCount: 3)
        #expect(reread.map { $0.transformed.map(Array.init) } == read.map { $0.transformed.map(Array.init) })
        #expect(throws: EventChunk.Corrupt.self) {
            try EventChunk.decode(Array(plain.dropLast()), header: header, streamID: 1, expectedCount: 3)
        }
    }

    /// Found by FuzzChunk: differences between extreme values overflowed and trapped the encoders; they wrap
    /// now, as the decoder's sums do, so that every `Int64` value round-trips.
    @Test func extremeValuesRoundTrip() throws {
        let header = EventChunk.Header(minTimestamp: .max, firstSequence: .min, ingestionTime: 0)
        let events = [
            LogEvent(timestamp: .min, streamID: 3, sequence: .max, ingestionTime: .min, message: Array("x".utf8)[...]),
            LogEvent(timestamp: .max, streamID: 3, sequence: .min, ingestionTime: .max, message: [][...]),
        ]
        let merged = try EventChunk.decode(
            EventChunk.encode(events, header: header), header: header, streamID: 3, expectedCount: 2)
        #expect(merged.map(\.key) == events.map(\.key))
        #expect(merged.map(\.ingestionTime) == [.min, .max])
        let batch = EventChunk.encode(timestamps: [.min, .max], messages: [], messageEnds: [0, 0], header: header)
        let read = try EventChunk.decode(batch, header: header, streamID: 3, expectedCount: 2)
        #expect(read.map(\.timestamp) == [.min, .max] && read.map(\.sequence) == [.min, .min + 1])
    }

    /// Found by FuzzChunk: a corrupt payload's event count beyond `Int.max` trapped in the conversion to `Int`;
    /// it is refused as corrupt, like any count larger than the payload.
    @Test func corruptEventCountIsRefused() {
        let header = EventChunk.Header(minTimestamp: 0, firstSequence: 0, ingestionTime: 0)
        for count: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], [0x80, 0x01]] {
            #expect(throws: EventChunk.Corrupt.self) {
                try EventChunk.decode([EventChunk.format] + count, header: header, streamID: 1, expectedCount: 1)
            }
        }
    }

    @Test func zigzagCoversTheRange() {
        for value: Int64 in [0, 1, -1, .max, .min, 1_795_625_676_000] {
            #expect(EventChunk.unzigzag(EventChunk.zigzag(value)) == value)
        }
    }

    @Test func streamTokensRoundTrip() throws {
        let key = EventKey(timestamp: 1_795_625_676_001, streamID: 3, sequence: 12)
        let token = StreamToken.make("f", key)
        #expect(token.hasPrefix("f/") && token.count == 40)
        let read = try StreamToken.read(token, stream: 3)
        #expect(read.forward && read.key == key)
        let boundary = EventKey(timestamp: -1, streamID: 3, sequence: .max)
        #expect(try StreamToken.read(StreamToken.make("b", boundary), stream: 3).key == boundary)
        #expect(throws: AWSError.invalidNextToken) { try StreamToken.read("x/123", stream: 3) }
    }

    @Test func filterPatternErrorsAreInvalidParameter() throws {
        #expect(try FilterPattern.parsing(nil).matches(Array("anything".utf8)[...]))
        #expect(throws: AWSError.invalidParameter("Invalid filter pattern")) { try FilterPattern.parsing(#""open"#) }
        #expect(throws: AWSError.invalidParameter("Invalid character(s) in term ':'")) {
            try FilterPattern.parsing("ERROR:")
        }
    }
}
