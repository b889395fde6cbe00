import Testing

@testable import CairnTransform

/// The byte matcher must find what ICU finds: the same match or none, with the same captures.
@Suite("grok's byte matcher against ICU")
struct GrokByteMatcherTests {
    static let patterns = [
        "%{NOTSPACE:first} %{GREEDYDATA:rest}",
        "%{DATA:a} %{DATA:b} %{GREEDYDATA:c}",
        "%{WORD:verb} %{NOTSPACE:path}%{SPACE}%{INT:code}",
        "%{POSINT:n}-%{NONNEGINT:m}: %{USERNAME:user}",
        "[%{WORD:level}] %{GREEDYDATA:message}",
        "%{USER:u}@%{NOTSPACE:host}",
        "%{INT:a}%{INT:b}",
        "%{DATA:key}=%{DATA:value}",
        "%{GREEDYDATA_MULTILINE:all}",
        #"\[%{WORD}\] %{GREEDYDATA:m}"#,
        "%{SPACE}%{WORD:w}%{SPACE}",
        "%{NOTSPACE} %{NOTSPACE:second}",
        "x%{DATA:d}",
    ]

    static let texts = [
        "", " ", "GET /index.html 200", "GET /index.html  404", "get /a\t-12", "10.0.0.1 - - hello world",
        "[INFO] started", "[INFO]  started", "[info_2] ok", "[IN-FO] nope", "12-0: deploy.user", "012-0: a",
        "12-034: a-b", "1a-0: x", "alice@example.com", "@host", "a@", "+12-34", "-5", "123", "+-1",
        "k=v", "k=v=w", "=", "a b c d", "a\tb c", "line\nbreak", "cr\rhere x", "tab\u{0B}vt x", "  word  ",
        "word", "x", "xyz", "x\ny", "first second third",
    ]

    @Test("every pattern and text gets the same fields from both matchers")
    func sameAsICU() throws {
        for match in Self.patterns {
            let bytewise = try GrokPattern(match, bytewise: true)
            let icu = try GrokPattern(match, bytewise: false)
            for text in Self.texts {
                #expect(bytewise.match(text) == icu.match(text), "\(match) on \(text.debugDescription)")
            }
        }
    }

    @Test("random short texts over the patterns' alphabet get the same fields from both matchers")
    func randomTexts() throws {
        let alphabet = Array(" ab0912_-.+=@[]x\t\u{0B}\r\n")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let compiled = try Self.patterns.map {
            (try GrokPattern($0, bytewise: true), try GrokPattern($0, bytewise: false))
        }
        for _ in 0..<3000 {
            let text = String((0..<(next() % 14)).map { _ in alphabet[next() % alphabet.count] })
            for (index, (bytewise, icu)) in compiled.enumerated() {
                #expect(bytewise.match(text) == icu.match(text), "\(Self.patterns[index]) on \(text.debugDescription)")
            }
        }
    }

    @Test("texts with a carriage return or a non-ASCII byte anywhere go to ICU, eight-byte words included")
    func suitsByteMatcherFindsEveryCarriageReturnAndHighByte() {
        for length in 0..<40 {
            let clean = (0..<length).map { UInt8(0x20 + ($0 * 7) % 95) }
            for position in 0..<max(length, 1) {
                for odd: UInt8 in [0x0D, 0x80, 0xC3, 0xFF, 0x0A, 0x0C, 0x8D] {
                    var text = clean
                    if length > 0 { text[position] = odd }
                    let expected = !text.contains { $0 >= 0x80 || $0 == 0x0D }
                    let suits = text.withUnsafeBufferPointer { GrokPattern.suitsByteMatcher($0) }
                    #expect(suits == expected, "\(text)")
                }
            }
        }
    }

    @Test("a capture ending between \\r and \\n is dropped on both paths (the text goes to ICU)")
    func carriageReturnLineFeed() throws {
        let cases = [
            ("%{GREEDYDATA_MULTILINE:a}\n%{WORD:b}", "x\r\ny"), ("%{DATA:a}\r%{GREEDYDATA_MULTILINE:b}", "x\r\ny"),
            ("%{SPACE:s}\n%{WORD:w}", "\r\nabc"),
        ]
        for (match, text) in cases {
            #expect(
                try GrokPattern(match, bytewise: true).match(text) == GrokPattern(match, bytewise: false).match(text))
        }
    }

    @Test("the deadline counts the bytes a run measures, not only the attempts")
    func deadlineCountsBytes() throws {
        // Fewer than 4,096 attempts, millions of bytes measured: a deadline already past must end the search.
        let matcher = try #require(GrokByteMatcher(try GrokToken.tokens(of: "%{DATA:a}%{NOTSPACE:b}")))
        let text = Array(repeating: UInt8(ascii: "a"), count: 1500) + [UInt8(ascii: " ")]
        var spent = SearchDeadline(clock: ContinuousClock(), allowance: .zero)
        let outcome = text.withUnsafeBufferPointer { matcher.match($0, deadline: &spent) }
        guard case .overdue = outcome else {
            Issue.record("the search was not stopped: \(outcome)")
            return
        }
    }

    @Test("patterns beyond the simple runs, and non-ASCII text, are left to ICU")
    func scope() throws {
        #expect(GrokByteMatcher(try GrokToken.tokens(of: "%{IP:ip} %{GREEDYDATA:m}")) == nil)
        #expect(GrokByteMatcher(try GrokToken.tokens(of: "%{NOTSPACE:a} %{GREEDYDATA:m}")) != nil)
        let pattern = try GrokPattern("%{NOTSPACE:a}%{SPACE}%{GREEDYDATA:m}")
        // U+00A0 is white space to ICU's \s: the byte matcher would not know it.
        #expect(
            pattern.match("é\u{A0}x") == [
                GrokField(path: "a", value: .string("é")), GrokField(path: "m", value: .string("x")),
            ])
    }
}
