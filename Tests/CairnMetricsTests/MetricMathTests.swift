import Foundation
import Testing

@testable import CairnMetrics

/// Metric math expressions: AWS's documented examples and tables, alignment and missing points, every function on
/// small hand-computed series, precedence, limits, and refused expressions with their messages.
@Suite struct MetricMathTests {
    /// A series with `values` at 0, 60, 120, … (or `times`); nil is a missing point.
    static func series(_ id: String, _ values: [Double?], times: [Int64]? = nil, period: Int = 60) -> MetricSeries {
        let times = times ?? values.indices.map { Int64($0 * period) }
        let present = zip(times, values).compactMap { time, value in value.map { (time, $0) } }
        return MetricSeries(id: id, period: period, timestamps: present.map(\.0), values: present.map(\.1))
    }

    /// The request of most tests: 5 periods of a minute, from 0.
    static let metrics = [
        series("m1", [1, 2, nil, 4, 5]), series("m2", [10, nil, 30, 40, 50]), series("m3", [2, 2, 2, 2, 2]),
        series("errors", [1, 0, 2, nil, 1]), series("requests", [10, 10, 20, 20, 10]),
        series("http4xx", [1, 1, 1, 1, 1]), series("http5xx", [2, 2, 2, 2, 2]),
        series("latency", [100, 300, 200, 500, nil]), series("threshold", [250, 250, 250, 250, 250]),
    ]

    static func evaluate(
        _ text: String, _ metrics: [MetricSeries] = metrics, expressions: [String: MetricMathValue] = [:],
        start: Int64 = 0, end: Int64 = 300, period: Int = 60
    ) throws -> MetricMathResult {
        var context = MetricMathContext(start: start, end: end, period: period, metrics: metrics)
        for (id, value) in expressions { context.addExpression(id: id, value: value) }
        return try MetricExpression(parsing: text).evaluate(context)
    }

    /// The message an expression is refused with, when parsed or evaluated; nil when it evaluates.
    static func refusal(
        _ text: String, _ metrics: [MetricSeries] = metrics, period: Int = 60, end: Int64 = 300
    )
        -> String?
    {
        do {
            _ = try evaluate(text, metrics, expressions: ["e1": .series(series("e1", [1]))], end: end, period: period)
            return nil
        } catch {
            return (error as? MetricMathError)?.message
        }
    }

    /// Arrays of other expressions' arrays multiplied without a bound (empty series cost no points): three levels of
    /// 1,023 references made a billion series and ran the server out of memory (found by a review).
    @Test func arraysHoldAtMost500Series() throws {
        let empty = MetricSeries(id: "m", period: 60, timestamps: [], values: [])
        let references = Array(repeating: "m", count: 300).joined(separator: ",")
        let a = try Self.evaluate("[\(references)]", [empty])
        guard case .array(let array) = a.value else {
            Issue.record("not an array")
            return
        }
        #expect(array.count == 300)
        let doubled = Self.refusalOf("[a,a]", [empty], expressions: ["a": a.value])
        #expect(doubled == "The array at char 0 holds more than 500 time series")
        #expect(Self.refusalOf("SUM([a,a,a,a])", [empty], expressions: ["a": a.value]) != nil)
    }

    static func refusalOf(
        _ text: String, _ metrics: [MetricSeries], expressions: [String: MetricMathValue]
    ) -> String? {
        do {
            _ = try evaluate(text, metrics, expressions: expressions)
            return nil
        } catch {
            return (error as? MetricMathError)?.message
        }
    }

    /// A series' values at `count` periods from 0, nil where it has no point; nil if it has points elsewhere.
    static func slots(_ series: MetricSeries, _ count: Int = 5, period: Int64 = 60) -> [Double?]? {
        let values = (0..<count).map { slot in
            series.timestamps.firstIndex(of: Int64(slot) * period).map { series.values[$0] }
        }
        return values.compactMap { $0 }.count == series.timestamps.count ? values : nil
    }

    static func same(_ actual: [Double?]?, _ expected: [Double?]) -> Bool {
        guard let actual, actual.count == expected.count else { return false }
        return zip(actual, expected).allSatisfy { a, b in
            switch (a, b) {
            case (nil, nil): true
            case (let a?, let b?): Swift.abs(a - b) <= 1e-9 * Swift.max(1, Swift.abs(b))
            default: false
            }
        }
    }

    // MARK: AWS's examples

    enum Expected: Sendable {
        case values([Double?])
        case scalar(Double)
        case series
        /// An array of `count`; the values of one element if given.
        case array(Int, element: Int = 0, [Double?]? = nil)
        case refused(String)
    }

