/// `$.user.id`, `$.users[0].email`, `$.['cluster.name']`, `$.objectList[*].id`: a path into a JSON event, found
/// by walking the event's bytes without building a tree (values that are not on the path are skipped).
public struct JSONSelector: Sendable, Hashable {
    enum Step: Sendable, Hashable {
        case key([UInt8])
        case index(Int)
        /// `[*]`: every element of an array; the selector holds when it holds for one of them.
        case anyElement
    }

    let steps: [Step]
    public let text: String

    /// Characters that end a key in a selector.
    static let keyStops = Set("$.[]=!<>&|(){}\",%".utf8)

    /// Reads a selector at the cursor, which is on `$`.
    static func parse(_ cursor: inout PatternCursor) throws(FilterPatternError) -> JSONSelector {
        let start = cursor.index
        guard cursor.current == UInt8(ascii: "$") else { throw .invalidCharacters(cursor.readBare(stoppingAt: [])) }
        cursor.index += 1
        var steps: [Step] = []
        while let byte = cursor.current {
            if byte == UInt8(ascii: "."), cursor.index + 1 < cursor.bytes.count,
                cursor.bytes[cursor.index + 1] == UInt8(ascii: "[")
            {
                // `.['key.with.dots']`: a key with characters a bare key cannot hold, in single quotes.
                cursor.index += 2
                steps.append(.key(try readBracketedKey(&cursor)))
            } else if byte == UInt8(ascii: ".") {
                cursor.index += 1
                let key = cursor.readBare(stoppingAt: keyStops)
                guard !key.isEmpty else {
                    throw .invalidCharacters(cursor.bytes[start..<min(cursor.index + 1, cursor.bytes.count)])
                }
                steps.append(.key(Array(key)))
            } else if byte == UInt8(ascii: "["), cursor.index + 2 < cursor.bytes.count,
                cursor.bytes[cursor.index + 1] == UInt8(ascii: "*"), cursor.bytes[cursor.index + 2] == UInt8(ascii: "]")
            {
                guard steps.count(where: { $0 == .anyElement }) < FilterPatternLimits.maximumWildcardsPerSelector
                else { throw .invalid }
                cursor.index += 3
                steps.append(.anyElement)
            } else if byte == UInt8(ascii: "[") {
                cursor.index += 1
                var value = 0
                var digits = 0
                while let digit = cursor.current, digit >= 0x30, digit <= 0x39, digits < 9 {
                    value = value * 10 + Int(digit - 0x30)
                    digits += 1
                    cursor.index += 1
                }
                guard digits > 0, cursor.current == UInt8(ascii: "]") else { throw .invalid }
                cursor.index += 1
                steps.append(.index(value))
            } else {
                break
            }
        }
        guard !steps.isEmpty else { throw .invalid }
        return JSONSelector(steps: steps, text: String(decoding: cursor.bytes[start..<cursor.index], as: UTF8.self))
    }

    /// The key of `.['…']`, the cursor just past `[`: single quotes around any bytes but `'`, then `]`.
    /// Double quotes are refused, as CloudWatch Logs refuses them.
    private static func readBracketedKey(_ cursor: inout PatternCursor) throws(FilterPatternError) -> [UInt8] {
        guard cursor.current == UInt8(ascii: "'") else { throw .invalid }
        cursor.index += 1
        let start = cursor.index
        while let byte = cursor.current, byte != UInt8(ascii: "'") { cursor.index += 1 }
        let key = Array(cursor.bytes[start..<cursor.index])
        guard !key.isEmpty, cursor.current == UInt8(ascii: "'") else { throw .invalid }
        cursor.index += 1
        guard cursor.current == UInt8(ascii: "]") else { throw .invalid }
        cursor.index += 1
        return key
    }

    /// Whether the path holds `[*]`.
    var hasWildcard: Bool { steps.contains(.anyElement) }

    /// `$.a.b` from a metric value or dimension.
    public init(parsing text: String) throws(FilterPatternError) {
        var cursor = PatternCursor(Array(text.utf8))
        let parsed = try Self.parse(&cursor)
        guard cursor.isAtEnd else { throw .invalid }
        self = parsed
    }

    init(steps: [Step], text: String) {
        self.steps = steps
        self.text = text
    }

    /// The value at this path (with `[*]`, the first element's that exists), or nil when the event is not JSON or
    /// the path does not exist.
    func value(in message: ArraySlice<UInt8>, knownJSON: Bool = false) -> FieldValue? {
        var found: FieldValue?
        _ = anyValue(in: message, knownJSON: knownJSON) { value in
            found = value
            return true
        }
        return found
    }

    /// Whether a value at this path satisfies `predicate`: the one value, or with `[*]` the value under any element.
    /// Walks the event in place; nothing is allocated.
    func anyValue(
        in message: ArraySlice<UInt8>, knownJSON: Bool = false, satisfies predicate: (FieldValue) -> Bool
    ) -> Bool {
        var reader = JSONReader(bytes: message)
        guard knownJSON || reader.looksLikeJSON else { return false }
        return Self.walk(steps[...], &reader, predicate)
    }

