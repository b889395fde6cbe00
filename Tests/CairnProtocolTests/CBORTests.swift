import CairnProtocol
import Testing

/// RFC 8949 Appendix A examples, the Smithy shapes botocore sends, and hostile input.
@Suite struct CBORTests {
    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    static let decodingVectors: [(String, Document)] = [
        ("00", .integer(0)), ("17", .integer(23)), ("1818", .integer(24)), ("1903e8", .integer(1000)),
        ("1a000f4240", .integer(1_000_000)), ("1b000000e8d4a51000", .integer(1_000_000_000_000)),
        ("20", .integer(-1)), ("3863", .integer(-100)), ("3903e7", .integer(-1000)),
        ("f90000", .double(0)), ("f93c00", .double(1)), ("f93e00", .double(1.5)), ("f97bff", .double(65504)),
        ("fa47c35000", .double(100_000)), ("fb3ff199999999999a", .double(1.1)), ("f9c400", .double(-4)),
        ("f97c00", .double(.infinity)), ("f4", .boolean(false)), ("f5", .boolean(true)), ("f6", .null),
        ("c11a514b67b0", .timestamp(1_363_896_240)), ("c1fb41d452d9ec200000", .timestamp(1_363_896_240.5)),
        ("4401020304", .bytes([1, 2, 3, 4])), ("60", .string("")), ("6161", .string("a")),
        ("6449455446", .string("IETF")), ("62c3bc", .string("ü")), ("80", .list([])),
        ("83010203", .list([.integer(1), .integer(2), .integer(3)])),
        ("a26161016162820203", .map(["a": .integer(1), "b": .list([.integer(2), .integer(3)])])),
        ("5f42010243030405ff", .bytes([1, 2, 3, 4, 5])), ("7f657374726561646d696e67ff", .string("streaming")),
        ("9fff", .list([])),
        (
            "9f018202039f0405ffff",
            .list([.integer(1), .list([.integer(2), .integer(3)]), .list([.integer(4), .integer(5)])])
        ),
        ("bf61610161629f0203ffff", .map(["a": .integer(1), "b": .list([.integer(2), .integer(3)])])),
    ]

    @Test func decodesTheRFCExamples() throws {
        for (hex, expected) in Self.decodingVectors {
            #expect(try CBOR.decode(Self.bytes(hex)) == expected, "\(hex)")
        }
        #expect(try CBOR.decode(Self.bytes("f97e00")).double?.isNaN == true)
    }

    /// Truncated items, integer map keys, stray breaks, non-UTF-8 text, a timestamp that is not a number,
    /// out-of-range integers, lengths beyond the input, and nesting past the depth bound.
    @Test func refusesMalformedInput() {
        for hex in [
            "", "18", "a201020304", "5f4201ff00", "7f6161", "1c", "62c3", "ff", "830102", "9f01", "0000",
            "c16161", "1bffffffffffffffff", "5b0000000100000000",
        ] {
            #expect(throws: CBOR.DecodingError.self, "\(hex)") { try CBOR.decode(Self.bytes(hex)) }
        }
        let deep = [UInt8](repeating: 0x81, count: 1000) + [0x00]
        #expect(throws: CBOR.DecodingError.self) { try CBOR.decode(deep) }
    }

    @Test func roundTripsDocuments() throws {
        let document = Document.map([
            "Namespace": .string("App/Ünïcode"), "Period": .integer(60), "Negative": .integer(-1_000_000_000_000),
            "Value": .double(0.1), "When": .timestamp(1_796_150_000), "Flag": .boolean(true), "Nothing": .null,
            "List": .list([.map(["Name": .string("Host"), "Value": .string(String(repeating: "x", count: 300))])]),
            "Blob": .bytes(Array(0...255)),
        ])
        #expect(try CBOR.decode(CBOR.encode(document)) == document)
        #expect(CBOR.encode(.integer(1000)) == Self.bytes("1903e8"))
        #expect(CBOR.encode(.integer(-100)) == Self.bytes("3863"))
        #expect(CBOR.encode(.map(["a": .integer(1)])) == Self.bytes("a1616101"))
        #expect(CBOR.encode(.timestamp(1.5)) == Self.bytes("c1fb3ff8000000000000"))
    }

    @Test func jsonDocumentsKeepTheirTypes() throws {
        let document = try Document.fromJSON(Array(#"{"a": 1, "b": 1.5, "c": true, "d": [null, "x"], "e": 1e3}"#.utf8))
        #expect(
            document
                == .map([
                    "a": .integer(1), "b": .double(1.5), "c": .boolean(true), "d": .list([.null, .string("x")]),
                    "e": .double(1000),
                ]))
        #expect(String(decoding: document.json, as: UTF8.self) == #"{"a":1,"b":1.5,"c":true,"d":[null,"x"],"e":1000}"#)
        #expect(throws: AWSError.self) { try Document.fromJSON(Array("{".utf8)) }
    }

    /// Integers beyond 64 bits keep their sign and magnitude as doubles instead of wrapping (2^64 - 1 read as -1).
    @Test func jsonIntegersBeyondInt64AreDoubles() throws {
        let document = try Document.fromJSON(
            Array(#"[9223372036854775807, 9223372036854775808, 18446744073709551615, -9223372036854775809, 1e19]"#.utf8)
        )
        #expect(
            document
                == .list([
                    .integer(.max), .double(0x1p63), .double(0x1p64), .double(-0x1p63), .double(1e19),
                ]))
        #expect(document.list?.dropFirst().allSatisfy { $0.integer == nil } == true)
    }
}
