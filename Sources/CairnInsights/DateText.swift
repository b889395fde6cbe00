import CairnCalendar

/// Times as Logs Insights shows them: `2026-12-04 10:16:04.123`, UTC (GetQueryResults' `@timestamp`).
enum DateText {
    /// Formats epoch milliseconds.
    static func format(_ milliseconds: Int64) -> String {
        let time = UTCTime(milliseconds: milliseconds)
        return "\(time.dateText) \(time.clockText).\(UTCTime.padded(time.millisecond, 3))"
    }

    /// Reads `yyyy-MM-dd HH:mm:ss.SSS` (or with `T` and an optional `Z`, fraction optional) back into epoch ms.
    static func parse(_ text: String) -> Int64? {
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= digits.count else { return nil }
            var value: Int64 = 0
            for byte in digits[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard digits.count >= 19, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
            digits[10] == UInt8(ascii: " ") || digits[10] == UInt8(ascii: "T"), let year = number(0..<4),
            let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month),
            (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var millisecond: Int64 = 0
        var index = 19
        if index < digits.count, digits[index] == UInt8(ascii: ".") {
            var scale: Int64 = 100
            index += 1
            while index < digits.count, digits[index] >= 0x30, digits[index] <= 0x39 {
                millisecond += Int64(digits[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        if index < digits.count, digits[index] == UInt8(ascii: "Z") { index += 1 }
        guard index == digits.count else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }
}
