import CairnCrypto
import CairnKeys
import CairnLogs
import CairnMetrics
import CairnProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

/// `POST /`: the AWS JSON endpoint (1.1 for Logs and KMS, 1.0 for CloudWatch metrics), and
/// `POST /service/GraniteServiceVersion20100801/operation/<Op>`: CloudWatch metrics over Smithy RPC v2 CBOR.
/// Authenticates, dispatches, and renders every failure as AWS's error body with a request id.
struct AWSEndpoint: Sendable {
    let authenticator: Authenticator
    let logs: LogsService
    let keys: KeyService
    let metrics: MetricsService

    /// How the request and response bodies are written.
    enum WireFormat {
        case json11, json10, cbor

        var contentType: String {
            switch self {
            case .json11: "application/x-amz-json-1.1"
            case .json10: "application/x-amz-json-1.0"
            case .cbor: "application/cbor"
            }
        }
    }

    /// Which API a request's `X-Amz-Target` names, and the service its signature must be scoped to.
    enum Service {
        case logs(String)
        case kms(String)
        case metrics(String)

        init?(target: String) {
            if target.hasPrefix(MetricsService.targetPrefix) {
                self = .metrics(String(target.dropFirst(MetricsService.targetPrefix.count)))
            } else if target.hasPrefix(LogsService.targetPrefix) {
                self = .logs(String(target.dropFirst(LogsService.targetPrefix.count)))
            } else if target.hasPrefix(KeyService.targetPrefix) {
                self = .kms(String(target.dropFirst(KeyService.targetPrefix.count)))
            } else {
                return nil
            }
        }

        var operation: String {
            switch self {
            case .logs(let operation), .kms(let operation), .metrics(let operation): operation
            }
        }

        var signingName: String {
            switch self {
            case .logs: LogsService.signingService
            case .kms: KeyService.signingService
            case .metrics: MetricsService.signingService
            }
        }
    }

    static let targetHeader = HTTPField.Name("X-Amz-Target")!
    static let dateHeader = HTTPField.Name("X-Amz-Date")!
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!
    static let smithyProtocolHeader = HTTPField.Name("smithy-protocol")!
    static let queryErrorHeader = HTTPField.Name("x-amzn-query-error")!
    static let cborPathPrefix = "/service/\(MetricsService.serviceName)/operation/"

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        let path = request.uri.path
        let target: String
        let format: WireFormat
        if path.hasPrefix(Self.cborPathPrefix) {
            target = MetricsService.targetPrefix + path.dropFirst(Self.cborPathPrefix.count)
            format = .cbor
        } else {
            target = request.headers[Self.targetHeader] ?? ""
            format = target.hasPrefix(MetricsService.targetPrefix) ? .json10 : .json11
        }
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
            let sent = Array(body.readableBytesView)
            let caller = try await authenticator.authenticate(
                Self.signingView(of: request, body: sent), authorization: request.headers[.authorization],
                amzDate: request.headers[Self.dateHeader],
                services: [service?.signingName ?? LogsService.signingService])
            // SDKs gzip large PutMetricData bodies (the model's requestcompression trait); the signature covers
            // the bytes as sent.
            let bytes = try Self.decoded(sent, encoding: request.headers[.contentEncoding])
            let output: [UInt8]
            switch service {
            case .logs(let operation) where LogsService.knows(operation):
                output = try await logs.handle(operation: operation, body: bytes, caller: caller)
            case .kms(let operation) where KeyService.knows(operation):
                output = try await keys.handle(operation: operation, body: bytes, caller: caller)
            case .metrics(let operation) where MetricsService.knows(operation):
                output = try await handleMetrics(operation, bytes, format, caller)
            default:
                throw AWSError.unknownOperation(target)
            }
            response = Self.response(status: .ok, body: output, format: format, requestID: requestID)
        } catch let error as AWSError {
            outcome = error.code
            response = Self.errorResponse(error, format: format, requestID: requestID)
        } catch {
            outcome = "InternalFailure"
            context.logger.error(
                "request failed",
                metadata: ["request.id": "\(requestID)", "operation": "\(operation ?? target)", "error": "\(error)"])
            response = Self.errorResponse(
                .serviceUnavailable(requestID: requestID), format: format, requestID: requestID)
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

    /// The body with its `Content-Encoding` undone (gzip, within the request size limit).
    static func decoded(_ body: [UInt8], encoding: String?) throws(AWSError) -> [UInt8] {
        guard let encoding, !encoding.isEmpty, encoding.lowercased() != "identity" else { return body }
        guard encoding.lowercased() == "gzip" else {
            throw AWSError.serialization("Unsupported Content-Encoding: \(encoding)")
        }
        do {
            return try Gzip.decompress(body, limit: ServerConfiguration.maxRequestBodyBytes)
        } catch .tooLarge {
            throw AWSError.requestTooLarge(limit: ServerConfiguration.maxRequestBodyBytes)
        } catch {
            throw AWSError.serialization("The request body is not valid gzip.")
        }
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

    static func response(status: HTTPResponse.Status, body: [UInt8], format: WireFormat, requestID: String) -> Response
    {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[requestIDHeader] = requestID
        if format == .cbor { headers[smithyProtocolHeader] = "rpc-v2-cbor" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// AWS's error body in the request's format; query-compatible CloudWatch errors also name their query code.
    static func errorResponse(_ error: AWSError, format: WireFormat, requestID: String) -> Response {
        let body: [UInt8]
        switch format {
        case .json11, .json10: body = error.jsonBody
        case .cbor: body = CBOR.encode(.map(["__type": .string(error.code), "message": .string(error.message)]))
        }
        var response = response(status: .init(code: error.status), body: body, format: format, requestID: requestID)
        if format != .json11, let code = MetricsService.queryCode(error.code) {
            response.headers[queryErrorHeader] = "\(code);\(error.status >= 500 ? "Receiver" : "Sender")"
        }
        return response
    }

    /// Decodes the metrics request from CBOR or JSON 1.0 and encodes the answer the same way.
    private func handleMetrics(
        _ operation: String, _ bytes: [UInt8], _ format: WireFormat, _ caller: Caller
    )
        async throws -> [UInt8]
    {
        let document: Document
        if format == .cbor {
            do {
                document = bytes.isEmpty ? .map([:]) : try CBOR.decode(bytes)
            } catch {
                throw AWSError.serialization("The request body is not valid CBOR: \(error.reason)")
            }
        } else {
            document = try Document.fromJSON(bytes)
        }
        let output = try await metrics.handle(operation: operation, request: document, caller: caller)
        switch (output, format) {
        case (nil, .cbor): return []
        case (nil, _): return Array("{}".utf8)
        case (let output?, .cbor): return CBOR.encode(output)
        case (let output?, _): return output.json
        }
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
