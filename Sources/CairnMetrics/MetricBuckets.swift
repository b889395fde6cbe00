import CairnProtocol
import PostgresNIO

/// The buckets of one or many metrics read in one query: `MetricsService.buckets` reads one metric's, the alarm
/// evaluator a whole batch's (one round trip, not one per alarm). Samples, which percentiles need, are read by
/// `MetricsService.buckets`.
enum MetricBuckets {
    struct Request {
        let owner: Caller
        let metric: MetricIdentity
        /// The series' lookup key under its owner's metrics key (`MetricSeal.seriesKey`).
        let seriesKey: String
        let start: Int64
        let end: Int64
        let period: Int
        let unit: String?
        /// The request's place in the batch.
        let index: Int
    }

    /// Each request's buckets by its `index`, in time order. Periods count from the start rounded down to the
    /// minute (to the period below a minute), as CloudWatch rounds it.
    static func read(
        _ requests: [Request], on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [Int: [MetricBucket]]
    {
        guard !requests.isEmpty else { return [:] }
        let origins = requests.map { $0.start - $0.start % min(Int64($0.period), 60) }
        // "" stands for no unit (arrays of optionals do not bind).
        let rows = try await connection.query(
            """
            SELECT r.i, r.origin + ((p.period_start - r.origin) / r.width) * r.width AS bucket, sum(p.sample_count),
                   sum(p.sum), min(p.minimum), max(p.maximum), min(p.unit)
            FROM unnest(\(requests.map { Int64($0.index) }), \(requests.map(\.owner.accountID)),
                        \(requests.map(\.owner.region)), \(requests.map(\.metric.namespace)),
                        \(requests.map(\.metric.name)), \(requests.map(\.seriesKey)), \(origins),
                        \(requests.map(\.end)), \(requests.map { Int64($0.period) }), \(requests.map { $0.unit ?? "" }))
                 AS r(i, account_id, region, namespace, metric_name, dimensions_key, origin, stop, width, unit)
            JOIN metric_series s ON s.account_id = r.account_id AND s.region = r.region AND s.namespace = r.namespace
                 AND s.metric_name = r.metric_name AND s.dimensions_key = r.dimensions_key
            JOIN metric_points p ON p.series_id = s.series_id AND p.period_start >= r.origin
                 AND p.period_start < r.stop AND (r.unit = '' OR p.unit = r.unit)
            GROUP BY r.i, bucket ORDER BY r.i, bucket
            """, logger: logger)
        var buckets: [Int: [MetricBucket]] = [:]
        for try await (index, bucket, count, sum, minimum, maximum, unit) in rows.decode(
            (Int64, Int64, Double, Double, Double, Double, String).self)
        {
            buckets[Int(index), default: []].append(
                MetricBucket(
                    start: bucket, sampleCount: count, sum: sum, minimum: minimum, maximum: maximum, unit: unit))
        }
        return buckets
    }
}
