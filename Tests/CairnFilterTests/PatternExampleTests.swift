import Testing

@testable import CairnFilter

/// Every example from CloudWatch Logs' "Filter pattern syntax" pages, with the events those pages use.
@Suite("Filter patterns: AWS's documented examples")
struct PatternExampleTests {
    static let unstructured = [
        "[ERROR 400] BAD REQUEST",
        "[ERROR 401] UNAUTHORIZED REQUEST",
        "[ERROR 419] MISSING ARGUMENTS",
        "[ERROR 420] INVALID ARGUMENTS",
    ]

    func matching(_ pattern: String, _ events: [String]) throws -> [Int] {
        let filter = try FilterPattern(pattern)
        return events.indices.filter { filter.matches(ArraySlice(events[$0].utf8)) }
    }

    static let unstructuredCases: [(String, [Int])] = [
        ("ERROR", [0, 1, 2, 3]),
        ("ERROR ARGUMENTS", [2, 3]),
        ("?ARGUMENTS ?UNAUTHORIZED", [1, 2, 3]),
        ("\"BAD REQUEST\"", [0]),
        ("ERROR -ARGUMENTS", [0, 1]),
        ("-ARGUMENTS", [0, 1]),
        ("%AUTHORIZED%", [1]),
        (#"%ERROR\s4[01]%"#, [0, 1, 2]),
        ("%ARGUMENTS$%", [2, 3]),
        ("%^\\[ERROR%", [0, 1, 2, 3]),
        ("%MISSING|INVALID%", [2, 3]),
        ("%4[12][09]%", [2, 3]),
        ("%1{2}%", []),
        ("%40?1%", [1, 2]),
        ("\" \"", [0, 1, 2, 3]),
        ("", [0, 1, 2, 3]),
        ("error", []),
        ("\"ERROR 4\"", [0, 1, 2, 3]),
        ("?MISSING -ARGUMENTS", []),
        ("REQUEST ?BAD ?INVALID", [0]),
    ]

    @Test(arguments: unstructuredCases)
    func unstructuredTerms(pattern: String, expected: [Int]) throws {
        #expect(try matching(pattern, Self.unstructured) == expected, "pattern \(pattern)")
    }

    static let trail = #"""
        {"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
         "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null,
         "cidr": "11.11.111.1/24", "ThisFlag": true, "OtherFlag": false, "latency": 612.5, "bytes": 1.2e4,
         "detail-type": "x", "esc\"aped": "a\nb \u00e9"}
        """#

    static let jsonCases: [(String, Bool)] = [
        (#"{ $.eventType = "UpdateTrail" }"#, true),
        (#"{ $.eventType = UpdateTrail }"#, true),
        (#"{ $.eventType = "Update*" }"#, true),
        (#"{ $.eventType != "UpdateTrail" }"#, false),
        (#"{ $.sourceIPAddress != 123.123.* }"#, true),
        (#"{ $.sourceIPAddress = 111.111.* }"#, true),
        (#"{ $.arrayKey[0] = "value" }"#, true),
        (#"{ $.arrayKey[1] = "another value" }"#, true),
        (#"{ $.arrayKey[2] = "value" }"#, false),
        (#"{ $.objectList[1].id = 2 }"#, true),
        (#"{ $.objectList[0].id = 2 }"#, false),
        (#"{ $.SomeObject IS NULL }"#, true),
        (#"{ $.eventType IS NULL }"#, false),
        (#"{ $.SomeOtherObject NOT EXISTS }"#, true),
        (#"{ $.SomeObject NOT EXISTS }"#, false),
        (#"{ $.ThisFlag IS TRUE }"#, true),
        (#"{ $.OtherFlag IS FALSE }"#, true),
        (#"{ $.OtherFlag IS TRUE }"#, false),
        (#"{ $.latency > 500 }"#, true),
        (#"{ $.latency >= 612.5 }"#, true),
        (#"{ $.latency < 612.5 }"#, false),
        (#"{ $.latency <= 6.125e2 }"#, true),
        (#"{ $.bytes = 12000 }"#, true),
        (#"{ $.bytes != 12000 }"#, false),
        (#"{ $.eventType > 5 }"#, false),
        (#"{ $.cidr = %11\.11\.111\.\d/24% }"#, true),
        (#"{ $.detail-type = "x" }"#, true),
        (#"{ $.latency > 500 && $.eventType = "UpdateTrail" }"#, true),
        (#"{ $.latency > 700 || $.ThisFlag IS TRUE }"#, true),
        (#"{ ($.latency > 700 || $.ThisFlag IS FALSE) && $.eventType = "UpdateTrail" }"#, false),
    ]

    @Test(arguments: jsonCases)
    func jsonPatterns(pattern: String, expected: Bool) throws {
        #expect(try FilterPattern(pattern).matches(ArraySlice(Self.trail.utf8)) == expected, "pattern \(pattern)")
    }

    static let users = #"""
        {"user": {"id": 1, "email": "John.Stiles@example.com"},
         "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
         "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1], [2, 3]]}
        """#

    static let compoundCases: [(String, Bool)] = [
        (#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#, true),
        (#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#, false),
        (
            #"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#,
            true
        ),
        (
            #"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#,
            false
        ),
        (#"{ $.coordinates[1][0] = 2 }"#, true),
        (#"{ $.users[1].email = "Jane*" }"#, true),
    ]

    @Test(arguments: compoundCases)
    func compoundJSONPatterns(pattern: String, expected: Bool) throws {
        #expect(try FilterPattern(pattern).matches(ArraySlice(Self.users.utf8)) == expected, "pattern \(pattern)")
    }

    @Test func jsonPatternsNeverMatchTextEvents() throws {
        let pattern = try FilterPattern(#"{ $.level = "ERROR" }"#)
        #expect(!pattern.matches(ArraySlice(#"level = "ERROR""#.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"level": "ERROR" trailing"#.utf8)))
        #expect(pattern.matches(ArraySlice(#"  {"level": "ERROR"}  "#.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"nested": {"level": "ERROR"}}"#.utf8)))
    }

    /// The quick byte search that rules events out must never hide a match spelled with escapes.
    @Test func escapedKeysAndValuesStillMatch() throws {
        let pattern = try FilterPattern(#"{ $.level = "ERROR" && $.ms > 5 }"#)
        #expect(pattern.matches(ArraySlice(#"{"lev\u0065l": "\u0045RROR", "ms": 9}"#.utf8)))
        #expect(pattern.matches(ArraySlice(#"{"level": "ERROR", "ms": 9}"#.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"level": "ERRORS", "ms": 9}"#.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"level": "ERROR", "msec": 9}"#.utf8)))
        #expect(try FilterPattern(#"{ $.a NOT EXISTS && $.b = 1 }"#).matches(ArraySlice(#"{"b": 1}"#.utf8)))
        #expect(try FilterPattern(#"{ $.a = "x" || $.b = 1 }"#).matches(ArraySlice(#"{"b": 1}"#.utf8)))
    }

    static let access = #"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#

    static let delimitedCases: [(String, Bool)] = [
        (#"[ip, user, username, timestamp, request, status_code, bytes]"#, true),
        (#"[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]"#, true),
        (#"[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]"#, true),
        (#"[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]"#, true),
        (#"[ip, user, username, timestamp, request, status_code = 4*, bytes > 2000]"#, false),
        (#"[ip, user, ..., status_code = 404, bytes]"#, true),
        (#"[..., status_code = 404 || status_code = 410, bytes]"#, true),
        (#"[..., status_code = 4* && status_code != 404, bytes]"#, false),
        (#"[ip=%127\.0\.0\.[1-2]%, user, username, timestamp, request, status_code = 4*, bytes]"#, true),
        (#"[ip, user, username, timestamp, request]"#, false),
        (#"[ip, ...]"#, true),
        (#"[..., bytes = 1534]"#, true),
        (#"[..., user = frank, ...]"#, true),
        (#"[..., user = joe, ...]"#, false),
        (#"[ip != 127.0.0.1, ...]"#, false),
    ]

    @Test(arguments: delimitedCases)
    func spaceDelimitedPatterns(pattern: String, expected: Bool) throws {
        #expect(try FilterPattern(pattern).matches(ArraySlice(Self.access.utf8)) == expected, "pattern \(pattern)")
    }

    @Test func spaceDelimitedExtraction() throws {
        let pattern = try FilterPattern("[ip, user, username, timestamp, request, status_code, bytes]")
        let match = try #require(pattern.match(ArraySlice(Self.access.utf8)))
        #expect(
            match.fields.map(\.name) == [
                "$ip", "$user", "$username", "$timestamp", "$request", "$status_code", "$bytes",
            ])
        #expect(match.fields[3].value == "10/Oct/2000:13:25:15 -0700")
        #expect(match.fields[4].value == "GET /index.html HTTP/1.0")
        #expect(match.value(of: try #require(FieldSelector("$bytes"))) == "1534")
        let json = try FilterPattern("{ $.latency > 1 }").match(ArraySlice(Self.trail.utf8))
        #expect(json?.value(of: try #require(FieldSelector("$.latency"))) == "612.5")
        #expect(json?.value(of: try #require(FieldSelector("$.objectList[1].name"))) == "b")
    }

    static let invalidCases: [(String, String)] = [
        ("ERROR:", "Invalid character(s) in term ':'"),
        ("?Status: timeout", "Invalid character(s) in term ':'"),
        ("a,b", "Invalid character(s) in term ','"),
        ("\"unterminated", "Invalid filter pattern"),
        ("{ $.a = 1", "Invalid filter pattern"),
        ("{ $.a > abc }", "Invalid filter pattern"),
        ("{ $.a IS MAYBE }", "Invalid filter pattern"),
        ("[a, b", "Invalid filter pattern"),
        ("%a(b)%", "Invalid character(s) in term '('"),
        ("%abc!%", "Invalid character(s) in term '!'"),
        ("%a% %b% %c%", "Invalid filter pattern"),
        ("%[z-a]%", "Invalid filter pattern"),
        ("%a{3,2}%", "Invalid filter pattern"),
        ("%*a%", "Invalid filter pattern"),
        ("%a{99999}%", "Invalid filter pattern"),
        // An automaton that would cost thousands of states per byte of every event is refused.
        ("%.{0,2000}x%", "Invalid filter pattern"),
        ("%.{0,600}x%", "Invalid filter pattern"),
    ]

    @Test func regexWithinTheProgramLimitIsAccepted() throws {
        let pattern = try FilterPattern("%a.{0,300}z%")
        #expect(pattern.matches(Array("a\(String(repeating: "-", count: 300))z".utf8)[...]))
        #expect(!pattern.matches(Array("a\(String(repeating: "-", count: 301))z".utf8)[...]))
    }

    @Test(arguments: invalidCases)
    func invalidPatterns(pattern: String, message: String) {
        #expect(throws: FilterPatternError(message)) { try FilterPattern(pattern) }
    }
}
