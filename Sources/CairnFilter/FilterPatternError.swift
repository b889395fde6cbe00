/// Why a filter pattern was refused. `message` is the text CloudWatch Logs answers with
/// (`Invalid character(s) in term '…'`, `Invalid filter pattern`), ready for an `InvalidParameterException`.
public struct FilterPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    static let invalid = FilterPatternError("Invalid filter pattern")

    static let nestedTooDeeply = FilterPatternError(
        "Invalid filter pattern: parentheses nest deeper than \(FilterPatternLimits.maximumNestingDepth) levels")

    static func invalidCharacters(_ term: some Sequence<UInt8>) -> FilterPatternError {
        FilterPatternError("Invalid character(s) in term '\(String(decoding: Array(term), as: UTF8.self))'")
    }

    public var description: String { message }
}

/// Limits of the pattern language, as CloudWatch Logs documents them.
public enum FilterPatternLimits {
    /// A filter pattern is at most 1,024 characters (FilterPattern shape).
    public static let maximumLength = 1024
    /// "Each filter pattern can contain up to 2 regex patterns."
    public static let maximumRegexCount = 2
    /// A JSON property selector holds at most one wildcard (`[*]`), and a JSON pattern at most three selectors
    /// with one: the limits CloudWatch Logs states for wildcard selectors in JSON filter patterns.
    public static let maximumWildcardsPerSelector = 1
    public static let maximumWildcardSelectors = 3
    /// Parentheses in a JSON pattern nest at most 128 levels (AWS documents no limit; a 1,024-character pattern
    /// could otherwise nest about 500 and the parser recurses once per level). The same bound as CairnProtocol's
    /// `NestingLimit.maximumDepth` for request documents: this library depends on nothing, so it keeps its own
    /// copy, and a test checks that the two agree.
    public static let maximumNestingDepth = 128
    /// Bound on the compiled size of one regex (repetition counts expand it), so matching stays linear and small:
    /// a pattern like `%.{0,2000}x%` is refused rather than run as a 4,000-state automaton over every event.
    static let maximumRegexProgram = 1024
}
