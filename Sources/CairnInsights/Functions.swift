import Foundation

/// The functions of the query language that work on one row (AWS's "Boolean, comparison, numeric, datetime, and
/// other functions"), by their lower-cased names.
enum ScalarFunction: String, CaseIterable {
    // General.
    case ispresent, isempty, isblank, coalesce
    case `if`
    // Strings.
    case strlen, toupper, tolower, trim, ltrim, rtrim, concat, substr, replace, strcontains, split
    // Numbers.
    case abs, ceil, floor, greatest, least, log, sqrt, pow
    // Dates.
    case bin, datefloor, dateceil, frommillis, tomillis, now
    // IP addresses.
    case isvalidip, isvalidipv4, isvalidipv6, isipinsubnet, isipv4insubnet, isipv6insubnet
    // JSON.
    case jsonparse, jsonstringify

    var arity: ClosedRange<Int> {
        switch self {
        case .ispresent, .isempty, .isblank, .strlen, .toupper, .tolower, .abs, .ceil, .floor, .log, .sqrt, .bin,
            .frommillis, .tomillis, .isvalidip, .isvalidipv4, .isvalidipv6, .jsonparse, .jsonstringify:
            1...1
        case .trim, .ltrim, .rtrim: 1...2
        case .coalesce, .concat, .greatest, .least: 1...Int.max
        case .if: 2...3
        case .substr: 2...3
        case .replace: 3...3
        case .strcontains, .split, .pow, .datefloor, .dateceil, .isipinsubnet, .isipv4insubnet, .isipv6insubnet: 2...2
        case .now: 0...0
        }
    }
}

enum Functions {
    static func call(_ function: ScalarFunction, _ values: [Value]) -> Value {
        let first = values.first ?? .null
        switch function {
        case .ispresent: return .bool(!first.isNull)
        case .isempty: return .bool(first.text?.isEmpty ?? true)
        case .isblank: return .bool(first.text?.allSatisfy(\.isWhitespace) ?? true)
        case .coalesce: return values.first { !$0.isNull } ?? .null
        case .if: return first.isTrue ? values[1] : (values.count > 2 ? values[2] : .null)
        case .strlen: return first.text.map { .number(Double($0.count)) } ?? .null
        case .toupper: return first.text.map { bounded($0.uppercased()) } ?? .null
        case .tolower: return first.text.map { bounded($0.lowercased()) } ?? .null
        case .trim, .ltrim, .rtrim: return trim(function, first, values.count > 1 ? values[1].text : nil)
        case .concat:
            let parts = values.compactMap(\.text)
            guard parts.reduce(0, { $0 + $1.utf8.count }) <= maximumTextBytes else { return .null }
            return .string(parts.joined())
        case .substr: return substring(first, values[1], values.count > 2 ? values[2] : nil)
        case .replace:
            guard let text = first.text, let search = values[1].text, let replacement = values[2].text else {
                return .null
            }
            guard !search.isEmpty else { return .string(text) }
            // The result's size is known before it is built: each occurrence changes it by the same amount.
            let growth = replacement.utf8.count - search.utf8.count
            if growth > 0, text.utf8.count + text.utf8.count / search.utf8.count * growth > maximumTextBytes {
                let occurrences = text.components(separatedBy: search).count - 1
                guard text.utf8.count + occurrences * growth <= maximumTextBytes else { return .null }
            }
            return .string(text.replacingOccurrences(of: search, with: replacement))
        case .strcontains:
            guard let text = first.text, let search = values[1].text else { return .null }
            return .bool(search.isEmpty || text.contains(search))
        case .split:
            guard let text = first.text, let separator = values[1].text, !separator.isEmpty else { return .null }
            return .json(.array(text.components(separatedBy: separator).map(JSONValue.string)))
        case .abs, .ceil, .floor, .log, .sqrt: return math(function, first)
        case .greatest, .least:
            let numbers = values.compactMap(\.number)
            guard let best = function == .greatest ? numbers.max() : numbers.min() else { return .null }
            return .number(best)
        case .pow:
            guard let base = first.number, let exponent = values[1].number else { return .null }
            return .number(power(base, exponent))
        case .bin, .now: return .null  // evaluated by the evaluator: they read the row's time or the query's
        case .datefloor: return floor(first, values[1])
        case .dateceil:
            guard let time = first.number.flatMap(milliseconds), let period = values[1].number.flatMap(milliseconds),
                period >= 1
            else { return .null }
            let floored = DateText.floorDivide(time, period).0 * period
            return .time(floored == time ? floored : floored + period)
        case .frommillis:
            return first.number.flatMap(milliseconds).map(Value.time) ?? .null
        case .tomillis:
            if case .time(let milliseconds) = first { return .number(Double(milliseconds)) }
            if let text = first.text, let milliseconds = DateText.parse(text) { return .number(Double(milliseconds)) }
            return first.number.map(Value.number) ?? .null
        case .isvalidip: return .bool(first.text.map { IPAddress($0) != nil } ?? false)
        case .isvalidipv4: return .bool(first.text.flatMap { IPAddress($0) }?.isV4 ?? false)
        case .isvalidipv6: return .bool(first.text.flatMap { IPAddress($0) }.map { !$0.isV4 } ?? false)
        case .isipinsubnet, .isipv4insubnet, .isipv6insubnet:
            guard let address = first.text.flatMap({ IPAddress($0) }),
                let subnet = values[1].text.flatMap({ IPSubnet($0) })
            else { return .bool(false) }
            if function == .isipv4insubnet, !address.isV4 { return .bool(false) }
            if function == .isipv6insubnet, address.isV4 { return .bool(false) }
            return .bool(subnet.contains(address))
        case .jsonparse:
            guard let text = first.text, let json = JSONValue.parse(Array(text.utf8)) else { return .null }
            return .json(json)
        case .jsonstringify:
            if case .json(let json) = first { return .string(json.stringified) }
            return first.text.map { .string(JSONValue.string($0).stringified) } ?? .null
        }
    }

