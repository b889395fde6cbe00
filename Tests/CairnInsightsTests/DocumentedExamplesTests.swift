import Testing

@testable import CairnInsights

/// The examples AWS's Logs Insights pages give with their input and their result: the same query on the same
/// events gives the same rows (`/work/notes`-style references: the syntax, parse, unnest, discovered-fields and
/// functions pages).
@Suite struct DocumentedExamplesTests {
    static func run(_ query: String, _ messages: [String]) throws -> [[String: String]] {
        try QueryExecutionTests.run(query, messages)
    }

    /// "parse": a glob and a regex with named groups extract the same three fields.
    @Test func parseAGlobAndARegex() throws {
        let line = "25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException"
        let expected = ["level": "ERROR", "config": "{foo=2, bar=data}", "exception": "DataIntegrityException"]
        for query in [
            #"parse @message "[*] * The error was: *" as level, config, exception"#,
            #"parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/"#,
        ] {
            let row = try #require(try Self.run(query, [line]).first)
            #expect(row.filter { $0.key != "@ptr" } == expected, "\(query)")
        }
    }

    /// "unnest": one record per element of the array.
    @Test func unnestAnArrayIntoRecords() throws {
        let rows = try Self.run(
            "fields jsonParse(@message) as json_message | unnest json_message.events into event | display event.name",
            [#"{"events": [{"name": "exception"}, {"name": "user action"}]}"#])
        #expect(Set(rows.map { $0["event.name"] }) == ["exception", "user action"])
        #expect(rows.count == 2)
    }

    static let cloudTrail = """
        {"eventVersion": "1.0", "userIdentity": {"type": "IAMUser", "principalId": "EX_PRINCIPAL_ID",
         "arn": "arn: aws: iam: : 123456789012: user/Alice", "accessKeyId": "EXAMPLE_KEY_ID",
         "accountId": "123456789012", "userName": "Alice"}, "eventTime": "2014-03-06T21: 22: 54Z",
         "eventSource": "ec2.amazonaws.com", "eventName": "StartInstances", "awsRegion": "us-east-2",
         "sourceIPAddress": "192.0.2.255", "userAgent": "ec2-api-tools1.6.12.2",
         "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-abcde123"}]}},
         "responseElements": {"instancesSet": {"items": [{"instanceId": "i-abcde123",
           "currentState": {"code": 0, "name": "pending"}, "previousState": {"code": 80, "name": "stopped"}}]}}}
        """

    /// "Supported logs and discovered fields": nested keys with dots, array elements by their index.
    @Test func cloudTrailFieldsWithDotsAndIndexes() throws {
        let rows = try Self.run(
            """
            fields @timestamp, @message, userIdentity.type, responseElements.instancesSet.items.0.previousState.name
            | filter requestParameters.instancesSet.items.0.instanceId="i-abcde123" | sort @timestamp desc
            """, [Self.cloudTrail, #"{"eventName": "other"}"#])
        #expect(rows.count == 1)
        #expect(rows[0]["userIdentity.type"] == "IAMUser")
        #expect(rows[0]["responseElements.instancesSet.items.0.previousState.name"] == "stopped")
    }

    /// A discovered field whose name starts with `@` gets another `@`.
    @Test func atSignFieldsAreShownWithTwo() throws {
        let rows = try Self.run("fields `@@example.com` as mail", [#"{"@example.com": "yes"}"#])
        #expect(rows.first?["mail"] == "yes")
    }

    /// The functions page's worked values.
    @Test func functionExamples() throws {
        let rows = try Self.run(
            """
            fields 2 ^ 3 as power, 10 % 3 as rest, ltrim("xyZxyfooxyZ", "xyZ") as l, rtrim("xyZfooxyxyZ", "xyZ") as r,
              trim("xyZxyfooxyxyZ", "xyZ") as t, substr("xyZfooxyZ", 3, 3) as s, replace("foo", "o", "0") as swapped,
              toMillis(fromMillis(1642195111000)) as ms
            """, ["x"])
        #expect(
            rows.first?.filter { $0.key != "@ptr" } == [
                "power": "8", "rest": "1", "l": "fooxyZ", "r": "xyZfoo", "t": "foo", "s": "foo", "swapped": "f00",
                "ms": "1642195111000",
            ])
    }

    /// The CLI's get-query-results example: three events, newest first, with `@ptr` last in each row.
    @Test func newestFirstWithThePointerLast() throws {
        let plan = try QueryPlan.compile("fields @timestamp, @message, @logStream", limit: 10_000)
        let execution = QueryExecution(plan: plan, now: 0)
        for (time, message) in [
            (Int64(1_716_099_016_682), "Test BENCHMARK 1"), (1_716_099_027_559, "Test BENCHMARK 2"),
            (1_716_099_035_743, "Test BENCHMARK 3"),
        ] {
            execution.add(
                LogRecord(
                    timestamp: time, ingestionTime: time, message: message, logStream: "TestStream",
                    log: "123456789012:demo", pointer: RecordPointer(source: 0, stream: 1, timestamp: time, sequence: 0)
                ))
        }
        let rows = execution.results { "ptr-\($0.timestamp)" }
        #expect(
            rows.map { $0.map(\.field) }
                == Array(repeating: ["@timestamp", "@message", "@logStream", "@ptr"], count: 3))
        #expect(
            rows.map { $0[0].value } == [
                "2024-05-19 06:10:35.743", "2024-05-19 06:10:27.559", "2024-05-19 06:10:16.682",
            ])
        #expect(rows.map { $0[1].value } == ["Test BENCHMARK 3", "Test BENCHMARK 2", "Test BENCHMARK 1"])
    }
}
