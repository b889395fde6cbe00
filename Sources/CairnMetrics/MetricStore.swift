public import Logging
import NIOCore
public import PostgresNIO

/// Writes metric points in the caller's transaction (metric filters write with the chunk they count, so
/// each event counts once). Points are appended, never updated in place: concurrent writers of the same
/// metric and minute do not wait for each other. `MetricRollup` merges them later.
public enum MetricStore {
    /// Samples kept per point and batch; the rollup keeps up to `MetricsLimits.samplesPerPoint` per period.
    public static let samplesPerBatchPoint = 200

    /// `seal` is the account's for the region: the series' dimensions are stored sealed, found by HMAC.
    public static func record(
        _ points: [MetricPoint], seal: MetricSeal, now: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !points.isEmpty else { return }
        let (account, region) = (seal.account, seal.region)
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
            SELECT cairn_metric_series(\(account), \(region), p.namespace, p.name, p.sealed,
                    string_to_array(p.tags, chr(31)), p.key, \(now)),
                p.start, p.resolution, p.unit, p.count, p.sum, p.minimum, p.maximum,
                COALESCE((\(samples)::double precision[])[p.lower:p.upper], '{}')
            FROM unnest(\(points.map(\.metric.namespace)), \(points.map(\.metric.name)),
                \(try points.map { ByteBuffer(bytes: try seal.sealDimensions($0.metric)) }),
                \(points.map { seal.tags($0.metric).joined(separator: "\u{1F}") }), \(points.map { seal.seriesKey($0.metric) }),
                \(points.map(\.periodStart)), \(points.map { Int32($0.resolution) }), \(points.map(\.unit)),
                \(points.map(\.sampleCount)), \(points.map(\.sum)), \(points.map(\.minimum)), \(points.map(\.maximum)),
                \(lower), \(upper))
                AS p(namespace, name, sealed, tags, key, start, resolution, unit, count, sum, minimum, maximum, lower, upper)
            """, logger: logger)
    }
}
