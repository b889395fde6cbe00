import CairnMetrics

/// The AWS/Logs metrics CloudWatch Logs publishes about a batch (transformations, data protection findings): per
/// minute of event time and log group, as if each event had been counted alone.
enum LogsMetrics {
    /// One series: its name, unit, and each event's value by the event's offset in the batch (nil where the event
    /// does not count).
    struct Series {
        let name: String
        let unit: String
        let value: (Int) -> Double?
    }

    static func points(group: String, timestamps: ArraySlice<Int64>, series: [Series]) -> [MetricPoint] {
        // Summed per minute first. A batch's events are in time order, so each minute is one run: its totals are
        // kept in an array until the minute changes.
        var sums: [Int64: [(sum: Double, count: Double)]] = [:]
        var minute: Int64? = nil
        var totals = Array(repeating: (sum: 0.0, count: 0.0), count: series.count)
        func flush() {
            guard let minute else { return }
            let previous = sums[minute] ?? Array(repeating: (0, 0), count: series.count)
            sums[minute] = zip(previous, totals).map { ($0.sum + $1.sum, $0.count + $1.count) }
        }
        for (offset, timestamp) in timestamps.enumerated() {
            let seconds = timestamp >= 0 ? timestamp / 1000 : (timestamp - 999) / 1000
            let eventMinute = MetricAggregator.periodStart(of: seconds, resolution: MetricsLimits.standardResolution)
            if eventMinute != minute {
                flush()
                minute = eventMinute
                totals = Array(repeating: (0, 0), count: series.count)
            }
            for index in series.indices {
                guard let value = series[index].value(offset) else { continue }
                totals[index].sum += value
                totals[index].count += 1
            }
        }
        flush()
        let dimensions = [MetricIdentity.Dimension(name: "LogGroupName", value: group)]
        var aggregator = MetricAggregator()
        for (minute, totals) in sums {
            for (index, one) in series.enumerated() where totals[index].count > 0 {
                let metric = MetricIdentity(namespace: "AWS/Logs", name: one.name, dimensions: dimensions)
                aggregator.withPoint(
                    metric, timestamp: minute, resolution: MetricsLimits.standardResolution, unit: one.unit
                ) { point in
                    point.add(totals[index].sum / totals[index].count, count: totals[index].count)
                }
            }
        }
        return aggregator.collected
    }

    /// LogEventsWithFindings: the events in which the data protection policy found sensitive data, each once
    /// however many matches it holds (mask-sensitive-log-data-audit-findings.html).
    static func findings(group: String, timestamps: ArraySlice<Int64>, offsets: Set<Int>) -> [MetricPoint] {
        points(
            group: group, timestamps: timestamps,
            series: [Series(name: "LogEventsWithFindings", unit: "Count") { offsets.contains($0) ? 1 : nil }])
    }

    /// Both sets of points in one lock order.
    static func merged(_ first: [MetricPoint], _ second: [MetricPoint]) -> [MetricPoint] {
        guard !second.isEmpty else { return first }
        guard !first.isEmpty else { return second }
        var aggregator = MetricAggregator()
        for point in first + second {
            aggregator.withPoint(
                point.metric, timestamp: point.periodStart, resolution: point.resolution, unit: point.unit
            ) { $0.merge(point) }
        }
        return aggregator.collected
    }
}
