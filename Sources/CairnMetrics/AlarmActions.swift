import CairnProtocol
public import CairnQueue
public import CairnStore
import Foundation

/// What an alarm's transition asks of its actions, through the `alarm-actions` queue (enqueued in the
/// transition's transaction, delivered at least once by `AlarmActionDelivery` in CairnNotify): a function
/// (`arn:aws:lambda:…`, Cairn's HTTP functions) gets AWS's Lambda alarm event; a topic (`arn:aws:sns:…`) gets
/// AWS's alarm notification published to it. Other actions (EC2, Auto Scaling, Systems Manager) are not served:
/// their failure is written to the alarm's history.
public enum AlarmActions {
    public static let queue = "alarm-actions"
    /// AWS "retries until the invocation is successful": here with backoff for about an hour.
    public static let policy = RetryPolicy(
        maxAttempts: 20, baseDelayMilliseconds: 1000, maxDelayMilliseconds: 300_000, visibilityMilliseconds: 30_000)

    /// One action of one transition.
    public struct Job: Codable, Sendable {
        public let account: String
        public let region: String
        public let alarmName: String
        public let action: String
        /// AWS's Lambda alarm event, as the function receives it; for a topic, the notification's message.
        public let event: String
        /// The notification's subject, for a topic.
        public let subject: String?
        /// For a composite alarm's actions delayed by its WaitPeriod: the suppressor to look at when they are due,
        /// and the state they were for.
        public var suppressor: String? = nil
        public var state: String? = nil
        /// When the composite entered that state (a later transition makes this job stale).
        public var transitionedAt: Int64? = nil
    }

    /// A state of the alarm as the event describes it.
    struct State {
        let value: AlarmState
        let reason: String
        let reasonData: String?
        let time: Int64
    }

    static func isFunction(_ arn: String) -> Bool { arn.hasPrefix("arn:aws:lambda:") }

    /// A state as the Lambda alarm event writes it.
    static func describe(_ state: State) -> String {
        let data = state.reasonData.map { #","reasonData":\#(AlarmReason.jsonString($0))"# } ?? ""
        return #"{"value":"\#(state.value.rawValue)","reason":\#(AlarmReason.jsonString(state.reason))\#(data),"#
            + #""timestamp":"\#(AlarmReason.isoDate(state.time))"}"#
    }
    public static func isTopic(_ arn: String) -> Bool { arn.hasPrefix("arn:aws:sns:") }

    /// AWS's Lambda alarm event ("Invoke a Lambda function from an alarm"): the alarm, its new and previous
    /// states, its configuration as one metric query.
    static func lambdaEvent(
        _ alarm: MetricAlarm, arn: String, account: String, region: String, state: State, previous: State
    ) -> String {
        let dimensions = alarm.dimensions.map {
            "\(AlarmReason.jsonString($0.name)):\(AlarmReason.jsonString($0.value))"
        }
        let unit = alarm.unit.map { #","unit":\#(AlarmReason.jsonString($0))"# } ?? ""
        let description = alarm.alarmDescription.map { #""description":\#(AlarmReason.jsonString($0)),"# } ?? ""
        let metric =
            #"{"id":"\#(UUID().uuidString.lowercased())","metricStat":{"metric":{"namespace":\#(AlarmReason.jsonString(alarm.namespace)),"#
            + #""name":\#(AlarmReason.jsonString(alarm.metricName)),"dimensions":{\#(dimensions.joined(separator: ","))}},"#
            + #""period":\#(alarm.period),"stat":\#(AlarmReason.jsonString(alarm.statistic ?? alarm.extendedStatistic ?? ""))\#(unit)},"#
            + #""returnData":true}"#
        let metrics = alarm.metrics.map { $0.map(\.lambdaJSON).joined(separator: ",") } ?? metric
        return #"{"source":"aws.cloudwatch","alarmArn":\#(AlarmReason.jsonString(arn)),"accountId":"\#(account)","#
            + #""time":"\#(AlarmReason.isoDate(state.time))","region":"\#(region)","alarmData":{"#
            + #""alarmName":\#(AlarmReason.jsonString(alarm.alarmName)),"state":\#(describe(state)),"#
            + #""previousState":\#(describe(previous)),"configuration":{\#(description)"metrics":[\#(metrics)]}}}"#
    }

    /// Writes what became of one action to its alarm's history (AWS's Action items).
    public static func record(_ job: Job, succeeded: Bool, failure: String? = nil, database: Database) async throws {
        let caller = Caller(accountID: job.account, region: job.region, accessKeyID: "", role: .admin)
        let summary =
            succeeded
            ? "Successfully executed action \(job.action)"
            : "Failed to execute action \(job.action). Reason: \(failure ?? "unknown")"
        let data =
            #"{"actionState":"\#(succeeded ? "Succeeded" : "Failed")","notificationResource":\#(AlarmReason.jsonString(job.action))}"#
        try await database.transaction { connection in
            try await MetricsService.recordHistory(
                caller, job.alarmName, type: "Action", summary: String(summary.prefix(255)), data: data,
                at: WallClock.system.milliseconds, on: connection, logger: database.logger)
        }
    }
}
