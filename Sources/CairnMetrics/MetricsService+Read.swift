import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

extension MetricsLimits {
    /// GetMetricStatistics returns at most 1,440 data points per call.
    public static let datapointsPerStatisticsCall = 1440
    /// GetMetricData: at most 500 queries, 100,800 data points by default.
    public static let queriesPerDataCall = 500
    public static let defaultMaxDatapoints = 100_800
    /// ListMetrics pages hold 500 metrics.
    public static let metricsPerPage = 500
    /// `StartTime` and `EndTime` (epoch seconds): what an ISO 8601 timestamp, the query protocol's form, can
    /// say, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Beyond it a number is not a time, and whole seconds
    /// of it would not fit the 64-bit arithmetic of periods.
    public static let timestampRange: ClosedRange<Double> = -62_135_596_800...253_402_300_799
}

extension MetricsService {
    func getMetricStatistics(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let namespace = try request.string("Namespace", required: true, length: 1...255)!
        let name = try request.string("MetricName", required: true, length: 1...255)!
        let metric = MetricIdentity(namespace: namespace, name: name, dimensions: try request.dimensions())
        let (start, end) = try Self.timeRange(request)
        let period = try Self.period(request, "Period")!
        let statistics = try request.list("Statistics", max: 5).map { entry throws(AWSError) -> (String, Statistic) in
            guard let text = entry.text, let statistic = Statistic(text), !statistic.isPercentile else {
                throw AWSError.invalidValue("\(entry.text ?? "")", entry.path)
            }
            return (text, statistic)
        }
        let extended = try request.list("ExtendedStatistics", max: 10).map {
            entry throws(AWSError) -> (String, Statistic) in
            guard let text = entry.text, let statistic = Statistic(text), statistic.isPercentile else {
                throw AWSError.invalidValue("\(entry.text ?? "")", entry.path)
            }
            return (text, statistic)
        }
        if statistics.isEmpty == extended.isEmpty {
            throw AWSError.invalidParameterCombination(
                "Must specify either Statistics or ExtendedStatistics, but not both.")
        }
        let requested = Self.datapointCount(start: start, end: end, period: period)
        if requested > MetricsLimits.datapointsPerStatisticsCall {
            throw AWSError.invalidParameterCombination(
                "You have requested up to \(requested) datapoints, which exceeds the limit of \(MetricsLimits.datapointsPerStatisticsCall). You may reduce the datapoints requested by increasing Period, or decreasing the time range."
            )
        }
        let buckets = try await self.buckets(
            metric, caller, start: start, end: end, period: period, unit: try request.unit(),
            withSamples: !extended.isEmpty)
        let datapoints = buckets.map { bucket -> Document in
            var members: [String: Document] = [
                "Timestamp": .timestamp(Double(bucket.start)), "Unit": .string(bucket.unit),
            ]
            for (text, statistic) in statistics {
                if let value = bucket.value(of: statistic) { members[text] = .double(value) }
            }
            if !extended.isEmpty {
                var values: [String: Document] = [:]
                for (text, statistic) in extended {
                    if let value = bucket.value(of: statistic) { values[text] = .double(value) }
                }
                members["ExtendedStatistics"] = .map(values)
            }
            return .map(members)
        }
        return .map(["Label": .string(name), "Datapoints": .list(datapoints)])
    }

