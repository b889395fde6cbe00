import Foundation
import Testing

@testable import CairnInsights

/// The query language as AWS's syntax pages write it: each documented command and its forms.
@Suite struct QueryParserTests {
    static func parse(_ query: String) throws -> [Command] { try QueryParser.parse(query).commands }

    @Test func aPipelineOfTheDocumentedCommands() throws {
        let commands = try Self.parse(
            """
            fields @timestamp, @message, toupper(user) as who  # the newest first
            | filter status >= 500 and @message like /ERROR/
            | stats count(*) as errors, avg(latency_ms) by bin(5m), host
            | sort errors desc, host
            | limit 20
            """)
        #expect(commands.count == 5)
        #expect(
            commands[0]
                == .fields([
                    NamedExpression(expression: .field("@timestamp"), name: "@timestamp"),
                    NamedExpression(expression: .field("@message"), name: "@message"),
                    NamedExpression(expression: .call("toupper", [.field("user")]), name: "who"),
                ]))
        #expect(
            commands[1]
                == .filter(
                    .binary(
                        .and, .binary(.greaterOrEqual, .field("status"), .number(500)),
                        .binary(.like, .field("@message"), .regex("ERROR")))))
        #expect(
            commands[2]
                == .stats(
                    [
                        NamedExpression(expression: .call("count", [.all]), name: "errors"),
                        NamedExpression(expression: .call("avg", [.field("latency_ms")]), name: "avg(latency_ms)"),
                    ],
                    by: [
                        NamedExpression(expression: .call("bin", [.duration(milliseconds: 300_000)]), name: "bin(5m)"),
                        NamedExpression(expression: .field("host"), name: "host"),
                    ]))
        #expect(
            commands[3]
                == .sort([
                    SortKey(expression: .field("errors"), descending: true),
                    SortKey(expression: .field("host"), descending: false),
                ]))
        #expect(commands[4] == .limit(20))
    }

    @Test func precedenceOfOperators() throws {
        let commands = try Self.parse("filter not a = 1 or b + 2 * c ^ 2 > -3 and d in [1, 'x']")
        #expect(
            commands
                == [
                    .filter(
                        .binary(
                            .or, .not(.binary(.equal, .field("a"), .number(1))),
                            .binary(
                                .and,
                                .binary(
                                    .greater,
                                    .binary(
                                        .add, .field("b"),
                                        .binary(.multiply, .number(2), .binary(.power, .field("c"), .number(2)))),
                                    .number(-3)),
                                .binary(.in, .field("d"), .list([.number(1), .string("x")])))))
                ])
    }

    @Test func regexesDivisionAndNegatedOperators() throws {
        #expect(
            try Self.parse("fields bytes / 1024 as kb") == [
                .fields([NamedExpression(expression: .binary(.divide, .field("bytes"), .number(1024)), name: "kb")])
            ])
        #expect(
            try Self.parse(#"filter path =~ /^\/api\/v[0-9]+/"#) == [
                .filter(.binary(.matches, .field("path"), .regex(#"^/api/v[0-9]+"#)))
            ])
        #expect(
            try Self.parse("filter level not like 'DEBUG' and code not in [200, 204]") == [
                .filter(
                    .binary(
                        .and, .binary(.notLike, .field("level"), .string("DEBUG")),
                        .binary(.notIn, .field("code"), .list([.number(200), .number(204)]))))
            ])
    }

    @Test func parseDedupUnnestAndQuotedFields() throws {
        #expect(
            try Self.parse(#"parse @message "user=* action=*" as user, action"#) == [
                .parse(field: "@message", .glob("user=* action=*", names: ["user", "action"]))
            ])
        #expect(
            try Self.parse(#"parse @message /(?<user>\w+)@(?<domain>\S+)/"#) == [
                .parse(field: "@message", .regex(#"(?<user>\w+)@(?<domain>\S+)"#))
            ])
        #expect(
            try Self.parse("dedup server, `request-id` | unnest items into item | display item") == [
                .dedup(["server", "request-id"]), .unnest(field: "items", into: "item"),
                .display([NamedExpression(expression: .field("item"), name: "item")]),
            ])
        #expect(try Self.parse("FIELDS a.b.0 | FILTER ispresent(a.b.0) AND a.b.0 != \"\"").count == 2)
    }

    @Test func durationsInEveryUnit() throws {
        for (text, milliseconds) in [
            ("100ms", 100), ("30s", 30_000), ("5m", 300_000), ("1h", 3_600_000), ("1d", 86_400_000),
            ("1w", 604_800_000),
        ] as [(String, Int64)] {
            #expect(
                try Self.parse("stats count(*) by bin(\(text))") == [
                    .stats(
                        [NamedExpression(expression: .call("count", [.all]), name: "count(*)")],
                        by: [
                            NamedExpression(
                                expression: .call("bin", [.duration(milliseconds: milliseconds)]), name: "bin(\(text))")
                        ])
                ])
        }
    }

    /// Each error names the text at fault by its character offsets (`queryCompileError.location`).
    @Test func errorsSayWhereTheyAre() {
        for (query, start, end, message) in [
            ("fields a |", 10, 11, "expected a command but found the end of the query"),
            ("fieds a", 0, 5, "expected a command but found 'fieds'"),
            ("filter a = ", 11, 12, "expected a value but found the end of the query"),
            ("filter (a = 1", 13, 14, "expected ')' but found the end of the query"),
            ("filter a = 'x", 11, 13, "unterminated string"),
            ("limit 0", 6, 7, "limit needs a positive whole number"),
            ("stats count(*) by bin(5parsecs)", 22, 30, "invalid time period '5parsecs'"),
            ("parse @message 'a * b *' as one", 15, 31, "the pattern has 2 '*' but 1 names follow 'as'"),
            ("parse @message /(\\w+)/", 15, 22, "a regular expression in parse needs named groups such as (?<name>…)"),
            ("fields a $ b", 9, 10, "unexpected character '$'"),
            ("fields a b", 9, 10, "expected '|' or the end of the query but found 'b'"),
        ] as [(String, Int, Int, String)] {
            #expect(throws: QueryError(message, start: start, end: end), "\(query)") { try Self.parse(query) }
        }
    }

    @Test func lengthAndNestingAreBounded() {
        #expect(throws: QueryError.self) { try Self.parse("fields " + String(repeating: "a", count: 10_000)) }
        let deep = "filter " + String(repeating: "(", count: 5_000) + "a" + String(repeating: ")", count: 5_000)
        #expect(throws: QueryError.self) { try Self.parse(deep) }
        let negations = "filter " + String(repeating: "not ", count: 2_000) + "a"
        #expect(throws: QueryError.self) { try Self.parse(negations) }
        #expect(throws: QueryError.self) { try Self.parse("filter " + String(repeating: "-", count: 3_000) + "1") }
        #expect(throws: Never.self) {
            try Self.parse("filter " + String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50))
        }
    }
}

