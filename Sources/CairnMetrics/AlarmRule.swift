/// Why PutCompositeAlarm refuses an `AlarmRule`; `message` is the text the service returns (the caller sends it as a
/// `ValidationError`). Which texts are AWS's own is listed in `AlarmRule`'s documentation.
public struct AlarmRuleError: Error, Equatable, Sendable {
    public let message: String

    /// `Error in AlarmRule [<detail>]`, the form of AWS's syntax errors.
    static func rule(_ detail: String) -> AlarmRuleError {
        AlarmRuleError(message: "Error in AlarmRule [\(detail)]")
    }

    /// The refusal of a rule naming alarms that do not exist. AWS's text, as CloudFormation users quote it
    /// (awsdocs/aws-cloudformation-user-guide#911); the brackets and the ", " between names are inferred.
    public static func missingChildren(_ names: [String]) -> AlarmRuleError {
        AlarmRuleError(
            message:
                "Could not save the composite alarm as alarms [\(names.joined(separator: ", "))] in the alarm rule do not exist"
        )
    }
}

/// A composite alarm's rule (PutCompositeAlarm's `AlarmRule`), parsed once and evaluated against the states of the
/// alarms it names, as AWS documents it (PutCompositeAlarm API reference; user guide, "Composite alarms"):
///
///     rule      := or
///     or        := and ("OR" and)*
///     and       := not ("AND" not)*
///     not       := "NOT"* primary
///     primary   := "(" or ")" | "TRUE" | "FALSE"
///                | ("ALARM" | "OK" | "INSUFFICIENT_DATA") "(" reference ")"
///                | "AT_LEAST" "(" count ["%"] "," ["NOT"] state "," "(" reference ("," reference)* ")" ")"
///     reference := an alarm name or ARN, bare or in double quotes
///
/// - Precedence is not documented (AWS's examples put every mix of AND and OR in parentheses): NOT binds tighter
///   than AND, and AND tighter than OR, as in most languages.
/// - Keywords: AWS documents upper case only and does not say whether it accepts others; Cairn accepts upper case
///   only, so `alarm(x)` is an unsupported token.
/// - References: "If specified without quotes, alarm names or ARNs must not contain spaces, round brackets, or
///   commas"; within quotes a `"` is written `\"`. Cairn also reads `\\` as one backslash and keeps any other
///   backslash as written.
/// - Limits: 1 to 10240 characters, at most 100 child alarms and 500 elements ("child alarms, TRUE or FALSE
///   statements, and parentheses. A pair of parentheses counts as one element"). Cairn counts each reference, each
///   TRUE or FALSE and each pair of grouping parentheses; the parentheses of a function's own syntax (`ALARM(x)`,
///   AT_LEAST's list) are not counted, which AWS does not say either way.
/// - AT_LEAST (AWS, November 2025): M is a count or a percentage of the alarms listed; AWS documents no bounds, so
///   Cairn takes the AWS CDK's: a count from 1 to the number listed, a percentage from 1 to 100.
///
/// Messages follow AWS's form, `Error in AlarmRule [Unsupported token 'Oldest' at char 67, must be: ')']` (chars
/// count from 0). AWS's own texts: that one, `Error in AlarmRule [Unsupported token ')' at char 1]` (for `()`), the
/// length messages (its constraint format) and `AlarmRuleError.missingChildren`; all others are Cairn's, in that form.
public struct AlarmRule: Sendable, Equatable {
    public indirect enum Expression: Sendable, Equatable {
        case constant(Bool)
        /// `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)`: the reference as written, without quotes or escapes.
        case state(AlarmState, String)
        /// `AT_LEAST(M, [NOT] STATE, (x, y, ...))`.
        case atLeast(Threshold, AlarmState, negated: Bool, [String])
        case not(Expression)
        /// Two or more operands joined by AND (by OR) at one level of parentheses.
        case and([Expression])
        case or([Expression])
    }

    /// AT_LEAST's M.
    public enum Threshold: Sendable, Equatable {
        case count(Int)
        case percent(Int)

