import Foundation

/// Evaluates a resource policy (a KMS key policy, a log destination's access policy) for a caller from
/// another account (the owner's own principals are always allowed, as AWS's default policies do through the
/// account's root). Deny beats Allow; nothing allowed means denied. Principals: `*`, an account id,
/// `arn:aws:iam::<account>:root`, or a user ARN of that account. Actions: `kms:*`, an exact action, or a
/// prefix with a trailing `*` (`kms:Encrypt*`). Conditions are not supported. A document that is not a JSON
/// object, or nests deeper than `NestingLimit.maximumDepth`, allows nothing.
public enum ResourcePolicy {
    /// The document's top-level JSON object; nil when it is not one or nests deeper than
    /// `NestingLimit.maximumDepth` (services check that first, to say so).
    public static func object(_ document: String) -> [String: Any]? {
        guard !NestingLimit.exceeded(json: document.utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any]
    }

    public static func allows(_ document: String?, account: String, principal: String, action: String) -> Bool {
        guard let document, let object = object(document) else { return false }
        let statements: [[String: Any]] =
            (object["Statement"] as? [[String: Any]]) ?? ((object["Statement"] as? [String: Any]).map { [$0] } ?? [])
        var allowed = false
        for statement in statements
        where matchesPrincipal(statement["Principal"], account: account, principal: principal)
            && matchesAction(statement["Action"], action)
        {
            switch statement["Effect"] as? String {
            case "Deny": return false
            case "Allow": allowed = true
            default: continue
            }
        }
        return allowed
    }

    static func strings(_ value: Any?) -> [String] {
        if let single = value as? String { return [single] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }

    static func matchesPrincipal(_ value: Any?, account: String, principal: String) -> Bool {
        let names: [String] = (value as? String).map { [$0] } ?? strings((value as? [String: Any])?["AWS"])
        return names.contains { name in
            name == "*" || name == account || name == ARN.accountRoot(account).description || name == principal
        }
    }

    static func matchesAction(_ value: Any?, _ action: String) -> Bool {
        strings(value).contains { pattern in
            pattern == "*" || pattern == action || (pattern.hasSuffix("*") && action.hasPrefix(pattern.dropLast()))
        }
    }
}
