import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension MetricsLimits {
    /// Tags of a CloudWatch resource: at most 50; keys 1–128 characters, values 0–256.
    public static let tagsPerResource = 50
}

/// TagResource, UntagResource and ListTagsForResource for alarm ARNs (`arn:aws:cloudwatch:<region>:<account>:
/// alarm:<name>`), the CloudWatch resources Cairn has. PutMetricAlarm's `Tags` apply when it creates the alarm.
extension MetricsService {
    /// The alarm name an ARN of the caller's account and region names.
    static func alarmName(fromARN arn: String, _ caller: Caller) throws(AWSError) -> String {
        let prefix = "arn:aws:cloudwatch:\(caller.region):\(caller.accountID):alarm:"
        guard arn.hasPrefix(prefix), arn.count > prefix.count else {
            throw AWSError(
                "ResourceNotFoundException", "The resource \(arn) does not exist.", status: 404)
        }
        return String(arn.dropFirst(prefix.count))
    }

    /// `Tags` as a dictionary, checked: keys 1–128, values 0–256, no `aws:` keys, at most 50.
    static func tags(_ request: MetricRequest, _ member: String = "Tags") throws(AWSError) -> [String: String] {
        var tags: [String: String] = [:]
        for entry in try request.list(member, max: MetricsLimits.tagsPerResource) {
            let key = try entry.string("Key", required: true, length: 1...128)!
            let value = try entry.string("Value", required: true, length: 0...256)!
            if key.lowercased().hasPrefix("aws:") {
                throw AWSError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for AWS.")
            }
            tags[key] = value
        }
        return tags
    }

    static func tagsJSON(_ tags: [String: String]) -> String {
        String(decoding: (try? JSONEncoder().encode(tags)) ?? Data("{}".utf8), as: UTF8.self)
    }

    func tagResource(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try Self.alarmName(fromARN: try request.string("ResourceARN", required: true)!, caller)
        let added = try Self.tags(request)
        if request.optional("Tags") == nil { throw AWSError.missingParameter("Tags") }
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT tags::text FROM metric_alarms
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name) FOR UPDATE
                """, logger: database.logger)
            var current: [String: String]?
            for try await text in rows.decode(String.self) {
                current = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            }
            guard var tags = current else { throw Self.noAlarm(caller, name) }
            tags.merge(added) { _, new in new }
            guard tags.count <= MetricsLimits.tagsPerResource else {
                throw AWSError.invalidParameterValue(
                    "A resource can have at most \(MetricsLimits.tagsPerResource) tags.")
            }
            try await connection.query(
                """
                UPDATE metric_alarms SET tags = \(Self.tagsJSON(tags))::jsonb
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name)
                """, logger: database.logger)
        }
        return nil
    }

    func untagResource(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try Self.alarmName(fromARN: try request.string("ResourceARN", required: true)!, caller)
        if request.optional("TagKeys") == nil { throw AWSError.missingParameter("TagKeys") }
        let keys = try request.list("TagKeys").map { entry throws(AWSError) -> String in
            guard let key = entry.text, (1...128).contains(key.count) else {
                throw AWSError.invalidParameterValue(
                    "The parameter \(entry.path) must be between 1 and 128 characters long.")
            }
            return key
        }
        let rows = try await database.query(
            """
            UPDATE metric_alarms SET tags = tags - \(keys)::text[]
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name)
            RETURNING 1
            """)
        var found = false
        for try await _ in rows.decode(Int.self) { found = true }
        if !found { throw Self.noAlarm(caller, name) }
        return nil
    }

    func listTagsForResource(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try Self.alarmName(fromARN: try request.string("ResourceARN", required: true)!, caller)
        let rows = try await database.query(
            """
            SELECT tags::text FROM metric_alarms
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND alarm_name = \(name)
            """)
        for try await text in rows.decode(String.self) {
            let tags = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            return .map([
                "Tags": .list(
                    tags.sorted { $0.key < $1.key }.map { .map(["Key": .string($0.key), "Value": .string($0.value)]) })
            ])
        }
        throw Self.noAlarm(caller, name)
    }

    static func noAlarm(_ caller: Caller, _ name: String) -> AWSError {
        AWSError("ResourceNotFoundException", "The resource \(alarmARN(caller, name)) does not exist.", status: 404)
    }
}
