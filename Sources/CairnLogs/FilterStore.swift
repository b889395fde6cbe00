import CairnAccounts
import CairnFilter
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// The filters of log groups: limits when one is put, and what ingestion evaluates.
struct FilterStore: Sendable {
    let database: Database
    let quotas: AccountQuotas
}

/// The filters a log group holds, each kind with its own per-group limit.
enum GroupFilterKind {
    case metric, subscription

    /// The account quota that bounds this kind per group (AWS's default: `LogsLimits`).
    var table: String {
        switch self {
        case .metric: "metric_filters"
        case .subscription: "subscription_filters"
        }
    }

    var quota: AccountQuota {
        switch self {
        case .metric: .metricFiltersPerGroup
        case .subscription: .subscriptionFiltersPerGroup
        }
    }
}

extension FilterStore {
    /// DeleteMetricFilter and DeleteSubscriptionFilter: whether the group had a filter of that kind and name.
    func delete(
        _ kind: GroupFilterKind, _ request: DeleteMetricFilterRequest, _ caller: Caller, groups: LogGroupStore
    ) async throws -> Bool {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.filterName(request.filterName)
        try validation.check()
        let group = try await groups.resolve(request.logGroupName, caller)
        let deleted = try await database.query(
            """
            DELETE FROM \(unescaped: kind.table)
            WHERE account_id = \(caller.accountID) AND group_id = \(group.id) AND filter_name = \(request.filterName)
            RETURNING 1
            """)
        for try await _ in deleted.decode(Int.self) { return true }
        return false
    }

    /// Before a filter is put: locks the group's row for the rest of the transaction, so that concurrent puts
    /// count alike, and refuses a new filter beyond its kind's limit (replacing one of the same name is not new).
    func reserve(
        _ kind: GroupFilterKind, named name: String?, group: Int64, _ caller: Caller, on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM metric_filters f
                    WHERE f.account_id = g.account_id AND f.group_id = g.group_id)::integer,
                   EXISTS (SELECT 1 FROM metric_filters f WHERE f.account_id = g.account_id
                           AND f.group_id = g.group_id AND f.filter_name = \(name)),
                   (SELECT count(*) FROM subscription_filters f
                    WHERE f.account_id = g.account_id AND f.group_id = g.group_id)::integer,
                   EXISTS (SELECT 1 FROM subscription_filters f WHERE f.account_id = g.account_id
                           AND f.group_id = g.group_id AND f.filter_name = \(name))
            FROM log_groups g WHERE account_id = \(caller.accountID) AND group_id = \(group) FOR UPDATE
            """, logger: database.logger)
        var found: (count: Int, exists: Bool)?
        for try await (metrics, metricExists, subscriptions, subscriptionExists) in rows.decode(
            (Int, Bool, Int, Bool).self)
        {
            found = kind == .metric ? (metrics, metricExists) : (subscriptions, subscriptionExists)
        }
        guard let found else { throw AWSError.logGroupNotFound }
        if !found.exists,
            found.count >= (try await quotas.value(kind.quota, account: caller.accountID, on: connection))
        {
            throw AWSError.limitExceeded()
        }
    }

    /// The group's metric filters, compiled for ingestion.
    func metricFilters(group: Int64, _ caller: Caller) async throws -> [MetricFilter] {
        let rows = try await database.query(
            """
            SELECT filter_pattern, metric_name, metric_namespace, metric_value, default_value, dimensions::text, unit,
                   apply_on_transformed
            FROM metric_filters WHERE account_id = \(caller.accountID) AND group_id = \(group)
            ORDER BY filter_name
            """)
        var filters: [MetricFilter] = []
        for try await (pattern, metric, namespace, value, defaultValue, dimensions, unit, onTransformed) in rows.decode(
            (String, String, String, String, Double?, String, String?, Bool).self)
        {
            let decoded = try JSONDecoder().decode([String: String].self, from: Data(dimensions.utf8))
            var filter = try MetricFilter(
                pattern: pattern,
                transformation: MetricTransformation(
                    metricName: metric, metricNamespace: namespace, metricValue: value, defaultValue: defaultValue,
                    dimensions: decoded, unit: unit))
            filter.appliesToTransformed = onTransformed
            filters.append(filter)
        }
        return filters
    }

    /// The names of the group's subscription filters that match some of the batch's accepted events: each gets
    /// a delivery job. Events forwarded `LogsLimits.maxForwards` times match none.
    func matchingSubscriptions(
        group: LogGroupRecord, request: PutLogEventsRequest, accepted: Range<Int>, transformed: TransformedBatch?,
        _ caller: Caller
    ) async throws -> [String] {
        guard group.hasSubscriptionFilters, request.forwards < LogsLimits.maxForwards else { return [] }
        let rows = try await database.query(
            """
            SELECT filter_name, filter_pattern, apply_on_transformed FROM subscription_filters
            WHERE account_id = \(caller.accountID) AND group_id = \(group.id) ORDER BY filter_name
            """)
        var matching: [String] = []
        for try await (name, text, onTransformed) in rows.decode((String, String, Bool).self) {
            let pattern = try FilterPatternCache.shared.pattern(text)
            let matches = accepted.contains { index in
                if onTransformed, let transformed {
                    return transformed.filterInput(index - accepted.lowerBound).map(pattern.matches) ?? false
                }
                let start = index == 0 ? 0 : request.messageEnds[index - 1]
                return pattern.matches(request.messages[start..<request.messageEnds[index]])
            }
            if matches { matching.append(name) }
        }
        return matching
    }
}
