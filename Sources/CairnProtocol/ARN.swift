import Foundation

/// An Amazon Resource Name of a resource Cairn knows, parsed and printed in AWS's formats:
/// `arn:<partition>:<service>:<region>:<account>:<resource>`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The resource part, by kind.
    public enum Resource: Sendable, Hashable {
        /// `logs`: `log-group:<name>` (parsing also accepts the `:*` suffix that DescribeLogGroups' `arn` carries).
        case logGroup(String)
        /// `logs`: `log-group:<group>:log-stream:<stream>`.
        case logStream(group: String, stream: String)
        /// `logs`: `destination:<name>`.
        case destination(String)
        /// `kms`: `key/<id>`.
        case key(String)
        /// `kms`: `alias/<name>` (the name without `alias/`).
        case alias(String)
        /// `lambda`: `function:<name>` (Cairn's HTTP functions).
        case function(String)
        /// `cloudwatch`: `alarm:<name>`.
        case alarm(String)
        /// `firehose`: `deliverystream/<name>` (Cairn's delivery streams).
        case deliveryStream(String)
        /// `iam`: `user/<name>` (an access key as a principal) or `root` (the account).
        case user(String)
        case accountRoot

        var service: String {
            switch self {
            case .logGroup, .logStream, .destination: "logs"
            case .key, .alias: "kms"
            case .function: "lambda"
            case .alarm: "cloudwatch"
            case .deliveryStream: "firehose"
            case .user, .accountRoot: "iam"
            }
        }

        var text: String {
            switch self {
            case .logGroup(let name): "log-group:\(name)"
            case .logStream(let group, let stream): "log-group:\(group):log-stream:\(stream)"
            case .destination(let name): "destination:\(name)"
            case .key(let id): "key/\(id)"
            case .alias(let name): "alias/\(name)"
            case .function(let name): "function:\(name)"
            case .alarm(let name): "alarm:\(name)"
            case .deliveryStream(let name): "deliverystream/\(name)"
            case .user(let name): "user/\(name)"
            case .accountRoot: "root"
            }
        }

        /// The resource part of an ARN of `service`, or nil when Cairn has no such kind.
        init?(service: String, text: String) {
            func after(_ prefix: String) -> String? {
                guard text.hasPrefix(prefix), text.count > prefix.count else { return nil }
                return String(text.dropFirst(prefix.count))
            }
            switch service {
            case "logs":
                if let rest = after("log-group:") {
                    if let range = rest.range(of: ":log-stream:") {
                        let group = String(rest[..<range.lowerBound])
                        let stream = String(rest[range.upperBound...])
                        guard !group.isEmpty, !stream.isEmpty, !group.contains(":") else { return nil }
                        self = .logStream(group: group, stream: stream)
                    } else {
                        let name = rest.hasSuffix(":*") ? String(rest.dropLast(2)) : rest
                        guard !name.isEmpty, !name.contains(":") else { return nil }
                        self = .logGroup(name)
                    }
                } else if let name = after("destination:"), !name.contains(":") {
                    self = .destination(name)
                } else {
                    return nil
                }
            case "kms":
                if let id = after("key/") {
                    self = .key(id)
                } else if let name = after("alias/") {
                    self = .alias(name)
                } else {
                    return nil
                }
            case "lambda":
                guard let name = after("function:"), !name.contains(":") else { return nil }
                self = .function(name)
            case "cloudwatch":
                guard let name = after("alarm:") else { return nil }
                self = .alarm(name)
            case "firehose":
                guard let name = after("deliverystream/"), !name.contains("/") else { return nil }
                self = .deliveryStream(name)
            case "iam":
                if text == "root" {
                    self = .accountRoot
                } else if let name = after("user/") {
                    self = .user(name)
                } else {
                    return nil
                }
            default:
                return nil
            }
        }
    }

    public let partition: String
    public let region: String
    public let account: String
    public let resource: Resource

    public init(partition: String = "aws", region: String, account: String, resource: Resource) {
        self.partition = partition
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN of a kind Cairn knows; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"),
            let resource = Resource(service: parts[2], text: parts[5])
        else { return nil }
        self.init(partition: parts[1], region: parts[3], account: parts[4], resource: resource)
    }

    public var service: String { resource.service }

    /// IAM ARNs have no region.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource.text)" }
}

extension ARN {
    /// The principal of an access key, as access-denied messages and policies name it.
    public static func user(account: String, name: String) -> ARN {
        ARN(region: "", account: account, resource: .user(name))
    }

    /// An account as a policy principal (`arn:aws:iam::<account>:root`).
    public static func accountRoot(_ account: String) -> ARN {
        ARN(region: "", account: account, resource: .accountRoot)
    }
}
