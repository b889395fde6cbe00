import Foundation

/// The functions of AWS's table ("Functions supported for metric math") that Cairn evaluates, with the argument
/// types the table gives (S scalar, TS time series, TS[] array); another type is refused. Where AWS documents a
/// behaviour it is quoted; the rest is Cairn's choice:
///
/// - `SUM` `AVG` `MIN` `MAX` `STDDEV` `DATAPOINT_COUNT`: of a TS, a scalar ("When used on a single time series…"),
///   over its points (an empty series: SUM and DATAPOINT_COUNT 0, the others NaN); of a TS[], a TS at every timestamp
///   of any element. AVG counts a missing point as 0 ("Missing values are treated as 0"), SUM too; MIN, MAX and
///   STDDEV take the points present; DATAPOINT_COUNT counts them. STDDEV is the population deviation (divides by N).
/// - `ABS` `CEIL` `FLOOR` `LOG` `LOG10` `SQRT` `DIFF` `DIFF_TIME` `RATE` `RUNNING_SUM`: per series, TS → TS, TS[] → TS[].
///   DIFF, DIFF_TIME and RATE pair each point with the point before it ("the previous data point value"), so the
///   first point has none and is dropped; RATE is DIFF / DIFF_TIME, per second.
/// - `FILL(TS | TS[], S | TS | REPEAT | LINEAR)`: fills the missing points of each series on its period's grid over
///   the request's time range (see `MetricMathContext.grid`). A scalar fills every gap; a series fills the gaps
///   where it has a point; REPEAT takes "the most recent actual value" before the gap, so a leading gap stays; LINEAR
///   interpolates between the points around the gap, so leading and trailing gaps stay.
/// - `IF(cond, a[, b])`: as the user guide's "Using IF expressions" lists it: for a TS condition, at each of its
///   points, `a` when it is not 0 (a missing point of a TS `a` gives 0), else `b` (a missing point of `b`, or no `b`,
///   drops the point); for a scalar condition, the TS `a` or `b` (no `b`: an empty series). An array is refused.
/// - `METRICS()` / `METRICS("text")`: the request's metrics, in request order, whose id contains the text ("that
///   contain that string in their Id field"; not only as a prefix); expressions are never included.
/// - `PERIOD(id)`: the period of a metric ("Valid input is metrics, not the results of other expressions").
/// - `TIME_SERIES(S)`: the scalar at every period of the request's range, at the request's period.
/// - `MINUTE` `HOUR` `DAY` `DATE` `MONTH` `YEAR` `EPOCH` (TS → TS): the UTC minute (0–59), hour (0–23), day of the
///   week (1 Monday … 7 Sunday), day of the month, month (1–12), year and epoch seconds of every period of the
///   series' grid.
/// - `FIRST` `LAST` (TS[] → TS; an empty array gives an empty series), `REMOVE_EMPTY` (TS[] → TS[]),
///   `METRIC_COUNT` (TS[] → S), `SLICE(TS[], start[, end])` (zero-based, end exclusive, fractions rounded down,
///   bounds clamped; always an array), `SORT(TS[], AVG | MIN | MAX | SUM, ASC | DESC[, limit])` (stable; a series
///   whose key is NaN, being empty, sorts last either way).
enum MathFunction: String, Sendable, CaseIterable {
    case abs = "ABS"
    case avg = "AVG"
    case ceil = "CEIL"
    case datapointCount = "DATAPOINT_COUNT"
    case date = "DATE"
    case day = "DAY"
    case diff = "DIFF"
    case diffTime = "DIFF_TIME"
    case epoch = "EPOCH"
    case fill = "FILL"
    case first = "FIRST"
    case floor = "FLOOR"
    case hour = "HOUR"
    case `if` = "IF"
    case last = "LAST"
    case log = "LOG"
    case log10 = "LOG10"
    case max = "MAX"
    case metricCount = "METRIC_COUNT"
    case metrics = "METRICS"
    case min = "MIN"
    case minute = "MINUTE"
    case month = "MONTH"
    case period = "PERIOD"
    case rate = "RATE"
    case removeEmpty = "REMOVE_EMPTY"
    case runningSum = "RUNNING_SUM"
    case slice = "SLICE"
    case sort = "SORT"
    /// Not an AWS function (AWS writes `x^0.5`): Cairn serves it because users ask for it by name.
    case sqrt = "SQRT"
    case stddev = "STDDEV"
    case sum = "SUM"
    case timeSeries = "TIME_SERIES"
    case year = "YEAR"

