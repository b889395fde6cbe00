/// Request and response shapes of the subscription filter operations, as in the service model.
struct PutSubscriptionFilterRequest: Decodable {
    let logGroupName: String?
    let filterName: String?
    let filterPattern: String?
    let destinationArn: String?
    let roleArn: String?
    let distribution: String?
    var applyOnTransformedLogs: Bool? = nil
    var fieldSelectionCriteria: String? = nil
    var emitSystemFields: [String]? = nil
}

struct DescribeSubscriptionFiltersRequest: Decodable {
    let logGroupName: String?
    let filterNamePrefix: String?
    let nextToken: String?
    let limit: Int?
}

struct SubscriptionFilterDescription: Encodable {
    let filterName: String
    let logGroupName: String
    let filterPattern: String
    let destinationArn: String
    let roleArn: String?
    let distribution: String
    let applyOnTransformedLogs: Bool
    let creationTime: Int64
}

struct DescribeSubscriptionFiltersResponse: Encodable {
    let subscriptionFilters: [SubscriptionFilterDescription]
    let nextToken: String?
}

/// What a delivery job names: the events of one PutLogEvents batch (by stream and sequence numbers) for one
/// subscription filter, or the control message sent when a subscription is created. Never log text.
struct DeliveryJob: Codable {
    enum Kind: String, Codable { case data, control }
    let kind: Kind
    let account: String
    let region: String
    let group: Int64
    let groupName: String
    let filter: String
    var stream: Int64? = nil
    var streamName: String? = nil
    var firstSequence: Int64? = nil
    var count: Int64? = nil
    var minTimestamp: Int64? = nil
    var maxTimestamp: Int64? = nil
    /// How many times the batch's events were forwarded into a log group before this delivery (nil: never).
    var forwards: Int? = nil
}
