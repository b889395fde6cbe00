/// One AWS operation as Cairn serves it, declared once: its service, wire name, the roles that may call it, and
/// its handler with typed input and output. The same declaration serves every wire format Cairn speaks: input
/// arrives in whichever format the client chose and is decoded into the declared type; the output is encoded
/// back in that format.
public struct Operation: Sendable {
    public typealias Invocation =
        @Sendable (_ body: [UInt8], _ format: WireFormat, _ caller: Caller) async throws
        -> [UInt8]

    public let service: AWSService
    public let name: String
    public let roles: Set<Role>
    /// The largest request body (after decompression) this operation reads; longer ones are refused unread.
    public let maxBodyBytes: Int
    let invocation: Invocation
    /// For an operation that answers an AWS event stream (StartLiveTail): opens the session. `invocation` then
    /// opens and closes one, for callers that want only the initial response.
    let streamInvocation: StreamInvocation?

    public typealias StreamInvocation =
        @Sendable (_ body: [UInt8], _ format: WireFormat, _ caller: Caller) async throws -> EventStreamSession

    /// The body limit of operations that do not declare one: 1.5 MB.
    public static let defaultMaxBodyBytes = 1_572_864

    /// The raw form: the body in, the encoded response out. The typed initializers below build on it.
    public init(
        _ service: AWSService, _ name: String, roles: Set<Role>, maxBodyBytes: Int = defaultMaxBodyBytes,
        invocation: @escaping Invocation
    ) {
        self.service = service
        self.name = name
        self.roles = roles
        self.maxBodyBytes = maxBodyBytes
        self.invocation = invocation
        streamInvocation = nil
    }

    private init(
        _ service: AWSService, _ name: String, roles: Set<Role>, maxBodyBytes: Int, stream: @escaping StreamInvocation
    ) {
        self.service = service
        self.name = name
        self.roles = roles
        self.maxBodyBytes = maxBodyBytes
        streamInvocation = stream
        invocation = { body, format, caller in
            let session = try await stream(body, format, caller)
            // Nobody reads the stream: the session starts and ends at its first message.
            try? await session.run { _ in throw CancellationError() }
            return session.initialResponse
        }
    }

    /// An operation that answers an event stream: `handler` checks the input and opens the session (errors then
    /// are ordinary responses); the session writes the stream after the response head.
    public init<Input: Decodable & Sendable>(
        _ service: AWSService, _ name: String, roles: Set<Role>, input: Input.Type,
        stream handler: @escaping @Sendable (Input, Caller) async throws -> EventStreamSession
    ) {
        self.init(service, name, roles: roles, maxBodyBytes: Self.defaultMaxBodyBytes) { body, format, caller in
            try await handler(try JSONRequest.decode(Input.self, from: try Self.json(body, format)), caller)
        }
    }

    /// Whether the operation answers an event stream.
    public var isEventStream: Bool { streamInvocation != nil }

    /// Opens the event stream session of a streaming operation for `caller` (see `invoke` for the roles).
    public func openStream(body: [UInt8], format: WireFormat, caller: Caller) async throws -> EventStreamSession {
        guard let streamInvocation else { preconditionFailure("\(name) does not answer an event stream") }
        try authorize(caller)
        return try await streamInvocation(body, format, caller)
    }

