import CairnCrypto
import CairnMetrics
import CairnProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

extension HTTPField.Name {
    static let amzTarget = Self("X-Amz-Target")!
    static let amzDate = Self("X-Amz-Date")!
    static let amzRequestID = Self("x-amzn-RequestId")!
    static let smithyProtocol = Self("smithy-protocol")!
    static let amzQueryError = Self("x-amzn-query-error")!
}

/// Gives the request its id and puts it on the response, errors included.
struct RequestIDMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.requestID = UUID().uuidString.lowercased()
        context.logger[metadataKey: "request.id"] = "\(context.requestID)"
        var response = try await next(request, context)
        response.headers[.amzRequestID] = context.requestID
        return response
    }
}

/// Finds the operation a request names, once: by `X-Amz-Target`, or by the RPC v2 CBOR path
/// `/service/<Smithy service>/operation/<Op>`. An unknown target is not an error yet: it is answered after
/// authentication, as AWS does.
struct OperationResolution: RouterMiddleware {
    static let cborPathPrefix = "/service/"

    let registry: OperationRegistry

    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let path = request.uri.path
        if path.hasPrefix(Self.cborPathPrefix), case let parts = path.split(separator: "/"), parts.count == 4,
            parts[2] == "operation", let service = registry.service(smithyName: String(parts[1]))
        {
            context.target = service.targetPrefix + parts[3]
            context.format = .cbor
        } else if request.headers[.amzTarget] == nil, Self.isForm(request) {
            // The query protocol names its action in the body: `QueryAction` finds it once the body is read. The
            // service is the one the request is signed for.
            context.format = .query
            let scope = try? SignedRequest(authorization: request.headers[.authorization]).service
            context.service = registry.service(signingName: scope ?? AWSService.monitoring.signingName)
            return try await next(request, context)
        } else {
            context.target = request.headers[.amzTarget] ?? ""
            context.format = .json11
        }
        context.service = registry.service(target: context.target)
        if context.format != .cbor, context.service?.smithyName != nil { context.format = .json10 }
        context.operation = registry.operation(target: context.target)
        return try await next(request, context)
    }

    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
    }
}

/// Finds a query-protocol request's operation by its `Action`, once the body is read and verified.
struct QueryAction: RouterMiddleware {
    let registry: OperationRegistry

    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.format == .query, let service = context.service else { return try await next(request, context) }
        var context = context
        let pairs = try QueryProtocol.pairs(context.body)
        guard let action = QueryProtocol.parameter("Action", in: pairs), !action.isEmpty else {
            throw AWSError("MissingAction", "Missing Action")
        }
        context.target = service.targetPrefix + action
        context.operation = registry.operation(target: context.target)
        guard context.operation != nil else {
            throw AWSError.invalidAction(action)
        }
        return try await next(request, context)
    }
}

/// Renders every failure as AWS's error body in the request's wire format. Errors that are not `AWSError`
/// are internal: the client sees `ServiceUnavailableException` with the request id; the log has the detail.
struct AWSErrorMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AWSError {
            return AWSResponse.error(error, context: context)
        } catch {
            context.logger.error(
                "request failed",
                metadata: [
                    "operation": "\(context.operation?.name ?? "unknown")", "error": "\(String(reflecting: error))",
                ])
            return AWSResponse.error(.serviceUnavailable(requestID: context.requestID), context: context)
        }
    }
}

/// Counts requests and times them by operation and outcome. Only registered operations become label values:
/// whatever else a client sends is counted as `unknown`, so labels cannot grow without bound.
struct RequestMetricsMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let operation = context.operation?.name ?? "unknown"
        var outcome = "ok"
        defer {
            Counter(label: "cairn_requests_total", dimensions: [("operation", operation), ("outcome", outcome)])
                .increment()
            let elapsed = ContinuousClock.now - started
            Timer(label: "cairn_request_duration_seconds", dimensions: [("operation", operation)])
                .recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            context.logger.debug("request", metadata: ["operation": "\(operation)", "outcome": "\(outcome)"])
        }
        do {
            return try await next(request, context)
        } catch let error as AWSError {
            outcome = error.code
            throw error
        } catch {
            outcome = "InternalFailure"
            throw error
        }
    }
}

/// Reads the body into the context, refusing more than the limit before anything is parsed.
struct BodyLimitMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        let limit = context.maxBodyBytes
        do {
            context.body = Array(try await request.collectBody(upTo: limit).readableBytesView)
        } catch {
            throw AWSError.requestTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}

/// Verifies the SigV4 signature over the body as sent and puts the caller on the context.
struct SigV4Middleware: RouterMiddleware {
    let authenticator: Authenticator

    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.caller = try await authenticator.authenticate(
            Self.signingView(of: request, body: context.body), authorization: request.headers[.authorization],
            amzDate: request.headers[.amzDate], services: [context.service?.signingName ?? AWSService.logs.signingName])
        return try await next(request, context)
    }

    /// The request as SigV4 sees it: method, path, query, every header (with `host` from the authority) and the
    /// body hash.
    static func signingView(of request: Request, body: [UInt8]) -> SigV4.Request {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if !headers.contains(where: { $0.name == "host" }), let authority = request.head.authority {
            headers.append((name: "host", value: authority))
        }
        return SigV4.Request(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers,
            payloadHash: SHA256.hex(body))
    }
}

