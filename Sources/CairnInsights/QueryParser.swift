/// Parses the Logs Insights query language (AWS's "CloudWatch Logs Insights language query syntax"): commands
/// separated by `|`, expressions with `or` < `and` < `not` < comparisons (`=`, `!=`, `<`, `<=`, `>`, `>=`,
/// `like`, `=~`, `in`) < `+ -` < `* / %` < `^` < unary minus. Keywords and function names are
/// case-insensitive; field names are not.
public struct QueryParser {
    var tokens: [QueryToken]
    var position = 0
    let text: [Character]

    /// The longest query AWS accepts (`queryString`: 10,000 characters).
    public static let maximumLength = 10_000
    static let commands: Set<String> = [
        "fields", "display", "filter", "filterindex", "stats", "sort", "limit", "dedup", "parse", "unnest",
    ]
    /// Keywords after which a `/` opens a regex.
    static let operandKeywords: Set<String> = ["like", "and", "or", "not", "filter", "in", "parse", "by", "as"]
    /// How deeply expressions may nest: deeper ones are refused before they can exhaust the stack.
    static let maximumDepth = 100

    public static func parse(_ query: String) throws(QueryError) -> Query {
        let count = query.count
        guard count <= maximumLength else {
            throw QueryError("the query is longer than \(maximumLength) characters", start: 0, end: count)
        }
        var parser = QueryParser(tokens: try QueryLexer.tokens(query), text: Array(query))
        return try parser.query()
    }

    private var current: QueryToken { tokens[position] }
    private var depth = 0

