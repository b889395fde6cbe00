/// A value taken from an event: a JSON value found by a selector, or a field of a space-delimited event.
enum FieldValue {
    case string(ArraySlice<UInt8>)
    case number(ArraySlice<UInt8>)
    case boolean(Bool)
    case null
    case container
    /// A space-delimited field: text that numeric comparisons read as a number when it is one.
    case word(ArraySlice<UInt8>)

    /// The value as text, the way equality and wildcards see it.
    var text: ArraySlice<UInt8>? {
        switch self {
        case .string(let bytes), .number(let bytes), .word(let bytes): bytes
        case .boolean(let value): ArraySlice((value ? "true" : "false").utf8)
        case .null: ArraySlice("null".utf8)
        case .container: nil
        }
    }

    var number: Double? {
        switch self {
        case .number(let bytes), .word(let bytes): NumberText.parse(bytes)
        default: nil
        }
    }
}

enum Comparison: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// The right-hand side of a condition: `= "text*"`, `> 1000`, `= %regex%`.
enum ConditionValue: Sendable {
    case text(Glob)
    case number(Double, Glob)
    case regex(RegexPattern)
}

/// `operator value`, applied to one value of an event.
struct ValueCondition: Sendable {
    let comparison: Comparison
    let value: ConditionValue

    func holds(for field: FieldValue) -> Bool {
        switch value {
        case .regex(let regex):
            guard let text = field.text else { return false }
            return regex.matches(text) == (comparison == .equal)
        case .text(let glob):
            guard let text = field.text else { return false }
            return glob.matches(text) == (comparison == .equal)
        case .number(let expected, let glob):
            guard let actual = field.number else {
                // `= 200` on a value that is not a number compares the text.
                guard !comparison.isOrdering, case .string(let text) = field else { return false }
                return glob.matches(text) == (comparison == .equal)
            }
            switch comparison {
            case .equal: return actual == expected
            case .notEqual: return actual != expected
            case .less: return actual < expected
            case .lessOrEqual: return actual <= expected
            case .greater: return actual > expected
            case .greaterOrEqual: return actual >= expected
            }
        }
    }

    /// Reads `= value`, `!= value`, `< 5` … at the cursor; nil when no operator is next.
    static func parse(
        _ cursor: inout PatternCursor, valueStops: Set<UInt8>, regexCount: inout Int
    ) throws(FilterPatternError) -> ValueCondition? {
        cursor.skipSpaces()
        let comparison: Comparison
        if cursor.consume("!=") {
            comparison = .notEqual
        } else if cursor.consume("<=") {
            comparison = .lessOrEqual
        } else if cursor.consume(">=") {
            comparison = .greaterOrEqual
        } else if cursor.consume("=") {
            comparison = .equal
        } else if cursor.consume("<") {
            comparison = .less
        } else if cursor.consume(">") {
            comparison = .greater
        } else {
            return nil
        }
        cursor.skipSpaces()
        let value: ConditionValue
        switch cursor.current {
        case UInt8(ascii: "\"")?:
            value = .text(Glob(try cursor.readQuoted()))
        case UInt8(ascii: "%")?:
            regexCount += 1
            guard regexCount <= FilterPatternLimits.maximumRegexCount else { throw .invalid }
            value = .regex(try cursor.readRegex())
        case nil:
            throw .invalid
        default:
            let bare = cursor.readBare(stoppingAt: valueStops)
            guard !bare.isEmpty else { throw .invalidCharacters(cursor.current.map { [$0] } ?? []) }
            if let number = NumberText.parse(bare) {
                value = .number(number, Glob(Array(bare)))
            } else {
                value = .text(Glob(Array(bare)))
            }
        }
        if comparison.isOrdering, case .number = value {} else if comparison.isOrdering { throw .invalid }
        return ValueCondition(comparison: comparison, value: value)
    }
}

/// Numbers as JSON writes them (`-12`, `3.5`, `1e-3`), read without Foundation.
enum NumberText {
    static func parse(_ bytes: ArraySlice<UInt8>) -> Double? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        guard index < end else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var integer: UInt64 = 0
        var digits = 0
        while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if digits < 18 { integer = integer * 10 + UInt64(bytes[index] - 0x30) }
            digits += 1
            index += 1
        }
        if index == end, digits > 0, digits < 18 {
            return negative ? -Double(integer) : Double(integer)
        }
        var fractionDigits = 0
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fractionDigits += 1
                index += 1
            }
        }
        guard digits + fractionDigits > 0 else { return nil }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            var exponentDigits = 0
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == end else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }
}