    struct Example: CustomTestStringConvertible, Sendable {
        let text: String
        let expected: Expected
        var testDescription: String { text }
        init(_ text: String, _ expected: Expected) {
            self.text = text
            self.expected = expected
        }
    }

    /// Every expression of the user guide's "Using math expressions with CloudWatch metrics" (both archived
    /// revisions, awsdocs/amazon-cloudwatch-user-guide doc_source/using-metric-math.md), quoted as written there,
    /// over `metrics`; the expected values are computed by hand. The guide's `METRICS(“4xx”)` has typographic quotes,
    /// a typesetting artefact: written here with straight ones. `e1` is an expression equal to m1.
    static let examples: [Example] = [
        // Adding a math expression to a graph; the METRICS() function.
        Example("m1+m2", .values([11, 2, 30, 44, 55])),
        Example("e1-MIN(e1)", .values([0, 1, nil, 3, 4])),
        Example("FILL(METRICS(), 0)", .array(9, [1, 2, 0, 4, 5])),
        Example("m1-AVG(m1)", .values([-2, -1, nil, 1, 2])),
        Example("SUM(METRICS())", .series),
        Example("METRICS()/100", .array(9, [0.01, 0.02, nil, 0.04, 0.05])),
        Example("SUM(METRICS(\"errors\"))", .values([1, 0, 2, nil, 1])),
        Example("SUM([METRICS(\"4xx\"), METRICS(\"5xx\")])", .values([3, 3, 3, 3, 3])),
        // Basic arithmetic functions.
        Example("PERIOD(m1)/60", .scalar(1)),
        Example("5 * m1", .values([5, 10, nil, 20, 25])),
        Example("m1 - m2", .values([-9, 2, -30, -36, -45])),
        Example("SUM(100/[m1, m2])", .values([110, 50, 100.0 / 30, 27.5, 22])),
        Example("AVG([m1,m2]/m3)", .values([2.75, 0.5, 7.5, 11, 13.75])),
        Example("METRICS()*100", .array(9, [100, 200, nil, 400, 500])),
        Example("-5*m1", .values([-5, -10, nil, -20, -25])),
        Example("-m1", .values([-1, -2, nil, -4, -5])),
        Example("SUM(-[m1, m2])", .values([-11, -2, -30, -44, -55])),
        // Functions supported for metric math.
        Example("ABS(m1-m2)", .values([9, 2, 30, 36, 45])),
        Example("MIN(ABS([m1, m2]))", .values([1, 2, 30, 4, 5])),
        Example("ABS(METRICS())", .array(9)),
        Example(
            "ANOMALY_DETECTION_BAND(m1)", .refused("The function ANOMALY_DETECTION_BAND at char 0 is not supported")),
        Example(
            "ANOMALY_DETECTION_BAND(m1,4)", .refused("The function ANOMALY_DETECTION_BAND at char 0 is not supported")),
        Example("SUM([m1,m2])/AVG(m2)", .values([11 / 32.5, 2 / 32.5, 30 / 32.5, 44 / 32.5, 55 / 32.5])),
        Example("AVG(METRICS())", .series),
        Example("CEIL(m1)", .values([1, 2, nil, 4, 5])),
        Example("CEIL(METRICS())", .array(9)),
        Example("SUM(CEIL(METRICS()))", .series),
        Example("SUM(m1) / DATAPOINT_COUNT(m1)", .scalar(3)),
        Example("DATAPOINT_COUNT(METRICS())", .values([9, 8, 8, 8, 8])),
        Example("DIFF(m1)", .values([nil, 1, nil, 2, 1])),
        Example("DIFF_TIME(METRICS())", .array(9, [nil, 60, nil, 120, 60])),
        Example("FILL(m1,10)", .values([1, 2, 10, 4, 5])),
        Example("FILL(METRICS(), m1)", .array(9, element: 1, [10, 2, 30, 40, 50])),
        Example("FILL(m1, MIN(m1))", .values([1, 2, 1, 4, 5])),
        Example("FILL(m1, REPEAT)", .values([1, 2, 2, 4, 5])),
        Example("FILL(METRICS(), LINEAR)", .array(9, [1, 2, 3, 4, 5])),
        // The highest average is latency's (275): 1 where it is above 100.
        Example("IF(FIRST(SORT(METRICS(), AVG, DESC))>100, 1, 0)", .values([0, 1, 1, 1, nil])),
        Example(
            "LAST(ANOMALY_DETECTION_BAND(m1))",
            .refused("The function ANOMALY_DETECTION_BAND at char 5 is not supported")),
        Example("FLOOR(m1)", .values([1, 2, nil, 4, 5])),
        Example("FLOOR(METRICS())", .array(9)),
        Example("LOG(METRICS())", .array(9, [0, 0.6931471805599453, nil, 1.3862943611198906, 1.6094379124341003])),
        Example("LOG10(m1)", .values([0, 0.3010299956639812, nil, 0.6020599913279624, 0.6989700043360189])),
        // Not AWS's (the issue asks for it): the same as m1^0.5.
        Example("SQRT(m1)", .values([1, 2.0.squareRoot(), nil, 2, 5.0.squareRoot()])),
        Example("MAX(m1)/m1", .values([5, 2.5, nil, 1.25, 1])),
        Example("MAX(METRICS())", .series),
        Example("m1/METRIC_COUNT(METRICS())", .values([1.0 / 9, 2.0 / 9, nil, 4.0 / 9, 5.0 / 9])),
        Example("SUM(METRICS(\"errors\"))", .values([1, 0, 2, nil, 1])),
        Example("m1-MIN(m1)", .values([0, 1, nil, 3, 4])),
        Example("MIN(METRICS())", .series),
        // 1970-01-01 00:00 UTC, a Thursday in January: the minutes of the grid; weekday; not April.
        Example("MINUTE(m1)", .values([0, 1, 2, 3, 4])),
        Example("IF(DAY(m1)<6,m1)", .values([1, 2, 0, 4, 5])),
        Example("IF(MONTH(m1) == 4,m1)", .values([nil, nil, nil, nil, nil])),
        Example("m1/PERIOD(m1)", .values([1.0 / 60, 2.0 / 60, nil, 4.0 / 60, 5.0 / 60])),
        Example("RATE(m1)", .values([nil, 1.0 / 60, nil, 2.0 / 120, 1.0 / 60])),
        Example("RATE(METRICS())", .array(9)),
        Example("REMOVE_EMPTY(METRICS())", .array(9)),
        Example("RUNNING_SUM([m1,m2])", .array(2, element: 1, [10, nil, 40, 80, 130])),
        Example("SLICE(SORT(METRICS(), SUM, DESC), 0, 10)", .array(9, [250, 250, 250, 250, 250])),
        // By AVG: errors, http4xx, m3, http5xx, m1, then requests, m2, threshold, latency.
        Example("SLICE(SORT(METRICS(), AVG, ASC), 5)", .array(4, [10, 10, 20, 20, 10])),
        Example("SORT(METRICS(), AVG, DESC, 10)", .array(9, [100, 300, 200, 500, nil])),
        Example("SORT(METRICS(), MAX, ASC)", .array(9, [1, 1, 1, 1, 1])),
        Example("m1/STDDEV(m1)", .values([1, 2, nil, 4, 5].map { $0.map { $0 / 1.5811388300841898 } })),
        Example("STDDEV(METRICS())", .series),
        Example("SUM(METRICS())/SUM(m1)", .series),
        Example("SUM([m1,m2])", .values([11, 2, 30, 44, 55])),
        Example("SUM(METRICS(\"errors\"))/SUM(METRICS(\"requests\"))*100", .values([10, 0, 10, 0, 10])),
        Example("TIME_SERIES(MAX(m1))", .values([5, 5, 5, 5, 5])),
        Example("TIME_SERIES(5*AVG(m1))", .values([15, 15, 15, 15, 15])),
        Example("TIME_SERIES(10)", .values([10, 10, 10, 10, 10])),
        // Use case examples for IF expressions (metric1 written latency). Between two series, latency's missing last
        // point counts as 0; against a scalar, it gives no point.
        Example("IF(latency>threshold, 1, 0)", .values([0, 1, 0, 1, 0])),
        Example("IF(latency<400, latency)", .values([100, 300, 200, nil, nil])),
        Example("IF(latency<400, 10, 2)", .values([10, 10, 10, 2, nil])),
        // AWS's blog post announcing the functions ("Enhance CloudWatch metrics with metric math functions").
        Example("IF((DAY(m1)<6 AND (HOUR(m1)>=9 AND HOUR(m1)<17)),m1)", .values([nil, nil, nil, nil, nil])),
    ]

