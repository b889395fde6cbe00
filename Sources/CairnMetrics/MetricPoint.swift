import CairnProtocol

/// Limits of CloudWatch metrics that Cairn mirrors.
public enum MetricsLimits {
    /// Standard resolution: points are kept per minute.
    public static let standardResolution = 60
    /// High resolution (`StorageResolution` 1): points are kept per second.
    public static let highResolution = 1
    /// Samples kept per point for percentiles; beyond it, percentiles come from the first samples.
    public static let samplesPerPoint = 1000
    /// Dimensions per metric (Dimensions shape, max 30).
    public static let dimensionsPerMetric = 30
    /// Metric filters may take at most 3 dimensions from an event.
    public static let dimensionsPerMetricFilter = 3
}

/// A metric's identity: namespace, name and dimensions (sorted by name).
public struct MetricIdentity: Hashable, Sendable {
    public let namespace: String
    public let name: String
    public let dimensions: [Dimension]

    public struct Dimension: Hashable, Sendable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(namespace: String, name: String, dimensions: [Dimension]) {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions.sorted { $0.name < $1.name }
    }

    /// Canonical text of the dimensions, the series' key in PostgreSQL.
    var dimensionsKey: String {
        dimensions.map { Self.escape($0.name) + "=" + Self.escape($0.value) }.joined(separator: ",")
    }

    var dimensionsJSON: String {
        "["
            + dimensions.map {
                #"{"Name":""# + JSONText.escape($0.name) + #"","Value":""# + JSONText.escape($0.value) + #""}"#
            }
            .joined(separator: ",") + "]"
    }

    private static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing(",", with: "\\,").replacing("=", with: "\\=")
    }
}

/// Pre-aggregated values of one metric in one period: what a point in `metric_points` holds.
public struct MetricPoint: Sendable {
    public let metric: MetricIdentity
    public let periodStart: Int64
    public let resolution: Int
    public let unit: String
    public var sampleCount: Double = 0
    public var sum: Double = 0
    public var minimum: Double = .infinity
    public var maximum: Double = -.infinity
    public var samples: [Double] = []

    public init(metric: MetricIdentity, periodStart: Int64, resolution: Int, unit: String) {
        self.metric = metric
        self.periodStart = periodStart
        self.resolution = resolution
        self.unit = unit
    }

    /// Adds `value`, observed `count` times (a client's `Counts` entry: any finite number, 1e19 included).
    public mutating func add(_ value: Double, count: Double = 1) {
        sampleCount += count
        sum += value * count
        minimum = min(minimum, value)
        maximum = max(maximum, value)
        // Compared as a Double first: converting a count beyond Int's range would trap.
        let room = MetricsLimits.samplesPerPoint - samples.count
        var copies = count >= Double(room) ? room : count > 0 ? Int(count.rounded(.up)) : 0
        while copies > 0 {
            samples.append(value)
            copies -= 1
        }
    }

    /// Adds another point's values (same metric and period) to this one.
    public mutating func merge(_ other: MetricPoint) {
        sampleCount += other.sampleCount
        sum += other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        samples += other.samples.prefix(MetricsLimits.samplesPerPoint - samples.count)
    }

    /// Adds a pre-aggregated statistic set (PutMetricData `StatisticValues`).
    public mutating func add(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount += sampleCount
        self.sum += sum
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)
    }
}

/// Collects values into one point per metric, period and unit, so a batch writes each point once.
public struct MetricAggregator: Sendable {
    struct Key: Hashable {
        let metric: MetricIdentity
        let periodStart: Int64
        let unit: String
    }

    private var points: [Key: MetricPoint] = [:]
    private var order: [Key] = []

    public init() {}

    public var isEmpty: Bool { points.isEmpty }

    /// The point for `metric` at `timestamp` (epoch seconds), created on first use.
    /// The start of the period of `resolution` seconds that holds `timestamp` (seconds; negative ones too).
    public static func periodStart(of timestamp: Int64, resolution: Int) -> Int64 {
        timestamp - ((timestamp % Int64(resolution)) + Int64(resolution)) % Int64(resolution)
    }

    public mutating func withPoint(
        _ metric: MetricIdentity, timestamp: Int64, resolution: Int, unit: String?,
        _ update: (inout MetricPoint) -> Void
    ) {
        let start = Self.periodStart(of: timestamp, resolution: resolution)
        let key = Key(metric: metric, periodStart: start, unit: unit ?? "None")
        if points[key] == nil {
            points[key] = MetricPoint(metric: metric, periodStart: start, resolution: resolution, unit: key.unit)
            order.append(key)
        }
        update(&points[key]!)
    }

    /// The points in a fixed order (series key, then period), so concurrent writers lock rows alike.
    public var collected: [MetricPoint] {
        order.compactMap { points[$0] }.sorted {
            ($0.metric.namespace, $0.metric.name, $0.metric.dimensionsKey, $0.periodStart, $0.unit)
                < ($1.metric.namespace, $1.metric.name, $1.metric.dimensionsKey, $1.periodStart, $1.unit)
        }
    }
}
