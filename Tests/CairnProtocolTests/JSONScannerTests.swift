import CairnProtocol
import Testing

/// The scanner's integer reader, behind PutLogEvents' timestamps and every `long` member it reads.
@Suite struct JSONScannerTests {
    static func readInt64(_ text: String) throws(AWSError) -> Int64 {
        var scanner = JSONScanner(Array(text.utf8))
        return try scanner.readInt64()
    }

    /// Int64.min used to be refused as out of range: its magnitude was accumulated as a positive Int64.
    @Test(arguments: [0, 1, -1, .max, .min, .min + 1, 1_700_000_000_000] as [Int64])
    func readsEveryInt64(value: Int64) throws {
        #expect(try Self.readInt64(String(value)) == value)
        #expect(try Self.readInt64(" \(value),") == value)
    }

    @Test func negativeZeroIsZero() throws {
        #expect(try Self.readInt64("-0") == 0)
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "18446744073709551616", "-99999999999999999999"])
    func integersBeyondSixtyFourBitsAreRefused(text: String) {
        #expect(throws: AWSError.serialization("A number in the request is out of range.")) {
            try Self.readInt64(text)
        }
    }

    @Test(arguments: ["01", "-", "", "-a", "+1"])
    func malformedIntegersAreRefused(text: String) {
        #expect(throws: AWSError.serialization("The request body is not valid JSON.")) { try Self.readInt64(text) }
    }

    @Test(arguments: ["1.5", "1e3", "-2E1"])
    func fractionsAndExponentsAreRefused(text: String) {
        #expect(throws: AWSError.serialization("Expected an integer in the request.")) { try Self.readInt64(text) }
    }
}
