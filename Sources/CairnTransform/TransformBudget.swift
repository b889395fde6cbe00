import Foundation

/// The regular-expression time (grok, substituteString) one request's events may spend together: one search may
/// take at most `maximumPerSearch`, all of them `requestAllowance`; once it is spent, the remaining searches fail
/// their events. A user's pattern that backtracks badly thus costs a PutLogEvents request about two seconds at
/// most, not minutes. (ICU's progress reports, which are checked here, come once per start position and per few
/// thousand matcher steps, so they are not a measure of work by themselves: the clock is.)
public final class TransformBudget {
    public static let requestAllowance = Duration.seconds(2)
    static let maximumPerSearch = Duration.milliseconds(100)
    /// Matches one search may collect (`.` over a 512 KB value would otherwise make half a million).
    static let maximumMatches = 65_536

    private(set) var remaining: Duration
    private let clock = ContinuousClock()

    public init(allowance: Duration = TransformBudget.requestAllowance) {
        remaining = allowance
    }

    var isSpent: Bool { remaining <= .zero }

    static let spentReason = "the request's regular-expression budget is spent"

    /// Runs a search of Cairn's own (no ICU) under the same allowance: `body` gives up once its deadline is past
    /// and then returns nil. The search is charged from its first check of the deadline (see `SearchDeadline`).
    func timed<Result>(_ body: (inout SearchDeadline) -> Result?) -> Result? {
        guard !isSpent else { return nil }
        var deadline = SearchDeadline(clock: clock, allowance: min(Self.maximumPerSearch, remaining))
        let result = body(&deadline)
        if let start = deadline.start { remaining -= clock.now - start }
        return result
    }

    /// The matches of `expression` in `text` (only the first with `first`), or nil when the search ran out of
    /// its share of the budget.
    func matches(
        of expression: NSRegularExpression, in text: String, options: NSRegularExpression.MatchingOptions = [],
        first: Bool = false
    ) -> [NSTextCheckingResult]? {
        guard !isSpent else { return nil }
        let start = clock.now
        let deadline = start + min(Self.maximumPerSearch, remaining)
        var found: [NSTextCheckingResult] = []
        var exhausted = false
        let clock = clock
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
            } else if clock.now > deadline {
                exhausted = true
                stop.pointee = true
            }
        }
        remaining -= clock.now - start
        return exhausted ? nil : found
    }
}

/// How long one search of Cairn's own may run, counted from its first check: the byte matcher checks every 4,096
/// steps, each an O(1) piece of work (a byte measured or compared, an attempt), so a search that ends before its first
/// check (almost every log event) reads no clock at all. What such short searches cost goes uncharged: a few
/// microseconds each, so well under a second for a request's 10,000 events.
struct SearchDeadline {
    let clock: ContinuousClock
    let allowance: Duration
    /// When the search first checked the deadline (nil until then).
    private(set) var start: ContinuousClock.Instant? = nil

    init(clock: ContinuousClock, allowance: Duration) {
        self.clock = clock
        self.allowance = allowance
    }

    /// Whether the search has run past its allowance since its first check (which starts the count).
    mutating func isPast() -> Bool {
        let now = clock.now
        guard let start else {
            start = now
            return allowance <= .zero
        }
        return now - start > allowance
    }
}
