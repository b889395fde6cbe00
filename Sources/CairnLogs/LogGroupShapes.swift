/// Request and response shapes of the log group operations, as in the service model.
struct CreateLogGroupRequest: Decodable {
    let logGroupName: String?
    let kmsKeyId: String?
    let tags: [String: String]?
    let logGroupClass: String?
    let deletionProtectionEnabled: Bool?
}

struct LogGroupNameRequest: Decodable {
    let logGroupName: String?
}

struct DescribeLogGroupsRequest: Decodable {
    let accountIdentifiers: [String]?
    let logGroupNamePrefix: String?
    let logGroupNamePattern: String?
    let nextToken: String?
    let limit: Int?
    let includeLinkedAccounts: Bool?
    let logGroupClass: String?
    let logGroupIdentifiers: [String]?
}

struct LogGroupDescription: Encodable {
    let logGroupName: String
    let creationTime: Int64
    var retentionInDays: Int?
    var metricFilterCount: Int?
    let arn: String
    var storedBytes: Int64?
    var kmsKeyId: String?
    var logGroupClass: String?
    var logGroupArn: String?
    var deletionProtectionEnabled: Bool?
    /// ACTIVATED while the group has a data protection policy, DELETED once it had one.
    var dataProtectionStatus: String? = nil
    /// `ACCOUNT_DATA_PROTECTION` while the account has an account-level data protection policy.
    var inheritedProperties: [String]? = nil

    /// With `logGroupNamePattern`, AWS returns only `arn`, `creationTime` and `logGroupName`.
    var nameOnly: LogGroupDescription {
        LogGroupDescription(logGroupName: logGroupName, creationTime: creationTime, arn: arn)
    }
}

struct DescribeLogGroupsResponse: Encodable {
    let logGroups: [LogGroupDescription]
    let nextToken: String?
}

struct PutRetentionPolicyRequest: Decodable {
    let logGroupName: String?
    let retentionInDays: Int?
}

struct CreateLogStreamRequest: Decodable {
    let logGroupName: String?
    let logStreamName: String?
}

struct DescribeLogStreamsRequest: Decodable {
    let logGroupName: String?
    let logGroupIdentifier: String?
    let logStreamNamePrefix: String?
    let orderBy: String?
    let descending: Bool?
    let nextToken: String?
    let limit: Int?
}

struct LogStreamDescription: Encodable {
    let logStreamName: String
    let creationTime: Int64
    let firstEventTimestamp: Int64?
    let lastEventTimestamp: Int64?
    let lastIngestionTime: Int64?
    let uploadSequenceToken: String
    let arn: String
    let storedBytes: Int64
}

struct DescribeLogStreamsResponse: Encodable {
    let logStreams: [LogStreamDescription]
    let nextToken: String?
}

struct TagLogGroupRequest: Decodable {
    let logGroupName: String?
    let tags: [String: String]?
}

struct UntagLogGroupRequest: Decodable {
    let logGroupName: String?
    let tags: [String]?
}

struct TagResourceRequest: Decodable {
    let resourceArn: String?
    let tags: [String: String]?
}

struct UntagResourceRequest: Decodable {
    let resourceArn: String?
    let tagKeys: [String]?
}

struct ResourceARNRequest: Decodable {
    let resourceArn: String?
}

struct TagsResponse: Encodable {
    let tags: [String: String]
}

struct PutLogGroupDeletionProtectionRequest: Decodable, Sendable {
    let logGroupIdentifier: String?
    let deletionProtectionEnabled: Bool?
}
