import Foundation

/// The running state of one stage of a plan.
class StageRunner {
    var isStreaming: Bool { false }
    var isDone: Bool { false }
    /// How many groups, rows or keys the stage holds.
    var held: Int { 0 }

    func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {}
    func finish(_ evaluator: Evaluator, _ next: (Row) -> Void) {}
    func copy() -> StageRunner { self }

    static func make(_ stage: QueryPlan.Stage) -> StageRunner {
        switch stage {
        case .assign, .filter, .parseGlob, .parseRegex, .unnest: StreamingRunner(stage)
        case .stats(let groups, let outputs, let calls): StatsRunner(groups: groups, outputs: outputs, calls: calls)
        case .sort(let keys, let keep): SortRunner(keys: keys, keep: keep)
        case .limit(let count): LimitRunner(count)
        case .dedup(let names): DedupRunner(names)
        }
    }
}

/// `fields`, `display`, `filter`, `parse`, `unnest`: rows in, rows out, nothing held.
final class StreamingRunner: StageRunner {
    let stage: QueryPlan.Stage
    init(_ stage: QueryPlan.Stage) { self.stage = stage }
    override var isStreaming: Bool { true }

    override func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {
        switch stage {
        case .assign(let assignments):
            for (name, expression) in assignments { row.values[name] = evaluator.evaluate(expression, row) }
            next(row)
        case .filter(let condition):
            if evaluator.evaluate(condition, row).isTrue { next(row) }
        case .parseGlob(let field, let literals, let names):
            if let text = row.value(field).text, let captures = Self.glob(text, literals) {
                for (name, capture) in zip(names, captures) where !name.isEmpty { row.values[name] = .string(capture) }
            }
            next(row)
        case .parseRegex(let field, let pattern):
            if let text = row.value(field).text, let captures = pattern.captures(text) {
                for (name, capture) in captures { row.values[name] = .string(capture) }
            }
            next(row)
        case .unnest(let field, let into):
            var value = row.value(field)
            if case .string(let text) = value, let json = JSONValue.parse(Array(text.utf8)) { value = .json(json) }
            guard case .json(.array(let items)) = value else { return }
            for item in items {
                let element = row.copy()
                element.values[into] = item.scalar
                next(element)
            }
        default: next(row)
        }
    }

    /// The texts each `*` stands for: the pattern's literal parts found in order, each `*` taking what lies
    /// between (the shortest), the last one running to the end. Nil when a literal part is missing.
    static func glob(_ text: String, _ literals: [String]) -> [String]? {
        var rest = Substring(text)
        guard let first = literals.first else { return nil }
        if !first.isEmpty {
            guard let range = rest.range(of: first) else { return nil }
            rest = rest[range.upperBound...]
        }
        var captures: [String] = []
        for (index, literal) in literals.enumerated().dropFirst() {
            if literal.isEmpty {
                if index == literals.count - 1 {
                    captures.append(String(rest))
                    rest = rest[rest.endIndex...]
                } else {
                    captures.append("")
                }
                continue
            }
            guard let range = rest.range(of: literal) else { return nil }
            captures.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        return captures
    }
}

/// `stats`: one set of aggregation states per group, rows out at the end, groups in first-seen order.
final class StatsRunner: StageRunner {
    let groups: [(String, CompiledExpression)]
    let outputs: [(String, CompiledExpression)]
    let calls: [AggregationCall]
    /// Each group's states, boxed so that an event finds and changes them with one lookup of its key.
    var states: [GroupKey: GroupStates] = [:]
    var order: [GroupKey] = []
    override var held: Int { order.count }

    /// Whether an aggregation needs each event's time (`earliest`, `latest`).
    let readsTime: Bool

    init(groups: [(String, CompiledExpression)], outputs: [(String, CompiledExpression)], calls: [AggregationCall]) {
        self.groups = groups
        self.outputs = outputs
        self.calls = calls
        readsTime = calls.contains { $0.function == .earliest || $0.function == .latest }
    }

    /// The same command with no groups yet.
    func copyWithoutStates() -> StatsRunner {
        StatsRunner(groups: groups, outputs: outputs, calls: calls)
    }

    override func copy() -> StageRunner {
        let copy = copyWithoutStates()
        copy.states = states.mapValues { GroupStates($0.states) }
        copy.order = order
        return copy
    }

    override func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {
        let key = self.key(row, evaluator)
        // AWS leaves out events whose group-by fields are all missing.
        if key.isMissing { return }
        let time = readsTime ? row.value("@timestamp").number.flatMap(Functions.milliseconds) ?? 0 : 0
        let group = self.group(key)
        for (index, call) in calls.enumerated() {
            let value = call.argument.map { evaluator.evaluate($0, row) } ?? .null
            group.states[index].add(call, value, time: time)
        }
    }

    /// The row's values of the `by` expressions.
    private func key(_ row: Row, _ evaluator: Evaluator) -> GroupKey {
        groups.count == 1
            ? .one(evaluator.evaluate(groups[0].1, row)) : .many(groups.map { evaluator.evaluate($0.1, row) })
    }

    /// The states of the group for `key`, made (in first-seen order) if it is new.
    private func group(_ key: GroupKey) -> GroupStates {
        if let group = states[key] { return group }
        let group = GroupStates(Array(repeating: AggregationState(), count: calls.count))
        order.append(key)
        states[key] = group
        return group
    }

