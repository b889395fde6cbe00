import Testing

@testable import CairnFilter

/// Forms CloudWatch Logs' filter-pattern pages show that Cairn used to refuse or mis-match:
/// bracketed JSON keys, `[*]` wildcard selectors, and the escapes of the regex syntax.
@Suite("Filter patterns: forms from AWS's pages")
struct PatternDocumentedFormsTests {
    func matching(_ pattern: String, _ events: [String]) throws -> [Int] {
        let filter = try FilterPattern(pattern)
        return events.indices.filter { filter.matches(ArraySlice(events[$0].utf8)) }
    }

    /// Every example pattern the pages show parses.
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-space-delimited-log-events.html
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html
    static let documentedPatterns = [
        // Terms.
        "ERROR", "ERROR ARGUMENTS", "?ERROR ?ARGUMENTS", "\"INTERNAL SERVER ERROR\"", "ERROR -ARGUMENTS", "\" \"",
        "", "?ERROR ?WARN", "ERROR -WARN", "\"ERROR\" \"Exception\"",
        // Regex.
        "%AUTHORIZED%", #"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%"#, "%[Ee]rror|[Ff]ail%", "%^[hc]at%", "%[hc]at$%",
        "%colou?r%", "%[abc]%", "%[a-z]%", "%[abcx-z]%", "%a{3,5}%", "%gray|grey%", #"%10\.10\.0\.1%"#, "%^ERROR%",
        #"%\d{3}%"#, #"%111\.111\.111\.1[0-9]{1,2}%"#, #"%ERROR\s4[01]%"#,
        // JSON.
        #"{ $.eventType = "UpdateTrail" }"#, "{ $.sourceIPAddress != 123.123.* }", #"{ $.arrayKey[0] = "value" }"#,
        "{ $.objectList[1].id = 2 }", #"{ $.['cluster.name'] = "c" }"#, "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }", "{ $.ThisFlag IS TRUE }", "{ $.latency < 50 }", "{ $.latency >= 500 }",
        "{ $.numbers[0] < 10e3 }", "{ $.numbers[0] < 10e-3 }", "{ $.processes[4].averageRuntime <= 55.5 }",
        "{ $.errorCode = 400 }", "{ $.errorCode != 500 }", "{ $.latency > +1000 }", "{ $.latency = * }",
        "{$.foo = bar}", "{$.foo = bar || $.foo = baz }", #"{ $.arrayKey[*] = "value" }"#,
        #"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#,
        #"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }"#,
        #"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#,
        // Space-delimited.
        "[ip, user, username, timestamp, request, status_code, bytes]", "[..., status_code, bytes]",
        "[ip, user, ..., status_code, bytes]", "[ip, user, ...]",
        "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        "[..., request =*.html*, status_code = 4*, bytes]",
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        "[w1=ERROR, w2]", "[w1=ERROR || w1=WARN, w2]", "[w1!=ERROR&&w1!=WARN, w2]",
        "[ip, user, ..., status_code=%4[0-9]{2}%, size]",
    ]

    @Test(arguments: documentedPatterns)
    func documentedPatternParses(pattern: String) {
        #expect(throws: Never.self, "pattern \(pattern)") { try FilterPattern(pattern) }
    }

    // MARK: bracketed keys
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html
    // ("a JSON property with a period (.) in the key": `{ $.['cluster.name'] = "c" }`)

    static let dotted = [
        #"{"cluster.name": "c"}"#, #"{"cluster": {"name": "c"}}"#, #"{"cluster.name": "d"}"#,
        #"{"attributes": {"aws.region": "eu-west-1", "a b": 1}}"#, #"{"cluster.name": ["c"]}"#,
    ]

