import AsyncHTTPClient
import CairnCalendar
import CairnCrypto
import CairnKeys
import CairnObjects
import CairnProtocol
public import CairnQueue
import CairnStore
import Foundation
public import Logging
import Metrics
import NIOCore
import NIOHTTP1
import PostgresNIO
public import ServiceLifecycle

/// Delivery streams' buffers: records in, flush jobs out. Every second the flusher looks at each stream's records
/// that no flush job covers yet, and enqueues a job for each buffer-full of them, and for the rest once the oldest
/// has waited the stream's interval. A job writes its records to the bucket as one object (the same key if it runs
/// again) or POSTs them to the HTTP endpoint, then deletes them: at least once, with the queue's retries and dead
/// letters. Records wait in PostgreSQL, sealed under their source group's data key: a restart loses nothing.
public struct DeliveryStreamFlusher: Service, CustomStringConvertible {
    public var description: String { "DeliveryStreamFlusher" }

    public static let queue = "delivery-stream-flush"
    /// Firehose retries an HTTP endpoint for 300 s by default: 10 attempts with backoff up to a minute.
    public static let policy = RetryPolicy(
        maxAttempts: 10, baseDelayMilliseconds: 1000, maxDelayMilliseconds: 60_000, visibilityMilliseconds: 120_000)
    static let lookInterval: Duration = .seconds(1)
    static let requestTimeout: TimeAmount = .seconds(60)

    let logs: LogsService
    let logger: Logger

