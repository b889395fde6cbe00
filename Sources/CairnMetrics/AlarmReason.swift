import Foundation

/// The `StateReason` text and `StateReasonData` JSON of a metric alarm's transition, in AWS's formats: the
/// deciding data points newest first as `value (dd/MM/yy HH:mm:ss)`, numbers as Java prints doubles (`5.0`),
/// times in UTC.
public struct AlarmReason: Sendable, Equatable {
    public let text: String
    /// JSON, or nil when AWS gives none (a new alarm).
    public let data: String?

    /// The reason of a new alarm, before its first evaluation.
    public static let initial = AlarmReason(text: "Unchecked: Initial alarm creation", data: nil)

    /// One period of the evaluation range: its start (epoch ms), and its statistic's value and sample count
    /// (nil when the period has no data).
    public struct Period: Sendable, Equatable {
        public let start: Int64
        public let value: Double?
        public let sampleCount: Double?

        public init(start: Int64, value: Double?, sampleCount: Double? = nil) {
            self.start = start
            self.value = value
            self.sampleCount = sampleCount
        }
    }

    /// What the alarm compares: for the reason's words and its data.
    public struct Condition: Sendable, Equatable {
        public let comparison: ComparisonOperator
        public let threshold: Double
        /// Whether `DatapointsToAlarm` was given (AWS words the reason of an alarm without it differently).
        public let datapointsToAlarmGiven: Bool
        public let statistic: String?
        public let unit: String?
        public let period: Int

        public init(
            comparison: ComparisonOperator, threshold: Double, datapointsToAlarmGiven: Bool, statistic: String?,
            unit: String?, period: Int
        ) {
            self.comparison = comparison
            self.threshold = threshold
            self.datapointsToAlarmGiven = datapointsToAlarmGiven
            self.statistic = statistic
            self.unit = unit
            self.period = period
        }
    }

    public init(text: String, data: String?) {
        self.text = text
        self.data = data
    }

