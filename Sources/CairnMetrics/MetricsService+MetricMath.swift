import CairnProtocol
import Foundation

/// GetMetricData's queries: `MetricStat` (a metric's statistic per period) or `Expression` (metric math over
/// the other queries' results), each with its `Id`, `Label` and `ReturnData`.
extension MetricsService {
    struct DataQuery {
        enum Source {
            case stat(MetricIdentity, period: Int, statistic: Statistic, unit: String?)
            case expression(MetricExpression, period: Int?)
        }

        let id: String
        let label: String?
        let returnData: Bool
        let source: Source
    }

    /// One result of GetMetricData: a query's series (an expression returning an array gives several).
    struct DataResult {
        let id: String
        let label: String
        let series: MetricSeries
        let droppedPoints: Bool
    }

    /// The queries, checked as AWS checks them: ids unique, starting with a lowercase letter; each query either a
    /// `MetricStat` or an `Expression`; at least one returns data.
    static func dataQueries(_ queries: [MetricRequest]) throws(AWSError) -> [DataQuery] {
        var seen: Set<String> = []
        var parsed: [DataQuery] = []
        for query in queries {
            let id = try query.string("Id", required: true, length: 1...255)!
            guard let first = id.unicodeScalars.first, ("a"..."z").contains(first),
                id.unicodeScalars.allSatisfy({ NamePattern.isASCIIAlphanumericScalar($0) || $0 == "_" })
            else {
                throw AWSError.invalidParameterValue(
                    "The value \(id) for parameter \(query.member("Id")) is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores."
                )
            }
            guard seen.insert(id).inserted else {
                throw AWSError.invalidParameterValue("The values for parameter id in MetricDataQueries are not unique.")
            }
            let label = try query.string("Label")
            let returnData = query.optional("ReturnData")?.boolean ?? true
            if let text = try query.string("Expression", length: 1...MetricExpression.maximumLength) {
                if query.optional("MetricStat") != nil {
                    throw AWSError.invalidParameterCombination(
                        "The parameters \(query.member("MetricStat")) and \(query.member("Expression")) are mutually exclusive."
                    )
                }
                let expression: MetricExpression
                do {
                    expression = try MetricExpression(parsing: text)
                } catch {
                    throw AWSError(
                        "ValidationError", "Error in \(query.member("Expression")) (\(id)): \(error.message)")
                }
                let period = query.optional("Period") == nil ? nil : try Self.period(query, "Period")
                parsed.append(
                    DataQuery(
                        id: id, label: label, returnData: returnData, source: .expression(expression, period: period)))
                continue
            }
            guard let stat = query.optional("MetricStat").map({ MetricRequest($0, path: query.member("MetricStat")) })
            else { throw AWSError.missingParameter(query.member("MetricStat")) }
            guard let metricDocument = stat.optional("Metric") else {
                throw AWSError.missingParameter(stat.member("Metric"))
            }
            let metricRequest = MetricRequest(metricDocument, path: stat.member("Metric"))
            let namespace = try metricRequest.string("Namespace", required: true, length: 1...255)!
            let name = try metricRequest.string("MetricName", required: true, length: 1...255)!
            let metric = MetricIdentity(namespace: namespace, name: name, dimensions: try metricRequest.dimensions())
            let period = try Self.period(stat, "Period")!
            let statText = try stat.string("Stat", required: true)!
            guard let statistic = Statistic(statText) else {
                throw AWSError.invalidValue(statText, stat.member("Stat"))
            }
            parsed.append(
                DataQuery(
                    id: id, label: label ?? name, returnData: returnData,
                    source: .stat(metric, period: period, statistic: statistic, unit: try stat.unit())))
        }
        return parsed
    }

    /// Every returned query's series: metrics read once each, expressions evaluated after what they reference.
    func dataResults(_ queries: [DataQuery], _ caller: Caller, start: Int64, end: Int64) async throws -> [DataResult] {
        var metrics: [String: MetricSeries] = [:]
        var expressions: [(id: String, expression: MetricExpression)] = []
        var periods: [Int] = []
        for query in queries {
            switch query.source {
            case .stat(let metric, let period, let statistic, let unit):
                let buckets = try await self.buckets(
                    metric, caller, start: start, end: end, period: period, unit: unit,
                    withSamples: statistic.isPercentile)
                let points = buckets.compactMap { bucket in bucket.value(of: statistic).map { (bucket.start, $0) } }
                metrics[query.id] = MetricSeries(
                    id: query.id, label: query.label, period: period, timestamps: points.map(\.0),
                    values: points.map(\.1))
                periods.append(period)
            case .expression(let expression, let period):
                expressions.append((query.id, expression))
                if let period { periods.append(period) }
            }
        }
        var context = MetricMathContext(
            start: start, end: end, period: periods.min() ?? 60,
            metrics: queries.compactMap { metrics[$0.id] })
        var values: [String: MetricMathResult] = [:]
        // One budget for the whole request: each expression keeps its result, and 500 of them could otherwise
        // each stay under the per-expression limit.
        var kept = 0
        do {
            for id in try MetricExpression.evaluationOrder(expressions, metricIDs: Set(metrics.keys)) {
                guard let expression = expressions.first(where: { $0.id == id })?.expression else { continue }
                let result = try expression.evaluate(context)
                kept += result.value.pointCount
                guard kept <= MetricExpression.maximumComputedPoints else {
                    throw MetricMathError(
                        message:
                            "The expressions of this request compute more than \(MetricExpression.maximumComputedPoints) data points"
                    )
                }
                context.addExpression(id: id, value: result.value)
                values[id] = result
            }
        } catch let error as MetricMathError {
            throw AWSError("ValidationError", error.message)
        }
        var results: [DataResult] = []
        for query in queries where query.returnData {
            if let series = metrics[query.id] {
                results.append(DataResult(id: query.id, label: series.label, series: series, droppedPoints: false))
            } else if let result = values[query.id] {
                let series: [MetricSeries]
                do {
                    series = try result.timeSeries()
                } catch {
                    throw AWSError("ValidationError", "Error in expression \(query.id): \(error.message)")
                }
                for item in series {
                    let label = series.count == 1 ? (query.label ?? query.id) : item.label
                    results.append(
                        DataResult(id: query.id, label: label, series: item, droppedPoints: result.droppedPoints > 0))
                }
            }
        }
        return results
    }
}

extension MetricMathValue {
    /// How many points the value holds (a scalar counts one).
    var pointCount: Int {
        switch self {
        case .scalar: 1
        case .series(let series): series.values.count
        case .array(let list): list.reduce(0) { $0 + $1.values.count }
        }
    }
}
