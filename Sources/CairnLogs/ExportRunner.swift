import AsyncHTTPClient
import CairnChunks
import CairnCrypto
import CairnKeys
import CairnObjects
import CairnProtocol
public import CairnQueue
import CairnStore
import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Runs export tasks from the `export-task` queue. A task writes AWS's `aws-logs-write-test` object, then each
/// stream's events in `[from, to]` in time order as gzip objects `<prefix>/<taskId>/<stream>/000001.gz`, … cut
/// after `objectBytes` of lines. After each object it records a checkpoint (the stream, the next object's number
/// and the last event written), so a worker that takes over a killed worker's task rewrites at most the object in
/// flight, under the same key with the same lines: every object exists exactly once. A cancelled task stops at the
/// next object or within about a second.
public struct ExportRunner: Service, CustomStringConvertible {
    public var description: String { "ExportRunner" }

    public static let queue = "export-task"
    /// The claim is kept alive while the task runs: a dead worker's task is taken over after 30 s.
    public static let policy = RetryPolicy(
        maxAttempts: 5, baseDelayMilliseconds: 2000, maxDelayMilliseconds: 60_000, visibilityMilliseconds: 30_000)
    /// Lines after which an object is cut, by default (uncompressed).
    public static let defaultObjectBytes = 64 << 20
    static let checkInterval: Duration = .seconds(1)
    static let writeTestText = "Permission Check Successful"
    static let bucketWriteFailed = "Failed to write the exported logs to the destination bucket."

    let logs: LogsService
    let objectBytes: Int
    let pause: Duration
    let logger: Logger

    public init(logs: LogsService, objectBytes: Int = defaultObjectBytes, pause: Duration = .zero, logger: Logger) {
        self.logs = logs
        self.objectBytes = max(1, objectBytes)
        self.pause = pause
        self.logger = logger
    }

    public func run() async throws {
        try await SubscriptionDelivery.workQueue(
            Self.queue, policy: Self.policy, concurrency: 1, batchSize: 1, database: logs.database, logger: logger
        ) { job, client in try await run(job, client) }
    }

    struct ExportJob: Codable {
        let account: String
        let task: UUID
    }

    static func jobText(_ job: ExportJob) throws -> String {
        String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
    }

    /// How far a task got: streams below `stream` are written, and in it the objects before `object`, up to and
    /// including the event at (`afterTimestamp`, `afterSequence`).
    struct Checkpoint: Codable, Equatable {
        var stream: Int64 = 0
        /// Objects are numbered from 000000.gz, as AWS numbers them.
        var object = 0
        var afterTimestamp: Int64?
        var afterSequence: Int64?
        var events: Int64 = 0

        /// Past an object written: the next object's number, its last event, and its events counted.
        mutating func advance(past last: EventKey, events written: Int) {
            object += 1
            afterTimestamp = last.timestamp
            afterSequence = last.sequence
            events += Int64(written)
        }
    }

    struct ExportTask {
        let account: String
        let region: String
        let id: UUID
        let group: Int64
        let groupName: String
        let streamPrefix: String?
        let from: Int64
        let to: Int64
        let destination: String
        let prefix: String
        /// Where `aws-logs-write-test` goes: the bucket's root without a destinationPrefix (as AWS writes it).
        let writeTestKey: String
        var checkpoint: Checkpoint?
    }

    enum Stop: Error {
        /// The task was cancelled, finished or taken over meanwhile.
        case stopped
        case failed(String)
    }