    /// An operation whose input decodes into `Input` and whose output is `Output`.
    public init<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ service: AWSService, _ name: String, roles: Set<Role>, input: Input.Type,
        handler: @escaping @Sendable (Input, Caller) async throws -> Output
    ) {
        self.init(service, name, roles: roles) { body, format, caller in
            let input = try JSONRequest.decode(Input.self, from: try Self.json(body, format))
            return try Self.encode(JSONRequest.encode(try await handler(input, caller)), format, name: name)
        }
    }

    /// An operation that reads its JSON body itself (PutLogEvents, whose byte scanner beats a decoder).
    public init<Output: Encodable & Sendable>(
        _ service: AWSService, _ name: String, roles: Set<Role>, maxBodyBytes: Int = defaultMaxBodyBytes,
        json handler: @escaping @Sendable ([UInt8], Caller) async throws -> Output
    ) {
        self.init(service, name, roles: roles, maxBodyBytes: maxBodyBytes) { body, format, caller in
            try Self.encode(
                JSONRequest.encode(try await handler(try Self.json(body, format), caller)), format, name: name)
        }
    }

    /// An operation over the document model (CloudWatch metrics); a nil output is an empty response.
    public init(
        _ service: AWSService, _ name: String, roles: Set<Role>,
        document handler: @escaping @Sendable (Document, Caller) async throws -> Document?
    ) {
        self.init(service, name, roles: roles) { body, format, caller in
            let request = try Self.document(body, format)
            guard case .map = request else { throw AWSError.serialization("The request body must be a structure.") }
            switch (try await handler(request, caller), format) {
            case (nil, .cbor): return []
            // An empty result element: botocore looks for one whenever the operation has an output shape.
            case (nil, .query): return QueryProtocol.result(name, .map([:]))
            case (nil, _): return Array("{}".utf8)
            case (let output?, .cbor): return CBOR.encode(output)
            case (let output?, .query): return QueryProtocol.result(name, output)
            case (let output?, _): return output.json
            }
        }
    }

    /// `X-Amz-Target`'s value for this operation.
    public var target: String { service.targetPrefix + name }

    /// Runs the operation for `caller`, whose role must be one of `roles`.
    public func invoke(body: [UInt8], format: WireFormat, caller: Caller) async throws -> [UInt8] {
        try authorize(caller)
        return try await invocation(body, format, caller)
    }

    private func authorize(_ caller: Caller) throws(AWSError) {
        guard roles.contains(caller.role) else {
            throw AWSError.accessDenied(
                "User: \(caller.userARN) is not authorized to perform: \(service.signingName):\(name) "
                    + "because the access key's role '\(caller.role.rawValue)' does not allow it")
        }
    }

    /// The same operation with `wrapper` around its handler (auditing, error translation).
    public func wrapped(
        _ wrapper:
            @escaping @Sendable (_ body: [UInt8], _ caller: Caller, _ next: () async throws -> [UInt8])
            async throws -> [UInt8]
    ) -> Operation {
        if let inner = streamInvocation {
            return Operation(service, name, roles: roles, maxBodyBytes: maxBodyBytes) { body, format, caller in
                let opened = OpenedSession()
                _ = try await wrapper(body, caller) {
                    opened.session = try await inner(body, format, caller)
                    return []
                }
                guard let session = opened.session else { throw SessionNotOpened() }
                return session
            }
        }
        let inner = invocation
        return Operation(service, name, roles: roles, maxBodyBytes: maxBodyBytes) { body, format, caller in
            try await wrapper(body, caller) { try await inner(body, format, caller) }
        }
    }

    /// A wrapper that returned without opening the session (an internal error: the caller sees a 5xx).
    private struct SessionNotOpened: Error {}

    /// Carries a session out of a wrapper's `next`, which returns bytes.
    private final class OpenedSession: @unchecked Sendable {
        var session: EventStreamSession?
    }

    static func document(_ body: [UInt8], _ format: WireFormat) throws(AWSError) -> Document {
        switch format {
        case .cbor:
            guard !body.isEmpty else { return .map([:]) }
            do {
                return try CBOR.decode(body)
            } catch {
                throw .serialization("The request body is not valid CBOR: \(error.reason)")
            }
        case .json10, .json11:
            return try Document.fromJSON(body)
        case .query:
            return try QueryProtocol.document(try QueryProtocol.pairs(body))
        }
    }

    static func json(_ body: [UInt8], _ format: WireFormat) throws(AWSError) -> [UInt8] {
        format == .cbor || format == .query ? try document(body, format).json : body
    }

    static func encode(_ json: [UInt8], _ format: WireFormat, name: String) throws(AWSError) -> [UInt8] {
        switch format {
        case .cbor: CBOR.encode(try Document.fromJSON(json))
        case .query: QueryProtocol.result(name, try Document.fromJSON(json))
        case .json10, .json11: json
        }
    }
}

extension Set where Element == Role {
    /// Every role: operations a log agent and a reader both need.
    public static let everyone: Set<Role> = [.admin, .writer, .reader]
    /// Admins and writers: ingestion.
    public static let writers: Set<Role> = [.admin, .writer]
    /// Admins and readers: describe, get, filter, list, test, query and tail.
    public static let readers: Set<Role> = [.admin, .reader]
    /// Admins only: everything that changes configuration.
    public static let admins: Set<Role> = [.admin]
}
