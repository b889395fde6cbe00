public import AsyncHTTPClient
import CairnChunks
import CairnCrypto
import CairnFilter
import CairnKeys
import CairnProtocol
public import CairnQueue
public import CairnStore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PostgresNIO
public import ServiceLifecycle

/// Works the subscription delivery queue: for each job, reads the batch's events back (decrypting them),
/// keeps those the filter matches, and POSTs them to the destination function the way CloudWatch Logs
/// invokes Lambda: `{"awslogs": {"data": base64(gzip(DATA_MESSAGE))}}`, signed with the function's secret.
/// A failed delivery is retried with backoff; at least once, never lost while its retries last.
public struct SubscriptionDelivery: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "SubscriptionDelivery" }

    public static let policy = RetryPolicy(
        maxAttempts: 12, baseDelayMilliseconds: 500, maxDelayMilliseconds: 60_000, visibilityMilliseconds: 30_000)
    public static let signatureHeader = "X-Cairn-Signature"
    public static let timestampHeader = "X-Cairn-Timestamp"
    public static let deliveryHeader = "X-Cairn-Delivery"
    static let requestTimeout: TimeAmount = .seconds(10)

    let database: Database
    let keyRing: DataKeyRing
    let functions: FunctionDirectory
    let logs: LogsService
    let concurrency: Int
    let logger: Logger

    /// Works with the stores of `logs`, built once per process.
    public init(logs: LogsService, concurrency: Int = 4, logger: Logger) {
        self.database = logs.database
        self.keyRing = logs.keyRing
        self.functions = logs.functions
        self.logs = logs
        self.concurrency = concurrency
        self.logger = logger
    }

    /// At most this many jobs of one stream and filter (the first and those queued behind it) go out together.
    static let coalescedJobs = 64
    /// One delivery (a POST, or a forwarding PutLogEvents) carries at most this many events and message bytes,
    /// PutLogEvents' own limits: a larger run goes out as several, in order.
    static let deliveryEvents = 10_000
    static let deliveryBytes = 1_000_000

    public func run() async throws {
        try await Self.workQueue(
            LogsService.deliveryQueue, policy: Self.policy, concurrency: concurrency, followers: Self.coalescedJobs - 1,
            database: database, logger: logger, deliver)
    }

    /// Works `queue` with one HTTP client for the worker's life, shut down however the worker ends. A redirect
    /// could lead anywhere, internal addresses included: function invocations follow none.
    public static func workQueue(
        _ queue: String, policy: RetryPolicy, concurrency: Int, batchSize: Int = 8, database: Database,
        logger: Logger, _ deliver: @escaping @Sendable (Job, HTTPClient) async throws -> Void
    ) async throws {
        try await workQueue(
            queue, policy: policy, concurrency: concurrency, batchSize: batchSize, followers: 0, database: database,
            logger: logger
        ) { jobs, client in
            for job in jobs { try await deliver(job, client) }
        }
    }

    /// The same, handing each claimed job over with up to `followers` jobs queued behind it under its ordering key.
    static func workQueue(
        _ queue: String, policy: RetryPolicy, concurrency: Int, batchSize: Int = 8, followers: Int,
        database: Database, logger: Logger, _ deliver: @escaping @Sendable ([Job], HTTPClient) async throws -> Void
    ) async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        let worker = QueueWorker(
            database: database, queue: queue, policy: policy, concurrency: concurrency, batchSize: batchSize,
            followers: followers, logger: logger
        ) { jobs in try await deliver(jobs, client) }
        do {
            try await worker.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    enum DeliveryError: Error, CustomStringConvertible {
        case destinationMissing(String)
        case rejected(UInt)
        case refused(String)
        case internalAddress(String)
        var description: String {
            switch self {
            case .internalAddress(let host):
                "the function's host \(host) is or resolves to an internal address, and the function is not allowed those"
            case .refused(let code): "the destination refused the delivery: \(code)"
            case .destinationMissing(let arn): "destination \(arn) does not exist"
            case .rejected(let status): "destination answered HTTP \(status)"
            }
        }
    }

    /// Delivers a run of jobs of one stream and filter (consecutive PutLogEvents batches) as one delivery, or as
    /// several in order when their events exceed one delivery's limits.
    func deliver(_ run: [Job], _ client: HTTPClient) async throws {
        let deliveries = try run.map { try JSONDecoder().decode(DeliveryJob.self, from: Data($0.payload.utf8)) }
        guard var delivery = deliveries.first else { return }
        delivery.forwards = deliveries.compactMap(\.forwards).max()
        // No subscription: it was deleted since.
        guard let (pattern, destination, onTransformed) = try await subscription(delivery) else { return }
        // Resolved (and the destination's policy checked) at every delivery: a withdrawn permission stops it.
        let source = Caller.logDelivery(account: delivery.account, region: delivery.region)
        let target: SubscriptionTarget
        do {
            target = try await logs.destinations.subscriptionTarget(
                destination, for: source, from: ResourceName.logGroup(source, delivery.groupName))
        } catch let error as AWSError {
            throw DeliveryError.refused(error.code)
        }
        let events =
            delivery.kind == .data
            ? try await matchingEvents(deliveries, pattern: pattern, onTransformed: onTransformed) : []
        if delivery.kind == .data, events.isEmpty { return }
        switch target {
        case .logGroup(let account, let region, let group):
            guard delivery.kind == .data else { return }
            for slice in Self.slices(events) {
                try await logs.events.forward(
                    Array(slice), from: delivery, to: group, of: .logDelivery(account: account, region: region))
            }
        case .deliveryStream(let account, let region, let name):
            // Each delivery is one record: the gzip of its DATA_MESSAGE, as CloudWatch Logs sends Firehose.
            let messages =
                delivery.kind == .control
                ? [Self.controlMessage(now: LogsService.now(), destination: "Firehose")]
                : Self.slices(events).map { Self.dataMessage(delivery, Array($0)) }
            try await logs.deliveryStreamBuffer.append(
                try messages.map { try Gzip.compress(Array($0.utf8)) }, to: (account, region, name),
                groupAccount: delivery.account, groupRegion: delivery.region, group: delivery.group)
        case .function(let arn):
            guard let (function, secret) = try await functions.resolve(arn: arn) else {
                throw DeliveryError.destinationMissing(arn)
            }
            if delivery.kind == .control {
                try await post(
                    Self.controlMessage(now: LogsService.now()), to: function, secret: secret, job: run[0], client)
            }
            for slice in Self.slices(events) {
                try await post(
                    Self.dataMessage(delivery, Array(slice)), to: function, secret: secret, job: run[0], client)
            }
        }
    }

    /// Events cut into deliveries of at most `deliveryEvents` events and `deliveryBytes` message bytes.
    static func slices(_ events: [CairnChunks.LogEvent]) -> [ArraySlice<CairnChunks.LogEvent>] {
        var slices: [ArraySlice<CairnChunks.LogEvent>] = []
        var start = 0
        var bytes = 0
        for (index, event) in events.enumerated() {
            if index > start, index - start >= deliveryEvents || bytes + event.message.count > deliveryBytes {
                slices.append(events[start..<index])
                start = index
                bytes = 0
            }
            bytes += event.message.count
        }
        if start < events.count { slices.append(events[start...]) }
        return slices
    }

    private func post(
        _ message: String, to function: LogFunction, secret: [UInt8], job: Job, _ client: HTTPClient
    )
        async throws
    {
        let data = Data(try Gzip.compress(Array(message.utf8))).base64EncodedString()
        let body = Array(#"{"awslogs":{"data":"\#(data)"}}"#.utf8)
        try await Self.invoke(function, secret: secret, body: body, delivery: "\(job.id)", client)
    }

    /// POSTs `body` to `function` as a Lambda invocation: JSON, signed with the function's secret, to a public
    /// address only (unless an administrator allowed the function private ones), no redirects; throws unless the
    /// function answers 2xx.
    public static func invoke(
        _ function: LogFunction, secret: [UInt8], body: [UInt8], delivery: String, _ client: HTTPClient
    ) async throws {
        let timestamp = String(WallClock.system.seconds)
        var request = HTTPClientRequest(url: function.url)
        try await Self.checkAddress(of: function)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: Self.timestampHeader, value: timestamp)
        request.headers.add(name: Self.deliveryHeader, value: delivery)
        request.headers.add(name: Self.signatureHeader, value: "sha256=" + Self.signature(body, timestamp, secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: Self.requestTimeout)
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else { throw DeliveryError.rejected(response.status.code) }
    }

    /// `hex(HMAC-SHA256(secret, "<timestamp>.<body>"))`: what a receiver recomputes to trust a delivery.
    public static func signature(_ body: [UInt8], _ timestamp: String, _ secret: [UInt8]) -> String {
        Hex.encode(HMACSHA256.authenticate(Array(timestamp.utf8) + [UInt8(ascii: ".")] + body, key: secret))
    }

    private func subscription(
        _ delivery: DeliveryJob
    ) async throws -> (pattern: String, destination: String, onTransformed: Bool)? {
        let rows = try await database.query(
            """
            SELECT filter_pattern, destination_arn, apply_on_transformed FROM subscription_filters
            WHERE account_id = \(delivery.account) AND group_id = \(delivery.group) AND filter_name = \(delivery.filter)
            """)
        for try await row in rows.decode((String, String, Bool).self) { return row }
        return nil
    }

    /// The events of the run's batches that the filter matches, in sequence order: one read of the span the
    /// batches cover (they are consecutive batches of one stream), kept to the batches' own sequence ranges.
    /// A filter on transformed logs matches and delivers each event's transformed version where it has one.
    private func matchingEvents(
        _ deliveries: [DeliveryJob], pattern text: String, onTransformed: Bool
    ) async throws
        -> [CairnChunks.LogEvent]
    {
        var ranges: [Range<Int64>] = []
        var low = Int64.max
        var high = Int64.min
        for delivery in deliveries {
            guard let first = delivery.firstSequence, let count = delivery.count, let min = delivery.minTimestamp,
                let max = delivery.maxTimestamp
            else { continue }
            ranges.append(first..<(first + count))
            low = Swift.min(low, min)
            high = Swift.max(high, max)
        }
        guard let stream = deliveries.first?.stream, let first = ranges.map(\.lowerBound).min(),
            let end = ranges.map(\.upperBound).max()
        else { return [] }
        let pattern = try FilterPatternCache.shared.pattern(text)
        var events = try await logs.chunks.batchEvents(
            ChunkStore.Batch(
                account: deliveries[0].account, group: deliveries[0].group, stream: stream, firstSequence: first,
                count: end - first, minTimestamp: low, maxTimestamp: high),
            where: onTransformed ? { _ in true } : pattern.matches)
        if onTransformed {
            events = events.compactMap { event in
                guard !event.transformationFailed else { return nil }
                let delivered = event.transformed ?? event.message
                guard pattern.matches(delivered) else { return nil }
                return LogEvent(
                    timestamp: event.timestamp, streamID: event.streamID, sequence: event.sequence,
                    ingestionTime: event.ingestionTime, message: delivered)
            }
        }
        guard ranges.count > 1 else { return events }
        return events.filter { event in ranges.contains { $0.contains(event.sequence) } }
    }

    static func dataMessage(_ delivery: DeliveryJob, _ events: [CairnChunks.LogEvent]) -> String {
        var json = #"{"messageType":"DATA_MESSAGE","owner":"\#(delivery.account)","logGroup":""#
        json += JSONText.escape(delivery.groupName) + #"","logStream":""#
        json += JSONText.escape(delivery.streamName ?? "") + #"","subscriptionFilters":[""#
        json += JSONText.escape(delivery.filter) + #""],"logEvents":["#
        for (index, event) in events.enumerated() {
            if index > 0 { json += "," }
            json += #"{"id":"\#(LogEventHandlers.eventID(event.key))","timestamp":\#(event.timestamp),"message":""#
            json += JSONText.escape(String(decoding: event.message, as: UTF8.self)) + #""}"#
        }
        return json + "]}"
    }

    /// `destination` as AWS names it: `Lambda function`, `Firehose`.
    static func controlMessage(now: Int64, destination: String = "Lambda function") -> String {
        #"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","#
            + #""subscriptionFilters":[],"logEvents":[{"id":"","timestamp":\#(now),"#
            + #""message":"CWL CONTROL MESSAGE: Checking health of destination \#(destination)."}]}"#
    }

    /// Refuses a function whose host is, or resolves to, an internal address (`OutboundAddress`) unless an
    /// administrator allowed the function those.
    static func checkAddress(of function: LogFunction) async throws {
        guard !function.allowsPrivateNetwork else { return }
        try await checkAddress(of: function.url)
    }

    /// Refuses a URL whose host is, or resolves to, an internal address: every address the name resolves to
    /// must be public.
    public static func checkAddress(of url: String) async throws {
        guard let host = URL(string: url)?.host, !host.isEmpty else { throw DeliveryError.internalAddress(url) }
        let addresses: [String] =
            OutboundAddress.ipv4(host) != nil || host.contains(":")
            ? [host] : try await NIOThreadPool.singleton.runIfActive { Host(name: host).addresses }
        guard !addresses.isEmpty, !addresses.contains(where: OutboundAddress.isInternal) else {
            throw DeliveryError.internalAddress(host)
        }
    }
}