    @Test func bracketedKeysHoldDotsAndSpaces() throws {
        #expect(try matching(#"{ $.['cluster.name'] = "c" }"#, Self.dotted) == [0])
        #expect(try matching(#"{ $.['cluster.name'] != "c" }"#, Self.dotted) == [2])
        #expect(try matching(#"{ $.attributes.['aws.region'] = "eu-*" }"#, Self.dotted) == [3])
        #expect(try matching("{ $.attributes.['a b'] = 1 }", Self.dotted) == [3])
        #expect(try matching(#"{ $.['cluster.name'][0] = "c" }"#, Self.dotted) == [4])
        #expect(try matching("{ $.['cluster.name'] NOT EXISTS }", Self.dotted) == [1, 3])
        let match = try #require(
            try FilterPattern("{ $.attributes.['a b'] = * }").match(ArraySlice(Self.dotted[3].utf8)))
        #expect(match.value(of: try #require(FieldSelector("$.attributes.['aws.region']"))) == "eu-west-1")
    }

    /// Single quotes only; AWS answers double quotes in the brackets with a syntax error.
    static let refusedKeys = [
        #"{ $.["cluster.name"] = "c" }"#, "{ $.[cluster.name] = 1 }", "{ $.[''] = 1 }", "{ $.['a.b' = 1 }",
        "{ $.['a.b = 1 }", "{ $['a.b'] = 1 }", "{ $.a['b c'] = 1 }",
    ]

    @Test(arguments: refusedKeys)
    func malformedBracketedKeysAreRefused(pattern: String) {
        #expect(throws: FilterPatternError.invalid, "pattern \(pattern)") { try FilterPattern(pattern) }
    }

    // MARK: wildcard selectors
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html

    static let arrays = [
        #"{"arrayKey": ["value", "another value"]}"#, #"{"arrayKey": ["another value"]}"#, #"{"arrayKey": []}"#,
        #"{"arrayKey": "value"}"#,
        #"{"objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}]}"#,
        #"{"objectList": [{"name": "a", "id": 1}, {"name": "b"}]}"#, #"{"flags": [false, null, true]}"#,
    ]

    @Test func wildcardMatchesWhenAnyElementMatches() throws {
        #expect(try matching(#"{ $.arrayKey[*] = "value" }"#, Self.arrays) == [0])
        #expect(try matching(#"{ $.arrayKey[*] = "*value" }"#, Self.arrays) == [0, 1])
        #expect(try matching(#"{ $.arrayKey[*] != "value" }"#, Self.arrays) == [0, 1])
        #expect(try matching("{ $.objectList[*].id = 2 }", Self.arrays) == [4])
        #expect(try matching("{ $.objectList[*].id > 0 }", Self.arrays) == [4, 5])
        #expect(try matching(#"{ $.objectList[*].name = "b" && $.objectList[*].id = 2 }"#, Self.arrays) == [4])
        #expect(try matching("{ $.objectList[*].id NOT EXISTS }", Self.arrays) == [0, 1, 2, 3, 6])
        #expect(try matching("{ $.objectList[*].id EXISTS }", Self.arrays) == [4, 5])
        #expect(try matching("{ $.flags[*] IS NULL }", Self.arrays) == [6])
        #expect(try matching("{ $.flags[*] IS TRUE }", Self.arrays) == [6])
        #expect(try matching("{ $.flags[*] IS FALSE }", Self.arrays) == [6])
        #expect(try matching("{ $.arrayKey[*] = %^another% }", Self.arrays) == [0, 1])
    }

    @Test func wildcardSelectorsAreLimited() throws {
        // One wildcard per property selector, three wildcard selectors per pattern.
        #expect(throws: FilterPatternError.invalid) { try FilterPattern("{ $.a[*].b[*] = 1 }") }
        _ = try FilterPattern("{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 }")
        #expect(throws: FilterPatternError.invalid) {
            try FilterPattern("{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }")
        }
        #expect(throws: FilterPatternError.invalid) { try FilterPattern("{ $.a[*1] = 1 }") }
    }

    /// The quick byte search that rules events out must still find values reached through `[*]`.
    @Test func wildcardMatchesAreNotRuledOutEarly() throws {
        let pattern = try FilterPattern(#"{ $.users[*].email = "Jane.Doe@example.com" }"#)
        #expect(pattern.matches(ArraySlice(PatternExampleTests.users.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"users": [{"email": "Jane.Doe@example.org"}]}"#.utf8)))
    }

    // MARK: regex escapes
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html
    // (`\` is the escape operator; `\d \D \s \S \w \W` are classes; an escaped operator is literal)

    static let escapes = ["A:B", "a:b", "tab\there", "pipe|here", "a-b", "x41", "form\u{0C}feed"]

    @Test func regexEscapes() throws {
        #expect(try matching(#"%\x41\x3A%"#, Self.escapes) == [0])
        #expect(try matching(#"%[\x61-\x62]:%"#, Self.escapes) == [1])
        #expect(try matching(#"%\t%"#, Self.escapes) == [2])
        #expect(try matching(#"%\f%"#, Self.escapes) == [6])
        #expect(try matching(#"%e\|h%"#, Self.escapes) == [3])
        #expect(try matching(#"%a\-b|e\|h%"#, Self.escapes) == [3, 4])
        #expect(try matching(#"%x41%"#, Self.escapes) == [5])
        #expect(try matching(#"%\W%"#, Self.escapes) == [0, 1, 2, 3, 4, 6])
    }

    static let refusedRegexes: [(String, FilterPatternError)] = [
        (#"%\x4%"#, .invalid), (#"%\xZZ%"#, .invalid), (#"%\xC3%"#, .invalid), (#"%[\x4]%"#, .invalid),
        ("%(ab)+%", .invalidCharacters("(".utf8)), ("%something!%", .invalidCharacters("!".utf8)),
    ]

    @Test(arguments: refusedRegexes)
    func badEscapesAreRefused(pattern: String, error: FilterPatternError) {
        #expect(throws: error, "pattern \(pattern)") { try FilterPattern(pattern) }
    }

    // MARK: space-delimited
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html

    static let access = [
        #"127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#,
        #"127.0.0.1 Prod frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 410 5324"#,
        #"127.0.0.1 Prod frank [10/Oct/2000:13:50:35 -0700] "GET /index.html HTTP/1.0" 200 4355"#,
    ]

    @Test func spaceDelimitedExamples() throws {
        #expect(
            try matching("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]", Self.access) == [
                0
            ])
        #expect(try matching("[..., request =*.html*, status_code = 4*, bytes]", Self.access) == [0])
        #expect(
            try matching(
                "[ip, user, username, timestamp, request, status_code = 404 || status_code = 410, bytes]",
                Self.access) == [0, 1])
        #expect(try matching("[ip, user, ..., status_code=%4[0-9]{2}%, size]", Self.access) == [0, 1])
    }

    /// An unnamed column (nothing before its comma or the closing bracket) matches any one field and binds
    /// nothing: the old user guide's `[..., request=*.html*, status_code=4*,]`
    /// (awsdocs/amazon-cloudwatch-logs-user-guide, doc_source/FilterAndPatternSyntax.md). Patterns with no named
    /// column at all (`[]`, `[,]`) stay refused.
    @Test func unnamedColumnsMatchAnyField() throws {
        #expect(try matching("[..., request=*.html*, status_code=4*,]", Self.access) == [0])
        #expect(try matching("[, user, ...]", Self.access) == [0, 1, 2])
        let match = try #require(
            try FilterPattern("[..., request=*.html*, status_code=4*,]").match(ArraySlice(Self.access[0].utf8)))
        #expect(match.fields.map(\.name) == ["$request", "$status_code"])
        let positional = try #require(
            try FilterPattern("[, user, , , , status, ]").match(ArraySlice(Self.access[0].utf8)))
        #expect(positional.fields.map(\.name) == ["$user", "$status"])
        for refused in ["[]", "[,]", "[ , ]"] {
            #expect(throws: FilterPatternError.self) { try FilterPattern(refused) }
        }
    }
}
