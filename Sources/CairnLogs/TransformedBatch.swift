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
        // Counted per minute first: a batch's events mostly share a few minutes.
        var minutes: [Int64: (events: Double, bytes: Double, errors: Double)] = [:]
        for (offset, timestamp) in timestamps.enumerated() {
            let seconds = timestamp >= 0 ? timestamp / 1000 : (timestamp - 999) / 1000
            let minute = seconds - ((seconds % 60) + 60) % 60
            let version = versions[offset]
            minutes[minute, default: (0, 0, 0)].events += version.failed ? 0 : 1
            minutes[minute, default: (0, 0, 0)].bytes += version.failed ? 0 : Double(version.bytes.count)
            minutes[minute, default: (0, 0, 0)].errors += version.failed ? 1 : 0
        }
        let dimensions = [MetricIdentity.Dimension(name: "LogGroupName", value: group)]
        let series:
            [(name: String, unit: String, value: KeyPath<(events: Double, bytes: Double, errors: Double), Double>)] = [
                ("TransformedLogEvents", "Count", \.events), ("TransformedBytes", "Bytes", \.bytes),
                ("TransformationErrors", "Count", \.errors),
            ]
        var aggregator = MetricAggregator()
        for (minute, counts) in minutes {
            for (name, unit, value) in series where counts[keyPath: value] > 0 {
                let metric = MetricIdentity(namespace: "AWS/Logs", name: name, dimensions: dimensions)
                let resolution = MetricsLimits.standardResolution
                // One sample per event, as if each had been counted alone: the sum is what was counted.
                aggregator.withPoint(metric, timestamp: minute, resolution: resolution, unit: unit) { point in
                    let events = name == "TransformationErrors" ? counts.errors : counts.events
                    point.add(counts[keyPath: value] / events, count: events)
                }
            }
        }
        return aggregator.collected
    }

    /// Both sets of points in one lock order.
    static func merged(_ first: [MetricPoint], _ second: [MetricPoint]) -> [MetricPoint] {
        guard !second.isEmpty else { return first }
        var aggregator = MetricAggregator()
        for point in first + second {
            aggregator.withPoint(
                point.metric, timestamp: point.periodStart, resolution: point.resolution, unit: point.unit
            ) { $0.merge(point) }
        }
        return aggregator.collected
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
        var versions: [EventChunk.Transformed] = []
        versions.reserveCapacity(accepted.count)
        var total = 0
        for index in accepted {
            let start = index == 0 ? 0 : request.messageEnds[index - 1]
            let message = String(decoding: request.messages[start..<request.messageEnds[index]], as: UTF8.self)
            let outcome = transformer.transform(message, context: context, budget: budget)
            var bytes = outcome.bytes
            var failed = outcome.failed
            if total + bytes.count > TransformedBatch.maximumBatchBytes {
                bytes = Array(TransformOutcome.batchLimitFailure.utf8)
                failed = true
            }
            if let masker { masker.mask(&bytes, in: bytes.indices, budget: searches) }
            total += bytes.count
            versions.append(EventChunk.Transformed(bytes: bytes, failed: failed))
        }
        return TransformedBatch(versions: versions)
    }
}
