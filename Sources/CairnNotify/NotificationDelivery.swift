import AsyncHTTPClient
public import CairnLogs
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
public import ServiceLifecycle

/// Works the `sns-deliveries` queue: POSTs each message to its HTTP endpoint as SNS does (the JSON body with
/// its RSA-SHA256 signature, SNS's headers; 2xx is delivered), or invokes the function a `lambda` subscription
/// names with SNS's Lambda event. Failures are retried by SNS's default policy; a subscription deleted meanwhile
/// gets nothing more. Endpoints on internal addresses are refused unless the operator allowed them
/// (`CAIRN_SNS_PRIVATE_ENDPOINTS=allow`).
public struct NotificationDelivery: Service, CustomStringConvertible {
    public var description: String { "NotificationDelivery" }

    let topics: TopicService
    let logs: LogsService
    let allowsPrivateEndpoints: Bool
    let logger: Logger

    public init(topics: TopicService, logs: LogsService, allowsPrivateEndpoints: Bool, logger: Logger) {
        self.topics = topics
        self.logs = logs
        self.allowsPrivateEndpoints = allowsPrivateEndpoints
        self.logger = logger
    }

    public func run() async throws {
        try await SubscriptionDelivery.workQueue(
            NotificationJob.queue, policy: DeliveryRetry.policy, concurrency: 4, database: topics.database,
            logger: logger, deliver)
    }

    func deliver(_ job: Job, _ client: HTTPClient) async throws {
        let delivery = try JSONDecoder().decode(NotificationJob.self, from: Data(job.payload.utf8))
        // A confirmation goes to a pending subscription; a notification only while the subscription exists.
        guard try await subscriptionExists(delivery) else { return }
        let (signature, certificateURL) = try await topics.signer.sign(delivery.message, publicURL: topics.publicURL)
        let unsubscribeURL =
            "\(topics.publicURL)/?Action=Unsubscribe&SubscriptionArn=\(SigV4.uriEncode(delivery.subscriptionARN))"
        if delivery.protocolName == "lambda" {
            guard let (function, secret) = try await logs.functions.resolve(arn: delivery.endpoint),
                function.accountID == delivery.owner ?? delivery.account
            else {
                logger.warning(
                    "notification to a missing function dropped",
                    metadata: ["subscription": "\(delivery.subscriptionID)"])
                return
            }
            let event = delivery.message.lambdaEvent(
                subscriptionARN: delivery.subscriptionARN, signature: signature, signingCertURL: certificateURL,
                unsubscribeURL: unsubscribeURL)
            try await SubscriptionDelivery.invoke(
                function, secret: secret, body: Array(event.utf8), delivery: "\(job.id)", client)
            return
        }
        if !allowsPrivateEndpoints { try await SubscriptionDelivery.checkAddress(of: delivery.endpoint) }
        let body =
            delivery.rawDelivery && delivery.message.type == .notification
            ? delivery.message.message
            : delivery.message.httpBody(
                signature: signature, signingCertURL: certificateURL, unsubscribeURL: unsubscribeURL)
        var request = HTTPClientRequest(url: delivery.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        request.headers.add(name: "User-Agent", value: "Amazon Simple Notification Service Agent")
        request.headers.add(name: "x-amz-sns-message-type", value: delivery.message.type.rawValue)
        request.headers.add(name: "x-amz-sns-message-id", value: delivery.message.messageID)
        request.headers.add(name: "x-amz-sns-topic-arn", value: delivery.message.topicARN)
        if delivery.message.type == .notification {
            request.headers.add(name: "x-amz-sns-subscription-arn", value: delivery.subscriptionARN)
        }
        if delivery.rawDelivery { request.headers.add(name: "x-amz-sns-rawdelivery", value: "true") }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(15))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        // SNS counts every answer below 500 as delivered; 5xx and no answer within 15 s are retried.
        guard response.status.code < 500 else {
            throw NotificationRefused(status: response.status.code)
        }
    }

    private func subscriptionExists(_ delivery: NotificationJob) async throws -> Bool {
        let rows = try await topics.database.query(
            "SELECT 1 FROM sns_subscriptions WHERE subscription_id = \(delivery.subscriptionID)::uuid")
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    struct NotificationRefused: Error, CustomStringConvertible {
        let status: UInt
        var description: String { "the endpoint answered HTTP \(status)" }
    }
}
