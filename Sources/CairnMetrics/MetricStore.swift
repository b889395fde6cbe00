public import Logging
public import PostgresNIO

/// Writes metric points in the caller's transaction (metric filters write with the chunk they count, so
/// each event counts once). Points are appended, never updated in place: concurrent writers of the same
/// metric and minute do not wait for each other. `MetricRollup` merges them later.
public enum MetricStore {
    /// Samples kept per point and batch; the rollup keeps up to `MetricsLimits.samplesPerPoint` per period.
    public static let samplesPerBatchPoint = 200

    public static func record(
        _ points: [MetricPoint], account: String, region: String, now: Int64, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !points.isEmpty else { return }
        // Samples travel as one flat array with each point's bounds (PostgreSQL arrays are 1-based).
        var samples: [Double] = []
        var lower: [Int32] = []
        var upper: [Int32] = []
        for point in points {
            lower.append(Int32(samples.count + 1))
            samples += point.samples.prefix(samplesPerBatchPoint)
            upper.append(Int32(samples.count))
        }
        try await connection.query(
            """
            INSERT INTO metric_points (series_id, period_start, resolution, unit, sample_count, sum, minimum, maximum,
                samples)
            SELECT cairn_metric_series(\(account), \(region), p.namespace, p.name, p.dimensions::jsonb, p.key, \(now)),
                p.start, p.resolution, p.unit, p.count, p.sum, p.minimum, p.maximum,
                COALESCE((\(samples)::double precision[])[p.lower:p.upper], '{}')
            FROM unnest(\(points.map(\.metric.namespace)), \(points.map(\.metric.name)),
                \(points.map(\.metric.dimensionsJSON)), \(points.map(\.metric.dimensionsKey)),
                \(points.map(\.periodStart)), \(points.map { Int32($0.resolution) }), \(points.map(\.unit)),
                \(points.map(\.sampleCount)), \(points.map(\.sum)), \(points.map(\.minimum)), \(points.map(\.maximum)),
                \(lower), \(upper))
                AS p(namespace, name, dimensions, key, start, resolution, unit, count, sum, minimum, maximum, lower, upper)
            """, logger: logger)
    }
}
