public import CairnKeys
public import CairnProtocol
public import CairnStore
import Logging

/// The CloudWatch Logs API (`Logs_20140328.*`): decodes the request, runs the operation
/// for the caller's account and region, and encodes the response.
public struct LogsService: Sendable {
    public static let targetPrefix = "Logs_20140328."
    public static let signingService = "logs"
    /// What the page-token key is derived from the root key for.
    public static let pageTokenPurpose = "cairn/page-tokens/v1"

    let database: Database
    let pageToken: PageToken
    let keyRing: DataKeyRing
    let rootKey: RootKey

    public init(database: Database, pageTokenKey: [UInt8], keyRing: DataKeyRing, rootKey: RootKey) {
        self.database = database
        self.pageToken = PageToken(key: pageTokenKey)
        self.keyRing = keyRing
        self.rootKey = rootKey
    }

    typealias Handler = @Sendable (LogsService, [UInt8], Caller) async throws -> [UInt8]

    static let operations: [String: Handler] = [
        "CreateLogGroup": { try await $0.createLogGroup(JSONRequest.decode(CreateLogGroupRequest.self, from: $1), $2) },
        "DeleteLogGroup": { try await $0.deleteLogGroup(JSONRequest.decode(LogGroupNameRequest.self, from: $1), $2) },
        "DescribeLogGroups": {
            try await $0.describeLogGroups(JSONRequest.decode(DescribeLogGroupsRequest.self, from: $1), $2)
        },
        "PutRetentionPolicy": {
            try await $0.putRetentionPolicy(JSONRequest.decode(PutRetentionPolicyRequest.self, from: $1), $2)
        },
        "DeleteRetentionPolicy": {
            try await $0.deleteRetentionPolicy(JSONRequest.decode(LogGroupNameRequest.self, from: $1), $2)
        },
        "CreateLogStream": {
            try await $0.createLogStream(JSONRequest.decode(CreateLogStreamRequest.self, from: $1), $2)
        },
        "DeleteLogStream": {
            try await $0.deleteLogStream(JSONRequest.decode(CreateLogStreamRequest.self, from: $1), $2)
        },
        "DescribeLogStreams": {
            try await $0.describeLogStreams(JSONRequest.decode(DescribeLogStreamsRequest.self, from: $1), $2)
        },
        "PutLogEvents": { try await $0.putLogEvents($1, $2) },
        "GetLogEvents": { try await $0.getLogEvents(JSONRequest.decode(GetLogEventsRequest.self, from: $1), $2) },
        "FilterLogEvents": {
            try await $0.filterLogEvents(JSONRequest.decode(FilterLogEventsRequest.self, from: $1), $2)
        },
        "AssociateKmsKey": {
            try await $0.associateKmsKey(JSONRequest.decode(AssociateKmsKeyRequest.self, from: $1), $2)
        },
        "DisassociateKmsKey": {
            try await $0.disassociateKmsKey(JSONRequest.decode(AssociateKmsKeyRequest.self, from: $1), $2)
        },
        "PutMetricFilter": {
            try await $0.putMetricFilter(JSONRequest.decode(PutMetricFilterRequest.self, from: $1), $2)
        },
        "DeleteMetricFilter": {
            try await $0.deleteMetricFilter(JSONRequest.decode(DeleteMetricFilterRequest.self, from: $1), $2)
        },
        "DescribeMetricFilters": {
            try await $0.describeMetricFilters(JSONRequest.decode(DescribeMetricFiltersRequest.self, from: $1), $2)
        },
        "TestMetricFilter": {
            try await $0.testMetricFilter(JSONRequest.decode(TestMetricFilterRequest.self, from: $1), $2)
        },
        "PutSubscriptionFilter": {
            try await $0.putSubscriptionFilter(JSONRequest.decode(PutSubscriptionFilterRequest.self, from: $1), $2)
        },
        "DeleteSubscriptionFilter": {
            try await $0.deleteSubscriptionFilter(JSONRequest.decode(DeleteMetricFilterRequest.self, from: $1), $2)
        },
        "DescribeSubscriptionFilters": {
            try await $0.describeSubscriptionFilters(
                JSONRequest.decode(DescribeSubscriptionFiltersRequest.self, from: $1), $2)
        },
        "PutDestination": { try await $0.putDestination(JSONRequest.decode(PutDestinationRequest.self, from: $1), $2) },
        "PutDestinationPolicy": {
            try await $0.putDestinationPolicy(JSONRequest.decode(PutDestinationPolicyRequest.self, from: $1), $2)
        },
        "DescribeDestinations": {
            try await $0.describeDestinations(JSONRequest.decode(DescribeDestinationsRequest.self, from: $1), $2)
        },
        "DeleteDestination": {
            try await $0.deleteDestination(JSONRequest.decode(DestinationNameRequest.self, from: $1), $2)
        },
        "TagLogGroup": { try await $0.tagLogGroup(JSONRequest.decode(TagLogGroupRequest.self, from: $1), $2) },
        "UntagLogGroup": { try await $0.untagLogGroup(JSONRequest.decode(UntagLogGroupRequest.self, from: $1), $2) },
        "ListTagsLogGroup": {
            try await $0.listTagsLogGroup(JSONRequest.decode(LogGroupNameRequest.self, from: $1), $2)
        },
        "TagResource": { try await $0.tagResource(JSONRequest.decode(TagResourceRequest.self, from: $1), $2) },
        "UntagResource": { try await $0.untagResource(JSONRequest.decode(UntagResourceRequest.self, from: $1), $2) },
        "ListTagsForResource": {
            try await $0.listTagsForResource(JSONRequest.decode(ResourceARNRequest.self, from: $1), $2)
        },
    ]

    public static func knows(_ operation: String) -> Bool { operations[operation] != nil }

    /// Runs one operation. Throws `AWSError` for everything a client should see.
    public func handle(operation: String, body: [UInt8], caller: Caller) async throws -> [UInt8] {
        guard let handler = Self.operations[operation] else {
            throw AWSError.unknownOperation(Self.targetPrefix + operation)
        }
        try caller.authorize(Self.signingService, operation)
        do {
            return try await handler(self, body, caller)
        } catch let error as DataKeyError {
            throw error.awsError
        }
    }
}
