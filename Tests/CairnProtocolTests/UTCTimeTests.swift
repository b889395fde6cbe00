import CairnCalendar
import CairnProtocol
import Foundation
import Testing

/// The one UTC time formatter every timestamp text is made from, checked against Foundation's formatter on
/// instants from 1900 to 2200, before 1970 included (floored, not truncated, milliseconds).
@Suite struct UTCTimeTests {
    static let foundation: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        return formatter
    }()

    @Test func fieldsMatchFoundationsCalendar() {
        var generator = SystemRandomNumberGenerator()
        let instants: [Int64] =
            [0, -1, -999, -1000, -1001, 86_399_999, -86_400_000, 1_796_382_671_123, 951_782_400_000]
            + (0..<2000).map { _ in Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator) }
        for milliseconds in instants {
            let time = UTCTime(milliseconds: milliseconds)
            let expected = Self.foundation.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(
                "\(time.dateText)T\(time.clockText).\(UTCTime.padded(time.millisecond, 3))" == expected,
                "\(milliseconds)")
        }
    }

    @Test func formatsAreBuiltFromIt() {
        #expect(SignedRequest.format(Date(timeIntervalSince1970: 1_369_353_600)) == "20130524T000000Z")
        #expect(ISO8601Timestamp.format(1_796_382_671.123) == "2026-12-04T11:11:11.123Z")
        #expect(ISO8601Timestamp.format(-0.5, milliseconds: false) == "1969-12-31T23:59:59Z")
        #expect(UTCTime.padded(42, 5) == "00042")
        #expect(UTCTime.padded(123_456, 3) == "123456")
    }
}