    public init(logs: LogsService, logger: Logger) {
        self.logs = logs
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await SubscriptionDelivery.workQueue(
                    Self.queue, policy: Self.policy, concurrency: 2, batchSize: 1, database: logs.database,
                    logger: logger
                ) { job, client in try await flush(job, client) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        do {
                            try await enqueueDueFlushes(now: WallClock.system.milliseconds)
                        } catch {
                            logger.warning(
                                "looking at delivery stream buffers failed",
                                metadata: ["error": "\(String(reflecting: error))"])
                        }
                        try? await Task.sleep(for: Self.lookInterval)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    struct FlushJob: Codable {
        let account: String
        let region: String
        let stream: String
        /// Records with ids in `(after, through]`.
        let after: Int64
        let through: Int64
    }

    /// Cuts each stream's unqueued records into buffer-fulls (and a last, partial one once its oldest record has
    /// waited the interval) and enqueues a flush job for each, moving `queued_through` in the same transaction.
    /// Moving it takes the stream's row lock, which every append holds (shared) until it commits: once it is taken,
    /// every record numbered up to the new `queued_through` is committed, so none is left behind it unqueued.
    func enqueueDueFlushes(now: Int64) async throws {
        let rows = try await logs.database.query(
            """
            SELECT s.account_id, s.region, s.name, s.kind, s.buffer_bytes, s.buffer_seconds, s.queued_through,
                r.record_id, r.bytes, r.created_at
            FROM delivery_streams s
            JOIN delivery_stream_records r ON r.account_id = s.account_id AND r.region = s.region
                AND r.stream_name = s.name AND r.record_id > s.queued_through
            ORDER BY s.account_id, s.region, s.name, r.record_id
            """)
        var pending: [String: (FlushPlan, [(id: Int64, bytes: Int, createdAt: Int64)])] = [:]
        for try await (account, region, name, kind, bufferBytes, bufferSeconds, queued, id, bytes, created)
            in rows.decode((String, String, String, String, Int32, Int32, Int64, Int64, Int32, Int64).self)
        {
            let key = "\(account)/\(region)/\(name)"
            let plan = FlushPlan(
                account: account, region: region, stream: name, bufferBytes: Int(bufferBytes),
                bufferMilliseconds: Int64(bufferSeconds) * 1000, queuedThrough: queued)
            // An HTTP request carries each record base64-encoded in JSON: that is what its size limit counts.
            let size = kind == "http" ? FlushPlan.encodedSize(Int(bytes)) : Int(bytes)
            pending[key, default: (plan, [])].1.append((id, size, created))
        }
        for (key, (plan, records)) in pending {
            let jobs = plan.jobs(records, now: now)
            guard let last = jobs.last else { continue }
            let payloads = try jobs.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            try await logs.database.transaction { connection in
                let moved = try await connection.query(
                    """
                    UPDATE delivery_streams SET queued_through = \(last.through)
                    WHERE account_id = \(plan.account) AND region = \(plan.region) AND name = \(plan.stream)
                      AND queued_through = \(plan.queuedThrough)
                    RETURNING 1
                    """, logger: logs.database.logger)
                var claimed = false
                for try await _ in moved.decode(Int.self) { claimed = true }
                guard claimed else { return }  // another process enqueued them
                try await JobQueue.enqueue(
                    Self.queue, payloads: payloads, orderingKeys: payloads.map { _ in key }, tenant: plan.account,
                    policy: Self.policy, on: connection, logger: logs.database.logger)
            }
        }
    }

    /// One stream's buffer as the flusher sees it.
    struct FlushPlan {
        let account: String
        let region: String
        let stream: String
        let bufferBytes: Int
        let bufferMilliseconds: Int64
        let queuedThrough: Int64
        /// Firehose's HTTP endpoint request carries at most 10,000 records.
        static let maxRecords = 10_000

        /// A record's size in an HTTP request: `{"data":"<base64>"},`.
        static func encodedSize(_ bytes: Int) -> Int { (bytes + 2) / 3 * 4 + 12 }

        /// Buffer-fulls of records (each at least one record, at most `bufferBytes` unless one record is larger),
        /// and the rest when its oldest record is due.
        func jobs(_ records: [(id: Int64, bytes: Int, createdAt: Int64)], now: Int64) -> [FlushJob] {
            var jobs: [FlushJob] = []
            var after = queuedThrough
            var bytes = 0
            var count = 0
            var oldest: Int64?
            for (index, record) in records.enumerated() {
                if bytes > 0, bytes + record.bytes > bufferBytes || count == Self.maxRecords {
                    jobs.append(
                        FlushJob(
                            account: account, region: region, stream: stream, after: after,
                            through: records[index - 1].id))
                    after = records[index - 1].id
                    bytes = 0
                    count = 0
                    oldest = nil
                }
                bytes += record.bytes
                count += 1
                oldest = oldest ?? record.createdAt
                if bytes >= bufferBytes {
                    jobs.append(
                        FlushJob(account: account, region: region, stream: stream, after: after, through: record.id))
                    after = record.id
                    bytes = 0
                    count = 0
                    oldest = nil
                }
            }
            if let oldest, let last = records.last, now - oldest >= bufferMilliseconds {
                jobs.append(FlushJob(account: account, region: region, stream: stream, after: after, through: last.id))
            }
            return jobs
        }
    }

    enum FlushError: Error, CustomStringConvertible {
        case rejected(UInt)
        case answer(String)
        var description: String {
            switch self {
            case .rejected(let status): "the endpoint answered HTTP \(status)"
            case .answer(let reason): "the endpoint's answer does not follow the contract: \(reason)"
            }
        }
    }

    func flush(_ job: Job, _ client: HTTPClient) async throws {
        let flush = try JSONDecoder().decode(FlushJob.self, from: Data(job.payload.utf8))
        guard
            let (stream, accessKey) = try await logs.deliveryStreams.stream(
                account: flush.account, region: flush.region, name: flush.stream)
        else { return }  // deleted since, with its records
        let (records, unreadable) = try await logs.deliveryStreamBuffer.records(flush, logger: logger)
        guard let first = records.first else {  // flushed already, or nothing readable
            try await logs.deliveryStreamBuffer.delete(unreadable, of: flush)
            return
        }
        // The same records make the same object key and request id, whichever attempt sends them.
        let id = Self.flushID(flush, stream: stream)
        switch stream.target {
        case .bucket(let bucket, let prefix):
            guard let store = try await logs.buckets.store(account: stream.account, name: bucket, client: client) else {
                throw FlushError.answer("the bucket \(bucket) is not mapped")
            }
            let key = prefix + Self.objectKey(stream.name, arrival: first.createdAt, id: id)
            try await store.put(key, records.flatMap(\.data))
        case .http(let url, let allowsPrivate):
            if !allowsPrivate { try await SubscriptionDelivery.checkAddress(of: url) }
            try await post(records.map(\.data), to: url, stream: stream, requestID: id, accessKey: accessKey, client)
        }
        try await logs.deliveryStreamBuffer.delete(records.map(\.id) + unreadable, of: flush)
    }

    /// A UUID made from the stream and the records' ids.
    static func flushID(_ flush: FlushJob, stream: DeliveryStream) -> String {
        let digest = SHA256.hash(Array("\(stream.arn)|\(stream.createdAt)|\(flush.after)|\(flush.through)".utf8))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return parts.joined(separator: "-")
    }

    /// Firehose's S3 layout: `YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<id>` in UTC, from the oldest
    /// record's arrival.
    static func objectKey(_ stream: String, arrival: Int64, id: String) -> String {
        let time = UTCTime(milliseconds: arrival)
        let (year, month, day) = (
            UTCTime.padded(time.year, 4), UTCTime.padded(time.month, 2), UTCTime.padded(time.day, 2)
        )
        let (hour, minute, second) = (
            UTCTime.padded(time.hour, 2), UTCTime.padded(time.minute, 2), UTCTime.padded(time.second, 2)
        )
        return "\(year)/\(month)/\(day)/\(hour)/\(stream)-1-\(year)-\(month)-\(day)-\(hour)-\(minute)-\(second)-\(id)"
    }

    /// Firehose's HTTP endpoint delivery request: `{"requestId", "timestamp", "records": [{"data": base64}]}` with
    /// its headers; only a 200 whose body names the same request id is a delivery.
    private func post(
        _ records: [[UInt8]], to url: String, stream: DeliveryStream, requestID: String, accessKey: String?,
        _ client: HTTPClient
    ) async throws {
        var body = #"{"requestId":"\#(requestID)","timestamp":\#(WallClock.system.milliseconds),"records":["#
        for (index, record) in records.enumerated() {
            body += (index > 0 ? "," : "") + #"{"data":""# + Data(record).base64EncodedString() + #""}"#
        }
        body += "]}"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Amz-Firehose-Protocol-Version", value: "1.0")
        request.headers.add(name: "X-Amz-Firehose-Request-Id", value: requestID)
        request.headers.add(name: "X-Amz-Firehose-Source-Arn", value: stream.arn)
        if let accessKey { request.headers.add(name: "X-Amz-Firehose-Access-Key", value: accessKey) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: Self.requestTimeout)
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 200 else { throw FlushError.rejected(response.status.code) }
        let document = try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView)) as? [String: Any]
        guard let document else { throw FlushError.answer("the body is not a JSON object") }
        guard document["requestId"] as? String == requestID else {
            throw FlushError.answer("the requestId is not the request's")
        }
    }
}

