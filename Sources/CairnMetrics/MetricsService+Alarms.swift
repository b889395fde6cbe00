import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

extension MetricsLimits {
    /// DescribeAlarms and DescribeAlarmHistory: `MaxRecords` 1–100 (50 and 100 by default); 100 names a call.
    public static let alarmRecords = 1...100
    public static let alarmNamesPerCall = 100
}

/// Metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState,
/// EnableAlarmActions, DisableAlarmActions and DescribeAlarmHistory. Configuration changes and their history
/// items are written in one transaction; `AlarmEvaluator` (worker processes) evaluates the alarms.
extension MetricsService {
    static let alarmColumns = """
        config::text, actions_enabled, state_value, state_reason, state_reason_data, state_updated_at,
        state_transitioned_at, configuration_updated_at, alarm_type, actions_suppressed_by, actions_suppressed_reason
        """

    static func alarmARN(_ caller: Caller, _ name: String) -> String {
        "arn:aws:cloudwatch:\(caller.region):\(caller.accountID):alarm:\(name)"
    }

    static func decodeAlarms(_ rows: PostgresRowSequence) async throws -> [StoredAlarm] {
        var alarms: [StoredAlarm] = []
        for try await (config, enabled, value, reason, data, updated, transitioned, configured, type, by, why)
            in rows
            .decode((String, Bool, String, String, String?, Int64, Int64, Int64, String, String?, String?).self)
        {
            let state = StoredAlarmState(
                value: AlarmState(rawValue: value) ?? .insufficientData, reason: reason, reasonData: data,
                updatedAt: updated, transitionedAt: transitioned, configurationUpdatedAt: configured)
            if type == "CompositeAlarm" {
                let alarm = try JSONDecoder().decode(CompositeAlarm.self, from: Data(config.utf8))
                alarms.append(
                    StoredAlarm(
                        metric: nil, composite: alarm, state: state, actionsEnabled: enabled, suppressedBy: by,
                        suppressedReason: why))
            } else {
                let alarm = try JSONDecoder().decode(MetricAlarm.self, from: Data(config.utf8))
                alarms.append(
                    StoredAlarm(
                        metric: alarm, composite: nil, state: state, actionsEnabled: enabled, suppressedBy: nil,
                        suppressedReason: nil))
            }
        }
        return alarms
    }

    func putMetricAlarm(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let alarm = try MetricAlarm(request)
        let actionsEnabled = try Self.actionsEnabled(request)
        let tags = try Self.tags(request)
        let config = String(decoding: try JSONEncoder().encode(alarm), as: UTF8.self)
        let now = WallClock.system.milliseconds
        let initial = AlarmReason.initial.text
        try await database.transaction { connection in
            // A new alarm starts in INSUFFICIENT_DATA and is evaluated at once; an update keeps the state.
            let rows = try await connection.query(
                """
                INSERT INTO metric_alarms (account_id, region, alarm_name, config, actions_enabled, state_value,
                    state_reason, state_updated_at, state_transitioned_at, configuration_updated_at, evaluate_at, tags)
                VALUES (\(caller.accountID), \(caller.region), \(alarm.alarmName), \(config)::jsonb, \(actionsEnabled),
                    'INSUFFICIENT_DATA', \(initial), \(now), \(now), \(now), \(now), \(Self.tagsJSON(tags))::jsonb)
                ON CONFLICT (account_id, region, alarm_name) DO UPDATE SET config = EXCLUDED.config,
                    actions_enabled = EXCLUDED.actions_enabled, configuration_updated_at = EXCLUDED.configuration_updated_at,
                    evaluate_at = EXCLUDED.evaluate_at
                WHERE metric_alarms.alarm_type = 'MetricAlarm'
                RETURNING (xmax = 0)
                """, logger: database.logger)
            var inserted: Bool?
            for try await row in rows.decode(Bool.self) { inserted = row }
            guard let created = inserted else {
                throw AWSError.invalidParameterValue(
                    "The alarm \(alarm.alarmName) is a composite alarm; a metric alarm cannot replace it.")
            }
            try await Self.recordConfiguration(
                caller, alarm.alarmName, config: config, created: created, at: now, alarmType: "MetricAlarm",
                on: connection, logger: database.logger)
        }
        return nil
    }

