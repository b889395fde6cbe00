public import CairnStore
public import PostgresNIO

/// What one account may hold, with AWS's default where AWS has one. Administrators change them per account
/// (`cairn admin account quota`); a creation beyond a quota is `LimitExceededException` and changes nothing.
public enum AccountQuota: String, Sendable, CaseIterable, Codable {
    /// Log groups per region (AWS: 1,000,000).
    case logGroups = "log-groups"
    /// Metric filters per log group (AWS: 100).
    case metricFiltersPerGroup = "metric-filters-per-group"
    /// Subscription filters per log group (AWS: 2).
    case subscriptionFiltersPerGroup = "subscription-filters-per-group"
    /// Log destinations per region (AWS documents none; Cairn's default).
    case destinations
    /// Customer managed KMS keys per region (AWS: 100,000).
    case kmsKeys = "kms-keys"
    /// Aliases per KMS key (AWS: 50).
    case aliasesPerKey = "aliases-per-key"
    /// Regions the account keeps log groups, destinations or keys in (Cairn's default: every region name is a
    /// separate namespace, so this bounds how many one account can open).
    case regions
    /// Logs Insights queries running or waiting at once, in all regions (AWS: 30).
    case concurrentQueries = "concurrent-queries"
    /// Live Tail sessions open at once, in every process (AWS: 15).
    case liveTailSessions = "live-tail-sessions"

    public var defaultValue: Int {
        switch self {
        case .logGroups: 1_000_000
        case .metricFiltersPerGroup: 100
        case .subscriptionFiltersPerGroup: 2
        case .destinations: 10_000
        case .kmsKeys: 100_000
        case .aliasesPerKey: 50
        case .regions: 32
        case .concurrentQueries: 30
        case .liveTailSessions: 15
        }
    }
}

/// An account's quotas, as stored or by default.
public struct AccountQuotas: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The quota's value for `account`, read on `connection` when given (inside the caller's transaction).
    public func value(
        _ quota: AccountQuota, account: String, on connection: PostgresConnection? = nil
    ) async throws -> Int {
        let query: PostgresQuery =
            "SELECT value FROM account_quotas WHERE account_id = \(account) AND quota = \(quota.rawValue)"
        let rows =
            if let connection { try await connection.query(query, logger: database.logger) } else {
                try await database.query(query)
            }
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return quota.defaultValue
    }

    /// Every quota of `account` with its value and whether it is the default.
    public func all(account: String) async throws -> [(quota: AccountQuota, value: Int, isDefault: Bool)] {
        var stored: [String: Int] = [:]
        for try await (name, value) in try await database.query(
            "SELECT quota, value FROM account_quotas WHERE account_id = \(account)"
        ).decode((String, Int64).self) {
            stored[name] = Int(value)
        }
        return AccountQuota.allCases.map { quota in
            (quota, stored[quota.rawValue] ?? quota.defaultValue, stored[quota.rawValue] == nil)
        }
    }

    /// Sets a quota (nil: back to its default).
    public func set(_ quota: AccountQuota, account: String, to value: Int?) async throws {
        if let value {
            guard value >= 0 else { throw AdminError.invalid("a quota is a whole number, 0 or more") }
            try await database.query(
                """
                INSERT INTO account_quotas (account_id, quota, value) VALUES (\(account), \(quota.rawValue), \(Int64(value)))
                ON CONFLICT (account_id, quota) DO UPDATE SET value = excluded.value
                """)
        } else {
            try await database.query(
                "DELETE FROM account_quotas WHERE account_id = \(account) AND quota = \(quota.rawValue)")
        }
    }

    /// Inside a transaction that creates something in `region`: locks the account's row, so that concurrent
    /// creations count alike, and refuses a region beyond the account's `regions` quota.
    public func lockAccount(
        _ account: String, creatingIn region: String, on connection: PostgresConnection
    ) async throws {
        try await lock(account, on: connection)
        var inUse: [String] = []
        for try await name in try await connection.query(
            """
            SELECT region FROM log_groups WHERE account_id = \(account)
            UNION SELECT region FROM destinations WHERE account_id = \(account)
            UNION SELECT region FROM kms_keys WHERE account_id = \(account) AND key_manager = 'CUSTOMER'
            """, logger: database.logger
        ).decode(String.self) {
            inUse.append(name)
        }
        if !inUse.contains(region), inUse.count >= (try await value(.regions, account: account, on: connection)) {
            throw QuotaExceeded(quota: .regions)
        }
    }

    /// Locks the account's row, so that concurrent reservations count alike.
    private func lock(_ account: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT 1 FROM accounts WHERE account_id = \(account) FOR UPDATE", logger: database.logger)
    }

    /// Before creating one more of `quota` in `region`: locks the account (`lockAccount`; only its row when
    /// `region` is nil, for what no region holds, such as a Live Tail session), counts what exists with `counting`
    /// (a query returning one integer), and refuses one more beyond the quota.
    public func reserve(
        _ quota: AccountQuota, account: String, region: String?, counting: PostgresQuery,
        on connection: PostgresConnection
    ) async throws {
        if let region {
            try await lockAccount(account, creatingIn: region, on: connection)
        } else {
            try await lock(account, on: connection)
        }
        var count = 0
        for try await existing in try await connection.query(counting, logger: database.logger).decode(Int.self) {
            count = existing
        }
        try await check(quota, account: account, count: count, on: connection)
    }

    /// Refuses one more of `quota` when `count` already reaches it.
    public func check(
        _ quota: AccountQuota, account: String, count: Int, on connection: PostgresConnection
    ) async throws {
        if count >= (try await value(quota, account: account, on: connection)) { throw QuotaExceeded(quota: quota) }
    }
}

/// A creation beyond an account's quota; each service answers it with its own `LimitExceededException`.
public struct QuotaExceeded: Error, Equatable {
    public let quota: AccountQuota
}