    /// Recurses once per `[*]`, and a selector holds at most one.
    private static func walk(
        _ steps: ArraySlice<Step>, _ reader: inout JSONReader, _ predicate: (FieldValue) -> Bool
    ) -> Bool {
        for position in steps.indices {
            switch steps[position] {
            case .key(let key):
                guard reader.enterMember(key) else { return false }
            case .index(let index):
                guard reader.enterElement(index) else { return false }
            case .anyElement:
                let rest = steps[(position + 1)...]
                return reader.anyElement { element in
                    var element = element
                    return walk(rest, &element, predicate)
                }
            }
        }
        guard let value = reader.readValue() else { return false }
        return predicate(value)
    }

    /// The value as text, for metric values and dimensions: string contents, or a number as written.
    public func text(in message: ArraySlice<UInt8>) -> String? {
        switch value(in: message) {
        case .string(let bytes)?, .number(let bytes)?: String(decoding: bytes, as: UTF8.self)
        case .boolean(let value)?: value ? "true" : "false"
        default: nil
        }
    }
}

/// Walks a JSON text byte by byte.
struct JSONReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    /// An event is JSON when it is an object or array from its first to its last non-space byte.
    var looksLikeJSON: Bool {
        guard let first = bytes.firstIndex(where: { !PatternCursor.isSpace($0) }),
            let last = bytes.lastIndex(where: { !PatternCursor.isSpace($0) })
        else { return false }
        return (bytes[first] == UInt8(ascii: "{") && bytes[last] == UInt8(ascii: "}"))
            || (bytes[first] == UInt8(ascii: "[") && bytes[last] == UInt8(ascii: "]"))
    }

    mutating func skipSpaces() {
        while index < bytes.endIndex, PatternCursor.isSpace(bytes[index]) { index += 1 }
    }

    /// Moves into the object at the cursor to the value of `key`.
    mutating func enterMember(_ key: [UInt8]) -> Bool {
        skipSpaces()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        while true {
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return false }
            guard let name = readStringRange() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpaces()
            if Self.stringEquals(bytes[name], key) { return true }
            guard skipValue() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") else { return false }
            index += 1
        }
    }

    /// Moves into the array at the cursor to element `position`.
    mutating func enterElement(_ position: Int) -> Bool {
        skipSpaces()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") else { return false }
        index += 1
        skipSpaces()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") { return false }
        for _ in 0..<position {
            guard skipValue() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") else { return false }
            index += 1
            skipSpaces()
        }
        return index < bytes.endIndex
    }

    /// Calls `body` with a reader on each element of the array at the cursor until it returns true.
    mutating func anyElement(_ body: (JSONReader) -> Bool) -> Bool {
        skipSpaces()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") else { return false }
        index += 1
        skipSpaces()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") { return false }
        while index < bytes.endIndex {
            if body(self) { return true }
            guard skipValue() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") else { return false }
            index += 1
            skipSpaces()
        }
        return false
    }

    mutating func readValue() -> FieldValue? {
        skipSpaces()
        guard index < bytes.endIndex else { return nil }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let range = readStringRange() else { return nil }
            let raw = bytes[range]
            return .string(raw.contains(UInt8(ascii: "\\")) ? ArraySlice(Self.unescape(raw)) : raw)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return skipValue() ? .container : nil
        default:
            guard skipValue() else { return nil }
            let raw = bytes[start..<index]
            if raw.elementsEqual("true".utf8) { return .boolean(true) }
            if raw.elementsEqual("false".utf8) { return .boolean(false) }
            if raw.elementsEqual("null".utf8) { return .null }
            return NumberText.parse(raw) == nil ? nil : .number(raw)
        }
    }

    /// The range of a string's contents (escapes left in); the cursor moves past the closing quote.
    mutating func readStringRange() -> Range<Int>? {
        index += 1
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Skips one value of any kind.
    mutating func skipValue() -> Bool {
        skipSpaces()
        guard index < bytes.endIndex else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return readStringRange() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.endIndex {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard readStringRange() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default:
                    break
                }
                index += 1
            }
            return false
        default:
            let start = index
            while index < bytes.endIndex {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                    || PatternCursor.isSpace(byte)
                {
                    break
                }
                index += 1
            }
            return index > start
        }
    }

    static func stringEquals(_ raw: ArraySlice<UInt8>, _ expected: [UInt8]) -> Bool {
        raw.contains(UInt8(ascii: "\\")) ? unescape(raw) == expected : raw.elementsEqual(expected)
    }

    /// JSON string escapes to UTF-8, including `\uXXXX` surrogate pairs.
    static func unescape(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = raw.startIndex
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.endIndex else { return nil }
            return UInt32(String(decoding: raw[at..<at + 4], as: UTF8.self), radix: 16)
        }
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.endIndex else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = raw[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(10)
            case UInt8(ascii: "t"): output.append(9)
            case UInt8(ascii: "r"): output.append(13)
            case UInt8(ascii: "b"): output.append(8)
            case UInt8(ascii: "f"): output.append(12)
            case UInt8(ascii: "u"):
                guard var scalar = hex(index) else { continue }
                index += 4
                if scalar >= 0xD800, scalar < 0xDC00, index + 6 <= raw.endIndex, raw[index] == UInt8(ascii: "\\"),
                    let low = hex(index + 2), low >= 0xDC00, low < 0xE000
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                output.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: output.append(escaped)
            }
        }
        return output
    }
}
