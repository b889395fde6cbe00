public import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

extension TopicService {
    /// 256 KiB: the largest message (with its attributes) SNS accepts.
    static let maxMessageBytes = 262_144

    func publish(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let topicText = request.string("TopicArn")
        let targetText = request.string("TargetArn")
        if request.string("PhoneNumber") != nil {
            throw AWSError.snsInvalidParameter("Cairn does not send SMS messages")
        }
        guard let text = topicText ?? targetText else {
            throw AWSError.snsInvalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
        }
        if topicText != nil, targetText != nil {
            throw AWSError.snsInvalidParameter("TopicArn Reason: Only one of TopicArn or TargetArn may be specified")
        }
        guard let message = request.string("Message"), !message.isEmpty else {
            throw AWSError.snsInvalidParameter("Empty message")
        }
        let subject = request.string("Subject")
        if let subject { try Self.check(subject: subject) }
        let attributes = try Self.messageAttributes(request)
        let size = message.utf8.count + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
        guard size <= Self.maxMessageBytes else {
            throw AWSError.snsInvalidParameter(
                "Message too long")
        }
        let structured = try Self.structure(message, request.string("MessageStructure"))
        let topic = try await accessibleTopic(text, caller, action: "Publish")
        let id = try await publish(
            to: topic.arn, message: structured, subject: subject, attributes: attributes, caller: caller)
        return .map(["MessageId": .string(id)])
    }

    /// Publishes to `topic` (which the caller may publish to): one delivery job per confirmed subscription, all
    /// enqueued in one transaction, so the message reaches every subscription or none. Returns the message id.
    public func publish(
        to topicARN: String, message: String, subject: String?, caller: Caller
    ) async throws -> String {
        let topic = try await accessibleTopic(topicARN, caller, action: "Publish")
        return try await publish(
            to: topic.arn, message: ["default": message], subject: subject, attributes: [:], caller: caller)
    }

    private func publish(
        to topic: TopicARN, message: [String: String], subject: String?,
        attributes: [String: NotificationMessage.Attribute], caller: Caller
    ) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let now = WallClock.system.milliseconds
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT subscription_id::text, protocol, endpoint, attributes->>'RawMessageDelivery', owner_account
                FROM sns_subscriptions
                WHERE account_id = \(topic.account) AND region = \(topic.region) AND topic_name = \(topic.name)
                  AND confirmed
                """, logger: database.logger)
            var payloads: [String] = []
            for try await (subscription, proto, endpoint, raw, owner) in rows.decode(
                (String, String, String, String?, String).self)
            {
                let body = NotificationMessage(
                    type: .notification, messageID: id, topicARN: topic.text, subject: subject,
                    message: message[proto] ?? message["default"] ?? "", timestamp: now, token: nil, subscribeURL: nil,
                    messageAttributes: attributes)
                let job = NotificationJob(
                    account: topic.account, region: topic.region, subscriptionID: subscription,
                    subscriptionARN: topic.subscription(subscription), protocolName: proto, endpoint: endpoint,
                    rawDelivery: raw?.lowercased() == "true", message: body, owner: owner)
                payloads.append(try job.payload())
            }
            try await JobQueue.enqueue(
                NotificationJob.queue, payloads: payloads, tenant: topic.account, policy: DeliveryRetry.policy,
                on: connection, logger: database.logger)
        }
        return id
    }

    /// A subject: under 100 characters of printable ASCII, starting with a letter, digit or punctuation mark.
    static func check(subject: String) throws(AWSError) {
        guard !subject.isEmpty, subject.count <= 100,
            // UTF-8 text without control characters or line breaks.
            subject.unicodeScalars.allSatisfy({
                $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) && $0 != "\u{2028}" && $0 != "\u{2029}"
            }),
            let first = subject.unicodeScalars.first, first != " "
        else { throw AWSError.snsInvalidParameter("Subject") }
    }

    /// `MessageStructure=json`: the message is a JSON object of strings with a `default` and optional
    /// per-protocol messages.
    static func structure(_ message: String, _ structure: String?) throws(AWSError) -> [String: String] {
        guard let structure else { return ["default": message] }
        guard structure == "json" else { throw AWSError.snsInvalidParameter("MessageStructure") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any] else {
            throw AWSError.snsInvalidParameter("Message Structure - JSON message body failed to parse")
        }
        var messages: [String: String] = [:]
        for (key, value) in object {
            guard let text = value as? String else {
                throw AWSError.snsInvalidParameter("Message Structure - JSON message body failed to parse")
            }
            messages[key] = text
        }
        guard messages["default"] != nil else {
            throw AWSError.snsInvalidParameter("Message Structure - No default entry in JSON message body")
        }
        return messages
    }

    /// `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`.
    static func messageAttributes(_ request: TopicRequest) throws(AWSError) -> [String: NotificationMessage.Attribute] {
        guard let value = request.document["MessageAttributes"], value != .null else { return [:] }
        // The query protocol lists `{Name, Value}` entries; JSON has an object by name.
        let entries: [Document]
        if case .map(let members) = value {
            entries = members.map { .map(["Name": .string($0.key), "Value": $0.value]) }
        } else if let list = value.list {
            entries = list
        } else {
            throw AWSError.snsInvalidParameter("MessageAttributes")
        }
        var attributes: [String: NotificationMessage.Attribute] = [:]
        for entry in entries {
            guard let name = entry["Name"]?.string, let type = entry["Value"]?["DataType"]?.string else {
                throw AWSError.snsInvalidParameter("MessageAttributes")
            }
            guard !name.isEmpty, name.count <= 256, !name.hasPrefix("AWS."), !name.hasPrefix("Amazon."),
                !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..")
            else {
                throw AWSError.attributeInvalid(
                    name.count > 256
                        ? "Length of message attribute name must be less than 256 bytes."
                        : name.hasPrefix(".")
                            ? "Invalid message attribute name starting with character '.' was found."
                            : name.hasSuffix(".")
                                ? "Invalid message attribute name ending with character '.' was found."
                                : name.contains("..")
                                    ? "Message attribute name can not have successive '.' character."
                                    : "Invalid message attribute name '\(name)'.")
            }
            let base = type.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            switch base {
            case "String", "Number":
                guard let text = entry["Value"]?["StringValue"]?.string else {
                    throw AWSError.attributeInvalid(
                        "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(type)'."
                    )
                }
                if base == "Number", Double(text) == nil {
                    throw AWSError.attributeInvalid(
                        "Could not cast message attribute '\(name)' value to number.")
                }
                attributes[name] = .init(type: type, value: text, size: type.utf8.count + text.utf8.count)
            case "Binary":
                guard let encoded = entry["Value"]?["BinaryValue"]?.string, Data(base64Encoded: encoded) != nil else {
                    throw AWSError.attributeInvalid(
                        "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(type)'."
                    )
                }
                attributes[name] = .init(type: type, value: encoded, size: type.utf8.count + encoded.utf8.count)
            default:
                throw AWSError.attributeInvalid(
                    "The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
                )
            }
        }
        return attributes
    }
}

extension AWSError {
    /// A message attribute SNS refuses (`ParameterValueInvalid`).
    static func attributeInvalid(_ message: String) -> AWSError { AWSError("ParameterValueInvalid", message) }
}
