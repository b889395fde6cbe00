import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension TopicService {
    static let topicsPerAccount = 100_000
    static let pageSize = 100
    /// The attributes CreateTopic and SetTopicAttributes take.
    static let settableAttributes: Set<String> = ["DisplayName", "Policy", "DeliveryPolicy"]

    /// A topic as stored.
    struct Topic {
        let arn: TopicARN
        let attributes: [String: String]
        let tags: [String: String]
    }

    func createTopic(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let name = try request.required("Name")
        guard TopicName.isValid(name) else {
            throw AWSError(
                "InvalidParameter",
                "Invalid parameter: Topic Name")
        }
        let attributes = try request.map("Attributes")
        try Self.check(attributes)
        let tags = try request.tags()
        let arn = TopicARN(region: caller.region, account: caller.accountID, name: name)
        try await database.transaction { connection in
            // Topic creation is serialised per account so that the limit holds.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('sns-topics:' || \(caller.accountID)))", logger: database.logger)
            if let existing = try await Self.topic(arn, on: connection, logger: database.logger) {
                guard
                    existing.attributes
                        == attributes.merging(existing.attributes, uniquingKeysWith: { given, _ in given })
                else {
                    throw AWSError.snsInvalidParameter(
                        "Attributes Reason: Topic already exists with different attributes")
                }
                guard tags.allSatisfy({ existing.tags[$0.key] == $0.value }) else {
                    throw AWSError.snsInvalidParameter("Tags Reason: Topic already exists with different tags")
                }
                return
            }
            let count = try await connection.query(
                "SELECT count(*) FROM sns_topics WHERE account_id = \(caller.accountID)", logger: database.logger)
            for try await total in count.decode(Int64.self) where total >= Self.topicsPerAccount {
                throw AWSError("TopicLimitExceeded", "Topic limit exceeded", status: 403)
            }
            try await connection.query(
                """
                INSERT INTO sns_topics (account_id, region, topic_name, attributes, tags, created_at)
                VALUES (\(caller.accountID), \(caller.region), \(name), \(Self.json(attributes))::jsonb,
                    \(Self.json(tags))::jsonb, \(WallClock.system.milliseconds))
                """, logger: database.logger)
        }
        return .map(["TopicArn": .string(arn.text)])
    }

    func deleteTopic(_ input: Document, _ caller: Caller) async throws -> Document? {
        let arn = try ownTopicARN(TopicRequest(input).required("TopicArn"), caller)
        // Deleting a topic that does not exist succeeds, as in SNS.
        try await database.query(
            """
            DELETE FROM sns_topics
            WHERE account_id = \(arn.account) AND region = \(arn.region) AND topic_name = \(arn.name)
            """)
        return nil
    }

    func listTopics(_ input: Document, _ caller: Caller) async throws -> Document? {
        let after = try TopicRequest(input).string("NextToken").map(Self.pageStart) ?? ""
        let rows = try await database.query(
            """
            SELECT topic_name FROM sns_topics
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND topic_name > \(after)
            ORDER BY topic_name LIMIT \(Self.pageSize + 1)
            """)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        var output: [String: Document] = [
            "Topics": .list(
                names.prefix(Self.pageSize).map {
                    .map([
                        "TopicArn": .string(TopicARN(region: caller.region, account: caller.accountID, name: $0).text)
                    ])
                })
        ]
        if names.count > Self.pageSize { output["NextToken"] = .string(Self.pageToken(names[Self.pageSize - 1])) }
        return .map(output)
    }

    func getTopicAttributes(_ input: Document, _ caller: Caller) async throws -> Document? {
        let topic = try await accessibleTopic(
            TopicRequest(input).required("TopicArn"), caller, action: "GetTopicAttributes")
        let rows = try await database.query(
            """
            SELECT count(*) FILTER (WHERE confirmed), count(*) FILTER (WHERE NOT confirmed) FROM sns_subscriptions
            WHERE account_id = \(topic.arn.account) AND region = \(topic.arn.region) AND topic_name = \(topic.arn.name)
            """)
        var confirmed: Int64 = 0
        var pending: Int64 = 0
        for try await (yes, no) in rows.decode((Int64, Int64).self) { (confirmed, pending) = (yes, no) }
        var attributes: [String: String] = [
            "TopicArn": topic.arn.text, "Owner": topic.arn.account, "DisplayName": "",
            "Policy": Self.defaultPolicy(topic.arn), "SubscriptionsConfirmed": String(confirmed),
            "SubscriptionsPending": String(pending), "SubscriptionsDeleted": "0",
            "EffectiveDeliveryPolicy": topic.attributes["DeliveryPolicy"] ?? DeliveryRetry.defaultEffectivePolicy,
        ]
        attributes.merge(topic.attributes) { _, set in set }
        return .map(["Attributes": .entries(attributes)])
    }

    func setTopicAttributes(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let topic = try await accessibleTopic(request.required("TopicArn"), caller, action: "SetTopicAttributes")
        let name = try request.required("AttributeName")
        let value = request.string("AttributeValue") ?? ""
        try Self.check([name: value])
        try await database.query(
            """
            UPDATE sns_topics SET attributes = CASE WHEN \(value) = '' AND \(name) <> 'DisplayName'
                THEN attributes - \(name) ELSE attributes || jsonb_build_object(\(name)::text, \(value)::text) END
            WHERE account_id = \(topic.arn.account) AND region = \(topic.arn.region) AND topic_name = \(topic.arn.name)
            """)
        return nil
    }

    /// Attribute names and values as SNS checks them.
    static func check(_ attributes: [String: String]) throws(AWSError) {
        for (name, value) in attributes {
            guard settableAttributes.contains(name) else { throw AWSError.snsInvalidParameter("AttributeName") }
            switch name {
            case "DisplayName":
                guard value.count <= 100 else { throw AWSError.snsInvalidParameter("DisplayName") }
            case "Policy" where !value.isEmpty:
                do {
                    _ = try ResourcePolicy(value)
                } catch {
                    throw AWSError.snsInvalidParameter("Policy Error: \(error.description)")
                }
            case "DeliveryPolicy" where !value.isEmpty:
                guard (try? JSONSerialization.jsonObject(with: Data(value.utf8))) is [String: Any] else {
                    throw AWSError.snsInvalidParameter("DeliveryPolicy: Invalid JSON")
                }
            default: break
            }
        }
    }

    /// The policy SNS gives a topic that has none: its own account may do everything.
    static func defaultPolicy(_ arn: TopicARN) -> String {
        #"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","#
            + #""Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","#
            + #""SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","#
            + #""SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"\#(arn.text)","#
            + #""Condition":{"StringEquals":{"AWS:SourceOwner":"\#(arn.account)"}}}]}"#
    }

    /// A topic of the caller's own account in the caller's region.
    func ownTopicARN(_ text: String, _ caller: Caller) throws(AWSError) -> TopicARN {
        guard let arn = TopicARN(text), arn.region == caller.region else {
            throw AWSError.snsInvalidParameter("TopicArn")
        }
        guard arn.account == caller.accountID else {
            throw AWSError.snsAuthorization(
                "User: \(caller.userARN) is not authorized to perform: SNS:DeleteTopic on resource: \(text)")
        }
        return arn
    }

    /// The topic `text` names, if the caller may perform `action` on it: its own account's, or another account's
    /// whose topic policy allows the caller.
    func accessibleTopic(_ text: String, _ caller: Caller, action: String) async throws -> Topic {
        guard let arn = TopicARN(text), arn.region == caller.region else {
            throw AWSError.snsInvalidParameter("TopicArn")
        }
        guard
            let topic = try await database.client.withConnection({ connection in
                try await Self.topic(arn, on: connection, logger: database.logger)
            })
        else { throw AWSError.snsNotFound("Topic does not exist") }
        if arn.account != caller.accountID {
            let request = PolicyRequest(
                account: caller.accountID, principal: caller.userARN, action: "sns:\(action)", region: caller.region)
            guard ResourcePolicy.allows(topic.attributes["Policy"], request) else {
                throw AWSError.snsAuthorization(
                    "User: \(caller.userARN) is not authorized to perform: SNS:\(action) on resource: \(text)")
            }
        }
        return topic
    }

    static func topic(_ arn: TopicARN, on connection: PostgresConnection, logger: Logger) async throws -> Topic? {
        let rows = try await connection.query(
            """
            SELECT attributes::text, tags::text FROM sns_topics
            WHERE account_id = \(arn.account) AND region = \(arn.region) AND topic_name = \(arn.name)
            """, logger: logger)
        for try await (attributes, tags) in rows.decode((String, String).self) {
            return Topic(arn: arn, attributes: Self.map(attributes), tags: Self.map(tags))
        }
        return nil
    }

    static func json(_ map: [String: String]) -> String {
        String(decoding: (try? JSONEncoder().encode(map)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func map(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    /// Page tokens: the last key of the page, base64url, so clients treat them as opaque.
    static func pageToken(_ key: String) -> String { Data(key.utf8).base64EncodedString() }

    static func pageStart(_ token: String) throws(AWSError) -> String {
        guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
            throw AWSError.snsInvalidParameter("NextToken")
        }
        return key
    }
}
