/// Where a policy's Audit statement sends findings reports: its `FindingsDestination` object names up to three
/// places, each optional (`{}` names none) — `CloudWatchLogs.LogGroup`, `Firehose.DeliveryStream` and
/// `S3.Bucket`, all in the policy's own account.
public struct FindingsDestinations: Sendable, Equatable, Hashable {
    public var logGroup: String?
    public var deliveryStream: String?
    public var bucket: String?

    public init(logGroup: String? = nil, deliveryStream: String? = nil, bucket: String? = nil) {
        self.logGroup = logGroup
        self.deliveryStream = deliveryStream
        self.bucket = bucket
    }

    public var isEmpty: Bool { logGroup == nil && deliveryStream == nil && bucket == nil }

    /// The three destinations and the member each must name.
    private static let members: [(destination: String, member: String, path: String)] = [
        ("cloudwatchlogs", "loggroup", "CloudWatchLogs.LogGroup"),
        ("firehose", "deliverystream", "Firehose.DeliveryStream"),
        ("s3", "bucket", "S3.Bucket"),
    ]

    init(_ object: [String: Any]) throws(DataProtectionPolicy.Invalid) {
        let folded = DataProtectionPolicy.folded(object)
        for key in folded.keys where !Self.members.contains(where: { $0.destination == key }) {
            throw DataProtectionPolicy.Invalid(
                description: "FindingsDestination may hold CloudWatchLogs, Firehose and S3, not \(key).")
        }
        var named: [String: String] = [:]
        for (destination, member, path) in Self.members {
            guard let value = folded[destination] else { continue }
            guard let target = (value as? [String: Any]).map(DataProtectionPolicy.folded),
                let name = target[member] as? String, !name.isEmpty
            else { throw DataProtectionPolicy.Invalid(description: "FindingsDestination.\(path) must be named.") }
            named[destination] = name
        }
        self.init(logGroup: named["cloudwatchlogs"], deliveryStream: named["firehose"], bucket: named["s3"])
    }
}