    func merge(_ other: StatsRunner) {
        for key in other.order {
            guard let theirs = other.states[key] else { continue }
            let mine = group(key)
            for (index, call) in calls.enumerated() { mine.states[index].merge(theirs.states[index], call) }
        }
    }

    /// Counts `count` events at `time` for `count(*)`-only stats (the plan checked that it is).
    func add(count: Int, at time: Int64, _ evaluator: Evaluator) {
        let row = Row(values: ["@timestamp": .time(time)])
        let group = self.group(key(row, evaluator))
        for index in calls.indices { group.states[index].count += count }
    }

    /// Groups come out in ascending order of their keys (`bin()` groups oldest first, as AWS returns them).
    override func finish(_ evaluator: Evaluator, _ next: (Row) -> Void) {
        if groups.isEmpty, order.isEmpty { order = [.many([])] }
        let sorted = order.sorted { left, right in
            for (a, b) in zip(left.values, right.values) {
                if Value.sortsBefore(a, b) { return true }
                if Value.sortsBefore(b, a) { return false }
            }
            return false
        }
        for key in sorted {
            let group = states[key]?.states ?? Array(repeating: AggregationState(), count: calls.count)
            let results = zip(calls, group).map { call, state in state.result(call) }
            let row = Row(values: [:])
            for ((name, _), value) in zip(groups, key.values) { row.values[name] = value }
            for (name, expression) in outputs {
                row.values[name] = evaluator.evaluate(expression, row, aggregates: results)
            }
            next(row)
        }
    }
}

/// The values of a `stats` group's `by` expressions; one value (the usual case) without an array to allocate.
enum GroupKey: Hashable, Codable {
    case one(Value)
    case many([Value])

    /// Whether there are `by` expressions and every one of them is missing.
    var isMissing: Bool {
        switch self {
        case .one(let value): value.isNull
        case .many(let values): !values.isEmpty && values.allSatisfy(\.isNull)
        }
    }

    var values: [Value] {
        switch self {
        case .one(let value): [value]
        case .many(let values): values
        }
    }
}

/// `sort`: rows in key order; with a following `limit`, only that many are kept as rows arrive.
final class SortRunner: StageRunner {
    let keys: [(CompiledExpression, descending: Bool)]
    let keep: Int?
    var rows: [(keys: [Value], row: Row)] = []
    override var held: Int { rows.count }

    init(keys: [(CompiledExpression, descending: Bool)], keep: Int?) {
        self.keys = keys
        self.keep = keep
    }

    override func copy() -> StageRunner {
        let copy = SortRunner(keys: keys, keep: keep)
        // Rows are objects that later stages change: a copy of the stage gets its own.
        copy.rows = rows.map { ($0.keys, $0.row.copy()) }
        return copy
    }

    override func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {
        rows.append((keys.map { evaluator.evaluate($0.0, row) }, row.detached()))
        // Trimmed once twice as many as kept have gathered (a huge `limit` must not overflow the doubling).
        if let keep, rows.count >= max(keep > Int.max / 2 ? Int.max : 2 * keep, 1024) { trim(to: keep) }
    }

    func merge(_ other: SortRunner) {
        rows += other.rows.map { ($0.keys, $0.row.copy()) }
        if let keep { trim(to: keep) }
    }

    /// The oldest time among the kept rows once `keep` are held (sorted on `@timestamp desc`).
    var cutoffTime: Int64? {
        guard let keep else { return nil }
        trim(to: keep)
        guard rows.count >= keep, let last = rows.last, case .time(let time) = last.keys[0] else { return nil }
        return time
    }

    private func trim(to count: Int) {
        rows.sort { before($0.keys, $1.keys) }
        if rows.count > count { rows.removeLast(rows.count - count) }
    }

    private func before(_ left: [Value], _ right: [Value]) -> Bool {
        for (index, key) in keys.enumerated() {
            let a = left[index]
            let b = right[index]
            if Value.sortsBefore(a, b) { return !key.descending || b.isNull }
            if Value.sortsBefore(b, a) { return key.descending && !a.isNull }
        }
        return false
    }

    override func finish(_ evaluator: Evaluator, _ next: (Row) -> Void) {
        trim(to: keep ?? rows.count)
        for item in rows { next(item.row) }
    }
}

final class LimitRunner: StageRunner {
    let count: Int
    var passed = 0
    init(_ count: Int) { self.count = count }
    override var isDone: Bool { passed >= count }

    override func copy() -> StageRunner {
        let copy = LimitRunner(count)
        copy.passed = passed
        return copy
    }

    override func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {
        guard passed < count else { return }
        passed += 1
        next(row)
    }
}

/// `dedup a, b`: the first row of each combination of values.
final class DedupRunner: StageRunner {
    let names: [String]
    var seen: Set<[Value]> = []
    override var held: Int { seen.count }
    init(_ names: [String]) { self.names = names }
    override var isStreaming: Bool { false }

    override func copy() -> StageRunner {
        let copy = DedupRunner(names)
        copy.seen = seen
        return copy
    }

    override func push(_ row: Row, _ evaluator: Evaluator, _ next: (Row) -> Void) {
        let key = names.map { row.value($0) }
        // Rows missing a field are never duplicates (AWS).
        guard key.contains(where: \.isNull) || seen.insert(key).inserted else { return }
        next(row)
    }
}
