extension AlarmActions {
    /// The notification subject AWS gives an alarm's message: `ALARM: "<name>" in <region's long name>`.
    static func topicSubject(_ name: String, state: AlarmState, region: String) -> String {
        // SNS refuses subjects of 100 characters or more and with line breaks.
        let subject = "\(state.rawValue): \"\(name)\" in \(regionName(region))"
        return String(subject.filter { !$0.isNewline }.prefix(99))
    }

    /// AWS's alarm notification (the `Message` of the SNS notification), keys in AWS's order, as "Amazon SNS
    /// notifications for alarms" shows it and real notifications carry it.
    static func topicMessage(
        _ alarm: MetricAlarm, arn: String, account: String, region: String, state: State, previous: State,
        configuredAt: Int64
    ) -> String {
        func text(_ value: String?) -> String { value.map(AlarmReason.jsonString) ?? "null" }
        func list(_ values: [String]) -> String {
            "[" + values.map(AlarmReason.jsonString).joined(separator: ",") + "]"
        }
        let dimensions = alarm.dimensions.map {
            #"{"value":\#(AlarmReason.jsonString($0.value)),"name":\#(AlarmReason.jsonString($0.name))}"#
        }
        let statistic =
            alarm.extendedStatistic.map { #""StatisticType":"ExtendedStatistic","ExtendedStatistic":\#(text($0)),"# }
            ?? #""StatisticType":"Statistic","Statistic":\#(text(alarm.statistic.map(upperStatistic))),"#
        let datapoints = alarm.datapointsToAlarm.map { #""DatapointsToAlarm":\#($0),"# } ?? ""
        // A metric math alarm's trigger has its queries instead of one metric.
        let metric =
            alarm.metrics.map { queries in
                #""Metrics":[\#(queries.map(\.triggerJSON).joined(separator: ","))],"#
            }
            ?? #""MetricName":\#(text(alarm.metricName)),"Namespace":\#(text(alarm.namespace)),\#(statistic)"#
            + #""Unit":\#(text(alarm.unit)),"Dimensions":[\#(dimensions.joined(separator: ","))],"#
        let trigger =
            #"{\#(metric)"Period":\#(alarm.period),"EvaluationPeriods":\#(alarm.evaluationPeriods),\#(datapoints)"#
            + #""ComparisonOperator":"\#(alarm.comparisonOperator.rawValue)","Threshold":\#(AlarmReason.javaDouble(alarm.threshold)),"#
            + #""TreatMissingData":\#(text(alarm.treatMissingData?.rawValue ?? "")),"#
            + #""EvaluateLowSampleCountPercentile":\#(text(alarm.evaluateLowSampleCountPercentile ?? ""))}"#
        return #"{"AlarmName":\#(text(alarm.alarmName)),"AlarmDescription":\#(text(alarm.alarmDescription)),"#
            + #""AWSAccountId":"\#(account)","AlarmConfigurationUpdatedTimestamp":"\#(AlarmReason.isoDate(configuredAt))","#
            + #""NewStateValue":"\#(state.value.rawValue)","NewStateReason":\#(text(state.reason)),"#
            + #""StateChangeTime":"\#(AlarmReason.isoDate(state.time))","Region":\#(text(regionName(region))),"#
            + #""AlarmArn":\#(text(arn)),"OldStateValue":"\#(previous.value.rawValue)","#
            + #""OKActions":\#(list(alarm.okActions)),"AlarmActions":\#(list(alarm.alarmActions)),"#
            + #""InsufficientDataActions":\#(list(alarm.insufficientDataActions)),"Trigger":\#(trigger)}"#
    }

    /// `Sum` → `SUM`, `SampleCount` → `SAMPLE_COUNT`: how the notification's trigger names a statistic.
    static func upperStatistic(_ statistic: String) -> String {
        var output = ""
        for character in statistic {
            if character.isUppercase, !output.isEmpty { output += "_" }
            output += character.uppercased()
        }
        return output
    }

    /// The long name AWS's notifications give a region (`US East (N. Virginia)`); the code for regions it does
    /// not list.
    static func regionName(_ region: String) -> String {
        [
            "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
            "us-west-2": "US West (Oregon)", "af-south-1": "Africa (Cape Town)",
            "ap-east-1": "Asia Pacific (Hong Kong)",
            "ap-south-1": "Asia Pacific (Mumbai)", "ap-northeast-1": "Asia Pacific (Tokyo)",
            "ap-northeast-2": "Asia Pacific (Seoul)", "ap-northeast-3": "Asia Pacific (Osaka)",
            "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
            "ca-central-1": "Canada (Central)", "eu-central-1": "EU (Frankfurt)", "eu-west-1": "EU (Ireland)",
            "eu-west-2": "EU (London)", "eu-west-3": "EU (Paris)", "eu-north-1": "EU (Stockholm)",
            "eu-south-1": "EU (Milan)", "me-south-1": "Middle East (Bahrain)", "sa-east-1": "South America (Sao Paulo)",
        ][region] ?? region
    }
}

extension AlarmActions {
    /// A composite alarm's notification ("Amazon SNS notifications for composite alarms"): no trigger, the rule
    /// and the children in the new state.
    static func topicMessage(
        composite alarm: CompositeAlarm, arn: String, account: String, region: String, state: State,
        previous: State, triggering: [(arn: String, transitionedAt: Int64)]
    ) -> String {
        func text(_ value: String?) -> String { value.map(AlarmReason.jsonString) ?? "null" }
        func list(_ values: [String]) -> String {
            "[" + values.map(AlarmReason.jsonString).joined(separator: ",") + "]"
        }
        let children = triggering.map {
            #"{"Arn":\#(text($0.arn)),"State":{"Value":"\#(state.value.rawValue)","Timestamp":"\#(AlarmReason.isoDate($0.transitionedAt))"}}"#
        }
        return #"{"AlarmName":\#(text(alarm.alarmName)),"AlarmDescription":\#(text(alarm.alarmDescription)),"#
            + #""AWSAccountId":"\#(account)","NewStateValue":"\#(state.value.rawValue)","#
            + #""NewStateReason":\#(text(state.reason)),"StateChangeTime":"\#(AlarmReason.isoDate(state.time))","#
            + #""Region":\#(text(regionName(region))),"AlarmArn":\#(text(arn)),"#
            + #""OKActions":\#(list(alarm.okActions)),"AlarmActions":\#(list(alarm.alarmActions)),"#
            + #""InsufficientDataActions":\#(list(alarm.insufficientDataActions)),"#
            + #""OldStateValue":"\#(previous.value.rawValue)","AlarmRule":\#(text(alarm.alarmRule)),"#
            + #""TriggeringChildren":[\#(children.joined(separator: ","))]}"#
    }

    /// A composite alarm's Lambda event: its configuration is the rule and the suppressor.
    static func lambdaEvent(
        composite alarm: CompositeAlarm, arn: String, account: String, region: String, state: State, previous: State
    ) -> String {
        var configuration = #""alarmRule":\#(AlarmReason.jsonString(alarm.alarmRule))"#
        if let description = alarm.alarmDescription {
            configuration = #""description":\#(AlarmReason.jsonString(description)),"# + configuration
        }
        if let suppressor = alarm.actionsSuppressor {
            configuration +=
                #","actionsSuppressor":\#(AlarmReason.jsonString(suppressor)),"#
                + #""actionsSuppressorWaitPeriod":\#(alarm.actionsSuppressorWaitPeriod ?? 0),"#
                + #""actionsSuppressorExtensionPeriod":\#(alarm.actionsSuppressorExtensionPeriod ?? 0)"#
        }
        return #"{"source":"aws.cloudwatch","alarmArn":\#(AlarmReason.jsonString(arn)),"accountId":"\#(account)","#
            + #""time":"\#(AlarmReason.isoDate(state.time))","region":"\#(region)","alarmData":{"#
            + #""alarmName":\#(AlarmReason.jsonString(alarm.alarmName)),"state":\#(describe(state)),"#
            + #""previousState":\#(describe(previous)),"configuration":{\#(configuration)}}}"#
    }
}
