import CairnMetrics
import CairnProtocol
import Testing

@testable import CairnLogs

@Suite struct MetricFilterTests {
    static func batch(_ events: [(Int64, String)]) -> (ArraySlice<Int64>, [UInt8], [Int]) {
        var messages: [UInt8] = []
        var ends: [Int] = []
        for (_, message) in events {
            messages += message.utf8
            ends.append(messages.count)
        }
        return (ArraySlice(events.map(\.0)), messages, ends)
    }

    static func transformation(
        value: String, defaultValue: Double? = nil, dimensions: [String: String]? = nil
    ) -> MetricTransformation {
        MetricTransformation(
            metricName: "M", metricNamespace: "N", metricValue: value, defaultValue: defaultValue,
            dimensions: dimensions, unit: nil)
    }

    @Test func aggregatesMatchesPerMinuteOfEventTime() throws {
        let filter = try MetricFilter(pattern: "{ $.ms > 100 }", transformation: Self.transformation(value: "$.ms"))
        let (timestamps, messages, ends) = Self.batch([
            (60_000, #"{"ms": 150}"#), (61_000, #"{"ms": 50}"#), (119_999, #"{"ms": 300}"#), (120_000, #"{"ms": 101}"#),
            (120_500, "not json"), (121_000, #"{"ms": "fast"}"#),
        ])
        let points = [filter].points(timestamps: timestamps, messages: messages, messageEnds: ends)
        #expect(points.map(\.periodStart) == [60, 120])
        #expect(points.map(\.sampleCount) == [2, 1])
        #expect(points.map(\.sum) == [450, 101])
        #expect(points.map(\.maximum) == [300, 101])
        #expect(points[0].samples == [150, 300])
    }

    @Test func defaultValueFillsMinutesWithoutMatches() throws {
        let filter = try MetricFilter(
            pattern: "ERROR", transformation: Self.transformation(value: "1", defaultValue: 0))
        let (timestamps, messages, ends) = Self.batch([(0, "ok"), (1000, "ok"), (60_000, "ERROR x"), (60_001, "ok")])
        let points = [filter].points(timestamps: timestamps, messages: messages, messageEnds: ends)
        #expect(points.map { [$0.periodStart, Int64($0.sampleCount), Int64($0.sum)] } == [[0, 1, 0], [60, 1, 1]])
    }

    @Test func dimensionsComeFromFieldsAndMissingOnesSkipTheEvent() throws {
        let filter = try MetricFilter(
            pattern: "[host, status, bytes]",
            transformation: Self.transformation(value: "$bytes", dimensions: ["Status": "$status"]))
        let (timestamps, messages, ends) = Self.batch([
            (0, "a 200 10"), (1, "b 500 5"), (2, "c 200 1"), (3, "two fields"),
        ])
        let points = [filter].points(timestamps: timestamps, messages: messages, messageEnds: ends)
        #expect(points.map { $0.metric.dimensions.map(\.value) } == [["200"], ["500"]])
        #expect(points.map(\.sum) == [11, 5])
    }

    @Test func valuesAndDimensionsMustFitThePattern() {
        #expect(throws: AWSError.self) {
            try MetricFilter(pattern: "ERROR", transformation: Self.transformation(value: "$.x"))
        }
        #expect(throws: AWSError.self) {
            try MetricFilter(pattern: "[a, b]", transformation: Self.transformation(value: "$c"))
        }
        #expect(throws: AWSError.self) {
            try MetricFilter(pattern: "[a, b]", transformation: Self.transformation(value: "x1"))
        }
        #expect(throws: AWSError.self) {
            try MetricFilter(
                pattern: "{ $.a = 1 }", transformation: Self.transformation(value: "1", dimensions: ["D": "$d"]))
        }
    }
}
