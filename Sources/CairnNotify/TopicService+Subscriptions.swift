import CairnCrypto
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

extension TopicService {
    /// The protocols Cairn delivers to: HTTP endpoints (with SNS's confirmation handshake) and Cairn's HTTP
    /// functions (`lambda`, confirmed at once as in SNS).
    static let servedProtocols: Set<String> = ["http", "https", "lambda"]
    /// The protocols SNS has that Cairn does not deliver to.
    static let otherProtocols: Set<String> = [
        "email", "email-json", "sms", "sqs", "application", "firehose",
    ]
    /// How long a confirmation token is valid: two days, as in SNS.
    static let tokenLifetimeMilliseconds: Int64 = 2 * 86_400_000
    static let pendingConfirmation = "pending confirmation"
    /// Cairn's quota (AWS allows 12,500,000): a Publish enqueues one copy of its message (up to 256 KB) per
    /// subscription in one transaction.
    static let subscriptionsPerTopic = 100

    func subscribe(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let topic = try await accessibleTopic(request.required("TopicArn"), caller, action: "Subscribe")
        let proto = try request.required("Protocol").lowercased()
        guard Self.servedProtocols.contains(proto) else {
            if Self.otherProtocols.contains(proto) {
                throw AWSError.snsInvalidParameter("Cairn does not deliver to protocol \(proto)")
            }
            throw AWSError.snsInvalidParameter("Amazon SNS does not support this protocol string: \(proto)")
        }
        let endpoint = request.string("Endpoint") ?? ""
        try Self.check(endpoint: endpoint, protocol: proto, caller)
        var attributes = try request.map("Attributes")
        for (name, value) in attributes {
            guard Self.subscriptionAttributes.contains(name), name != "FilterPolicy" else {
                throw AWSError.snsInvalidParameter("AttributeName")
            }
            if name == "RawMessageDelivery" {
                guard ["true", "false"].contains(value.lowercased()) else {
                    throw AWSError.snsInvalidParameter(
                        "Attributes Reason: RawMessageDelivery: Invalid value [\(value)]. Must be true or false.")
                }
                attributes[name] = value.lowercased()
            }
        }
        let returnARN = try request.boolean("ReturnSubscriptionArn") ?? false
        let now = WallClock.system.milliseconds
        let token = proto == "lambda" ? nil : Hex.encode(SecureRandom.bytes(128))
        let (id, confirmed) = try await database.transaction { connection -> (String, Bool) in
            let existing = try await connection.query(
                """
                SELECT subscription_id::text, confirmed FROM sns_subscriptions
                WHERE account_id = \(topic.arn.account) AND region = \(topic.arn.region)
                  AND topic_name = \(topic.arn.name) AND protocol = \(proto) AND endpoint = \(endpoint)
                FOR UPDATE
                """, logger: database.logger)
            for try await (id, confirmed) in existing.decode((String, Bool).self) {
                guard !confirmed, let token else { return (id, confirmed) }
                // Subscribing again while pending sends a new confirmation.
                try await connection.query(
                    """
                    UPDATE sns_subscriptions SET token_hash = \(SHA256.hex(Array(token.utf8))),
                        token_expires_at = \(now + Self.tokenLifetimeMilliseconds)
                    WHERE subscription_id = \(id)::uuid
                    """, logger: database.logger)
                try await enqueueConfirmation(topic.arn, id: id, proto, endpoint, token, now, on: connection)
                return (id, false)
            }
            let counted = try await connection.query(
                """
                SELECT count(*) FROM sns_subscriptions
                WHERE account_id = \(topic.arn.account) AND region = \(topic.arn.region) AND topic_name = \(topic.arn.name)
                """, logger: database.logger)
            for try await count in counted.decode(Int64.self) where count >= Self.subscriptionsPerTopic {
                throw AWSError("SubscriptionLimitExceeded", "Subscription limit exceeded", status: 403)
            }
            let id = UUID().uuidString.lowercased()
            // A concurrent Subscribe of the same endpoint may have inserted it meanwhile: then its row answers.
            let inserted = try await connection.query(
                """
                INSERT INTO sns_subscriptions (subscription_id, account_id, region, topic_name, owner_account, protocol,
                    endpoint, confirmed, token_hash, token_expires_at, attributes, created_at)
                VALUES (\(id)::uuid, \(topic.arn.account), \(topic.arn.region), \(topic.arn.name), \(caller.accountID),
                    \(proto), \(endpoint), \(token == nil), \(token.map { SHA256.hex(Array($0.utf8)) }),
                    \(token == nil ? nil : now + Self.tokenLifetimeMilliseconds), \(Self.json(attributes))::jsonb, \(now))
                ON CONFLICT (account_id, region, topic_name, protocol, endpoint) DO NOTHING
                RETURNING 1
                """, logger: database.logger)
            var isNew = false
            for try await _ in inserted.decode(Int.self) { isNew = true }
            if !isNew {
                let existing = try await connection.query(
                    """
                    SELECT subscription_id::text, confirmed FROM sns_subscriptions
                    WHERE account_id = \(topic.arn.account) AND region = \(topic.arn.region)
                      AND topic_name = \(topic.arn.name) AND protocol = \(proto) AND endpoint = \(endpoint)
                    """, logger: database.logger)
                for try await row in existing.decode((String, Bool).self) { return row }
            }
            if let token {
                try await enqueueConfirmation(topic.arn, id: id, proto, endpoint, token, now, on: connection)
            }
            return (id, token == nil)
        }
        return .map([
            "SubscriptionArn": .string(confirmed || returnARN ? topic.arn.subscription(id) : Self.pendingConfirmation)
        ])
    }

