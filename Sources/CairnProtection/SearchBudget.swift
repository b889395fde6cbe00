import Foundation

/// The time custom identifiers' regular expressions may spend on one request's events: at most
/// `maximumPerSearch` per search and `requestAllowance` in all; past it, custom identifiers find nothing more in
/// that request (the managed ones, byte scanners, still run). A policy's pattern that backtracks badly thus costs
/// a PutLogEvents request about a second at most.
public final class SearchBudget {
    public static let requestAllowance = Duration.seconds(1)
    static let maximumPerSearch = Duration.milliseconds(20)

    private var remaining: Duration
    private let clock = ContinuousClock()

    public init(allowance: Duration = SearchBudget.requestAllowance) {
        remaining = allowance
    }

    /// The ranges of the non-empty matches of `expression` in `text`, or nil when the search ran out of time.
    func ranges(of expression: NSRegularExpression, in text: String) -> [NSRange]? {
        guard remaining > .zero else { return nil }
        let start = clock.now
        let deadline = start + min(Self.maximumPerSearch, remaining)
        var found: [NSRange] = []
        var exhausted = false
        let clock = clock
        expression.enumerateMatches(
            in: text, options: [.reportProgress], range: NSRange(location: 0, length: text.utf16.count)
        ) { result, _, stop in
            if let result {
                if result.range.length > 0 { found.append(result.range) }
            } else if clock.now > deadline {
                exhausted = true
                stop.pointee = true
            }
        }
        remaining -= clock.now - start
        return exhausted ? nil : found
    }
}
