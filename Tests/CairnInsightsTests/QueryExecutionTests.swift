import Testing

@testable import CairnInsights

/// The evaluator on small event sets: each command, function and aggregation against results worked out by hand.
@Suite struct QueryExecutionTests {
    /// 2026-12-04 10:00:00 UTC.
    static let base: Int64 = 1_796_378_400_000

    static func run(
        _ query: String, _ messages: [String], spacing: Int64 = 1000, limit: Int = 10_000
    ) throws
        -> [[String: String]]
    {
        let plan = try QueryPlan.compile(query, limit: limit)
        let execution = QueryExecution(plan: plan, now: base + 3_600_000)
        for (index, message) in messages.enumerated() {
            execution.add(
                LogRecord(
                    timestamp: base + Int64(index) * spacing, ingestionTime: base + Int64(index) * spacing + 5,
                    message: message, logStream: index % 2 == 0 ? "even" : "odd", log: "111122223333:app",
                    pointer: RecordPointer(source: 0, stream: 1, timestamp: 0, sequence: Int64(index))))
        }
        return execution.results { "ptr-\($0.sequence)" }.map { row in
            Dictionary(uniqueKeysWithValues: row.map { ($0.field, $0.value) })
        }
    }

    @Test func newestFirstWithPointersByDefault() throws {
        let rows = try Self.run(
            "fields @timestamp, @message | filter @message like 'ERROR'", ["ERROR a", "ok", "ERROR b"])
        #expect(rows.map { $0["@message"] } == ["ERROR b", "ERROR a"])
        #expect(rows[0]["@timestamp"] == "2026-12-04 10:00:02.000")
        #expect(rows[0]["@ptr"] == "ptr-2")
        let columns = try QueryPlan.compile("filter x", limit: 10).columns
        #expect(columns == QueryPlan.defaultColumns)
    }

    /// A `limit` near Int.max (the fuzzer's find) keeps every row instead of overflowing a sort's trim threshold.
    @Test func aHugeLimitKeepsEveryRow() throws {
        let rows = try Self.run("fields @message | limit 5167760026245616978", ["a", "b", "c"])
        #expect(rows.map { $0["@message"] } == ["c", "b", "a"])
    }

    @Test func statsByBinCountsEachPeriod() throws {
        let rows = try Self.run("stats count(*) as n by bin(1m)", Array(repeating: "x", count: 150), spacing: 1000)
        #expect(rows.count == 3)
        let counts = Dictionary(uniqueKeysWithValues: rows.map { ($0["bin(1m)"]!, $0["n"]!) })
        #expect(counts["2026-12-04 10:00:00.000"] == "60")
        #expect(counts["2026-12-04 10:01:00.000"] == "60")
        #expect(counts["2026-12-04 10:02:00.000"] == "30")
    }