    func getMetricData(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let queries = try request.list("MetricDataQueries", required: true, max: MetricsLimits.queriesPerDataCall)
        if queries.isEmpty { throw AWSError.missingParameter("MetricDataQueries") }
        let (start, end) = try Self.timeRange(request)
        let scanBy = try request.string("ScanBy") ?? "TimestampDescending"
        guard scanBy == "TimestampDescending" || scanBy == "TimestampAscending" else {
            throw AWSError.invalidValue(scanBy, "ScanBy")
        }
        let maxDatapoints = try request.integer("MaxDatapoints") ?? MetricsLimits.defaultMaxDatapoints
        guard maxDatapoints >= 1 else { throw AWSError.invalidValue("\(maxDatapoints)", "MaxDatapoints") }
        let position = try DataPosition(token: request.string("NextToken"))
        let parsed = try Self.dataQueries(queries)
        let results = try await dataResults(parsed, caller, start: start, end: end)
        // One page over the results in request order: a result's points, newest first unless asked otherwise.
        var remaining = maxDatapoints
        var nextToken: String?
        var output: [Document] = []
        for (index, result) in results.enumerated() where index >= position.query && nextToken == nil {
            var points = Array(zip(result.series.timestamps, result.series.values))
            if scanBy == "TimestampDescending" { points.reverse() }
            let skipped = index == position.query ? min(position.skip, points.count) : 0
            let taken = min(points.count - skipped, remaining)
            remaining -= taken
            let page = points[skipped..<(skipped + taken)]
            let partial = skipped + taken < points.count
            if partial { nextToken = DataPosition(query: index, skip: skipped + taken).token }
            var members: [String: Document] = [
                "Id": .string(result.id), "Label": .string(result.label),
                "Timestamps": .list(page.map { .timestamp(Double($0.0)) }),
                "Values": .list(page.map { .double($0.1) }),
                "StatusCode": .string(partial ? "PartialData" : "Complete"),
            ]
            if result.droppedPoints {
                members["Messages"] = .list([
                    .map([
                        "Code": .string(MetricMathResult.arithmeticErrorCode),
                        "Value": .string(MetricMathResult.arithmeticErrorMessage),
                    ])
                ])
            }
            output.append(.map(members))
        }
        var response: [String: Document] = ["MetricDataResults": .list(output), "Messages": .list([])]
        if let nextToken { response["NextToken"] = .string(nextToken) }
        return .map(response)
    }

    /// Where a GetMetricData page ends: the query (by index) and how many of its data points were returned.
    struct DataPosition {
        var query: Int
        var skip: Int

        init(query: Int, skip: Int) {
            self.query = query
            self.skip = skip
        }

        init(token: String?) throws(AWSError) {
            guard let token else {
                self.init(query: 0, skip: 0)
                return
            }
            let parts = (MetricsPageToken.value(of: token, kind: "data") ?? "").split(separator: ":")
            guard parts.count == 2, let query = Int(parts[0]), let skip = Int(parts[1]), query >= 0, skip >= 0
            else { throw AWSError("InvalidNextToken", "The service couldn't process the provided NextToken.") }
            self.init(query: query, skip: skip)
        }

        var token: String { MetricsPageToken.make(kind: "data", "\(query):\(skip)") }
    }

    func listMetrics(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let namespace = try request.string("Namespace", length: 1...255)
        let name = try request.string("MetricName", length: 1...255)
        var filters: [String] = []
        let seal = try await keys.seal(account: caller.accountID, region: caller.region)
        for entry in try request.list("Dimensions", max: 10) {
            let dimensionName = try entry.string("Name", required: true, length: 1...255)!
            let value = try entry.string("Value", length: 1...1024)
            filters.append(
                value.map { seal.valueTag(name: dimensionName, value: $0) } ?? MetricSeal.nameTag(dimensionName))
        }
        let recent = try request.string("RecentlyActive")
        if let recent, recent != "PT3H" { throw AWSError.invalidValue(recent, "RecentlyActive") }
        let activeSince: Int64? = recent == nil ? nil : WallClock.system.seconds - 3 * 3600
        var after: Int64 = 0
        if let token = try request.string("NextToken") {
            guard let text = MetricsPageToken.value(of: token, kind: "series"), let id = Int64(text) else {
                throw AWSError("InvalidNextToken", "The service couldn't process the provided NextToken.")
            }
            after = id
        }
        let rows = try await database.query(
            """
            SELECT s.series_id, s.namespace, s.metric_name, s.dimensions_sealed FROM metric_series s
            WHERE s.account_id = \(caller.accountID) AND s.region = \(caller.region) AND s.series_id > \(after)
              AND (\(namespace)::text IS NULL OR s.namespace = \(namespace))
              AND (\(name)::text IS NULL OR s.metric_name = \(name))
              AND s.dimension_tags @> \(filters)::text[]
              AND (\(activeSince)::bigint IS NULL OR EXISTS (
                  SELECT 1 FROM metric_points p WHERE p.series_id = s.series_id AND p.period_start >= \(activeSince)))
            ORDER BY s.series_id LIMIT \(MetricsLimits.metricsPerPage + 1)
            """)
        var metrics: [Document] = []
        var last: Int64?
        var more = false
        for try await (id, namespace, name, sealed) in rows.decode((Int64, String, String, ByteBuffer?).self) {
            let dimensions = try sealed.map { try seal.openDimensions(Array($0.readableBytesView)) } ?? "[]"
            guard metrics.count < MetricsLimits.metricsPerPage else {
                more = true
                break
            }
            metrics.append(
                .map([
                    "Namespace": .string(namespace), "MetricName": .string(name),
                    "Dimensions": try Document.fromJSON(Array(dimensions.utf8)),
                ]))
            last = id
        }
        var response: [String: Document] = ["Metrics": .list(metrics)]
        if more, let last { response["NextToken"] = .string(MetricsPageToken.make(kind: "series", String(last))) }
        return .map(response)
    }

