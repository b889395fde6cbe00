/// An instant's UTC calendar fields, from epoch milliseconds (floored, so instants before 1970 work too), and the
/// zero-padded text every timestamp format here is made of.
public struct UTCTime: Sendable, Equatable {
    public let year: Int64
    public let month: Int64
    public let day: Int64
    public let hour: Int64
    public let minute: Int64
    public let second: Int64
    public let millisecond: Int64

    public init(milliseconds: Int64) {
        let remainder = ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        (year, month, day) = CivilCalendar.date(
            days: milliseconds / 86_400_000 - (milliseconds % 86_400_000 < 0 ? 1 : 0))
        hour = remainder / 3_600_000
        minute = remainder / 60_000 % 60
        second = remainder / 1000 % 60
        millisecond = remainder % 1000
    }

    /// `2026-12-04`.
    public var dateText: String { "\(Self.padded(year, 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2))" }

    /// `10:16:04`.
    public var clockText: String { "\(Self.padded(hour, 2)):\(Self.padded(minute, 2)):\(Self.padded(second, 2))" }

    /// `value` in decimal, with zeros before it up to `width` characters.
    public static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
