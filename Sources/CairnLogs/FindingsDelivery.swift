import AsyncHTTPClient
import CairnCalendar
import CairnKeys
import CairnObjects
import CairnQueue
import CairnStore
import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// One batch's findings reports on their way to a delivery stream or a bucket: enqueued with the source chunk,
/// so reports of acknowledged events are delivered at least once. Reports hold no log text (an ARN, identifier
/// names and character offsets).
struct FindingsJob: Codable {
    let account: String
    let region: String
    /// The source group: delivery stream records are sealed under its data key.
    let group: Int64
    let groupName: String
    let deliveryStream: String?
    let bucket: String?
    /// Names the bucket object: every attempt writes the same key.
    let id: UUID
    /// When the events were ingested (epoch ms): the object's hour.
    let time: Int64
    let reports: [String]
}

/// Delivers findings reports from the `findings-delivery` queue: to a delivery stream as one record per report
/// (its JSON and a newline), to a bucket as one object per batch of events (the reports, one per line) under
/// `AWSLogs/<account>/DataProtection/<region>/<log group>/YYYY/MM/DD/HH/<id>.json`. A destination (or, for a
/// delivery stream, the source group) deleted since the policy was put drops the reports (logged with metadata);
/// other failures are retried, then dead-lettered. One job at a time: a claim never waits behind another job's
/// delivery (an appended record is not taken back, so a second attempt repeats it).
public struct FindingsDelivery: Service, CustomStringConvertible {
    public var description: String { "FindingsDelivery" }

    public static let queue = "findings-delivery"
    /// A delivery stream flush's retries: about 5 minutes, then the dead letters.
    static let policy = DeliveryStreamFlusher.policy

    let logs: LogsService
    let logger: Logger

    public init(logs: LogsService, logger: Logger) {
        self.logs = logs
        self.logger = logger
    }

    public func run() async throws {
        try await SubscriptionDelivery.workQueue(
            Self.queue, policy: Self.policy, concurrency: 1, batchSize: 1, database: logs.database, logger: logger
        ) { job, client in try await deliver(job, client) }
    }

    static func jobText(_ job: FindingsJob) throws -> String {
        String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
    }

    func deliver(_ job: Job, _ client: HTTPClient) async throws {
        let findings = try JSONDecoder().decode(FindingsJob.self, from: Data(job.payload.utf8))
        if let stream = findings.deliveryStream {
            guard
                try await logs.deliveryStreams.stream(account: findings.account, region: findings.region, name: stream)
                    != nil
            else { return dropped(findings, destination: stream) }
            do {
                try await logs.deliveryStreamBuffer.append(
                    findings.reports.map { Array(($0 + "\n").utf8) },
                    to: (findings.account, findings.region, stream), groupAccount: findings.account,
                    groupRegion: findings.region, group: findings.group)
            } catch DataKeyError.destroyed {
                // The source group was deleted since: its records could not be sealed, nor ever opened.
                return dropped(findings, destination: stream)
            }
        }
        if let bucket = findings.bucket {
            guard let store = try await logs.buckets.store(account: findings.account, name: bucket, client: client)
            else { return dropped(findings, destination: bucket) }
            let body = findings.reports.joined(separator: "\n") + "\n"
            try await store.put(Self.objectKey(findings), Array(body.utf8))
        }
    }

    /// `AWSLogs/<account>/DataProtection/<region>/<log group without leading slashes>/YYYY/MM/DD/HH/<id>.json`.
    static func objectKey(_ findings: FindingsJob) -> String {
        let time = UTCTime(milliseconds: findings.time)
        let group = findings.groupName.drop(while: { $0 == "/" })
        return "AWSLogs/\(findings.account)/DataProtection/\(findings.region)/\(group)/"
            + "\(time.dateText.replacingOccurrences(of: "-", with: "/"))/\(UTCTime.padded(time.hour, 2))/"
            + "\(findings.id.uuidString.lowercased()).json"
    }

    private func dropped(_ findings: FindingsJob, destination: String) {
        logger.warning(
            "audit findings not delivered: the destination no longer exists",
            metadata: [
                "account": "\(findings.account)", "destination": "\(destination)",
                "reports": "\(findings.reports.count)",
            ])
    }
}
