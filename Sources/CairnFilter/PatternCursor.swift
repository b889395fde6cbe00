/// A cursor over the bytes of a filter pattern, shared by the three pattern families' parsers.
struct PatternCursor {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    mutating func skipSpaces() {
        while let byte = current, Self.isSpace(byte) { index += 1 }
    }

    func peek(_ literal: String) -> Bool {
        let utf8 = Array(literal.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    /// Consumes `literal` (after spaces) when it is next.
    mutating func consume(_ literal: String) -> Bool {
        skipSpaces()
        guard peek(literal) else { return false }
        index += literal.utf8.count
        return true
    }

    /// A keyword such as `IS` or `NULL`, matched without regard to case and ending at a non-letter.
    mutating func consumeKeyword(_ keyword: String) -> Bool {
        skipSpaces()
        let utf8 = Array(keyword.utf8)
        guard index + utf8.count <= bytes.count else { return false }
        for (offset, byte) in utf8.enumerated() where bytes[index + offset] | 0x20 != byte | 0x20 { return false }
        let after = index + utf8.count
        if after < bytes.count, RegexPattern.isAlphanumeric(bytes[after]) { return false }
        index = after
        return true
    }

    /// `"…"` with `\"` and `\\` escapes; the cursor is on the opening quote.
    mutating func readQuoted() throws(FilterPatternError) -> [UInt8] {
        index += 1
        var value: [UInt8] = []
        while let byte = current {
            index += 1
            if byte == UInt8(ascii: "\\"), let escaped = current {
                index += 1
                value.append(escaped)
            } else if byte == UInt8(ascii: "\"") {
                return value
            } else {
                value.append(byte)
            }
        }
        throw .invalid
    }

    /// `%…%`; the cursor is on the opening percent sign.
    mutating func readRegex() throws(FilterPatternError) -> RegexPattern {
        index += 1
        let start = index
        while let byte = current, byte != UInt8(ascii: "%") { index += 1 }
        guard current == UInt8(ascii: "%") else { throw .invalid }
        let body = bytes[start..<index]
        index += 1
        return try RegexPattern(body)
    }

    /// Bytes up to a space or one of `stops`.
    mutating func readBare(stoppingAt stops: Set<UInt8>) -> ArraySlice<UInt8> {
        let start = index
        while let byte = current, !Self.isSpace(byte), !stops.contains(byte) { index += 1 }
        return bytes[start..<index]
    }
}
