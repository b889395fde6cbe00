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
    public static let accountIdentifiersMax = 20
    /// The retention values PutRetentionPolicy accepts.
    public static let retentionDays = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]
    public static let logGroupClasses = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]
    public static let orderByValues = ["LogStreamName", "LastEventTime"]
}
