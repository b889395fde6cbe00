import Foundation

/// A resource policy (a KMS key policy, a log destination's access policy), parsed and checked, evaluated for
/// a caller from another account (the owner's own principals are always allowed, as AWS's default policies do
/// through the account's root). An explicit Deny beats any Allow; nothing allowed means denied.
///
/// A statement applies when its principal (`Principal`, or anyone but `NotPrincipal`), its action (`Action`, or
/// any but `NotAction`; case-insensitive, `*` and `?` wildcards) and every condition match. Conditions use
/// AWS's operators — `String*`, `Arn*`, `Numeric*`, `Bool`, `Null`, each with `…IfExists`, and the
/// `ForAnyValue:` / `ForAllValues:` set qualifiers — over the condition keys Cairn knows (`PolicyRequest`).
/// A policy that uses any other operator or key is refused when it is stored, never ignored: a condition
/// Cairn cannot evaluate would otherwise grant more than its author meant.
public struct ResourcePolicy: Sendable {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The condition keys Cairn can evaluate (compared case-insensitively, as AWS does);
    /// `kms:EncryptionContext:<name>` stands for every such key.
    public static let conditionKeys: Set<String> = [
        "aws:principalaccount", "aws:sourceaccount", "aws:sourcearn", "kms:calleraccount", "kms:viaservice",
        "kms:encryptioncontextkeys", "aws:requestedregion",
    ]
    static let encryptionContextPrefix = "kms:encryptioncontext:"

    let statements: [Statement]

    struct Statement: Sendable {
        let allows: Bool
        let principals: Principals?
        let notPrincipals: Principals?
        let actions: [String]?
        let notActions: [String]?
        /// `Resource` / `NotResource` (ARNs with IAM wildcards); checked only for a request that names its
        /// resource (a log group's), absent meaning every resource.
        let resources: [String]?
        let notResources: [String]?
        let conditions: [Condition]
    }

    struct Principals: Sendable {
        var everyone = false
        var aws: [String] = []
        var services: [String] = []
    }

    struct Condition: Sendable {
        enum Qualifier: Sendable { case single, anyValue, allValues }
        enum Test: String, Sendable, CaseIterable {
            case stringEquals = "StringEquals"
            case stringNotEquals = "StringNotEquals"
            case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
            case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
            case stringLike = "StringLike"
            case stringNotLike = "StringNotLike"
            case arnEquals = "ArnEquals"
            case arnNotEquals = "ArnNotEquals"
            case arnLike = "ArnLike"
            case arnNotLike = "ArnNotLike"
            case numericEquals = "NumericEquals"
            case numericNotEquals = "NumericNotEquals"
            case numericLessThan = "NumericLessThan"
            case numericLessThanEquals = "NumericLessThanEquals"
            case numericGreaterThan = "NumericGreaterThan"
            case numericGreaterThanEquals = "NumericGreaterThanEquals"
            case bool = "Bool"
            case null = "Null"

            var negated: Bool {
                switch self {
                case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .arnNotEquals, .arnNotLike,
                    .numericNotEquals:
                    true
                default: false
                }
            }
        }
        let test: Test
        let qualifier: Qualifier
        let ifExists: Bool
        let key: String
        let values: [String]
    }

    // MARK: parsing

    /// Parses and checks a policy document; anything Cairn would not evaluate exactly is `Malformed`.
    public init(_ document: String) throws(Malformed) {
        guard !NestingLimit.exceeded(json: document.utf8) else {
            throw Malformed(description: "The policy nests deeper than \(NestingLimit.maximumDepth) levels.")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any] else {
            throw Malformed(description: "The policy is not a JSON object.")
        }
        let listed: [Any]
        switch object["Statement"] {
        case let list as [Any]: listed = list
        case let single as [String: Any]: listed = [single]
        default: throw Malformed(description: "The policy has no Statement.")
        }
        var statements: [Statement] = []
        for entry in listed {
            guard let statement = entry as? [String: Any] else {
                throw Malformed(description: "A policy statement is not a JSON object.")
            }
            statements.append(try Self.statement(statement))
        }
        self.statements = statements
    }

