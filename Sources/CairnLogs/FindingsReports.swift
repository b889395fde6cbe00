import CairnProtection
import CairnProtocol
import CairnStore
import Foundation
import Logging
import PostgresNIO

/// Audit findings reports (mask-sensitive-log-data-audit-findings.html): for each log event in which a data
/// protection policy found sensitive data, one JSON report in the policy's `FindingsDestination.CloudWatchLogs`
/// log group:
/// `{"auditTimestamp":"2023-01-23T21:11:20Z","resourceArn":"arn:aws:logs:…:log-group:/app:*","dataIdentifiers":
/// [{"name":"EmailAddress","count":2,"detections":[{"start":13,"end":26},…]}]}`.
struct FindingsReport {
    /// One event's original message, where it started in the request's buffer, and its findings (in the
    /// buffer's offsets).
    let message: [UInt8]
    let start: Int
    let findings: [Masker.Finding]

    /// The report's JSON. `start` and `end` count characters (UTF-16 code units, as Java's strings do) from the
    /// message's start; `end` is exclusive.
    func json(group: String, at now: Int64, _ caller: Caller) -> [UInt8] {
        let characters = characterOffsets()
        var identifiers: [[String: Any]] = []
        for finding in findings {
            let detections = finding.ranges.map { range -> [String: Int] in
                ["start": characters[range.lowerBound - start] ?? 0, "end": characters[range.upperBound - start] ?? 0]
            }
            identifiers.append(["name": finding.name, "count": finding.ranges.count, "detections": detections])
        }
        var arn = ResourceName.logGroup(caller, group)
        if !arn.hasSuffix(":*") { arn += ":*" }
        let report: [String: Any] = [
            "auditTimestamp": ISO8601Timestamp.format(Double(now / 1000), milliseconds: false), "resourceArn": arn,
            "dataIdentifiers": identifiers,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    /// For each byte offset a detection starts or ends at, the UTF-16 length of the message before it: one pass
    /// over the message however many detections it holds (a megabyte of addresses has tens of thousands).
    private func characterOffsets() -> [Int: Int] {
        let wanted = Set(findings.flatMap { $0.ranges.flatMap { [$0.lowerBound - start, $0.upperBound - start] } })
        var offsets: [Int: Int] = [:]
        var units = 0
        for (offset, byte) in message.enumerated() {
            if wanted.contains(offset) { offsets[offset] = units }
            // A lead byte starts a scalar: one UTF-16 unit, two from U+10000 on (4-byte sequences).
            if byte & 0xC0 != 0x80 { units += byte >= 0xF0 ? 2 : 1 }
        }
        if wanted.contains(message.count) { offsets[message.count] = units }
        return offsets
    }
}

/// Every findings destination of a group's policies (its own and its account's), each once.
struct FindingsTargets: Sendable, Hashable {
    var logGroups: [String] = []
    var deliveryStreams: [String] = []
    var buckets: [String] = []

    var isEmpty: Bool { logGroups.isEmpty && deliveryStreams.isEmpty && buckets.isEmpty }

    mutating func add(_ destinations: FindingsDestinations) {
        if let group = destinations.logGroup, !logGroups.contains(group) { logGroups.append(group) }
        if let stream = destinations.deliveryStream, !deliveryStreams.contains(stream) {
            deliveryStreams.append(stream)
        }
        if let bucket = destinations.bucket, !buckets.contains(bucket) { buckets.append(bucket) }
    }

    /// The jobs that take one batch's reports to the delivery streams and buckets (log groups get them at once).
    func jobs(_ reports: [[UInt8]], group: Int64, groupName: String, now: Int64, _ caller: Caller) -> [FindingsJob] {
        guard !reports.isEmpty else { return [] }
        let texts = reports.map { String(decoding: $0, as: UTF8.self) }
        let job = { (stream: String?, bucket: String?) in
            FindingsJob(
                account: caller.accountID, region: caller.region, group: group, groupName: groupName,
                deliveryStream: stream, bucket: bucket, id: UUID(), time: now, reports: texts)
        }
        return deliveryStreams.map { job($0, nil) } + buckets.map { job(nil, $0) }
    }
}

extension LogEventHandlers {
    /// Writes the reports of one batch to each findings log group, in a stream named after the source log group
    /// (created on first use). The source events are committed already: a destination that cannot take them (it
    /// was deleted) is logged, not the request's failure. Reports are not themselves audited.
    func sendFindings(
        _ reports: [[UInt8]], from request: PutLogEventsRequest, to destinations: [String], now: Int64,
        _ caller: Caller
    ) async {
        guard !reports.isEmpty, !destinations.isEmpty else { return }
        let source = request.logGroupName ?? ""
        // As many PutLogEvents batches as AWS's limits need (10,000 events, 1 MB).
        var batches: [PutLogEventsRequest] = []
        var batch = PutLogEventsRequest()
        var bytes = 0
        for json in reports {
            let size = json.count + LogsLimits.eventOverheadBytes
            if batch.count == LogsLimits.eventsPerBatch.upperBound
                || (batch.count > 0 && bytes + size > LogsLimits.maxBatchBytes)
            {
                batches.append(batch)
                batch = PutLogEventsRequest()
                bytes = 0
            }
            batch.timestamps.append(now)
            batch.messages += json
            batch.messageEnds.append(batch.messages.count)
            bytes += size
        }
        batches.append(batch)
        for destination in destinations {
            do {
                try await createStreamIfMissing(source, in: destination, caller)
                for var batch in batches {
                    batch.isFindingsReport = true
                    batch.logGroupName = destination
                    batch.logStreamName = source
                    batch.hasEvents = true
                    _ = try await ingest(batch, caller)
                }
            } catch {
                database.logger.warning(
                    "audit findings not delivered",
                    metadata: ["account": "\(caller.accountID)", "destination": "\(destination)", "error": "\(error)"])
            }
        }
    }
}
