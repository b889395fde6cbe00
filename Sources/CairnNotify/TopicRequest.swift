import CairnProtocol
import Foundation

/// Reads the members of an SNS request (query-protocol scalars arrive as text).
struct TopicRequest {
    let document: Document

    init(_ document: Document) { self.document = document }

    func string(_ name: String) -> String? {
        guard let value = document[name], value != .null else { return nil }
        return value.string
    }

    func required(_ name: String) throws(AWSError) -> String {
        guard let value = string(name) else { throw .snsMissing(name) }
        return value
    }

    func boolean(_ name: String) throws(AWSError) -> Bool? {
        guard let value = document[name], value != .null else { return nil }
        guard let flag = value.boolean else { throw .snsInvalidParameter(name) }
        return flag
    }

    /// A map member: `Attributes.entry.N.key/value` in the query protocol, an object in JSON.
    func map(_ name: String) throws(AWSError) -> [String: String] {
        guard let value = document[name], value != .null else { return [:] }
        if case .map(let members) = value {
            var map: [String: String] = [:]
            for (key, member) in members {
                guard let text = member.string else { throw .snsInvalidParameter(name) }
                map[key] = text
            }
            return map
        }
        guard let entries = value.list else { throw .snsInvalidParameter(name) }
        var map: [String: String] = [:]
        for entry in entries {
            guard let key = entry["key"]?.string, let value = entry["value"]?.string else {
                throw .snsInvalidParameter(name)
            }
            map[key] = value
        }
        return map
    }

    /// `Tags.member.N.Key/Value`: at most 50, keys 1–128 and values 0–256 characters, no key twice.
    func tags(_ name: String = "Tags", required: Bool = false) throws(AWSError) -> [String: String] {
        guard let value = document[name], value != .null else {
            if required { throw .snsMissing(name) }
            return [:]
        }
        guard let entries = value.list else { throw .snsInvalidParameter(name) }
        var tags: [String: String] = [:]
        for entry in entries {
            guard let key = entry["Key"]?.string, let value = entry["Value"]?.string else {
                throw .snsInvalidParameter("Tags")
            }
            guard (1...128).contains(key.count), value.count <= 256 else {
                throw AWSError("InvalidParameter", "Invalid parameter: Tags")
            }
            guard tags[key] == nil else {
                throw AWSError("InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.")
            }
            tags[key] = value
        }
        return tags
    }

    /// A string list (`TagKeys.member.N`).
    func strings(_ name: String) throws(AWSError) -> [String] {
        guard let value = document[name], value != .null else { throw .snsMissing(name) }
        guard let items = value.list else { throw .snsInvalidParameter(name) }
        var strings: [String] = []
        for item in items {
            guard let text = item.string else { throw .snsInvalidParameter(name) }
            strings.append(text)
        }
        return strings
    }
}

/// A topic's ARN, `arn:aws:sns:<region>:<account>:<name>`.
struct TopicARN: Equatable {
    let region: String
    let account: String
    let name: String

    init(region: String, account: String, name: String) {
        self.region = region
        self.account = account
        self.name = name
    }

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "sns", !parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy(\.isNumber), TopicName.isValid(String(parts[5]))
        else { return nil }
        self.init(region: String(parts[3]), account: String(parts[4]), name: String(parts[5]))
    }

    var text: String { "arn:aws:sns:\(region):\(account):\(name)" }

    func subscription(_ id: String) -> String { "\(text):\(id)" }
}

/// A subscription's ARN: its topic's ARN and its id.
struct SubscriptionARN {
    let topic: TopicARN
    let id: String

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let topic = TopicARN(String(text[..<colon])) else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard UUID(uuidString: id) != nil else { return nil }
        self.topic = topic
        self.id = id.lowercased()
    }
}

enum TopicName {
    /// 1–256 ASCII letters, digits, `_` and `-` (a FIFO topic's `.fifo` suffix is not served).
    static func isValid(_ name: String) -> Bool {
        (1...256).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }
}

extension Document {
    /// A map as the query protocol writes it: `{key, value}` entries.
    static func entries(_ map: [String: String]) -> Document {
        .list(map.keys.sorted().map { .map(["key": .string($0), "value": .string(map[$0]!)]) })
    }

    static func tagList(_ tags: [String: String]) -> Document {
        .list(tags.keys.sorted().map { .map(["Key": .string($0), "Value": .string(tags[$0]!)]) })
    }
}
