import Foundation
import Testing

@testable import CairnMetrics

/// State reasons as AWS words them: every expected text below is one AWS produced (quoted in public issues and
/// AWS's own examples), rebuilt here from the same data points.
@Suite struct AlarmReasonTests {
    /// Epoch milliseconds of a UTC time.
    static func at(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return Int64(formatter.date(from: text + "Z")!.timeIntervalSince1970 * 1000)
    }

    /// A range of one-minute periods ending at `last`, oldest first, with these values (nil: missing).
    static func range(endingAt last: String, _ values: [Double?]) -> [AlarmReason.Period] {
        values.enumerated().map { index, value in
            AlarmReason.Period(
                start: at(last) - Int64(values.count - 1 - index) * 60_000, value: value,
                sampleCount: value == nil ? nil : 1)
        }
    }

    static func reason(
        n: Int, m: Int?, treat: TreatMissingData = .missing, _ comparison: ComparisonOperator, _ threshold: Double,
        _ range: [AlarmReason.Period], current: AlarmState = .ok, statistic: String = "Sum", unit: String? = nil
    ) -> AlarmReason {
        let evaluation = AlarmEvaluation(evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: treat)
        let points = range.map { $0.value.map { comparison.breaches($0, threshold) } }
        let outcome = evaluation.outcome(points, current: current)
        return AlarmReason(
            outcome, of: evaluation, range: range,
            condition: AlarmReason.Condition(
                comparison: comparison, threshold: threshold, datapointsToAlarmGiven: m != nil, statistic: statistic,
                unit: unit, period: 60),
            now: at("2023-01-09T14:07:25") + 504)
    }

    @Test func mOutOfNReasons() {
        #expect(
            Self.reason(
                n: 1, m: 1, .greaterThanThreshold, 5, Self.range(endingAt: "2022-09-25T18:49:00", [nil, nil, 6])
            )
            .text
                == "Threshold Crossed: 1 out of the last 1 datapoints [6.0 (25/09/22 18:49:00)] was greater than the "
                + "threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).")
        #expect(
            Self.reason(
                n: 1, m: 1, .greaterThanThreshold, 0.059,
                Self.range(endingAt: "2022-10-18T20:13:00", [nil, nil, 0.05164275070031484]), current: .alarm
            ).text
                == "Threshold Crossed: 1 out of the last 1 datapoints [0.05164275070031484 (18/10/22 20:13:00)] was not "
                + "greater than the threshold (0.059) (minimum 1 datapoint for ALARM -> OK transition).")
        #expect(
            Self.reason(
                n: 3, m: 1, .greaterThanThreshold, 0,
                Self.range(endingAt: "2022-11-08T11:25:00", [nil, nil, 20000, 20000, 20000])
            ).text
                == "Threshold Crossed: 3 out of the last 3 datapoints [20000.0 (08/11/22 11:25:00), 20000.0 "
                + "(08/11/22 11:24:00), 20000.0 (08/11/22 11:23:00)] were greater than the threshold (0.0) (minimum 1 "
                + "datapoint for OK -> ALARM transition).")
        // 06:43 has no data point: it is not listed.
        #expect(
            Self.reason(
                n: 5, m: 3, .greaterThanThreshold, 0,
                Self.range(endingAt: "2021-12-21T06:45:00", [nil, nil, nil, 0, nil, 0, 0]), current: .alarm
            ).text
                == "Threshold Crossed: 3 out of the last 5 datapoints [0.0 (21/12/21 06:45:00), 0.0 (21/12/21 06:44:00), "
                + "0.0 (21/12/21 06:42:00)] were not greater than the threshold (0.0) (minimum 3 datapoints for ALARM -> "
                + "OK transition).")
        let twenty = [Double?](repeating: nil, count: 25) + [613]
        #expect(
            Self.reason(
                n: 20, m: 1, treat: .notBreaching, .greaterThanOrEqualToThreshold, 1,
                Self.range(endingAt: "2024-03-16T12:15:00", twenty)
            ).text
                == "Threshold Crossed: 1 out of the last 20 datapoints [613.0 (16/03/24 12:15:00)] was greater than or "
                + "equal to the threshold (1.0) and 19 missing datapoints were treated as [NonBreaching] (minimum 1 "
                + "datapoint for OK -> ALARM transition).")
    }

    @Test func reasonsOfAlarmsWithoutDatapointsToAlarm() {
        #expect(
            Self.reason(
                n: 1, m: nil, .greaterThanOrEqualToThreshold, 1,
                Self.range(endingAt: "2024-03-19T17:14:00", [nil, nil, 0]), current: .alarm
            ).text
                == "Threshold Crossed: 1 datapoint [0.0 (19/03/24 17:14:00)] was not greater than or equal to the threshold (1.0)."
        )
        let reason = Self.reason(
            n: 2, m: nil, .greaterThanThreshold, 42, Self.range(endingAt: "2023-01-09T14:02:00", [nil, nil, 1, 0]),
            current: .alarm, unit: "Count")
        #expect(
            reason.text
                == "Threshold Crossed: 2 datapoints [0.0 (09/01/23 14:02:00), 1.0 (09/01/23 14:01:00)] were not greater "
                + "than the threshold (42.0).")
        // AWS's StateReasonData for that transition, byte for byte.
        #expect(
            reason.data
                == #"{"version":"1.0","queryDate":"2023-01-09T14:07:25.504+0000","startDate":"2023-01-09T14:01:00.000+0000","#
                + #""unit":"Count","statistic":"Sum","period":60,"recentDatapoints":[1.0,0.0],"threshold":42.0,"#
                + #""evaluatedDatapoints":[{"timestamp":"2023-01-09T14:02:00.000+0000","sampleCount":1.0,"value":0.0}]}"#
        )
    }

    @Test func reasonsWhenEveryPointIsMissing() {
        let none: [Double?] = [nil, nil, nil]
        #expect(
            Self.reason(
                n: 1, m: nil, treat: .notBreaching, .greaterThanThreshold, 1,
                Self.range(endingAt: "2024-01-01T00:00:00", none)
            )
            .text
                == "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching]."
        )
        #expect(
            Self.reason(
                n: 3, m: nil, treat: .breaching, .greaterThanThreshold, 1,
                Self.range(endingAt: "2024-01-01T00:00:00", none + none)
            )
            .text
                == "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching]."
        )
        let unknown = Self.reason(
            n: 1, m: nil, .greaterThanThreshold, 1, Self.range(endingAt: "2021-10-14T14:49:00", none))
        #expect(unknown.text == "Insufficient Data: 1 datapoint was unknown.")
        #expect(unknown.data?.contains(#""recentDatapoints":[],"#) == true)
        #expect(
            unknown.data?.contains(#""evaluatedDatapoints":[{"timestamp":"2021-10-14T14:49:00.000+0000"}]"#) == true)
        #expect(AlarmReason.initial.text == "Unchecked: Initial alarm creation")
    }

    @Test func doublesAreWrittenAsJavaWritesThem() {
        for (value, text) in [
            (5.0, "5.0"), (0.0, "0.0"), (0.059, "0.059"), (0.19726775956284198, "0.19726775956284198"),
            (45628.0, "45628.0"), (1e7, "1.0E7"), (12_345_000.0, "1.2345E7"), (0.0001, "1.0E-4"), (-2.5, "-2.5"),
        ] {
            #expect(AlarmReason.javaDouble(value) == text, "\(value)")
        }
    }
}
