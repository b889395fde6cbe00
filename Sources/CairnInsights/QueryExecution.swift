/// One field of a result row, as GetQueryResults returns it.
public struct ResultField: Sendable, Equatable, Codable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// Runs a plan over events pushed one at a time. Streaming stages pass rows straight on; `stats` keeps one state
/// per group, `sort` only the rows a following `limit` can return, so memory follows the results, not the events.
/// `results` can be taken at any time (partial results while running) without disturbing the run.
public final class QueryExecution: @unchecked Sendable {
    let plan: QueryPlan
    let evaluator: Evaluator
    private var runners: [StageRunner]
    private var output: [Row] = []
    /// Events that passed every streaming stage before the first stage that holds rows back.
    public private(set) var recordsMatched = 0
    private let matchingDepth: Int
    /// Whether a row never outlives its event (a `stats` is the first command that holds anything, and it keeps
    /// values, not rows): one row then serves every event in turn.
    private let reusesRows: Bool
    private var spareRow: Row?

    public init(plan: QueryPlan, now: Int64) {
        self.plan = plan
        evaluator = Evaluator(now: now)
        runners = plan.stages.map { StageRunner.make($0) }
        matchingDepth = plan.stages.firstIndex { !$0.isStreaming } ?? plan.stages.count
        reusesRows = runners.first { !$0.isStreaming } is StatsRunner
    }

    private init(copying other: QueryExecution) {
        plan = other.plan
        evaluator = other.evaluator
        runners = other.runners.map { $0.copy() }
        output = other.output
        recordsMatched = other.recordsMatched
        matchingDepth = other.matchingDepth
        reusesRows = other.reusesRows
    }

    /// The most groups, rows and keys a query may hold at once (in one execution): a query beyond it fails rather
    /// than take a worker's memory from everyone else.
    public static let holdLimit = 1_000_000

    /// Whether the execution holds more than `holdLimit` groups, rows and keys.
    public var holdsTooMuch: Bool { runners.reduce(output.count) { $0 + $1.held } > Self.holdLimit }

    /// Whether parts of the events can be run in separate executions and merged (`merge`): the commands before the
    /// first one that holds rows back keep nothing, and that one is a `stats` or a `sort` that a `limit` follows.
    public var isMergeable: Bool {
        guard let holding = runners.first(where: { !$0.isStreaming }) else { return false }
        if holding is StatsRunner { return true }
        if let sort = holding as? SortRunner { return sort.keep != nil }
        return false
    }

    /// The time `now()` stands for in this query (every part of a split query uses the same).
    public var now: Int64 { evaluator.now }

    /// A fresh execution of the same plan, for another part of the events.
    public func sibling() -> QueryExecution {
        QueryExecution(plan: plan, now: evaluator.now)
    }

    /// Adds what `other` (a sibling, run over other events) has gathered: its `stats` groups or its kept rows. The
    /// result is the same as if one execution had seen all the events.
    public func merge(_ other: QueryExecution) {
        precondition(isMergeable && other.runners.count == runners.count)
        recordsMatched += other.recordsMatched
        guard let index = runners.firstIndex(where: { !$0.isStreaming }) else { return }
        if let stats = runners[index] as? StatsRunner, let theirs = other.runners[index] as? StatsRunner {
            stats.merge(theirs)
        } else if let sort = runners[index] as? SortRunner, let theirs = other.runners[index] as? SortRunner {
            sort.merge(theirs)
        }
    }

    /// The first command that holds rows or groups back (nil when every command streams).
    var firstHolding: StageRunner? { runners.first { !$0.isStreaming } }

    /// Counts events another execution matched (a merged partial state).
    func addMatched(_ count: Int) { recordsMatched += count }

    /// Whether no further event can change the results (a `limit` reached with nothing before it holding rows).
    public var isSatisfied: Bool {
        for runner in runners {
            if runner.isDone { return true }
            if !runner.isStreaming { return false }
        }
        return false
    }

    /// The timestamp below which no event can reach the results any more, when the plan wants only the newest
    /// events and enough of them are held: reading newest first, the engine can stop there.
    public var oldestUseful: Int64? {
        guard plan.newestLimit != nil, let sort = runners.first(where: { !$0.isStreaming }) as? SortRunner else {
            return nil
        }
        return sort.cutoffTime
    }

    /// `count` events at times that all fall in the period of `time` (see `QueryPlan.headerCountPeriod`),
    /// counted without reading them.
    public func addCount(_ count: Int, at time: Int64) {
        guard plan.headerCountPeriod != nil, let stats = runners.first as? StatsRunner else { return }
        recordsMatched += count
        stats.add(count: count, at: time, evaluator)
    }

    public func add(_ record: LogRecord) {
        guard reusesRows else { return push(Row(record: record, needs: plan.needs), at: 0) }
        if let spareRow {
            spareRow.reset(to: record)
            push(spareRow, at: 0)
        } else {
            let row = Row(record: record, needs: plan.needs)
            spareRow = row
            push(row, at: 0)
        }
    }

    private func push(_ row: Row, at index: Int) {
        if index == matchingDepth { recordsMatched += 1 }
        guard index < runners.count else {
            output.append(row)
            return
        }
        runners[index].push(row, evaluator) { next in push(next, at: index + 1) }
    }

    /// The result rows so far (or final, once every event was added), each as its non-empty fields in column
    /// order, with `@ptr` (made by `pointer`) on rows that stand for one event.
    public func results(pointer: (RecordPointer) -> String) -> [[ResultField]] {
        let finishing = QueryExecution(copying: self)
        finishing.finish()
        return finishing.output.map { row in
            var fields: [ResultField] = []
            for column in plan.columns {
                if let text = row.value(column).text { fields.append(ResultField(field: column, value: text)) }
            }
            if plan.rowsAreEvents, let record = row.record {
                fields.append(ResultField(field: "@ptr", value: pointer(record.pointer)))
            }
            return fields
        }
    }

    private func finish() {
        for index in runners.indices {
            runners[index].finish(evaluator) { next in push(next, at: index + 1) }
        }
    }
}
