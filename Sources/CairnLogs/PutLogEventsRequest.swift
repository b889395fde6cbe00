import CairnProtocol

/// A PutLogEvents body, read by the byte scanner: the messages of all events in one buffer.
struct PutLogEventsRequest: Sendable {
    var logGroupName: String?
    var logStreamName: String?
    var sequenceToken: String?
    var hasEvents = false
    /// How many times these events were already forwarded into a log group by a subscription (0 for a client's).
    var forwards = 0
    /// Audit findings reports Cairn writes: they are masked like any event but never reported on themselves.
    var isFindingsReport = false
    var timestamps: [Int64] = []
    /// `messages[messageEnds[i-1]..<messageEnds[i]]` is event i's message.
    var messageEnds: [Int] = []
    var messages: [UInt8] = []
    /// Members of events that were absent or null, for AWS's validation messages.
    var missing: [(index: Int, member: String)] = []

    var count: Int { timestamps.count }

    func messageLength(_ index: Int) -> Int {
        messageEnds[index] - (index == 0 ? 0 : messageEnds[index - 1])
    }

    static func parse(_ body: [UInt8]) throws(AWSError) -> PutLogEventsRequest {
        var request = PutLogEventsRequest()
        var scanner = JSONScanner(body)
        if scanner.atEnd { return request }
        request.messages.reserveCapacity(body.count)
        try scanner.readObject { scanner, key throws(AWSError) in
            if try scanner.readNullIfPresent() { return }
            switch key {
            case "logGroupName": request.logGroupName = try Self.string(&scanner, key)
            case "logStreamName": request.logStreamName = try Self.string(&scanner, key)
            case "sequenceToken": request.sequenceToken = try Self.string(&scanner, key)
            case "logEvents":
                guard try scanner.peekKind() == .array else { throw Self.wrongType(key) }
                request.hasEvents = true
                try scanner.readArray { scanner throws(AWSError) in try request.readEvent(&scanner) }
            default: try scanner.skipValue()
            }
        }
        guard scanner.atEnd else { throw AWSError.serialization("The request body is not valid JSON.") }
        return request
    }

    private mutating func readEvent(_ scanner: inout JSONScanner) throws(AWSError) {
        guard try scanner.peekKind() == .object else { throw Self.wrongType("logEvents.member") }
        var timestamp: Int64?
        var hasMessage = false
        let start = messages.count
        try scanner.readObject { scanner, key throws(AWSError) in
            if try scanner.readNullIfPresent() { return }
            switch key {
            case "timestamp":
                guard try scanner.peekKind() == .number else { throw Self.wrongType("timestamp") }
                timestamp = try scanner.readInt64()
            case "message":
                guard try scanner.peekKind() == .string, !hasMessage else { throw Self.wrongType("message") }
                try scanner.readString(into: &messages)
                hasMessage = true
            default: try scanner.skipValue()
            }
        }
        let index = messageEnds.count
        if timestamp == nil { missing.append((index, "timestamp")) }
        if !hasMessage { missing.append((index, "message")) }
        timestamps.append(timestamp ?? 0)
        messageEnds.append(hasMessage ? messages.count : start)
    }

    private static func string(_ scanner: inout JSONScanner, _ key: String) throws(AWSError) -> String {
        guard try scanner.peekKind() == .string else { throw wrongType(key) }
        return try scanner.readString()
    }

    private static func wrongType(_ member: String) -> AWSError {
        .serialization("Unexpected value type at '\(member)'.")
    }
}

extension LogsService {
    /// Parses a PutLogEvents body as the service does, for the parse benchmark: the number of events and
    /// message bytes read.
    public static func scanPutLogEvents(_ body: [UInt8]) throws -> (events: Int, messageBytes: Int) {
        let request = try PutLogEventsRequest.parse(body)
        return (request.count, request.messages.count)
    }
}
