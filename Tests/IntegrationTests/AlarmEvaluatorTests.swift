import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO
import Testing

@testable import CairnMetrics

/// The alarm evaluator over a real PostgreSQL: a metric that crosses the threshold takes the alarm to ALARM with
/// AWS's reason, no data (treated as not breaching) brings it back to OK, each transition is in the history, and
/// two evaluators running at once make one transition.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct AlarmEvaluatorTests {
    static let caller = Caller(accountID: "555566667777", region: "us-east-1", accessKeyID: "AKIA", role: .admin)
    /// One root key for the test's writes and its evaluator: the metrics key is sealed under it.
    static let rootKey = try! TestDatabase.rootKey()

    static func write(_ database: Database, _ value: Double, at seconds: Int64) async throws {
        var aggregator = MetricAggregator()
        let metric = MetricIdentity(namespace: "App", name: "Errors", dimensions: [])
        aggregator.withPoint(metric, timestamp: seconds, resolution: 60, unit: "Count") { $0.add(value) }
        let seal = try await MetricsKeyRing(database: database, rootKey: rootKey).seal(
            account: caller.accountID, region: caller.region)
        try await database.transaction { connection in
            try await MetricStore.record(
                aggregator.collected, seal: seal, now: seconds, on: connection, logger: database.logger)
        }
    }

    static func state(_ database: Database) async throws -> (String, String) {
        for try await row in try await database.query(
            "SELECT state_value, state_reason FROM metric_alarms WHERE alarm_name = 'errors'"
        ).decode((String, String).self) {
            return row
        }
        return ("", "")
    }

    static func transitions(_ database: Database) async throws -> [String] {
        var summaries: [String] = []
        for try await summary in try await database.query(
            "SELECT summary FROM alarm_history WHERE item_type = 'StateUpdate' ORDER BY history_id"
        ).decode(String.self) {
            summaries.append(summary)
        }
        return summaries
    }

    @Test func crossesToAlarmAndBackWithAWSReasons() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.query("INSERT INTO accounts (account_id, name) VALUES (\(Self.caller.accountID), 'a')")
            let minute = (WallClock.system.seconds / 60 + 1) * 60  // the next minute boundary, in seconds
            try await Self.write(database, 3, at: minute - 120)
            try await Self.write(database, 4, at: minute - 60)
            let alarm = Document.map([
                "AlarmName": .string("errors"), "MetricName": .string("Errors"), "Namespace": .string("App"),
                "Statistic": .string("Sum"), "Period": .integer(60), "EvaluationPeriods": .integer(2),
                "DatapointsToAlarm": .integer(2), "Threshold": .double(2),
                "ComparisonOperator": .string("GreaterThanThreshold"), "TreatMissingData": .string("notBreaching"),
            ])
            _ = try await MetricsService(database: database, rootKey: Self.rootKey).putMetricAlarm(alarm, Self.caller)
            let evaluator = AlarmEvaluator(database: database, rootKey: Self.rootKey, logger: TestDatabase.logger)

            // Two evaluators at once: the alarm is evaluated once, one transition.
            async let first = evaluator.evaluateDue(now: minute * 1000 + 5000)
            async let second = evaluator.evaluateDue(now: minute * 1000 + 5000)
            #expect(try await first + second == 1)
            let (value, reason) = try await Self.state(database)
            #expect(value == "ALARM")
            let date = AlarmReason.reasonDate((minute - 60) * 1000)
            let earlier = AlarmReason.reasonDate((minute - 120) * 1000)
            #expect(
                reason
                    == "Threshold Crossed: 2 out of the last 2 datapoints [4.0 (\(date)), 3.0 (\(earlier))] were greater "
                    + "than the threshold (2.0) (minimum 2 datapoints for OK -> ALARM transition).")
            #expect(try await Self.transitions(database) == ["Alarm updated from INSUFFICIENT_DATA to ALARM"])

            // Not due again within the minute.
            #expect(try await evaluator.evaluateDue(now: minute * 1000 + 30_000) == 0)
            // Three minutes later nothing came: the missing point counts as not breaching, one breaching point is
            // short of the two an alarm needs.
            #expect(try await evaluator.evaluateDue(now: (minute + 180) * 1000 + 5000) == 1)
            let (back, why) = try await Self.state(database)
            #expect(back == "OK")
            #expect(
                why
                    == "Threshold Crossed: 1 out of the last 2 datapoints [4.0 (\(date))] was greater than the threshold "
                    + "(2.0) and 1 missing datapoint was treated as [NonBreaching] (minimum 2 datapoints for OK -> ALARM "
                    + "transition).")
            #expect(
                try await Self.transitions(database) == [
                    "Alarm updated from INSUFFICIENT_DATA to ALARM", "Alarm updated from ALARM to OK",
                ])
            // History is kept 30 days: nothing goes now, everything 31 days on.
            #expect(try await evaluator.pruneHistory() == 0)
            #expect(try await evaluator.pruneHistory(now: (minute + 31 * 86_400) * 1000) == 3)
            #expect(try await Self.transitions(database) == [])
        }
    }
}
