/// A token of an expression.
struct MathToken {
    enum Kind: Equatable {
        case number(Double)
        /// An id, a function name or a keyword: a letter, then letters, digits and underscores.
        case word(String)
        /// A quoted string, without its quotes.
        case string(String)
        /// An operator or punctuation: `( ) [ ] ,` and the operators.
        case symbol(String)
        case end
    }

    let kind: Kind
    /// The token as written.
    let raw: String
    /// Unicode scalars before the token.
    let position: Int

    var word: String? {
        if case .word(let word) = kind { word } else { nil }
    }

    var symbol: String? {
        if case .symbol(let symbol) = kind { symbol } else { nil }
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
}

/// Splits an expression into tokens.
private func mathTokens(_ text: String) throws(MetricMathError) -> [MathToken] {
    let scalars = Array(text.unicodeScalars)
    func written(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
    func isDigit(_ index: Int) -> Bool { index < scalars.count && ("0"..."9").contains(scalars[index]) }
    func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }
    var tokens: [MathToken] = []
    var index = 0
    while index < scalars.count {
        let start = index
        let scalar = scalars[index]
        if scalar.properties.isWhitespace {
            index += 1
            continue
        }
        if isDigit(index) || (scalar == "." && isDigit(index + 1)) {
            while isDigit(index) { index += 1 }
            if index < scalars.count, scalars[index] == ".", isDigit(index + 1) {
                index += 1
                while isDigit(index) { index += 1 }
            }
            if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
                let sign = index + 1 < scalars.count && (scalars[index + 1] == "+" || scalars[index + 1] == "-")
                if isDigit(index + (sign ? 2 : 1)) {
                    index += sign ? 2 : 1
                    while isDigit(index) { index += 1 }
                }
            }
            let raw = written(start..<index)
            guard let value = Double(raw), value.isFinite else {
                throw MetricMathError(message: "The number \(raw) at char \(start) is out of range")
            }
            tokens.append(MathToken(kind: .number(value), raw: raw, position: start))
        } else if scalar.isASCII, scalar.properties.isAlphabetic {
            while index < scalars.count, isWordCharacter(scalars[index]) { index += 1 }
            let word = written(start..<index)
            tokens.append(MathToken(kind: .word(word), raw: word, position: start))
        } else if scalar == "\"" || scalar == "'" {
            index += 1
            while index < scalars.count, scalars[index] != scalar { index += 1 }
            guard index < scalars.count else {
                throw MetricMathError(message: "Unterminated string at char \(start)")
            }
            index += 1
            tokens.append(
                MathToken(
                    kind: .string(written((start + 1)..<(index - 1))), raw: written(start..<index), position: start))
        } else {
            let pair = index + 1 < scalars.count ? written(index..<(index + 2)) : ""
            let symbol: String
            if ["<=", ">=", "==", "!=", "&&", "||"].contains(pair) {
                symbol = pair
            } else if "()[],+-*/^<>".unicodeScalars.contains(scalar) {
                symbol = String(scalar)
            } else {
                throw MetricMathError(message: "Unexpected character '\(scalar)' at char \(start)")
            }
            index += symbol.unicodeScalars.count
            tokens.append(MathToken(kind: .symbol(symbol), raw: symbol, position: start))
        }
    }
    tokens.append(MathToken(kind: .end, raw: "", position: scalars.count))
    return tokens
}

/// A recursive-descent parser over an expression's tokens. Recursion is bounded: every construct that recurses
/// (parentheses, arrays, arguments, unary minus, the right side of `^`) counts one level of nesting, at most
/// `MetricExpression.maximumNesting`; operators of one precedence level are read in a loop.
struct MathParser {
    private let tokens: [MathToken]
    private var index = 0
    private var nesting = 0

    /// Keywords: FILL's fillers, SORT's functions and orders. Outside those arguments they are refused.
    static let keywords: Set<String> = ["REPEAT", "LINEAR", "AVG", "MIN", "MAX", "SUM", "ASC", "DESC"]

    init(_ text: String) throws(MetricMathError) {
        tokens = try mathTokens(text)
    }

    private var token: MathToken { tokens[index] }

    private var next: MathToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func parseExpression() throws(MetricMathError) -> MathNode {
        if token.word == "SELECT" {
            throw MetricMathError(message: "Metrics Insights queries (SELECT …) are not supported")
        }
        let expression = try parseLevel(0)
        guard token.kind == .end else { throw unexpected(token) }
        return expression
    }

    /// Operands joined by the operators of `level` (see `MathOperator.level`); level 5, `^`, is `parsePower`.
    private mutating func parseLevel(_ level: Int) throws(MetricMathError) -> MathNode {
        let first = level == 4 ? try parseUnary() : try parseLevel(level + 1)
        var steps: [MathStep] = []
        while let symbol = token.word ?? token.symbol, let found = MathOperator(token: symbol), found.level == level {
            let position = token.position
            index += 1
            let operand = level == 4 ? try parseUnary() : try parseLevel(level + 1)
            steps.append(MathStep(operator: found, operand: operand, position: position))
        }
        return steps.isEmpty ? first : MathNode(kind: .operation(first, steps), position: first.position)
    }

    private mutating func parseUnary() throws(MetricMathError) -> MathNode {
        guard token.isSymbol("-") else { return try parsePower() }
        let position = token.position
        index += 1
        try enter(at: position)
        defer { nesting -= 1 }
        return MathNode(kind: .negation(try parseUnary()), position: position)
    }

    private mutating func parsePower() throws(MetricMathError) -> MathNode {
        let base = try parsePrimary()
        guard token.isSymbol("^") else { return base }
        let position = token.position
        index += 1
        try enter(at: position)
        defer { nesting -= 1 }
        let exponent = try parseUnary()
        return MathNode(
            kind: .operation(base, [MathStep(operator: .power, operand: exponent, position: position)]),
            position: base.position)
    }