    @Test(arguments: examples)
    func documentedExamples(_ example: Example) throws {
        let e1: [String: MetricMathValue] = ["e1": .series(Self.series("e1", [1, 2, nil, 4, 5]))]
        if case .refused(let message) = example.expected {
            #expect(throws: MetricMathError(message: message)) { try Self.evaluate(example.text, expressions: e1) }
            return
        }
        let value = try Self.evaluate(example.text, expressions: e1).value
        switch (example.expected, value) {
        case (.values(let expected), .series(let series)):
            #expect(Self.same(Self.slots(series), expected), "\(series.timestamps) \(series.values)")
        case (.scalar(let expected), .scalar(let scalar)):
            #expect(scalar == expected)
        case (.series, .series):
            break
        case (.array(let count, let element, let expected), .array(let array)):
            #expect(array.count == count)
            if let expected, array.indices.contains(element) {
                #expect(Self.same(Self.slots(array[element]), expected), "\(array[element])")
            }
        default:
            Issue.record("\(example.text) gave \(value)")
        }
    }

    /// "Comparison and logical operators": metric1 `[30, 20, 0, 0]`, metric2 `[20, -, 20, -]`.
    @Test(
        arguments: [
            ("(metric1 < metric2)", [0, 0, 1, 0]), ("(metric1 >= 30)", [1, 0, 0, 0]),
            ("(metric1 > 15 AND metric2 > 15)", [1, 0, 0, 0]), ("metric1 > 15 && metric2 > 15", [1, 0, 0, 0]),
            ("metric1 > 25 OR metric2 > 15", [1, 0, 1, 0]), ("metric1 == 0 || metric2 != 20", [0, 0, 1, 1]),
            ("metric1 <= 20", [0, 1, 1, 1]),
        ] as [(String, [Double?])])
    func comparisonTable(_ text: String, _ expected: [Double?]) throws {
        let metrics = [Self.series("metric1", [30, 20, 0, 0]), Self.series("metric2", [20, nil, 20, nil])]
        let series = try Self.evaluate(text, metrics, end: 240).singleTimeSeries()
        #expect(Self.same(Self.slots(series, 4), expected))
        #expect(try Self.evaluate("2 > 1 AND 0 < 1", metrics).value == .scalar(1))
    }

