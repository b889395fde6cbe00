import CairnAccounts
import CairnFilter
import CairnKeys
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// StartLiveTail: checks the request, reserves the session (15 per account across every process), and answers
/// an event stream: `sessionStart`, then a `sessionUpdate` every second (sooner, but not before half a second,
/// when events wait), until the client goes, three hours pass, the client reads too slowly or the server stops.
struct LiveTailHandlers: Sendable {
    let database: Database
    let groups: LogGroupStore
    let quotas: AccountQuotas
    let hub: LiveTailHub
    let audit: AuditTrail

    func startLiveTail(_ request: StartLiveTailRequest, _ caller: Caller) async throws -> EventStreamSession {
        var validation = Validation()
        validation.required(request.logGroupIdentifiers, "logGroupIdentifiers")
        let identifiers = request.logGroupIdentifiers ?? []
        validation.names(request.logGroupIdentifiers, "logGroupIdentifiers", max: LogsLimits.liveTailGroups) {
            $0.logGroupIdentifier($1, $2)
        }
        validation.names(request.logStreamNames, "logStreamNames", max: LogsLimits.liveTailStreams) {
            $0.logStreamName($1, $2)
        }
        validation.names(request.logStreamNamePrefixes, "logStreamNamePrefixes", max: LogsLimits.liveTailStreams) {
            $0.logStreamName($1, $2)
        }
        validation.string(
            request.logEventFilterPattern, "logEventFilterPattern", max: LogsLimits.filterPatternMaxLength)
        try validation.check()
        if request.logStreamNames != nil, request.logStreamNamePrefixes != nil {
            throw AWSError.liveTailStreamsTwice
        }
        if request.logStreamNames != nil || request.logStreamNamePrefixes != nil, identifiers.count != 1 {
            throw AWSError.liveTailStreamsOfOneGroup
        }
        let pattern = try FilterPatternCache.shared.pattern(request.logEventFilterPattern ?? "")
        var watched: [Int64: String] = [:]
        for identifier in identifiers {
            let reference = try await groups.reference(
                name: nil, identifier: identifier, caller, operation: "StartLiveTail")
            let group = try await groups.resolve(reference.name, reference.owner)
            // AWS names the group of each result `account-id:group-name`, whatever the request named it by.
            watched[group.id] = "\(reference.owner.accountID):\(reference.name)"
        }
        try await hub.waitUntilListening()
        let session = LiveTailSession(
            id: UUID(), account: caller.accountID, groups: watched,
            streamNames: request.logStreamNames.map(Set.init), streamPrefixes: request.logStreamNamePrefixes,
            pattern: pattern)
        try await reserve(session)
        await audit.record(
            account: caller.accountID, region: caller.region, principal: caller.userARN,
            operation: "logs:StartLiveTail",
            keyARN: nil,
            outcome: "session \(session.id.uuidString.lowercased()) of \(identifiers.joined(separator: ", "))")
        let start = LiveTailSessionStart(
            requestId: UUID().uuidString.lowercased(),
            sessionId: session.id.uuidString.lowercased(), logGroupIdentifiers: identifiers,
            logStreamNames: request.logStreamNames, logStreamNamePrefixes: request.logStreamNamePrefixes,
            logEventFilterPattern: request.logEventFilterPattern)
        let hub = hub
        return EventStreamSession { send in
            hub.add(session)
            do {
                try await Self.stream(session, start: start, timing: .aws, send: send)
            } catch {
                await hub.remove(session)
                throw error
            }
            await hub.remove(session)
        }
    }

    /// Counts the account's sessions in every process and adds this one's watch rows (they expire unless the
    /// session runs and its hub renews them).
    private func reserve(_ session: LiveTailSession) async throws {
        let now = WallClock.system.milliseconds
        do {
            try await database.transaction { connection in
                try await quotas.reserve(
                    .liveTailSessions, account: session.account, region: nil,
                    counting: """
                        SELECT count(DISTINCT session_id)::bigint FROM live_tail_watches
                        WHERE account_id = \(session.account) AND expires_at > \(now)
                        """, on: connection)
                for group in session.groups.keys {
                    try await connection.query(
                        """
                        INSERT INTO live_tail_watches (session_id, account_id, group_id, expires_at)
                        VALUES (\(session.id), \(session.account), \(group), \(now + LiveTailHub.watchLifetime))
                        """, logger: database.logger)
                }
            }
        } catch let error as QuotaExceeded where error.quota == .liveTailSessions {
            let allowed = try await quotas.value(.liveTailSessions, account: session.account)
            throw AWSError.liveTailConcurrency(allowed)
        }
    }