/// Undoes `Content-Encoding: gzip` (SDKs compress large PutMetricData bodies), within the body limit.
struct DecompressionMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: CairnRequestContext,
        next: (Request, CairnRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let encoding = request.headers[.contentEncoding]?.lowercased(), !encoding.isEmpty,
            encoding != "identity"
        else { return try await next(request, context) }
        guard encoding == "gzip" else {
            throw AWSError.serialization("Unsupported Content-Encoding: \(request.headers[.contentEncoding] ?? "")")
        }
        var context = context
        let limit = context.maxBodyBytes
        do {
            context.body = try Gzip.decompress(context.body, limit: limit)
        } catch .tooLarge {
            throw AWSError.requestTooLarge(limit: limit)
        } catch {
            throw AWSError.serialization("The request body is not valid gzip.")
        }
        return try await next(request, context)
    }
}

/// The end of the chain: runs the operation for the caller.
struct OperationEndpoint: Sendable {
    func respond(to request: Request, context: CairnRequestContext) async throws -> Response {
        guard let operation = context.operation, let caller = context.caller else {
            throw AWSError.unknownOperation(context.target)
        }
        if operation.isEventStream {
            let session = try await operation.openStream(body: context.body, format: context.format, caller: caller)
            return AWSResponse.eventStream(session)
        }
        let output = try await operation.invoke(body: context.body, format: context.format, caller: caller)
        if context.format == .query {
            return AWSResponse.query(
                operation.name, of: operation.service, result: output, requestID: context.requestID)
        }
        return AWSResponse.make(status: .ok, body: output, format: context.format)
    }
}

/// AWS's response bodies and headers.
enum AWSResponse {
    static func make(status: HTTPResponse.Status, body: [UInt8], format: WireFormat) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        if format == .cbor { headers[.smithyProtocol] = "rpc-v2-cbor" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// An event stream: the initial response, then the session's messages, each written as soon as it is made.
    static func eventStream(_ session: EventStreamSession) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.amazon.eventstream"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(bytes: session.initialMessage.encoded))
                try await session.run { message in try await writer.write(ByteBuffer(bytes: message.encoded)) }
                try await writer.finish(nil)
            })
    }

    /// AWS's error body in the request's format; query-compatible CloudWatch errors also name their query code.
    static func error(_ error: AWSError, context: CairnRequestContext) -> Response {
        let format = context.format
        let body: [UInt8]
        switch format {
        case .query:
            return queryError(error, of: context.service, requestID: context.requestID)
        case .json11, .json10: body = error.jsonBody
        case .cbor:
            var members: [String: Document] = ["__type": .string(error.code), "message": .string(error.message)]
            // The error's own members (written as JSON), as their modeled shape carries them.
            if let extra = error.members, case .map(let more)? = try? Document.fromJSON(Array("{\(extra)}".utf8)) {
                members.merge(more) { kept, _ in kept }
            }
            body = CBOR.encode(.map(members))
        }
        var response = make(status: .init(code: error.status), body: body, format: format)
        if format != .json11, let code = MetricsService.queryCode(error.code) {
            response.headers[.amzQueryError] = "\(code);\(error.status >= 500 ? "Receiver" : "Sender")"
        }
        return response
    }

    /// A query-protocol answer: `<ActionResponse>` with the operation's result element (if any) and the request id.
    static func query(_ action: String, of service: AWSService, result: [UInt8], requestID: String) -> Response {
        make(
            status: .ok,
            body: QueryProtocol.response(
                action, namespace: service.xmlNamespace ?? "", result: result, requestID: requestID),
            format: .query)
    }

    /// A query-protocol `ErrorResponse`, in the namespace of the service the request named (CloudWatch's when none).
    static func queryError(_ error: AWSError, of service: AWSService?, requestID: String) -> Response {
        let query = queryError(error, service: service)
        return make(
            status: .init(code: query.status),
            body: QueryProtocol.errorResponse(
                code: query.code, message: error.message, sender: error.status < 500,
                namespace: service?.xmlNamespace ?? AWSService.monitoring.xmlNamespace ?? "", requestID: requestID),
            format: .query)
    }

    /// The query protocol's name and status for an error: its own codes for authentication and routing, each
    /// service's query codes for the rest.
    static func queryError(_ error: AWSError, service: AWSService?) -> (code: String, status: Int) {
        switch error.code {
        case "InvalidSignatureException": return ("SignatureDoesNotMatch", 403)
        case "UnrecognizedClientException": return ("InvalidClientTokenId", 403)
        case "IncompleteSignatureException": return ("IncompleteSignature", 400)
        case "MissingAuthenticationTokenException": return ("MissingAuthenticationToken", 403)
        case "SerializationException": return ("MalformedQueryString", 400)
        case "ServiceUnavailableException": return (service == .sns ? "InternalError" : "InternalFailure", 500)
        case "AccessDeniedException": return service == .sns ? ("AuthorizationError", 403) : ("AccessDenied", 403)
        default:
            if service == .monitoring, let code = MetricsService.queryCode(error.code) { return (code, error.status) }
            return (error.code, error.status)
        }
    }
}

extension AWSError {
    /// The query protocol's answer to an `Action` the service does not have.
    static func invalidAction(_ action: String) -> AWSError {
        AWSError("InvalidAction", "The action \(action) is not valid for this web service.")
    }
}