    /// "Using IF expressions": its three tables, metric1 `[1, 1, 0, 0, -]`, metric2 `[30, -, 0, 0, 30]`, metric3
    /// `[0, 0, 20, -, 20]`, scalars 5; and a scalar condition.
    @Test(
        arguments: [
            ("IF(metric1, metric2, metric3)", [30, 0, 20, nil, nil]),
            ("IF(metric1, 5, metric3)", [5, 5, 20, nil, nil]),
            ("IF(metric1, metric2, 5)", [30, 0, 5, 5, nil]), ("IF(metric1, metric2)", [30, 0, nil, nil, nil]),
            ("IF(1, metric2, metric3)", [30, nil, 0, 0, 30]), ("IF(0, metric2, metric3)", [0, 0, 20, nil, 20]),
            ("IF(0, metric2)", [nil, nil, nil, nil, nil]), ("IF(metric3 > 10, 1, 0)", [0, 0, 1, nil, 1]),
        ] as [(String, [Double?])])
    func ifTables(_ text: String, _ expected: [Double?]) throws {
        let metrics = [
            Self.series("metric1", [1, 1, 0, 0, nil]), Self.series("metric2", [30, nil, 0, 0, 30]),
            Self.series("metric3", [0, 0, 20, nil, 20]),
        ]
        #expect(Self.same(Self.slots(try Self.evaluate(text, metrics).singleTimeSeries()), expected))
    }

    // MARK: Alignment, missing points, non-finite values

    @Test func seriesAlignByTimestampAndMissingPointsCountAsZero() throws {
        let a = Self.series("a", [1, 2, 3], times: [0, 60, 120])
        let b = Self.series("b", [10, 20, 30], times: [30, 60, 150], period: 30)
        let sum = try Self.evaluate("a + b", [a, b]).singleTimeSeries()
        #expect(sum.timestamps == [0, 30, 60, 120, 150])
        #expect(sum.values == [1, 10, 22, 3, 30])
        #expect(sum.id == "a" && sum.period == 60)
        let difference = try Self.evaluate("b - a", [a, b]).singleTimeSeries()
        #expect(difference.values == [-1, 10, 18, -3, 30])
        #expect(difference.id == "b")
    }

    @Test func nonFinitePointsAreDroppedAndCounted() throws {
        let metrics = [Self.series("a", [6, 0, 3, 4]), Self.series("b", [2, 0, 0, nil])]
        // 6/2; 0/0 is NaN; 3/0 and 4/(missing: 0) are infinite.
        let ratio = try Self.evaluate("a / b", metrics)
        #expect(ratio.droppedPoints == 3)
        #expect(Self.same(Self.slots(try ratio.singleTimeSeries(), 4), [3, nil, nil, nil]))
        #expect(try Self.evaluate("a / 0", metrics).droppedPoints == 4)
        #expect(try Self.evaluate("LOG(b)", metrics).droppedPoints == 2)
        #expect(try Self.evaluate("(-1) ^ 0.5 * a", metrics).droppedPoints == 4)
        #expect(try Self.evaluate("a * 2", metrics).droppedPoints == 0)
        // A scalar stays infinite until it meets points.
        #expect(try Self.evaluate("1 / 0", metrics).value == .scalar(.infinity))
        #expect(MetricMathResult.arithmeticErrorCode == "ArithmeticError")
    }