    func run(_ job: Job, _ client: HTTPClient) async throws {
        let payload = try JSONDecoder().decode(ExportJob.self, from: Data(job.payload.utf8))
        do {
            guard var task = try await start(payload) else { return }
            guard
                let store = try await logs.buckets.store(account: task.account, name: task.destination, client: client)
            else { throw Stop.failed(AWSError.exportBucketUnusable.message) }
            try await export(&task, to: store, job)
            try await finish(task, status: "COMPLETED", message: "Completed successfully")
        } catch Stop.stopped {
            try await cancelIfAsked(payload)
        } catch Stop.failed(let reason) {
            try await finish(payload, status: "FAILED", message: reason)
        } catch let error as DataKeyError {
            try await finish(payload, status: "FAILED", message: error.awsError.message)
        } catch let error as ObjectStoreError where !error.isTransient || job.attempt >= job.maxAttempts {
            // The store's own words (paths, the store's messages) go to the log, not to the task's status.
            logger.warning(
                "export failed writing to its bucket", metadata: ["task": "\(payload.task)", "error": "\(error)"])
            try await finish(payload, status: "FAILED", message: Self.bucketWriteFailed)
        } catch {
            guard job.attempt >= job.maxAttempts else { throw error }
            logger.warning(
                "export failed", metadata: ["task": "\(payload.task)", "error": "\(String(reflecting: error))"])
            try await finish(payload, status: "FAILED", message: ExportHandlers.internalError)
        }
    }

    /// Marks the task running and reads it; nil when it is no longer pending or running (cancelled meanwhile, gone).
    private func start(_ job: ExportJob) async throws -> ExportTask? {
        let rows = try await logs.database.query(
            """
            UPDATE export_tasks SET status = 'RUNNING', status_message = 'Started Successfully'
            WHERE account_id = \(job.account) AND task_id = \(job.task) AND status IN ('PENDING', 'RUNNING')
            RETURNING region, group_id, log_group_name, stream_prefix, from_time, to_time, destination,
                destination_prefix, checkpoint::text
            """)
        for try await row in rows.decode(
            (String, Int64, String, String?, Int64, Int64, String, String?, String?).self)
        {
            let (region, group, name, streamPrefix, from, to, destination, prefix, checkpoint) = row
            return ExportTask(
                account: job.account, region: region, id: job.task, group: group, groupName: name,
                streamPrefix: streamPrefix, from: from, to: to, destination: destination,
                prefix: prefix ?? ExportHandlers.defaultPrefix,
                writeTestKey: prefix.map { $0.isEmpty ? "" : $0 + "/" } ?? "",
                checkpoint: try checkpoint.map { try JSONDecoder().decode(Checkpoint.self, from: Data($0.utf8)) })
        }
        try await cancelIfAsked(job)
        return nil
    }

    private func export(_ task: inout ExportTask, to store: any ObjectStore, _ job: Job) async throws {
        var progress = Progress(runner: self, job: job)
        if task.checkpoint == nil {
            try await store.put(task.writeTestKey + "aws-logs-write-test", Array(Self.writeTestText.utf8))
            task.checkpoint = Checkpoint()
            try await progress.save(task)
        }
        guard var checkpoint = task.checkpoint else { return }
        var pipeline = ObjectPipeline(store: store)
        do {
            for (stream, name) in try await streams(task) {
                checkpoint = try await export(stream, name, from: checkpoint, task, &pipeline, &progress)
            }
            if let written = try await pipeline.finish() { try await progress.save(task, written) }
        } catch {
            await pipeline.abandon()
            throw error
        }
    }

    /// One stream's events after `checkpoint`, in time order, cut into objects that the pipeline writes; returns
    /// where the next stream starts.
    private func export(
        _ stream: Int64, _ name: String, from start: Checkpoint, _ task: ExportTask, _ pipeline: inout ObjectPipeline,
        _ progress: inout Progress
    ) async throws -> Checkpoint {
        var checkpoint = stream > start.stream ? Checkpoint(stream: stream, events: start.events) : start
        var object = ExportObject(capacity: objectBytes + objectBytes / 8)
        var after: EventKey?
        if let timestamp = checkpoint.afterTimestamp, let sequence = checkpoint.afterSequence {
            after = EventKey(timestamp: timestamp, streamID: stream, sequence: sequence)
        }
        let keyPrefix = (task.prefix.isEmpty ? "" : task.prefix + "/") + "\(ExportHandlers.text(task.id))/\(name)/"
        var finished = false
        while !finished {
            // Fills the object (one snapshot), writes it, and goes on from its last event.
            finished = try await logs.chunks.visitInOrder(
                account: task.account, group: task.group, stream: stream, start: task.from,
                end: task.to == .max ? .max : task.to + 1, after: after
            ) { event in
                object.append(timestamp: event.timestamp, message: event.message)
                after = event.key
                return object.bytes.count < objectBytes
            }
            if !finished, let last = after {
                let key = keyPrefix + ExportObject.fileName(checkpoint.object)
                checkpoint.advance(past: last, events: object.events)
                if let written = try await pipeline.send(
                    object.take(reusing: pipeline.takeSpare()), key: key, checkpoint: checkpoint)
                {
                    try await progress.save(task, written)
                    if pause > .zero { try await Task.sleep(for: pause) }
                }
            }
            try await progress.check(task)
        }
        if object.events > 0, let last = after {
            let key = keyPrefix + ExportObject.fileName(checkpoint.object)
            checkpoint.advance(past: last, events: object.events)
            if let written = try await pipeline.send(
                object.take(reusing: pipeline.takeSpare()), key: key, checkpoint: checkpoint)
            {
                try await progress.save(task, written)
            }
        }
        return Checkpoint(stream: stream + 1, events: checkpoint.events)
    }