/// Delivery stream records: appended by subscription deliveries, read and deleted by flush jobs.
struct DeliveryStreamBuffer: Sendable {
    let database: Database
    let keyRing: DataKeyRing

    struct Record {
        let id: Int64
        let createdAt: Int64
        let data: [UInt8]
    }

    /// What a record is sealed to: its stream and its source group.
    static func context(
        account: String, region: String, stream: String, groupAccount: String, group: Int64, version: Int32
    ) -> [UInt8] {
        Array("cairn/delivery-record/\(account)/\(region)/\(stream)/\(groupAccount)/\(group)/\(version)".utf8)
    }

    /// Appends records (a subscription's are already gzip), sealed under the source group's current data key, in
    /// one transaction.
    func append(
        _ records: [[UInt8]], to stream: (account: String, region: String, name: String), groupAccount: String,
        groupRegion: String, group: Int64
    ) async throws {
        guard !records.isEmpty else { return }
        let key = try await keyRing.sealingKey(account: groupAccount, region: groupRegion, group: group)
        let context = Self.context(
            account: stream.account, region: stream.region, stream: stream.name, groupAccount: groupAccount,
            group: group, version: key.version)
        let sealed = try records.map {
            ByteBuffer(bytes: try AESGCM.seal($0, key: key.material, authenticating: context))
        }
        let sizes = records.map { Int32($0.count) }
        try await database.transaction { connection in
            // Held until the records commit: the flusher cannot move `queued_through` past an uncommitted record.
            try await connection.query(
                """
                SELECT 1 FROM delivery_streams
                WHERE account_id = \(stream.account) AND region = \(stream.region) AND name = \(stream.name) FOR SHARE
                """, logger: database.logger)
            try await connection.query(
                """
                INSERT INTO delivery_stream_records (account_id, region, stream_name, created_at, bytes, group_account,
                    group_id, dek_version, payload)
                SELECT \(stream.account), \(stream.region), \(stream.name), \(WallClock.system.milliseconds), r.bytes,
                    \(groupAccount), \(group), \(key.version), r.payload
                FROM unnest(\(sizes), \(sealed)) WITH ORDINALITY AS r(bytes, payload, position)
                ORDER BY r.position
                """, logger: database.logger)
        }
    }

