import Testing

@testable import CairnInsights

/// Numbers that a message or a query can hold and that no integer can: each of these trapped the server
/// (found by a review). A number beyond what a time or an index can be makes that value null; nothing traps.
@Suite struct ExtremeNumberTests {
    static func run(_ query: String, _ messages: [String]) throws -> [[String: String]] {
        try QueryExecutionTests.run(query, messages)
    }

    @Test("JSON numbers of more than 15 digits are read, not overflowed")
    func longJSONNumbers() throws {
        let messages = [
            #"{"pi": 3.14159265358979323846, "id": 18446744073709551615, "x": -9223372036854775809}"#
        ]
        let rows = try Self.run("fields pi, id, x", messages)
        #expect(rows.first?["pi"]?.hasPrefix("3.14159") == true)
        #expect(try Self.run("stats count(*) as n by id", messages).first?["n"] == "1")
        #expect(try Self.run("filter ispresent(x) | stats count(*) as n", messages).first?["n"] == "1")
        let record = LogRecord(
            timestamp: 0, ingestionTime: 0, message: messages[0], logStream: "s", log: "l",
            pointer: RecordPointer(source: 0, stream: 1, timestamp: 0, sequence: 0))
        #expect(record.discoveredFields().contains { $0.0 == "id" })
        #expect(JSONTreeReader.plainDecimal(Array("1234567890123456".utf8)[...]) == nil)
        #expect(JSONTreeReader.plainDecimal(Array("-123456789012345".utf8)[...]) == -123_456_789_012_345)
    }

    @Test(
        "times and indexes from numbers no Int64 holds are null",
        arguments: [
            "fields @timestamp + pow(10, 300) as v", "fields @timestamp - @message as v",
            "fields fromMillis(@message) as v",
            "fields datefloor(pow(10, 300), 1) as v", "fields datefloor(1, pow(10, 300)) as v",
            "fields dateceil(1, pow(10, 300)) as v", "fields dateceil(@timestamp, 9223372036854775807) as v",
            "fields datefloor(5000000000000000000, 6000000000000000000) as v",
            "fields datefloor(-9000000000000000000, 7000000000000000000) as v",
            "fields dateceil(9000000000000000000, 7000000000000000000) as v", "fields dateceil(1, 0.5) as v",
            "fields substr(@message, @message) as v", "fields substr(@message, 0, pow(10, 300)) as v",
            "stats count(*) as v by bin(@message)",
            "fields pow(10, 300) as @timestamp | stats count(*) as v by bin(1m)",
            "fields pow(10, 300) as @timestamp | stats earliest(@message) as v",
            "stats count(*) as v by bin(10000000000000000000000)",
        ])
    func extremeTimesAndIndexes(query: String) throws {
        for message in ["-nan", "+infinity", "1e300", "100000000000000000000000", "-inf"] {
            _ = try Self.run(query, [message])
        }
    }

    /// Chained `concat(a, a)` doubled a value at every stage (30 stages made 2 GiB from `ab`) until the server ran
    /// out of memory; `replace` multiplied it likewise. A string function's result is at most 4 MB, else null.
    @Test func stringFunctionsStopAt4MB() throws {
        var query = "fields @message as a0"
        for stage in 1...24 { query += " | fields concat(a\(stage - 1), a\(stage - 1)) as a\(stage)" }
        query += " | display strlen(a21) as n21, strlen(a22) as n22, strlen(a24) as n24"
        let row = try #require(try Self.run(query, ["ab"]).first)
        // A null shows as an empty or missing field; concat leaves nulls out, so the stages after it start over.
        #expect(row["n21"] == "4194304" && (row["n22"] ?? "").isEmpty && row["n24"] == "0")
        let text = String(repeating: "a", count: 500_000)
        let replaced = try Self.run(
            "fields strlen(replace(@message, 'a', 'aaaaaaaa')) as n, strlen(replace(@message, 'a', 'aaaaaaaaa')) as m",
            [text])
        #expect(replaced.first?["n"] == "4000000" && (replaced.first?["m"] ?? "").isEmpty)
        #expect(try Self.run("fields replace(@message, 'b', 'cc') as r", ["abab"]).first?["r"] == "accacc")
    }

    @Test func ordinaryValuesStillConvert() throws {
        let rows = try Self.run(
            "fields fromMillis(1796378400000) as t, datefloor(1796378401234, 1000) as f, "
                + "dateceil(1796378401234, 1000) as c, substr('abcdef', 1, 3) as s, substr('abc', -5, pow(10, 300)) as w",
            ["x"])
        #expect(rows.first?["t"] == "2026-12-04 10:00:00.000")
        #expect(rows.first?["f"] == "2026-12-04 10:00:01.000" && rows.first?["c"] == "2026-12-04 10:00:02.000")
        #expect(rows.first?["s"] == "bcd" && rows.first?["w"] == "abc")
    }
}