    /// AWS functions Cairn refuses: they read anomaly models, other services or the metric catalogue.
    static let unsupported: Set<String> = [
        "ANOMALY_DETECTION_BAND", "DB_PERF_INSIGHTS", "INSIGHT_RULE_METRIC", "LAMBDA", "SEARCH", "SERVICE_QUOTA",
    ]

    var arity: ClosedRange<Int> {
        switch self {
        case .metrics: 0...1
        case .fill: 2...2
        case .if, .slice: 2...3
        case .sort: 3...4
        default: 1...1
        }
    }
}

/// Evaluates a parsed expression; counts the points it drops and charges every point it computes against
/// `MetricExpression.maximumComputedPoints`.
struct MetricMathEvaluator {
    let context: MetricMathContext
    private(set) var droppedPoints = 0
    private var computedPoints = 0

    init(context: MetricMathContext) {
        self.context = context
    }

    mutating func value(of node: MathNode) throws(MetricMathError) -> MetricMathValue {
        switch node.kind {
        case .number(let number):
            return .scalar(number)
        case .reference(let id):
            guard let value = context.value(of: id) else {
                throw MetricMathError(message: "Unknown id \(id) at char \(node.position)")
            }
            return value
        case .string, .keyword:
            // The parser accepts these only as the arguments that read them.
            throw MetricMathError(message: "Unexpected literal at char \(node.position)")
        case .array(let elements):
            var array: [MetricSeries] = []
            for element in elements {
                switch try value(of: element) {
                case .series(let series): array.append(series)
                case .array(let inner): array += inner
                case .scalar:
                    throw MetricMathError(
                        message: "The array at char \(node.position) holds a scalar; it can hold only time series")
                }
                // Checked as it grows: arrays of arrays of other expressions' arrays (empty series cost no points)
                // would otherwise multiply to billions of series.
                guard array.count <= MetricExpression.maximumArraySeries else {
                    throw MetricMathError(
                        message:
                            "The array at char \(node.position) holds more than \(MetricExpression.maximumArraySeries) time series"
                    )
                }
            }
            return .array(array)
        case .negation(let operand):
            return try each(try value(of: operand), .pointwise { -$0 })
        case .operation(let first, let steps):
            var result = try value(of: first)
            for step in steps {
                result = try combine(step.operator, result, try value(of: step.operand), at: step.position)
            }
            return result
        case .call(let function, let arguments):
            return try call(function, arguments, at: node.position)
        }
    }

    // MARK: Operators

