import CairnFilter
import CairnMetrics
import CairnProtocol

/// A metric filter ready to run on ingested events: its pattern compiled, its value and dimensions resolved.
struct MetricFilter: Sendable {
    enum Value: Sendable {
        case literal(Double)
        case field(FieldSelector)
    }

    let pattern: FilterPattern
    let metricName: String
    let namespace: String
    let value: Value
    let defaultValue: Double?
    let dimensions: [(name: String, source: FieldSelector)]
    let unit: String?
    /// Whether the filter reads events' transformed versions (where the group's transformer made one).
    var appliesToTransformed = false

    /// Compiles a stored or requested filter; `InvalidParameterException` with AWS's wording when it cannot run.
    init(pattern text: String, transformation: MetricTransformation) throws(AWSError) {
        pattern = try FilterPatternCache.shared.pattern(text)
        metricName = transformation.metricName ?? ""
        namespace = transformation.metricNamespace ?? ""
        let valueText = transformation.metricValue ?? ""
        if let number = Double(valueText), number.isFinite {
            value = .literal(number)
        } else if let selector = FieldSelector(valueText) {
            try Self.check(selector, usableWith: pattern, role: "metric value")
            value = .field(selector)
        } else {
            throw AWSError.invalidParameter("Invalid metric value: \(valueText)")
        }
        defaultValue = transformation.defaultValue
        var dimensions: [(String, FieldSelector)] = []
        for (name, source) in (transformation.dimensions ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let selector = FieldSelector(source) else {
                throw AWSError.invalidParameter("Invalid dimension value: \(source)")
            }
            try Self.check(selector, usableWith: pattern, role: "dimension")
            dimensions.append((name, selector))
        }
        self.dimensions = dimensions
        unit = transformation.unit
    }

    /// `$.field` needs a JSON pattern; `$name` needs a space-delimited pattern that names that field.
    private static func check(
        _ selector: FieldSelector, usableWith pattern: FilterPattern, role: String
    ) throws(AWSError) {
        switch selector {
        case .json where !pattern.isJSON:
            throw AWSError.invalidParameter("Invalid \(role): a JSON selector needs a JSON filter pattern")
        case .field(let name) where !pattern.fieldNames.contains(name):
            throw AWSError.invalidParameter("Invalid \(role): $\(name) is not a field of the filter pattern")
        default:
            break
        }
    }

    /// What the filter contributes for one event: the dimension values and the value, or nil when it does not
    /// match or the event lacks a numeric value or a dimension.
    func observe(_ message: ArraySlice<UInt8>) -> (dimensions: [String], value: Double)? {
        guard let match = pattern.match(message) else { return nil }
        let observed: Double
        switch value {
        case .literal(let number):
            observed = number
        case .field(let selector):
            guard let number = match.number(of: selector), number.isFinite else { return nil }
            observed = number
        }
        var values: [String] = []
        for (_, source) in dimensions {
            guard let text = match.value(of: source), !text.isEmpty else { return nil }
            values.append(text)
        }
        return (values, observed)
    }

    func metric(_ dimensionValues: [String]) -> MetricIdentity {
        MetricIdentity(
            namespace: namespace, name: metricName,
            dimensions: zip(dimensions, dimensionValues).map { .init(name: $0.name, value: $1) })
    }
}

/// A metric filter's point within one batch: its minute and dimension values.
struct MetricPointKey: Hashable {
    let minute: Int64
    let dimensions: [String]
}

extension [MetricFilter] {
    /// Runs the filters over a batch's accepted events and aggregates per minute of event time.
    /// A filter with a default value reports it once for each minute that had events but no match.
    /// `transformed`, when the group has a transformer, holds each event's transformed version, by offset.
    func points(
        timestamps: ArraySlice<Int64>, messages: [UInt8], messageEnds: [Int], transformed: TransformedBatch? = nil
    ) -> [MetricPoint] {
        guard !isEmpty else { return [] }
        var aggregator = MetricAggregator()
        for filter in self {
            // Per filter, points are keyed by minute and dimension values only; the metric is named once at the end.
            var points: [MetricPointKey: MetricPoint] = [:]
            var minutesWithEvents: Set<Int64> = []
            let placeholder = filter.metric([])
            for index in timestamps.indices {
                let start = index == 0 ? 0 : messageEnds[index - 1]
                var message = messages[start..<messageEnds[index]]
                if filter.appliesToTransformed, let transformed {
                    guard let version = transformed.filterInput(index - timestamps.startIndex) else { continue }
                    message = version
                }
                let seconds = Self.floorDivide(timestamps[index], 1000)
                let minute = seconds - Self.floorModulo(seconds, 60)
                if filter.defaultValue != nil { minutesWithEvents.insert(minute) }
                guard let (dimensions, value) = filter.observe(message) else { continue }
                let key = MetricPointKey(minute: minute, dimensions: dimensions)
                points[key, default: MetricPoint(metric: placeholder, periodStart: minute, resolution: 60, unit: "")]
                    .add(value)
            }
            if let defaultValue = filter.defaultValue {
                for minute in minutesWithEvents where points[MetricPointKey(minute: minute, dimensions: [])] == nil {
                    points[
                        MetricPointKey(minute: minute, dimensions: []),
                        default: MetricPoint(metric: placeholder, periodStart: minute, resolution: 60, unit: "")
                    ]
                    .add(defaultValue)
                }
            }
            for (key, point) in points {
                aggregator.withPoint(
                    filter.metric(key.dimensions), timestamp: key.minute, resolution: MetricsLimits.standardResolution,
                    unit: filter.unit
                ) { $0.merge(point) }
            }
        }
        return aggregator.collected
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        ((value % divisor) + divisor) % divisor
    }
}
