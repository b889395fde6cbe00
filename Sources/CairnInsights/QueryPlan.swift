/// A query compiled for running: its commands as stages, the columns its results show, and what the engine can
/// use to read less (literal terms every matching event contains, and whether only the newest events matter).
public struct QueryPlan: @unchecked Sendable {
    enum Stage {
        case assign([(String, CompiledExpression)])
        case filter(CompiledExpression)
        case parseGlob(field: String, literals: [String], names: [String])
        case parseRegex(field: String, TextPattern)
        case unnest(field: String, into: String)
        case stats(groups: [(String, CompiledExpression)], outputs: [(String, CompiledExpression)], [AggregationCall])
        case sort([(CompiledExpression, descending: Bool)], keep: Int?)
        case limit(Int)
        case dedup([String])

        /// Stages that pass rows on as they come, holding nothing back.
        var isStreaming: Bool {
            switch self {
            case .assign, .filter, .parseGlob, .parseRegex, .unnest: true
            default: false
            }
        }
    }

    let stages: [Stage]
    /// The result columns, in order (`@ptr` is added to rows that come from one event).
    public let columns: [String]
    /// Whether rows still stand for single events at the end (no `stats`): those get `@ptr`.
    public let rowsAreEvents: Bool
    /// Texts that every event passing the first `filter` contains in `@message`, for a byte prefilter.
    public let requiredTerms: [String]
    /// Set when the results are the `n` newest events that pass the streaming stages: reading newest first,
    /// the engine can stop once `n` are held and the rest are older.
    public let newestLimit: Int?
    /// Set when the query starts with `stats count(*)` grouped by nothing (0) or only by `bin(period)` (the period,
    /// ms): a chunk whose events all fall in one period adds its event count from its header, unread.
    public let headerCountPeriod: Int64?
    /// The fields the query reads from events: discovery extracts only these.
    let needs: FieldNeeds
    /// Whether the query reads `unmask(@message)`: only an admin may run it, and the runner reads the originals.
    public var unmasks: Bool { needs.readsUnmasked }

    /// The columns shown when a query picks none (no `fields`, `display` or `stats`).
    public static let defaultColumns = ["@timestamp", "@message"]

    /// Parses and compiles `text`; `limit` is StartQuery's (the most rows a query returns).
    /// A leading `SOURCE …|` clause is left to the caller (`SourceClause`).
    public static func compile(_ text: String, limit: Int) throws(QueryError) -> QueryPlan {
        let query = try QueryParser.parse(try SourceClause.split(text).1)
        var compiler = ExpressionCompiler(text: text, aggregations: nil)
        var stages: [Stage] = []
        var columns: [String]?
        var rowsAreEvents = true
        var sorted = false
        var requiredTerms: [String] = []
        var statsCount = 0
        for command in query.commands {
            switch command {
            case .fields(let named), .display(let named):
                var assignments: [(String, CompiledExpression)] = []
                for item in named { assignments.append((item.name, try compiler.compile(item.expression))) }
                stages.append(
                    .assign(
                        assignments.filter { name, expression in
                            if case .field(name) = expression { return false }
                            return true
                        }))
                if case .display = command {
                    columns = named.map(\.name)
                } else {
                    var list = columns ?? []
                    for item in named where !list.contains(item.name) { list.append(item.name) }
                    columns = list
                }
            case .filter(let expression), .filterIndex(let expression):
                let compiled = try compiler.compile(expression)
                if stages.allSatisfy(Self.keepsMessage) {
                    requiredTerms += Self.requiredTerms(compiled)
                }
                stages.append(.filter(compiled))
            case .parse(let field, .glob(let glob, let names)):
                stages.append(
                    .parseGlob(
                        field: field,
                        literals: glob.split(separator: "*", omittingEmptySubsequences: false).map(String.init),
                        names: names))
                columns = (columns ?? []) + names.filter { !$0.isEmpty }
            case .parse(let field, .regex(let pattern)):
                let compiled = try TextPattern(regex: pattern, in: text)
                stages.append(.parseRegex(field: field, compiled))
                columns = (columns ?? []) + compiled.groupNames
            case .unnest(let field, let into):
                stages.append(.unnest(field: field, into: into))
            case .stats(let outputs, let groups):
                statsCount += 1
                guard statsCount <= 2 else {
                    throw compiler.located("a query can have at most two stats commands", "stats")
                }
                if statsCount == 2, stages.contains(where: Self.sortsOrLimits) {
                    throw compiler.located("sort and limit must come after the second stats command", "stats")
                }
                var statsCompiler = ExpressionCompiler(text: text, aggregations: [])
                var compiledGroups: [(String, CompiledExpression)] = []
                for group in groups { compiledGroups.append((group.name, try compiler.compile(group.expression))) }
                var compiledOutputs: [(String, CompiledExpression)] = []
                for output in outputs {
                    compiledOutputs.append((output.name, try statsCompiler.compile(output.expression)))
                }
                guard let calls = statsCompiler.aggregations, !calls.isEmpty else {
                    throw compiler.located("stats needs at least one aggregation such as count()", "stats")
                }
                stages.append(.stats(groups: compiledGroups, outputs: compiledOutputs, calls))
                columns = groups.map(\.name) + outputs.map(\.name)
                rowsAreEvents = false
            case .sort(let keys):
                var compiled: [(CompiledExpression, descending: Bool)] = []
                for key in keys { compiled.append((try compiler.compile(key.expression), key.descending)) }
                stages.append(.sort(compiled, keep: nil))
                sorted = true
            case .limit(let count):
                if rowsAreEvents, !sorted { stages.append(Self.newestFirst) }
                sorted = true
                stages.append(.limit(count))
            case .dedup(let names):
                stages.append(.dedup(names))
            }
        }
        if rowsAreEvents, !sorted { stages.append(Self.newestFirst) }
        stages.append(.limit(limit))
        let kept = Self.keepingOnlyWhatLimitsNeed(stages)
        return QueryPlan(
            stages: kept, columns: columns ?? defaultColumns, rowsAreEvents: rowsAreEvents,
            requiredTerms: requiredTerms, newestLimit: Self.newestLimit(kept),
            headerCountPeriod: Self.headerCountPeriod(kept), needs: FieldNeeds(Self.fieldsRead(kept) + (columns ?? [])))
    }