    /// Objects go out one behind another: one is gzipped and written while the next is read and formatted. Each
    /// write's checkpoint comes back once it is written, to be saved before the next write can start. A failure
    /// leaves no write running.
    struct ObjectPipeline {
        let store: any ObjectStore
        /// The write in flight; it hands its lines' buffer back for the next object (two buffers take turns, no
        /// fresh pages for every object).
        private var inFlight: (write: Task<[UInt8], any Error>, checkpoint: Checkpoint)?
        private(set) var spare: [UInt8]?

        init(store: any ObjectStore) {
            self.store = store
        }

        /// Waits for the write in flight, starts writing `lines` gzipped at `key`, and returns the finished write's
        /// checkpoint (nil when none was in flight).
        mutating func send(_ lines: [UInt8], key: String, checkpoint: Checkpoint) async throws -> Checkpoint? {
            let written = try await finish()
            let store = store
            inFlight = (
                Task {
                    try await store.put(key, try await ExportRunner.gzip(lines))
                    return lines
                }, checkpoint
            )
            return written
        }

        /// Waits for the write in flight; returns its checkpoint.
        mutating func finish() async throws -> Checkpoint? {
            guard let (write, checkpoint) = inFlight else { return nil }
            inFlight = nil
            spare = try await write.value
            return checkpoint
        }

        /// The buffer of a finished write, to fill with the next object's lines.
        mutating func takeSpare() -> [UInt8]? {
            defer { spare = nil }
            return spare
        }

        /// Cancels the write in flight and waits for it to end.
        mutating func abandon() async {
            guard let (write, _) = inFlight else { return }
            inFlight = nil
            write.cancel()
            _ = try? await write.value
        }
    }

