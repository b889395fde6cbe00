/// What an access key may do in its account.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Everything in its account.
    case admin
    /// Create groups and streams, put events, and see group and stream metadata.
    case writer
    /// Describe, get, filter, list, test and query.
    case reader
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

    /// The same caller in another region of its account (a multi-Region key's replica).
    public func inRegion(_ region: String) -> Caller {
        Caller(accountID: accountID, region: region, accessKeyID: accessKeyID, role: role)
    }

    /// The principal ARN shown in access-denied messages and matched against resource policies.
    public var userARN: String {
        accessKeyID == Self.logDeliveryPrincipal
            ? ARN.accountRoot(accountID).description : ARN.user(account: accountID, name: accessKeyID).description
    }

    /// AWS's service principal for CloudWatch Logs' own deliveries.
    public static let logDeliveryPrincipal = "logs.amazonaws.com"

    /// Cairn delivering a subscription on behalf of an account, as `logs.amazonaws.com` does in AWS: it reads
    /// the account's events, is checked against destination policies as the account itself, and writes
    /// forwarded events into a destination's group. No access key stands behind it.
    public static func logDelivery(account: String, region: String) -> Caller {
        Caller(accountID: account, region: region, accessKeyID: logDeliveryPrincipal, role: .writer)
    }
}
