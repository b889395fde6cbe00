/// CloudWatch Logs limits, each next to the AWS value it mirrors.
public enum LogsLimits {
    /// LogGroupName: 1–512 characters.
    public static let logGroupNameLength = 1...512
    /// LogStreamName: 1–512 characters.
    public static let logStreamNameLength = 1...512
    /// DescribeLogGroups / DescribeLogStreams `limit`: 1–50, default 50.
    public static let describeLimit = 1...50
    public static let describeDefaultLimit = 50
    /// Tags: at most 50 per resource; keys 1–128 characters, values 0–256.
    public static let tagsPerResource = 50
    public static let tagKeyLength = 1...128
    public static let tagValueMaxLength = 256
    /// KmsKeyId: at most 256 characters.
    public static let kmsKeyIdMaxLength = 256
    /// LogGroupIdentifier: 1–2048 characters.
    public static let logGroupIdentifierLength = 1...2048
    /// AmazonResourceName: 1–1011 characters.
    public static let resourceARNLength = 1...1011
    /// DescribeLogGroups `logGroupIdentifiers`: 1–50 entries; `accountIdentifiers`: at most 20.
    public static let logGroupIdentifiersCount = 1...50
    /// TestTransformer's messages (a transformer's processors are CairnTransform's to count).
    public static let testTransformerMessages = 1...50
    /// Account-level transformer policies per region, and an account policy document's length.
    public static let transformerPolicies = 20
    public static let accountPolicyDocumentLength = 30_720
    public static let accountIdentifiersMax = 20
    /// The retention values PutRetentionPolicy accepts.
    public static let retentionDays = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]
    public static let logGroupClasses = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]
    public static let orderByValues = ["LogStreamName", "LastEventTime"]
    /// StartQuery: at most 50 log groups (`logGroupNames`, `logGroupIdentifiers`).
    public static let queryGroups = 50
    /// StartQuery `limit`: 1–100,000 (the model), 10,000 when not given (AWS's current default).
    public static let queryResultsLimit = 100_000
    public static let queryDefaultLimit = 10_000
    /// GetQueryResults `maxItems`: at most 10,000 rows a page, which is also the page when not given.
    public static let queryResultsPage = 10_000
    /// StartLiveTail: 1–10 log groups; `logStreamNames` and `logStreamNamePrefixes`: 1–100 each.
    public static let liveTailGroups = 10
    public static let liveTailStreams = 100
}

/// PutLogEvents, GetLogEvents and FilterLogEvents limits.
extension LogsLimits {
    /// 1–10,000 events per PutLogEvents.
    public static let eventsPerBatch = 1...10_000
    /// Batch size: Σ(UTF-8 message bytes + 26) ≤ 1,048,576.
    public static let maxBatchBytes = 1_048_576
    public static let eventOverheadBytes = 26
    /// Events are forwarded into log groups by subscriptions at most this many times: in the group a second
    /// forward reaches they trigger no subscription, so loops of destinations end.
    public static let maxForwards = 2
    /// The largest body a valid batch can arrive as. JSON may write each counted byte as six (`\u0001`;
    /// botocore writes every non-ASCII character as `\uXXXX`, 12 bytes for the 4 of an emoji), and each event
    /// has its framing (`{"timestamp": …, "message": ""}, `, at most 128 bytes with spacing), beside the
    /// group, stream and token. Memory per request stays bounded by this: about 7.6 MB.
    public static let maxPutLogEventsBodyBytes = 6 * maxBatchBytes + eventsPerBatch.upperBound * 128 + 65_536
    /// One event, with its 26 bytes, at most 1 MB.
    public static let maxEventBytes = 1_048_576
    /// Events more than 2 hours in the future are rejected.
    public static let tooNewMilliseconds: Int64 = 2 * 3_600_000
    /// Events older than 14 days are rejected.
    public static let tooOldMilliseconds: Int64 = 14 * 86_400_000
    /// The accepted events of one batch span at most 24 hours.
    public static let maxBatchSpanMilliseconds: Int64 = 24 * 3_600_000
    /// GetLogEvents / FilterLogEvents `limit`: 1–10,000, default 10,000; a response holds at most 1 MB.
    public static let eventsLimit = 1...10_000
    public static let maxResponseBytes = 1_048_576
    /// FilterLogEvents `logStreamNames`: 1–100; `filterPattern` at most 1,024 characters.
    public static let filterStreamNames = 1...100
    public static let filterPatternMaxLength = 1024
    /// Chunks one FilterLogEvents call decrypts before it returns what it has with a `nextToken`.
    public static let filterChunkBudget = 4096
    /// FilterLogEvents also stops after 256 MB of decompressed messages or 3 s, returning what it found and a
    /// `nextToken` (as AWS does when a search runs long), so no scan holds a connection and a core for long.
    public static let filterByteBudget = 256 * 1_048_576
    public static let filterTimeBudget = Duration.seconds(3)
    /// Scans (FilterLogEvents, GetLogEvents) running at once for one account in one process; more are
    /// throttled, so one tenant's searches cannot take every pooled connection.
    public static let concurrentScansPerAccount = 4
}