    /// The flush's records that open, and the ids of those that cannot (their group's data key destroyed or its KMS
    /// key unusable, or the record damaged): those are skipped, and logged, rather than holding back the others.
    func records(
        _ flush: DeliveryStreamFlusher.FlushJob, logger: Logger
    ) async throws -> (records: [Record], unreadable: [Int64]) {
        let rows = try await database.query(
            """
            SELECT record_id, created_at, group_account, group_id, dek_version, payload FROM delivery_stream_records
            WHERE account_id = \(flush.account) AND region = \(flush.region) AND stream_name = \(flush.stream)
              AND record_id > \(flush.after) AND record_id <= \(flush.through)
            ORDER BY record_id
            """)
        var stored: [(Int64, Int64, String, Int64, Int32, ByteBuffer)] = []
        for try await row in rows.decode((Int64, Int64, String, Int64, Int32, ByteBuffer).self) { stored.append(row) }
        var records: [Record] = []
        var unreadable: [Int64] = []
        for (id, created, groupAccount, group, version, payload) in stored {
            do {
                let key = try await keyRing.openingKey(account: groupAccount, group: group, version: version)
                let data = try AESGCM.open(
                    Array(payload.readableBytesView), key: key,
                    authenticating: Self.context(
                        account: flush.account, region: flush.region, stream: flush.stream,
                        groupAccount: groupAccount, group: group, version: version))
                records.append(Record(id: id, createdAt: created, data: data))
            } catch let error as DataKeyError {
                unreadable.append(id)
                Self.skipped(id, flush, reason: "\(error)", logger: logger)
            } catch let error as CryptoError {
                unreadable.append(id)
                Self.skipped(id, flush, reason: "\(error)", logger: logger)
            }
        }
        return (records, unreadable)
    }

    private static func skipped(
        _ id: Int64, _ flush: DeliveryStreamFlusher.FlushJob, reason: String, logger: Logger
    ) {
        Counter(label: "cairn_delivery_stream_records_unreadable_total").increment()
        logger.warning(
            "a delivery stream record cannot be opened; it is dropped",
            metadata: [
                "account": "\(flush.account)", "stream": "\(flush.stream)", "record": "\(id)", "reason": "\(reason)",
            ])
    }

    /// Deletes the records a flush read (only those: never one it did not see).
    func delete(_ ids: [Int64], of flush: DeliveryStreamFlusher.FlushJob) async throws {
        guard !ids.isEmpty else { return }
        try await database.query(
            """
            DELETE FROM delivery_stream_records
            WHERE account_id = \(flush.account) AND region = \(flush.region) AND stream_name = \(flush.stream)
              AND record_id = ANY(\(ids))
            """)
    }
}
