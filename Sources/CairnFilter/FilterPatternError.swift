/// Why a filter pattern was refused. `message` is the text CloudWatch Logs answers with
/// (`Invalid character(s) in term '…'`, `Invalid filter pattern`), ready for an `InvalidParameterException`.
public struct FilterPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    static let invalid = FilterPatternError("Invalid filter pattern")

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
    /// Bound on the compiled size of one regex (repetition counts expand it), so matching stays linear and small.
    static let maximumRegexProgram = 4096
}
