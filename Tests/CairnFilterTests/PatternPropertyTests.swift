import Foundation
import Testing

@testable import CairnFilter

/// A seeded generator, so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Filter patterns: properties over generated input")
struct PatternPropertyTests {
    static let patternAlphabet =
        Array(#"{}[]()$.=!<>&|"%?-*,\ aZ09_:ISNULTRUEFXOe"#).map(String.init)
        + ["$.a", "$.b[0]", "...", "&&", "||", " IS NULL", " NOT EXISTS", "\"x\"", "%a+%", "ERROR", "4*"]

    /// The parser answers every input with a pattern or an error: no crash, no hang.
    @Test func parserNeverCrashesOnRandomInput() {
        var random = SplitMix64(state: 0xCA1A)
        let events = [
            #"{"a": 1, "b": [2, "x"], "c": {"d": null}}"#, "ERROR 4xx a b c", #"1.2.3.4 - [x y] "GET /" 404 12"#, "",
            #"{"a": "unterminated"#,
        ].map { ArraySlice($0.utf8) }
        var parsed = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &random)
            let text = (0..<length).map { _ in Self.patternAlphabet.randomElement(using: &random)! }.joined()
            guard let pattern = try? FilterPattern(text) else { continue }
            parsed += 1
            for event in events { _ = pattern.match(event) }
        }
        #expect(parsed > 100)
    }

    /// Random byte strings, including invalid UTF-8 and huge repetition counts, never crash the parser.
    @Test func parserNeverCrashesOnRandomBytes() {
        var random = SplitMix64(state: 7)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            _ = try? FilterPattern(String(decoding: bytes, as: UTF8.self))
        }
        #expect(throws: FilterPatternError.self) { try FilterPattern("%a{4000}b{4000}%") }
    }

    static let regexAtoms = ["a", "b", "c", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "\\.", "1", "-", ":"]
    static let regexQuantifiers = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}"]

    /// The DFA and the Pike VM agree with Foundation's backtracking engine on random regexes of the supported subset.
    @Test func regexAgreesWithFoundation() throws {
        var random = SplitMix64(state: 42)
        let alphabet = Array("abc1. -:\t").map { String($0) }
        var compared = 0
        for _ in 0..<1_500 {
            var branches: [String] = []
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                var branch = Bool.random(using: &random) && Int.random(in: 0..<4, using: &random) == 0 ? "^" : ""
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    branch += Self.regexAtoms.randomElement(using: &random)!
                    branch += Self.regexQuantifiers.randomElement(using: &random)!
                }
                if Int.random(in: 0..<4, using: &random) == 0 { branch += "$" }
                branches.append(branch)
            }
            let source = branches.joined(separator: "|")
            let ours = try RegexPattern(Array(source.utf8))
            let theirs = try NSRegularExpression(pattern: branches.map { "(?:\($0))" }.joined(separator: "|"))
            for _ in 0..<10 {
                let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                    alphabet.randomElement(using: &random)!
                }
                .joined()
                let expected =
                    theirs.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(ours.matches(ArraySlice(text.utf8)) == expected, "regex \(source) on \(text.debugDescription)")
                // The Pike VM (used when a DFA would be too big) agrees too.
                let machine = Array(text.utf8).withUnsafeBufferPointer { buffer in
                    ours.branches.contains { RegexPattern.run($0, buffer) }
                }
                #expect(machine == expected, "Pike VM: regex \(source) on \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 15_000)
    }

    /// The allocation-free path for patterns without `...` agrees with the general placement, fields included.
    @Test func delimitedFastPathAgreesWithGeneralMatching() throws {
        var random = SplitMix64(state: 99)
        let words = ["a", "b", "404", "500", "12", "\"x y\"", "[1 2]", "GET", "5xx", "-"]
        let patterns = ["[f1, f2, f3]", "[f1 = a, f2, f3 > 10]", "[f1, f2 = 5* || f2 = GET, f3, f4]", "[f1 != b, f2]"]
        for text in patterns {
            let pattern = try FilterPattern(text)
            guard case .delimited(let delimited) = pattern.body else {
                Issue.record("not delimited")
                continue
            }
            for _ in 0..<2_000 {
                let event = (0..<Int.random(in: 0...5, using: &random)).map { _ in words.randomElement(using: &random)!
                }
                .joined(separator: Bool.random(using: &random) ? " " : "  ")
                let bytes = ArraySlice(event.utf8)
                let general = delimited.match(bytes)
                #expect(delimited.matchesInPlace(bytes) == (general != nil), "\(text) on \(event)")
                if let general, let match = pattern.match(bytes) {
                    #expect(match.fields.map(\.value) == general.map { String(decoding: $0, as: UTF8.self) })
                }
            }
        }
    }

    /// A pathological regex on a long event finishes quickly: the VM is linear, there is no backtracking.
    @Test func regexHasNoCatastrophicBacktracking() throws {
        let pattern = try FilterPattern("%a*a*a*a*a*a*a*b%")
        let event = ArraySlice([UInt8](repeating: UInt8(ascii: "a"), count: 20_000))
        #expect(!pattern.matches(event))
    }
}
