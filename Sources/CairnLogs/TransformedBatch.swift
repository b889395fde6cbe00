import CairnChunks
import CairnMetrics
import CairnProtection
import CairnProtocol
import CairnTransform

/// A batch's transformed versions, one per accepted event (compact JSON, or only `@transformationError` where
/// the transformer failed).
struct TransformedBatch: Sendable {
    let versions: [EventChunk.Transformed]

    /// All transformed versions of one batch together may hold at most this many bytes; past it, events fail
    /// (a transformer that multiplies its input cannot make one request hold gigabytes).
    static let maximumBatchBytes = 16 << 20

    var byteCount: Int { versions.reduce(0) { $0 + $1.bytes.count } }

    /// What a filter on transformed logs reads of the event at `offset`: its transformed version, or nil when the
    /// transformer failed on it (such events are not evaluated, as AWS's Contributor Insights documents).
    func filterInput(_ offset: Int) -> ArraySlice<UInt8>? {
        versions[offset].failed ? nil : versions[offset].bytes[...]
    }

    /// The AWS/Logs metrics AWS publishes for transformers, per minute of event time and log group:
    /// TransformedLogEvents, TransformedBytes (of the transformed versions) and TransformationErrors.
    func metrics(group: String, timestamps: ArraySlice<Int64>) -> [MetricPoint] {
        // Plain arrays for the per-event closures: reading a version there would retain and release its bytes.
        let failed = versions.map(\.failed)
        let sizes = versions.map { Double($0.bytes.count) }
        return LogsMetrics.points(
            group: group, timestamps: timestamps,
            series: [
                .init(name: "TransformedLogEvents", unit: "Count") { failed[$0] ? nil : 1 },
                .init(name: "TransformedBytes", unit: "Bytes") { failed[$0] ? nil : sizes[$0] },
                .init(name: "TransformationErrors", unit: "Count") { failed[$0] ? 1 : nil },
            ])
    }
}

extension LogEventHandlers {
    /// Runs the group's transformer over a batch's accepted events (after masking, and masking what it made
    /// too: a parser that decodes `\u0040` or `%40` must not bring back what the policy hides), under one
    /// regular-expression budget and one size limit for the request.
    static func transform(
        _ request: PutLogEventsRequest, accepted: Range<Int>, with transformer: Transformer, masker: Masker?,
        searches: SearchBudget, _ caller: Caller
    ) -> TransformedBatch {
        let context = TransformContext(
            logGroupName: request.logGroupName ?? "", logStreamName: request.logStreamName ?? "",
            accountID: caller.accountID, region: caller.region)
        let budget = TransformBudget()
        // All versions in one buffer (each a slice of it), written straight into it: one allocation per batch, not
        // one per event kept until the chunk is stored and freed on another thread.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(request.messages.count + accepted.count * 64)
        var entries: [(range: Range<Int>, failed: Bool)] = []
        entries.reserveCapacity(accepted.count)
        for index in accepted {
            let start = index == 0 ? 0 : request.messageEnds[index - 1]
            let message = String(decoding: request.messages[start..<request.messageEnds[index]], as: UTF8.self)
            let versionStart = buffer.count
            var failed = transformer.transform(message, context: context, budget: budget, appendingTo: &buffer)
            if buffer.count > TransformedBatch.maximumBatchBytes {
                buffer.removeSubrange(versionStart...)
                buffer.append(contentsOf: TransformOutcome.batchLimitFailure.utf8)
                failed = true
            }
            if let masker { masker.mask(&buffer, in: versionStart..<buffer.count, budget: searches) }
            entries.append((versionStart..<buffer.count, failed))
        }
        return TransformedBatch(
            versions: entries.map { EventChunk.Transformed(bytes: buffer[$0.range], failed: $0.failed) })
    }
}
