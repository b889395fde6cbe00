import CairnChunks
import CairnCrypto
import CairnKeys
import CairnMetrics
import CairnProtection
import CairnProtocol
import CairnQueue
import CairnStore
import CairnTransform
import NIOCore
import PostgresNIO

extension AWSError {
    static let notChronological = AWSError.invalidParameter(
        "Log events in a single PutLogEvents request must be in chronological order.")
    static let spanTooLong = AWSError.invalidParameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")

    static func uploadTooLarge(_ bytes: Int) -> AWSError {
        .invalidParameter("Upload too large: \(bytes) bytes exceeds limit of \(LogsLimits.maxBatchBytes)")
    }

    static func eventTooLarge(_ bytes: Int) -> AWSError {
        .invalidParameter("Log event too large: \(bytes) bytes exceeds limit of \(LogsLimits.maxEventBytes)")
    }
}

extension LogEventHandlers {
    func putLogEvents(_ body: [UInt8], _ caller: Caller) async throws -> PutLogEventsResponse {
        try await ingest(try PutLogEventsRequest.parse(body), caller)
    }

    /// Validates and stores a batch: PutLogEvents, and subscription deliveries into a destination's log group.
    func ingest(_ request: PutLogEventsRequest, _ caller: Caller) async throws -> PutLogEventsResponse {
        try Self.validate(request)
        let now = LogsService.now()
        let group = try await groups.resolve(request.logGroupName, caller)

        // Which events are stored: not older than 14 days or the retention, not more than 2 hours ahead.
        let timestamps = request.timestamps
        let tooOldEnd = timestamps.firstIndex { $0 >= now - LogsLimits.tooOldMilliseconds } ?? timestamps.count
        let expiredEnd = group.retentionDays.map { days in
            timestamps.firstIndex { $0 >= now - Int64(days) * 86_400_000 } ?? timestamps.count
        }
        let tooNewStart = timestamps.firstIndex { $0 > now + LogsLimits.tooNewMilliseconds }
        let acceptedStart = max(tooOldEnd, expiredEnd ?? 0)
        let acceptedEnd = max(acceptedStart, tooNewStart ?? timestamps.count)
        let rejected =
            tooOldEnd > 0 || (expiredEnd ?? 0) > 0 || tooNewStart != nil
            ? RejectedLogEventsInfo(
                tooNewLogEventStartIndex: tooNewStart, tooOldLogEventEndIndex: tooOldEnd > 0 ? tooOldEnd : nil,
                expiredLogEventEndIndex: (expiredEnd ?? 0) > 0 ? expiredEnd : nil)
            : nil
        let accepted = acceptedStart..<acceptedEnd
        if let first = accepted.first, let last = accepted.last,
            timestamps[last] - timestamps[first] > LogsLimits.maxBatchSpanMilliseconds
        {
            throw AWSError.spanTooLong
        }

        let nextSequence: Int64
        if accepted.isEmpty {
            nextSequence = try await touchStream(request.logStreamName, group: group.id, caller)
        } else {
            // Masking and transformation may spend seconds of a request's regular-expression budgets: they run on
            // BlockingWork's threads, so such a request never holds a cooperative thread other requests need, and
            // accounts take turns there.
            let prepared =
                group.masker == nil && group.transformer == nil
                ? PreparedBatch(request: request)
                // A findings report is not dropped because the request it came from went away.
                : try await blockingWork.run(account: caller.accountID, leavesWhenCancelled: !request.isFindingsReport)
                {
                    Self.prepare(request, accepted: accepted, group: group, now: now, caller)
                }
            let request = prepared.request
            nextSequence = try await storeChunk(
                request, accepted: accepted, group: group, now: now, originals: prepared.originals,
                transformed: prepared.transformed,
                findings: group.findings.jobs(
                    prepared.reports, group: group.id, groupName: request.logGroupName ?? "", now: now, caller),
                caller)
            await sendFindings(prepared.reports, from: request, to: group.findings.logGroups, now: now, caller)
        }
        return PutLogEventsResponse(
            nextSequenceToken: SequenceToken.make(nextSequence), rejectedLogEventsInfo: rejected)
    }

    /// A batch as it is stored: masked, its originals kept aside, its findings reports written, and its
    /// transformed versions made.
    struct PreparedBatch: Sendable {
        var request: PutLogEventsRequest
        /// What masking replaced, to put back for readers with `unmask`.
        var originals = MaskedOriginals.Record()
        /// The findings reports' JSON, one per event with findings (none for a report itself).
        var reports: [[UInt8]] = []
        var transformed: TransformedBatch? = nil
    }

