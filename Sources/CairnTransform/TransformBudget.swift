import Foundation

/// The regular-expression work (grok, substituteString) one request's events may spend together, counted in ICU's
/// progress reports. ICU reports once per position a search starts from, and again for every few thousand matcher
/// steps: a search of a text of n UTF-16 units costs about n reports when it is cheap, and only what comes beyond
/// those n is counted as work. One search may spend at most `maximumPerSearch` beyond its length; once the budget
/// is spent, the remaining searches fail their events. A user's pattern that backtracks badly thus costs a
/// PutLogEvents request a couple of seconds at most, not minutes.
public final class TransformBudget {
    /// One request's budget: about two seconds of matching.
    public static let requestProgressReports = 10_000
    /// One search's share: about 100 ms.
    static let maximumPerSearch = 500
    /// Matches one search may collect (`.` over a 512 KB value would otherwise make half a million).
    static let maximumMatches = 65_536

    private(set) var remaining: Int

    public init(progressReports: Int = TransformBudget.requestProgressReports) {
        remaining = progressReports
    }

    var isSpent: Bool { remaining <= 0 }

    static let spentReason = "the request's regular-expression budget is spent"

    /// The matches of `expression` in `text` (only the first with `first`), or nil when the search ran out of
    /// its share of the budget.
    func matches(
        of expression: NSRegularExpression, in text: String, options: NSRegularExpression.MatchingOptions = [],
        first: Bool = false
    ) -> [NSTextCheckingResult]? {
        guard !isSpent else { return nil }
        let length = text.utf16.count
        let allowed = length + min(Self.maximumPerSearch, remaining)
        var found: [NSTextCheckingResult] = []
        var reports = 0
        var exhausted = false
        expression.enumerateMatches(
            in: text, options: options.union(.reportProgress), range: NSRange(location: 0, length: text.utf16.count)
        ) { result, _, stop in
            if let result {
                found.append(result)
                if first { stop.pointee = true }
                if found.count > Self.maximumMatches {
                    exhausted = true
                    stop.pointee = true
                }
            } else {
                reports += 1
                if reports > allowed {
                    exhausted = true
                    stop.pointee = true
                }
            }
        }
        remaining -= max(0, reports - length)
        return exhausted ? nil : found
    }
}
