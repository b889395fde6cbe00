import CairnProtocol
public import CairnStore
import Foundation
import PostgresNIO

/// Whether a composite alarm's actions run when it enters a state ("Suppressing composite alarm actions"): not
/// while its suppressor is in ALARM (`Alarm`) or within the ExtensionPeriod after the suppressor left ALARM
/// (`ExtensionPeriod`); on entering ALARM, only after the WaitPeriod, and then only if the suppressor has not
/// gone to ALARM meanwhile (`WaitPeriod`: the actions' jobs are delayed and look again when due).
struct AlarmSuppression {
    var suppressedBy: String?
    var suppressesNow: Bool
    var delayMilliseconds: Int64
    /// The suppressor a delayed job looks at when it is due.
    var suppressorToCheck: String?

    static let none = AlarmSuppression(suppressedBy: nil, suppressesNow: false, delayMilliseconds: 0)

    init(suppressedBy: String?, suppressesNow: Bool, delayMilliseconds: Int64, suppressorToCheck: String? = nil) {
        self.suppressedBy = suppressedBy
        self.suppressesNow = suppressesNow
        self.delayMilliseconds = delayMilliseconds
        self.suppressorToCheck = suppressorToCheck
    }

    var reason: String? { suppressedBy.map { "Actions suppressed by \($0)" } }

    static func decide(
        _ alarm: CompositeAlarm, _ caller: Caller, entering state: AlarmState, at now: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> AlarmSuppression {
        guard let suppressor = alarm.actionsSuppressor else { return .none }
        let rows = try await connection.query(
            """
            SELECT state_value FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(suppressor)
            """, logger: logger)
        var suppressorState: String?
        for try await value in rows.decode(String.self) { suppressorState = value }
        guard let suppressorState else { return .none }
        if suppressorState == AlarmState.alarm.rawValue {
            return AlarmSuppression(suppressedBy: "Alarm", suppressesNow: true, delayMilliseconds: 0)
        }
        let extensionMilliseconds = Int64(alarm.actionsSuppressorExtensionPeriod ?? 0) * 1000
        if extensionMilliseconds > 0 {
            let left = try await connection.query(
                """
                SELECT 1 FROM alarm_history
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(suppressor)
                  AND item_type = 'StateUpdate' AND summary LIKE 'Alarm updated from ALARM to %'
                  AND recorded_at > \(now - extensionMilliseconds)
                LIMIT 1
                """, logger: logger)
            for try await _ in left.decode(Int.self) {
                return AlarmSuppression(suppressedBy: "ExtensionPeriod", suppressesNow: true, delayMilliseconds: 0)
            }
        }
        let wait = Int64(alarm.actionsSuppressorWaitPeriod ?? 0) * 1000
        if state == .alarm, wait > 0 {
            return AlarmSuppression(
                suppressedBy: "WaitPeriod", suppressesNow: false, delayMilliseconds: wait, suppressorToCheck: suppressor
            )
        }
        return .none
    }

    /// Shows the decision on the composite (DescribeAlarms' `ActionsSuppressedBy` and `ActionsSuppressedReason`).
    func record(_ caller: Caller, _ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE metric_alarms SET actions_suppressed_by = \(suppressedBy), actions_suppressed_reason = \(reason)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name)
            """, logger: logger)
    }
}

extension AlarmActions {
    /// Whether a composite's action delayed by its WaitPeriod is still to run now: the composite is still in the
    /// state the action was for and its suppressor has not gone to ALARM. Records the outcome on the composite.
    public static func stillDue(_ job: Job, database: Database) async throws -> Bool {
        guard let suppressor = job.suppressor, let state = job.state else { return true }
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT alarm_name, state_value, state_transitioned_at FROM metric_alarms
                WHERE account_id = \(job.account) AND region = \(job.region)
                  AND alarm_name IN (\(job.alarmName), \(suppressor))
                """, logger: database.logger)
            var states: [String: String] = [:]
            var transitioned: Int64?
            for try await (name, value, at) in rows.decode((String, String, Int64).self) {
                states[name] = value
                if name == job.alarmName { transitioned = at }
            }
            // The composite must still be in the state this job was for, entered at the same transition.
            guard states[job.alarmName] == state, job.transitionedAt == nil || transitioned == job.transitionedAt
            else { return false }
            let caller = Caller(accountID: job.account, region: job.region, accessKeyID: "", role: .admin)
            let suppressed = states[suppressor] == AlarmState.alarm.rawValue
            let outcome = AlarmSuppression(
                suppressedBy: suppressed ? "Alarm" : nil, suppressesNow: suppressed, delayMilliseconds: 0)
            try await outcome.record(caller, job.alarmName, on: connection, logger: database.logger)
            return !suppressed
        }
    }
}
