public import CairnAccounts
import CairnCrypto
public import CairnProtocol
public import CairnStore
import Foundation

/// The SNS-compatible topic service (`2010-03-31`, the AWS query protocol): topics, subscriptions with AWS's
/// confirmation handshake, and Publish, whose messages reach every confirmed subscription at least once through
/// the `sns-deliveries` queue, signed as SNS signs them.
public struct TopicService: Sendable {
    let database: Database
    let signer: NotificationSigner
    /// Where clients reach Cairn: the base of `SubscribeURL`, `UnsubscribeURL` and `SigningCertURL`.
    let publicURL: String

    public init(database: Database, rootKey: RootKey, publicURL: String) {
        self.database = database
        self.signer = NotificationSigner(database: database, rootKey: rootKey)
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// The topic operations, each declared once for the registry.
    public var operations: [CairnProtocol.Operation] {
        [
            Operation(.sns, "CreateTopic", roles: .admins, document: createTopic),
            Operation(.sns, "DeleteTopic", roles: .admins, document: deleteTopic),
            Operation(.sns, "ListTopics", roles: .readers, document: listTopics),
            Operation(.sns, "GetTopicAttributes", roles: .readers, document: getTopicAttributes),
            Operation(.sns, "SetTopicAttributes", roles: .admins, document: setTopicAttributes),
            Operation(.sns, "Subscribe", roles: .admins, document: subscribe),
            Operation(.sns, "ConfirmSubscription", roles: .admins, document: confirmSubscription),
            Operation(.sns, "Unsubscribe", roles: .admins, document: unsubscribe),
            Operation(.sns, "ListSubscriptions", roles: .readers, document: listSubscriptions),
            Operation(.sns, "ListSubscriptionsByTopic", roles: .readers, document: listSubscriptionsByTopic),
            Operation(.sns, "GetSubscriptionAttributes", roles: .readers, document: getSubscriptionAttributes),
            Operation(.sns, "SetSubscriptionAttributes", roles: .admins, document: setSubscriptionAttributes),
            Operation(.sns, "Publish", roles: .writers, document: publish),
            Operation(.sns, "TagResource", roles: .admins, document: tagResource),
            Operation(.sns, "UntagResource", roles: .admins, document: untagResource),
            Operation(.sns, "ListTagsForResource", roles: .readers, document: listTagsForResource),
        ]
    }

    /// The PEM certificate `SigningCertURL` names, if `name` is one (`SimpleNotificationService-<id>.pem`).
    public func certificate(named name: String) async throws -> String? {
        guard name.hasPrefix(NotificationSigner.certificatePrefix), name.hasSuffix(".pem") else { return nil }
        let id = name.dropFirst(NotificationSigner.certificatePrefix.count).dropLast(4)
        return try await signer.certificate(id: String(id))
    }
}

extension AWSError {
    /// SNS's `InvalidParameter`: `Invalid parameter: <detail>`.
    static func snsInvalidParameter(_ detail: String) -> AWSError {
        AWSError("InvalidParameter", "Invalid parameter: \(detail)")
    }

    static func snsNotFound(_ message: String) -> AWSError { AWSError("NotFound", message, status: 404) }

    static func snsAuthorization(_ message: String) -> AWSError { AWSError("AuthorizationError", message, status: 403) }

    /// A required member that is missing: `1 validation error detected: Value null at 'topicArn' …`.
    static func snsMissing(_ member: String) -> AWSError {
        let camel = member.prefix(1).lowercased() + member.dropFirst()
        return AWSError(
            "ValidationError",
            "1 validation error detected: Value null at '\(camel)' failed to satisfy constraint: Member must not be null"
        )
    }
}
