import Foundation

/// A time series as metric math sees it: the points of one query (or of a computation), oldest first.
public struct MetricSeries: Sendable, Equatable {
    /// The id of the query the series comes from: `METRICS("…")` matches it, and the caller labels the elements of
    /// an array result with it. Empty for a series computed from several (`SUM([m1, m2])`, `TIME_SERIES(1)`).
    public var id: String
    public var label: String
    /// Seconds between points: the query's `Period`. `FILL` and `MINUTE` … `EPOCH` lay their points on it.
    public var period: Int
    /// Epoch seconds, strictly ascending.
    public private(set) var timestamps: [Int64]
    /// `values[i]` is the value at `timestamps[i]`.
    public private(set) var values: [Double]

    /// A series from points in any order; a repeated timestamp keeps its last value, extra timestamps or values
    /// (when the counts differ) are ignored, a period below 1 second counts as 1.
    public init(id: String, label: String? = nil, period: Int, timestamps: [Int64], values: [Double]) {
        let count = min(timestamps.count, values.count)
        var stamps = Array(timestamps.prefix(count))
        var points = Array(values.prefix(count))
        if zip(stamps, stamps.dropFirst()).contains(where: { $0 >= $1 }) {
            var latest: [Int64: Double] = [:]
            for (time, value) in zip(stamps, points) { latest[time] = value }
            stamps = latest.keys.sorted()
            points = stamps.map { latest[$0] ?? 0 }
        }
        self.init(id: id, label: label ?? id, period: period, ordered: stamps, points)
    }

    /// A series from points already in strictly ascending time order.
    init(id: String, label: String, period: Int, ordered timestamps: [Int64], _ values: [Double]) {
        self.id = id
        self.label = label
        self.period = max(period, 1)
        self.timestamps = timestamps
        self.values = values
    }

    /// An empty series with this one's identity and period.
    func emptied() -> MetricSeries {
        MetricSeries(id: id, label: label, period: period, ordered: [], [])
    }
}

/// What a metric math expression (or part of one) evaluates to; AWS's user guide calls the three types S, TS and TS[].
public enum MetricMathValue: Sendable, Equatable {
    case scalar(Double)
    case series(MetricSeries)
    case array([MetricSeries])

    /// The type's name in messages.
    var typeName: String {
        switch self {
        case .scalar: "a scalar"
        case .series: "a time series"
        case .array: "an array of time series"
        }
    }
}

/// The outcome of evaluating an expression.
public struct MetricMathResult: Sendable, Equatable {
    public let value: MetricMathValue
    /// Points dropped because their value was not a finite number: a division by zero, the logarithm of 0 or of a
    /// negative number, an overflow. When it is above 0, GetMetricData adds `arithmeticErrorCode` with
    /// `arithmeticErrorMessage` to the query's `Messages`.
    public let droppedPoints: Int

    /// AWS's code and text for dropped points, verbatim: a real GetMetricData response kept as a test fixture by
    /// Grafana's CloudWatch data source (pkg/tsdb/cloudwatch/testdata/multiple-outputs-query-b.json).
    public static let arithmeticErrorCode = "ArithmeticError"
    public static let arithmeticErrorMessage =
        "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)"

    /// The series a GetMetricData query returns: one, or the elements of an array. "The final result of any math
    /// expression must be a single time series or an array of time series" (user guide); the message is Cairn's.
    public func timeSeries() throws(MetricMathError) -> [MetricSeries] {
        switch value {
        case .scalar:
            throw MetricMathError(
                message: "The expression must return a time series or an array of time series, not a scalar")
        case .series(let series): return [series]
        case .array(let array): return array
        }
    }

    /// The series an alarm watches: "Any expression used in a PutMetricAlarm operation must return a single time
    /// series" (API reference, MetricDataQuery); the message is Cairn's.
    public func singleTimeSeries() throws(MetricMathError) -> MetricSeries {
        guard case .series(let series) = value else {
            throw MetricMathError(message: "The expression must return a single time series, not \(value.typeName)")
        }
        return series
    }
}

