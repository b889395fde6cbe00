/// A value in a query: what a field holds or an expression gives. Fields found in events are text (or numbers
/// and booleans from JSON); `@timestamp`, `bin()` and the date functions give times.
public enum Value: Sendable, Hashable {
    /// A missing field, or a function given nothing it can work on.
    case null
    case string(String)
    case number(Double)
    case bool(Bool)
    /// Epoch milliseconds, shown as `yyyy-MM-dd HH:mm:ss.SSS` (UTC).
    case time(Int64)
    /// What `jsonParse` gives: its members are reached with `name.key`.
    indirect case json(JSONValue)

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The number a value stands for: numbers, times (ms), numeric text, booleans as 1 and 0.
    public var number: Double? {
        switch self {
        case .number(let value): value
        case .time(let milliseconds): Double(milliseconds)
        case .bool(let value): value ? 1 : 0
        case .string(let text): Self.parseNumber(text)
        case .json(let json): json.scalarNumber
        case .null: nil
        }
    }

    /// The text a value is shown as in results.
    public var text: String? {
        switch self {
        case .null: nil
        case .string(let text): text
        case .number(let value): Self.format(value)
        case .bool(let value): value ? "1" : "0"
        case .time(let milliseconds): DateText.format(milliseconds)
        case .json(let json): json.stringified
        }
    }

    /// Whether a value counts as true in `filter` and `if`: not missing, not false, not zero, not empty.
    public var isTrue: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .time: true
        case .string(let text): !text.isEmpty && text != "false"
        case .json: true
        }
    }

    /// A number as AWS shows it: whole numbers without a fraction, others with the shortest exact digits.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A number written in text (`12`, `-3.5`, `1e3`); nil for anything else, including empty text.
    static func parseNumber(_ text: String) -> Double? {
        var utf8 = text.utf8[...]
        while let first = utf8.first, first == 0x20 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 { utf8 = utf8.dropLast() }
        guard let first = utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= 0x30 && first <= 0x39)
        else { return nil }
        return Double(Substring(utf8))
    }

    /// Compares as numbers when both sides are numbers (or numeric text), else as text; nil when either is missing.
    static func compare(_ left: Value, _ right: Value) -> Int? {
        if left.isNull || right.isNull { return nil }
        if let a = left.number, let b = right.number, left.isNumeric || right.isNumeric {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        guard let a = left.text, let b = right.text else { return nil }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// Numbers, times and booleans, and numeric text (`status >= 500` compares the text `"503"` as 503).
    var isNumeric: Bool {
        switch self {
        case .number, .time, .bool: true
        case .string(let text): Self.parseNumber(text) != nil
        case .json(let json): json.scalarNumber != nil
        case .null: false
        }
    }

    /// The order `sort` uses (AWS's "updated natural sort"): missing values last; text before numbers; numbers
    /// (and times) by value; text compared in chunks, runs of digits by length and then value, other runs by
    /// their Unicode scalars.
    static func sortsBefore(_ left: Value, _ right: Value) -> Bool {
        switch (left.isNull, right.isNull) {
        case (true, _): return false
        case (false, true): return true
        default: break
        }
        switch (left.sortNumber, right.sortNumber) {
        case (let a?, let b?): return a < b || (a == b && (left.text ?? "") < (right.text ?? ""))
        case (nil, .some): return true
        case (.some, nil): return false
        case (nil, nil): return naturalOrder(left.text ?? "", right.text ?? "")
        }
    }

    /// The number a value sorts as: numbers, times, and text that is only a number.
    private var sortNumber: Double? {
        switch self {
        case .number(let value): value
        case .time(let milliseconds): Double(milliseconds)
        case .bool(let value): value ? 1 : 0
        case .string(let text): Self.parseNumber(text)
        case .json, .null: nil
        }
    }

    static func naturalOrder(_ left: String, _ right: String) -> Bool {
        let a = chunks(left)
        let b = chunks(right)
        for (x, y) in zip(a, b) where x != y {
            if x.isDigits && y.isDigits {
                if x.text.count != y.text.count { return x.text.count < y.text.count }
                return x.text.unicodeScalars.lexicographicallyPrecedes(y.text.unicodeScalars)
            }
            return x.text.unicodeScalars.lexicographicallyPrecedes(y.text.unicodeScalars)
        }
        return a.count < b.count
    }

    private struct Chunk: Equatable {
        let text: Substring
        let isDigits: Bool
    }

    private static func chunks(_ text: String) -> [Chunk] {
        var result: [Chunk] = []
        var start = text.startIndex
        while start < text.endIndex {
            let digits = text[start].isASCII && text[start].isNumber
            var end = text.index(after: start)
            while end < text.endIndex, (text[end].isASCII && text[end].isNumber) == digits {
                end = text.index(after: end)
            }
            result.append(Chunk(text: text[start..<end], isDigits: digits))
            start = end
        }
        return result
    }
}
