import CairnProtocol
import Testing

/// `Document.fromJSON` holds JSON 1.0 bodies to RFC 8259's grammar and reads numbers as the standard library
/// does, correctly rounded.
@Suite struct DocumentJSONTests {
    static func read(_ text: String) throws(AWSError) -> Document { try Document.fromJSON(Array(text.utf8)) }

    @Test(arguments: ["", " ", "\n\t\r "])
    func emptyOrWhitespaceBodyIsAnEmptyObject(body: String) throws {
        #expect(try Self.read(body) == .map([:]))
    }

    /// A number beyond the double range has no value to hand on: refused, not read as infinity.
    @Test(arguments: ["1e400", "-1e400", "[1, 2e308]", #"{"a": 1\#(String(repeating: "0", count: 310))}"#])
    func numbersBeyondTheDoubleRangeAreRefused(body: String) {
        #expect(throws: AWSError.serialization("A number in the request is out of range.")) { try Self.read(body) }
    }

    /// RFC 8259 section 6: no leading zeros, no bare or trailing point, digits after an exponent, no plus sign.
    @Test(arguments: [
        "01", "-01", "00", "1.", "-1.e3", ".5", "-", "1e", "1e+", "+1", "0x10", "1.5.2", "--1", "Infinity", "NaN",
    ])
    func numbersOutsideJSONGrammarAreRefused(body: String) {
        #expect(throws: AWSError.serialization("The request body is not valid JSON.")) { try Self.read(body) }
    }

    @Test func negativeZero() throws {
        #expect(try Self.read("-0") == .integer(0))
        let double = try #require(try Self.read("-0.0").double)
        #expect(double == 0 && double.sign == .minus)
        #expect(try Self.read("[-0e0, 0E-0]") == .list([.double(-0.0), .double(0)]))
    }

    @Test func integersKeepAllSixtyFourBits() throws {
        #expect(
            try Self.read("[-9223372036854775808, 9223372036854775807]") == .list([.integer(.min), .integer(.max)]))
        #expect(try Self.read("9223372036854775808") == .double(0x1p63))
        #expect(try Self.read("-9223372036854775809") == .double(-0x1p63))
        #expect(try Self.read("100000000000000000000000") == .double(1e23))
    }

    /// The nearest double to each text, where a reader that is not correctly rounded can be an ulp off.
    @Test(arguments: [
        0.1, 1e23, 8.41e21, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.30000000000000004,
        123456.789e-3, 9_007_199_254_740_993, 4.9406564584124654e-324, 2.4703282292062328e-324,
    ])
    func doublesAreCorrectlyRounded(value: Double) throws {
        #expect(try Self.read("\(value)") == .double(value))
        #expect(try Self.read(#"{"v": \#(value)}"#)["v"] == .double(value))
    }

    @Test func decimalTextReadsAsTheNearestDouble() throws {
        #expect(try Self.read("9007199254740993.0") == .double(9_007_199_254_740_992))
        #expect(try Self.read("1e-400") == .double(0))
        #expect(try Self.read("2.4703282292062327e-324") == .double(0))
    }

    @Test(arguments: ["{} {}", "1 2", "[1]]", "{\"a\":1}x", "truex", "nul", "tru", "\"a\" \"b\""])
    func trailingOrTruncatedTextIsRefused(body: String) {
        #expect(throws: AWSError.self) { try Self.read(body) }
    }

    @Test func literalsAndStrings() throws {
        #expect(
            try Self.read(#" [true, false, null, "caf\u00e9 \ud83d\ude00", "\/\b\f\n\r\t"] "#)
                == .list([.boolean(true), .boolean(false), .null, .string("café 😀"), .string("/\u{8}\u{C}\n\r\t")]))
        #expect(throws: AWSError.self) { try Self.read(#""\ud83d""#) }
        #expect(throws: AWSError.self) { try Self.read("\"\u{1}\"") }
    }
}
