public import CairnAccounts
import CairnProtocol
public import CairnStore
import Foundation
public import Logging
import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Evaluates alarms when they are due: metric alarms every minute (every 10 s for periods under a minute),
/// composite alarms when one of their children changes state, on worker processes. A round claims due alarms with `FOR UPDATE SKIP LOCKED`, so each alarm is evaluated by one process
/// at a time, and writes each transition with its history item in the same transaction.
public struct AlarmEvaluator: Service, CustomStringConvertible {
    public var description: String { "AlarmEvaluator" }

    /// How often the evaluator looks for due alarms: alarms fall due on minute (10 s) boundaries, so a short
    /// look keeps the lag from a period's end small; the look is one indexed query.
    public static let interval: Duration = .seconds(1)
    static let batch = 500

    let database: Database
    /// Reads the metrics' buckets; built once, not per alarm.
    let metrics: MetricsService
    let logger: Logger

    public init(database: Database, rootKey: RootKey, logger: Logger) {
        self.database = database
        metrics = MetricsService(database: database, rootKey: rootKey)
        self.logger = logger
    }

    public func run() async throws {
        let rounds = Timer(label: "cairn_alarm_round_seconds")
        let evaluatedAlarms = Counter(label: "cairn_alarms_evaluated_total")
        let lastPrune = Mutex<Int64>(0)
        await RecurringWork.run(every: Self.interval, logger: logger, failure: "alarm evaluation failed") {
            let started = ContinuousClock.now
            let evaluated = try await evaluateDue()
            if evaluated > 0 {
                // Only rounds that evaluated something: the benchmark divides their time by the wall time.
                let elapsed = ContinuousClock.now - started
                rounds.recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                evaluatedAlarms.increment(by: evaluated)
                logger.debug("alarms evaluated", metadata: ["alarms": "\(evaluated)"])
            }
            // Old history goes once a minute.
            let now = WallClock.system.milliseconds
            if lastPrune.withLock({ last in
                guard now - last >= 60_000 else { return false }
                last = now
                return true
            }) {
                try await pruneHistory()
            }
        }
    }

    /// AWS keeps an alarm's history 30 days.
    public static let historyMilliseconds: Int64 = 30 * 86_400_000