    /// Filters, and `fields` that do not replace `@message`: a prefilter on the message still holds after them.
    static func keepsMessage(_ stage: Stage) -> Bool {
        switch stage {
        case .filter: true
        case .assign(let assignments): !assignments.contains { $0.0 == "@message" }
        default: false
        }
    }

    /// Every field name a stage reads.
    static func fieldsRead(_ stages: [Stage]) -> [String] {
        stages.flatMap { stage -> [String] in
            switch stage {
            case .assign(let assignments): assignments.flatMap(\.1.fields)
            case .filter(let condition): condition.fields
            case .parseGlob(let field, _, _), .parseRegex(let field, _): [field]
            case .unnest(let field, _): [field]
            case .stats(let groups, let outputs, let calls):
                groups.flatMap(\.1.fields) + outputs.flatMap(\.1.fields)
                    + calls.flatMap { ($0.argument?.fields ?? []) + ["@timestamp"] }
            case .sort(let keys, _): keys.flatMap(\.0.fields)
            case .limit: []
            case .dedup(let names): names
            }
        }
    }

    static func headerCountPeriod(_ stages: [Stage]) -> Int64? {
        guard case .stats(let groups, _, let calls)? = stages.first,
            calls.allSatisfy({ $0.function == .count && $0.argument == nil })
        else { return nil }
        if groups.isEmpty { return 0 }
        guard groups.count == 1, case .call(.bin, let arguments) = groups[0].1, arguments.count == 1,
            case .constant(.number(let period)) = arguments[0], period >= 1
        else { return nil }
        return Functions.milliseconds(period)
    }

    static func sortsOrLimits(_ stage: Stage) -> Bool {
        switch stage {
        case .sort, .limit: true
        default: false
        }
    }

    static var newestFirst: Stage { .sort([(.field("@timestamp"), descending: true)], keep: nil) }

    /// A sort followed by a limit — directly, or past commands that neither drop nor add rows (`fields`,
    /// `parse`) — keeps only that many rows.
    static func keepingOnlyWhatLimitsNeed(_ stages: [Stage]) -> [Stage] {
        var result = stages
        for index in result.indices {
            guard case .sort(let keys, nil) = result[index] else { continue }
            var next = index + 1
            while next < result.count, Self.keepsRows(result[next]) { next += 1 }
            if next < result.count, case .limit(let count) = result[next] { result[index] = .sort(keys, keep: count) }
        }
        return result
    }

    /// Stages that pass on exactly the rows they get.
    static func keepsRows(_ stage: Stage) -> Bool {
        switch stage {
        case .assign, .parseGlob, .parseRegex: true
        default: false
        }
    }

    /// `n` when the stages are streaming ones, then a sort on `@timestamp desc` that keeps `n`.
    static func newestLimit(_ stages: [Stage]) -> Int? {
        for stage in stages {
            if stage.isStreaming { continue }
            if case .sort(let keys, let keep?) = stage, keys.count == 1, keys[0].descending,
                case .field("@timestamp") = keys[0].0
            {
                return keep
            }
            return nil
        }
        return nil
    }

    /// Literal texts an event's `@message` must contain for `expression` to hold (`@message like "x"`, `/x/`).
    static func requiredTerms(_ expression: CompiledExpression) -> [String] {
        switch expression {
        case .binary(.and, let left, let right): return requiredTerms(left) + requiredTerms(right)
        case .binary(.like, .field("@message"), .pattern(let pattern)),
            .binary(.matches, .field("@message"), .pattern(let pattern)):
            if let literal = pattern.literal, !literal.isEmpty { return [literal] }
            return []
        default: return []
        }
    }
}
