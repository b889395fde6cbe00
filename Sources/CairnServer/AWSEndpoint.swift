import CairnCrypto
import CairnKeys
import CairnLogs
import CairnProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

/// `POST /`: the AWS JSON 1.1 endpoint. Authenticates, dispatches by `X-Amz-Target`,
/// and renders every failure as AWS's error body with a request id.
struct AWSEndpoint: Sendable {
    let authenticator: Authenticator
    let logs: LogsService
    let keys: KeyService

    /// Which API a request's `X-Amz-Target` names, and the service its signature must be scoped to.
    enum Service {
        case logs(String)
        case kms(String)

        init?(target: String) {
            if target.hasPrefix(LogsService.targetPrefix) {
                self = .logs(String(target.dropFirst(LogsService.targetPrefix.count)))
            } else if target.hasPrefix(KeyService.targetPrefix) {
                self = .kms(String(target.dropFirst(KeyService.targetPrefix.count)))
            } else {
                return nil
            }
        }

        var operation: String {
            switch self {
            case .logs(let operation), .kms(let operation): operation
            }
        }

        var signingName: String {
            switch self {
            case .logs: LogsService.signingService
            case .kms: KeyService.signingService
            }
        }
    }

    static let targetHeader = HTTPField.Name("X-Amz-Target")!
    static let dateHeader = HTTPField.Name("X-Amz-Date")!
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!
    static let contentType = "application/x-amz-json-1.1"

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        let target = request.headers[Self.targetHeader] ?? ""
        let service = Service(target: target)
        let operation = service?.operation
        var outcome = "ok"
        let response: Response
        do {
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: ServerConfiguration.maxRequestBodyBytes)
            } catch {
                throw AWSError.requestTooLarge(limit: ServerConfiguration.maxRequestBodyBytes)
            }
            let bytes = Array(body.readableBytesView)
            let caller = try await authenticator.authenticate(
                Self.signingView(of: request, body: bytes), authorization: request.headers[.authorization],
                amzDate: request.headers[Self.dateHeader],
                services: [service?.signingName ?? LogsService.signingService])
            let output: [UInt8]
            switch service {
            case .logs(let operation) where LogsService.knows(operation):
                output = try await logs.handle(operation: operation, body: bytes, caller: caller)
            case .kms(let operation) where KeyService.knows(operation):
                output = try await keys.handle(operation: operation, body: bytes, caller: caller)
            default:
                throw AWSError.unknownOperation(target)
            }
            response = Self.response(status: .ok, body: output, requestID: requestID)
        } catch let error as AWSError {
            outcome = error.code
            response = Self.response(status: .init(code: error.status), body: error.jsonBody, requestID: requestID)
        } catch {
            outcome = "InternalFailure"
            context.logger.error(
                "request failed",
                metadata: ["request.id": "\(requestID)", "operation": "\(operation ?? target)", "error": "\(error)"])
            let failure = AWSError.serviceUnavailable(requestID: requestID)
            response = Self.response(status: .init(code: failure.status), body: failure.jsonBody, requestID: requestID)
        }
        let dimensions = [("operation", operation ?? "unknown"), ("outcome", outcome)]
        Counter(label: "cairn_requests_total", dimensions: dimensions).increment()
        Timer(label: "cairn_request_duration_seconds", dimensions: [("operation", operation ?? "unknown")])
            .recordInterval(since: started)
        context.logger.debug(
            "request",
            metadata: ["request.id": "\(requestID)", "operation": "\(operation ?? target)", "outcome": "\(outcome)"])
        return response
    }

    /// The request as SigV4 sees it: method, path, query, every header (with `host` from the authority) and the body hash.
    static func signingView(of request: Request, body: [UInt8]) -> SigV4.Request {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if !headers.contains(where: { $0.name == "host" }), let authority = request.head.authority {
            headers.append((name: "host", value: authority))
        }
        let path = request.uri.path
        let query = request.uri.query ?? ""
        return SigV4.Request(
            method: request.method.rawValue, path: path, query: query, headers: headers, payloadHash: SHA256.hex(body))
    }

    static func response(status: HTTPResponse.Status, body: [UInt8], requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[requestIDHeader] = requestID
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension ContinuousClock.Instant {
    fileprivate var nanosecondsSince: Int64 {
        let elapsed = ContinuousClock.now - self
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }
}

extension Timer {
    fileprivate func recordInterval(since start: ContinuousClock.Instant) {
        recordNanoseconds(start.nanosecondsSince)
    }
}
