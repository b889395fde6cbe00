/// Request and event shapes of StartLiveTail (Logs_20140328).
struct StartLiveTailRequest: Decodable, Sendable {
    let logGroupIdentifiers: [String]?
    let logStreamNames: [String]?
    let logStreamNamePrefixes: [String]?
    let logEventFilterPattern: String?
}

/// The `sessionStart` event.
struct LiveTailSessionStart: Encodable {
    let requestId: String
    let sessionId: String
    let logGroupIdentifiers: [String]
    let logStreamNames: [String]?
    let logStreamNamePrefixes: [String]?
    let logEventFilterPattern: String?
}

/// A `sessionUpdate` event.
struct LiveTailSessionUpdate: Encodable {
    struct Metadata: Encodable {
        let sampled: Bool
    }

    let sessionMetadata: Metadata
    let sessionResults: [LiveTailSessionLogEvent]
}

struct LiveTailSessionLogEvent: Encodable, Sendable {
    let logStreamName: String
    let logGroupIdentifier: String
    let message: String
    let timestamp: Int64
    let ingestionTime: Int64
}
