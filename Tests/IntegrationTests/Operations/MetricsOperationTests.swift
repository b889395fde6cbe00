import Testing

/// Every CloudWatch metrics operation through `buildApplication` (JSON 1.0): its success path and its main
/// errors.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct MetricsOperationTests {
    static func metrics(_ name: String) -> String { "GraniteServiceVersion20100801." + name }

    static let metric = #"{"Namespace":"Ops","MetricName":"Latency","Dimensions":[{"Name":"Host","Value":"a"}]}"#

    static let script: [ScriptedCall] = [
        Script.ok(
            metrics("PutMetricData"),
            #"{"Namespace":"Ops","MetricData":[{"MetricName":"Latency","Dimensions":[{"Name":"Host","Value":"a"}],"Value":12.5,"Unit":"Milliseconds"},{"MetricName":"Latency","Dimensions":[{"Name":"Host","Value":"a"}],"Value":7.5,"Unit":"Milliseconds"}]}"#
        ),
        Script.fails(
            metrics("PutMetricData"), #"{"MetricData":[{"MetricName":"Latency","Value":1}]}"#,
            "MissingRequiredParameterException"),
        Script.ok(
            metrics("ListMetrics"), #"{"Namespace":"Ops"}"#,
            contains: [#""MetricName":"Latency""#, #""Value":"a""#]),
        Script.fails(metrics("ListMetrics"), #"{"NextToken":"not-a-token"}"#, "InvalidNextToken"),
        Script.ok(
            metrics("GetMetricStatistics"),
            #"{"Namespace":"Ops","MetricName":"Latency","Dimensions":[{"Name":"Host","Value":"a"}],"StartTime":<<hourAgo>>,"EndTime":<<soon>>,"Period":3600,"Statistics":["Sum","SampleCount"]}"#,
            contains: [#""Sum":20"#, #""SampleCount":2"#]),
        Script.fails(
            metrics("GetMetricStatistics"),
            #"{"Namespace":"Ops","MetricName":"Latency","StartTime":<<hourAgo>>,"EndTime":<<soon>>,"Period":61,"Statistics":["Sum"]}"#,
            "InvalidParameterValueException"),
        Script.ok(
            metrics("GetMetricData"),
            #"{"MetricDataQueries":[{"Id":"m1","MetricStat":{"Metric":\#(metric),"Period":3600,"Stat":"Maximum"}}],"StartTime":<<hourAgo>>,"EndTime":<<soon>>}"#,
            contains: [#""Id":"m1""#, "12.5", #""StatusCode":"Complete""#]),
        Script.fails(
            metrics("GetMetricData"),
            #"{"MetricDataQueries":[{"Id":"m1","MetricStat":{"Metric":\#(metric),"Period":3600,"Stat":"Maximum"}}],"StartTime":<<hourAgo>>,"EndTime":<<soon>>,"NextToken":"bm9wZQ=="}"#,
            "InvalidNextToken"),
        Script.ok(
            metrics("PutDashboard"),
            #"{"DashboardName":"ops","DashboardBody":"{\"widgets\":[{\"type\":\"text\",\"properties\":{\"markdown\":\"hi\"}}]}"}"#,
            contains: [#""DashboardValidationMessages":[]"#]),
        Script.fails(
            metrics("PutDashboard"), #"{"DashboardName":"ops","DashboardBody":"{\"widgets\":[{\"type\":\"text\"}]}"}"#,
            "DashboardInvalidInputError"),
        Script.ok(
            metrics("GetDashboard"), #"{"DashboardName":"ops"}"#,
            contains: [#""DashboardArn":"arn:aws:cloudwatch::444455556666:dashboard/ops""#]),
        Script.fails(metrics("GetDashboard"), #"{"DashboardName":"none"}"#, "DashboardNotFoundError"),
        Script.ok(metrics("ListDashboards"), #"{"DashboardNamePrefix":"o"}"#, contains: [#""DashboardName":"ops""#]),
        Script.fails(metrics("ListDashboards"), #"{"NextToken":"bm9wZQ=="}"#, "InvalidParameterValueException"),
        Script.fails(metrics("DeleteDashboards"), #"{"DashboardNames":"ops"}"#, "SerializationException"),
        Script.ok(metrics("DeleteDashboards"), #"{"DashboardNames":["ops","none"]}"#),
        Script.fails(metrics("GetDashboard"), #"{"DashboardName":"ops"}"#, "DashboardNotFoundError"),
        Script.ok(
            metrics("PutMetricAlarm"),
            #"{"AlarmName":"slow","MetricName":"Latency","Namespace":"Ops","Dimensions":[{"Name":"Host","Value":"a"}],"Statistic":"Maximum","Period":60,"EvaluationPeriods":3,"DatapointsToAlarm":2,"Threshold":10,"ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"notBreaching"}"#
        ),
        Script.fails(
            metrics("PutMetricAlarm"),
            #"{"AlarmName":"bad","MetricName":"Latency","Namespace":"Ops","Statistic":"Maximum","Period":45,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}"#,
            "InvalidParameterValueException"),
        Script.ok(
            metrics("DescribeAlarms"), #"{"AlarmNamePrefix":"sl"}"#,
            contains: [
                #""AlarmArn":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow""#,
                #""StateValue":"INSUFFICIENT_DATA""#,
                #""StateReason":"Unchecked: Initial alarm creation""#, #""DatapointsToAlarm":2"#,
            ]),
        Script.fails(
            metrics("DescribeAlarms"), #"{"AlarmNames":["slow"],"AlarmNamePrefix":"s"}"#,
            "InvalidParameterCombinationException"),
        Script.ok(
            metrics("DescribeAlarmsForMetric"), #"{"MetricName":"Latency","Namespace":"Ops"}"#,
            contains: [#""AlarmName":"slow""#]),
        Script.fails(
            metrics("DescribeAlarmsForMetric"), #"{"MetricName":"Latency"}"#, "MissingRequiredParameterException"),
        Script.ok(metrics("PutCompositeAlarm"), #"{"AlarmName":"both","AlarmRule":"ALARM(slow) AND NOT FALSE"}"#),
        Script.fails(
            metrics("PutCompositeAlarm"), #"{"AlarmName":"both","AlarmRule":"ALARM(\"gone\")"}"#, "ValidationError",
            message: "Could not save the composite alarm as alarms [gone] in the alarm rule do not exist"),
        Script.ok(
            metrics("DescribeAlarms"), #"{"AlarmTypes":["CompositeAlarm"]}"#,
            contains: [#""AlarmRule":"ALARM(slow) AND NOT FALSE""#, #""MetricAlarms":[]"#]),
        Script.ok(
            metrics("DescribeAlarms"), #"{"ParentsOfAlarmName":"slow"}"#,
            contains: [#""AlarmName":"both""#]),
        Script.fails(metrics("DeleteAlarms"), #"{"AlarmNames":["slow"]}"#, "InvalidParameterValueException"),
        Script.ok(metrics("DeleteAlarms"), #"{"AlarmNames":["both"]}"#),
        Script.ok(
            metrics("SetAlarmState"),
            #"{"AlarmName":"slow","StateValue":"ALARM","StateReason":"testing","StateReasonData":"{}"}"#),
        Script.fails(
            metrics("SetAlarmState"),
            #"{"AlarmName":"slow","StateValue":"OK","StateReason":"x","StateReasonData":"{nope"}"#,
            "InvalidFormatFault"),
        Script.fails(
            metrics("SetAlarmState"), #"{"AlarmName":"none","StateValue":"OK","StateReason":"x"}"#, "ResourceNotFound"),
        Script.ok(
            metrics("DescribeAlarmHistory"), #"{"AlarmName":"slow","HistoryItemType":"StateUpdate"}"#,
            contains: [#""HistorySummary":"Alarm updated from INSUFFICIENT_DATA to ALARM""#]),
        Script.fails(metrics("DescribeAlarmHistory"), #"{"MaxRecords":0}"#, "InvalidParameterValueException"),
        Script.ok(
            metrics("TagResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow","Tags":[{"Key":"team","Value":"web"}]}"#
        ),
        Script.fails(
            metrics("TagResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:none","Tags":[{"Key":"team","Value":"web"}]}"#,
            "ResourceNotFoundException"),
        Script.ok(
            metrics("ListTagsForResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow"}"#,
            contains: [#""Tags":[{"Key":"team","Value":"web"}]"#]),
        Script.fails(
            metrics("ListTagsForResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:999999999999:alarm:slow"}"#,
            "ResourceNotFoundException"),
        Script.ok(
            metrics("UntagResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow","TagKeys":["team"]}"#),
        Script.fails(
            metrics("UntagResource"), #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow"}"#,
            "MissingRequiredParameterException"),
        Script.ok(
            metrics("ListTagsForResource"),
            #"{"ResourceARN":"arn:aws:cloudwatch:eu-central-1:444455556666:alarm:slow"}"#,
            contains: [#""Tags":[]"#]),
        Script.ok(metrics("DisableAlarmActions"), #"{"AlarmNames":["slow"]}"#),
        Script.fails(metrics("DisableAlarmActions"), #"{}"#, "MissingRequiredParameterException"),
        Script.ok(metrics("DescribeAlarms"), #"{"AlarmNames":["slow"]}"#, contains: [#""ActionsEnabled":false"#]),
        Script.ok(metrics("EnableAlarmActions"), #"{"AlarmNames":["slow"]}"#),
        Script.fails(metrics("EnableAlarmActions"), #"{"AlarmNames":"slow"}"#, "SerializationException"),
        Script.fails(metrics("DeleteAlarms"), #"{}"#, "MissingRequiredParameterException"),
        Script.ok(metrics("DeleteAlarms"), #"{"AlarmNames":["slow","none"]}"#),
        Script.ok(metrics("DescribeAlarms"), #"{}"#, contains: [#""MetricAlarms":[]"#]),
    ]

    @Test func script() async throws {
        try await Script.run(Self.script)
    }
}
