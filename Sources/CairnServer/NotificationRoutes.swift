import CairnNotify
import CairnProtocol
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The URLs SNS notifications carry, which endpoints and validators open without signing: `SubscribeURL`
/// (`GET /?Action=ConfirmSubscription&TopicArn=…&Token=…`, the token is the proof), `UnsubscribeURL`
/// (`GET /?Action=Unsubscribe&SubscriptionArn=…`) and `SigningCertURL` (`GET /SimpleNotificationService-<id>.pem`).
enum NotificationRoutes {
    static func add(to router: Router<CairnRequestContext>, topics: TopicService) {
        router.group().add(middleware: RequestIDMiddleware()).get("/") { request, context -> Response in
            let parameters = request.uri.queryParameters
            let action = parameters["Action"].map(String.init) ?? ""
            do {
                switch action {
                case "ConfirmSubscription":
                    let arn = try await topics.confirm(
                        topic: parameters["TopicArn"].map(String.init) ?? "",
                        token: parameters["Token"].map(String.init) ?? "")
                    let result = QueryProtocol.result(action, .map(["SubscriptionArn": .string(arn)]))
                    return AWSResponse.query(action, of: .sns, result: result, requestID: context.requestID)
                case "Unsubscribe":
                    try await topics.unsubscribe(url: parameters["SubscriptionArn"].map(String.init) ?? "")
                    return AWSResponse.query(action, of: .sns, result: [], requestID: context.requestID)
                default:
                    throw AWSError.invalidAction(action)
                }
            } catch let error as AWSError {
                return AWSResponse.queryError(error, of: .sns, requestID: context.requestID)
            }
        }
        router.get("/:file") { _, context -> Response in
            guard let name = context.parameters.get("file"), let pem = try await topics.certificate(named: name) else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/x-pem-file"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }
}