    static func statement(_ object: [String: Any]) throws(Malformed) -> Statement {
        let known: Set<String> = [
            "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
        ]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw Malformed(description: "Policy statements cannot contain \(unknown).")
        }
        let allows: Bool
        switch object["Effect"] as? String {
        case "Allow": allows = true
        case "Deny": allows = false
        default: throw Malformed(description: "A policy statement's Effect must be Allow or Deny.")
        }
        guard (object["Principal"] == nil) != (object["NotPrincipal"] == nil) else {
            throw Malformed(description: "A policy statement needs exactly one of Principal and NotPrincipal.")
        }
        guard (object["Action"] == nil) != (object["NotAction"] == nil) else {
            throw Malformed(description: "A policy statement needs exactly one of Action and NotAction.")
        }
        return Statement(
            allows: allows, principals: try object["Principal"].map(principals),
            notPrincipals: try object["NotPrincipal"].map(principals),
            actions: try object["Action"].map { value throws(Malformed) in try strings(value, "Action") },
            notActions: try object["NotAction"].map { value throws(Malformed) in try strings(value, "NotAction") },
            resources: try object["Resource"].map { value throws(Malformed) in try strings(value, "Resource") },
            notResources: try object["NotResource"].map { value throws(Malformed) in
                try strings(value, "NotResource")
            },
            conditions: try conditions(object["Condition"]))
    }

    static func strings(_ value: Any, _ name: String) throws(Malformed) -> [String] {
        if let single = value as? String { return [single] }
        if let list = value as? [Any], !list.isEmpty {
            var strings: [String] = []
            for item in list {
                guard let text = item as? String else { throw Malformed(description: "\(name) must hold strings.") }
                strings.append(text)
            }
            return strings
        }
        throw Malformed(description: "\(name) must be a string or a list of strings.")
    }

    static func principals(_ value: Any) throws(Malformed) -> Principals {
        if value as? String == "*" { return Principals(everyone: true) }
        guard let map = value as? [String: Any], !map.isEmpty else {
            throw Malformed(description: "A Principal must be \"*\" or a map of AWS or Service principals.")
        }
        var principals = Principals()
        for (kind, names) in map {
            let list = try strings(names, "Principal \(kind)")
            switch kind {
            case "AWS":
                if list.contains("*") { principals.everyone = true }
                principals.aws += list
            case "Service": principals.services += list
            default: throw Malformed(description: "Principal type \(kind) is not supported.")
            }
        }
        return principals
    }

    static func conditions(_ value: Any?) throws(Malformed) -> [Condition] {
        guard let value else { return [] }
        guard let map = value as? [String: Any] else { throw Malformed(description: "A Condition must be a map.") }
        var conditions: [Condition] = []
        for (operatorName, entries) in map {
            var name = Substring(operatorName)
            var qualifier = Condition.Qualifier.single
            if name.hasPrefix("ForAnyValue:") {
                qualifier = .anyValue
                name = name.dropFirst("ForAnyValue:".count)
            } else if name.hasPrefix("ForAllValues:") {
                qualifier = .allValues
                name = name.dropFirst("ForAllValues:".count)
            }
            let ifExists = name.hasSuffix("IfExists")
            if ifExists { name = name.dropLast("IfExists".count) }
            guard let test = Condition.Test(rawValue: String(name)), !(ifExists && test == .null) else {
                throw Malformed(description: "Condition operator \(operatorName) is not supported.")
            }
            guard let keys = entries as? [String: Any], !keys.isEmpty else {
                throw Malformed(description: "Condition operator \(operatorName) must map condition keys to values.")
            }
            for (key, raw) in keys {
                let lowered = key.lowercased()
                guard conditionKeys.contains(lowered) || lowered.hasPrefix(encryptionContextPrefix) else {
                    throw Malformed(description: "Condition key \(key) is not supported.")
                }
                let values: [String]
                switch raw {
                case let text as String: values = [text]
                case let number as NSNumber: values = [Self.text(number)]
                case let list as [Any]:
                    values = list.compactMap { ($0 as? String) ?? ($0 as? NSNumber).map(Self.text) }
                    guard values.count == list.count, !values.isEmpty else {
                        throw Malformed(
                            description: "Condition values for \(key) must be strings, numbers or booleans.")
                    }
                default: throw Malformed(description: "Condition values for \(key) must be strings or numbers.")
                }
                if test == .bool || test == .null,
                    values.contains(where: { $0.lowercased() != "true" && $0.lowercased() != "false" })
                {
                    throw Malformed(description: "\(test.rawValue) conditions take true or false.")
                }
                if test.rawValue.hasPrefix("Numeric"), values.contains(where: { Double($0) == nil }) {
                    throw Malformed(description: "\(test.rawValue) conditions take numbers.")
                }
                conditions.append(
                    Condition(test: test, qualifier: qualifier, ifExists: ifExists, key: lowered, values: values))
            }
        }
        return conditions
    }

    static func text(_ number: NSNumber) -> String {
        // JSON's true and false arrive as NSNumbers of type char.
        String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
    }

    // MARK: evaluation

    /// Whether `document` allows `request`; a document that does not parse allows nothing.
    public static func allows(_ document: String?, _ request: PolicyRequest) -> Bool {
        guard let document, let policy = try? ResourcePolicy(document) else { return false }
        return policy.allows(request)
    }

    public func allows(_ request: PolicyRequest) -> Bool { decision(request) == .allowed }

    public enum Decision: Sendable { case allowed, denied, notApplicable }

    /// An explicit Deny, an Allow, or no statement that applies (several policies are combined by their
    /// decisions: any Deny wins).
    public func decision(_ request: PolicyRequest) -> Decision {
        var allowed = false
        for statement in statements where statement.applies(to: request) {
            if !statement.allows { return .denied }
            allowed = true
        }
        return allowed ? .allowed : .notApplicable
    }
}

