public import CairnAccounts
public import CairnProtocol
public import CairnStore

/// The CloudWatch metrics API (`GraniteServiceVersion20100801`): PutMetricData, GetMetricStatistics,
/// GetMetricData, ListMetrics and the dashboards over the document model, so the Smithy RPC v2 CBOR and the AWS JSON 1.0
/// endpoints share every handler. Errors use the service's exception names; `queryCode` gives the
/// `x-amzn-query-error` code that query-compatible clients read.
public struct MetricsService: Sendable {

    let database: Database
    /// The accounts' metrics keys: series' dimensions are stored sealed.
    public let keys: MetricsKeyRing

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        keys = MetricsKeyRing(database: database, rootKey: rootKey)
    }

    /// The CloudWatch metrics operations, each declared once for the registry.
    public var operations: [Operation] {
        [
            Operation(.monitoring, "PutMetricData", roles: .writers, document: putMetricData),
            Operation(.monitoring, "GetMetricStatistics", roles: .readers, document: getMetricStatistics),
            Operation(.monitoring, "GetMetricData", roles: .readers, document: getMetricData),
            Operation(.monitoring, "ListMetrics", roles: .readers, document: listMetrics),
            Operation(.monitoring, "PutDashboard", roles: .admins, document: putDashboard),
            Operation(.monitoring, "GetDashboard", roles: .readers, document: getDashboard),
            Operation(.monitoring, "ListDashboards", roles: .readers, document: listDashboards),
            Operation(.monitoring, "DeleteDashboards", roles: .admins, document: deleteDashboards),
            Operation(.monitoring, "PutMetricAlarm", roles: .admins, document: putMetricAlarm),
            Operation(.monitoring, "PutCompositeAlarm", roles: .admins, document: putCompositeAlarm),
            Operation(.monitoring, "DescribeAlarms", roles: .readers, document: describeAlarms),
            Operation(.monitoring, "DescribeAlarmsForMetric", roles: .readers, document: describeAlarmsForMetric),
            Operation(.monitoring, "DeleteAlarms", roles: .admins, document: deleteAlarms),
            Operation(.monitoring, "SetAlarmState", roles: .admins, document: setAlarmState),
            Operation(.monitoring, "EnableAlarmActions", roles: .admins, document: enableAlarmActions),
            Operation(.monitoring, "DisableAlarmActions", roles: .admins, document: disableAlarmActions),
            Operation(.monitoring, "DescribeAlarmHistory", roles: .readers, document: describeAlarmHistory),
            Operation(.monitoring, "TagResource", roles: .admins, document: tagResource),
            Operation(.monitoring, "UntagResource", roles: .admins, document: untagResource),
            Operation(.monitoring, "ListTagsForResource", roles: .readers, document: listTagsForResource),
        ]
    }

    /// The query-protocol error code of an exception (`InvalidParameterValueException` → `InvalidParameterValue`).
    public static func queryCode(_ exception: String) -> String? {
        [
            "InvalidParameterValueException": "InvalidParameterValue",
            "MissingRequiredParameterException": "MissingParameter",
            "InvalidParameterCombinationException": "InvalidParameterCombination",
            "InvalidNextToken": "InvalidNextToken",
            "InternalServiceFault": "InternalServiceError",
            "LimitExceededFault": "LimitExceeded",
            "DashboardInvalidInputError": "InvalidParameterInput",
            "DashboardNotFoundError": "ResourceNotFound",
            "ResourceNotFound": "ResourceNotFound",
            "InvalidFormatFault": "InvalidFormat",
            "ResourceNotFoundException": "ResourceNotFoundException",
        ][exception]
    }
}

extension AWSError {
    static func invalidParameterValue(_ message: String) -> AWSError {
        AWSError("InvalidParameterValueException", message)
    }

    static func missingParameter(_ member: String) -> AWSError {
        AWSError("MissingRequiredParameterException", "The parameter \(member) is required.")
    }

    static func invalidParameterCombination(_ message: String) -> AWSError {
        AWSError("InvalidParameterCombinationException", message)
    }

    static func invalidValue(_ value: String, _ member: String) -> AWSError {
        .invalidParameterValue("The value \(value) for parameter \(member) is invalid.")
    }
}