    /// Deletes history items older than 30 days (a bounded batch a round); returns how many.
    @discardableResult
    public func pruneHistory(now: Int64 = WallClock.system.milliseconds) async throws -> Int {
        let rows = try await database.query(
            """
            WITH old AS (
                SELECT history_id FROM alarm_history WHERE recorded_at < \(now - Self.historyMilliseconds) LIMIT 10000)
            DELETE FROM alarm_history h USING old WHERE h.history_id = old.history_id RETURNING 1
            """)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    /// Evaluates every alarm due at `now` (epoch ms); returns how many it evaluated.
    @discardableResult
    public func evaluateDue(now: Int64 = WallClock.system.milliseconds) async throws -> Int {
        // Composites woken by their children's transitions are due now.
        try await database.query(
            """
            WITH woken AS (DELETE FROM alarm_wakeups RETURNING account_id, region, alarm_name)
            UPDATE metric_alarms m SET evaluate_at = least(m.evaluate_at, \(now))
            FROM (SELECT DISTINCT account_id, region, alarm_name FROM woken) AS w
            WHERE m.account_id = w.account_id AND m.region = w.region AND m.alarm_name = w.alarm_name
            """)
        var total = 0
        while !Task.isCancelled {
            let asked = ContinuousClock.now
            let (count, finished) = try await database.transaction { connection -> (Int, ContinuousClock.Instant) in
                let claimed = Self.record("connect", since: asked)
                let rows = try await connection.query(
                    """
                    SELECT account_id, region, config::text, state_value, alarm_type, alarm_name FROM metric_alarms
                    WHERE evaluate_at <= \(now) ORDER BY evaluate_at LIMIT \(Self.batch) FOR UPDATE SKIP LOCKED
                    """, logger: logger)
                var due: [(Caller, String, AlarmState, String, String)] = []
                for try await (account, region, config, state, type, name) in rows.decode(
                    (String, String, String, String, String, String).self)
                {
                    due.append(
                        (
                            Caller(accountID: account, region: region, accessKeyID: "", role: .reader), config,
                            AlarmState(rawValue: state) ?? .insufficientData, type, name
                        ))
                }
                var metricAlarms: [(Caller, MetricAlarm, AlarmState)] = []
                for (owner, config, state, type, name) in due {
                    if type == "CompositeAlarm" {
                        guard let alarm = try? JSONDecoder().decode(CompositeAlarm.self, from: Data(config.utf8)) else {
                            try await skip(name, of: owner, now: now, on: connection)
                            continue
                        }
                        try await CompositeEvaluation.evaluate(
                            alarm, of: owner, current: state, now: now, on: connection, logger: logger)
                        // Due again when a child changes; an hourly look as well, for children deleted meanwhile.
                        try await connection.query(
                            """
                            UPDATE metric_alarms SET evaluate_at = \(now + 3_600_000)
                            WHERE account_id = \(owner.accountID) AND region = \(owner.region)
                              AND alarm_name = \(alarm.alarmName) AND evaluate_at <= \(now)
                            """, logger: logger)
                    } else {
                        guard let alarm = try? JSONDecoder().decode(MetricAlarm.self, from: Data(config.utf8)) else {
                            try await skip(name, of: owner, now: now, on: connection)
                            continue
                        }
                        metricAlarms.append((owner, alarm, state))
                    }
                }
                Self.record("claim", since: claimed)
                try await evaluate(metricAlarms, now: now, on: connection)
                return (due.count, ContinuousClock.now)
            }
            if count > 0 { Self.record("commit", since: finished) }
            total += count
            if count < Self.batch { break }
        }
        return total
    }

    /// An alarm whose configuration cannot be read is looked at again in an hour (and logged), so that it cannot
    /// hold back the alarms of its batch.
    private func skip(_ name: String, of owner: Caller, now: Int64, on connection: PostgresConnection) async throws {
        logger.error("alarm configuration unreadable", metadata: ["account": "\(owner.accountID)"])
        try await connection.query(
            """
            UPDATE metric_alarms SET evaluate_at = \(now + 3_600_000)
            WHERE account_id = \(owner.accountID) AND region = \(owner.region) AND alarm_name = \(name)
            """, logger: logger)
    }

    /// Records how long a phase of a round took (`cairn_alarm_phase_seconds`: claim, read, decide, schedule);
    /// returns now, the next phase's start.
    @discardableResult
    static func record(_ phase: String, since start: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        let elapsed = now - start
        Timer(label: "cairn_alarm_phase_seconds", dimensions: [("phase", phase)]).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return now
    }

    /// The periods of an alarm's evaluation range at `now`, oldest first: each ends on the last minute boundary
    /// (10 s boundary for periods under a minute), as AWS's buckets do.
    static func range(of alarm: MetricAlarm, now: Int64) -> (start: Int64, periods: [Int64]) {
        let step: Int64 = alarm.period < 60 ? 10 : 60
        let end = (now / 1000) / step * step
        let size = alarm.evaluation.rangeSize
        let width = Int64(alarm.period)
        let start = end - Int64(size) * width
        return (start, (0..<size).map { start + Int64($0) * width })
    }

    /// When an alarm is next due after `now`.
    static func next(_ alarm: MetricAlarm, after now: Int64) -> Int64 {
        let step: Int64 = alarm.period < 60 ? 10_000 : 60_000
        return (now / step + 1) * step
    }

    /// Evaluates a batch of metric alarms: their metrics' buckets are read in one query (percentile alarms, which
    /// need the samples, one by one), each transition is written with its history, and every alarm's next
    /// evaluation is set in one statement.
    private func evaluate(
        _ alarms: [(Caller, MetricAlarm, AlarmState)], now: Int64, on connection: PostgresConnection
    )
        async throws
    {
        guard !alarms.isEmpty else { return }
        var phase = ContinuousClock.now
        let ranges = alarms.map { Self.range(of: $0.1, now: now) }
        let batched = alarms.indices.filter {
            alarms[$0].1.metrics == nil && !alarms[$0].1.readStatistic.isPercentile
        }
        var seriesKeys: [Int: String] = [:]
        for index in batched {
            let owner = alarms[index].0
            seriesKeys[index] = try await metrics.keys.seal(account: owner.accountID, region: owner.region)
                .seriesKey(alarms[index].1.metric)
        }
        var buckets = try await MetricBuckets.read(
            batched.map { index in
                MetricBuckets.Request(
                    owner: alarms[index].0, metric: alarms[index].1.metric, seriesKey: seriesKeys[index] ?? "",
                    start: ranges[index].start,
                    end: ranges[index].start + Int64(ranges[index].periods.count) * Int64(alarms[index].1.period),
                    period: alarms[index].1.period, unit: alarms[index].1.unit, index: index)
            }, on: connection, logger: logger)
        for (index, (owner, alarm, _)) in alarms.enumerated()
        where alarm.metrics == nil && alarm.readStatistic.isPercentile {
            buckets[index] = try await metrics.buckets(
                alarm.metric, owner, start: ranges[index].start,
                end: ranges[index].start + Int64(ranges[index].periods.count) * Int64(alarm.period),
                period: alarm.period, unit: alarm.unit, withSamples: true)
        }
        phase = Self.record("read", since: phase)
        for (index, (owner, alarm, current)) in alarms.enumerated() {
            let end = ranges[index].start + Int64(ranges[index].periods.count) * Int64(alarm.period)
            let points: [Int64: (value: Double, samples: Double?)]
            if let queries = alarm.metrics {
                points = try await mathPoints(queries, owner, start: ranges[index].start, end: end)
            } else {
                let statistic = alarm.readStatistic
                points = Dictionary(
                    (buckets[index] ?? []).compactMap { bucket in
                        bucket.value(of: statistic).map { (bucket.start, ($0, Optional(bucket.sampleCount))) }
                    }, uniquingKeysWith: { first, _ in first })
            }
            try await evaluate(
                alarm, of: owner, current: current, periods: ranges[index].periods, points: points, now: now,
                on: connection)
        }
        phase = Self.record("decide", since: phase)
        defer { Self.record("schedule", since: phase) }
        try await connection.query(
            """
            UPDATE metric_alarms m SET evaluate_at = u.next
            FROM unnest(\(alarms.map(\.0.accountID)), \(alarms.map(\.0.region)), \(alarms.map(\.1.alarmName)),
                        \(alarms.map { Self.next($0.1, after: now) })) AS u(account_id, region, alarm_name, next)
            WHERE m.account_id = u.account_id AND m.region = u.region AND m.alarm_name = u.alarm_name
            """, logger: logger)
    }

    /// A metric math alarm's points: the series of its query that returns data, by period start. An expression
    /// that cannot be evaluated gives no points (the data is missing, as AWS treats a math alarm's gaps).
    private func mathPoints(
        _ queries: [AlarmQuery], _ owner: Caller, start: Int64, end: Int64
    ) async throws
        -> [Int64: (value: Double, samples: Double?)]
    {
        let parsed = queries.compactMap(\.dataQuery)
        guard parsed.count == queries.count else { return [:] }
        let results: [MetricsService.DataResult]
        do {
            results = try await metrics.dataResults(parsed, owner, start: start, end: end)
        } catch is AWSError {
            return [:]
        }
        guard let series = results.first?.series else { return [:] }
        var points: [Int64: (value: Double, samples: Double?)] = [:]
        for (start, value) in zip(series.timestamps, series.values) { points[start] = (value, nil) }
        return points
    }

    private func evaluate(
        _ alarm: MetricAlarm, of owner: Caller, current: AlarmState, periods: [Int64],
        points: [Int64: (value: Double, samples: Double?)], now: Int64, on connection: PostgresConnection
    ) async throws {
        let statistic = alarm.readStatistic
        let range = periods.map { periodStart in
            AlarmReason.Period(
                start: periodStart * 1000, value: points[periodStart]?.value, sampleCount: points[periodStart]?.samples)
        }
        let lowSamples =
            alarm.evaluateLowSampleCountPercentile == "ignore"
            && range.contains { period in
                guard period.value != nil, let count = period.sampleCount else { return false }
                return count < statistic.significantSamples
            }
        guard !lowSamples else { return }
        let evaluation = alarm.evaluation
        let outcome = evaluation.outcome(
            range.map { $0.value.map { alarm.comparisonOperator.breaches($0, alarm.threshold) } }, current: current)
        guard outcome.state != current else { return }
        let reasoning = ContinuousClock.now
        defer { Self.record("reason", since: reasoning) }
        let reason = AlarmReason(
            outcome, of: evaluation, range: range,
            condition: AlarmReason.Condition(
                comparison: alarm.comparisonOperator, threshold: alarm.threshold,
                datapointsToAlarmGiven: alarm.datapointsToAlarm != nil,
                statistic: alarm.statistic ?? alarm.extendedStatistic, unit: alarm.unit, period: alarm.period),
            now: now)
        let transition = ContinuousClock.now
        _ = try await AlarmTransition.set(
            owner, alarm.alarmName, to: outcome.state, reason: reason.text, reasonData: reason.data, at: now,
            on: connection, logger: logger)
        Self.record("transition", since: transition)
    }
}

extension Statistic {
    /// How many samples a percentile needs to count (AWS: 10 / (1 − p) for p ≥ 0.5, 10 / p below); other
    /// statistics need one.
    var significantSamples: Double {
        guard case .percentile(let percent) = self else { return 1 }
        let p = percent / 100
        return p >= 0.5 ? (p >= 1 ? .infinity : 10 / (1 - p)) : (p > 0 ? 10 / p : .infinity)
    }
}