    // MARK: Functions

    @Test func statisticsOfASeriesAndAcrossAnArray() throws {
        for (text, expected) in [
            ("SUM(m1)", 12), ("AVG(m1)", 3), ("MIN(m1)", 1), ("MAX(m1)", 5), ("DATAPOINT_COUNT(m1)", 4),
            ("STDDEV(m1)", 1.5811388300841898), ("METRIC_COUNT([m1, m2])", 2),
        ] as [(String, Double)] {
            guard case .scalar(let value) = try Self.evaluate(text).value else {
                Issue.record("\(text) is not a scalar")
                continue
            }
            #expect(Swift.abs(value - expected) < 1e-12, "\(text)")
        }
        // Across [m1, m2]: AVG counts a missing point as 0; MIN, MAX and STDDEV take the points present.
        for (text, expected) in [
            ("AVG([m1, m2])", [5.5, 1, 15, 22, 27.5]), ("MIN([m1, m2])", [1, 2, 30, 4, 5]),
            ("MAX([m1, m2])", [10, 2, 30, 40, 50]), ("STDDEV([m1, m2])", [4.5, 0, 0, 18, 22.5]),
            ("DATAPOINT_COUNT([m1, m2])", [2, 1, 1, 2, 2]),
        ] as [(String, [Double?])] {
            #expect(Self.same(Self.slots(try Self.evaluate(text).singleTimeSeries()), expected), "\(text)")
        }
        let empty = [Self.series("none", [])]
        #expect(try Self.evaluate("SUM(none)", empty).value == .scalar(0))
        for text in ["AVG(none)", "MIN(none)", "MAX(none)", "STDDEV(none)"] {
            let value = try Self.evaluate(text, empty).value
            #expect(value.firstSeries == nil && value != .scalar(0), "\(text)")  // NaN equals nothing
        }
        #expect(try Self.evaluate("SUM(METRICS(\"nothing\"))").singleTimeSeries().timestamps.isEmpty)
        #expect(try Self.evaluate("SUM([m1, m2])").singleTimeSeries().id == "")
    }

    @Test func fillAtTheEdgesOfTheRange() throws {
        let metrics = [Self.series("m", [nil, 2, nil, nil, 5, nil]), Self.series("other", [7, nil, 8, nil, nil, 9])]
        for (text, expected) in [
            ("FILL(m, 0)", [0, 2, 0, 0, 5, 0]), ("FILL(m, REPEAT)", [nil, 2, 2, 2, 5, 5]),
            ("FILL(m, LINEAR)", [nil, 2, 3, 4, 5, nil]), ("FILL(m, other)", [7, 2, 8, nil, 5, 9]),
        ] as [(String, [Double?])] {
            let filled = try Self.evaluate(text, metrics, end: 360).singleTimeSeries()
            #expect(Self.same(Self.slots(filled, 6), expected), "\(text)")
        }
        let empty = [Self.series("none", [])]
        #expect(try Self.evaluate("FILL(none, 7)", empty).singleTimeSeries().values == [7, 7, 7, 7, 7])
        #expect(try Self.evaluate("FILL(none, REPEAT)", empty).singleTimeSeries().values.isEmpty)
        // The grid starts at the start rounded down to the minute: 60, 120, 180, 240 for [90, 300).
        let late = try Self.evaluate("FILL(none, 1)", empty, start: 90).singleTimeSeries()
        #expect(late.timestamps == [60, 120, 180, 240])
        let hourly = try Self.evaluate("TIME_SERIES(1)", empty, start: 90, end: 7200, period: 3600)
        #expect(try hourly.singleTimeSeries().timestamps == [60, 3660])
        // A point off the grid stays, and bounds the interpolation.
        let offGrid = [Self.series("m", [0, 9], times: [0, 90])]
        #expect(try Self.evaluate("FILL(m, LINEAR)", offGrid, end: 180).singleTimeSeries().values == [0, 6, 9])
    }

