public import CairnAccounts
public import CairnKeys
import CairnMetrics
public import CairnObjects
import CairnProtocol
public import CairnStore
import Foundation
import Logging

/// The CloudWatch Logs API (`Logs_20140328.*`): one handler type per area (log groups, streams, events,
/// metric filters, subscriptions, destinations, tags), each over the stores it needs, all built once here.
/// `operations` declares every operation for the registry.
public struct LogsService: Sendable {
    /// What the page-token key is derived from the root key for.
    public static let pageTokenPurpose = "cairn/page-tokens/v1"

    let database: Database
    let keyRing: DataKeyRing
    let chunks: ChunkStore
    public let functions: FunctionDirectory
    public let buckets: BucketDirectory
    public let deliveryStreams: DeliveryStreamDirectory
    let deliveryStreamBuffer: DeliveryStreamBuffer
    let audit: AuditTrail
    // The handlers of each area, built once over shared stores.
    let logGroups: LogGroupHandlers
    let dataProtection: DataProtectionHandlers
    let transformers: TransformerHandlers
    let accountPolicies: AccountPolicyHandlers
    let logStreams: LogStreamHandlers
    let events: LogEventHandlers
    let metricFilters: MetricFilterHandlers
    let subscriptions: SubscriptionHandlers
    let destinations: DestinationHandlers
    let tags: TagHandlers
    let queries: QueryStore
    let insights: InsightsHandlers
    let queryDefinitions: QueryDefinitionHandlers
    let exports: ExportHandlers
    let resourcePolicies: ResourcePolicyHandlers
    let liveTailSessions: LiveTailHandlers
    /// Live Tail's fan-out in this process: a Service, run by processes that answer requests.
    public let liveTail: LiveTailHub
    /// The threads masking and transformation run on: a Service, run by every process.
    public let blockingWork: BlockingWork

    public init(database: Database, pageTokenKey: [UInt8], keyRing: DataKeyRing, rootKey: RootKey) {
        let pageToken = PageToken(key: pageTokenKey)
        let accounts = AccountDirectory(database: database, rootKey: rootKey)
        let audit = AuditTrail(database: database)
        let groups = LogGroupStore(database: database, accounts: accounts, audit: audit)
        let keys = KeyService(keyRing: keyRing)
        let quotas = AccountQuotas(database: database)
        let filters = FilterStore(database: database, quotas: quotas)
        let blockingWork = BlockingWork()
        self.blockingWork = blockingWork
        self.database = database
        self.keyRing = keyRing
        chunks = ChunkStore(database: database, keyRing: keyRing)
        functions = FunctionDirectory(database: database, rootKey: rootKey)
        buckets = BucketDirectory(database: database, rootKey: rootKey)
        deliveryStreams = DeliveryStreamDirectory(database: database, rootKey: rootKey)
        deliveryStreamBuffer = DeliveryStreamBuffer(database: database, keyRing: keyRing)
        self.audit = audit
        logGroups = LogGroupHandlers(
            database: database, pageToken: pageToken, accounts: accounts, groups: groups, keyRing: keyRing, keys: keys,
            quotas: quotas)
        dataProtection = DataProtectionHandlers(
            database: database, deliveryStreams: deliveryStreams, buckets: buckets)
        transformers = TransformerHandlers(database: database, blockingWork: blockingWork)
        accountPolicies = AccountPolicyHandlers(database: database, accounts: accounts, dataProtection: dataProtection)
        logStreams = LogStreamHandlers(database: database, pageToken: pageToken, groups: groups)
        events = LogEventHandlers(
            database: database, pageToken: pageToken, groups: groups, chunks: chunks, filters: filters,
            keyRing: keyRing, audit: audit, scans: ScanLimiter(),
            metricKeys: MetricsKeyRing(database: database, rootKey: rootKey), blockingWork: blockingWork)
        metricFilters = MetricFilterHandlers(database: database, pageToken: pageToken, groups: groups, filters: filters)
        destinations = DestinationHandlers(
            database: database, pageToken: pageToken, groups: groups, functions: functions,
            deliveryStreams: deliveryStreams, quotas: quotas)
        subscriptions = SubscriptionHandlers(
            database: database, pageToken: pageToken, groups: groups, filters: filters, destinations: destinations)
        tags = TagHandlers(database: database, groups: groups)
        queries = QueryStore(database: database, keyRing: keyRing)
        insights = InsightsHandlers(
            database: database, pageToken: pageToken, groups: groups, queries: queries, quotas: quotas, audit: audit)
        queryDefinitions = QueryDefinitionHandlers(database: database, pageToken: pageToken)
        resourcePolicies = ResourcePolicyHandlers(database: database, pageToken: pageToken, groups: groups)
        exports = ExportHandlers(
            database: database, pageToken: pageToken, groups: groups, buckets: buckets, audit: audit)
        liveTail = LiveTailHub(database: database, chunks: chunks, logger: database.logger)
        liveTailSessions = LiveTailHandlers(
            database: database, groups: groups, quotas: quotas, hub: liveTail, audit: audit)
    }

    /// The queue subscription deliveries travel on.
    public static let deliveryQueue = "subscription-delivery"

    static func now() -> Int64 { WallClock.system.milliseconds }

    /// Escapes `%`, `_` and `\` for a LIKE pattern.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func jobText(_ job: DeliveryJob) throws -> String {
        String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
    }
}