    func confirmSubscription(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let arn = try await confirm(topic: request.required("TopicArn"), token: request.required("Token"))
        return .map(["SubscriptionArn": .string(arn)])
    }

    /// Confirms the pending subscription `token` was sent for (what visiting `SubscribeURL` does, unsigned: the
    /// token is the proof). Returns the subscription's ARN.
    public func confirm(topic text: String, token: String) async throws -> String {
        guard !token.isEmpty, token.count % 2 == 0, token.allSatisfy(\.isHexDigit) else {
            throw AWSError("InvalidParameter", "Invalid token")
        }
        guard let arn = TopicARN(text) else { throw AWSError.snsInvalidParameter("Topic") }
        let now = WallClock.system.milliseconds
        // Confirming again with the same token answers the subscription's ARN, as SNS does.
        let rows = try await database.query(
            """
            UPDATE sns_subscriptions SET confirmed = true
            WHERE account_id = \(arn.account) AND region = \(arn.region) AND topic_name = \(arn.name)
              AND token_hash = \(SHA256.hex(Array(token.utf8))) AND (confirmed OR token_expires_at > \(now))
            RETURNING subscription_id::text
            """)
        for try await id in rows.decode(String.self) { return arn.subscription(id) }
        throw AWSError.snsInvalidParameter("Token")
    }

    func unsubscribe(_ input: Document, _ caller: Caller) async throws -> Document? {
        let text = try TopicRequest(input).required("SubscriptionArn")
        guard let arn = SubscriptionARN(text), arn.topic.region == caller.region else {
            throw AWSError.snsInvalidParameter("SubscriptionArn")
        }
        // Unsubscribing from a subscription already gone succeeds, as in SNS.
        _ = try await removeSubscription(arn, owner: caller.accountID)
        return nil
    }