/// What a policy is evaluated against: who asks, for which action, and the condition keys of the request
/// (multi-valued keys hold several values). Keys are lower-cased.
public struct PolicyRequest: Sendable {
    public let account: String
    public let principal: String
    public let action: String
    /// The ARN of the resource asked for, where the policy's statements name resources (CloudWatch Logs).
    public var resource: String? = nil
    var context: [String: [String]]

    /// `aws:PrincipalAccount`, `kms:CallerAccount` (for KMS actions) and `aws:RequestedRegion` are set from the
    /// caller; `sourceAccount`/`sourceARN` (`aws:SourceAccount`, `aws:SourceArn`), `viaService`
    /// (`kms:ViaService`) and `encryptionContext` (`kms:EncryptionContext:*`, `kms:EncryptionContextKeys`)
    /// only when the request has them.
    public init(
        account: String, principal: String, action: String, region: String, sourceAccount: String? = nil,
        sourceARN: String? = nil, viaService: String? = nil, encryptionContext: [String: String]? = nil
    ) {
        self.account = account
        self.principal = principal
        self.action = action
        var context: [String: [String]] = ["aws:principalaccount": [account], "aws:requestedregion": [region]]
        if action.lowercased().hasPrefix("kms:") { context["kms:calleraccount"] = [account] }
        if let sourceAccount { context["aws:sourceaccount"] = [sourceAccount] }
        if let sourceARN { context["aws:sourcearn"] = [sourceARN] }
        if let viaService { context["kms:viaservice"] = [viaService] }
        if let encryptionContext {
            context["kms:encryptioncontextkeys"] = encryptionContext.keys.sorted()
            for (name, value) in encryptionContext {
                context[ResourcePolicy.encryptionContextPrefix + name.lowercased()] = [value]
            }
        }
        self.context = context
    }
}

extension ResourcePolicy.Statement {
    func applies(to request: PolicyRequest) -> Bool {
        if let principals, !principals.match(request) { return false }
        if let notPrincipals, notPrincipals.match(request) { return false }
        if let actions, !actions.contains(where: { Wildcard.matches($0, request.action, ignoringCase: true) }) {
            return false
        }
        if let notActions, notActions.contains(where: { Wildcard.matches($0, request.action, ignoringCase: true) }) {
            return false
        }
        if let resource = request.resource {
            if let resources, !resources.contains(where: { Wildcard.matches($0, resource, ignoringCase: false) }) {
                return false
            }
            if let notResources, notResources.contains(where: { Wildcard.matches($0, resource, ignoringCase: false) }) {
                return false
            }
        }
        return conditions.allSatisfy { $0.holds(for: request) }
    }
}

extension ResourcePolicy.Principals {
    func match(_ request: PolicyRequest) -> Bool {
        everyone
            || aws.contains { name in
                name == request.account || name == ARN.accountRoot(request.account).description
                    || name == request.principal
            }
            || services.contains(request.principal)
    }
}

extension ResourcePolicy.Condition {
    func holds(for request: PolicyRequest) -> Bool {
        let present = request.context[key]
        if test == .null {
            let absent = present?.isEmpty ?? true
            return values.contains { ($0.lowercased() == "true") == absent }
        }
        guard let present, !present.isEmpty else {
            // A missing key: true with IfExists, for ForAllValues (nothing to disagree), and for negated tests.
            return ifExists || qualifier == .allValues || (qualifier == .single && test.negated)
        }
        switch qualifier {
        case .single, .anyValue: return present.contains(where: matches)
        case .allValues: return present.allSatisfy(matches)
        }
    }

    /// One request value against the condition's values: any of them (for a negated test, none of them).
    func matches(_ value: String) -> Bool {
        let any = values.contains { expected in
            switch test {
            case .stringEquals, .stringNotEquals, .arnEquals, .arnNotEquals: value == expected
            case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: value.lowercased() == expected.lowercased()
            case .stringLike, .stringNotLike, .arnLike, .arnNotLike:
                Wildcard.matches(expected, value, ignoringCase: false)
            case .bool: value.lowercased() == expected.lowercased()
            case .numericEquals, .numericNotEquals: Double(value) == Double(expected)
            case .numericLessThan: (Double(value) ?? .nan) < (Double(expected) ?? .nan)
            case .numericLessThanEquals: (Double(value) ?? .nan) <= (Double(expected) ?? .nan)
            case .numericGreaterThan: (Double(value) ?? .nan) > (Double(expected) ?? .nan)
            case .numericGreaterThanEquals: (Double(value) ?? .nan) >= (Double(expected) ?? .nan)
            case .null: false
            }
        }
        return test.negated ? !any : any
    }
}

/// IAM's wildcards: `*` any run of characters, `?` one character.
enum Wildcard {
    static func matches(_ pattern: String, _ text: String, ignoringCase: Bool) -> Bool {
        let pattern = Array(ignoringCase ? pattern.lowercased() : pattern)
        let text = Array(ignoringCase ? text.lowercased() : text)
        var (p, t) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = (p, t)
                p += 1
            } else if let last = star {
                p = last.pattern + 1
                t = last.text + 1
                star = (last.pattern, last.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
