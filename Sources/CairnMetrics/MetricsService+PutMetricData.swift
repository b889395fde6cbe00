import CairnProtocol
import CairnStore
import Foundation

extension MetricsLimits {
    /// PutMetricData: at most 1,000 metrics per request, 150 values per metric.
    public static let metricsPerRequest = 1000
    public static let valuesPerMetric = 150
    /// Data points may be up to two weeks old and up to two hours in the future.
    public static let maximumAgeSeconds: Double = 14 * 86_400
    public static let maximumFutureSeconds: Double = 2 * 3600
    /// `Value` and `Values`: "Values must be in the range of -2^360 to 2^360" (MetricDatum).
    public static let valueRange: ClosedRange<Double> = -0x1p360...0x1p360
}

extension MetricsService {
    func putMetricData(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let namespace = try request.string("Namespace", required: true, length: 1...255)!
        if namespace.hasPrefix(":") { throw AWSError.invalidValue(namespace, "Namespace") }
        if namespace.hasPrefix("AWS/") {
            throw AWSError.invalidParameterValue("The value AWS/ for parameter Namespace is invalid.")
        }
        let data = try request.list("MetricData", max: MetricsLimits.metricsPerRequest)
        if data.isEmpty { throw AWSError.missingParameter("MetricData") }
        let now = Double(WallClock.system.milliseconds) / 1000
        var aggregator = MetricAggregator()
        for datum in data {
            let name = try datum.string("MetricName", required: true, length: 1...255)!
            let metric = MetricIdentity(namespace: namespace, name: name, dimensions: try datum.dimensions())
            let timestamp = try datum.timestamp("Timestamp") ?? now
            guard timestamp >= now - MetricsLimits.maximumAgeSeconds,
                timestamp <= now + MetricsLimits.maximumFutureSeconds
            else {
                throw AWSError.invalidParameterValue(
                    "The parameter \(datum.member("Timestamp")) must specify a time no more than two weeks in the past and no more than two hours in the future."
                )
            }
            let resolution = try datum.integer("StorageResolution") ?? MetricsLimits.standardResolution
            guard resolution == MetricsLimits.standardResolution || resolution == MetricsLimits.highResolution else {
                throw AWSError.invalidValue("\(resolution)", datum.member("StorageResolution"))
            }
            let unit = try datum.unit()
            let value = try datum.double("Value")
            if let value, !MetricsLimits.valueRange.contains(value) {
                throw AWSError.invalidValue("\(value)", datum.member("Value"))
            }
            let values = try datum.list("Values", max: MetricsLimits.valuesPerMetric)
            let counts = try datum.list("Counts", max: MetricsLimits.valuesPerMetric)
            let statistics = datum.optional("StatisticValues").map {
                MetricRequest($0, path: datum.member("StatisticValues"))
            }
            let forms = [value != nil, !values.isEmpty, statistics != nil].filter { $0 }.count
            if forms == 0 {
                throw AWSError.invalidParameterCombination(
                    "At least one of the parameters \(datum.member("Value")), \(datum.member("Values")) or \(datum.member("StatisticValues")) must be specified."
                )
            }
            if forms > 1 {
                throw AWSError.invalidParameterCombination(
                    "The parameters \(datum.member("Value")), \(datum.member("Values")) and \(datum.member("StatisticValues")) are mutually exclusive and you have specified more than one."
                )
            }
            if !counts.isEmpty, counts.count != values.count {
                throw AWSError.invalidParameterValue(
                    "The parameters \(datum.member("Values")) and \(datum.member("Counts")) must be of the same size.")
            }
            var observations: [(value: Double, count: Double)] = []
            if let value { observations.append((value, 1)) }
            for (index, entry) in values.enumerated() {
                guard let number = entry.number, MetricsLimits.valueRange.contains(number) else {
                    throw AWSError.invalidValue("\(entry.document)", entry.path)
                }
                let count = counts.isEmpty ? 1 : (counts[index].number ?? -1)
                guard count >= 0, count.isFinite else { throw AWSError.invalidValue("\(count)", counts[index].path) }
                observations.append((number, count))
            }
            let statisticSet = try statistics.map { set throws(AWSError) in
                (
                    count: try set.double("SampleCount", required: true)!, sum: try set.double("Sum", required: true)!,
                    minimum: try set.double("Minimum", required: true)!,
                    maximum: try set.double("Maximum", required: true)!
                )
            }
            if let statisticSet {
                for (name, number) in [
                    ("SampleCount", statisticSet.count), ("Sum", statisticSet.sum), ("Minimum", statisticSet.minimum),
                    ("Maximum", statisticSet.maximum),
                ] where !MetricsLimits.valueRange.contains(number) {
                    throw AWSError.invalidValue("\(number)", datum.member("StatisticValues") + "." + name)
                }
            }
            if let statisticSet, statisticSet.count <= 0 || statisticSet.minimum > statisticSet.maximum {
                throw AWSError.invalidParameterValue(
                    "The parameter \(datum.member("StatisticValues")) must have a positive SampleCount and Minimum no greater than Maximum."
                )
            }
            aggregator.withPoint(metric, timestamp: Int64(timestamp.rounded(.down)), resolution: resolution, unit: unit)
            {
                point in
                for observation in observations where observation.count > 0 {
                    point.add(observation.value, count: observation.count)
                }
                if let statisticSet {
                    point.add(
                        sampleCount: statisticSet.count, sum: statisticSet.sum, minimum: statisticSet.minimum,
                        maximum: statisticSet.maximum)
                }
            }
        }
        let points = aggregator.collected.filter { $0.sampleCount > 0 }
        let seal = try await keys.seal(account: caller.accountID, region: caller.region)
        try await database.transaction { connection in
            try await MetricStore.record(points, seal: seal, now: Int64(now), on: connection, logger: database.logger)
        }
        return nil
    }
}