    private mutating func parsePrimary() throws(MetricMathError) -> MathNode {
        let first = token
        switch first.kind {
        case .number(let value):
            index += 1
            return MathNode(kind: .number(value), position: first.position)
        case .symbol("("):
            index += 1
            try enter(at: first.position)
            defer { nesting -= 1 }
            let inner = try parseLevel(0)
            try expect(")")
            return inner
        case .symbol("["):
            index += 1
            try enter(at: first.position)
            defer { nesting -= 1 }
            var elements = [try parseLevel(0)]
            while token.isSymbol(",") {
                index += 1
                elements.append(try parseLevel(0))
            }
            try expect("]", or: "','")
            return MathNode(kind: .array(elements), position: first.position)
        case .word(let word):
            return try parseWord(word, at: first.position)
        case .string:
            throw MetricMathError(
                message: "Unexpected string \(first.raw) at char \(first.position): only METRICS takes a string")
        default:
            throw unexpected(first)
        }
    }

    /// An id, or a function call.
    private mutating func parseWord(_ word: String, at position: Int) throws(MetricMathError) -> MathNode {
        let isCall = next.isSymbol("(")
        guard let initial = word.unicodeScalars.first, ("A"..."Z").contains(initial) else {
            guard !isCall else {
                let detail =
                    MathFunction(rawValue: word.uppercased()) == nil
                    ? "" : ": function names are written in uppercase letters"
                throw MetricMathError(message: "Unknown function \(word) at char \(position)\(detail)")
            }
            index += 1
            return MathNode(kind: .reference(word), position: position)
        }
        guard isCall else {
            if Self.keywords.contains(word) || MathOperator(token: word) != nil {
                throw MetricMathError(message: "Unexpected keyword \(word) at char \(position)")
            }
            throw MetricMathError(
                message:
                    "Invalid id \(word) at char \(position): an id starts with a lowercase letter and contains only letters, numbers and underscores"
            )
        }
        guard let function = MathFunction(rawValue: word) else {
            if MathFunction.unsupported.contains(word) {
                throw MetricMathError(message: "The function \(word) at char \(position) is not supported")
            }
            throw MetricMathError(message: "Unknown function \(word) at char \(position)")
        }
        index += 2
        try enter(at: position)
        defer { nesting -= 1 }
        var arguments: [MathNode] = []
        if token.isSymbol(")") {
            index += 1
        } else {
            repeat {
                arguments.append(try parseArgument(of: function, at: arguments.count))
            } while take(",")
            try expect(")", or: "','")
        }
        guard function.arity.contains(arguments.count) else {
            let counts =
                function.arity.count == 1
                ? "\(function.arity.lowerBound) argument\(function.arity.lowerBound == 1 ? "" : "s")"
                : "\(function.arity.lowerBound) to \(function.arity.upperBound) arguments"
            throw MetricMathError(
                message: "\(word) at char \(position) takes \(counts), not \(arguments.count)")
        }
        if function == .period {
            guard case .reference = arguments[0].kind else {
                throw MetricMathError(
                    message: "PERIOD at char \(position) takes the id of a metric, not an expression")
            }
        }
        return MathNode(kind: .call(function, arguments), position: position)
    }

    /// One argument: a string or keyword where `function` takes one there, otherwise an expression.
    private mutating func parseArgument(
        of function: MathFunction, at argument: Int
    ) throws(MetricMathError)
        -> MathNode
    {
        let literal = token
        let alone = next.isSymbol(",") || next.isSymbol(")")
        switch (function, argument) {
        case (.metrics, 0):
            guard case .string(let text) = literal.kind, alone else {
                throw MetricMathError(message: "METRICS at char \(literal.position) takes a string, in quotes")
            }
            index += 1
            return MathNode(kind: .string(text), position: literal.position)
        case (.sort, 1), (.sort, 2):
            let allowed = argument == 1 ? ["AVG", "MIN", "MAX", "SUM"] : ["ASC", "DESC"]
            guard let word = literal.word, allowed.contains(word), alone else {
                throw MetricMathError(
                    message:
                        "Argument \(argument + 1) of SORT at char \(literal.position) must be one of \(allowed.joined(separator: ", "))"
                )
            }
            index += 1
            return MathNode(kind: .keyword(word), position: literal.position)
        case (.fill, 1):
            if let word = literal.word, word == "REPEAT" || word == "LINEAR", alone {
                index += 1
                return MathNode(kind: .keyword(word), position: literal.position)
            }
        default:
            break
        }
        return try parseLevel(0)
    }

    private mutating func enter(at position: Int) throws(MetricMathError) {
        nesting += 1
        guard nesting <= MetricExpression.maximumNesting else {
            throw MetricMathError(
                message:
                    "The expression nests more than \(MetricExpression.maximumNesting) levels deep at char \(position)")
        }
    }

    private mutating func take(_ symbol: String) -> Bool {
        guard token.isSymbol(symbol) else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ symbol: String, or alternative: String? = nil) throws(MetricMathError) {
        guard take(symbol) else {
            throw unexpected(
                token, expected: ([alternative].compactMap { $0 } + ["'\(symbol)'"]).joined(separator: " or "))
        }
    }

    private func unexpected(_ token: MathToken, expected: String? = nil) -> MetricMathError {
        let what =
            token.kind == .end
            ? "Unexpected end of expression" : "Unexpected token '\(token.raw)' at char \(token.position)"
        return MetricMathError(message: what + (expected.map { ", expected \($0)" } ?? ""))
    }
}