/// Why an expression is refused, when parsed or when evaluated; `message` is the text for the caller's
/// `ValidationError` (AWS answers a bad expression with HTTP 400). All messages are Cairn's: AWS documents none, and
/// none could be found quoted. Parse errors name the character, counted from 0 in Unicode scalars, as
/// `at char N`.
public struct MetricMathError: Error, Equatable, Sendable {
    public let message: String
}

/// A metric math expression (GetMetricData's and PutMetricAlarm's `MetricDataQuery.Expression`), parsed once and
/// evaluated against the series of the request, as AWS documents it (user guide, "Metric math syntax and functions").
///
///     expression := or
///     or         := and (("OR" | "||") and)*
///     and        := comparison (("AND" | "&&") comparison)*
///     comparison := sum (("==" | "!=" | "<=" | ">=" | "<" | ">") sum)*
///     sum        := product (("+" | "-") product)*
///     product    := unary (("*" | "/") unary)*
///     unary      := "-" unary | power
///     power      := primary ("^" unary)?
///     primary    := number | id | FUNCTION "(" arguments ")" | "(" expression ")"
///                 | "[" expression ("," expression)* "]"
///
/// - Ids start with a lowercase letter and hold letters, digits and underscores; functions are upper case ("All
///   functions must be written in uppercase letters"). Numbers are decimal, with an optional exponent (`1e-36`).
///   Strings, in double or single quotes without escapes, are only `METRICS`'s argument.
/// - Precedence is not documented: `^` binds tightest and to the right (`-2^2` is -4), then unary minus, `*` `/`,
///   `+` `-`, comparisons, AND, OR. `NOT` is not among AWS's operators, so it is not one here either.
/// - Types and missing points follow the user guide: arithmetic, comparison and logical operators take scalars,
///   series and arrays (not two arrays); between two series they align by timestamp and a point missing from one
///   counts as 0; a point whose value is not finite (`x / 0`) is dropped and counted in
///   `MetricMathResult.droppedPoints`. The functions, and where Cairn had to choose, are described on
///   `MathFunction`.
/// - Limits: 1 to 2048 characters (the `MetricExpression` shape of the API). AWS documents no bound on nesting or
///   on the work an expression does; Cairn refuses more than `maximumNesting` levels of parentheses, arrays,
///   arguments and unary minus, a generated series (`FILL`, `TIME_SERIES`, `MINUTE` …) of more than
///   `maximumGridPoints` periods, and an evaluation computing more than `maximumComputedPoints` points.
/// - Not supported: functions that read other services or other metrics (`SEARCH`, `ANOMALY_DETECTION_BAND`,
///   `SERVICE_QUOTA`, `INSIGHT_RULE_METRIC`, `LAMBDA`, `DB_PERF_INSIGHTS`) and Metrics Insights queries
///   (`SELECT …`); they are refused with a message saying so.
public struct MetricExpression: Sendable {
    /// The `MetricExpression` shape's length constraint ("Minimum length of 1. Maximum length of 2048").
    public static let maximumLength = 2048
    /// Levels of nesting; Cairn's bound on recursion. The deepest expressions it lets through (32 nested calls, or
    /// every precedence level at every level) evaluate within 512 KiB of stack, a macOS secondary thread's, even in a
    /// debug build, where each nested call costs about 12 KiB.
    public static let maximumNesting = 32
    /// Periods in a generated series: GetMetricData returns at most 100,800 data points per call ("a total of as
    /// many as 100,800 data points"), so a longer series could never be returned.
    public static let maximumGridPoints = 100_800
    /// Points one evaluation may compute, intermediate results included; Cairn's bound on CPU and memory (500
    /// metrics of 1,440 points, transformed a few times, stay well below it).
    public static let maximumComputedPoints = 10_000_000
    /// The time series one array may hold (AWS: an expression returns at most 500 time series).
    public static let maximumArraySeries = 500

    public let text: String
    /// The ids the expression names, metrics or other expressions; `METRICS()` is not expanded (see `callsMetrics`).
    public let references: Set<String>
    /// Whether the expression calls `METRICS()`, which reads every metric of the request (never an expression).
    public let callsMetrics: Bool
    let root: MathNode

