import CairnAccounts
import CairnKeys
import CairnMetrics
import CairnObjects
import CairnStore

/// CreateLogGroup, DeleteLogGroup, DescribeLogGroups, retention, and the group's KMS key.
struct LogGroupHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let accounts: AccountDirectory
    let groups: LogGroupStore
    let keyRing: DataKeyRing
    let keys: KeyService
    let quotas: AccountQuotas
}

/// PutDataProtectionPolicy, GetDataProtectionPolicy, DeleteDataProtectionPolicy.
struct DataProtectionHandlers: Sendable {
    let database: Database
    /// Findings destinations must exist when a policy names them.
    let deliveryStreams: DeliveryStreamDirectory
    let buckets: BucketDirectory
}

/// PutTransformer, GetTransformer, DeleteTransformer, TestTransformer.
struct TransformerHandlers: Sendable {
    let database: Database
    /// TestTransformer's transformation runs there, as ingestion's does.
    let blockingWork: BlockingWork
}

/// PutAccountPolicy, DescribeAccountPolicies, DeleteAccountPolicy (data protection and transformer policies).
struct AccountPolicyHandlers: Sendable {
    let database: Database
    let accounts: AccountDirectory
    /// A data protection policy is validated as PutDataProtectionPolicy validates it.
    let dataProtection: DataProtectionHandlers
}

/// CreateLogStream, DeleteLogStream, DescribeLogStreams.
struct LogStreamHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
}

/// PutLogEvents (and events forwarded by subscriptions), GetLogEvents, FilterLogEvents, and reads of the
/// reserved audit group.
struct LogEventHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let chunks: ChunkStore
    let filters: FilterStore
    let keyRing: DataKeyRing
    let audit: AuditTrail
    let scans: ScanLimiter
    /// Metric filters' dimension values are log text: their series are stored sealed.
    let metricKeys: MetricsKeyRing
    /// Masking and transformation run there, accounts taking turns.
    let blockingWork: BlockingWork
}

/// PutMetricFilter, DeleteMetricFilter, DescribeMetricFilters, TestMetricFilter.
struct MetricFilterHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let filters: FilterStore
}

/// PutSubscriptionFilter, DeleteSubscriptionFilter, DescribeSubscriptionFilters.
struct SubscriptionHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let filters: FilterStore
    let destinations: DestinationHandlers
}

/// PutDestination, PutDestinationPolicy, DescribeDestinations, DeleteDestination, and where a subscription's
/// destination leads.
struct DestinationHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let functions: FunctionDirectory
    let deliveryStreams: DeliveryStreamDirectory
    let quotas: AccountQuotas
}

/// Tags of log groups (TagLogGroup and friends) and of any taggable ARN (TagResource and friends).
struct TagHandlers: Sendable {
    let database: Database
    let groups: LogGroupStore
}