        init?(_ written: String) {
            let isPercent = written.hasSuffix("%")
            let digits = isPercent ? written.dropLast() : Substring(written)
            guard digits.first?.isNumber == true, let value = Int(digits) else { return nil }
            self = isPercent ? .percent(value) : .count(value)
        }

        func isMet(by matching: Int, of listed: Int) -> Bool {
            switch self {
            case .count(let count): matching >= count
            case .percent(let percent): matching * 100 >= percent * listed
            }
        }
    }

    /// AlarmRule's length constraint ("Minimum length of 1. Maximum length of 10240").
    public static let maximumLength = 10_240
    /// "An AlarmRule expression can specify as many as 100 "child" alarms" (distinct references).
    public static let maximumChildren = 100
    /// "The AlarmRule expression can have as many as 500 elements".
    public static let maximumElements = 500

    public let text: String
    public let expression: Expression
    /// The alarms the rule names, in order of first appearance, each once.
    public let children: [String]

    public init(parsing text: String) throws(AlarmRuleError) {
        let length = text.unicodeScalars.count
        guard length >= 1, length <= Self.maximumLength else {
            let bound = length < 1 ? "greater than or equal to 1" : "less than or equal to \(Self.maximumLength)"
            throw AlarmRuleError(
                message:
                    "1 validation error detected: Value '\(text)' at 'alarmRule' failed to satisfy constraint: Member must have length \(bound)"
            )
        }
        var parser = try RuleParser(text)
        self.init(text: text, expression: try parser.parseRule())
    }

    private init(text: String, expression: Expression) {
        self.text = text
        self.expression = expression
        var seen = Set<String>()
        var children: [String] = []
        func visit(_ expression: Expression) {
            switch expression {
            case .constant: break
            case .state(_, let reference): if seen.insert(reference).inserted { children.append(reference) }
            case .atLeast(_, _, _, let references):
                for reference in references where seen.insert(reference).inserted { children.append(reference) }
            case .not(let operand): visit(operand)
            case .and(let operands), .or(let operands): for operand in operands { visit(operand) }
            }
        }
        visit(expression)
        self.children = children
    }

    /// Whether the rule holds (the composite alarm is in ALARM) given each child's current state. A child that does
    /// not exist (`nil`) is in no state: `ALARM(x)`, `OK(x)` and `INSUFFICIENT_DATA(x)` are false for it and
    /// `NOT ALARM(x)` true. AWS documents nothing for this case because it cannot arise there: PutCompositeAlarm
    /// refuses unknown children (`AlarmRuleError.missingChildren`) and an alarm a composite alarm names cannot be
    /// deleted (the user guide's note on cycles).
    public func evaluate(_ state: (String) -> AlarmState?) -> Bool {
        Self.value(of: expression, state)
    }

    private static func value(of expression: Expression, _ state: (String) -> AlarmState?) -> Bool {
        switch expression {
        case .constant(let value):
            return value
        case .state(let wanted, let reference):
            return state(reference) == wanted
        case .atLeast(let threshold, let wanted, let negated, let references):
            let matching = references.count { (state($0) == wanted) != negated }
            return threshold.isMet(by: matching, of: references.count)
        case .not(let operand):
            return !value(of: operand, state)
        case .and(let operands):
            return operands.allSatisfy { value(of: $0, state) }
        case .or(let operands):
            return operands.contains { value(of: $0, state) }
        }
    }

    /// The same rule with every reference replaced by the alarm name it designates, for a composite alarm in
    /// `account` and `region`; `text` is kept as written.
    public func resolvingReferences(account: String, region: String) throws(AlarmRuleError) -> AlarmRule {
        func name(_ reference: String) throws(AlarmRuleError) -> String {
            try Self.alarmName(of: reference, account: account, region: region)
        }
        func resolve(_ expression: Expression) throws(AlarmRuleError) -> Expression {
            switch expression {
            case .constant: expression
            case .state(let state, let reference): .state(state, try name(reference))
            case .atLeast(let threshold, let state, let negated, let references):
                .atLeast(threshold, state, negated: negated, try references.map(name))
            case .not(let operand): .not(try resolve(operand))
            case .and(let operands): .and(try operands.map(resolve))
            case .or(let operands): .or(try operands.map(resolve))
            }
        }
        return AlarmRule(text: text, expression: try resolve(expression))
    }

