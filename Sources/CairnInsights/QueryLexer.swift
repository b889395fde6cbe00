/// A token of a Logs Insights query, with where it stands in the query (character offsets, end exclusive).
public struct QueryToken: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A name: a command, keyword, function or field (`@timestamp`, `status`, `a.b.0`, or `` `a-b` ``).
        case name(String)
        /// A name written between backquotes: always a field, never a keyword.
        case quotedName(String)
        case string(String)
        case number(Double)
        /// A duration literal as `bin()` takes it: `5m`, `1h`, `30s`, `100ms`.
        case duration(milliseconds: Int64)
        /// `/…/`: the pattern between the slashes, as written.
        case regex(String)
        case symbol(String)
        case end
    }

    public let kind: Kind
    public let start: Int
    public let end: Int
}

/// Splits a query into tokens. `#` starts a comment that runs to the end of the line. A `/` starts a regex
/// where an operand is expected and divides elsewhere.
public struct QueryLexer {
    let characters: [Character]
    var index = 0
    var tokens: [QueryToken] = []

    public static func tokens(_ query: String) throws(QueryError) -> [QueryToken] {
        var lexer = QueryLexer(characters: Array(query))
        try lexer.run()
        return lexer.tokens
    }

    static let symbols = [
        "!=", "<=", ">=", "=~", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/", "%", "^", ":",
    ]
    static let durationUnits: [(String, Int64)] = [
        ("ms", 1), ("s", 1000), ("sec", 1000), ("m", 60_000), ("min", 60_000), ("h", 3_600_000), ("hr", 3_600_000),
        ("d", 86_400_000), ("w", 604_800_000), ("mo", 2_592_000_000), ("q", 7_776_000_000), ("y", 31_536_000_000),
        ("msec", 1), ("second", 1000),
        ("minute", 60_000), ("hour", 3_600_000), ("day", 86_400_000), ("week", 604_800_000), ("mon", 2_592_000_000),
        ("month", 2_592_000_000), ("qtr", 7_776_000_000), ("quarter", 7_776_000_000), ("yr", 31_536_000_000),
        ("year", 31_536_000_000),
    ]

    private mutating func run() throws(QueryError) {
        while true {
            skipSpaceAndComments()
            guard index < characters.count else { break }
            let start = index
            let character = characters[index]
            if character == "\"" || character == "'" {
                tokens.append(QueryToken(kind: .string(try quoted(character)), start: start, end: index))
            } else if character == "`" {
                tokens.append(QueryToken(kind: .quotedName(try quoted("`")), start: start, end: index))
            } else if character == "/" && expectsOperand {
                tokens.append(QueryToken(kind: .regex(try regex()), start: start, end: index))
            } else if character.isNumber && character.isASCII {
                tokens.append(QueryToken(kind: try number(), start: start, end: index))
            } else if Self.startsName(character) {
                while index < characters.count, Self.continuesName(characters[index]) { index += 1 }
                tokens.append(QueryToken(kind: .name(String(characters[start..<index])), start: start, end: index))
            } else if let symbol = Self.symbols.first(where: { matches($0) }) {
                index += symbol.count
                tokens.append(QueryToken(kind: .symbol(symbol), start: start, end: index))
            } else {
                throw QueryError("unexpected character '\(character)'", start: start, end: start + 1)
            }
        }
        tokens.append(QueryToken(kind: .end, start: characters.count, end: characters.count))
    }

    static func startsName(_ character: Character) -> Bool {
        character == "@" || character == "_" || (character.isLetter && character.isASCII)
    }

    static func continuesName(_ character: Character) -> Bool {
        startsName(character) || (character.isNumber && character.isASCII) || character == "."
    }

    /// After an operator, `(`, `[`, `,`, `|`, a keyword or `parse <field>`, a `/` opens a regex; after an operand
    /// it divides.
    private var expectsOperand: Bool {
        guard let last = tokens.last else { return true }
        switch last.kind {
        case .symbol(let symbol): return symbol != ")" && symbol != "]"
        case .name(let name): return QueryParser.operandKeywords.contains(name.lowercased()) || followsParse
        case .quotedName: return followsParse
        default: return false
        }
    }

    /// Whether the last token is the field of `parse <field>`, which a pattern follows.
    private var followsParse: Bool {
        guard tokens.count >= 2, case .name(let command) = tokens[tokens.count - 2].kind else { return false }
        return command.lowercased() == "parse"
    }

    private func matches(_ symbol: String) -> Bool {
        let end = index + symbol.count
        return end <= characters.count && String(characters[index..<end]) == symbol
    }

    private mutating func skipSpaceAndComments() {
        while index < characters.count {
            if characters[index].isWhitespace {
                index += 1
            } else if characters[index] == "#" {
                while index < characters.count, !characters[index].isNewline { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func quoted(_ quote: Character) throws(QueryError) -> String {
        try delimited(by: quote, what: quote == "`" ? "quoted name" : "string") { escaped in
            switch escaped {
            case "n": "\n"
            case "t": "\t"
            case "r": "\r"
            default: escaped
            }
        }
    }

    /// The pattern between slashes, as written but for `\/`, which stands for `/`.
    private mutating func regex() throws(QueryError) -> String {
        try delimited(by: "/", what: "regular expression") { escaped in escaped == "/" ? "/" : nil }
    }

    /// The text from the opening delimiter at the cursor to the closing `delimiter`; a backslash followed by a
    /// character that `unescape` maps stands for what it maps to, any other backslash for itself.
    private mutating func delimited(
        by delimiter: Character, what: String, unescape: (Character) -> Character?
    ) throws(QueryError) -> String {
        let start = index
        index += 1
        var text = ""
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == delimiter { return text }
            if character == "\\", index < characters.count, let unescaped = unescape(characters[index]) {
                text.append(unescaped)
                index += 1
            } else {
                text.append(character)
            }
        }
        throw QueryError("unterminated \(what)", start: start, end: index)
    }

    /// A number, or a duration when letters of a time unit follow the digits directly (`5m`, `100ms`).
    private mutating func number() throws(QueryError) -> QueryToken.Kind {
        let start = index
        while index < characters.count, characters[index].isNumber && characters[index].isASCII { index += 1 }
        if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isNumber {
            index += 1
            while index < characters.count, characters[index].isNumber && characters[index].isASCII { index += 1 }
        }
        let digits = String(characters[start..<index])
        let unitStart = index
        while index < characters.count, characters[index].isLetter && characters[index].isASCII { index += 1 }
        let unit = String(characters[unitStart..<index]).lowercased()
        guard let value = Double(digits), value.isFinite else {
            throw QueryError("invalid number '\(digits)'", start: start, end: index)
        }
        if unit.isEmpty { return .number(value) }
        let singular = unit.count > 1 && unit.hasSuffix("s") && unit != "ms" ? String(unit.dropLast()) : unit
        guard let scale = Self.durationUnits.first(where: { $0.0 == unit || $0.0 == singular })?.1,
            let whole = Int64(exactly: value),
            case let (milliseconds, overflow) = whole.multipliedReportingOverflow(by: scale), !overflow
        else {
            throw QueryError("invalid time period '\(digits)\(unit)'", start: start, end: index)
        }
        return .duration(milliseconds: milliseconds)
    }
}

/// A query that does not compile: AWS's `MalformedQueryException` with `queryCompileError` (message and the
/// character offsets of the offending text).
public struct QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let start: Int
    public let end: Int

    public init(_ message: String, start: Int, end: Int) {
        self.message = message
        self.start = start
        self.end = end
    }

    public var description: String { "\(message) at \(start)-\(end)" }
}
