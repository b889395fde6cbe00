public import CairnProtocol

/// ARNs in AWS's formats.
public enum ResourceName {
    public static func logGroup(_ caller: Caller, _ name: String) -> String {
        "arn:aws:logs:\(caller.region):\(caller.accountID):log-group:\(name)"
    }

    public static func logStream(_ caller: Caller, group: String, stream: String) -> String {
        "arn:aws:logs:\(caller.region):\(caller.accountID):log-group:\(group):log-stream:\(stream)"
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
        let parts = identifier.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[1].hasPrefix("aws"), parts[2] == "logs", parts[5] == "log-group" else {
            return nil
        }
        var name = parts[6]
        if name.hasSuffix(":*") { name.removeLast(2) }
        guard !name.isEmpty, !name.contains(":") else { return nil }
        return LogGroupReference(accountID: parts[4], region: parts[3], name: name)
    }
}
