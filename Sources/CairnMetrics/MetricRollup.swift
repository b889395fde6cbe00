public import CairnStore
import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Merges the rows that writers appended for one metric period into a single row (sums, extremes and up to
/// `MetricsLimits.samplesPerPoint` samples), once the period is a little in the past. Readers see either
/// the rows or the merged row, never both: each merge is one statement.
public struct MetricRollup: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "MetricRollup" }

    public static let interval: Duration = .seconds(30)
    /// Periods younger than this are left alone: their minute is still being written.
    public static let settleSeconds: Int64 = 120
    public static let periodsPerRound = 2000

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "metric rollup failed") {
            let merged = try await rollUp()
            if merged > 0 { logger.debug("metric rollup", metadata: ["periods": "\(merged)"]) }
        }
    }

    /// Merges every settled period that has more than one row; returns how many periods it merged.
    @discardableResult
    public func rollUp(now: Int64 = WallClock.system.seconds) async throws -> Int {
        var total = 0
        while !Task.isCancelled {
            let rows = try await database.query(
                """
                WITH periods AS (
                    SELECT series_id, period_start, unit FROM metric_points
                    WHERE period_start < \(now - Self.settleSeconds)
                    GROUP BY series_id, period_start, unit HAVING count(*) > 1
                    LIMIT \(Self.periodsPerRound)),
                gone AS (
                    DELETE FROM metric_points m USING periods p
                    WHERE m.series_id = p.series_id AND m.period_start = p.period_start AND m.unit = p.unit
                    RETURNING m.*),
                merged AS (
                    INSERT INTO metric_points (series_id, period_start, resolution, unit, sample_count, sum, minimum,
                        maximum, samples)
                    SELECT g.series_id, g.period_start, min(g.resolution), g.unit, sum(g.sample_count), sum(g.sum),
                        min(g.minimum), max(g.maximum),
                        ARRAY(SELECT v FROM gone s, unnest(s.samples) AS v
                              WHERE s.series_id = g.series_id AND s.period_start = g.period_start AND s.unit = g.unit
                              LIMIT \(Int32(MetricsLimits.samplesPerPoint)))
                    FROM gone g GROUP BY g.series_id, g.period_start, g.unit
                    RETURNING 1)
                SELECT count(*)::integer FROM merged
                """)
            var merged = 0
            for try await count in rows.decode(Int.self) { merged = count }
            total += merged
            if merged < Self.periodsPerRound { break }
        }
        return total
    }
}