    /// The most bytes a string function may make (4 MB): chained `concat(a, a)` or `replace` would otherwise
    /// double a value at every stage until the server runs out of memory. A longer result is null.
    static let maximumTextBytes = 4 << 20

    static func bounded(_ text: String) -> Value { text.utf8.count <= maximumTextBytes ? .string(text) : .null }

    /// `bin(period)` and `datefloor(time, period)`: the time rounded down to a multiple of the period.
    static func floor(_ time: Value, _ period: Value) -> Value {
        guard let instant = time.number.flatMap(milliseconds), let step = period.number.flatMap(milliseconds),
            step >= 1
        else { return .null }
        return .time(DateText.floorDivide(instant, step).0 * step)
    }

    /// The largest time, in milliseconds either side of 1970, that a number may stand for (2^53, about 285,000
    /// years): every such number is a whole Double, and sums and products of two of them fit in an `Int64`.
    static let maximumMilliseconds = Double(1 << 53)

    /// A number as whole milliseconds, or nil when it is not finite or lies beyond `maximumMilliseconds` (a
    /// query's or a message's number must never trap the conversion).
    static func milliseconds(_ number: Double) -> Int64? {
        guard number.isFinite, Swift.abs(number) <= maximumMilliseconds else { return nil }
        return Int64(number)
    }

    static func power(_ base: Double, _ exponent: Double) -> Double { Foundation.pow(base, exponent) }

    private static func math(_ function: ScalarFunction, _ value: Value) -> Value {
        guard let number = value.number else { return .null }
        switch function {
        case .abs: return .number(Swift.abs(number))
        case .ceil: return .number(number.rounded(.up))
        case .floor: return .number(number.rounded(.down))
        case .log: return number > 0 ? .number(Foundation.log(number)) : .null
        default: return number >= 0 ? .number(number.squareRoot()) : .null
        }
    }

    private static func trim(_ function: ScalarFunction, _ value: Value, _ characters: String?) -> Value {
        guard let text = value.text else { return .null }
        let strip: (Character) -> Bool = { character in
            characters.map { $0.contains(character) } ?? character.isWhitespace
        }
        var result = Substring(text)
        if function != .rtrim { result = result.drop(while: strip) }
        if function != .ltrim {
            while let last = result.last, strip(last) { result = result.dropLast() }
        }
        return .string(String(result))
    }

    /// `substr(text, start[, length])`: characters from the 0-based `start`.
    private static func substring(_ value: Value, _ start: Value, _ length: Value?) -> Value {
        guard let text = value.text, let from = start.number, !from.isNaN else { return .null }
        let characters = Array(text)
        // Clamped as Doubles first: an infinite or huge start or length must not trap the conversion.
        let begin = Int(Swift.max(0, Swift.min(Double(characters.count), from)))
        var end = characters.count
        if let length {
            guard let count = length.number, !count.isNaN else { return .null }
            end = begin + Int(Swift.max(0, Swift.min(Double(characters.count - begin), count)))
        }
        return .string(String(characters[begin..<end]))
    }
}