    @Test func changesOverIrregularTimestamps() throws {
        let metrics = [Self.series("m", [10, 16, 10, 30], times: [0, 30, 150, 160])]
        for (text, expected) in [
            ("DIFF(m)", [6, -6, 20]), ("DIFF_TIME(m)", [30, 120, 10]), ("RATE(m)", [0.2, -0.05, 2]),
        ] as [(String, [Double])] {
            let series = try Self.evaluate(text, metrics).singleTimeSeries()
            #expect(series.timestamps == [30, 150, 160], "\(text)")
            #expect(series.values == expected, "\(text)")
        }
        #expect(try Self.evaluate("RUNNING_SUM(m)", metrics).singleTimeSeries().values == [10, 26, 36, 66])
        #expect(try Self.evaluate("RATE(m * 0 + TIME_SERIES(1))", [Self.series("m", [])]).droppedPoints == 0)
    }

    @Test func metricsFunctionMatchesIdsContainingTheText() throws {
        let metrics = ["cpu_a", "cpu_b", "mem_a", "acpu"].map { Self.series($0, [1]) }
        func ids(_ text: String) throws -> [String] {
            try Self.evaluate(text, metrics, expressions: ["cpu_e": .series(Self.series("cpu_e", [1]))]).timeSeries()
                .map(\.id)
        }
        #expect(try ids("METRICS()") == ["cpu_a", "cpu_b", "mem_a", "acpu"])
        #expect(try ids("METRICS(\"cpu\")") == ["cpu_a", "cpu_b", "acpu"])
        #expect(try ids("METRICS('_a')") == ["cpu_a", "mem_a"])
        #expect(try ids("METRICS(\"CPU\")") == [])
        #expect(try ids("METRICS(\"cpu\") * 2") == ["cpu_a", "cpu_b", "acpu"])
        #expect(try ids("FIRST(METRICS(\"x\"))").count == 1)
    }

    @Test func sortSliceAndArrays() throws {
        let metrics = [
            Self.series("a", [3, 3]), Self.series("b", [1]), Self.series("c", []), Self.series("d", [3]),
            Self.series("e", [5]),
        ]
        func ids(_ text: String) throws -> [String] { try Self.evaluate(text, metrics).timeSeries().map(\.id) }
        #expect(try ids("SORT(METRICS(), MAX, DESC)") == ["e", "a", "d", "b", "c"])
        #expect(try ids("SORT(METRICS(), SUM, ASC)") == ["c", "b", "d", "e", "a"])
        #expect(try ids("SORT(METRICS(), AVG, ASC, 2.9)") == ["b", "a"])
        #expect(try ids("SORT(METRICS(), MIN, ASC)") == ["b", "a", "d", "e", "c"])
        #expect(try ids("SLICE(METRICS(), 1, 3)") == ["b", "c"])
        #expect(try ids("SLICE(METRICS(), -4, 99)") == ["a", "b", "c", "d", "e"])
        #expect(try ids("SLICE(METRICS(), 3, 1)") == [])
        #expect(try ids("LAST(METRICS())") == ["e"])
        #expect(try ids("REMOVE_EMPTY(METRICS())") == ["a", "b", "d", "e"])
        #expect(try Self.evaluate("METRIC_COUNT(METRICS())", metrics).value == .scalar(5))
        #expect(try ids("[a, METRICS(\"e\"), b]") == ["a", "e", "b"])
    }

    @Test func calendarFunctionsInUTC() throws {
        // 2024-02-29T13:45:00Z, a Thursday; one second before the epoch, a Wednesday.
        for (time, expected) in [
            (Int64(1_709_214_300), [45, 13, 4, 29, 2, 2024]), (-1, [59, 23, 3, 31, 12, 1969]),
            (951_782_400, [0, 0, 2, 29, 2, 2000]),
        ] as [(Int64, [Double])] {
            let functions: [MathFunction] = [.minute, .hour, .day, .date, .month, .year]
            #expect(functions.map { MetricMathEvaluator.calendar($0, time) } == expected, "\(time)")
            #expect(MetricMathEvaluator.calendar(.epoch, time) == Double(time))
        }
        let sunday = Int64(1_709_424_000)  // 2024-03-03T00:00:00Z
        let week = [MetricSeries(id: "m", period: 86_400, timestamps: [], values: [])]
        let result = try Self.evaluate("DAY(m)", week, start: sunday, end: sunday + 2 * 86_400, period: 86_400)
        #expect(try result.singleTimeSeries().values == [7, 1])
    }

    // MARK: Syntax

    @Test(
        arguments: [
            ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 2 - 3", 5), ("8 / 2 / 2", 2), ("2 ^ 3 ^ 2", 512),
            ("-2 ^ 2", -4), ("2 ^ -1", 0.5), ("- - 3", 3), ("2 * -3", -6), ("1e2 + .5", 100.5), ("1.5E+1", 15),
            ("1 + 2 > 2 AND 0 OR 1", 1), ("1 || 0 && 0", 1), ("1 < 2 == 1", 1), ("3 - 1 > 1 + 1", 0),
            ("\t(\n4 )", 4),
        ] as [(String, Double)])
    func precedence(_ text: String, _ expected: Double) throws {
        #expect(try Self.evaluate(text).value == .scalar(expected))
    }

