import Testing

@testable import CairnFilter

/// Parentheses in a JSON pattern recurse in the parser once per level: they nest at most
/// `FilterPatternLimits.maximumNestingDepth` levels, and deeper ones are a pattern error, not a stack overflow.
@Suite struct PatternNestingTests {
    static func parenthesized(_ levels: Int) -> String {
        "{ " + String(repeating: "(", count: levels) + #"$.level = "ERROR""# + String(repeating: ")", count: levels)
            + " }"
    }

    static let limit = FilterPatternLimits.maximumNestingDepth

    @Test func parenthesesNestUpToTheLimit() throws {
        let pattern = try FilterPattern(Self.parenthesized(Self.limit))
        #expect(pattern.matches(ArraySlice(#"{"level": "ERROR"}"#.utf8)))
        #expect(!pattern.matches(ArraySlice(#"{"level": "INFO"}"#.utf8)))
    }

    @Test func deeperParenthesesAreAPatternError() {
        // 480 levels still fit in the 1,024 characters a pattern may have.
        for levels in [Self.limit + 1, 480] {
            #expect(throws: FilterPatternError.nestedTooDeeply) { try FilterPattern(Self.parenthesized(levels)) }
        }
        #expect(
            FilterPatternError.nestedTooDeeply.message
                == "Invalid filter pattern: parentheses nest deeper than \(Self.limit) levels")
    }

    /// Unbalanced parentheses within the limit keep their old answer.
    @Test func shallowMalformedPatternsAreUnchanged() {
        for text in ["{ (($.a = 1) }", #"{ ($.a = 1)) }"#] {
            #expect(throws: FilterPatternError.invalid, "\(text)") { try FilterPattern(text) }
        }
        #expect(throws: FilterPatternError.invalidCharacters("}".utf8)) { try FilterPattern("{ ( }") }
    }

    /// Event messages are walked without recursion: a deeply nested event is just an event.
    @Test func deeplyNestedEventsAreWalkedWithoutRecursion() throws {
        let levels = 200_000
        let event =
            #"{"level":"ERROR","deep":"# + String(repeating: "[", count: levels)
            + String(repeating: "]", count: levels) + #","after":1}"#
        #expect(try FilterPattern(#"{ $.after = 1 && $.level = "ERROR" }"#).matches(ArraySlice(event.utf8)))
        #expect(try JSONSelector(parsing: "$.deep[0][0]").text(in: ArraySlice(event.utf8)) == nil)
    }
}
