import CairnBytes
import Foundation

/// A compiled grok `match` string.
///
/// Built once per transformer and used for every event: the whole `match` becomes one anchored regular
/// expression (ICU, through `NSRegularExpression`), compiled in `init`.
public struct GrokPattern: Sendable {
    private let expression: NSRegularExpression
    private let captures: [GrokCapture]
    private let outputOrder: [Int]
    /// The same pattern without ICU, for ASCII text, when it is made only of runs of a class.
    private let byteMatcher: GrokByteMatcher?

    // How long one match may backtrack before it counts as no match: `TransformBudget` (nested DATA patterns on
    // long lines can otherwise take seconds per event; AWS's own limit is not documented).

    /// Compiles `match`, refusing what AWS refuses: custom patterns, unknown pattern names, more than 20
    /// patterns, a pattern used more often than its documented maximum, more than 5 free-text patterns
    /// (URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA, GREEDYDATA_MULTILINE), a common log pattern
    /// (APACHE_ACCESS_LOG, NGINX_ACCESS_LOG, SYSLOG5424) that is not first, not alone, or followed by anything
    /// but one DATA, GREEDYDATA or GREEDYDATA_MULTILINE, and a `match` longer than 512 characters.
    public init(_ match: String) throws(TransformerConfigurationError) {
        try self.init(match, bytewise: true)
    }

    /// `bytewise: false` keeps every match with ICU (the tests compare both matchers).
    init(_ match: String, bytewise: Bool) throws(TransformerConfigurationError) {
        let tokens = try GrokToken.tokens(of: match)
        try GrokRules.validate(match, tokens: tokens)
        var compiler = GrokRegexCompiler()
        for token in tokens { compiler.append(token) }
        do {
            expression = try NSRegularExpression(pattern: #"\A(?:"# + compiler.source + #")\z"#)
        } catch {
            throw TransformerConfigurationError(message: "Invalid grok match: '\(match)' cannot be compiled")
        }
        captures = compiler.captures
        outputOrder = compiler.outputOrder
        byteMatcher = bytewise ? GrokByteMatcher(tokens) : nil
    }

    /// The named captures of a match of the whole `text`, or nil when `text` does not match.
    ///
    /// `%{PAT}` without a name captures nothing; `%{PAT:a.b}` yields path `a.b`. Values are strings, except the
    /// typed outputs of the common log patterns. Patterns with documented sub-captures add them after their
    /// own field (HOSTPORT: `PORT`; URIHOST and URI: `port`; SYSLOGPROG: `program`, `pid`; SYSLOGFACILITY:
    /// `facility`, `priority`), whether or not the pattern itself is named.
    public func match(_ text: String, budget: TransformBudget = TransformBudget()) -> [GrokField]? {
        // Outer nil: left to ICU (see suitsByteMatcher); inner nil: no match.
        if let byteMatcher,
            let handled = text.utf8.withContiguousStorageIfAvailable({ bytes -> [GrokField]?? in
                guard Self.suitsByteMatcher(bytes) else { return .none }
                return .some(budget.timed { byteMatch(byteMatcher, text, bytes, deadline: &$0) })
            }), let handled
        {
            return handled
        }
        guard let result = wholeMatch(text, budget: budget) else { return nil }
        var fields: [GrokField] = []
        fields.reserveCapacity(outputOrder.count)
        for index in outputOrder {
            let range = result.range(at: index + 1)
            guard range.location != NSNotFound, let bounds = Range(range, in: text),
                let field = captures[index].field(text[bounds])
            else { continue }
            fields.append(field)
        }
        return fields
    }

    /// The fields of an ASCII text's match by the byte matcher; nil when there is none or the deadline passed.
    private func byteMatch(
        _ matcher: GrokByteMatcher, _ text: String, _ bytes: UnsafeBufferPointer<UInt8>,
        deadline: inout SearchDeadline
    ) -> [GrokField]? {
        guard case .matched(let ranges) = matcher.match(bytes, deadline: &deadline) else { return nil }
        var fields: [GrokField] = []
        fields.reserveCapacity(ranges.count)
        let start = text.utf8.startIndex
        for (index, range) in ranges.enumerated() {
            guard let range else { continue }
            let lower = text.utf8.index(start, offsetBy: range.lowerBound)
            let upper = text.utf8.index(start, offsetBy: range.upperBound)
            if let field = captures[index].field(text[lower..<upper]) { fields.append(field) }
        }
        return fields
    }

    /// Whether the byte matcher finds what ICU would: ASCII text (its classes are ASCII's) without a carriage
    /// return (a capture that ends between `\r` and `\n` is not a String range, so the ICU path drops it).
    /// Eight bytes at a time.
    static func suitsByteMatcher(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index + 8 <= bytes.count {
            let word = ByteWord.load(base, at: index)
            if ByteWord.containsByte(above: 0x7F, in: word) || ByteWord.contains(0x0D, in: word) { return false }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 || bytes[index] == 0x0D { return false }
            index += 1
        }
        return true
    }

    /// The anchored match of the whole text, or nil when there is none or finding it costs more than the
    /// budget allows.
    private func wholeMatch(_ text: String, budget: TransformBudget) -> NSTextCheckingResult? {
        budget.matches(of: expression, in: text, options: .anchored, first: true)?.first
    }
}
