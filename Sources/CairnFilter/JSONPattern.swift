/// `{ $.latency > 500 && ($.level = "ERROR" || $.retry IS TRUE) }`: conditions on the values of a JSON event.
/// An event that is not JSON never matches.
struct JSONPattern: Sendable {
    indirect enum Expression: Sendable {
        case all(Expression, Expression)
        case any(Expression, Expression)
        case test(JSONSelector, Test)
    }

    enum Test: Sendable {
        case condition(ValueCondition)
        case isNull, isTrue, isFalse, notExists, exists
    }

    let expression: Expression
    let selectors: [JSONSelector]
    /// Byte strings every matching event contains when it has no escape sequence: the quoted last key of each
    /// selector the pattern needs, and literal values it compares for equality. A quick search rules most
    /// events out before any JSON is walked; with a backslash in the event the check is skipped, so an
    /// escaped spelling can never hide a match.
    let required: [[UInt8]]

    static let valueStops = Set("&|()}".utf8)

    /// Parses a pattern starting with `{`.
    init(_ cursor: inout PatternCursor, regexCount: inout Int) throws(FilterPatternError) {
        guard cursor.consume("{") else { throw .invalid }
        var selectors: [JSONSelector] = []
        expression = try Self.parseAny(&cursor, &selectors, &regexCount, depth: 0)
        guard cursor.consume("}") else { throw .invalid }
        cursor.skipSpaces()
        guard cursor.isAtEnd else { throw .invalid }
        guard selectors.count(where: \.hasWildcard) <= FilterPatternLimits.maximumWildcardSelectors else {
            throw .invalid
        }
        self.selectors = selectors
        required = Self.requiredBytes(expression)
    }

    private static func requiredBytes(_ expression: Expression) -> [[UInt8]] {
        switch expression {
        case .all(let left, let right):
            return requiredBytes(left) + requiredBytes(right)
        case .any:
            return []
        case .test(let selector, let test):
            if case .notExists = test { return [] }
            var bytes: [[UInt8]] = []
            if case .key(let key)? = selector.steps.last {
                bytes.append([UInt8(ascii: "\"")] + key + [UInt8(ascii: "\"")])
            }
            if case .condition(let condition) = test, condition.comparison == .equal,
                case .text(let glob) = condition.value,
                !glob.hasWildcard, !glob.text.isEmpty
            {
                bytes.append(glob.text)
            }
            return bytes
        }
    }

    /// `depth` is the number of parentheses open around the cursor; each one recurses, so they nest at most
    /// `FilterPatternLimits.maximumNestingDepth` levels.
    private static func parseAny(
        _ cursor: inout PatternCursor, _ selectors: inout [JSONSelector], _ regexCount: inout Int, depth: Int
    ) throws(FilterPatternError) -> Expression {
        var expression = try parseAll(&cursor, &selectors, &regexCount, depth: depth)
        while cursor.consume("||") {
            expression = .any(expression, try parseAll(&cursor, &selectors, &regexCount, depth: depth))
        }
        return expression
    }

    private static func parseAll(
        _ cursor: inout PatternCursor, _ selectors: inout [JSONSelector], _ regexCount: inout Int, depth: Int
    ) throws(FilterPatternError) -> Expression {
        var expression = try parsePrimary(&cursor, &selectors, &regexCount, depth: depth)
        while cursor.consume("&&") {
            expression = .all(expression, try parsePrimary(&cursor, &selectors, &regexCount, depth: depth))
        }
        return expression
    }

    private static func parsePrimary(
        _ cursor: inout PatternCursor, _ selectors: inout [JSONSelector], _ regexCount: inout Int, depth: Int
    ) throws(FilterPatternError) -> Expression {
        if cursor.consume("(") {
            guard depth < FilterPatternLimits.maximumNestingDepth else { throw .nestedTooDeeply }
            let inner = try parseAny(&cursor, &selectors, &regexCount, depth: depth + 1)
            guard cursor.consume(")") else { throw .invalid }
            return inner
        }
        cursor.skipSpaces()
        let selector = try JSONSelector.parse(&cursor)
        selectors.append(selector)
        if cursor.consumeKeyword("IS") {
            if cursor.consumeKeyword("NULL") { return .test(selector, .isNull) }
            if cursor.consumeKeyword("TRUE") { return .test(selector, .isTrue) }
            if cursor.consumeKeyword("FALSE") { return .test(selector, .isFalse) }
            throw .invalid
        }
        if cursor.consumeKeyword("NOT") {
            guard cursor.consumeKeyword("EXISTS") else { throw .invalid }
            return .test(selector, .notExists)
        }
        if cursor.consumeKeyword("EXISTS") { return .test(selector, .exists) }
        guard let condition = try ValueCondition.parse(&cursor, valueStops: valueStops, regexCount: &regexCount)
        else {
            cursor.skipSpaces()
            throw .invalidCharacters(cursor.readBare(stoppingAt: []))
        }
        return .test(selector, .condition(condition))
    }

    func matches(_ message: ArraySlice<UInt8>) -> Bool {
        guard JSONReader(bytes: message).looksLikeJSON else { return false }
        if !required.isEmpty, !TermsPattern.contains(message, [UInt8(ascii: "\\")]) {
            for bytes in required where !TermsPattern.contains(message, bytes) { return false }
        }
        return Self.evaluate(expression, message)
    }

    private static func evaluate(_ expression: Expression, _ message: ArraySlice<UInt8>) -> Bool {
        switch expression {
        case .all(let left, let right):
            return evaluate(left, message) && evaluate(right, message)
        case .any(let left, let right):
            return evaluate(left, message) || evaluate(right, message)
        case .test(let selector, let test):
            // With `[*]` a test holds when it holds for one element; `NOT EXISTS` when no element has the path.
            switch test {
            case .notExists: return !selector.anyValue(in: message, knownJSON: true) { _ in true }
            case .exists: return selector.anyValue(in: message, knownJSON: true) { _ in true }
            case .isNull:
                return selector.anyValue(in: message, knownJSON: true) { if case .null = $0 { true } else { false } }
            case .isTrue:
                return selector.anyValue(in: message, knownJSON: true) {
                    if case .boolean(true) = $0 { true } else { false }
                }
            case .isFalse:
                return selector.anyValue(in: message, knownJSON: true) {
                    if case .boolean(false) = $0 { true } else { false }
                }
            case .condition(let condition):
                return selector.anyValue(in: message, knownJSON: true) { condition.holds(for: $0) }
            }
        }
    }
}
