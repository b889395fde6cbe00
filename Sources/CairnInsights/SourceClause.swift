/// `SOURCE "group" "other" START=-3600s END=0s | …` and `SOURCE logGroups(namePrefix: ["app/"]) | …`: the log
/// groups named inside a query string, before its first `|` (how the console and DescribeQueries write them).
public struct SourceClause: Equatable, Sendable {
    /// Groups named in quotes (names or ARNs).
    public var names: [String] = []
    /// `logGroups(namePrefix: [...])`: every group of the caller whose name starts with one of these.
    public var namePrefixes: [String] = []

    /// Splits a query into its source clause (nil when it has none) and the query after it, which keeps the
    /// clause's place as spaces so that error positions still point into the text as written.
    public static func split(_ query: String) throws(QueryError) -> (SourceClause?, String) {
        let tokens = try QueryLexer.tokens(query)
        guard case .name(let first)? = tokens.first?.kind, first.lowercased() == "source" else { return (nil, query) }
        var clause = SourceClause()
        var index = 1
        func token(_ offset: Int = 0) -> QueryToken { tokens[min(index + offset, tokens.count - 1)] }
        func fail(_ message: String) -> QueryError {
            QueryError(message, start: token().start, end: max(token().end, token().start + 1))
        }
        while index < tokens.count {
            switch token().kind {
            case .string(let name):
                clause.names.append(name)
                index += 1
            case .name(let word) where word.lowercased() == "loggroups":
                index += 1
                guard token().kind == .symbol("(") else { throw fail("expected '(' after logGroups") }
                index += 1
                while index < tokens.count, token().kind != .symbol(")") {
                    guard case .name(let option) = token().kind, token(1).kind == .symbol(":") else {
                        throw fail("expected an option such as namePrefix: [...]")
                    }
                    index += 2
                    var values: [String] = []
                    if token().kind == .symbol("[") {
                        index += 1
                        while case .string(let value) = token().kind {
                            values.append(value)
                            index += 1
                            if token().kind == .symbol(",") { index += 1 }
                        }
                        guard token().kind == .symbol("]") else { throw fail("expected ']'") }
                        index += 1
                    } else if case .string(let value) = token().kind {
                        values.append(value)
                        index += 1
                    } else {
                        throw fail("expected a string or a list of strings")
                    }
                    if option.lowercased() == "nameprefix" { clause.namePrefixes += values }
                    if token().kind == .symbol(",") { index += 1 }
                }
                guard token().kind == .symbol(")") else { throw fail("expected ')'") }
                index += 1
            case .name(let word) where ["start", "end"].contains(word.lowercased()):
                // The console's relative window; the time range StartQuery is given decides.
                guard token(1).kind == .symbol("=") else { throw fail("expected '=' after \(word)") }
                index += 2
                if token().kind == .symbol("-") { index += 1 }
                switch token().kind {
                case .number, .duration: index += 1
                default: throw fail("expected a time after \(word)=")
                }
            case .symbol("|"):
                let rest = token().end
                let characters = Array(query)
                guard clause.names.count + clause.namePrefixes.count > 0 else {
                    throw QueryError("SOURCE names no log group", start: 0, end: rest)
                }
                return (clause, String(repeating: " ", count: rest) + String(characters[rest...]))
            default:
                throw fail("expected a log group in quotes, logGroups(...), START=, END= or '|'")
            }
        }
        throw QueryError("expected '|' after the SOURCE clause", start: query.count, end: query.count + 1)
    }
}
