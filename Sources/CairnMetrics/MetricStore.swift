public import Logging
public import PostgresNIO

/// Writes metric points: each point is added to the stored point of its series and period, in the
/// caller's transaction (metric filters write with the chunk they count, so each event counts once).
public enum MetricStore {
    public static func record(
        _ points: [MetricPoint], account: String, region: String, now: Int64, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !points.isEmpty else { return }
        let samples = points.map { "[" + $0.samples.map { "\($0)" }.joined(separator: ",") + "]" }
        try await connection.query(
            """
            INSERT INTO metric_points (series_id, period_start, resolution, unit, sample_count, sum, minimum, maximum,
                samples)
            SELECT cairn_metric_series(\(account), \(region), p.namespace, p.name, p.dimensions::jsonb, p.key, \(now)),
                p.start, p.resolution, p.unit, p.count, p.sum, p.minimum, p.maximum,
                ARRAY(SELECT value::double precision FROM jsonb_array_elements_text(p.samples::jsonb) AS value)
            FROM unnest(\(points.map(\.metric.namespace)), \(points.map(\.metric.name)),
                \(points.map(\.metric.dimensionsJSON)), \(points.map(\.metric.dimensionsKey)),
                \(points.map(\.periodStart)), \(points.map { Int32($0.resolution) }), \(points.map(\.unit)),
                \(points.map(\.sampleCount)), \(points.map(\.sum)), \(points.map(\.minimum)), \(points.map(\.maximum)),
                \(samples))
                AS p(namespace, name, dimensions, key, start, resolution, unit, count, sum, minimum, maximum, samples)
            ON CONFLICT (series_id, period_start, unit) DO UPDATE SET
                sample_count = metric_points.sample_count + excluded.sample_count,
                sum = metric_points.sum + excluded.sum,
                minimum = LEAST(metric_points.minimum, excluded.minimum),
                maximum = GREATEST(metric_points.maximum, excluded.maximum),
                samples = CASE WHEN cardinality(metric_points.samples) >= \(Int32(MetricsLimits.samplesPerPoint))
                    THEN metric_points.samples
                    ELSE (metric_points.samples || excluded.samples)[1:\(Int32(MetricsLimits.samplesPerPoint))] END
            """, logger: logger)
    }
}
