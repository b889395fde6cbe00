import CairnFilter
import Foundation

/// An expression ready to run: functions looked up, regular expressions compiled, aggregations numbered.
indirect enum CompiledExpression {
    case field(String)
    case constant(Value)
    case pattern(TextPattern)
    case list([CompiledExpression])
    case not(CompiledExpression)
    case negate(CompiledExpression)
    case binary(BinaryOperator, CompiledExpression, CompiledExpression)
    case call(ScalarFunction, [CompiledExpression])
    /// The result of the `index`th aggregation of a `stats` command.
    case aggregate(Int)

    /// The fields an expression reads.
    var fields: [String] {
        switch self {
        case .field(let name): [name]
        case .constant, .pattern, .aggregate: []
        case .list(let items): items.flatMap(\.fields)
        case .not(let inner), .negate(let inner): inner.fields
        case .binary(_, let left, let right): left.fields + right.fields
        case .call(let function, let arguments):
            arguments.flatMap(\.fields) + (function == .bin ? ["@timestamp"] : [])
        }
    }
}

/// Turns parsed expressions into compiled ones; errors point into the query text.
struct ExpressionCompiler {
    let text: String
    /// Where `stats` collects the aggregations it finds; nil where aggregations are not allowed.
    var aggregations: [AggregationCall]?

    mutating func compile(_ expression: Expression) throws(QueryError) -> CompiledExpression {
        switch expression {
        case .field(let name): return .field(name)
        case .string(let text): return .constant(.string(text))
        case .number(let value): return .constant(.number(value))
        case .duration(let milliseconds): return .constant(.number(Double(milliseconds)))
        case .regex(let pattern): return .pattern(try TextPattern(regex: pattern, in: text))
        case .all: throw located("'*' can only stand inside count(*)", "*")
        case .list(let items):
            var compiled: [CompiledExpression] = []
            for item in items { compiled.append(try compile(item)) }
            return .list(compiled)
        case .not(let inner): return .not(try compile(inner))
        case .negate(let inner): return .negate(try compile(inner))
        case .binary(let op, let left, let right):
            let compiledLeft = try compile(left)
            var compiledRight = try compile(right)
            if op == .like || op == .notLike, case .constant(.string(let literal)) = compiledRight {
                compiledRight = .pattern(TextPattern(literal: literal))
            }
            if op == .matches || op == .like || op == .notLike {
                guard case .pattern = compiledRight else {
                    throw located("'\(op.rawValue)' needs a regular expression or a string on its right", op.rawValue)
                }
            }
            return .binary(op, compiledLeft, compiledRight)
        case .call(let name, let arguments) where name == "unmask":
            // `unmask(@message)`: the event as it was before a data protection policy masked it (admins only; the
            // handler checks who asks, the runner reads the originals).
            guard arguments.count == 1, case .field("@message") = arguments[0] else {
                throw located("unmask takes @message", name)
            }
            return .field(LogRecord.unmaskedMessageField)
        case .call(let name, let arguments):
            if let aggregation = AggregationFunction(rawValue: name) {
                return try compileAggregation(aggregation, arguments, name: name)
            }
            guard let function = ScalarFunction(rawValue: name) else {
                throw located("unknown function '\(name)'", name)
            }
            guard function.arity.contains(arguments.count) else {
                throw located(
                    "\(name) takes \(Self.describe(function.arity)) but was given \(arguments.count)", name)
            }
            var compiled: [CompiledExpression] = []
            for argument in arguments { compiled.append(try compile(argument)) }
            return .call(function, compiled)
        }
    }

    private mutating func compileAggregation(
        _ aggregation: AggregationFunction, _ arguments: [Expression], name: String
    ) throws(QueryError) -> CompiledExpression {
        guard var collected = aggregations else {
            throw located("the aggregation \(name)() can only be used in stats", name)
        }
        guard aggregation.arity.contains(arguments.count) else {
            throw located("\(name) takes \(Self.describe(aggregation.arity)) but was given \(arguments.count)", name)
        }
        var argument: CompiledExpression?
        var percentile = 0.0
        if let first = arguments.first {
            if case .all = first {
                guard aggregation == .count else { throw located("only count takes '*'", name) }
            } else {
                var inner = ExpressionCompiler(text: text, aggregations: nil)
                argument = try inner.compile(first)
            }
        }
        if aggregation == .pct {
            guard case .number(let value) = arguments[1], (0...100).contains(value) else {
                throw located("pct needs a percentile between 0 and 100 as its second argument", name)
            }
            percentile = value
        }
        collected.append(AggregationCall(function: aggregation, argument: argument, percentile: percentile))
        aggregations = collected
        return .aggregate(collected.count - 1)
    }

    func located(_ message: String, _ near: String) -> QueryError {
        let characters = Array(text)
        let needle = Array(near)
        var start = 0
        if !needle.isEmpty, needle.count <= characters.count {
            for index in 0...(characters.count - needle.count)
            where characters[index..<index + needle.count].elementsEqual(
                needle, by: { $0.lowercased() == $1.lowercased() })
            {
                start = index
                return QueryError(message, start: start, end: start + needle.count)
            }
        }
        return QueryError(message, start: 0, end: max(1, characters.count))
    }

    static func describe(_ arity: ClosedRange<Int>) -> String {
        if arity.lowerBound == arity.upperBound {
            return arity.lowerBound == 1 ? "1 argument" : "\(arity.lowerBound) arguments"
        }
        return arity.upperBound == .max
            ? "at least \(arity.lowerBound) arguments" : "\(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}

/// `like "text"` (a substring), `like /re/` and `=~ /re/`: literal patterns are matched as bytes, others with
/// Swift's regular expressions (named groups for `parse`).
struct TextPattern: @unchecked Sendable {
    let literal: String?
    /// The literal's UTF-8, for searching message bytes without making text of them.
    let literalBytes: [UInt8]?
    let regex: Regex<AnyRegexOutput>?
    let groupNames: [String]

    init(literal: String) {
        self.literal = literal
        literalBytes = Array(literal.utf8)
        regex = nil
        groupNames = []
    }

    init(regex pattern: String, in query: String) throws(QueryError) {
        if let literal = Self.plainText(pattern) {
            self.literal = literal
            literalBytes = Array(literal.utf8)
            regex = nil
            groupNames = []
            return
        }
        do {
            regex = try Regex(pattern)
        } catch {
            let start = Array(query).firstIndex(of: "/") ?? 0
            throw QueryError("invalid regular expression /\(pattern)/", start: start, end: start + pattern.count + 2)
        }
        literal = nil
        literalBytes = nil
        groupNames = Self.groupNames(pattern)
    }

    /// The text a pattern without regex syntax stands for.
    static func plainText(_ pattern: String) -> String? {
        let special = Set("\\^$.|?*+()[]{}")
        return pattern.contains(where: special.contains) ? nil : pattern
    }

    static func groupNames(_ pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let range = rest.range(of: "(?<") {
            rest = rest[range.upperBound...]
            guard let first = rest.first, first != "=", first != "!" else { continue }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.append(String(name)) }
        }
        return names
    }

    func matches(_ text: String) -> Bool {
        if let literal { return literal.isEmpty || text.utf8.firstRange(of: literal.utf8) != nil }
        guard let regex else { return false }
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// The named groups' texts in the first match.
    func captures(_ text: String) -> [(String, String)]? {
        guard let regex, let match = try? regex.firstMatch(in: text) else { return nil }
        return groupNames.compactMap { name in
            guard let range = match.output[name]?.range else { return nil }
            return (name, String(text[range]))
        }
    }
}