    @Test func jsonFieldsAreDiscoveredFlattened() throws {
        let events = [
            #"{"service":"api","latency_ms":10,"user":{"name":"ann"},"tags":["a","b"]}"#,
            #"{"service":"api","latency_ms":30,"user":{"name":"bob"},"tags":["c"]}"#,
            #"{"service":"db","latency_ms":5}"#,
        ]
        let stats = try Self.run(
            "stats avg(latency_ms) as avg, max(latency_ms) as max, count(*) as n by service | sort service", events)
        #expect(
            stats == [
                ["service": "api", "avg": "20", "max": "30", "n": "2"],
                ["service": "db", "avg": "5", "max": "5", "n": "1"],
            ])
        let fields = try Self.run("fields user.name, tags.1 | filter ispresent(user.name) | sort user.name asc", events)
        #expect(fields.map { $0["user.name"] } == ["ann", "bob"])
        #expect(fields.map { $0["tags.1"] } == ["b", nil])
    }

    @Test func keyValueTextIsDiscovered() throws {
        let rows = try Self.run(
            "filter status >= 500 | stats count(*) as errors by path",
            ["path=/a status=200", "path=/a status=503", #"path="/b c" status=500"#, "path=/a status=502"])
        #expect(Set(rows.map { "\($0["path"]!)=\($0["errors"]!)" }) == ["/a=2", "/b c=1"])
    }

    @Test func parseWithAGlobAndWithNamedGroups() throws {
        let glob = try Self.run(
            #"parse @message "[*] * took *ms" as level, action, took | filter took > 100 | display level, action, took"#,
            ["[INFO] load took 50ms", "[WARN] save took 250ms", "no match"])
        #expect(glob == [["level": "WARN", "action": "save", "took": "250", "@ptr": "ptr-1"]])
        let regex = try Self.run(
            #"parse @message /user=(?<user>\w+) id=(?<id>\d+)/ | stats count(*) by user"#,
            ["user=ann id=1", "user=bob id=2", "user=ann id=3"])
        #expect(Set(regex.map { "\($0["user"]!):\($0["count(*)"]!)" }) == ["ann:2", "bob:1"])
    }

    @Test func stringNumberAndDateFunctions() throws {
        let rows = try Self.run(
            """
            fields strlen(@message) as len, toupper(@message) as up, concat(@message, "-", "x") as joined,
              substr(@message, 1, 3) as part, replace(@message, "l", "L") as swapped, strcontains(@message, "ell") as has,
              trim("  a ") as trimmed, ltrim("xxa", "x") as left, abs(-2.5) as a, ceil(1.2) as c, floor(-1.2) as f,
              greatest(1, 7, 3) as g, least(4, 2) as l, pow(2, 10) as p, sqrt(16) as s, 7 % 4 as r, 2 ^ 3 ^ 2 as e,
              datefloor(@timestamp, 1h) as hour, dateceil(@timestamp, 1d) as day, toMillis(@timestamp) as ms,
              fromMillis(0) as epoch, coalesce(missing, "fallback") as c2, if(strlen(@message) > 3, "long", "short") as size
            """, ["hello"])
        let row = rows[0]
        #expect(row["len"] == "5")
        #expect(row["up"] == "HELLO")
        #expect(row["joined"] == "hello-x")
        #expect(row["part"] == "ell")
        #expect(row["swapped"] == "heLLo")
        #expect(row["has"] == "1")
        #expect(row["trimmed"] == "a")
        #expect(row["left"] == "a")
        #expect(row["a"] == "2.5")
        #expect(row["c"] == "2")
        #expect(row["f"] == "-2")
        #expect(row["g"] == "7")
        #expect(row["l"] == "2")
        #expect(row["p"] == "1024")
        #expect(row["s"] == "4")
        #expect(row["r"] == "3")
        #expect(row["e"] == "512")
        #expect(row["hour"] == "2026-12-04 10:00:00.000")
        #expect(row["day"] == "2026-12-05 00:00:00.000")
        #expect(row["ms"] == String(Self.base))
        #expect(row["epoch"] == "1970-01-01 00:00:00.000")
        #expect(row["c2"] == "fallback")
        #expect(row["size"] == "long")
    }

    @Test func ipAndJSONFunctions() throws {
        let rows = try Self.run(
            """
            fields isValidIp(ip) as valid, isValidIpV4(ip) as v4, isValidIpV6(ip) as v6, isIpInSubnet(ip, "10.0.0.0/8") as inTen,
              isIpv6InSubnet(ip, "2001:db8::/32") as inDoc, jsonStringify(jsonParse(@message)) as again | sort ip
            """,
            [#"{"ip":"10.1.2.3"}"#, #"{"ip":"2001:db8::1"}"#, #"{"ip":"300.1.1.1"}"#])
        // Natural order: 10.1.2.3, 300.1.1.1, 2001:db8::1 (runs of digits by length first).
        #expect(rows.map { $0["valid"] } == ["1", "0", "1"])
        #expect(rows.map { $0["v4"] } == ["1", "0", "0"])
        #expect(rows.map { $0["v6"] } == ["0", "0", "1"])
        #expect(rows.map { $0["inTen"] } == ["1", "0", "0"])
        #expect(rows.map { $0["inDoc"] } == ["0", "0", "1"])
        #expect(rows[0]["again"] == #"{"ip":"10.1.2.3"}"#)
        let member = try Self.run(
            "fields jsonParse(@message) as parsed | fields parsed.a.b as inner", [#"{"a":{"b":42}}"#])
        #expect(member[0]["inner"] == "42")
    }

    @Test func everyAggregation() throws {
        let events = ["v=1 k=a", "v=2 k=b", "v=3 k=a", "v=4 k=c", "v=10 k=a"]
        let row = try Self.run(
            """
            stats count() as n, count(v) as nv, count_distinct(k) as kinds, sum(v) as total, avg(v) as mean,
              min(v) as low, max(v) as high, pct(v, 50) as median, pct(v, 90) as p90, stddev(v) as sd,
              earliest(k) as first, latest(k) as last, sortsFirst(k) as sf, sortsLast(k) as sl, sum(v) / count() as ratio
            """, events)[0]
        #expect(row["n"] == "5")
        #expect(row["nv"] == "5")
        #expect(row["kinds"] == "3")
        #expect(row["total"] == "20")
        #expect(row["mean"] == "4")
        #expect(row["low"] == "1")
        #expect(row["high"] == "10")
        #expect(row["median"] == "3")
        #expect(row["p90"] == "10")
        #expect(row["sd"].flatMap(Double.init).map { abs($0 - 3.5355339) < 1e-6 } == true)
        #expect(row["first"] == "a")
        #expect(row["last"] == "a")
        #expect(row["sf"] == "a")
        #expect(row["sl"] == "c")
        #expect(row["ratio"] == "4")
    }

    @Test func aSecondStatsOverTheFirst() throws {
        let rows = try Self.run(
            "stats count(*) as perKey by k | stats avg(perKey) as mean, max(perKey) as most",
            ["k=a", "k=a", "k=b", "k=a", "k=c", "k=c"])
        #expect(rows == [["mean": "2", "most": "3"]])
    }

    @Test func dedupUnnestSortAndLimit() throws {
        let dedup = try Self.run(
            "fields k | sort @timestamp desc | dedup k", ["k=a", "k=b", "k=a", "k=b", "k=c"])
        #expect(dedup.map { $0["k"] } == ["c", "b", "a"])
        let unnest = try Self.run(
            "unnest tags into tag | stats count(*) as n by tag | sort n desc, tag asc",
            [#"{"tags":["x","y"]}"#, #"{"tags":["x"]}"#])
        #expect(unnest == [["tag": "x", "n": "2"], ["tag": "y", "n": "1"]])
        let limited = try Self.run("fields v | sort v desc | limit 2", (1...2000).map { "v=\($0)" })
        #expect(limited.map { $0["v"] } == ["2000", "1999"])
        let capped = try Self.run("fields @message", (1...50).map { "m\($0)" }, limit: 3)
        #expect(capped.map { $0["@message"] } == ["m50", "m49", "m48"])
    }

    @Test func comparisonsAndBooleanOperators() throws {
        let rows = try Self.run(
            """
            filter (status in [200, 204] or path not like "/health") and not (path =~ /^\\/admin/)
              and status != 500 | fields path | sort path
            """,
            [
                "status=200 path=/a", "status=204 path=/health", "status=500 path=/b", "status=404 path=/admin/x",
                "status=404 path=/c",
            ])
        #expect(rows.map { $0["path"] } == ["/a", "/c", "/health"])
    }

    @Test func compileErrorsPointAtTheProblem() throws {
        #expect(throws: QueryError.self) { try QueryPlan.compile("fields nosuch(x)", limit: 10) }
        do {
            _ = try QueryPlan.compile("fields a | filter count(*) > 1", limit: 10)
            Issue.record("an aggregation outside stats compiled")
        } catch {
            #expect(error.start == 18)
            #expect(error.end == 23)
        }
        #expect(throws: QueryError.self) { try QueryPlan.compile("stats x by y", limit: 10) }
        #expect(throws: QueryError.self) { try QueryPlan.compile("stats pct(x, 200)", limit: 10) }
    }

    @Test func literalFilterTermsBecomeAPrefilter() throws {
        let plan = try QueryPlan.compile(
            "filter @message like /ERROR/ and @message like 'db' | stats count(*)", limit: 10)
        #expect(plan.requiredTerms == ["ERROR", "db"])
        #expect(try QueryPlan.compile("fields a | filter @message like /x/", limit: 10).requiredTerms == ["x"])
        #expect(
            try QueryPlan.compile("parse @message 'a*' as b | filter @message like /x/", limit: 10).requiredTerms == [])
        #expect(try QueryPlan.compile("filter @message like /a|b/", limit: 10).requiredTerms == [])
        #expect(
            try QueryPlan.compile("fields @timestamp, @message | sort @timestamp desc | limit 20", limit: 100)
                .newestLimit == 20)
        #expect(try QueryPlan.compile("stats count(*)", limit: 100).newestLimit == nil)
    }

    /// AWS's documented ascending order ("updated natural sort"), given shuffled.
    @Test func sortIsAWSsNaturalOrder() throws {
        let expected = [
            "!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh", "0", "01", "1",
            "2", "3",
        ]
        var shuffled = expected
        shuffled.reverse()
        shuffled.swapAt(0, 7)
        let events = shuffled.map { #"{"v":"\#($0)"}"# }
        let ascending = try Self.run("fields v | sort v asc", events)
        #expect(ascending.map { $0["v"]! } == expected)
        let descending = try Self.run("fields v | sort v desc", events)
        #expect(descending.map { $0["v"]! } == expected.reversed())
    }

    @Test func dedupKeepsRowsMissingAField() throws {
        let rows = try Self.run("fields k | dedup k", ["k=a", "other", "k=a", "other"])
        #expect(rows.count == 3)
    }

    @Test func atMostTwoStatsWithSortAfterTheSecond() throws {
        #expect(throws: QueryError.self) {
            try QueryPlan.compile("stats count(*) by a | stats count(*) by b | stats count(*)", limit: 10)
        }
        #expect(throws: QueryError.self) {
            try QueryPlan.compile("stats count(*) as n by a | sort n | stats avg(n)", limit: 10)
        }
    }

    /// Counting by time needs no event: whole chunks inside one period are counted from their headers.
    @Test func countsByTimeFromChunkHeaders() throws {
        let plan = try QueryPlan.compile("stats count(*) as n by bin(1m)", limit: 100)
        #expect(plan.headerCountPeriod == 60_000)
        #expect(try QueryPlan.compile("stats count(*)", limit: 100).headerCountPeriod == 0)
        #expect(try QueryPlan.compile("filter x | stats count(*)", limit: 100).headerCountPeriod == nil)
        #expect(try QueryPlan.compile("stats count(x) by bin(1m)", limit: 100).headerCountPeriod == nil)
        #expect(try QueryPlan.compile("stats count(*) by bin(1m), host", limit: 100).headerCountPeriod == nil)
        let execution = QueryExecution(plan: plan, now: Self.base)
        execution.addCount(1000, at: Self.base + 5000)
        execution.add(
            LogRecord(
                timestamp: Self.base + 61_000, ingestionTime: Self.base, message: "x", logStream: "s", log: "l",
                pointer: RecordPointer(source: 0, stream: 1, timestamp: 0, sequence: 0)))
        let rows = execution.results { _ in "" }.map {
            Dictionary(uniqueKeysWithValues: $0.map { ($0.field, $0.value) })
        }
        #expect(
            rows == [
                ["bin(1m)": "2026-12-04 10:00:00.000", "n": "1000"], ["bin(1m)": "2026-12-04 10:01:00.000", "n": "1"],
            ])
        #expect(execution.recordsMatched == 1001)
    }

    /// Found by fuzzing: arithmetic on lists recursed without end.
    @Test func listsAreNotNumbers() throws {
        let rows = try Self.run("fields [] / [] as a, [1] + 1 as b, [2] > 1 as c", ["x"])
        #expect(rows.first?["a"] == nil)
        #expect(rows.first?["b"] == nil)
    }
}
