import CairnTransform
import Testing

@Suite("grok matching")
struct GrokPatternTests {
    private func fields(_ match: String, _ text: String) throws -> [GrokField]? {
        try GrokPattern(match).match(text)
    }

    @Test("the Redis slow-log example matches, with '[' and ']' as literal text")
    func redisSlowLog() throws {
        let example = try #require(try GrokDocumentedExample.all(of: "grok").first { $0.output == nil })
        let match = try #require(example.grokMatch)
        #expect(
            try fields(match, example.input) == [
                GrokField(path: "timestamp", value: .string("1629860738.123456")),
                GrokField(path: "db", value: .string("0")),
                GrokField(path: "client_ip", value: .string("127.0.0.1")),
                GrokField(path: "client_port", value: .string("6379")),
                GrokField(path: "data", value: .string(#""SET" "key1" "value1""#)),
            ])
        #expect(try fields(#"%{NUMBER:a} \[%{NUMBER:b}\]"#, "1 [2]")?.count == 2)
    }

    @Test(
        "text that does not match gives nil",
        arguments: [
            ("%{INT:n}", "12a"), ("%{INT:n}", ""), ("%{POSINT:n}", "012"), ("%{IPV4:ip}", "256.1.1.1"),
            ("%{UUID:id}", "550e8400-e29b-41d4-a716"), ("%{WORD:w}", "two words"), ("%{DATA:d}", "line\nbreak"),
            ("%{GREEDYDATA:d}", "line\nbreak"), ("%{ARN:arn}", "arn:aws:s3:::my-bucket"),
            ("%{TZ:tz}", "AST"), ("%{QUOTEDSTRING:q}", #""unterminated"#), ("a.c %{WORD:w}", "abc x"),
            ("%{APACHE_ACCESS_LOG}", "not an access log line"),
            ("%{NGINX_ACCESS_LOG}", #"127.0.0.1 - - [03/Aug/2023:12:34:56 +0000] "GET / HTTP/1.1" 200 1234"#),
            ("%{SYSLOG5424}", "<34>Oct 11 22:14:15 mymachine su: 'su root' failed"),
        ])
    func nonMatching(match: String, text: String) throws {
        #expect(try fields(match, text) == nil)
    }

    @Test("a match must cover the whole text")
    func anchored() throws {
        #expect(try fields("%{WORD:w}", "abc def") == nil)
        #expect(try fields("%{WORD:w}", "abc") == [GrokField(path: "w", value: .string("abc"))])
    }

    @Test("unnamed patterns capture nothing, but their documented sub-captures still appear")
    func unnamed() throws {
        #expect(try fields("%{WORD} %{INT:n}", "abc 12") == [GrokField(path: "n", value: .string("12"))])
        #expect(try fields("%{HOSTPORT}", "example.com:80") == [GrokField(path: "PORT", value: .string("80"))])
    }

    @Test("APACHE_ACCESS_LOG converts to UTC and keeps named fields; '-' size is left out")
    func apacheTypes() throws {
        let line = #"10.0.0.1 - alice [03/Aug/2023:23:34:56 -0230] "POST /api HTTP/2.0" 404 -"#
        let fields = try #require(try fields("%{APACHE_ACCESS_LOG}", line))
        #expect(
            fields == [
                GrokField(path: "request", value: .string("/api")),
                GrokField(path: "http_method", value: .string("POST")),
                GrokField(path: "status_code", value: .integer(404)),
                GrokField(path: "auth_user", value: .string("alice")),
                GrokField(path: "http_version", value: .string("2.0")),
                GrokField(path: "remote_host", value: .string("10.0.0.1")),
                GrokField(path: "timestamp", value: .string("2023-08-04T02:04:56Z")),
            ])
    }

    @Test("access-log fields come out in the order of AWS's NGINX example")
    func accessLogFieldOrder() throws {
        let example = try #require(
            try GrokDocumentedExample.all(of: "grok").first { $0.grokMatch == "%{NGINX_ACCESS_LOG}" })
        #expect(
            try fields("%{NGINX_ACCESS_LOG}", example.input)?.map(\.path) == [
                "request", "referrer", "agent", "http_method", "status_code", "auth_user", "http_version",
                "response_size", "remote_host", "timestamp",
            ])
    }

    @Test("a common log pattern followed by GREEDYDATA captures the rest")
    func commonLogWithTrailer() throws {
        let line = #"127.0.0.1 - - [31/Dec/1999:23:59:59 -0100] "GET / HTTP/1.1" 200 1 "-" "curl/8" extra text"#
        let fields = try #require(try fields("%{NGINX_ACCESS_LOG} %{GREEDYDATA:rest}", line))
        #expect(fields.first { $0.path == "timestamp" }?.value == .string("2000-01-01T00:59:59Z"))
        #expect(fields.last == GrokField(path: "rest", value: .string("extra text")))
        #expect(!fields.contains { $0.path == "referrer" })
    }

    @Test("SYSLOG5424 with '-' fields and a plain message")
    func syslogDashes() throws {
        let fields = try #require(try fields("%{SYSLOG5424}", "<34>1 - - su 77 - - 'su root' failed"))
        #expect(
            fields == [
                GrokField(path: "pri", value: .integer(34)), GrokField(path: "version", value: .integer(1)),
                GrokField(path: "app", value: .string("su")), GrokField(path: "proc_id", value: .string("77")),
                GrokField(path: "message", value: .string("'su root' failed")),
            ])
    }

    @Test("literal regex metacharacters match themselves")
    func literalMetacharacters() throws {
        #expect(try fields("(%{INT:n}) *+?|^$ {x}", "(5) *+?|^$ {x}")?.first?.value == .string("5"))
        #expect(try fields("%{WORD:w}.", "abcx") == nil)
        #expect(try fields(#"C:\Users %{WORD:w}"#, #"C:\Users bob"#)?.first?.value == .string("bob"))
    }

    @Test("GREEDYDATA_MULTILINE spans lines, SPACE may be empty")
    func multilineAndSpace() throws {
        #expect(try fields("%{WORD:a}%{SPACE}%{GREEDYDATA_MULTILINE:b}", "x\n y\nz")?.last?.value == .string("y\nz"))
        #expect(try fields("%{WORD:a}%{SPACE:s}%{INT:b}", "x1") == nil)
        #expect(try fields("%{WORD:a}%{SPACE:s}-%{INT:b}", "x-1")?[1] == GrokField(path: "s", value: .string("")))
    }

    @Test("a match that backtracks without end gives up and reports no match")
    func backtrackingBudget() throws {
        let pattern = try GrokPattern("%{DATA:a} %{DATA:b} %{DATA:c} %{DATA:d} %{DATA:e}x")
        let line = String(repeating: "a ", count: 2_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(pattern.match(line) == nil) }
        #expect(elapsed < .seconds(2))
        #expect(pattern.match("a b c d ex")?.count == 5)
    }

    @Test("one compiled pattern is safe to share across tasks")
    func concurrentUse() async throws {
        let pattern = try GrokPattern("%{IP:ip} %{INT:n}")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for value in 0..<32 {
                group.addTask { pattern.match("10.0.0.\(value) \(value)")?.last?.value == .string("\(value)") }
            }
            for try await matched in group { #expect(matched) }
        }
    }
}