    /// The reason for `outcome`, reached over `range` (oldest first) at `now` (epoch ms).
    public init(
        _ outcome: AlarmEvaluation.Outcome, of evaluation: AlarmEvaluation, range: [Period], condition: Condition,
        now: Int64
    ) {
        let n = evaluation.evaluationPeriods
        let real = range.filter { $0.value != nil }
        let considered = Array(real.suffix(n))
        text = Self.text(outcome, evaluation, range, condition)
        var data = #"{"version":"1.0","queryDate":"\#(Self.isoDate(now))""#
        if let first = considered.first { data += #","startDate":"\#(Self.isoDate(first.start))""# }
        if let unit = condition.unit { data += #","unit":\#(Self.jsonString(unit))"# }
        if let statistic = condition.statistic { data += #","statistic":\#(Self.jsonString(statistic))"# }
        data += #","period":\#(condition.period)"#
        data += #","recentDatapoints":[\#(considered.map { Self.javaDouble($0.value!) }.joined(separator: ","))]"#
        data += #","threshold":\#(Self.javaDouble(condition.threshold))"#
        // The newest real point; without any, the evaluated periods' starts, newest first.
        let evaluated: [String] =
            considered.last.map { point in
                var item = #"{"timestamp":"\#(Self.isoDate(point.start))""#
                if let count = point.sampleCount { item += #","sampleCount":\#(Self.javaDouble(count))"# }
                return item + #","value":\#(Self.javaDouble(point.value!))}"#
            }.map { [$0] } ?? range.suffix(n).reversed().map { #"{"timestamp":"\#(Self.isoDate($0.start))"}"# }
        data += #","evaluatedDatapoints":[\#(evaluated.joined(separator: ","))]}"#
        self.data = data
    }

    private static func text(
        _ outcome: AlarmEvaluation.Outcome, _ evaluation: AlarmEvaluation, _ range: [Period], _ condition: Condition
    ) -> String {
        let n = evaluation.evaluationPeriods
        let m = evaluation.datapointsToAlarm
        let treatedAs = evaluation.treatMissingData == .breaching ? "[Breaching]" : "[NonBreaching]"
        if !range.contains(where: { $0.value != nil }) {
            if outcome.state == .insufficientData || outcome.filled == 0 {
                return "Insufficient Data: \(n) \(n == 1 ? "datapoint was" : "datapoints were") unknown."
            }
            return "Threshold Crossed: no datapoints were received for \(n) \(n == 1 ? "period" : "periods") and "
                + "\(n) missing \(n == 1 ? "datapoint was" : "datapoints were") treated as \(treatedAs)."
        }
        // OK although no real point is fine (missing points filled as fine outweigh the breaching ones): the
        // breaching points are listed, and the minimum they fell short of.
        let shortOfAlarm = outcome.state == .ok && outcome.deciding.isEmpty
        let positions =
            shortOfAlarm
            ? range.indices.filter {
                range[$0].value.map { condition.comparison.breaches($0, condition.threshold) } ?? false
            }
            .suffix(n) : outcome.deciding
        let deciding = positions.reversed().map { range[$0] }
        let list = deciding.map { "\(javaDouble($0.value!)) (\(reasonDate($0.start)))" }.joined(separator: ", ")
        let k = deciding.count
        let alarming = outcome.state == .alarm || shortOfAlarm
        let verb = (k == 1 ? "was " : "were ") + (alarming ? "" : "not ")
        let compared = "\(verb)\(condition.comparison.words) the threshold (\(javaDouble(condition.threshold)))"
        let filled =
            outcome.filled > 0
            ? " and \(outcome.filled) missing \(outcome.filled == 1 ? "datapoint was" : "datapoints were") treated as "
                + treatedAs : ""
        guard condition.datapointsToAlarmGiven else {
            return "Threshold Crossed: \(k) \(k == 1 ? "datapoint" : "datapoints") [\(list)] \(compared)\(filled)."
        }
        let minimum = alarming ? m : n - m + 1
        let transition = alarming ? "OK -> ALARM" : "ALARM -> OK"
        return "Threshold Crossed: \(k) out of the last \(n) datapoints [\(list)] \(compared)\(filled) "
            + "(minimum \(minimum) \(minimum == 1 ? "datapoint" : "datapoints") for \(transition) transition)."
    }

    /// A double as Java's `Double.toString` prints it: `5.0`, `0.059`, `1.0E7`, `1.0E-4`.
    public static func javaDouble(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity") }
        let magnitude = abs(value)
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7) {
            let text = "\(value)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        // Scientific: the shortest digits that read back as `value`, as d.dddE±x.
        let exponent = Int(floor(log10(magnitude)))
        var digits = ""
        for precision in 1...17 {
            let candidate = String(format: "%.\(precision - 1)e", magnitude)
            if Double(candidate) == magnitude {
                digits = candidate
                break
            }
        }
        let mantissa = digits.split(separator: "e").first.map(String.init) ?? "1"
        let exponentOfDigits = digits.split(separator: "e").last.flatMap { Int($0) } ?? exponent
        return (value < 0 ? "-" : "") + (mantissa.contains(".") ? mantissa : mantissa + ".0") + "E\(exponentOfDigits)"
    }

    /// `Friday 04 August, 2023 12:54:46 UTC`, as composite alarms' reasons write a child's transition.
    static func longDate(_ milliseconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let parts = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return
            "\(weekdays[((parts.weekday ?? 1) - 1) % 7]) \(two(parts.day)) \(months[((parts.month ?? 1) - 1) % 12]), "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }

    static func reasonDate(_ milliseconds: Int64) -> String {
        format(milliseconds, "%02d/%02d/%02d %02d:%02d:%02d") {
            [$0.day, $0.month, ($0.year ?? 0) % 100, $0.hour, $0.minute, $0.second]
        }
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`, as AWS writes alarm times.
    public static func isoDate(_ milliseconds: Int64) -> String {
        format(milliseconds, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000") {
            [$0.year, $0.month, $0.day, $0.hour, $0.minute, $0.second, Int(((milliseconds % 1000) + 1000) % 1000)]
        }
    }

    private static func format(
        _ milliseconds: Int64, _ pattern: String, _ fields: (DateComponents) -> [Int?]
    ) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: pattern, arguments: fields(parts).map { $0 ?? 0 })
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
