/// Request and response shapes of the metric filter operations, as in the service model.
struct MetricTransformation: Codable, Sendable {
    let metricName: String?
    let metricNamespace: String?
    let metricValue: String?
    let defaultValue: Double?
    let dimensions: [String: String]?
    let unit: String?
}

struct PutMetricFilterRequest: Decodable {
    let logGroupName: String?
    let filterName: String?
    let filterPattern: String?
    let metricTransformations: [MetricTransformation]?
    var applyOnTransformedLogs: Bool? = nil
    var fieldSelectionCriteria: String? = nil
    var emitSystemFieldDimensions: [String]? = nil
}

struct DescribeMetricFiltersRequest: Decodable {
    let logGroupName: String?
    let filterNamePrefix: String?
    let nextToken: String?
    let limit: Int?
    let metricName: String?
    let metricNamespace: String?
}

struct MetricFilterDescription: Encodable {
    let filterName: String
    let filterPattern: String
    let metricTransformations: [MetricTransformation]
    let creationTime: Int64
    let logGroupName: String
    let applyOnTransformedLogs: Bool
}

struct DescribeMetricFiltersResponse: Encodable {
    let metricFilters: [MetricFilterDescription]
    let nextToken: String?
}

struct DeleteMetricFilterRequest: Decodable {
    let logGroupName: String?
    let filterName: String?
}

struct TestMetricFilterRequest: Decodable {
    let filterPattern: String?
    let logEventMessages: [String]?
}

struct MetricFilterMatchRecord: Encodable {
    let eventNumber: Int
    let eventMessage: String
    let extractedValues: [String: String]
}

struct TestMetricFilterResponse: Encodable {
    let matches: [MetricFilterMatchRecord]
}