    /// `ActionsEnabled`, true unless given.
    static func actionsEnabled(_ request: MetricRequest) throws(AWSError) -> Bool {
        guard let value = request.optional("ActionsEnabled") else { return true }
        guard let flag = value.boolean else { throw AWSError.serialization("ActionsEnabled must be a boolean.") }
        return flag
    }

    /// The `ConfigurationUpdate` history item of a Put…Alarm: created or updated, with the configuration given.
    static func recordConfiguration(
        _ caller: Caller, _ name: String, config: String, created: Bool, at time: Int64, alarmType: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let data =
            #"{"version":"1.0","type":"\#(created ? "Create" : "Update")","\#(created ? "createdAlarm" : "updatedAlarm")":\#(config)}"#
        try await recordHistory(
            caller, name, type: "ConfigurationUpdate", summary: "Alarm \"\(name)\" \(created ? "created" : "updated")",
            data: data, at: time, alarmType: alarmType, on: connection, logger: logger)
    }

    static func recordHistory(
        _ caller: Caller, _ name: String, type: String, summary: String, data: String, at time: Int64,
        alarmType: String = "MetricAlarm", on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO alarm_history (account_id, region, alarm_name, alarm_type, item_type, summary, data, recorded_at)
            VALUES (\(caller.accountID), \(caller.region), \(name), \(alarmType), \(type), \(summary), \(data), \(time))
            """, logger: logger)
    }

    private static func names(_ request: MetricRequest, _ member: String, required: Bool) throws(AWSError) -> [String]?
    {
        guard request.optional(member) != nil else {
            if required { throw AWSError.missingParameter(member) }
            return nil
        }
        return try request.list(member, max: MetricsLimits.alarmNamesPerCall).map { entry throws(AWSError) -> String in
            guard let name = entry.text, (1...255).contains(name.count) else {
                throw AWSError.invalidParameterValue(
                    "The parameter \(entry.path) must be between 1 and 255 characters long.")
            }
            return name
        }
    }

    private static func records(_ request: MetricRequest, default value: Int) throws(AWSError) -> Int {
        guard let records = try request.integer("MaxRecords") else { return value }
        guard MetricsLimits.alarmRecords.contains(records) else {
            throw AWSError.invalidParameterValue("The parameter MaxRecords must be between 1 and 100.")
        }
        return records
    }

    func describeAlarms(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let limit = try Self.records(request, default: 50)
        var after = ""
        if let token = try request.string("NextToken") {
            guard let name = MetricsPageToken.value(of: token, kind: "alarm") else {
                throw AWSError("InvalidNextToken", "The service couldn't process the NextToken.")
            }
            after = name
        }
        let children = try request.string("ChildrenOfAlarmName", length: 1...255)
        let parents = try request.string("ParentsOfAlarmName", length: 1...255)
        if children != nil || parents != nil {
            let others = ["AlarmNames", "AlarmNamePrefix", "AlarmTypes", "StateValue", "ActionPrefix"]
            if (children != nil && parents != nil) || others.contains(where: { request.optional($0) != nil }) {
                throw AWSError.invalidParameterCombination(
                    "ChildrenOfAlarmName and ParentsOfAlarmName cannot be specified with each other or with any other parameter except MaxRecords and NextToken."
                )
            }
            return try await related(children: children, parents: parents, caller, after: after, limit: limit)
        }
        let names = try Self.names(request, "AlarmNames", required: false)
        let prefix = try request.string("AlarmNamePrefix", length: 1...255)
        if names != nil, prefix != nil {
            throw AWSError.invalidParameterCombination("AlarmNames and AlarmNamePrefix cannot be specified together.")
        }
        let actionPrefix = try request.string("ActionPrefix", length: 1...1024)
        let state = try request.string("StateValue")
        if let state, AlarmState(rawValue: state) == nil { throw AWSError.invalidValue(state, "StateValue") }
        var types = try request.list("AlarmTypes").compactMap(\.text)
        if let wrong = types.first(where: { $0 != "MetricAlarm" && $0 != "CompositeAlarm" }) {
            throw AWSError.invalidValue(wrong, "AlarmTypes")
        }
        // Without AlarmTypes, only metric alarms are returned (as in AWS).
        if types.isEmpty { types = ["MetricAlarm"] }
        let pattern = prefix.map { Self.likePrefix($0) } ?? "%"
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.alarmColumns) FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND alarm_name COLLATE "C" > \(after) AND alarm_name LIKE \(pattern)
              AND (\(names)::text[] IS NULL OR alarm_name = ANY(\(names)))
              AND (\(state)::text IS NULL OR state_value = \(state)) AND alarm_type = ANY(\(types))
            ORDER BY alarm_name COLLATE "C"
            """)
        var alarms = try await Self.decodeAlarms(rows)
        if let actionPrefix {
            alarms = alarms.filter { alarm in
                (alarm.actions.okActions + alarm.actions.alarmActions + alarm.actions.insufficientDataActions)
                    .contains { $0.hasPrefix(actionPrefix) }
            }
        }
        let page = alarms.prefix(limit)
        var output: [String: Document] = [
            "MetricAlarms": .list(page.compactMap { $0.metricDocument(caller) }),
            "CompositeAlarms": .list(page.compactMap { $0.compositeDocument(caller) }),
        ]
        if alarms.count > limit {
            output["NextToken"] = .string(MetricsPageToken.make(kind: "alarm", alarms[limit - 1].name))
        }
        return .map(output)
    }

    /// `ChildrenOfAlarmName`: the alarms a composite's rule reads (name, ARN, state and its time);
    /// `ParentsOfAlarmName`: the composites whose rules read an alarm (name and ARN).
    private func related(
        children: String?, parents: String?, _ caller: Caller, after: String, limit: Int
    )
        async throws -> Document
    {
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.alarmColumns) FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name COLLATE "C" > \(after)
              AND (CASE WHEN \(children)::text IS NOT NULL THEN alarm_name = ANY(
                    SELECT unnest(children) FROM metric_alarms
                    WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(children))
                   ELSE alarm_name IN (
                    SELECT parent FROM alarm_children
                    WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND child = \(parents)) END)
            ORDER BY alarm_name COLLATE "C"
            """)
        let alarms = try await Self.decodeAlarms(rows)
        func brief(_ alarm: StoredAlarm) -> Document {
            var members: [String: Document] = [
                "AlarmName": .string(alarm.name), "AlarmArn": .string(Self.alarmARN(caller, alarm.name)),
            ]
            if children != nil {
                members["StateValue"] = .string(alarm.state.value.rawValue)
                members["StateUpdatedTimestamp"] = .timestamp(Double(alarm.state.updatedAt) / 1000)
            }
            return .map(members)
        }
        let page = alarms.prefix(limit)
        var output: [String: Document] = [
            "MetricAlarms": .list(page.filter { $0.composite == nil }.map(brief)),
            "CompositeAlarms": .list(page.filter { $0.composite != nil }.map(brief)),
        ]
        if alarms.count > limit {
            output["NextToken"] = .string(MetricsPageToken.make(kind: "alarm", alarms[limit - 1].name))
        }
        return .map(output)
    }

    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    func describeAlarmsForMetric(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try request.string("MetricName", required: true, length: 1...255)!
        let namespace = try request.string("Namespace", required: true, length: 1...255)!
        let statistic = try request.string("Statistic")
        let extended = try request.string("ExtendedStatistic")
        let dimensions = try request.dimensions().map { MetricAlarm.Dimension(name: $0.name, value: $0.value) }
        let period = try request.integer("Period")
        let unit = try request.unit()
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.alarmColumns) FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND config->>'metricName' = \(name) AND config->>'namespace' = \(namespace)
            ORDER BY alarm_name COLLATE "C"
            """)
        let matching = try await Self.decodeAlarms(rows).compactMap(\.metricAlarm).filter { alarm, _, _ in
            (statistic == nil || alarm.statistic == statistic)
                && (extended == nil || alarm.extendedStatistic == extended)
                && (request.optional("Dimensions") == nil
                    || Set(alarm.dimensions.map { "\($0.name)=\($0.value)" })
                        == Set(dimensions.map { "\($0.name)=\($0.value)" }))
                && (period == nil || alarm.period == period) && (unit == nil || alarm.unit == unit)
        }
        return .map([
            "MetricAlarms": .list(
                matching.map { alarm, state, enabled in
                    alarm.document(arn: Self.alarmARN(caller, alarm.alarmName), state: state, actionsEnabled: enabled)
                })
        ])
    }

    func deleteAlarms(_ document: Document, _ caller: Caller) async throws -> Document? {
        let names = try Self.names(MetricRequest(document), "AlarmNames", required: true)!
        let now = WallClock.system.milliseconds
        try await database.transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('alarms:' || \(caller.accountID) || ':' || \(caller.region)))",
                logger: database.logger)
            // At most one composite alarm a call; no alarm a remaining composite's rule reads (Cairn's messages:
            // AWS documents both rules but not its wording).
            let composites = try await connection.query(
                """
                SELECT count(*) FROM metric_alarms WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                  AND alarm_name = ANY(\(names)) AND alarm_type = 'CompositeAlarm'
                """, logger: database.logger)
            for try await count in composites.decode(Int64.self) where count > 1 {
                throw AWSError.invalidParameterValue("DeleteAlarms can delete at most one composite alarm a call.")
            }
            let parents = try await connection.query(
                """
                SELECT child, parent FROM alarm_children
                WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                  AND child = ANY(\(names)) AND NOT parent = ANY(\(names))
                ORDER BY child, parent LIMIT 1
                """, logger: database.logger)
            for try await (child, parent) in parents.decode((String, String).self) {
                throw AWSError.invalidParameterValue(
                    "The alarm \(child) cannot be deleted: the rule of composite alarm \(parent) reads it.")
            }
            // The alarms that exist are deleted (AWS: "the alarms you specify with correct names are still
            // deleted"); their history stays.
            let rows = try await connection.query(
                """
                DELETE FROM metric_alarms WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                  AND alarm_name = ANY(\(names)) RETURNING alarm_name, config::text, alarm_type
                """, logger: database.logger)
            try await connection.query(
                """
                DELETE FROM alarm_children
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND parent = ANY(\(names))
                """, logger: database.logger)
            for try await (name, config, type) in rows.decode((String, String, String).self) {
                try await Self.recordHistory(
                    caller, name, type: "ConfigurationUpdate", summary: "Alarm \"\(name)\" deleted",
                    data: #"{"version":"1.0","type":"Delete","deletedAlarm":\#(config)}"#, at: now, alarmType: type,
                    on: connection, logger: database.logger)
            }
        }
        return nil
    }

    func setAlarmState(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try request.string("AlarmName", required: true, length: 1...255)!
        let text = try request.string("StateValue", required: true)!
        guard let state = AlarmState(rawValue: text) else { throw AWSError.invalidValue(text, "StateValue") }
        let reason = try request.string("StateReason", required: true, length: 0...1023)!
        let data = try request.string("StateReasonData", length: 0...4000)
        if let data, (try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed])) == nil {
            throw AWSError("InvalidFormatFault", "Data format is invalid.")
        }
        let now = WallClock.system.milliseconds
        try await database.transaction { connection in
            guard
                let old = try await AlarmTransition.set(
                    caller, name, to: state, reason: reason, reasonData: data, at: now, on: connection,
                    logger: database.logger)
            else {
                throw AWSError("ResourceNotFound", "Alarm \(name) not found", status: 404)
            }
            _ = old
        }
        return nil
    }

    func enableAlarmActions(_ document: Document, _ caller: Caller) async throws -> Document? {
        try await setActions(document, caller, enabled: true)
    }

    func disableAlarmActions(_ document: Document, _ caller: Caller) async throws -> Document? {
        try await setActions(document, caller, enabled: false)
    }

    private func setActions(_ document: Document, _ caller: Caller, enabled: Bool) async throws -> Document? {
        let names = try Self.names(MetricRequest(document), "AlarmNames", required: true)!
        try await database.query(
            """
            UPDATE metric_alarms SET actions_enabled = \(enabled)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = ANY(\(names))
            """)
        return nil
    }

    func describeAlarmHistory(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try request.string("AlarmName", length: 1...255)
        let type = try request.string("HistoryItemType")
        if let type, !["ConfigurationUpdate", "StateUpdate", "Action"].contains(type) {
            throw AWSError.invalidValue(type, "HistoryItemType")
        }
        let types = try request.list("AlarmTypes").compactMap(\.text)
        // Clamped to what a timestamp can say, so that no number can overflow the milliseconds.
        func milliseconds(_ seconds: Double) -> Int64 {
            Int64(
                min(max(seconds, MetricsLimits.timestampRange.lowerBound), MetricsLimits.timestampRange.upperBound)
                    * 1000)
        }
        let start = try request.timestamp("StartDate").map(milliseconds) ?? Int64.min
        let end = try request.timestamp("EndDate").map(milliseconds) ?? Int64.max
        let limit = try Self.records(request, default: 100)
        let ascending = try request.string("ScanBy") == "TimestampAscending"
        var after: Int64? = nil
        if let token = try request.string("NextToken") {
            guard let text = MetricsPageToken.value(of: token, kind: "history"), let id = Int64(text) else {
                throw AWSError("InvalidNextToken", "The service couldn't process the NextToken.")
            }
            after = id
        }
        // Without AlarmTypes, only metric alarms' history is returned (as in AWS).
        let alarmTypes = types.isEmpty ? ["MetricAlarm"] : types
        let query: PostgresQuery =
            ascending
            ? """
            SELECT history_id, alarm_name, alarm_type, item_type, summary, data, recorded_at FROM alarm_history
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(name)::text IS NULL OR alarm_name = \(name)) AND (\(type)::text IS NULL OR item_type = \(type))
              AND alarm_type = ANY(\(alarmTypes)) AND recorded_at >= \(start) AND recorded_at <= \(end) AND history_id > \(after ?? 0)
            ORDER BY history_id LIMIT \(limit + 1)
            """
            : """
            SELECT history_id, alarm_name, alarm_type, item_type, summary, data, recorded_at FROM alarm_history
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(name)::text IS NULL OR alarm_name = \(name)) AND (\(type)::text IS NULL OR item_type = \(type))
              AND alarm_type = ANY(\(alarmTypes)) AND recorded_at >= \(start) AND recorded_at <= \(end) AND history_id < \(after ?? Int64.max)
            ORDER BY history_id DESC LIMIT \(limit + 1)
            """
        var items: [Document] = []
        var last: Int64 = 0
        var more = false
        for try await (id, alarm, alarmType, itemType, summary, data, at) in try await database.query(query).decode(
            (Int64, String, String, String, String, String, Int64).self)
        {
            guard items.count < limit else {
                more = true
                break
            }
            items.append(
                .map([
                    "AlarmName": .string(alarm), "AlarmType": .string(alarmType),
                    "Timestamp": .timestamp(Double(at) / 1000), "HistoryItemType": .string(itemType),
                    "HistorySummary": .string(summary), "HistoryData": .string(data),
                ]))
            last = id
        }
        var output: [String: Document] = ["AlarmHistoryItems": .list(items)]
        if more { output["NextToken"] = .string(MetricsPageToken.make(kind: "history", String(last))) }
        return .map(output)
    }
}
