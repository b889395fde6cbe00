/// Response shapes of the event operations.
struct RejectedLogEventsInfo: Encodable {
    let tooNewLogEventStartIndex: Int?
    let tooOldLogEventEndIndex: Int?
    let expiredLogEventEndIndex: Int?
}

struct PutLogEventsResponse: Encodable {
    let nextSequenceToken: String
    let rejectedLogEventsInfo: RejectedLogEventsInfo?
}

struct GetLogEventsRequest: Decodable {
    let logGroupName: String?
    let logGroupIdentifier: String?
    let logStreamName: String?
    let startTime: Int64?
    let endTime: Int64?
    let nextToken: String?
    let limit: Int?
    let startFromHead: Bool?
    let unmask: Bool?
}

struct OutputLogEvent: Encodable {
    let timestamp: Int64
    let message: String
    let ingestionTime: Int64
}

struct GetLogEventsResponse: Encodable {
    let events: [OutputLogEvent]
    let nextForwardToken: String
    let nextBackwardToken: String
}

struct FilterLogEventsRequest: Decodable {
    let logGroupName: String?
    let logGroupIdentifier: String?
    let logStreamNames: [String]?
    let logStreamNamePrefix: String?
    let startTime: Int64?
    let endTime: Int64?
    let filterPattern: String?
    let nextToken: String?
    let limit: Int?
    let interleaved: Bool?
    let unmask: Bool?
}

struct FilteredLogEvent: Encodable {
    let logStreamName: String
    let timestamp: Int64
    let message: String
    let ingestionTime: Int64
    let eventId: String
}

struct SearchedLogStream: Encodable {
    let logStreamName: String
    let searchedCompletely: Bool
}

struct FilterLogEventsResponse: Encodable {
    let events: [FilteredLogEvent]
    let searchedLogStreams: [SearchedLogStream]
    let nextToken: String?
}
