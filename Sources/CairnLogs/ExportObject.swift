import CairnCalendar
import CairnProtocol

/// The text of one export object, as AWS writes it: a line `<ISO-8601 timestamp> <message>` per event, the
/// timestamp in UTC with milliseconds (`2026-12-04T10:11:12.345Z`). Gzipped when the object is cut.
struct ExportObject {
    private(set) var bytes: [UInt8] = []
    private(set) var events = 0
    /// `YYYY-MM-DDTHH:MM:SS.` of the last event's second: neighbouring events mostly share it.
    private var second: Int64 = .min
    private var secondText: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(timestamp: Int64, message: ArraySlice<UInt8>) {
        let (eventSecond, millis) = (max(0, timestamp) / 1000, max(0, timestamp) % 1000)
        if eventSecond != second {
            var text: [UInt8] = []
            Self.appendTimestamp(eventSecond * 1000, to: &text)
            secondText = Array(text.dropLast(4))
            second = eventSecond
        }
        bytes.append(contentsOf: secondText)
        Self.appendDigits(millis, count: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: message)
        bytes.append(UInt8(ascii: "\n"))
        events += 1
    }

    /// The lines so far; the object starts again, empty, in `buffer` (a finished object's, to reuse its memory).
    mutating func take(reusing buffer: [UInt8]?) -> [UInt8] {
        let taken = bytes
        bytes = buffer ?? []
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(taken.count + taken.count / 8)
        events = 0
        return taken
    }

    /// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (no calendar objects per event).
    static func appendTimestamp(_ milliseconds: Int64, to bytes: inout [UInt8]) {
        let time = UTCTime(milliseconds: milliseconds)
        appendDigits(time.year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(time.month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(time.day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(time.hour, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(time.minute, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(time.second, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(time.millisecond, count: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// At least `count` decimal digits, zero-padded (more when the value needs them); `value` is not negative.
    private static func appendDigits(_ value: Int64, count: Int, to bytes: inout [UInt8]) {
        var divisor: Int64 = 1
        var width = 1
        while width < count || value / divisor >= 10 {
            divisor *= 10
            width += 1
        }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `000001.gz`: the object's number, six digits as AWS names them.
    static func fileName(_ number: Int) -> String {
        var bytes: [UInt8] = []
        appendDigits(Int64(number), count: 6, to: &bytes)
        return String(decoding: bytes, as: UTF8.self) + ".gz"
    }
}