/// `SOURCE …|` clauses, as the console and DescribeQueries write them.
@Suite struct SourceClauseTests {
    @Test func namesPrefixesAndTheConsolesWindow() throws {
        let (clause, rest) = try SourceClause.split(#"SOURCE "app/a" "app/b" START=-3600s END=0s | fields @message"#)
        #expect(clause == SourceClause(names: ["app/a", "app/b"], namePrefixes: []))
        #expect(rest.trimmingCharacters(in: .whitespaces) == "fields @message")
        #expect(rest.count == #"SOURCE "app/a" "app/b" START=-3600s END=0s | fields @message"#.count)
        let prefixed = try SourceClause.split(
            #"source logGroups(namePrefix: ["a/", "b/"], class: "STANDARD") | stats count(*)"#)
        #expect(prefixed.0?.namePrefixes == ["a/", "b/"])
        #expect(try SourceClause.split("fields @message").0 == nil)
    }

    @Test func errorsPointIntoTheClause() {
        #expect(throws: QueryError.self) { try SourceClause.split("SOURCE | fields a") }
        #expect(throws: QueryError.self) { try SourceClause.split(#"SOURCE "a" fields a"#) }
        #expect(throws: QueryError.self) { try SourceClause.split(#"SOURCE "a""#) }
        do {
            _ = try QueryPlan.compile(#"SOURCE "a" | fields nosuch(x)"#, limit: 10)
            Issue.record("an unknown function compiled")
        } catch {
            #expect(error.start == 20)
        }
    }
}