    /// The alarm name a reference designates: the reference itself, or the name in an alarm ARN
    /// (`arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`), which must be of the composite alarm's own
    /// account and Region ("all underlying alarms must be in the same AWS Region and the same account"). Both
    /// messages are Cairn's; AWS's are not documented.
    public static func alarmName(
        of reference: String, account: String, region: String
    ) throws(AlarmRuleError)
        -> String
    {
        guard reference.hasPrefix("arn:") else { return reference }
        let parts = reference.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, !parts[1].isEmpty, parts[2] == "cloudwatch", parts[5] == "alarm", !parts[6].isEmpty
        else {
            throw AlarmRuleError.rule("\(reference) is not an alarm ARN")
        }
        guard parts[3] == region, parts[4] == account else {
            throw AlarmRuleError.rule("Alarm \(reference) is not in the account and Region of the composite alarm")
        }
        return String(parts[6])
    }
}

/// A token of a rule: a parenthesis, a comma, a word (a keyword, a count or a bare reference) or a quoted reference.
private struct RuleToken {
    enum Kind {
        case open, close, comma, word, quoted, end
    }

    let kind: Kind
    /// The token as written, quotes included.
    let raw: String
    /// A word as written; a quoted reference without its quotes and escapes.
    let value: String
    /// Unicode scalars before the token (AWS's "char", counted from 0).
    let position: Int
}

private func ruleTokens(_ text: String) throws(AlarmRuleError) -> [RuleToken] {
    let scalars = Array(text.unicodeScalars)
    func written(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
    var tokens: [RuleToken] = []
    var index = 0
    while index < scalars.count {
        let start = index
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case _ where scalar.properties.isWhitespace:
            continue
        case "(", ")", ",":
            let kind: RuleToken.Kind = scalar == "(" ? .open : scalar == ")" ? .close : .comma
            tokens.append(RuleToken(kind: kind, raw: String(scalar), value: String(scalar), position: start))
        case "\"":
            var value = String.UnicodeScalarView()
            while true {
                guard index < scalars.count else {
                    throw AlarmRuleError.rule("Unterminated quoted name at char \(start)")
                }
                let next = scalars[index]
                index += 1
                if next == "\"" { break }
                let escaped =
                    next == "\\" && index < scalars.count && (scalars[index] == "\"" || scalars[index] == "\\")
                value.append(escaped ? scalars[index] : next)
                if escaped { index += 1 }
            }
            tokens.append(RuleToken(kind: .quoted, raw: written(start..<index), value: String(value), position: start))
        default:
            while index < scalars.count, !scalars[index].properties.isWhitespace,
                !"(),".unicodeScalars.contains(scalars[index])
            {
                index += 1
            }
            let word = written(start..<index)
            tokens.append(RuleToken(kind: .word, raw: word, value: word, position: start))
        }
    }
    tokens.append(RuleToken(kind: .end, raw: "", value: "", position: scalars.count))
    return tokens
}

/// A recursive-descent parser over a rule's tokens. Recursion is bounded: only grouping parentheses nest, and there
/// can be at most 500 of them; a chain of NOTs is read in a loop.
private struct RuleParser {
    private let tokens: [RuleToken]
    private var index = 0
    private var elements = 0
    private var children = Set<String>()

    init(_ text: String) throws(AlarmRuleError) {
        tokens = try ruleTokens(text)
    }

    private var token: RuleToken { tokens[index] }

    mutating func parseRule() throws(AlarmRuleError) -> AlarmRule.Expression {
        let expression = try parseOr()
        guard token.kind == .end else { throw unsupported(token) }
        return expression
    }