    /// Masks what the group's data protection policies find (before anything reads the events), keeping the
    /// originals aside, then makes each event's transformed version from what is stored (masked text stays masked).
    static func prepare(
        _ request: PutLogEventsRequest, accepted: Range<Int>, group: LogGroupRecord, now: Int64, _ caller: Caller
    ) -> PreparedBatch {
        var prepared = PreparedBatch(request: request)
        let reportsFindings = !group.findings.isEmpty && !request.isFindingsReport
        // One search budget for the request's custom identifiers, the transformed versions' included.
        let searches = SearchBudget()
        if let masker = group.masker {
            for index in accepted {
                let range = (index == 0 ? 0 : request.messageEnds[index - 1])..<request.messageEnds[index]
                let findings = masker.findings(in: prepared.request.messages[range], budget: searches)
                guard !findings.isEmpty else { continue }
                if reportsFindings {
                    prepared.reports.append(
                        FindingsReport(
                            message: Array(prepared.request.messages[range]), start: range.lowerBound,
                            findings: findings
                        ).json(group: request.logGroupName ?? "", at: now, caller))
                }
                let masked = Masker.merged(findings.flatMap(\.ranges))
                prepared.originals.append(
                    offset: index - accepted.lowerBound, ranges: masked, of: prepared.request.messages[range])
                Masker.apply(masked, to: &prepared.request.messages)
            }
        }
        prepared.transformed = group.transformer.map { transformer in
            transform(
                prepared.request, accepted: accepted, with: transformer, masker: group.masker, searches: searches,
                caller)
        }
        return prepared
    }

    static func validate(_ request: PutLogEventsRequest) throws(AWSError) {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.logStreamName(request.logStreamName)
        validation.string(request.sequenceToken, "sequenceToken", min: 1)
        if !request.hasEvents {
            validation.required(String?.none, "logEvents")
        } else {
            validation.count(
                request.count, value: request.count == 0 ? "[]" : "[...]", "logEvents",
                min: LogsLimits.eventsPerBatch.lowerBound, max: LogsLimits.eventsPerBatch.upperBound)
        }
        for (index, member) in request.missing {
            validation.required(String?.none, "logEvents.\(index + 1).member.\(member)")
        }
        for index in 0..<request.count where request.messageLength(index) == 0 {
            if !request.missing.contains(where: { $0.index == index && $0.member == "message" }) {
                validation.fail(
                    value: "", member: "logEvents.\(index + 1).member.message",
                    constraint: "Member must have length greater than or equal to 1")
            }
        }
        for (index, timestamp) in request.timestamps.enumerated() where timestamp < 0 {
            validation.number(timestamp, "logEvents.\(index + 1).member.timestamp", min: 0)
        }
        try validation.check()
        var batchBytes = 0
        for index in 0..<request.count {
            let eventBytes = request.messageLength(index) + LogsLimits.eventOverheadBytes
            if eventBytes > LogsLimits.maxEventBytes { throw AWSError.eventTooLarge(eventBytes) }
            batchBytes += eventBytes
        }
        if batchBytes > LogsLimits.maxBatchBytes { throw AWSError.uploadTooLarge(batchBytes) }
        for index in request.timestamps.indices.dropFirst()
        where request.timestamps[index] < request.timestamps[index - 1] {
            throw AWSError.notChronological
        }
    }

