import Foundation
import Testing

@testable import CairnLogs

/// Export lines are `<ISO-8601 UTC timestamp with milliseconds> <message>`, as AWS writes them.
@Suite struct ExportObjectTests {
    func line(_ timestamp: Int64, _ message: String) -> String {
        var object = ExportObject(capacity: 64)
        object.append(timestamp: timestamp, message: Array(message.utf8)[...])
        return String(decoding: object.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_796_382_671_123, "2026-12-04T11:11:11.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (1_709_251_199_001, "2024-02-29T23:59:59.001Z"),
    ])
    func timestampsAreUTCWithMilliseconds(_ timestamp: Int64, _ text: String) {
        #expect(line(timestamp, "m") == text + " m\n")
    }

    /// Against Foundation's own formatter over a spread of instants (the fast path caches each second's text).
    @Test func timestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var object = ExportObject(capacity: 1 << 16)
        var expected = ""
        var timestamp: Int64 = 0
        for step in 0..<2000 {
            timestamp += Int64(step) * 7_919_357 + 999
            object.append(timestamp: timestamp, message: [][...])
            object.append(timestamp: timestamp + 1, message: [][...])
            for instant in [timestamp, timestamp + 1] {
                expected += formatter.string(from: Date(timeIntervalSince1970: Double(instant) / 1000)) + " \n"
            }
        }
        #expect(String(decoding: object.bytes, as: UTF8.self) == expected)
        #expect(object.events == 4000)
    }

    @Test func objectsAreNumberedWithSixDigits() {
        #expect(ExportObject.fileName(1) == "000001.gz")
        #expect(ExportObject.fileName(123_456) == "123456.gz")
        #expect(ExportObject.fileName(1_234_567) == "1234567.gz")
    }
}
