/// What an access key may do in its account.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Everything in its account.
    case admin
    /// Create groups and streams, put events, and see group and stream metadata.
    case writer
    /// Describe, get, filter, list, test and query.
    case reader

    private static let writerOperations: Set<String> = [
        "CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogGroups", "DescribeLogStreams", "PutMetricData",
    ]
    private static let readerPrefixes = ["Describe", "Get", "Filter", "List", "Test"]
    private static let readerOperations: Set<String> = ["StartQuery", "StopQuery", "StartLiveTail"]

    public func allows(_ operation: String) -> Bool {
        switch self {
        case .admin: true
        case .writer: Self.writerOperations.contains(operation)
        case .reader:
            Self.readerOperations.contains(operation) || Self.readerPrefixes.contains { operation.hasPrefix($0) }
        }
    }
}

/// The authenticated principal of one request: the key's account, the signature's region.
public struct Caller: Sendable, Equatable {
    public let accountID: String
    public let region: String
    public let accessKeyID: String
    public let role: Role

    public init(accountID: String, region: String, accessKeyID: String, role: Role) {
        self.accountID = accountID
        self.region = region
        self.accessKeyID = accessKeyID
        self.role = role
    }

    /// The same caller seen from another account's resources (e.g. a key it may use by policy).
    public func acting(for account: String) -> Caller {
        Caller(accountID: account, region: region, accessKeyID: accessKeyID, role: role)
    }

    /// The principal ARN shown in access-denied messages.
    public var userARN: String { "arn:aws:iam::\(accountID):user/\(accessKeyID)" }

    public func authorize(_ service: String, _ operation: String) throws(AWSError) {
        guard role.allows(operation) else {
            throw .accessDenied(
                "User: \(userARN) is not authorized to perform: \(service):\(operation) "
                    + "because the access key's role '\(role.rawValue)' does not allow it")
        }
    }
}