    /// Deletes a subscription: by its owner or its topic's owner, or by anyone holding its ARN (`UnsubscribeURL`,
    /// when `owner` is nil). Returns whether it existed.
    func removeSubscription(_ arn: SubscriptionARN, owner: String?) async throws -> Bool {
        let rows = try await database.query(
            """
            DELETE FROM sns_subscriptions
            WHERE subscription_id = \(arn.id)::uuid AND account_id = \(arn.topic.account)
              AND region = \(arn.topic.region) AND topic_name = \(arn.topic.name)
              AND (\(owner)::text IS NULL OR owner_account = \(owner) OR account_id = \(owner))
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// What visiting `UnsubscribeURL` does: the subscription's ARN (with its random id) is the proof.
    public func unsubscribe(url arn: String) async throws {
        guard let arn = SubscriptionARN(arn) else { throw AWSError.snsInvalidParameter("SubscriptionArn") }
        _ = try await removeSubscription(arn, owner: nil)
    }

    func listSubscriptions(_ input: Document, _ caller: Caller) async throws -> Document? {
        try await subscriptions(topic: nil, caller, token: TopicRequest(input).string("NextToken"))
    }

    func listSubscriptionsByTopic(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let topic = try await accessibleTopic(request.required("TopicArn"), caller, action: "ListSubscriptionsByTopic")
        return try await subscriptions(topic: topic.arn, caller, token: request.string("NextToken"))
    }

    /// A page of subscriptions: the caller's own (ListSubscriptions) or a topic's.
    private func subscriptions(topic: TopicARN?, _ caller: Caller, token: String?) async throws -> Document {
        let after = try token.map(Self.pageStart) ?? "00000000-0000-0000-0000-000000000000"
        guard UUID(uuidString: after) != nil else { throw AWSError.snsInvalidParameter("NextToken") }
        let rows = try await database.query(
            """
            SELECT subscription_id::text, account_id, topic_name, owner_account, protocol, endpoint, confirmed
            FROM sns_subscriptions
            WHERE region = \(caller.region) AND subscription_id > \(after)::uuid
              AND (CASE WHEN \(topic?.name)::text IS NULL THEN owner_account = \(caller.accountID)
                   ELSE account_id = \(topic?.account) AND topic_name = \(topic?.name) END)
            ORDER BY subscription_id LIMIT \(Self.pageSize + 1)
            """)
        var items: [Document] = []
        var last = ""
        var more = false
        for try await (id, account, name, owner, proto, endpoint, confirmed) in rows.decode(
            (String, String, String, String, String, String, Bool).self)
        {
            guard items.count < Self.pageSize else {
                more = true
                break
            }
            let arn = TopicARN(region: caller.region, account: account, name: name)
            items.append(
                .map([
                    "SubscriptionArn": .string(confirmed ? arn.subscription(id) : "PendingConfirmation"),
                    "Owner": .string(owner), "Protocol": .string(proto), "Endpoint": .string(endpoint),
                    "TopicArn": .string(arn.text),
                ]))
            last = id
        }
        var output: [String: Document] = ["Subscriptions": .list(items)]
        if more { output["NextToken"] = .string(Self.pageToken(last)) }
        return .map(output)
    }

    /// The attributes Subscribe and SetSubscriptionAttributes take.
    static let subscriptionAttributes: Set<String> = ["RawMessageDelivery", "DeliveryPolicy", "FilterPolicy"]

    func getSubscriptionAttributes(_ input: Document, _ caller: Caller) async throws -> Document? {
        let text = try TopicRequest(input).required("SubscriptionArn")
        guard let arn = SubscriptionARN(text) else { throw AWSError.snsInvalidParameter("SubscriptionArn") }
        let rows = try await database.query(
            """
            SELECT owner_account, protocol, endpoint, confirmed, attributes::text FROM sns_subscriptions
            WHERE subscription_id = \(arn.id)::uuid AND account_id = \(arn.topic.account)
              AND region = \(arn.topic.region) AND topic_name = \(arn.topic.name)
              AND (owner_account = \(caller.accountID) OR account_id = \(caller.accountID))
            """)
        for try await (owner, proto, endpoint, confirmed, stored) in rows.decode(
            (String, String, String, Bool, String).self)
        {
            var attributes = [
                "SubscriptionArn": text, "TopicArn": arn.topic.text, "Owner": owner, "Protocol": proto,
                "Endpoint": endpoint, "ConfirmationWasAuthenticated": "true",
                "PendingConfirmation": confirmed ? "false" : "true", "RawMessageDelivery": "false",
                "SubscriptionPrincipal": "arn:aws:iam::\(owner):root",
            ]
            if proto.hasPrefix("http") { attributes["EffectiveDeliveryPolicy"] = DeliveryRetry.defaultEffectivePolicy }
            attributes.merge(Self.map(stored)) { _, set in set }
            return .map(["Attributes": .entries(attributes)])
        }
        throw AWSError.snsNotFound("Subscription does not exist")
    }

    func setSubscriptionAttributes(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let text = try request.required("SubscriptionArn")
        guard let arn = SubscriptionARN(text) else { throw AWSError.snsInvalidParameter("SubscriptionArn") }
        let name = try request.required("AttributeName")
        guard Self.subscriptionAttributes.contains(name) else { throw AWSError.snsInvalidParameter("AttributeName") }
        var value = request.string("AttributeValue") ?? ""
        if name == "RawMessageDelivery" {
            guard ["true", "false"].contains(value.lowercased()) else {
                throw AWSError.snsInvalidParameter(
                    "RawMessageDelivery: Invalid value [\(value)]. Must be true or false.")
            }
            value = value.lowercased()
        }
        if name == "FilterPolicy" { throw AWSError.snsInvalidParameter("Cairn does not apply filter policies") }
        let rows = try await database.query(
            """
            UPDATE sns_subscriptions SET attributes = attributes || jsonb_build_object(\(name)::text, \(value)::text)
            WHERE subscription_id = \(arn.id)::uuid AND account_id = \(arn.topic.account)
              AND (owner_account = \(caller.accountID) OR account_id = \(caller.accountID))
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return nil }
        throw AWSError.snsNotFound("Subscription does not exist")
    }