    /// `StartTime` < `EndTime`, in whole seconds, both within `MetricsLimits.timestampRange`.
    static func timeRange(_ request: MetricRequest) throws(AWSError) -> (Int64, Int64) {
        let start = try request.timestamp("StartTime", required: true)!
        let end = try request.timestamp("EndTime", required: true)!
        for (name, seconds) in [("StartTime", start), ("EndTime", end)]
        where !MetricsLimits.timestampRange.contains(seconds) {
            throw AWSError.invalidValue("\(seconds)", request.member(name))
        }
        guard start < end else {
            throw AWSError.invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
        }
        // Within the range, both convert exactly.
        return (Int64(start.rounded(.down)), Int64(end.rounded(.up)))
    }

    /// How many periods `[start, end)` spans, a partial one included; `Int64.max`, beyond any limit, when the
    /// span itself does not fit in 64 bits.
    static func datapointCount(start: Int64, end: Int64, period: Int) -> Int64 {
        let width = Int64(period)
        let (span, overflow) = end.subtractingReportingOverflow(start)
        guard width > 0, !overflow else { return .max }
        return span / width + (span % width > 0 ? 1 : 0)
    }

    /// Periods of 1, 5, 10, 30 seconds or any multiple of 60.
    static func period(_ request: MetricRequest, _ name: String) throws(AWSError) -> Int? {
        guard let period = try request.integer(name, required: true) else { return nil }
        guard period >= 1, [1, 5, 10, 30].contains(period) || period % 60 == 0 else {
            throw AWSError.invalidParameterValue("The parameter \(request.member(name)) must be a multiple of 60.")
        }
        return period
    }

    /// The metric's points in `[start, end)`, merged per period. Periods count from the start time rounded down to
    /// the minute (to the period below a minute), as CloudWatch rounds it.
    func buckets(
        _ metric: MetricIdentity, _ caller: Caller, start: Int64, end: Int64, period: Int, unit: String?,
        withSamples: Bool
    ) async throws -> [MetricBucket] {
        let width = Int64(period)
        let origin = start - start % min(width, 60)
        let seriesKey = try await keys.seal(account: caller.accountID, region: caller.region).seriesKey(metric)
        let request = MetricBuckets.Request(
            owner: caller, metric: metric, seriesKey: seriesKey, start: start, end: end, period: period, unit: unit,
            index: 0)
        var buckets = try await database.client.withConnection { connection in
            try await MetricBuckets.read([request], on: connection, logger: database.logger)[0] ?? []
        }
        guard withSamples, !buckets.isEmpty else { return buckets }
        let samples = try await database.query(
            """
            SELECT \(origin) + ((p.period_start - \(origin)) / \(width)) * \(width) AS bucket, array_agg(v)
            FROM metric_points p JOIN metric_series s ON s.series_id = p.series_id, unnest(p.samples) AS v
            WHERE s.account_id = \(caller.accountID) AND s.region = \(caller.region)
              AND s.namespace = \(metric.namespace) AND s.metric_name = \(metric.name)
              AND s.dimensions_key = \(seriesKey)
              AND p.period_start >= \(origin) AND p.period_start < \(end)
              AND (\(unit)::text IS NULL OR p.unit = \(unit))
            GROUP BY bucket
            """)
        var byBucket: [Int64: [Double]] = [:]
        for try await (bucket, values) in samples.decode((Int64, [Double]).self) { byBucket[bucket] = values }
        for index in buckets.indices { buckets[index].samples = byBucket[buckets[index].start] ?? [] }
        return buckets
    }
}