    public init(parsing text: String) throws(MetricMathError) {
        let length = text.unicodeScalars.count
        guard length >= 1 else { throw MetricMathError(message: "The expression is empty") }
        guard length <= Self.maximumLength else {
            throw MetricMathError(
                message: "The expression is \(length) characters long, more than \(Self.maximumLength)")
        }
        var parser = try MathParser(text)
        root = try parser.parseExpression()
        self.text = text
        var references = Set<String>()
        var callsMetrics = false
        root.visit { node in
            switch node.kind {
            case .reference(let id): references.insert(id)
            case .call(.metrics, _): callsMetrics = true
            default: break
            }
        }
        self.references = references
        self.callsMetrics = callsMetrics
    }

    /// The expression's value over the request's series: the ids it references must be in `context` (metrics as
    /// fetched, expressions as evaluated before, in the order `evaluationOrder` gives).
    public func evaluate(_ context: MetricMathContext) throws(MetricMathError) -> MetricMathResult {
        var evaluator = MetricMathEvaluator(context: context)
        let value = try evaluator.value(of: root)
        return MetricMathResult(value: value, droppedPoints: evaluator.droppedPoints)
    }
}

/// A node of a parsed expression, with the position (in Unicode scalars) where it starts.
struct MathNode: Sendable {
    indirect enum Kind: Sendable {
        case number(Double)
        /// `METRICS`'s argument, without its quotes.
        case string(String)
        /// `REPEAT`, `LINEAR` (FILL); `AVG`, `MIN`, `MAX`, `SUM`, `ASC`, `DESC` (SORT).
        case keyword(String)
        case reference(String)
        case array([MathNode])
        case negation(MathNode)
        /// Operands of one precedence level, folded from the left (`^` holds one step, its right side nested).
        case operation(MathNode, [MathStep])
        case call(MathFunction, [MathNode])
    }

    let kind: Kind
    let position: Int

    /// Calls `body` on this node and every node below it. Depth is bounded by the parser's nesting limit.
    func visit(_ body: (MathNode) -> Void) {
        body(self)
        switch kind {
        case .number, .string, .keyword, .reference: break
        case .array(let nodes), .call(_, let nodes): for node in nodes { node.visit(body) }
        case .negation(let operand): operand.visit(body)
        case .operation(let first, let steps):
            first.visit(body)
            for step in steps { step.operand.visit(body) }
        }
    }
}

/// One `operator operand` of a `MathNode.Kind.operation`.
struct MathStep: Sendable {
    let `operator`: MathOperator
    let operand: MathNode
    /// Where the operator is written.
    let position: Int
}

/// The binary operators, by precedence level (`level`: 0 binds loosest).
enum MathOperator: String, Sendable {
    case or = "OR"
    case and = "AND"
    case equal = "=="
    case notEqual = "!="
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case less = "<"
    case greater = ">"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case power = "^"

    var level: Int {
        switch self {
        case .or: 0
        case .and: 1
        case .equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater: 2
        case .add, .subtract: 3
        case .multiply, .divide: 4
        case .power: 5
        }
    }

    /// The operator a token stands for: symbols, and the words AND and OR.
    init?(token: String) {
        switch token {
        case "&&": self = .and
        case "||": self = .or
        default: self.init(rawValue: token)
        }
    }
}

extension MathOperator {
    /// The operator on two numbers; comparisons and logical operators give 1 (true) or 0 (false), any value but 0
    /// being true.
    func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .power: pow(a, b)
        case .equal: a == b ? 1 : 0
        case .notEqual: a != b ? 1 : 0
        case .less: a < b ? 1 : 0
        case .lessOrEqual: a <= b ? 1 : 0
        case .greater: a > b ? 1 : 0
        case .greaterOrEqual: a >= b ? 1 : 0
        case .and: a != 0 && b != 0 ? 1 : 0
        case .or: a != 0 || b != 0 ? 1 : 0
        }
    }
}

extension MetricMathValue {
    /// The value's series, or an array's first.
    var firstSeries: MetricSeries? {
        switch self {
        case .scalar: nil
        case .series(let series): series
        case .array(let array): array.first
        }
    }
}