    /// An endpoint must fit its protocol: an http(s) URL with a host, or a function ARN of the caller's region.
    static func check(endpoint: String, protocol proto: String, _ caller: Caller) throws(AWSError) {
        switch proto {
        case "http", "https":
            guard endpoint.lowercased().hasPrefix(proto + "://"), let url = URL(string: endpoint),
                let host = url.host, !host.isEmpty
            else { throw AWSError.snsInvalidParameter("Endpoint must match the specified protocol") }
        default:
            guard let arn = ARN(endpoint), case .function = arn.resource else {
                throw AWSError.snsInvalidParameter("Endpoint must match the specified protocol")
            }
            // A function of another account or region would be invoked with its own secret on this caller's say.
            guard arn.account == caller.accountID, arn.region == caller.region else {
                throw AWSError.snsInvalidParameter(
                    "Endpoint Reason: a lambda endpoint must be a function of the subscriber's account and region")
            }
        }
        guard endpoint.utf8.count <= 2048 else { throw AWSError.snsInvalidParameter("Endpoint too long") }
    }

    /// Sends the `SubscriptionConfirmation` message (in the caller's transaction).
    func enqueueConfirmation(
        _ topic: TopicARN, id: String, _ proto: String, _ endpoint: String, _ token: String, _ now: Int64,
        on connection: PostgresConnection
    ) async throws {
        let message = NotificationMessage(
            type: .subscriptionConfirmation, messageID: UUID().uuidString.lowercased(), topicARN: topic.text,
            subject: nil,
            message:
                "You have chosen to subscribe to the topic \(topic.text).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            timestamp: now, token: token,
            subscribeURL:
                "\(publicURL)/?Action=ConfirmSubscription&TopicArn=\(SigV4.uriEncode(topic.text))&Token=\(token)",
            messageAttributes: [:])
        let job = NotificationJob(
            account: topic.account, region: topic.region, subscriptionID: id, subscriptionARN: topic.subscription(id),
            protocolName: proto, endpoint: endpoint, rawDelivery: false, message: message)
        try await JobQueue.enqueue(
            NotificationJob.queue, payloads: [try job.payload()], tenant: topic.account, policy: DeliveryRetry.policy,
            on: connection, logger: database.logger)
    }
}
