public import CairnProtocol
public import CairnStore

/// The CloudWatch metrics API (`GraniteServiceVersion20100801`): PutMetricData, GetMetricStatistics,
/// GetMetricData and ListMetrics over the document model, so the Smithy RPC v2 CBOR and the AWS JSON 1.0
/// endpoints share every handler. Errors use the service's exception names; `queryCode` gives the
/// `x-amzn-query-error` code that query-compatible clients read.
public struct MetricsService: Sendable {
    public static let targetPrefix = "GraniteServiceVersion20100801."
    public static let serviceName = "GraniteServiceVersion20100801"
    public static let signingService = "monitoring"

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    typealias Handler = @Sendable (MetricsService, Document, Caller) async throws -> Document?

    static let operations: [String: Handler] = [
        "PutMetricData": { try await $0.putMetricData($1, $2) },
        "GetMetricStatistics": { try await $0.getMetricStatistics($1, $2) },
        "GetMetricData": { try await $0.getMetricData($1, $2) },
        "ListMetrics": { try await $0.listMetrics($1, $2) },
    ]

    public static func knows(_ operation: String) -> Bool { operations[operation] != nil }

    /// Runs one operation; nil output means the operation has none (an empty body).
    public func handle(operation: String, request: Document, caller: Caller) async throws -> Document? {
        guard let handler = Self.operations[operation] else {
            throw AWSError.unknownOperation(Self.targetPrefix + operation)
        }
        try caller.authorize(Self.signingService, operation)
        guard case .map = request else { throw AWSError.serialization("The request body must be a structure.") }
        return try await handler(self, request, caller)
    }

    /// The query-protocol error code of an exception (`InvalidParameterValueException` → `InvalidParameterValue`).
    public static func queryCode(_ exception: String) -> String? {
        [
            "InvalidParameterValueException": "InvalidParameterValue",
            "MissingRequiredParameterException": "MissingParameter",
            "InvalidParameterCombinationException": "InvalidParameterCombination",
            "InvalidNextToken": "InvalidNextToken",
            "InternalServiceFault": "InternalServiceError",
            "LimitExceededFault": "LimitExceeded",
        ][exception]
    }
}

extension AWSError {
    static func invalidParameterValue(_ message: String) -> AWSError {
        AWSError("InvalidParameterValueException", message)
    }

    static func missingParameter(_ member: String) -> AWSError {
        AWSError("MissingRequiredParameterException", "The parameter \(member) is required.")
    }

    static func invalidParameterCombination(_ message: String) -> AWSError {
        AWSError("InvalidParameterCombinationException", message)
    }

    static func invalidValue(_ value: String, _ member: String) -> AWSError {
        .invalidParameterValue("The value \(value) for parameter \(member) is invalid.")
    }
}