    private mutating func parseOr() throws(AlarmRuleError) -> AlarmRule.Expression {
        var operands = [try parseAnd()]
        while take("OR") { operands.append(try parseAnd()) }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func parseAnd() throws(AlarmRuleError) -> AlarmRule.Expression {
        var operands = [try parseNot()]
        while take("AND") { operands.append(try parseNot()) }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func parseNot() throws(AlarmRuleError) -> AlarmRule.Expression {
        var negations = 0
        while take("NOT") { negations += 1 }
        var expression = try parsePrimary()
        for _ in 0..<negations { expression = .not(expression) }
        return expression
    }

    private mutating func parsePrimary() throws(AlarmRuleError) -> AlarmRule.Expression {
        let first = token
        switch (first.kind, first.value) {
        case (.open, _):
            index += 1
            try countElement()
            let inner = try parseOr()
            try expect(.close, "')'")
            return inner
        case (.word, "TRUE"), (.word, "FALSE"):
            index += 1
            try countElement()
            return .constant(first.value == "TRUE")
        case (.word, "AT_LEAST"):
            index += 1
            return try parseAtLeast()
        case (.word, _):
            guard let state = AlarmState(rawValue: first.value) else { throw unsupported(first) }
            index += 1
            try expect(.open, "'('")
            let reference = try parseReference()
            try expect(.close, "')'")
            return .state(state, reference)
        default:
            throw unsupported(first)
        }
    }

    private mutating func parseAtLeast() throws(AlarmRuleError) -> AlarmRule.Expression {
        try expect(.open, "'('")
        let written = token
        guard written.kind == .word, let threshold = AlarmRule.Threshold(written.value) else {
            throw unsupported(written, mustBe: "a count or a percentage")
        }
        index += 1
        try expect(.comma, "','")
        let negated = take("NOT")
        guard token.kind == .word, let state = AlarmState(rawValue: token.value) else {
            throw unsupported(token, mustBe: "ALARM, OK or INSUFFICIENT_DATA")
        }
        index += 1
        try expect(.comma, "','")
        try expect(.open, "'('")
        var references = [try parseReference()]
        while token.kind == .comma {
            index += 1
            references.append(try parseReference())
        }
        try expect(.close, "',' or ')'")
        try expect(.close, "')'")
        let (value, upper, unit) =
            switch threshold {
            case .count(let count): (count, references.count, "")
            case .percent(let percent): (percent, 100, "%")
            }
        guard (1...upper).contains(value) else {
            throw AlarmRuleError.rule(
                "AT_LEAST threshold '\(written.raw)' at char \(written.position) must be between 1\(unit) and \(upper)\(unit)"
            )
        }
        return .atLeast(threshold, state, negated: negated, references)
    }

    private mutating func parseReference() throws(AlarmRuleError) -> String {
        let reference = token
        guard reference.kind == .word || reference.kind == .quoted else {
            throw unsupported(reference, mustBe: "an alarm name or ARN")
        }
        guard !reference.value.isEmpty else {
            throw AlarmRuleError.rule("Empty alarm name at char \(reference.position)")
        }
        index += 1
        try countElement()
        if children.insert(reference.value).inserted, children.count > AlarmRule.maximumChildren {
            throw AlarmRuleError.rule("The rule names more than \(AlarmRule.maximumChildren) child alarms")
        }
        return reference.value
    }

    private mutating func countElement() throws(AlarmRuleError) {
        elements += 1
        guard elements <= AlarmRule.maximumElements else {
            throw AlarmRuleError.rule(
                "The rule has more than \(AlarmRule.maximumElements) elements (child alarms, TRUE or FALSE and pairs of parentheses)"
            )
        }
    }

    private mutating func take(_ keyword: String) -> Bool {
        guard token.kind == .word, token.value == keyword else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ kind: RuleToken.Kind, _ description: String) throws(AlarmRuleError) {
        guard token.kind == kind else { throw unsupported(token, mustBe: description) }
        index += 1
    }

    private func unsupported(_ token: RuleToken, mustBe expected: String? = nil) -> AlarmRuleError {
        let what = token.kind == .end ? "Unexpected end of rule" : "Unsupported token '\(token.raw)'"
        let suffix = expected.map { ", must be: \($0)" } ?? ""
        return AlarmRuleError.rule("\(what) at char \(token.position)\(suffix)")
    }
}
