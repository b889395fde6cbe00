import CairnProtocol
import Foundation

/// One entry of a metric math alarm's `Metrics` (a MetricDataQuery): a metric's statistic or an expression over
/// the others. Exactly one returns data: the series the alarm compares with its threshold.
struct AlarmQuery: Codable, Sendable, Equatable {
    var id: String
    var label: String?
    var returnData: Bool
    var expression: String?
    var period: Int?
    var namespace: String?
    var metricName: String?
    var dimensions: [MetricAlarm.Dimension]?
    var stat: String?
    var unit: String?

    /// A math alarm may read at most 10 metrics ("Math expression alarms can … use up to 10 metrics").
    static let metricsPerAlarm = 10

    /// `Metrics`, checked: the queries as GetMetricData checks them, exactly one returning data, at most 10
    /// metrics, all with one period (which is returned).
    static func parse(_ request: MetricRequest) throws(AWSError) -> (queries: [AlarmQuery], period: Int) {
        let entries = try request.list("Metrics", max: 20)
        guard !entries.isEmpty else { throw AWSError.missingParameter("Metrics") }
        let parsed = try MetricsService.dataQueries(entries)
        guard parsed.filter(\.returnData).count == 1 else {
            throw AWSError("ValidationError", "Exactly one element of the metrics list should return data.")
        }
        var queries: [AlarmQuery] = []
        var periods: Set<Int> = []
        for (query, entry) in zip(parsed, entries) {
            switch query.source {
            case .stat(let metric, let period, _, let unit):
                let stat = MetricRequest(entry.optional("MetricStat") ?? .null, path: entry.member("MetricStat"))
                periods.insert(period)
                queries.append(
                    AlarmQuery(
                        id: query.id, label: try entry.string("Label"), returnData: query.returnData, expression: nil,
                        period: period, namespace: metric.namespace, metricName: metric.name,
                        dimensions: metric.dimensions.map { .init(name: $0.name, value: $0.value) },
                        stat: try stat.string("Stat"), unit: unit))
            case .expression(let expression, let period):
                if let period { periods.insert(period) }
                queries.append(
                    AlarmQuery(
                        id: query.id, label: query.label, returnData: query.returnData, expression: expression.text,
                        period: period))
            }
        }
        guard queries.filter({ $0.expression == nil }).count <= metricsPerAlarm else {
            throw AWSError(
                "ValidationError", "A metric math alarm can use at most \(metricsPerAlarm) metrics.")
        }
        guard periods.count <= 1 else {
            throw AWSError("ValidationError", "All the metrics of a metric math alarm must have the same period.")
        }
        return (queries, periods.first ?? 60)
    }

    /// The query as GetMetricData evaluates it.
    var dataQuery: MetricsService.DataQuery? {
        if let expression {
            guard let parsed = try? MetricExpression(parsing: expression) else { return nil }
            return .init(id: id, label: label, returnData: returnData, source: .expression(parsed, period: period))
        }
        guard let namespace, let metricName, let period, let stat, let statistic = Statistic(stat) else { return nil }
        let metric = MetricIdentity(
            namespace: namespace, name: metricName,
            dimensions: (dimensions ?? []).map { .init(name: $0.name, value: $0.value) })
        return .init(
            id: id, label: label ?? metricName, returnData: returnData,
            source: .stat(metric, period: period, statistic: statistic, unit: unit))
    }

    /// The query as DescribeAlarms' `Metrics` lists it.
    var document: Document {
        var members: [String: Document] = ["Id": .string(id), "ReturnData": .boolean(returnData)]
        if let label { members["Label"] = .string(label) }
        if let expression {
            members["Expression"] = .string(expression)
            if let period { members["Period"] = .integer(Int64(period)) }
        } else if let namespace, let metricName, let period, let stat {
            var metricStat: [String: Document] = [
                "Metric": .map([
                    "Namespace": .string(namespace), "MetricName": .string(metricName),
                    "Dimensions": .list(
                        (dimensions ?? []).map { .map(["Name": .string($0.name), "Value": .string($0.value)]) }),
                ]),
                "Period": .integer(Int64(period)), "Stat": .string(stat),
            ]
            if let unit { metricStat["Unit"] = .string(unit) }
            members["MetricStat"] = .map(metricStat)
        }
        return .map(members)
    }
}

extension AlarmQuery {
    private func json(_ text: String?) -> String { text.map(AlarmReason.jsonString) ?? "null" }

    /// The query as an SNS alarm notification's `Trigger.Metrics` writes it.
    var triggerJSON: String {
        if let expression {
            return #"{"Expression":\#(json(expression)),"Id":\#(json(id)),"Label":\#(json(label)),"#
                + #""ReturnData":\#(returnData)}"#
        }
        let dimensions = (dimensions ?? []).map { #"{"value":\#(json($0.value)),"name":\#(json($0.name))}"# }
        return #"{"Id":\#(json(id)),"MetricStat":{"Metric":{"Dimensions":[\#(dimensions.joined(separator: ","))],"#
            + #""MetricName":\#(json(metricName)),"Namespace":\#(json(namespace))},"Period":\#(period ?? 60),"#
            + #""Stat":\#(json(stat))},"ReturnData":\#(returnData)}"#
    }

    /// The query as the Lambda alarm event's `configuration.metrics` writes it.
    var lambdaJSON: String {
        if let expression {
            return #"{"id":\#(json(id)),"expression":\#(json(expression)),"label":\#(json(label ?? id)),"#
                + #""returnData":\#(returnData)}"#
        }
        let dimensions = (dimensions ?? []).map { "\(json($0.name)):\(json($0.value))" }
        let unit = self.unit.map { #","unit":\#(json($0))"# } ?? ""
        return #"{"id":\#(json(id)),"metricStat":{"metric":{"namespace":\#(json(namespace)),"#
            + #""name":\#(json(metricName)),"dimensions":{\#(dimensions.joined(separator: ","))}},"#
            + #""period":\#(period ?? 60),"stat":\#(json(stat))\#(unit)},"returnData":\#(returnData)}"#
    }
}
