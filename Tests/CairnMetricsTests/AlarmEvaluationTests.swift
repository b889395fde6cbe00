import Testing

@testable import CairnMetrics

/// AWS's documented examples ("Configuring how CloudWatch alarms treat missing data"): a range of 5 points for 3
/// evaluation periods, oldest first (`0` fine, `X` breaching, `-` missing), and the state under each
/// TreatMissingData; `CUR` keeps the current state.
@Suite struct AlarmEvaluationTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let datapointsToAlarm: Int
        let points: String
        /// MISSING, IGNORE, BREACHING, NOT BREACHING.
        let states: [String]
        var testDescription: String { "\(name) M=\(datapointsToAlarm) \(points)" }
    }

    static let rows: [Row] = [
        // N = 3, M = 3.
        Row(name: "A1", datapointsToAlarm: 3, points: "0-X-X", states: ["OK", "OK", "OK", "OK"]),
        Row(name: "A2", datapointsToAlarm: 3, points: "0----", states: ["OK", "OK", "OK", "OK"]),
        Row(name: "A3", datapointsToAlarm: 3, points: "-----", states: ["INSUFFICIENT_DATA", "CUR", "ALARM", "OK"]),
        Row(name: "A4", datapointsToAlarm: 3, points: "0XX-X", states: ["ALARM", "ALARM", "ALARM", "ALARM"]),
        Row(name: "A5", datapointsToAlarm: 3, points: "--X--", states: ["ALARM", "CUR", "ALARM", "OK"]),
        // N = 3, M = 2.
        Row(name: "B1", datapointsToAlarm: 2, points: "0-X-X", states: ["ALARM", "ALARM", "ALARM", "ALARM"]),
        Row(name: "B2", datapointsToAlarm: 2, points: "00X0X", states: ["ALARM", "ALARM", "ALARM", "ALARM"]),
        Row(name: "B3", datapointsToAlarm: 2, points: "0-X--", states: ["OK", "OK", "ALARM", "OK"]),
        Row(name: "B4", datapointsToAlarm: 2, points: "----0", states: ["OK", "OK", "ALARM", "OK"]),
        Row(name: "B5", datapointsToAlarm: 2, points: "---X-", states: ["ALARM", "CUR", "ALARM", "OK"]),
        // Rows of earlier revisions of the same page.
        Row(name: "O1", datapointsToAlarm: 3, points: "----X", states: ["INSUFFICIENT_DATA", "CUR", "ALARM", "OK"]),
        Row(name: "O2", datapointsToAlarm: 3, points: "X----", states: ["ALARM", "CUR", "ALARM", "OK"]),
        Row(name: "O3", datapointsToAlarm: 2, points: "----X", states: ["INSUFFICIENT_DATA", "CUR", "ALARM", "OK"]),
    ]

    static func points(_ text: String) -> [Bool?] {
        text.map { $0 == "-" ? nil : $0 == "X" }
    }

    @Test(arguments: rows)
    func documentedExamples(_ row: Row) {
        let treatments: [TreatMissingData] = [.missing, .ignore, .breaching, .notBreaching]
        for (treatment, expected) in zip(treatments, row.states) {
            let evaluation = AlarmEvaluation(
                evaluationPeriods: 3, datapointsToAlarm: row.datapointsToAlarm, treatMissingData: treatment)
            #expect(evaluation.rangeSize == 5)
            for current in AlarmState.allCases {
                let state = evaluation.outcome(Self.points(row.points), current: current).state
                #expect(
                    state == (expected == "CUR" ? current : AlarmState(rawValue: expected)),
                    "\(row.name) \(treatment) from \(current)")
            }
        }
    }

    @Test func theNewestNRealPointsDecideAndNameThemselves() {
        let evaluation = AlarmEvaluation(evaluationPeriods: 5, datapointsToAlarm: 3)
        // Oldest first: the breaching points at 3, 5 and 6 alarm; the old breaching point at 0 is out of the window.
        let outcome = evaluation.outcome([true, false, false, true, false, true, true], current: .ok)
        #expect(outcome == AlarmEvaluation.Outcome(state: .alarm, deciding: [3, 5, 6], filled: 0))
        let fine = evaluation.outcome([true, true, false, false, true, false, false], current: .alarm)
        #expect(fine == AlarmEvaluation.Outcome(state: .ok, deciding: [2, 3, 5, 6], filled: 0))
        #expect(AlarmEvaluation(evaluationPeriods: 1).rangeSize == 3)
        #expect(AlarmEvaluation(evaluationPeriods: 9).rangeSize == 12)
    }

    @Test func filledPointsAreCountedForTheReason() {
        let evaluation = AlarmEvaluation(evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: .breaching)
        #expect(
            evaluation.outcome([nil, nil, nil, nil, false], current: .ok)
                == AlarmEvaluation.Outcome(state: .alarm, deciding: [], filled: 2))
    }

    @Test func comparisons() {
        #expect(ComparisonOperator.greaterThanThreshold.breaches(5, 3))
        #expect(!ComparisonOperator.greaterThanThreshold.breaches(3, 3))
        #expect(ComparisonOperator.greaterThanOrEqualToThreshold.breaches(3, 3))
        #expect(ComparisonOperator.lessThanThreshold.breaches(2, 3))
        #expect(ComparisonOperator.lessThanOrEqualToThreshold.breaches(3, 3))
        #expect(!ComparisonOperator.lessThanOrEqualToThreshold.breaches(3.5, 3))
    }
}
