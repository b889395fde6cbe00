/// A CloudWatch Logs filter pattern, parsed once and matched against many events: unstructured terms,
/// a standalone `%regex%`, a JSON pattern `{ … }` or a space-delimited pattern `[ … ]`; empty matches all.
/// Used by FilterLogEvents, TestMetricFilter, metric filters and subscription filters.
public struct FilterPattern: Sendable {
    enum Body: Sendable {
        case everything
        case terms(TermsPattern)
        case json(JSONPattern)
        case delimited(DelimitedPattern)
    }

    public let text: String
    let body: Body

    /// The empty pattern: every event.
    public static var everything: FilterPattern { FilterPattern(text: "", body: .everything) }

    private init(text: String, body: Body) {
        self.text = text
        self.body = body
    }

    public init(_ text: String) throws(FilterPatternError) {
        self.text = text
        let bytes = Array(text.utf8)
        guard text.count <= FilterPatternLimits.maximumLength else { throw .invalid }
        var cursor = PatternCursor(bytes)
        cursor.skipSpaces()
        var regexCount = 0
        switch cursor.current {
        case nil: body = .everything
        case UInt8(ascii: "{")?: body = .json(try JSONPattern(&cursor, regexCount: &regexCount))
        case UInt8(ascii: "[")?: body = .delimited(try DelimitedPattern(&cursor, regexCount: &regexCount))
        default: body = .terms(try TermsPattern(&cursor, regexCount: &regexCount))
        }
    }

    /// Whether the pattern is a JSON pattern (`$.field` metric values need one).
    public var isJSON: Bool { if case .json = body { true } else { false } }

    /// The names of a space-delimited pattern's fields (`$name` metric values refer to them).
    public var fieldNames: [String] { if case .delimited(let pattern) = body { pattern.fieldNames } else { [] } }

    public func matches(_ message: ArraySlice<UInt8>) -> Bool {
        switch body {
        case .everything: true
        case .terms(let pattern): pattern.matches(message)
        case .json(let pattern): pattern.matches(message)
        case .delimited(let pattern): pattern.match(message) != nil
        }
    }

    /// The match with what it extracted (`$ip` → `127.0.0.1` for space-delimited patterns), or nil.
    public func match(_ message: ArraySlice<UInt8>) -> FilterMatch? {
        switch body {
        case .delimited(let pattern):
            guard let fields = pattern.match(message) else { return nil }
            return FilterMatch(message: message, fields: fields.map { ("$" + $0.name, String(decoding: $0.value, as: UTF8.self)) })
        default:
            return matches(message) ? FilterMatch(message: message, fields: []) : nil
        }
    }
}

/// One matching event and the values a metric filter can take from it.
public struct FilterMatch: Sendable {
    public let message: ArraySlice<UInt8>
    /// `$name` → value for each named field of a space-delimited pattern, in pattern order.
    public let fields: [(name: String, value: String)]

    /// The text a metric value or dimension (`$.latency`, `$bytes`) names in this event.
    public func value(of selector: FieldSelector) -> String? {
        switch selector {
        case .json(let path): path.text(in: message)
        case .field(let name): fields.first { $0.name == "$" + name }?.value
        }
    }
}

/// Where a metric value or dimension comes from: `$.path` in a JSON event or `$name` of a delimited field.
public enum FieldSelector: Sendable, Hashable {
    case json(JSONSelector)
    case field(String)

    /// Parses `$.a.b[0]` or `$name`; nil for anything else (a literal).
    public init?(_ text: String) {
        if text.hasPrefix("$.") || text.hasPrefix("$[") {
            guard let path = try? JSONSelector(parsing: text) else { return nil }
            self = .json(path)
        } else if text.hasPrefix("$"), text.count > 1,
            text.utf8.dropFirst().allSatisfy({ RegexPattern.isAlphanumeric($0) || $0 == UInt8(ascii: "_") })
        {
            self = .field(String(text.dropFirst()))
        } else {
            return nil
        }
    }
}
