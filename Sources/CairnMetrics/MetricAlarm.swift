import CairnProtocol
import Foundation

/// A metric alarm's configuration, as PutMetricAlarm gives it (checked as AWS checks it) and DescribeAlarms
/// returns it. Stored as JSON in `metric_alarms.config`.
struct MetricAlarm: Codable, Sendable, Equatable {
    var alarmName: String
    var alarmDescription: String?
    var okActions: [String]
    var alarmActions: [String]
    var insufficientDataActions: [String]
    var metricName: String
    var namespace: String
    var statistic: String?
    var extendedStatistic: String?
    var dimensions: [Dimension]
    var period: Int
    var unit: String?
    var evaluationPeriods: Int
    var datapointsToAlarm: Int?
    var threshold: Double
    var comparisonOperator: ComparisonOperator
    var treatMissingData: TreatMissingData?
    var evaluateLowSampleCountPercentile: String?
    /// A metric math alarm's queries (then `metricName`, `namespace` and the statistics are empty, and `period` is
    /// the queries' period).
    var metrics: [AlarmQuery]?

    struct Dimension: Codable, Sendable, Equatable {
        let name: String
        let value: String
    }

    static let actionsPerState = 5
    static let statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]

    var metric: MetricIdentity {
        MetricIdentity(
            namespace: namespace, name: metricName, dimensions: dimensions.map { .init(name: $0.name, value: $0.value) }
        )
    }

    var evaluation: AlarmEvaluation {
        AlarmEvaluation(
            evaluationPeriods: evaluationPeriods, datapointsToAlarm: datapointsToAlarm,
            treatMissingData: treatMissingData ?? .missing)
    }

    /// The statistic the alarm reads (`Statistic` or `ExtendedStatistic`).
    var readStatistic: Statistic { Statistic(statistic ?? extendedStatistic ?? "Average") ?? .average }

    /// PutMetricAlarm's input, checked.
    init(_ request: MetricRequest) throws(AWSError) {
        alarmName = try request.string("AlarmName", required: true, length: 1...255)!
        if alarmName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw AWSError.invalidParameterValue("The parameter AlarmName must not contain ASCII control characters.")
        }
        alarmDescription = try request.string("AlarmDescription", length: 0...1024)
        okActions = try Self.actions(request, "OKActions")
        alarmActions = try Self.actions(request, "AlarmActions")
        insufficientDataActions = try Self.actions(request, "InsufficientDataActions")
        if request.optional("ThresholdMetricId") != nil || request.optional("EvaluationCriteria") != nil {
            throw AWSError.invalidParameterValue(
                "Anomaly detection and PromQL alarms are not supported by Cairn; use a static Threshold.")
        }
        if request.optional("Metrics") != nil {
            for member in ["Statistic", "ExtendedStatistic", "MetricName", "Namespace", "Dimensions", "Period", "Unit"]
            where request.optional(member) != nil {
                throw AWSError("ValidationError", "\(member) should not be set if list of Metrics is set.")
            }
            let (queries, period) = try AlarmQuery.parse(request)
            metrics = queries
            metricName = ""
            namespace = ""
            dimensions = []
            self.period = period
        } else {
            metricName = try request.string("MetricName", required: true, length: 1...255)!
            namespace = try request.string("Namespace", required: true, length: 1...255)!
            statistic = try request.string("Statistic")
            extendedStatistic = try request.string("ExtendedStatistic")
            switch (statistic, extendedStatistic) {
            case (nil, nil), (.some, .some):
                throw AWSError.invalidParameterCombination(
                    "Exactly one of the parameters Statistic or ExtendedStatistic must be specified.")
            case (let named?, nil):
                guard Self.statistics.contains(named) else {
                    throw AWSError.invalidParameterValue(
                        "Value '\(named)' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]"
                    )
                }
            case (nil, let extended?):
                guard let parsed = Statistic(extended), parsed.isPercentile else {
                    throw AWSError.invalidParameterValue(
                        "The value \(extended) for parameter ExtendedStatistic is not supported.")
                }
            }
            dimensions = try request.dimensions().map { Dimension(name: $0.name, value: $0.value) }
            guard let period = try request.integer("Period", required: true) else {
                throw AWSError.missingParameter("Period")
            }
            guard period >= 1, [10, 20, 30].contains(period) || period % 60 == 0 else {
                throw AWSError.invalidParameterValue("Period must be 10, 20, 30 or a multiple of 60")
            }
            self.period = period
            unit = try request.unit()
        }
        guard let periods = try request.integer("EvaluationPeriods", required: true), periods >= 1 else {
            throw AWSError.invalidParameterValue("The parameter EvaluationPeriods must be greater than or equal to 1.")
        }
        evaluationPeriods = periods
        datapointsToAlarm = try request.integer("DatapointsToAlarm")
        if let m = datapointsToAlarm {
            guard m >= 1 else {
                throw AWSError.invalidParameterValue(
                    "The parameter DatapointsToAlarm must be greater than or equal to 1.")
            }
            guard m <= periods else {
                throw AWSError.invalidParameterValue(
                    "DatapointsToAlarm must be less than or equal to EvaluationPeriods")
            }
        }
        let window = self.period * periods
        if window > (self.period < 3600 ? 86_400 : 604_800) {
            throw AWSError.invalidParameterCombination(
                "The evaluation period (Period × EvaluationPeriods) must not exceed \(self.period < 3600 ? "1 day (86400 seconds)" : "7 days (604800 seconds)")."
            )
        }
        threshold = try request.double("Threshold", required: true)!
        let comparison = try request.string("ComparisonOperator", required: true)!
        guard let parsed = ComparisonOperator(rawValue: comparison) else {
            if ["LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"]
                .contains(comparison)
            {
                throw AWSError.invalidParameterValue(
                    "Anomaly detection comparisons (\(comparison)) are not supported by Cairn; use a static threshold.")
            }
            throw AWSError.invalidValue(comparison, "ComparisonOperator")
        }
        comparisonOperator = parsed
        if let text = try request.string("TreatMissingData", length: 1...255) {
            guard let value = TreatMissingData(rawValue: text) else {
                throw AWSError.invalidParameterValue(
                    "The value \(text) is not supported for TreatMissingData parameter. Supported values are [breaching, notBreaching, ignore, missing]."
                )
            }
            treatMissingData = value
        }
        if let text = try request.string("EvaluateLowSampleCountPercentile", length: 1...255) {
            guard text == "evaluate" || text == "ignore" else {
                throw AWSError.invalidParameterValue(
                    "Option \(text) is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore."
                )
            }
            evaluateLowSampleCountPercentile = text
        }
    }

    static func actions(_ request: MetricRequest, _ name: String) throws(AWSError) -> [String] {
        let entries = try request.list(name, max: actionsPerState)
        return try entries.map { entry throws(AWSError) -> String in
            guard let arn = entry.text, (1...1024).contains(arn.count), arn.hasPrefix("arn:") else {
                throw AWSError.invalidParameterValue("Invalid arn syntax: \(entry.text ?? "")")
            }
            return arn
        }
    }

    /// The alarm as DescribeAlarms' `MetricAlarms` lists it.
    func document(arn: String, state: StoredAlarmState, actionsEnabled: Bool) -> Document {
        var members = commonMembers(
            arn: arn, description: alarmDescription, state: state, actionsEnabled: actionsEnabled)
        members.merge([
            "EvaluationPeriods": .integer(Int64(evaluationPeriods)), "Threshold": .double(threshold),
            "ComparisonOperator": .string(comparisonOperator.rawValue),
        ]) { _, metric in metric }
        if let metrics {
            members["Metrics"] = .list(metrics.map(\.document))
        } else {
            members["MetricName"] = .string(metricName)
            members["Namespace"] = .string(namespace)
            members["Dimensions"] = .list(
                dimensions.map { .map(["Name": .string($0.name), "Value": .string($0.value)]) })
            members["Period"] = .integer(Int64(period))
        }
        if let statistic { members["Statistic"] = .string(statistic) }
        if let extendedStatistic { members["ExtendedStatistic"] = .string(extendedStatistic) }
        if let unit { members["Unit"] = .string(unit) }
        if let datapointsToAlarm { members["DatapointsToAlarm"] = .integer(Int64(datapointsToAlarm)) }
        if let treatMissingData { members["TreatMissingData"] = .string(treatMissingData.rawValue) }
        if let evaluateLowSampleCountPercentile {
            members["EvaluateLowSampleCountPercentile"] = .string(evaluateLowSampleCountPercentile)
        }
        return .map(members)
    }
}

/// An alarm's state as stored beside its configuration.
struct StoredAlarmState: Sendable {
    var value: AlarmState
    var reason: String
    var reasonData: String?
    var updatedAt: Int64
    var transitionedAt: Int64
    var configurationUpdatedAt: Int64
}
