import CairnProtocol
import CairnQueue
import Foundation
import PostgresNIO

/// An alarm's change of state, written with its history item (and its actions' jobs) in the caller's transaction.
enum AlarmTransition {
    /// Sets the state of `name` (locked for the transaction), records the change, wakes the composite alarms that
    /// read it (`AlarmEvaluator` makes them due in its next round) and, when the alarm's actions are enabled (and not suppressed), starts the new state's
    /// actions; returns the old state, or nil when there is no such alarm. A state equal to the current one
    /// changes nothing.
    static func set(
        _ caller: Caller, _ name: String, to state: AlarmState, reason: String, reasonData: String?, at now: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> AlarmState? {
        let rows = try await connection.query(
            """
            SELECT state_value, state_reason, state_reason_data, state_updated_at, config::text, actions_enabled,
                configuration_updated_at, alarm_type
            FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name) FOR UPDATE
            """, logger: logger)
        var found: (String, String, String?, Int64, String, Bool, Int64, String)?
        for try await row in rows.decode((String, String, String?, Int64, String, Bool, Int64, String).self) {
            found = row
        }
        guard let (oldText, oldReason, oldData, oldTime, config, actionsEnabled, configured, type) = found,
            let old = AlarmState(rawValue: oldText)
        else { return nil }
        guard old != state else { return old }
        try await connection.query(
            """
            UPDATE metric_alarms SET state_value = \(state.rawValue), state_reason = \(reason),
                state_reason_data = \(reasonData), state_updated_at = \(now), state_transitioned_at = \(now)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name)
            """, logger: logger)
        let dataObject = reasonData.flatMap { $0.isEmpty ? nil : $0 }.map { #","stateReasonData":\#($0)"# } ?? ""
        let data =
            #"{"version":"1.0","oldState":{"stateValue":"\#(old.rawValue)","stateReason":\#(AlarmReason.jsonString(oldReason))},"#
            + #""newState":{"stateValue":"\#(state.rawValue)","stateReason":\#(AlarmReason.jsonString(reason))\#(dataObject)}}"#
        try await MetricsService.recordHistory(
            caller, name, type: "StateUpdate", summary: "Alarm updated from \(old.rawValue) to \(state.rawValue)",
            data: data, at: now, alarmType: type, on: connection, logger: logger)
        // The composites that read this alarm are evaluated in the evaluator's next round.
        // The composites that read this alarm are woken, not updated here: their rows may be locked by another
        // evaluator whose batch waits on a row this one holds.
        try await connection.query(
            """
            INSERT INTO alarm_wakeups (account_id, region, alarm_name)
            SELECT account_id, region, parent FROM alarm_children
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND child = \(name)
            """, logger: logger)
        let current = AlarmActions.State(value: state, reason: reason, reasonData: reasonData, time: now)
        let previous = AlarmActions.State(value: old, reason: oldReason, reasonData: oldData, time: oldTime)
        let arn = MetricsService.alarmARN(caller, name)
        let jobs: [String]
        var delay: Int64 = 0
        if type == "CompositeAlarm" {
            guard let alarm = try? JSONDecoder().decode(CompositeAlarm.self, from: Data(config.utf8)) else {
                return old
            }
            let suppression = try await AlarmSuppression.decide(
                alarm, caller, entering: state, at: now, on: connection, logger: logger)
            try await suppression.record(caller, name, on: connection, logger: logger)
            guard actionsEnabled, !suppression.suppressesNow else { return old }
            delay = suppression.delayMilliseconds
            jobs = try await actionJobs(
                alarm.actions(for: state), caller, name, type: type, current: current, suppression: suppression,
                on: connection, logger: logger,
                lambda: {
                    AlarmActions.lambdaEvent(
                        composite: alarm, arn: arn, account: caller.accountID, region: caller.region, state: current,
                        previous: previous)
                },
                topic: {
                    // Its notification names the children that were in the new state.
                    let triggering = try await triggeringChildren(
                        alarm, caller, state: current.value, on: connection, logger: logger)
                    return AlarmActions.topicMessage(
                        composite: alarm, arn: arn, account: caller.accountID, region: caller.region, state: current,
                        previous: previous, triggering: triggering)
                })
        } else {
            guard actionsEnabled, let alarm = try? JSONDecoder().decode(MetricAlarm.self, from: Data(config.utf8))
            else {
                return old
            }
            jobs = try await actionJobs(
                alarm.actions(for: state), caller, name, type: type, current: current, suppression: nil,
                on: connection, logger: logger,
                lambda: {
                    AlarmActions.lambdaEvent(
                        alarm, arn: arn, account: caller.accountID, region: caller.region, state: current,
                        previous: previous)
                },
                topic: {
                    AlarmActions.topicMessage(
                        alarm, arn: arn, account: caller.accountID, region: caller.region, state: current,
                        previous: previous, configuredAt: configured)
                })
        }
        try await JobQueue.enqueue(
            AlarmActions.queue, payloads: jobs, tenant: caller.accountID, policy: AlarmActions.policy,
            delayMilliseconds: delay, on: connection, logger: logger)
        return old
    }

    /// The jobs of a transition's actions: a function gets the Lambda event, a topic the notification (each made
    /// at most once, however many actions need it); other actions are recorded as failed. A composite's jobs
    /// carry what a WaitPeriod needs to look again when they are due.
    private static func actionJobs(
        _ actions: [String], _ caller: Caller, _ name: String, type: String, current: AlarmActions.State,
        suppression: AlarmSuppression?, on connection: PostgresConnection, logger: Logger,
        lambda: () -> String, topic: () async throws -> String
    ) async throws -> [String] {
        var lambdaEvent: String?
        var topicMessage: String?
        var jobs: [String] = []
        for action in actions {
            var job: AlarmActions.Job
            if AlarmActions.isFunction(action) {
                let event = lambdaEvent ?? lambda()
                lambdaEvent = event
                job = AlarmActions.Job(
                    account: caller.accountID, region: caller.region, alarmName: name, action: action, event: event,
                    subject: nil)
            } else if AlarmActions.isTopic(action) {
                let message: String
                if let topicMessage { message = topicMessage } else { message = try await topic() }
                topicMessage = message
                job = AlarmActions.Job(
                    account: caller.accountID, region: caller.region, alarmName: name, action: action, event: message,
                    subject: AlarmActions.topicSubject(name, state: current.value, region: caller.region))
            } else {
                try await unservedAction(
                    action, caller, name, type: type, at: current.time, on: connection, logger: logger)
                continue
            }
            if let suppression {
                job.suppressor = suppression.suppressorToCheck
                job.state = current.value.rawValue
                job.transitionedAt = current.time
            }
            jobs.append(String(decoding: try JSONEncoder().encode(job), as: UTF8.self))
        }
        return jobs
    }

    /// The children in `state` (as the notification's `TriggeringChildren` names them).
    static func triggeringChildren(
        _ alarm: CompositeAlarm, _ caller: Caller, state: AlarmState, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(arn: String, transitionedAt: Int64)] {
        guard let rule = try? alarm.rule(caller) else { return [] }
        let rows = try await connection.query(
            """
            SELECT alarm_name, state_transitioned_at FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = ANY(\(rule.children))
              AND state_value = \(state.rawValue)
            ORDER BY alarm_name
            """, logger: logger)
        var children: [(String, Int64)] = []
        for try await (name, at) in rows.decode((String, Int64).self) {
            children.append((MetricsService.alarmARN(caller, name), at))
        }
        return children
    }

    private static func unservedAction(
        _ action: String, _ caller: Caller, _ name: String, type: String, at now: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await MetricsService.recordHistory(
            caller, name, type: "Action",
            summary: "Failed to execute action \(action). Reason: Cairn does not serve this kind of action",
            data: #"{"actionState":"Failed","notificationResource":\#(AlarmReason.jsonString(action))}"#,
            at: now, alarmType: type, on: connection, logger: logger)
    }
}
