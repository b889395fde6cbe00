import CairnProtocol
import Foundation

/// A composite alarm's configuration, as PutCompositeAlarm gives it and DescribeAlarms' `CompositeAlarms` returns
/// it. Stored as JSON in `metric_alarms.config` with `alarm_type` `CompositeAlarm`; the rule's children (as names)
/// in `metric_alarms.children`.
struct CompositeAlarm: Codable, Sendable, Equatable {
    var alarmName: String
    var alarmDescription: String?
    var alarmRule: String
    var okActions: [String]
    var alarmActions: [String]
    var insufficientDataActions: [String]
    /// The alarm (by name) whose ALARM state suppresses this alarm's actions.
    var actionsSuppressor: String?
    var actionsSuppressorWaitPeriod: Int?
    var actionsSuppressorExtensionPeriod: Int?

    /// PutCompositeAlarm's input, checked; `children` are the rule's alarms as names of the caller's account.
    init(_ request: MetricRequest, _ caller: Caller) throws(AWSError) {
        alarmName = try request.string("AlarmName", required: true, length: 1...255)!
        if alarmName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw AWSError.invalidParameterValue("The parameter AlarmName must not contain ASCII control characters.")
        }
        alarmDescription = try request.string("AlarmDescription", length: 0...1024)
        let text = try request.string("AlarmRule", required: true)!
        do {
            _ = try AlarmRule(parsing: text).resolvingReferences(account: caller.accountID, region: caller.region)
        } catch {
            throw AWSError("ValidationError", error.message)
        }
        alarmRule = text
        okActions = try MetricAlarm.actions(request, "OKActions")
        alarmActions = try MetricAlarm.actions(request, "AlarmActions")
        insufficientDataActions = try MetricAlarm.actions(request, "InsufficientDataActions")
        for action in okActions + alarmActions + insufficientDataActions
        where action.hasPrefix("arn:aws:ec2:") || action.hasPrefix("arn:aws:autoscaling:") {
            throw AWSError.invalidParameterValue("Composite alarms do not support EC2 or Auto Scaling actions.")
        }
        if let suppressor = try request.string("ActionsSuppressor", length: 1...1600) {
            do {
                actionsSuppressor = try AlarmRule.alarmName(
                    of: suppressor, account: caller.accountID, region: caller.region)
            } catch {
                throw AWSError.invalidParameterValue(error.message)
            }
            let wait = try request.integer("ActionsSuppressorWaitPeriod")
            let extension_ = try request.integer("ActionsSuppressorExtensionPeriod")
            guard let wait, let extension_ else {
                throw AWSError.invalidParameterCombination(
                    "ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod are required when ActionsSuppressor is specified."
                )
            }
            guard wait >= 0, extension_ >= 0 else {
                throw AWSError.invalidParameterValue(
                    "ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod must be 0 or more seconds.")
            }
            actionsSuppressorWaitPeriod = wait
            actionsSuppressorExtensionPeriod = extension_
        } else if request.optional("ActionsSuppressorWaitPeriod") != nil
            || request.optional("ActionsSuppressorExtensionPeriod") != nil
        {
            throw AWSError.invalidParameterCombination(
                "ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod require ActionsSuppressor.")
        }
    }

    /// The rule, parsed, with ARNs of the alarm's own account and region as names.
    func rule(_ caller: Caller) throws -> AlarmRule {
        try AlarmRule(parsing: alarmRule).resolvingReferences(account: caller.accountID, region: caller.region)
    }

    /// The alarm as DescribeAlarms' `CompositeAlarms` lists it.
    func document(
        arn: String, state: StoredAlarmState, actionsEnabled: Bool, suppressedBy: String?, suppressedReason: String?,
        suppressorARN: String?
    ) -> Document {
        var members = commonMembers(
            arn: arn, description: alarmDescription, state: state, actionsEnabled: actionsEnabled)
        members["AlarmRule"] = .string(alarmRule)
        if let suppressorARN {
            members["ActionsSuppressor"] = .string(suppressorARN)
            members["ActionsSuppressorWaitPeriod"] = actionsSuppressorWaitPeriod.map { .integer(Int64($0)) }
            members["ActionsSuppressorExtensionPeriod"] = actionsSuppressorExtensionPeriod.map { .integer(Int64($0)) }
        }
        if let suppressedBy { members["ActionsSuppressedBy"] = .string(suppressedBy) }
        if let suppressedReason { members["ActionsSuppressedReason"] = .string(suppressedReason) }
        return .map(members)
    }
}

/// What a transition's actions need from an alarm of either kind.
protocol AlarmActionLists {
    var alarmName: String { get }
    var okActions: [String] { get }
    var alarmActions: [String] { get }
    var insufficientDataActions: [String] { get }
}

extension AlarmActionLists {
    /// The members DescribeAlarms gives alarms of both kinds.
    func commonMembers(
        arn: String, description: String?, state: StoredAlarmState, actionsEnabled: Bool
    )
        -> [String: Document]
    {
        var members: [String: Document] = [
            "AlarmName": .string(alarmName), "AlarmArn": .string(arn),
            "AlarmConfigurationUpdatedTimestamp": .timestamp(Double(state.configurationUpdatedAt) / 1000),
            "ActionsEnabled": .boolean(actionsEnabled),
            "OKActions": .list(okActions.map(Document.string)),
            "AlarmActions": .list(alarmActions.map(Document.string)),
            "InsufficientDataActions": .list(insufficientDataActions.map(Document.string)),
            "StateValue": .string(state.value.rawValue), "StateReason": .string(state.reason),
            "StateUpdatedTimestamp": .timestamp(Double(state.updatedAt) / 1000),
            "StateTransitionedTimestamp": .timestamp(Double(state.transitionedAt) / 1000),
        ]
        if let description { members["AlarmDescription"] = .string(description) }
        if let data = state.reasonData { members["StateReasonData"] = .string(data) }
        return members
    }

    func actions(for state: AlarmState) -> [String] {
        switch state {
        case .alarm: alarmActions
        case .ok: okActions
        case .insufficientData: insufficientDataActions
        }
    }
}

extension MetricAlarm: AlarmActionLists {}
extension CompositeAlarm: AlarmActionLists {}

/// An alarm of either kind as `metric_alarms` holds it, with its state.
struct StoredAlarm {
    let metric: MetricAlarm?
    let composite: CompositeAlarm?
    let state: StoredAlarmState
    let actionsEnabled: Bool
    let suppressedBy: String?
    let suppressedReason: String?

    var name: String { metric?.alarmName ?? composite?.alarmName ?? "" }

    var actions: any AlarmActionLists { (metric as (any AlarmActionLists)?) ?? composite! }

    var metricAlarm: (MetricAlarm, StoredAlarmState, Bool)? { metric.map { ($0, state, actionsEnabled) } }

    func metricDocument(_ caller: Caller) -> Document? {
        metric?.document(arn: MetricsService.alarmARN(caller, name), state: state, actionsEnabled: actionsEnabled)
    }

    func compositeDocument(_ caller: Caller) -> Document? {
        composite.map { alarm in
            alarm.document(
                arn: MetricsService.alarmARN(caller, name), state: state, actionsEnabled: actionsEnabled,
                suppressedBy: suppressedBy, suppressedReason: suppressedReason,
                suppressorARN: alarm.actionsSuppressor.map { MetricsService.alarmARN(caller, $0) })
        }
    }
}
