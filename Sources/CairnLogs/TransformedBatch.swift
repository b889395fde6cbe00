import CairnMetrics
import CairnProtocol
import CairnTransform

/// A batch's transformed versions, one per accepted event (compact JSON), and how many failed.
struct TransformedBatch: Sendable {
    let versions: [[UInt8]?]
    let failed: [Bool]

    /// The AWS/Logs metrics AWS publishes for transformers, per minute of event time and log group:
    /// TransformedLogEvents, TransformedBytes (of the transformed versions) and TransformationErrors.
    func metrics(group: String, timestamps: ArraySlice<Int64>) -> [MetricPoint] {
        let dimensions = [MetricIdentity.Dimension(name: "LogGroupName", value: group)]
        let transformedEvents = MetricIdentity(
            namespace: "AWS/Logs", name: "TransformedLogEvents", dimensions: dimensions)
        let transformedBytes = MetricIdentity(namespace: "AWS/Logs", name: "TransformedBytes", dimensions: dimensions)
        let errors = MetricIdentity(namespace: "AWS/Logs", name: "TransformationErrors", dimensions: dimensions)
        var aggregator = MetricAggregator()
        for (offset, timestamp) in timestamps.enumerated() {
            let seconds = timestamp >= 0 ? timestamp / 1000 : (timestamp - 999) / 1000
            let resolution = MetricsLimits.standardResolution
            if failed[offset] {
                aggregator.withPoint(errors, timestamp: seconds, resolution: resolution, unit: "Count") { $0.add(1) }
            } else {
                aggregator.withPoint(transformedEvents, timestamp: seconds, resolution: resolution, unit: "Count") {
                    $0.add(1)
                }
                aggregator.withPoint(transformedBytes, timestamp: seconds, resolution: resolution, unit: "Bytes") {
                    $0.add(Double(versions[offset]?.count ?? 0))
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
    /// Runs the group's transformer over a batch's accepted events.
    static func transform(
        _ request: PutLogEventsRequest, accepted: Range<Int>, with transformer: Transformer, _ caller: Caller
    ) -> TransformedBatch {
        let context = TransformContext(
            logGroupName: request.logGroupName ?? "", logStreamName: request.logStreamName ?? "",
            accountID: caller.accountID, region: caller.region)
        var versions: [[UInt8]?] = []
        var failed: [Bool] = []
        versions.reserveCapacity(accepted.count)
        failed.reserveCapacity(accepted.count)
        for index in accepted {
            let start = index == 0 ? 0 : request.messageEnds[index - 1]
            let message = String(decoding: request.messages[start..<request.messageEnds[index]], as: UTF8.self)
            let outcome = transformer.transform(message, context: context)
            versions.append(Array(outcome.json.utf8))
            failed.append(outcome.failed)
        }
        return TransformedBatch(versions: versions, failed: failed)
    }
}
