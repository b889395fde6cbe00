import CairnChunks
import CairnProtocol
import CairnStore
import Foundation
import Logging
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Live Tail's fan-out in one `cairn serve` process. PutLogEvents, in any process, notifies channel
/// `cairn_live_tail` with a stored batch's stream and sequence numbers when a session watches its group (the
/// `live_tail_watches` rows); the hub listens, reads each batch it has sessions for once (decrypting it with the
/// group's key), and offers its events to those sessions. It renews its sessions' watch rows while they run. It
/// holds a connection for listening only while it has sessions (and half a minute after the last one).
public final class LiveTailHub: Service, Sendable, CustomStringConvertible {
    public var description: String { "LiveTailHub" }

    static let channel = "cairn_live_tail"
    /// How long a watch row stands without renewal: the rows of a process that died stop costing PutLogEvents
    /// a notification after this.
    static let watchLifetime: Int64 = 90_000
    static let renewInterval: Duration = .seconds(30)

    let database: Database
    let chunks: ChunkStore
    let logger: Logger
    private let sessions = Mutex<[UUID: LiveTailSession]>([:])
    /// Whether this process listens now: a session may start only then, or it would miss events.
    private let listening = Mutex(false)
    /// Until when the hub listens even without sessions (one is starting, or one ended just now), in ms.
    private let wantedUntil = Mutex<Int64>(0)
    static let idleListening: Int64 = 30_000

    init(database: Database, chunks: ChunkStore, logger: Logger) {
        self.database = database
        self.chunks = chunks
        self.logger = logger
    }

    /// What a notification names: one PutLogEvents batch, and its stream's name (for the stream filters and
    /// the results).
    struct Notice: Codable, Sendable {
        var batch: ChunkStore.Batch
        var streamName: String
    }

    /// Inside PutLogEvents' transaction (delivered when it commits): announces a batch of a watched group.
    static func notify(_ notice: Notice, on connection: PostgresConnection, logger: Logger) async throws {
        let payload = String(decoding: try JSONEncoder().encode(notice), as: UTF8.self)
        try await connection.query("SELECT pg_notify(\(channel), \(payload))", logger: logger)
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await cancelWhenGracefulShutdown { await self.superviseListening() } }
            group.addTask {
                await RecurringWork.run(
                    every: Self.renewInterval, logger: self.logger, failure: "Live Tail watches not renewed"
                ) {
                    try await self.renew()
                }
            }
            await group.waitForAll()
        }
        // Shutting down: every session ends with an in-stream error at its next tick.
        listening.withLock { $0 = false }
        for session in sessions.withLock({ Array($0.values) }) { session.end(.shuttingDown) }
    }

    /// Whether the hub should listen: it has sessions, or one starts or ended a moment ago.
    private var isNeeded: Bool {
        !sessions.withLock { $0.isEmpty } || wantedUntil.withLock { $0 } > WallClock.system.milliseconds
    }

    /// Listens while sessions need it, and lets the connection go when they no longer do.
    private func superviseListening() async {
        while !Task.isCancelled {
            guard isNeeded else {
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await RecurringWork.run(
                        every: .seconds(1), logger: self.logger,
                        failure: "Live Tail notifications lost; listening again"
                    ) {
                        try await self.listen()
                    }
                }
                group.addTask {
                    while self.isNeeded, !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
                }
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    private func listen() async throws {
        defer { listening.withLock { $0 = false } }
        try await database.client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                listening.withLock { $0 = true }
                for try await notification in notifications {
                    guard let notice = try? JSONDecoder().decode(Notice.self, from: Data(notification.payload.utf8))
                    else { continue }
                    await deliver(notice)
                }
            }
        }
    }

    /// Reads a batch once for the sessions that watch its group, and offers it to each.
    private func deliver(_ notice: Notice) async {
        let batch = notice.batch
        let watching = sessions.withLock { $0.values.filter { $0.groups[batch.group] != nil } }
        guard watching.contains(where: { $0.watches(stream: notice.streamName) }) else { return }
        do {
            let events = try await chunks.batchEvents(batch, where: { _ in true })
            for session in watching { session.offer(events, group: batch.group, streamName: notice.streamName) }
        } catch {
            // A key disabled since the session started, or a group deleted: its events are not shown.
            logger.debug(
                "Live Tail batch not readable",
                metadata: ["group": "\(batch.group)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Waits (a few seconds at most: just after start, or while the listening connection is replaced) until
    /// this process listens for batches; a session started before would miss events.
    func waitUntilListening() async throws {
        let until = WallClock.system.milliseconds + Self.idleListening
        wantedUntil.withLock { $0 = max($0, until) }
        for _ in 0..<100 {
            if listening.withLock({ $0 }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw AWSError.liveTailUnavailable
    }

    func add(_ session: LiveTailSession) { sessions.withLock { $0[session.id] = session } }

    /// Forgets a session and deletes its watch rows.
    func remove(_ session: LiveTailSession) async {
        sessions.withLock { _ = $0.removeValue(forKey: session.id) }
        let until = WallClock.system.milliseconds + Self.idleListening
        wantedUntil.withLock { $0 = max($0, until) }
        do {
            try await database.query("DELETE FROM live_tail_watches WHERE session_id = \(session.id)")
        } catch {
            logger.warning(
                "Live Tail watch not deleted (it expires)", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Renews this process's sessions' watch rows, and deletes expired rows of any process.
    private func renew() async throws {
        let ids = sessions.withLock { Array($0.keys) }
        let now = WallClock.system.milliseconds
        if !ids.isEmpty {
            try await database.query(
                """
                UPDATE live_tail_watches SET expires_at = \(now + Self.watchLifetime)
                WHERE session_id = ANY(\(ids))
                """)
        }
        try await database.query("DELETE FROM live_tail_watches WHERE expires_at < \(now)")
    }
}