    /// Compresses and seals the accepted events as one chunk and commits it with the stream's counters.
    /// The stream row is locked only for the two statements of the transaction.
    private func storeChunk(
        _ request: PutLogEventsRequest, accepted: Range<Int>, group: LogGroupRecord, now: Int64,
        originals: MaskedOriginals.Record, transformed: TransformedBatch?, findings: [FindingsJob],
        _ caller: Caller
    ) async throws -> Int64 {
        let minTimestamp = request.timestamps[accepted.lowerBound]
        let maxTimestamp = request.timestamps[accepted.upperBound - 1]
        let firstMessage = accepted.lowerBound == 0 ? 0 : request.messageEnds[accepted.lowerBound - 1]
        // The bytes the chunk's payload holds: the messages and their transformed versions (a read's
        // decompression limit is derived from it).
        let rawBytes =
            request.messageEnds[accepted.upperBound - 1] - firstMessage
            + (transformed?.byteCount ?? 0)
        // Sequence numbers are stored relative to the chunk's first one, so the payload can be built first.
        let plain = EventChunk.encode(
            timestamps: request.timestamps[accepted], messages: request.messages, messageEnds: request.messageEnds,
            header: .init(minTimestamp: minTimestamp, firstSequence: 0, ingestionTime: now),
            transformed: transformed?.versions)
        let compressed = try Zstd.compress(plain, level: EventChunk.compressionLevel)
        let dataKey = try await keyRing.sealingKey(account: caller.accountID, region: caller.region, group: group.id)
        let storedBytes = ChunkStore.storedBytes(compressed: compressed.count)
        let count = Int64(accepted.count)
        // Metric filters read the plaintext here; their points commit with the chunk, so each event counts once.
        var points =
            !group.hasMetricFilters
            ? []
            : try await filters.metricFilters(group: group.id, caller).points(
                timestamps: request.timestamps[accepted], messages: request.messages,
                messageEnds: request.messageEnds, transformed: transformed)
        if let transformed {
            points = LogsMetrics.merged(
                points, transformed.metrics(group: request.logGroupName ?? "", timestamps: request.timestamps[accepted])
            )
        }
        if !originals.isEmpty {
            points = LogsMetrics.merged(
                points,
                LogsMetrics.findings(
                    group: request.logGroupName ?? "", timestamps: request.timestamps[accepted],
                    offsets: Set(originals.offsets)))
        }
        let subscriptions = try await filters.matchingSubscriptions(
            group: group, request: request, accepted: accepted, transformed: transformed, caller)
        let metricSeal =
            points.isEmpty ? nil : try await metricKeys.seal(account: caller.accountID, region: caller.region)
        let findingsPayloads = try findings.map(FindingsDelivery.jobText)

        return try await database.transaction { connection in
            let updated = try await connection.query(
                """
                UPDATE log_streams SET next_sequence = next_sequence + \(count),
                    first_event_time = LEAST(COALESCE(first_event_time, \(minTimestamp)), \(minTimestamp)),
                    last_event_time = GREATEST(COALESCE(last_event_time, \(maxTimestamp)), \(maxTimestamp)),
                    last_ingestion_time = \(now), stored_bytes = stored_bytes + \(storedBytes)
                WHERE account_id = \(caller.accountID) AND group_id = \(group.id) AND name = \(request.logStreamName)
                RETURNING stream_id, next_sequence - \(count), nextval('event_chunks_chunk_id_seq'),
                    EXISTS (SELECT 1 FROM live_tail_watches WHERE group_id = \(group.id) AND expires_at > \(now))
                """, logger: database.logger)
            var target: (stream: Int64, firstSequence: Int64, chunk: Int64, watched: Bool)?
            for try await row in updated.decode((Int64, Int64, Int64, Bool).self) { target = row }
            guard let target else { throw AWSError.logStreamNotFound }
            try await chunks.insert(
                ChunkStore.NewChunk(
                    account: caller.accountID, group: group.id, stream: target.stream, chunk: target.chunk,
                    minTimestamp: minTimestamp, maxTimestamp: maxTimestamp, firstSequence: target.firstSequence,
                    eventCount: accepted.count, rawBytes: rawBytes, ingestionTime: now, compressed: compressed),
                key: dataKey, on: connection)
            if !originals.isEmpty {
                try await MaskedOriginals.store(
                    originals,
                    firstSequence: target.firstSequence, lastSequence: target.firstSequence + count - 1,
                    maxTime: maxTimestamp, account: caller.accountID, group: group.id, stream: target.stream,
                    key: dataKey, on: connection, logger: database.logger)
            }
            if let metricSeal {
                try await MetricStore.record(
                    points, seal: metricSeal, now: now / 1000, on: connection, logger: database.logger)
            }
            if target.watched {
                let batch = ChunkStore.Batch(
                    account: caller.accountID, group: group.id, stream: target.stream,
                    firstSequence: target.firstSequence, count: count, minTimestamp: minTimestamp,
                    maxTimestamp: maxTimestamp)
                try await LiveTailHub.notify(
                    .init(batch: batch, streamName: request.logStreamName ?? ""), on: connection,
                    logger: database.logger)
            }
            // Deliveries name the batch by sequence numbers: they survive compaction and hold no log text.
            let jobs = try subscriptions.map { subscription in
                try LogsService.jobText(
                    DeliveryJob(
                        kind: .data, account: caller.accountID, region: caller.region, group: group.id,
                        groupName: request.logGroupName ?? "", filter: subscription, stream: target.stream,
                        streamName: request.logStreamName, firstSequence: target.firstSequence, count: count,
                        minTimestamp: minTimestamp, maxTimestamp: maxTimestamp,
                        forwards: request.forwards == 0 ? nil : request.forwards))
            }
            // One stream's deliveries for one filter go out one at a time, in order.
            try await JobQueue.enqueue(
                LogsService.deliveryQueue, payloads: jobs,
                orderingKeys: subscriptions.map { "\(group.id)/\(target.stream)/\($0)" }, tenant: caller.accountID,
                policy: SubscriptionDelivery.policy, on: connection, logger: database.logger)
            // Findings reports for delivery streams and buckets commit with the events they are about.
            try await JobQueue.enqueue(
                FindingsDelivery.queue, payloads: findingsPayloads, tenant: caller.accountID,
                policy: FindingsDelivery.policy, on: connection, logger: database.logger)
            return target.firstSequence + count
        }
    }

    /// A batch whose events were all rejected still needs its stream to exist.
    private func touchStream(_ name: String?, group: Int64, _ caller: Caller) async throws -> Int64 {
        let rows = try await database.query(
            """
            SELECT next_sequence FROM log_streams
            WHERE account_id = \(caller.accountID) AND group_id = \(group) AND name = \(name)
            """)
        for try await sequence in rows.decode(Int64.self) { return sequence }
        throw AWSError.logStreamNotFound
    }
}