    /// Writes the session's messages until it ends. Updates are made by a ticking task and written here, so a
    /// reader that stops reading holds at most `timing.unsentLimit` updates before it is told why it is cut off.
    static func stream(
        _ session: LiveTailSession, start: LiveTailSessionStart, timing: LiveTailTiming,
        send: (EventStreamMessage) async throws -> Void
    ) async throws {
        try await send(.event("sessionStart", json: JSONRequest.encode(start)))
        let (messages, continuation) = AsyncStream.makeStream(of: EventStreamMessage.self)
        let unsent = Backlog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withGracefulShutdownHandler {
                    await tick(session, timing: timing, unsent: unsent, into: continuation)
                } onGracefulShutdown: {
                    session.end(.shuttingDown)
                }
                continuation.finish()
            }
            for await message in messages {
                try await send(message)
                unsent.written(message)
            }
            group.cancelAll()
        }
    }

    /// Makes the session's updates until it ends, and its closing error when it ends by itself.
    private static func tick(
        _ session: LiveTailSession, timing: LiveTailTiming, unsent: Backlog,
        into continuation: AsyncStream<EventStreamMessage>.Continuation
    ) async {
        let clock = ContinuousClock()
        let deadline = clock.now + timing.lifetime
        var last = clock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: timing.tick)
            } catch {
                return
            }
            let now = clock.now
            if now >= deadline { session.end(.timedOut) }
            if now - last >= timing.update || (now - last >= timing.eager && session.hasPending) {
                last = now
                if unsent.exceeds(timing) {
                    session.end(.tooSlow)
                }
            } else if session.endReason == nil {
                continue
            }
            switch session.endReason {
            case .shuttingDown?:
                continuation.yield(.exception("SessionStreamingException", message: LiveTailMessages.shuttingDown))
                return
            case .timedOut?:
                // Events that arrived since the last update are sent before the session closes, however late
                // this tick came.
                if session.hasPending {
                    continuation.yield(.event("sessionUpdate", json: JSONRequest.encode(session.takeUpdate())))
                }
                continuation.yield(.exception("SessionTimeoutException", message: LiveTailMessages.timeout))
                return
            case .tooSlow?:
                continuation.yield(.exception("SessionStreamingException", message: LiveTailMessages.tooSlow))
                return
            case nil:
                let json = JSONRequest.encode(session.takeUpdate())
                let message = EventStreamMessage.event("sessionUpdate", json: json)
                unsent.made(message)
                continuation.yield(message)
            }
        }
    }
}

/// The updates a session has made that its stream has not written yet.
final class Backlog: Sendable {
    private let state = Mutex((count: 0, bytes: 0))

    func made(_ message: EventStreamMessage) {
        state.withLock { $0 = (count: $0.count + 1, bytes: $0.bytes + message.payload.count) }
    }

    func written(_ message: EventStreamMessage) {
        state.withLock { $0 = (count: $0.count - 1, bytes: $0.bytes - message.payload.count) }
    }

    func exceeds(_ timing: LiveTailTiming) -> Bool {
        state.withLock { $0.count >= timing.unsentLimit || $0.bytes >= timing.unsentBytesLimit }
    }
}

/// How often a Live Tail session sends, how long it lasts, and how far its reader may fall behind.
struct LiveTailTiming: Sendable {
    var lifetime: Duration
    var update: Duration
    /// The soonest an update with events follows the one before.
    var eager: Duration
    var tick: Duration
    /// Updates made but not yet written (AWS buffers 10) and their bytes: beyond either, the reader is too slow.
    var unsentLimit: Int
    var unsentBytesLimit: Int

    /// AWS's: three hours, an update every second (sooner, after half a second, when events wait).
    static let aws = LiveTailTiming(
        lifetime: .seconds(3 * 3600), update: .seconds(1), eager: .milliseconds(500), tick: .milliseconds(100),
        unsentLimit: 10, unsentBytesLimit: 16 * 1024 * 1024)
}

extension AWSError {
    static let liveTailStreamsTwice = AWSError.invalidParameter(
        "Only one of logStreamNames and logStreamNamePrefixes can be specified.")
    static let liveTailStreamsOfOneGroup = AWSError.invalidParameter(
        "logStreamNames and logStreamNamePrefixes can only be specified when exactly one log group is specified.")

    static let liveTailUnavailable = AWSError(
        "ServiceUnavailableException", "Live Tail is not available on this server right now; try again.", status: 503)

    static func liveTailConcurrency(_ allowed: Int) -> AWSError {
        .limitExceeded("Account maximum concurrent Live Tail sessions limit of [\(allowed)] reached.")
    }
}

/// The texts of Live Tail's in-stream errors.
enum LiveTailMessages {
    static let timeout = "Session timed out after 3 hours."
    static let shuttingDown = "The session ended because the server is shutting down; start a new session."
    static let tooSlow = "The session ended because the client did not read its updates fast enough."
}
