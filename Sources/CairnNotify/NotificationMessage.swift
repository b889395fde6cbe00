import CairnProtocol
import CairnQueue
import Foundation

/// One SNS message as an HTTP endpoint receives it (AWS's "HTTP/HTTPS notification JSON format"): its fields,
/// the text its signature covers, and the JSON body.
public struct NotificationMessage: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case notification = "Notification"
        case subscriptionConfirmation = "SubscriptionConfirmation"
        case unsubscribeConfirmation = "UnsubscribeConfirmation"
    }

    /// A message attribute: its data type and its value (base64 for binary ones).
    public struct Attribute: Codable, Sendable, Equatable {
        public let type: String
        public let value: String
        /// What it counts toward the message size.
        var size: Int
    }

    public let type: Kind
    public let messageID: String
    public let topicARN: String
    public let subject: String?
    public let message: String
    /// Epoch milliseconds.
    public let timestamp: Int64
    public let token: String?
    public let subscribeURL: String?
    public let messageAttributes: [String: Attribute]

    /// `2012-05-02T00:54:06.655Z`.
    var timestampText: String { ISO8601Timestamp.format(Double(timestamp) / 1000) }

    /// The text the signature covers: `name\nvalue\n` for each signed field, in AWS's order, by type.
    func stringToSign() -> String {
        var fields: [(String, String?)]
        switch type {
        case .notification:
            fields = [
                ("Message", message), ("MessageId", messageID), ("Subject", subject), ("Timestamp", timestampText),
                ("TopicArn", topicARN), ("Type", type.rawValue),
            ]
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            fields = [
                ("Message", message), ("MessageId", messageID), ("SubscribeURL", subscribeURL),
                ("Timestamp", timestampText), ("Token", token), ("TopicArn", topicARN), ("Type", type.rawValue),
            ]
        }
        return fields.compactMap { name, value in value.map { "\(name)\n\($0)\n" } }.joined()
    }

    /// The JSON body an HTTP endpoint receives, keys in AWS's order.
    func httpBody(signature: String, signingCertURL: String, unsubscribeURL: String) -> String {
        var members: [(String, String)] = [("Type", type.rawValue), ("MessageId", messageID)]
        if type != .notification, let token { members.append(("Token", token)) }
        members.append(("TopicArn", topicARN))
        if type == .notification, let subject { members.append(("Subject", subject)) }
        members.append(("Message", message))
        if type != .notification, let subscribeURL { members.append(("SubscribeURL", subscribeURL)) }
        members += [
            ("Timestamp", timestampText), ("SignatureVersion", "2"), ("Signature", signature),
            ("SigningCertURL", signingCertURL),
        ]
        if type == .notification { members.append(("UnsubscribeURL", unsubscribeURL)) }
        var body = "{\n" + members.map { "  \"\($0)\" : \"\(JSONText.escape($1))\"" }.joined(separator: ",\n")
        if type == .notification, !messageAttributes.isEmpty {
            body += ",\n  \"MessageAttributes\" : " + attributesJSON
        }
        return body + "\n}"
    }

    /// The event a function subscribed to the topic receives (SNS's Lambda event).
    func lambdaEvent(
        subscriptionARN: String, signature: String, signingCertURL: String, unsubscribeURL: String
    )
        -> String
    {
        func string(_ text: String?) -> String { text.map { "\"\(JSONText.escape($0))\"" } ?? "null" }
        return
            #"{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":\#(string(subscriptionARN)),"#
            + #""Sns":{"Type":"Notification","MessageId":\#(string(messageID)),"TopicArn":\#(string(topicARN)),"#
            + #""Subject":\#(string(subject)),"Message":\#(string(message)),"Timestamp":\#(string(timestampText)),"#
            + #""SignatureVersion":"2","Signature":\#(string(signature)),"SigningCertUrl":\#(string(signingCertURL)),"#
            + #""UnsubscribeUrl":\#(string(unsubscribeURL)),"MessageAttributes":\#(attributesJSON)}}]}"#
    }

    /// `{"name":{"Type":"String","Value":"…"}}`.
    var attributesJSON: String {
        "{"
            + messageAttributes.keys.sorted().map { name in
                let attribute = messageAttributes[name]!
                return
                    "\"\(JSONText.escape(name))\":{\"Type\":\"\(JSONText.escape(attribute.type))\",\"Value\":\"\(JSONText.escape(attribute.value))\"}"
            }.joined(separator: ",") + "}"
    }
}

/// One delivery of one message to one subscription, as the `sns-deliveries` queue carries it.
struct NotificationJob: Codable, Sendable {
    static let queue = "sns-deliveries"

    let account: String
    let region: String
    let subscriptionID: String
    let subscriptionARN: String
    let protocolName: String
    let endpoint: String
    /// `RawMessageDelivery`: the message alone is the body.
    let rawDelivery: Bool
    let message: NotificationMessage
    /// Who subscribed (a function subscription invokes only that account's functions).
    var owner: String? = nil

    func payload() throws -> String { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
}

/// SNS's delivery policy for HTTP endpoints, as Cairn applies it.
enum DeliveryRetry {
    /// SNS's default healthy retry policy: three retries 20 s apart (the queue spreads them over 10–20 s).
    static let policy = CairnQueue.RetryPolicy(
        maxAttempts: 4, baseDelayMilliseconds: 20_000, maxDelayMilliseconds: 20_000, visibilityMilliseconds: 60_000)

    /// `EffectiveDeliveryPolicy` of a topic without a `DeliveryPolicy`.
    static let defaultEffectivePolicy =
        #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"#
        + #""numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"#
        + #""disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#
}
