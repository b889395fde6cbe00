import CairnProtocol
import CairnStore
import PostgresNIO

/// The filters a log group holds, each kind with its own per-group limit.
enum GroupFilterKind {
    case metric, subscription

    var limit: Int {
        switch self {
        case .metric: LogsLimits.metricFiltersPerGroup
        case .subscription: LogsLimits.subscriptionFiltersPerGroup
        }
    }
}

extension LogsService {
    /// Before a filter is put: locks the group's row for the rest of the transaction, so that concurrent puts
    /// count alike, and refuses a new filter beyond its kind's limit (replacing one of the same name is not new).
    func reserveFilter(
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
        if !found.exists, found.count >= kind.limit { throw AWSError.limitExceeded() }
    }
}
