import CairnCalendar

/// Converts the HTTPDATE form of access logs (`03/Aug/2023:12:34:56 +0000`) to ISO 8601 UTC
/// (`2023-08-03T12:34:56Z`), the form AWS's APACHE_ACCESS_LOG and NGINX_ACCESS_LOG examples output.
enum GrokHTTPDate {
    private static let monthPrefixes = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    private static let secondsPerDay: Int64 = 86_400

    /// The UTC timestamp, or nil when `text` is not a plain `dd/Mon/yyyy:HH:mm:ss ±hhmm` date (then the caller
    /// keeps the text as it is).
    static func iso8601UTC(_ text: Substring) -> String? {
        let halves = text.split(separator: " ")
        guard halves.count == 2, let offset = offsetSeconds(halves[1]) else { return nil }
        let clock = halves[0].split(separator: ":")
        guard clock.count == 4, let hour = Int64(clock[1]), let minute = Int64(clock[2]), let second = Int64(clock[3])
        else { return nil }
        let date = clock[0].split(separator: "/")
        guard date.count == 3, let day = Int64(date[0]), var year = Int64(date[2]),
            let monthIndex = monthPrefixes.firstIndex(of: date[1].prefix(3).lowercased())
        else { return nil }
        if date[2].count == 2 { year += 2000 }
        let days = CivilCalendar.days(year: year, month: Int64(monthIndex + 1), day: day)
        let seconds = days * secondsPerDay + hour * 3600 + minute * 60 + second - offset
        let time = UTCTime(milliseconds: seconds * 1000)
        return "\(time.dateText)T\(time.clockText)Z"
    }

    /// `+0530` → 19800; `-09` → -32400.
    private static func offsetSeconds(_ zone: Substring) -> Int64? {
        guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
        let digits = zone.dropFirst()
        guard digits.count == 4 || digits.count <= 2, let value = Int64(digits) else { return nil }
        let minutes = digits.count == 4 ? value / 100 * 60 + value % 100 : value * 60
        return (sign == "-" ? -minutes : minutes) * 60
    }
}
