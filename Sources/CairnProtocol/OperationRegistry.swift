/// Every operation Cairn serves, looked up by `X-Amz-Target` (or by service and name for RPC v2 CBOR paths).
public struct OperationRegistry: Sendable {
    private let byTarget: [String: Operation]
    private let services: [AWSService]

    /// `operations` must not declare one target twice.
    public init(_ operations: [Operation]) {
        var byTarget: [String: Operation] = [:]
        for operation in operations {
            precondition(byTarget[operation.target] == nil, "operation \(operation.target) is declared twice")
            byTarget[operation.target] = operation
        }
        self.byTarget = byTarget
        var services: [AWSService] = []
        for operation in operations where !services.contains(operation.service) { services.append(operation.service) }
        self.services = services
    }

    public func operation(target: String) -> Operation? { byTarget[target] }

    /// The service a target belongs to, known or not (its signature is checked against that service).
    public func service(target: String) -> AWSService? {
        services.first { target.hasPrefix($0.targetPrefix) }
    }

    /// The service whose Smithy name appears in an RPC v2 CBOR path.
    public func service(smithyName: String) -> AWSService? {
        services.first { $0.smithyName == smithyName }
    }

    /// The service a query-protocol request is signed for.
    public func service(signingName: String) -> AWSService? {
        services.first { $0.signingName == signingName && $0.xmlNamespace != nil }
    }

    public var operations: [Operation] { Array(byTarget.values) }
}
