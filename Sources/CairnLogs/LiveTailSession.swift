import CairnChunks
import CairnFilter
import Foundation
import Synchronization

/// One Live Tail session: what it watches, and the events matched since its last update — at most
/// `updateLimit`, a uniform sample of them when more matched (reservoir sampling), so that a busy group costs
/// a session a bounded buffer however fast events arrive.
final class LiveTailSession: Sendable {
    let id: UUID
    let account: String
    /// The identifier each watched group goes by in results (`account-id:group-name`), by group id.
    let groups: [Int64: String]
    let streamNames: Set<String>?
    let streamPrefixes: [String]?
    let pattern: FilterPattern

    /// Events per update (AWS: 500).
    static let updateLimit = 500

    private struct Pending {
        var events: [LiveTailSessionLogEvent] = []
        var matched = 0
        var ended: EndReason?
        var generator = SystemRandomNumberGenerator()
    }

    /// Why a session stops before its client goes.
    enum EndReason: Sendable, Equatable {
        case shuttingDown, timedOut, tooSlow
    }

    private let pending = Mutex(Pending())

    init(
        id: UUID, account: String, groups: [Int64: String], streamNames: Set<String>?, streamPrefixes: [String]?,
        pattern: FilterPattern
    ) {
        self.id = id
        self.account = account
        self.groups = groups
        self.streamNames = streamNames
        self.streamPrefixes = streamPrefixes
        self.pattern = pattern
    }

    /// Whether the session shows events of `stream`.
    func watches(stream: String) -> Bool {
        if let streamNames { return streamNames.contains(stream) }
        if let streamPrefixes { return streamPrefixes.contains { stream.hasPrefix($0) } }
        return true
    }

    /// Offers a stored batch's events (already read and decrypted once for every session of the process).
    func offer(_ events: [LogEvent], group: Int64, streamName: String) {
        guard let identifier = groups[group], watches(stream: streamName) else { return }
        let matching = events.filter { pattern.matches($0.message) }
        guard !matching.isEmpty else { return }
        pending.withLock { state in
            for event in matching {
                state.matched += 1
                let item = LiveTailSessionLogEvent(
                    logStreamName: streamName, logGroupIdentifier: identifier,
                    message: String(decoding: event.message, as: UTF8.self), timestamp: event.timestamp,
                    ingestionTime: event.ingestionTime)
                if state.events.count < Self.updateLimit {
                    state.events.append(item)
                } else {
                    let slot = Int.random(in: 0..<state.matched, using: &state.generator)
                    if slot < Self.updateLimit { state.events[slot] = item }
                }
            }
        }
    }

    /// Whether events wait for the next update.
    var hasPending: Bool { pending.withLock { !$0.events.isEmpty } }

    /// The events matched since the last update (in time order) and whether they are a sample; empties the buffer.
    func takeUpdate() -> LiveTailSessionUpdate {
        let (events, matched) = pending.withLock { state in
            defer {
                state.events = []
                state.matched = 0
            }
            return (state.events, state.matched)
        }
        return LiveTailSessionUpdate(
            sessionMetadata: .init(sampled: matched > events.count),
            sessionResults: events.sorted { ($0.timestamp, $0.ingestionTime) < ($1.timestamp, $1.ingestionTime) })
    }

    /// Ends the session (the first reason stands): it makes no more updates.
    func end(_ reason: EndReason) { pending.withLock { $0.ended = $0.ended ?? reason } }

    var endReason: EndReason? { pending.withLock { $0.ended } }
}