    @Test func referencesAndEvaluationOrder() throws {
        let expression = try MetricExpression(parsing: "m1 + SUM(METRICS(\"x\")) * e2 - m1")
        #expect(expression.references == ["m1", "e2"] && expression.callsMetrics)
        #expect(try !MetricExpression(parsing: "m1 * 2").callsMetrics)
        func order(_ list: [(String, String)], metrics: Set<String> = ["m1"]) throws -> [String] {
            try MetricExpression.evaluationOrder(
                list.map { (id: $0.0, expression: try MetricExpression(parsing: $0.1)) }, metricIDs: metrics)
        }
        #expect(try order([("e3", "e1 + e2"), ("e1", "m1 * 2"), ("e2", "e1 - 1")]) == ["e1", "e2", "e3"])
        #expect(try order([("b", "SUM(METRICS())"), ("a", "m1")]) == ["b", "a"])
        #expect(throws: MetricMathError(message: "The expression e1 references m9, which is not the id of a query")) {
            try order([("e1", "m1 + m9")])
        }
        #expect(throws: MetricMathError(message: "Circular dependency between the expressions a, b")) {
            try order([("c", "a * 2"), ("a", "b + 1"), ("b", "a + m1")])
        }
        #expect(throws: MetricMathError(message: "Circular dependency between the expressions x")) {
            try order([("x", "x + 1")])
        }
        // An expression's array result stays an array for the expressions that use it.
        let e1 = try Self.evaluate("METRICS(\"m\")").value
        #expect(try Self.evaluate("SUM(e1)", expressions: ["e1": e1]).singleTimeSeries().values.count == 5)
        #expect(try Self.evaluate("m1 * 2").singleTimeSeries().label == "m1")
    }

    @Test func seriesNormaliseTheirPoints() {
        let series = MetricSeries(id: "m", period: 0, timestamps: [120, 0, 60, 0, 180], values: [3, 1, 2, 9])
        #expect(series.timestamps == [0, 60, 120] && series.values == [9, 2, 3])
        #expect(series.period == 1 && series.label == "m")
    }

    // MARK: Refused expressions

    static let nested = String(repeating: "(", count: 33) + "m1" + String(repeating: ")", count: 33)

    @Test(
        arguments: [
            ("(m1 + m2", "Unexpected end of expression, expected ')'"),
            ("m1 + m2)", "Unexpected token ')' at char 7"),
            ("SUM([m1, m2)", "Unexpected token ')' at char 11, expected ',' or ']'"),
            ("m1 +", "Unexpected end of expression"),
            ("[]", "Unexpected token ']' at char 1"),
            ("2m1", "Unexpected token 'm1' at char 1"),
            ("FOO(m1)", "Unknown function FOO at char 0"),
            ("sum(m1)", "Unknown function sum at char 0: function names are written in uppercase letters"),
            ("SUM(m1, m2)", "SUM at char 0 takes 1 argument, not 2"),
            ("FILL(m1)", "FILL at char 0 takes 2 arguments, not 1"),
            ("IF(m1)", "IF at char 0 takes 2 to 3 arguments, not 1"),
            ("TIME_SERIES()", "TIME_SERIES at char 0 takes 1 argument, not 0"),
            ("METRICS(m1)", "METRICS at char 8 takes a string, in quotes"),
            ("SORT(METRICS(), MEDIAN, DESC)", "Argument 2 of SORT at char 16 must be one of AVG, MIN, MAX, SUM"),
            ("SORT(METRICS(), AVG, UP)", "Argument 3 of SORT at char 21 must be one of ASC, DESC"),
            ("PERIOD(m1 * 2)", "PERIOD at char 0 takes the id of a metric, not an expression"),
            (
                "M1 + 1",
                "Invalid id M1 at char 0: an id starts with a lowercase letter and contains only letters, numbers and underscores"
            ),
            ("m1 + REPEAT", "Unexpected keyword REPEAT at char 5"),
            ("m1 AND OR m2", "Unexpected keyword OR at char 7"),
            ("m1 % 2", "Unexpected character '%' at char 3"),
            ("m1 = 2", "Unexpected character '=' at char 3"),
            ("_m1", "Unexpected character '_' at char 0"),
            ("METRICS(\"abc)", "Unterminated string at char 8"),
            ("\"abc\" + m1", "Unexpected string \"abc\" at char 0: only METRICS takes a string"),
            ("1e999 * m1", "The number 1e999 at char 0 is out of range"),
            ("", "The expression is empty"),
            (String(repeating: "m", count: 2049), "The expression is 2049 characters long, more than 2048"),
            (
                "SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 300)",
                "The function SEARCH at char 0 is not supported"
            ),
            (
                "SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")",
                "Metrics Insights queries (SELECT …) are not supported"
            ),
            (nested, "The expression nests more than 32 levels deep at char 32"),
            (String(repeating: "-", count: 100) + "m1", "The expression nests more than 32 levels deep at char 32"),
            // Evaluation: types, ids, results.
            ("m9 + 1", "Unknown id m9 at char 0"),
            ("SUM(5)", "Argument 1 of SUM at char 4 must be a time series or an array of time series, not a scalar"),
            ("ABS(-1)", "Argument 1 of ABS at char 4 must be a time series or an array of time series, not a scalar"),
            ("FIRST(m1)", "Argument 1 of FIRST at char 6 must be an array of time series, not a time series"),
            ("TIME_SERIES(m1)", "Argument 1 of TIME_SERIES at char 12 must be a scalar, not a time series"),
            ("MINUTE(METRICS())", "Argument 1 of MINUTE at char 7 must be a time series, not an array of time series"),
            (
                "FILL(5, 0)",
                "Argument 1 of FILL at char 5 must be a time series or an array of time series, not a scalar"
            ),
            (
                "FILL(m1, METRICS())",
                "Argument 2 of FILL at char 9 must be a scalar, a time series, REPEAT or LINEAR, not an array of time series"
            ),
            (
                "IF(METRICS(), 1)",
                "Argument 1 of IF at char 3 must be a scalar or a time series, not an array of time series"
            ),
            ("IF(1, 2, m1)", "Argument 2 of IF at char 6 must be a time series, not a scalar"),
            ("METRICS() + METRICS()", "The operator + at char 10 cannot combine two arrays of time series"),
            ("[m1, 5]", "The array at char 0 holds a scalar; it can hold only time series"),
            ("PERIOD(e1)", "PERIOD at char 0 takes the id of a metric, not of an expression"),
            ("PERIOD(m9)", "Unknown id m9 at char 7"),
        ] as [(String, String)])
    func refused(_ text: String, _ message: String) {
        #expect(Self.refusal(text) == message)
    }

    /// The deepest expressions `maximumNesting` lets through, evaluated on a thread of 512 KiB (a macOS secondary
    /// thread's stack): a stack overflow would crash the test run.
    @Test func theDeepestExpressionsFitInASmallStack() async {
        let deepest = [
            String(repeating: "ABS(", count: 32) + "m1" + String(repeating: ")", count: 32),
            String(repeating: "IF(m1, ", count: 32) + "m1" + String(repeating: ")", count: 32),
            String(repeating: "FILL(", count: 32) + "m1" + String(repeating: ", 0)", count: 32),
            String(repeating: "SUM([", count: 16) + "m1" + String(repeating: "])", count: 16),
            String(repeating: "(", count: 32) + "m1" + String(repeating: ")", count: 32),
            (0..<10).reduce("m1") { inner, _ in "m1 OR m1 AND m1 == m1 + m1 * m1 ^ -(\(inner))" },
        ]
        let refusals = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: deepest.map { Self.refusal($0) }) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        #expect(refusals == Array(repeating: nil, count: deepest.count))
    }

    @Test func limits() throws {
        #expect(Self.refusal(String(repeating: "(", count: 32) + "m1" + String(repeating: ")", count: 32)) == nil)
        #expect(Self.refusal("m1 " + String(repeating: " + m1", count: 409)) == nil)  // 2048 characters
        #expect(Self.refusal("TIME_SERIES(1)", period: 1, end: 100_800) == nil)
        #expect(
            Self.refusal("TIME_SERIES(1)", period: 1, end: 100_801)
                == "The time range holds more than 100800 periods of 1 seconds")
        let long = [
            MetricSeries(
                id: "m", period: 1, timestamps: Array(0..<500_000), values: Array(repeating: 1, count: 500_000))
        ]
        #expect(
            Self.refusal("m" + String(repeating: " + m", count: 21), long)
                == "The expression computes more than 10000000 data points")
        #expect(
            throws: MetricMathError(
                message: "The expression must return a time series or an array of time series, not a scalar")
        ) {
            try Self.evaluate("SUM(m1)").timeSeries()
        }
        #expect(
            throws: MetricMathError(
                message: "The expression must return a single time series, not an array of time series")
        ) {
            try Self.evaluate("METRICS()").singleTimeSeries()
        }
    }
}
