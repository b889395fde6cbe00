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
        var identifiers: [[String: Any]] = []
        for finding in findings {
            let detections = finding.ranges.map { range -> [String: Int] in
                ["start": characters(upTo: range.lowerBound), "end": characters(upTo: range.upperBound)]
            }
            identifiers.append(["name": finding.name, "count": finding.ranges.count, "detections": detections])
        }
        var arn = ResourceName.logGroup(caller, group)
        if !arn.hasSuffix(":*") { arn += ":*" }
        let report: [String: Any] = [
            "auditTimestamp": Self.secondsTimestamp(now), "resourceArn": arn, "dataIdentifiers": identifiers,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    /// The UTF-16 length of the message's bytes before `offset` (an offset in the request's buffer).
    private func characters(upTo offset: Int) -> Int {
        String(decoding: message[..<(offset - start)], as: UTF8.self).utf16.count
    }

    /// `2023-01-23T21:11:20Z`.
    static func secondsTimestamp(_ milliseconds: Int64) -> String {
        let text = ISO8601Timestamp.format(Double(milliseconds / 1000))
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }
}

extension LogEventHandlers {
    /// Writes the reports of one batch to each findings destination, in a stream named after the source log group
    /// (created on first use). The source events are committed already: a destination that cannot take them (it
    /// was deleted) is logged, not the request's failure. Reports are not themselves audited.
    func sendFindings(
        _ reports: [FindingsReport], from request: PutLogEventsRequest, to destinations: [String], now: Int64,
        _ caller: Caller
    ) async {
        guard !reports.isEmpty else { return }
        let source = request.logGroupName ?? ""
        var batch = PutLogEventsRequest()
        batch.isFindingsReport = true
        batch.logStreamName = source
        batch.hasEvents = true
        for report in reports {
            batch.timestamps.append(now)
            batch.messages += report.json(group: source, at: now, caller)
            batch.messageEnds.append(batch.messages.count)
        }
        for destination in destinations {
            batch.logGroupName = destination
            do {
                let group = try await groups.resolve(destination, caller)
                try await database.query(
                    """
                    INSERT INTO log_streams (account_id, group_id, name, creation_time)
                    VALUES (\(caller.accountID), \(group.id), \(source), \(now)) ON CONFLICT DO NOTHING
                    """)
                _ = try await ingest(batch, caller)
            } catch {
                database.logger.warning(
                    "audit findings not delivered",
                    metadata: ["account": "\(caller.accountID)", "destination": "\(destination)", "error": "\(error)"])
            }
        }
    }
}
