/// What an expression is evaluated against: the request's time range and period, its metrics (MetricStat queries,
/// in request order) and the values of the expressions evaluated before it.
public struct MetricMathContext: Sendable {
    /// The request's `StartTime` and `EndTime`, in epoch seconds: generated series cover `[start, end)`.
    public let start: Int64
    public let end: Int64
    /// The period of series that no input gives one to (`TIME_SERIES`): the expression query's own `Period`, or the
    /// caller's choice among its metrics' periods.
    public let period: Int
    /// The metrics, in request order: what `METRICS()` returns.
    private(set) var metrics: [MetricSeries] = []
    private var metricIndex: [String: Int] = [:]
    private var expressions: [String: MetricMathValue] = [:]

    public init(start: Int64, end: Int64, period: Int, metrics: [MetricSeries] = []) {
        self.start = start
        self.end = end
        self.period = max(period, 1)
        for metric in metrics { addMetric(metric) }
    }

    /// Adds the points of a MetricStat query, under `series.id`.
    public mutating func addMetric(_ series: MetricSeries) {
        if let index = metricIndex[series.id] {
            metrics[index] = series
        } else {
            metricIndex[series.id] = metrics.count
            metrics.append(series)
        }
    }

    /// Adds the value of an expression query evaluated earlier, under its id.
    public mutating func addExpression(id: String, value: MetricMathValue) {
        expressions[id] = value
    }

    /// The metric with `id`.
    func metric(_ id: String) -> MetricSeries? {
        metricIndex[id].map { metrics[$0] }
    }

    /// The value an id stands for: a metric's series, or an expression's value.
    func value(of id: String) -> MetricMathValue? {
        metric(id).map { .series($0) } ?? expressions[id]
    }

    /// The timestamps of every period of `[start, end)` at `period`: the buckets GetMetricData reads
    /// (`MetricsService.buckets` starts them at `start` rounded down to the period, or to the minute for periods
    /// longer than a minute). At most `MetricExpression.maximumGridPoints`.
    func grid(period: Int) throws(MetricMathError) -> [Int64] {
        let width = Int64(max(period, 1))
        let origin = start - MetricMathEvaluator.floorDivision(start, min(width, 60)).remainder
        let (span, overflow) = end.subtractingReportingOverflow(origin)
        let periods = span > 0 ? (span - 1) / width + 1 : 0
        guard !overflow, periods <= Int64(MetricExpression.maximumGridPoints) else {
            throw MetricMathError(
                message:
                    "The time range holds more than \(MetricExpression.maximumGridPoints) periods of \(width) seconds")
        }
        return Array(stride(from: origin, to: end, by: Int(width)))
    }
}

extension MetricExpression {
    /// The ids of `expressions` in an order to evaluate them in: each after the expressions it references, otherwise
    /// in request order. Refuses a reference to an id that is neither a metric nor one of the expressions, and
    /// expressions that reference each other in a cycle (an expression referencing itself included). Both messages
    /// are Cairn's.
    public static func evaluationOrder(
        _ expressions: [(id: String, expression: MetricExpression)], metricIDs: Set<String>
    ) throws(MetricMathError) -> [String] {
        let expressionIDs = Set(expressions.map(\.id))
        var dependencies: [Set<String>] = []
        for (id, expression) in expressions {
            for reference in expression.references.sorted()
            where !metricIDs.contains(reference) && !expressionIDs.contains(reference) {
                throw MetricMathError(
                    message: "The expression \(id) references \(reference), which is not the id of a query")
            }
            dependencies.append(expression.references.intersection(expressionIDs))
        }
        var order: [String] = []
        var placed = Set<String>()
        var remaining = Array(expressions.indices)
        while let next = remaining.firstIndex(where: { dependencies[$0].isSubset(of: placed) }) {
            let index = remaining.remove(at: next)
            order.append(expressions[index].id)
            placed.insert(expressions[index].id)
        }
        guard remaining.isEmpty else {
            // Leave out the expressions that only depend on a cycle: repeatedly drop those no other remaining one needs.
            var cycle = remaining
            while let free = cycle.firstIndex(where: { candidate in
                !cycle.contains { dependencies[$0].contains(expressions[candidate].id) }
            }) {
                cycle.remove(at: free)
            }
            let ids = cycle.map { expressions[$0].id }.joined(separator: ", ")
            throw MetricMathError(message: "Circular dependency between the expressions \(ids)")
        }
        return order
    }
}
