public import CairnProtocol

/// ARNs in AWS's formats.
public enum ResourceName {
    public static func logGroup(_ caller: Caller, _ name: String) -> String {
        ARN(region: caller.region, account: caller.accountID, resource: .logGroup(name)).description
    }

    public static func logStream(_ caller: Caller, group: String, stream: String) -> String {
        ARN(region: caller.region, account: caller.accountID, resource: .logStream(group: group, stream: stream))
            .description
    }

    /// A log group named by a `logGroupIdentifier` (a name or an ARN) or a tagging `resourceArn`.
    struct LogGroupReference: Equatable {
        let accountID: String
        let region: String
        let name: String
    }

    /// Parses `arn:aws:logs:<region>:<account>:log-group:<name>` with an optional `:*`; plain names are the caller's.
    static func logGroupReference(_ identifier: String, caller: Caller) -> LogGroupReference? {
        guard identifier.hasPrefix("arn:") else {
            return LogGroupReference(accountID: caller.accountID, region: caller.region, name: identifier)
        }
        guard let arn = ARN(identifier), case .logGroup(let name) = arn.resource else { return nil }
        return LogGroupReference(accountID: arn.account, region: arn.region, name: name)
    }
}
