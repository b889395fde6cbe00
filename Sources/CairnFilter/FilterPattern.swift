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
        case .delimited(let pattern):
            pattern.ellipsisCount == 0 ? pattern.matchesInPlace(message) : pattern.match(message) != nil
        }
    }

    /// The match with what it extracted (`$ip` → `127.0.0.1` for space-delimited patterns), or nil.
    public func match(_ message: ArraySlice<UInt8>) -> FilterMatch? {
        switch body {
        case .delimited(let pattern) where pattern.ellipsisCount == 0:
            // Fields are found again on demand: most metric filters read one or two of them.
            return pattern.matchesInPlace(message) ? FilterMatch(message: message, fields: .positional(pattern)) : nil
        case .delimited(let pattern):
            guard let values = pattern.match(message) else { return nil }
            return FilterMatch(message: message, fields: .bound(names: pattern.boundNames, values: values))
        default:
            return matches(message) ? FilterMatch(message: message, fields: .bound(names: [], values: [])) : nil
        }
    }
}

/// One matching event and the values a metric filter can take from it.
public struct FilterMatch: Sendable {
    enum Fields: Sendable {
        case bound(names: [String], values: [ArraySlice<UInt8>])
        case positional(DelimitedPattern)
    }

    public let message: ArraySlice<UInt8>
    let fieldValues: Fields

    init(message: ArraySlice<UInt8>, fields: Fields) {
        self.message = message
        self.fieldValues = fields
    }

    /// `$name` → value for each named field of a space-delimited pattern, in pattern order.
    public var fields: [(name: String, value: String)] {
        switch fieldValues {
        case .bound(let names, let values):
            return zip(names, values).map { ($0, String(decoding: $1, as: UTF8.self)) }
        case .positional(let pattern):
            let values = DelimitedPattern.fields(of: message)
            return zip(pattern.columns, values).compactMap { column, value in
                if case .field(let name, _) = column, !name.isEmpty {
                    ("$" + name, String(decoding: value, as: UTF8.self))
                } else {
                    nil
                }
            }
        }
    }

    private func field(_ name: String) -> ArraySlice<UInt8>? {
        switch fieldValues {
        case .bound(let names, let values):
            names.firstIndex { $0.utf8.dropFirst().elementsEqual(name.utf8) }.map { values[$0] }
        case .positional(let pattern):
            pattern.field(named: name, in: message)
        }
    }

    /// The text a metric value or dimension (`$.latency`, `$bytes`) names in this event.
    public func value(of selector: FieldSelector) -> String? {
        switch selector {
        case .json(let path): path.text(in: message)
        case .field(let name): field(name).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The number a metric value names in this event, read without building strings.
    public func number(of selector: FieldSelector) -> Double? {
        switch selector {
        case .json(let path):
            switch path.value(in: message, knownJSON: true) {
            case .number(let bytes)?, .string(let bytes)?: NumberText.parse(bytes)
            default: nil
            }
        case .field(let name): field(name).flatMap(NumberText.parse)
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
