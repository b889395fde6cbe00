import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// Composite alarms: PutCompositeAlarm, and their evaluation when a child changes state. They share
/// `metric_alarms` (and so one namespace of names) with metric alarms.
extension MetricsService {
    /// "Any single alarm can be included in the rule expressions of as many as 150 composite alarms."
    static let compositesPerChild = 150

    func putCompositeAlarm(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let alarm = try CompositeAlarm(request, caller)
        let rule = try alarm.rule(caller)
        let actionsEnabled = try Self.actionsEnabled(request)
        let tags = try Self.tags(request)
        let config = String(decoding: try JSONEncoder().encode(alarm), as: UTF8.self)
        let now = WallClock.system.milliseconds
        try await database.transaction { connection in
            // Alarm names of one account are serialised here so that the children's checks hold.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('alarms:' || \(caller.accountID) || ':' || \(caller.region)))",
                logger: database.logger)
            let existing = try await connection.query(
                """
                SELECT alarm_name, alarm_type FROM metric_alarms
                WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                  AND alarm_name = ANY(\(rule.children + [alarm.alarmName]))
                """, logger: database.logger)
            var found: [String: String] = [:]
            for try await (name, type) in existing.decode((String, String).self) { found[name] = type }
            if found[alarm.alarmName] == "MetricAlarm" {
                throw AWSError.invalidParameterValue(
                    "The alarm \(alarm.alarmName) is a metric alarm; a composite alarm cannot replace it.")
            }
            let missing = rule.children.filter { found[$0] == nil && $0 != alarm.alarmName }
            if !missing.isEmpty { throw AWSError("ValidationError", AlarmRuleError.missingChildren(missing).message) }
            let crowded = try await connection.query(
                """
                SELECT child FROM alarm_children
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND child = ANY(\(rule.children))
                  AND parent <> \(alarm.alarmName)
                GROUP BY child HAVING count(*) >= \(Self.compositesPerChild)
                LIMIT 1
                """, logger: database.logger)
            for try await child in crowded.decode(String.self) {
                throw AWSError(
                    "LimitExceededFault",
                    "The alarm \(child) is already in the rules of \(Self.compositesPerChild) composite alarms.")
            }
            let rows = try await connection.query(
                """
                INSERT INTO metric_alarms (account_id, region, alarm_name, config, actions_enabled, state_value,
                    state_reason, state_updated_at, state_transitioned_at, configuration_updated_at, evaluate_at, tags,
                    alarm_type, children)
                VALUES (\(caller.accountID), \(caller.region), \(alarm.alarmName), \(config)::jsonb, \(actionsEnabled),
                    'INSUFFICIENT_DATA', \(AlarmReason.initial.text), \(now), \(now), \(now), \(now),
                    \(Self.tagsJSON(tags))::jsonb, 'CompositeAlarm', \(rule.children))
                ON CONFLICT (account_id, region, alarm_name) DO UPDATE SET config = EXCLUDED.config,
                    actions_enabled = EXCLUDED.actions_enabled, children = EXCLUDED.children,
                    configuration_updated_at = EXCLUDED.configuration_updated_at, evaluate_at = EXCLUDED.evaluate_at,
                    actions_suppressed_by = NULL, actions_suppressed_reason = NULL
                WHERE metric_alarms.alarm_type = 'CompositeAlarm'
                RETURNING (xmax = 0)
                """, logger: database.logger)
            var inserted: Bool?
            for try await row in rows.decode(Bool.self) { inserted = row }
            guard let created = inserted else {
                throw AWSError.invalidParameterValue(
                    "The alarm \(alarm.alarmName) is a metric alarm; a composite alarm cannot replace it.")
            }
            try await connection.query(
                """
                DELETE FROM alarm_children
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND parent = \(alarm.alarmName)
                """, logger: database.logger)
            try await connection.query(
                """
                INSERT INTO alarm_children (account_id, region, child, parent)
                SELECT \(caller.accountID), \(caller.region), child, \(alarm.alarmName)
                FROM unnest(\(rule.children)::text[]) AS child
                """, logger: database.logger)
            try await Self.recordConfiguration(
                caller, alarm.alarmName, config: config, created: created, at: now, alarmType: "CompositeAlarm",
                on: connection, logger: database.logger)
        }
        return nil
    }
}

/// Evaluates a composite alarm against its children's states: ALARM when the rule holds, OK otherwise. A
/// composite in a cycle of composites is not evaluated ("the evaluation of composite alarms stops if CloudWatch
/// detects a cycle").
enum CompositeEvaluation {
    static func evaluate(
        _ alarm: CompositeAlarm, of owner: Caller, current: AlarmState, now: Int64, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard let rule = try? alarm.rule(owner),
            !(try await inCycle(alarm.alarmName, owner, on: connection, logger: logger))
        else { return }
        let rows = try await connection.query(
            """
            SELECT alarm_name, state_value, state_transitioned_at FROM metric_alarms
            WHERE account_id = \(owner.accountID) AND region = \(owner.region) AND alarm_name = ANY(\(rule.children))
            """, logger: logger)
        var states: [String: (AlarmState, Int64)] = [:]
        for try await (name, value, at) in rows.decode((String, String, Int64).self) {
            if let state = AlarmState(rawValue: value) { states[name] = (state, at) }
        }
        let state: AlarmState = rule.evaluate { states[$0]?.0 } ? .alarm : .ok
        guard state != current else { return }
        // The reason names the child that changed last (AWS: "<child ARN> transitioned to ALARM at …").
        let reason: String
        let data: String
        if let (name, (childState, at)) = states.max(by: { $0.value.1 < $1.value.1 }) {
            let arn = MetricsService.alarmARN(owner, name)
            reason = "\(arn) transitioned to \(childState.rawValue) at \(AlarmReason.longDate(at))"
            data =
                #"{"triggeringAlarms":[{"arn":\#(AlarmReason.jsonString(arn)),"state":{"value":"\#(childState.rawValue)","timestamp":"\#(AlarmReason.isoDate(at))"}}]}"#
        } else {
            reason = "The alarm rule evaluated to \(state == .alarm ? "TRUE" : "FALSE")"
            data = #"{"triggeringAlarms":[]}"#
        }
        _ = try await AlarmTransition.set(
            owner, alarm.alarmName, to: state, reason: reason, reasonData: data, at: now, on: connection, logger: logger
        )
    }

    /// Whether `name` reaches itself through the rules of composite children.
    static func inCycle(
        _ name: String, _ owner: Caller, on connection: PostgresConnection, logger: Logger
    )
        async throws -> Bool
    {
        let rows = try await connection.query(
            """
            WITH RECURSIVE reach(alarm_name, depth) AS (
                SELECT unnest(children), 1 FROM metric_alarms
                WHERE account_id = \(owner.accountID) AND region = \(owner.region) AND alarm_name = \(name)
              UNION
                SELECT unnest(m.children), r.depth + 1 FROM reach r JOIN metric_alarms m
                  ON m.account_id = \(owner.accountID) AND m.region = \(owner.region) AND m.alarm_name = r.alarm_name
                WHERE m.alarm_type = 'CompositeAlarm' AND r.depth < 100
            )
            SELECT 1 FROM reach WHERE alarm_name = \(name) LIMIT 1
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
