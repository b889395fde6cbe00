import Testing

@testable import CairnInsights

/// Parts of a query's events run apart and merged give exactly what one run over all of them gives.
@Suite struct MergeTests {
    static let messages = (0..<3000).map { index in
        #"{"k":"key\#(index % 13)","v":\#((index * 7919) % 1000),"s":"w\#(index % 29)"}"#
    }

    static func record(_ index: Int) -> LogRecord {
        LogRecord(
            timestamp: QueryExecutionTests.base + Int64(index) * 1000, ingestionTime: 0, message: messages[index],
            logStream: "s", log: "l", pointer: RecordPointer(source: 0, stream: 1, timestamp: 0, sequence: Int64(index))
        )
    }

    @Test(arguments: [
        "stats count(*) as n, sum(v) as total, avg(v) as mean, min(v) as low, max(v) as high, stddev(v) as sd by k",
        "stats count_distinct(s) as kinds, pct(v, 50) as p50, pct(v, 99) as p99, earliest(s) as e, latest(s) as l by k",
        "stats sortsFirst(s) as f, sortsLast(s) as z, count(*) as n by bin(5m) | sort n desc | limit 3",
        "filter v > 500 | stats count(*) as n by k | stats max(n) as most",
        "fields k, v | sort v desc, k asc | limit 25",
        "filter v < 100 | fields @timestamp, v | limit 10",
    ])
    func mergedPartsEqualOneRun(_ query: String) throws {
        let plan = try QueryPlan.compile(query, limit: 10_000)
        let whole = QueryExecution(plan: plan, now: 0)
        for index in Self.messages.indices { whole.add(Self.record(index)) }
        let first = QueryExecution(plan: plan, now: 0)
        let second = first.sibling()
        for index in Self.messages.indices { (index % 3 == 0 ? first : second).add(Self.record(index)) }
        first.merge(second)
        Self.expectSameResults(first, whole, query)
    }

    static let statsQueries = [
        "stats count(*) as n, sum(v) as total, avg(v) as mean, min(v) as low, max(v) as high, stddev(v) as sd by k",
        "stats count_distinct(s) as kinds, pct(v, 50) as p50, pct(v, 99) as p99, earliest(s) as e, latest(s) as l by k",
        "stats sortsFirst(s) as f, sortsLast(s) as z, count(*) as n by bin(5m) | sort n desc | limit 3",
        "filter v > 500 | stats count(*) as n by k | stats max(n) as most",
        "stats sum(v * pow(10, 307)) as huge, count(*) as n by k, s",
        "stats latest(jsonParse(@message)) as j by k",
    ]

    /// Time slices run apart (as separate workers do) and carried as partial states merge into one run's results.
    @Test(arguments: statsQueries)
    func partialStatesOfTimeSlicesMergeIntoOneRun(_ query: String) throws {
        let plan = try QueryPlan.compile(query, limit: 10_000)
        let whole = QueryExecution(plan: plan, now: 0)
        for index in Self.messages.indices { whole.add(Self.record(index)) }
        let merged = QueryExecution(plan: plan, now: 0)
        #expect(merged.exportsPartialState)
        for slice in [0..<1000, 1000..<1700, 1700..<3000] {
            let part = QueryExecution(plan: plan, now: 0)
            for index in slice { part.add(Self.record(index)) }
            try merged.merge(partialState: try part.partialState())
        }
        Self.expectSameResults(merged, whole, query)
    }

    @Test func onlyStatsExportPartialStates() throws {
        let sort = QueryExecution(plan: try QueryPlan.compile("sort v | limit 3", limit: 10), now: 0)
        #expect(!sort.exportsPartialState)
        #expect(throws: PartialStateMismatch.self) { try sort.partialState() }
        let stats = QueryExecution(plan: try QueryPlan.compile("stats count(*), sum(v) by k", limit: 10), now: 0)
        let other = QueryExecution(plan: try QueryPlan.compile("stats count(*) by k", limit: 10), now: 0)
        stats.add(Self.record(1))
        #expect(throws: PartialStateMismatch.self) { try other.merge(partialState: try stats.partialState()) }
    }

    static func expectSameResults(_ merging: QueryExecution, _ whole: QueryExecution, _ query: String) {
        let expected = whole.results { "\($0.sequence)" }
        let merged = merging.results { "\($0.sequence)" }
        #expect(merged.count == expected.count)
        // Standard deviations may differ in the last bits (a different order of additions).
        for (left, right) in zip(merged, expected) {
            for (a, b) in zip(left, right) {
                if let x = Double(a.value), let y = Double(b.value), a.field == "sd" {
                    #expect(abs(x - y) < 1e-9 * max(1, abs(y)))
                } else {
                    #expect(a == b, "\(query)")
                }
            }
        }
        #expect(merging.recordsMatched == whole.recordsMatched)
    }

    /// A sort keeps only what a later limit returns, also past `fields` and `parse`; a filter between stops that.
    @Test func sortsKeepWhatALaterLimitNeeds() throws {
        func keep(_ query: String) throws -> Int?? {
            for stage in try QueryPlan.compile(query, limit: 10_000).stages {
                if case .sort(_, let keep) = stage { return keep }
            }
            return nil
        }
        #expect(try keep("sort v | fields v * 2 as w | parse @message 'a*' as b | limit 3") == .some(3))
        #expect(try keep("sort v | filter v > 1 | limit 3") == .some(nil))
        #expect(try keep("sort v") == .some(10_000))
    }

    @Test func onlyStatsAndKeptSortsMerge() throws {
        #expect(QueryExecution(plan: try QueryPlan.compile("stats count(*)", limit: 10), now: 0).isMergeable)
        #expect(QueryExecution(plan: try QueryPlan.compile("fields a", limit: 10), now: 0).isMergeable)
        #expect(!QueryExecution(plan: try QueryPlan.compile("fields a | dedup a", limit: 10), now: 0).isMergeable)
        #expect(
            !QueryExecution(plan: try QueryPlan.compile("sort a | filter a > 1 | limit 3", limit: 10), now: 0)
                .isMergeable)
    }
}