    private mutating func advance() -> QueryToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .name(let name) = current.kind { return name.lowercased() == keyword }
        return false
    }

    private func error(_ message: String, at token: QueryToken? = nil) -> QueryError {
        let token = token ?? current
        return QueryError(message, start: token.start, end: max(token.end, token.start + 1))
    }

    private var found: String { describe(current) }

    private func describe(_ token: QueryToken) -> String {
        token.kind == .end ? "the end of the query" : "'\(String(text[token.start..<token.end]))'"
    }

    /// Moves past `symbol` if it is next; says whether it was.
    private mutating func consume(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        _ = advance()
        return true
    }

    private mutating func expect(_ symbol: String) throws(QueryError) {
        guard isSymbol(symbol) else { throw error("expected '\(symbol)' but found \(found)") }
        _ = advance()
    }

    mutating func query() throws(QueryError) -> Query {
        var commands: [Command] = []
        repeat {
            commands.append(try command())
        } while consume("|")
        guard current.kind == .end else { throw error("expected '|' or the end of the query but found \(found)") }
        return Query(commands: commands)
    }

    private mutating func command() throws(QueryError) -> Command {
        let token = advance()
        guard case .name(let word) = token.kind, Self.commands.contains(word.lowercased()) else {
            throw error("expected a command but found \(describe(token))", at: token)
        }
        switch word.lowercased() {
        case "fields": return .fields(try namedList())
        case "display": return .display(try namedList())
        case "filter": return .filter(try expression())
        case "filterindex": return .filterIndex(try expression())
        case "stats":
            let aggregations = try namedList()
            var groups: [NamedExpression] = []
            if isKeyword("by") {
                _ = advance()
                groups = try namedList()
            }
            return .stats(aggregations, by: groups)
        case "sort":
            var keys: [SortKey] = []
            repeat {
                let expression = try expression()
                var descending = false
                if isKeyword("desc") {
                    _ = advance()
                    descending = true
                } else if isKeyword("asc") {
                    _ = advance()
                }
                keys.append(SortKey(expression: expression, descending: descending))
            } while consume(",")
            return .sort(keys)
        case "limit":
            let token = advance()
            guard case .number(let value) = token.kind, let count = Int(exactly: value), count > 0 else {
                throw error("limit needs a positive whole number", at: token)
            }
            return .limit(count)
        case "dedup":
            var names: [String] = []
            repeat { names.append(try fieldName()) } while consume(",")
            return .dedup(names)
        case "parse": return try parseCommand()
        default:
            let field = try fieldName()
            guard isKeyword("into") else { throw error("expected 'into' but found \(found)") }
            _ = advance()
            return .unnest(field: field, into: try fieldName())
        }
    }

    private mutating func parseCommand() throws(QueryError) -> Command {
        let field = try fieldName()
        let token = advance()
        switch token.kind {
        case .string(let glob):
            guard isKeyword("as") else { throw error("a glob parse needs 'as' and one name per '*'") }
            _ = advance()
            var names: [String] = []
            repeat { names.append(try fieldName()) } while consume(",")
            let stars = glob.filter { $0 == "*" }.count
            guard stars == names.count else {
                throw QueryError(
                    "the pattern has \(stars) '*' but \(names.count) names follow 'as'", start: token.start,
                    end: tokens[position - 1].end)
            }
            return .parse(field: field, .glob(glob, names: names))
        case .regex(let pattern):
            guard pattern.contains("(?<") else {
                throw error("a regular expression in parse needs named groups such as (?<name>…)", at: token)
            }
            return .parse(field: field, .regex(pattern))
        default:
            throw error("parse needs a pattern in quotes or a regular expression in slashes", at: token)
        }
    }

    /// `a, b as c, f(x) as d`.
    private mutating func namedList() throws(QueryError) -> [NamedExpression] {
        var list: [NamedExpression] = []
        repeat {
            let start = current.start
            let expression = try expression()
            var name = String(text[start..<tokens[position - 1].end])
            if case .field(let field) = expression { name = field }
            if isKeyword("as") {
                _ = advance()
                name = try fieldName()
            }
            list.append(NamedExpression(expression: expression, name: name))
        } while consume(",")
        return list
    }

    private mutating func fieldName() throws(QueryError) -> String {
        let token = advance()
        switch token.kind {
        case .name(let name), .quotedName(let name): return name
        default: throw error("expected a field name but found \(describe(token))", at: token)
        }
    }

    // MARK: expressions, by precedence

    mutating func expression() throws(QueryError) -> Expression {
        try deeper { parser throws(QueryError) in try parser.or() }
    }

    /// Runs `body` one level deeper, refusing expressions nested beyond `maximumDepth`.
    private mutating func deeper(
        _ body: (inout QueryParser) throws(QueryError) -> Expression
    ) throws(QueryError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("the expression nests too deeply") }
        return try body(&self)
    }

    /// The operator at the cursor, if it is one of `spellings` (symbols as written, keywords in any case).
    private func binaryOperator(_ spellings: [(String, BinaryOperator)]) -> BinaryOperator? {
        switch current.kind {
        case .symbol(let symbol): spellings.first { $0.0 == symbol }?.1
        case .name(let name): spellings.first { $0.0 == name.lowercased() }?.1
        default: nil
        }
    }

    /// `operand (operator operand)*`, grouped from the left, with operators from `spellings`.
    private mutating func leftAssociative(
        _ spellings: [(String, BinaryOperator)], _ operand: (inout QueryParser) throws(QueryError) -> Expression
    ) throws(QueryError) -> Expression {
        var left = try operand(&self)
        while let op = binaryOperator(spellings) {
            _ = advance()
            left = .binary(op, left, try operand(&self))
        }
        return left
    }

    private mutating func or() throws(QueryError) -> Expression {
        try leftAssociative([("or", .or)]) { parser throws(QueryError) in try parser.and() }
    }

    private mutating func and() throws(QueryError) -> Expression {
        try leftAssociative([("and", .and)]) { parser throws(QueryError) in try parser.not() }
    }

    private mutating func not() throws(QueryError) -> Expression {
        guard isKeyword("not") else { return try comparison() }
        _ = advance()
        return try deeper { parser throws(QueryError) in .not(try parser.not()) }
    }

    private mutating func comparison() throws(QueryError) -> Expression {
        let left = try additive()
        let comparisons: [(String, BinaryOperator)] = [
            ("=", .equal), ("!=", .notEqual), ("<", .less), ("<=", .lessOrEqual), (">", .greater),
            (">=", .greaterOrEqual), ("=~", .matches),
        ]
        if let op = binaryOperator(comparisons) {
            _ = advance()
            return .binary(op, left, try additive())
        }
        var negated = false
        if isKeyword("not"), case .name(let next) = tokens[min(position + 1, tokens.count - 1)].kind,
            ["like", "in"].contains(next.lowercased())
        {
            _ = advance()
            negated = true
        }
        if isKeyword("like") {
            _ = advance()
            return .binary(negated ? .notLike : .like, left, try additive())
        }
        if isKeyword("in") {
            _ = advance()
            return .binary(negated ? .notIn : .in, left, try list())
        }
        return left
    }

    private mutating func list() throws(QueryError) -> Expression {
        try expect("[")
        var items: [Expression] = []
        if !isSymbol("]") {
            repeat { items.append(try expression()) } while consume(",")
        }
        try expect("]")
        return .list(items)
    }

    private mutating func additive() throws(QueryError) -> Expression {
        try leftAssociative([("+", .add), ("-", .subtract)]) { parser throws(QueryError) in
            try parser.multiplicative()
        }
    }

    private mutating func multiplicative() throws(QueryError) -> Expression {
        try leftAssociative([("*", .multiply), ("/", .divide), ("%", .remainder)]) { parser throws(QueryError) in
            try parser.power()
        }
    }

    private mutating func power() throws(QueryError) -> Expression {
        let base = try unary()
        if isSymbol("^") {
            _ = advance()
            return .binary(.power, base, try power())
        }
        return base
    }

    private mutating func unary() throws(QueryError) -> Expression {
        guard isSymbol("-") else { return try primary() }
        _ = advance()
        return try deeper { parser throws(QueryError) in
            if case .number(let value) = parser.current.kind {
                _ = parser.advance()
                return .number(-value)
            }
            return .negate(try parser.unary())
        }
    }

    private mutating func primary() throws(QueryError) -> Expression {
        let token = advance()
        switch token.kind {
        case .string(let text): return .string(text)
        case .number(let value): return .number(value)
        case .duration(let milliseconds): return .duration(milliseconds: milliseconds)
        case .regex(let pattern): return .regex(pattern)
        case .quotedName(let name): return .field(name)
        case .symbol("*"): return .all
        case .symbol("("):
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("["):
            position -= 1
            return try list()
        case .name(let name):
            guard isSymbol("(") else { return .field(name) }
            _ = advance()
            var arguments: [Expression] = []
            if !isSymbol(")") {
                repeat { arguments.append(try expression()) } while consume(",")
            }
            try expect(")")
            return .call(name.lowercased(), arguments)
        default:
            throw error("expected a value but found \(describe(token))", at: token)
        }
    }
}