    private mutating func combine(
        _ operation: MathOperator, _ left: MetricMathValue, _ right: MetricMathValue, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)):
            return .scalar(operation.apply(a, b))
        case (.series, .scalar), (.scalar, .series), (.series, .series):
            return .series(try combine(operation, left, right, like: left.firstSeries ?? right.firstSeries))
        case (.array(let array), .scalar), (.array(let array), .series):
            var results: [MetricSeries] = []
            for series in array { results.append(try combine(operation, .series(series), right, like: series)) }
            return .array(results)
        case (.scalar, .array(let array)), (.series, .array(let array)):
            var results: [MetricSeries] = []
            for series in array { results.append(try combine(operation, left, .series(series), like: series)) }
            return .array(results)
        case (.array, .array):
            throw MetricMathError(
                message:
                    "The operator \(operation.rawValue) at char \(position) cannot combine two arrays of time series")
        }
    }

    /// Two operands of which at least one is a series: point by point, a missing point counting as 0.
    private mutating func combine(
        _ operation: MathOperator, _ left: MetricMathValue, _ right: MetricMathValue, like template: MetricSeries?
    ) throws(MetricMathError) -> MetricSeries {
        let identity = template ?? MetricSeries(id: "", label: "", period: context.period, ordered: [], [])
        switch (left, right) {
        case (.series(let series), .scalar(let b)):
            return try made(like: identity, series.timestamps, series.values.map { operation.apply($0, b) })
        case (.scalar(let a), .series(let series)):
            return try made(like: identity, series.timestamps, series.values.map { operation.apply(a, $0) })
        case (.series(let a), .series(let b)):
            var timestamps: [Int64] = []
            var values: [Double] = []
            timestamps.reserveCapacity(Swift.max(a.timestamps.count, b.timestamps.count))
            values.reserveCapacity(timestamps.capacity)
            var i = 0
            var j = 0
            while i < a.timestamps.count || j < b.timestamps.count {
                if j == b.timestamps.count || (i < a.timestamps.count && a.timestamps[i] < b.timestamps[j]) {
                    timestamps.append(a.timestamps[i])
                    values.append(operation.apply(a.values[i], 0))
                    i += 1
                } else if i == a.timestamps.count || b.timestamps[j] < a.timestamps[i] {
                    timestamps.append(b.timestamps[j])
                    values.append(operation.apply(0, b.values[j]))
                    j += 1
                } else {
                    timestamps.append(a.timestamps[i])
                    values.append(operation.apply(a.values[i], b.values[j]))
                    i += 1
                    j += 1
                }
            }
            return try made(like: identity, timestamps, values)
        default:
            return identity.emptied()
        }
    }

    // MARK: Building series

    /// A series with `template`'s identity and period; points whose value is not finite are dropped and counted.
    mutating func made(
        like template: MetricSeries, _ timestamps: [Int64], _ values: [Double]
    )
        throws(MetricMathError) -> MetricSeries
    {
        try charge(timestamps.count)
        guard values.contains(where: { !$0.isFinite }) else {
            return MetricSeries(
                id: template.id, label: template.label, period: template.period, ordered: timestamps, values)
        }
        var kept: [Int64] = []
        var keptValues: [Double] = []
        for (time, value) in zip(timestamps, values) where value.isFinite {
            kept.append(time)
            keptValues.append(value)
        }
        droppedPoints += timestamps.count - kept.count
        return MetricSeries(id: template.id, label: template.label, period: template.period, ordered: kept, keptValues)
    }

    /// Counts `points` computed points against the evaluation's bound.
    mutating func charge(_ points: Int) throws(MetricMathError) {
        computedPoints += points
        guard computedPoints <= MetricExpression.maximumComputedPoints else {
            throw MetricMathError(
                message:
                    "The expression computes more than \(MetricExpression.maximumComputedPoints) data points")
        }
    }

    /// `transform` applied to a series, or to each series of an array; a scalar is refused unless the transform is
    /// pointwise (unary minus).
    mutating func each(
        _ value: MetricMathValue, _ transform: SeriesTransform, _ function: MathFunction? = nil,
        argument node: MathNode? = nil
    ) throws(MetricMathError) -> MetricMathValue {
        switch value {
        case .scalar(let scalar):
            guard function == nil, case .pointwise(let operation) = transform else {
                throw typeError(function, 0, node, value, "a time series or an array of time series")
            }
            return .scalar(operation(scalar))
        case .series(let series):
            return .series(try transformed(series, transform))
        case .array(let array):
            var results: [MetricSeries] = []
            for series in array { results.append(try transformed(series, transform)) }
            return .array(results)
        }
    }

    func typeError(
        _ function: MathFunction?, _ argument: Int, _ node: MathNode?, _ value: MetricMathValue, _ expected: String
    ) -> MetricMathError {
        let name = function?.rawValue ?? "the operator"
        let position = node.map { " at char \($0.position)" } ?? ""
        return MetricMathError(
            message: "Argument \(argument + 1) of \(name)\(position) must be \(expected), not \(value.typeName)")
    }

    // MARK: Functions

    private mutating func call(
        _ function: MathFunction, _ arguments: [MathNode], at position: Int
    )
        throws(MetricMathError) -> MetricMathValue
    {
        switch function {
        case .metrics:
            var text = ""
            if let argument = arguments.first, case .string(let written) = argument.kind { text = written }
            return .array(context.metrics.filter { text.isEmpty || $0.id.contains(text) })
        case .period:
            // The parser lets only an id through.
            guard case .reference(let id) = arguments[0].kind, let metric = context.metric(id) else {
                _ = try value(of: arguments[0])  // An id of nothing: "Unknown id".
                throw MetricMathError(
                    message: "PERIOD at char \(position) takes the id of a metric, not of an expression")
            }
            return .scalar(Double(metric.period))
        case .abs, .ceil, .floor, .log, .log10, .sqrt:
            let operation: @Sendable (Double) -> Double =
                switch function {
                case .abs: { Swift.abs($0) }
                case .sqrt: { $0.squareRoot() }
                case .ceil: { $0.rounded(.up) }
                case .floor: { $0.rounded(.down) }
                case .log: { Foundation.log($0) }
                default: { Foundation.log10($0) }
                }
            return try each(try value(of: arguments[0]), .pointwise(operation), function, argument: arguments[0])
        case .diff, .diffTime, .rate, .runningSum:
            let transform: SeriesTransform =
                switch function {
                case .diff: .difference
                case .diffTime: .timeDifference
                case .rate: .rate
                default: .runningSum
                }
            return try each(try value(of: arguments[0]), transform, function, argument: arguments[0])
        case .sum, .avg, .min, .max, .stddev, .datapointCount:
            let statistic = SeriesStatistic(function)
            switch try value(of: arguments[0]) {
            case .series(let series):
                try charge(series.values.count)
                return .scalar(statistic.of(series.values))
            case .array(let array): return .series(try aggregate(statistic, across: array))
            case .scalar:
                throw typeError(function, 0, arguments[0], .scalar(0), "a time series or an array of time series")
            }
        case .fill:
            return try fill(arguments)
        case .if:
            return try choose(arguments)
        case .first, .last, .removeEmpty, .metricCount:
            let array = try array(function, arguments, 0)
            switch function {
            case .first: return .series(array.first ?? emptySeries)
            case .last: return .series(array.last ?? emptySeries)
            case .removeEmpty: return .array(array.filter { !$0.timestamps.isEmpty })
            default: return .scalar(Double(array.count))
            }
        case .slice:
            let array = try array(function, arguments, 0)
            let start = try index(function, arguments, 1, count: array.count)
            let end = arguments.count > 2 ? try index(function, arguments, 2, count: array.count) : array.count
            return .array(start < end ? Array(array[start..<end]) : [])
        case .sort:
            return .array(try sort(arguments))
        case .timeSeries:
            let scalar = try scalar(function, arguments, 0)
            let grid = try context.grid(period: context.period)
            return .series(try made(like: emptySeries, grid, Array(repeating: scalar, count: grid.count)))
        case .minute, .hour, .day, .date, .month, .year, .epoch:
            let argument = try value(of: arguments[0])
            guard case .series(let series) = argument else {
                throw typeError(function, 0, arguments[0], argument, "a time series")
            }
            return .series(try transformed(series, .calendar(function)))
        }
    }

    /// An empty series without identity, at the request's period.
    var emptySeries: MetricSeries {
        MetricSeries(id: "", label: "", period: context.period, ordered: [], [])
    }

    mutating func array(
        _ function: MathFunction, _ arguments: [MathNode], _ argument: Int
    )
        throws(MetricMathError) -> [MetricSeries]
    {
        let value = try value(of: arguments[argument])
        guard case .array(let array) = value else {
            throw typeError(function, argument, arguments[argument], value, "an array of time series")
        }
        return array
    }

    mutating func scalar(
        _ function: MathFunction, _ arguments: [MathNode], _ argument: Int
    )
        throws(MetricMathError) -> Double
    {
        let value = try value(of: arguments[argument])
        guard case .scalar(let scalar) = value else {
            throw typeError(function, argument, arguments[argument], value, "a scalar")
        }
        return scalar
    }

    /// A scalar argument as an index into an array of `count`: rounded down, clamped to `0...count`.
    mutating func index(
        _ function: MathFunction, _ arguments: [MathNode], _ argument: Int, count: Int
    )
        throws(MetricMathError) -> Int
    {
        let scalar = try scalar(function, arguments, argument)
        guard !scalar.isNaN else { return 0 }
        return Int(Swift.min(Swift.max(scalar.rounded(.down), 0), Double(count)))
    }
}
