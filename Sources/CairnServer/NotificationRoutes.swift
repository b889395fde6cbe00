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
    static let namespace = AWSService.sns.xmlNamespace ?? ""

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
                    return xml(
                        .ok,
                        QueryProtocol.response(
                            action, namespace: namespace, result: result, requestID: context.requestID))
                case "Unsubscribe":
                    try await topics.unsubscribe(url: parameters["SubscriptionArn"].map(String.init) ?? "")
                    return xml(
                        .ok,
                        QueryProtocol.response(action, namespace: namespace, result: [], requestID: context.requestID))
                default:
                    throw AWSError("InvalidAction", "The action \(action) is not valid for this web service.")
                }
            } catch let error as AWSError {
                let query = AWSResponse.queryError(error, service: .sns)
                return xml(
                    .init(code: query.status),
                    QueryProtocol.errorResponse(
                        code: query.code, message: error.message, sender: error.status < 500, namespace: namespace,
                        requestID: context.requestID))
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

    private static func xml(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
