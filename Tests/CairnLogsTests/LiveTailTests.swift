import CairnChunks
import CairnFilter
import CairnProtocol
import Foundation
import Synchronization
import Testing

@testable import CairnLogs

/// A Live Tail session's sampling and stream filters, and the messages its stream writes, with short timings.
@Suite struct LiveTailTests {
    static func session(
        names: Set<String>? = nil, prefixes: [String]? = nil, pattern: String = ""
    ) throws
        -> LiveTailSession
    {
        LiveTailSession(
            id: UUID(), account: "111111111111", groups: [7: "/g"], streamNames: names, streamPrefixes: prefixes,
            pattern: try FilterPattern.parsing(pattern))
    }

    static func events(_ messages: [String]) -> [LogEvent] {
        messages.enumerated().map { index, message in
            LogEvent(
                timestamp: 1_000 + Int64(index), streamID: 1, sequence: Int64(index), ingestionTime: 2_000,
                message: Array(message.utf8)[...])
        }
    }

    static let start = LiveTailSessionStart(
        requestId: "r", sessionId: "s", logGroupIdentifiers: ["/g"], logStreamNames: nil, logStreamNamePrefixes: nil,
        logEventFilterPattern: nil)

    static func timing(lifetime: Duration = .seconds(3600), unsentLimit: Int = 10) -> LiveTailTiming {
        LiveTailTiming(
            lifetime: lifetime, update: .milliseconds(20), eager: .milliseconds(10), tick: .milliseconds(5),
            unsentLimit: unsentLimit, unsentBytesLimit: 1 << 30)
    }

    @Test func upTo500EventsAreSentWhole() throws {
        let session = try Self.session()
        session.offer(Self.events(["b", "a"]), group: 7, streamName: "s")
        let update = session.takeUpdate()
        #expect(update.sessionResults.map(\.message) == ["b", "a"])
        #expect(update.sessionResults.allSatisfy { $0.logGroupIdentifier == "/g" && $0.logStreamName == "s" })
        #expect(!update.sessionMetadata.sampled)
        #expect(session.takeUpdate().sessionResults.isEmpty)
    }

    @Test func moreThan500AreSampledUniformly() throws {
        let session = try Self.session()
        session.offer(Self.events((0..<5000).map { "event \($0)" }), group: 7, streamName: "s")
        let update = session.takeUpdate()
        #expect(update.sessionMetadata.sampled)
        #expect(update.sessionResults.count == 500)
        #expect(Set(update.sessionResults.map(\.message)).count == 500)
        // A uniform sample of 5,000 has events from the last thousand too (the chance it has none is ~1e-50).
        #expect(update.sessionResults.contains { Int($0.message.dropFirst(6))! >= 4000 })
        let times = update.sessionResults.map(\.timestamp)
        #expect(times == times.sorted())
    }

    @Test func streamsGroupsAndPatternsSelect() throws {
        let prefixed = try Self.session(prefixes: ["app-"], pattern: "ERROR")
        prefixed.offer(Self.events(["ERROR x", "INFO y"]), group: 7, streamName: "app-1")
        prefixed.offer(Self.events(["ERROR z"]), group: 7, streamName: "other")
        prefixed.offer(Self.events(["ERROR w"]), group: 8, streamName: "app-1")
        #expect(prefixed.takeUpdate().sessionResults.map(\.message) == ["ERROR x"])
        let named = try Self.session(names: ["b"])
        #expect(named.watches(stream: "b") && !named.watches(stream: "bb"))
    }

    /// Collects what a stream writes.
    final class Written: Sendable {
        let messages = Mutex<[EventStreamMessage]>([])
        var all: [EventStreamMessage] { messages.withLock { $0 } }
        func types() -> [String] {
            all.map { $0.header(":event-type") ?? $0.header(":exception-type") ?? "?" }
        }
    }

    @Test func aSessionStartsThenUpdatesThenTimesOut() async throws {
        let session = try Self.session()
        let written = Written()
        session.offer(Self.events(["hello"]), group: 7, streamName: "s")
        try await LiveTailHandlers.stream(session, start: Self.start, timing: Self.timing(lifetime: .milliseconds(300)))
        { message in
            written.messages.withLock { $0.append(message) }
        }
        let types = written.types()
        #expect(types.first == "sessionStart")
        #expect(types.last == "SessionTimeoutException")
        #expect(types.dropFirst().dropLast().allSatisfy { $0 == "sessionUpdate" } && types.count >= 3)
        let firstUpdate = String(decoding: written.all[1].payload, as: UTF8.self)
        #expect(firstUpdate.contains(#""message":"hello""#))
        #expect(written.all.last?.header(":message-type") == "exception")
    }

    @Test func aReaderThatFallsBehindIsCutOffWithAReason() async throws {
        let session = try Self.session()
        let written = Written()
        try await LiveTailHandlers.stream(session, start: Self.start, timing: Self.timing(unsentLimit: 3)) { message in
            // The reader takes the start, then stops reading until the session has given up on it.
            if !written.all.isEmpty {
                while session.endReason == nil { try await Task.sleep(for: .milliseconds(5)) }
            }
            written.messages.withLock { $0.append(message) }
        }
        let types = written.types()
        #expect(types.last == "SessionStreamingException")
        #expect(types.filter { $0 == "sessionUpdate" }.count <= 3)
        #expect(session.endReason == .tooSlow)
        let text = String(decoding: written.all.last!.payload, as: UTF8.self)
        #expect(text.contains("did not read"))
    }

    @Test func aClientThatGoesAwayEndsTheStream() async throws {
        let session = try Self.session()
        struct Gone: Error {}
        let count = Mutex(0)
        await #expect(throws: Gone.self) {
            try await LiveTailHandlers.stream(session, start: Self.start, timing: Self.timing()) { _ in
                let sent = count.withLock {
                    $0 += 1
                    return $0
                }
                if sent > 2 { throw Gone() }
            }
        }
    }
}