    /// How many gzip members an object's lines are compressed as at once: one per core, at most 4.
    static let gzipLanes = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// `lines` gzipped (libdeflate, level 1) as one member per lane, compressed in parallel and written one after another: a
    /// valid gzip file that `gunzip` and every gzip reader inflate to the whole (RFC 1952 members).
    static func gzip(_ lines: [UInt8]) async throws -> [UInt8] {
        let lanes = lines.count >= 4 << 20 ? gzipLanes : 1
        guard lanes > 1 else { return try Gzip.compressFast(lines[...]) }
        let size = (lines.count + lanes - 1) / lanes
        return try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for lane in 0..<lanes {
                let range = (lane * size)..<min(lines.count, (lane + 1) * size)
                group.addTask { (lane, try Gzip.compressFast(lines[range])) }
            }
            var members = [[UInt8]](repeating: [], count: lanes)
            for try await (lane, member) in group { members[lane] = member }
            var file: [UInt8] = []
            file.reserveCapacity(members.reduce(0) { $0 + $1.count })
            for member in members { file += member }
            return file
        }
    }

    /// The group's streams with the prefix, from the checkpoint's on, in creation order (new streams come last).
    private func streams(_ task: ExportTask) async throws -> [(Int64, String)] {
        let pattern = (task.streamPrefix.map(LogsService.likeEscaped) ?? "") + "%"
        let rows = try await logs.database.query(
            """
            SELECT stream_id, name FROM log_streams
            WHERE account_id = \(task.account) AND group_id = \(task.group) AND name LIKE \(pattern)
              AND stream_id >= \(task.checkpoint?.stream ?? 0)
            ORDER BY stream_id
            """)
        var streams: [(Int64, String)] = []
        for try await row in rows.decode((Int64, String).self) { streams.append(row) }
        return streams
    }

    /// Saves checkpoints and keeps the job's claim; notices a cancellation or a takeover.
    struct Progress {
        let runner: ExportRunner
        let job: Job
        var lastCheck = ContinuousClock.now

        /// Records `checkpoint` as the task's, if it is still running.
        mutating func save(_ task: ExportTask, _ checkpoint: Checkpoint) async throws {
            var task = task
            task.checkpoint = checkpoint
            try await save(task)
        }

        mutating func save(_ task: ExportTask) async throws {
            let text = String(decoding: try JSONEncoder().encode(task.checkpoint), as: UTF8.self)
            let rows = try await runner.logs.database.query(
                """
                UPDATE export_tasks SET checkpoint = \(text)::jsonb, exported_events = \(task.checkpoint?.events ?? 0)
                WHERE account_id = \(task.account) AND task_id = \(task.id) AND status = 'RUNNING'
                  AND EXISTS (SELECT 1 FROM jobs WHERE job_id = \(job.id) AND attempts = \(job.attempt))
                RETURNING 1
                """)
            var running = false
            for try await _ in rows.decode(Int.self) { running = true }
            guard running else { throw Stop.stopped }
            try await keepClaim()
        }

        /// About once a second: is the task still running, and is the claim still this worker's?
        mutating func check(_ task: ExportTask) async throws {
            guard ContinuousClock.now - lastCheck >= ExportRunner.checkInterval else { return }
            let rows = try await runner.logs.database.query(
                "SELECT status FROM export_tasks WHERE account_id = \(task.account) AND task_id = \(task.id)")
            var running = false
            for try await status in rows.decode(String.self) { running = status == "RUNNING" }
            guard running else { throw Stop.stopped }
            try await keepClaim()
        }

        private mutating func keepClaim() async throws {
            lastCheck = .now
            guard try await JobQueue(database: runner.logs.database).extend(job, policy: ExportRunner.policy) else {
                throw Stop.stopped
            }
        }
    }

    /// A task asked to stop (`PENDING_CANCEL`) becomes `CANCELLED`.
    private func cancelIfAsked(_ job: ExportJob) async throws {
        try await logs.database.query(
            """
            UPDATE export_tasks SET status = 'CANCELLED', status_message = 'Cancelled by user',
                completed_at = \(LogsService.now())
            WHERE account_id = \(job.account) AND task_id = \(job.task) AND status = 'PENDING_CANCEL'
            """)
    }

    private func finish(_ task: ExportTask, status: String, message: String) async throws {
        try await finish(ExportJob(account: task.account, task: task.id), status: status, message: message)
    }

    /// Ends a task that is still active (a cancellation asked for meanwhile wins over completion) and audits it.
    private func finish(_ job: ExportJob, status: String, message: String) async throws {
        let rows = try await logs.database.query(
            """
            UPDATE export_tasks SET
                status = CASE status WHEN 'PENDING_CANCEL' THEN 'CANCELLED' ELSE \(status) END,
                status_message = CASE status WHEN 'PENDING_CANCEL' THEN 'Cancelled by user' ELSE \(message) END,
                completed_at = \(LogsService.now())
            WHERE account_id = \(job.account) AND task_id = \(job.task)
              AND status IN ('PENDING', 'RUNNING', 'PENDING_CANCEL')
            RETURNING region, status, exported_events
            """)
        for try await (region, final, events) in rows.decode((String, String, Int64).self) {
            await logs.audit.record(
                account: job.account, region: region, principal: AuditTrail.logsPrincipal,
                operation: "logs:ExportTask", keyARN: nil,
                outcome: "export task \(ExportHandlers.text(job.task)) \(final.lowercased()): \(events) events")
        }
    }
}
