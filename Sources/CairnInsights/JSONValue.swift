/// A JSON document as events carry it: read from bytes, flattened into fields (`a.b`, `list.0`), shown again
/// as compact JSON by `jsonStringify`.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (left: JSONValue, right: JSONValue) -> Bool { left.stringified == right.stringified }
    public func hash(into hasher: inout Hasher) { hasher.combine(stringified) }

    /// The value a field holds when it is this JSON: scalars as themselves, containers as JSON.
    var scalar: Value {
        switch self {
        case .null: .null
        case .bool(let value): .string(value ? "true" : "false")
        case .number(let value, _): .number(value)
        case .string(let text): .string(text)
        case .array, .object: .json(self)
        }
    }

    /// The number a JSON number or numeric string stands for; nil for everything else (objects and arrays too).
    var scalarNumber: Double? {
        switch self {
        case .number(let value, _): value
        case .string(let text): Value.parseNumber(text)
        default: nil
        }
    }

    /// Parses a whole document; nil unless the bytes are exactly one JSON value (spaces around allowed).
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> JSONValue? where Bytes.Index == Int {
        var reader = JSONTreeReader(bytes: Array(bytes)[...], index: 0)
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipSpaces()
        return reader.index == reader.bytes.endIndex ? value : nil
    }

    /// The member at `path` (object keys, or array positions written as numbers).
    func member(_ path: ArraySlice<Substring>) -> JSONValue? {
        guard let first = path.first else { return self }
        switch self {
        case .object(let members):
            guard let found = members.last(where: { $0.0 == first })?.1 else { return nil }
            return found.member(path.dropFirst())
        case .array(let items):
            guard let index = Int(first), items.indices.contains(index) else { return nil }
            return items[index].member(path.dropFirst())
        default: return nil
        }
    }

    /// Every scalar at the leaves, named by its path joined with dots (`user.name`, `tags.0`), in document order,
    /// at most `limit` of them.
    func flatten(into fields: inout [(String, Value)], prefix: String = "", limit: Int) {
        switch self {
        case .object(let members):
            for (key, value) in members where fields.count < limit {
                value.flatten(into: &fields, prefix: prefix.isEmpty ? key : prefix + "." + key, limit: limit)
            }
        case .array(let items):
            for (index, value) in items.enumerated() where fields.count < limit {
                value.flatten(
                    into: &fields, prefix: prefix.isEmpty ? String(index) : "\(prefix).\(index)", limit: limit)
            }
        default:
            if !prefix.isEmpty, fields.count < limit { fields.append((prefix, scalar)) }
        }
    }

    /// Compact JSON text.
    public var stringified: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(_, let text): output += text
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

/// Reads JSON bytes into a `JSONValue`, refusing anything malformed and nesting deeper than 64.
struct JSONTreeReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    mutating func skipSpaces() {
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func literal(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.endIndex, bytes[index..<index + utf8.count].elementsEqual(utf8) else {
            return false
        }
        index += utf8.count
        return true
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < 64 else { return nil }
        skipSpaces()
        guard index < bytes.endIndex else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, JSONValue)] = []
            skipSpaces()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpaces()
                guard let key = string() else { return nil }
                skipSpaces()
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value(depth: depth + 1) else { return nil }
                members.append((key, member))
                skipSpaces()
                guard index < bytes.endIndex else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            skipSpaces()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpaces()
                guard index < bytes.endIndex else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(items) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func number() -> JSONValue? {
        let start = index
        while index < bytes.endIndex, Self.isNumberByte(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Self.plainDecimal(bytes[start..<index]) ?? Double(text) else { return nil }
        return .number(value, text: text)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default: false
        }
    }

    /// `-12.34` and the like without an exponent and with at most 15 digits: the digits as a whole number
    /// divided by a power of ten, both exact in a Double, so the one rounding of the division gives the correctly
    /// rounded value (Clinger's fast path). Nil for anything else, which `Double(_:)` reads.
    static func plainDecimal(_ digits: ArraySlice<UInt8>) -> Double? {
        var index = digits.startIndex
        let negative = index < digits.endIndex && digits[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: Int64 = 0
        var count = 0
        var fraction = -1
        while index < digits.endIndex {
            let byte = digits[index]
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                // Past 15 digits this is not the fast path: stop before the mantissa could overflow.
                guard count < 15 else { return nil }
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                count += 1
                if fraction >= 0 { fraction += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard count > 0, count <= 15, fraction != 0 else { return nil }
        let value = Double(mantissa) / powersOfTen[max(fraction, 0)]
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { power in
        (0..<power).reduce(1.0) { value, _ in value * 10 }
    }

    private mutating func string() -> String? {
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        // Most strings have no escapes: their bytes are the text.
        var end = index
        while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
            bytes[end] >= 0x20
        {
            end += 1
        }
        if end < bytes.endIndex, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }
        var output: [UInt8] = []
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.endIndex else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if scalar >= 0xD800, scalar < 0xDC00, index + 1 < bytes.endIndex,
                        bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        guard let low = hex4(), low >= 0xDC00, low < 0xE000 else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    output.append(
                        contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default: output.append(escaped)
                }
            default: output.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.endIndex,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { return nil }
        index += 4
        return value
    }
}
