/// A pull scanner over JSON bytes for hot request paths (PutLogEvents): no intermediate objects,
/// strings decoded straight into a caller's buffer, UTF-8 validated, `\uXXXX` and surrogate pairs handled.
/// Every malformed input throws `SerializationException`; nothing is trusted from the input's lengths, and
/// objects and arrays nest at most `NestingLimit.maximumDepth` levels (`skipValue` recurses once per level).
public struct JSONScanner {
    public enum ValueKind: Equatable { case object, array, string, number, bool, null }

    let bytes: [UInt8]
    public private(set) var index: Int
    /// Objects and arrays open around the cursor.
    public private(set) var depth = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    static func malformed(_ what: String = "The request body is not valid JSON.") -> AWSError {
        .serialization(what)
    }

    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0a, 0x0d, 0x09: index += 1
            default: return
            }
        }
    }

    public var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index >= bytes.count
        }
    }

    public mutating func peekKind() throws(AWSError) -> ValueKind {
        skipWhitespace()
        guard index < bytes.count else { throw Self.malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw Self.malformed()
        }
    }

    mutating func expect(_ byte: UInt8) throws(AWSError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw Self.malformed() }
        index += 1
    }

    /// Opens an object or array: one level deeper, refused beyond `NestingLimit.maximumDepth`.
    private mutating func enterContainer(_ opening: UInt8) throws(AWSError) {
        try expect(opening)
        guard depth < NestingLimit.maximumDepth else { throw NestingLimit.tooDeep }
        depth += 1
    }

    /// Iterates the members of an object: `body` is called with each key (decoded) and must consume its value.
    public mutating func readObject(_ body: (inout JSONScanner, String) throws(AWSError) -> Void) throws(AWSError) {
        try enterContainer(UInt8(ascii: "{"))
        defer { depth -= 1 }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            var key: [UInt8] = []
            try readString(into: &key)
            try expect(UInt8(ascii: ":"))
            try body(&self, String(decoding: key, as: UTF8.self))
            skipWhitespace()
            guard index < bytes.count else { throw Self.malformed() }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    /// Iterates the elements of an array: `body` must consume one value each time.
    public mutating func readArray(_ body: (inout JSONScanner) throws(AWSError) -> Void) throws(AWSError) {
        try enterContainer(UInt8(ascii: "["))
        defer { depth -= 1 }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try body(&self)
            skipWhitespace()
            guard index < bytes.count else { throw Self.malformed() }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    public mutating func readString() throws(AWSError) -> String {
        var buffer: [UInt8] = []
        try readString(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the decoded UTF-8 bytes of a JSON string to `output`.
    public mutating func readString(into output: inout [UInt8]) throws(AWSError) {
        try expect(UInt8(ascii: "\""))
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: bytes[runStart..<index])
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                output.append(contentsOf: bytes[runStart..<index])
                index += 1
                try readEscape(into: &output)
                runStart = index
                continue
            }
            if byte < 0x20 { throw Self.malformed() }
            if byte < 0x80 {
                index += 1
            } else {
                index = try Self.validUTF8Sequence(bytes, at: index)
            }
        }
        throw Self.malformed()
    }

    private mutating func readEscape(into output: inout [UInt8]) throws(AWSError) {
        guard index < bytes.count else { throw Self.malformed() }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5c)
        case UInt8(ascii: "/"): output.append(0x2f)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0c)
        case UInt8(ascii: "n"): output.append(0x0a)
        case UInt8(ascii: "r"): output.append(0x0d)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw Self.malformed() }
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Self.malformed() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Self.malformed()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Self.malformed() }
            output.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw Self.malformed()
        }
    }

    private mutating func readHex4() throws(AWSError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Self.malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Self.malformed()
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence starting at `start` (RFC 3629: no overlongs, no surrogates,
    /// nothing above U+10FFFF) and returns the index after it.
    static func validUTF8Sequence(_ bytes: [UInt8], at start: Int) throws(AWSError) -> Int {
        let lead = bytes[start]
        let length: Int
        var lowerSecond: UInt8 = 0x80
        var upperSecond: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lowerSecond = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            upperSecond = 0x9F
        case 0xF0:
            length = 4
            lowerSecond = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upperSecond = 0x8F
        default: throw malformed("The request body is not valid UTF-8.")
        }
        guard start + length <= bytes.count else { throw malformed("The request body is not valid UTF-8.") }
        guard (lowerSecond...upperSecond).contains(bytes[start + 1]) else {
            throw malformed("The request body is not valid UTF-8.")
        }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[start + offset]) {
            throw malformed("The request body is not valid UTF-8.")
        }
        return start + length
    }

    /// An integer; fractions and exponents are refused (a `long` member), as is overflow.
    public mutating func readInt64() throws(AWSError) -> Int64 {
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        // The magnitude, up to 2^63 for a negative number: Int64.min has no positive counterpart.
        let limit = negative ? Int64.min.magnitude : Int64.max.magnitude
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2, sum <= limit else {
                throw Self.malformed("A number in the request is out of range.")
            }
            magnitude = sum
            index += 1
        }
        let digitCount = index - digitsStart
        guard digitCount > 0, !(digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else {
            throw Self.malformed()
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw Self.malformed("Expected an integer in the request.")
        }
        return negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    }

    /// Skips any JSON value, validating it.
    public mutating func skipValue() throws(AWSError) {
        switch try peekKind() {
        case .object: try readObject { scanner, _ throws(AWSError) in try scanner.skipValue() }
        case .array: try readArray { scanner throws(AWSError) in try scanner.skipValue() }
        case .string:
            var sink: [UInt8] = []
            try readString(into: &sink)
        case .bool, .null:
            for literal in ["true", "false", "null"] {
                let utf8 = Array(literal.utf8)
                if index + utf8.count <= bytes.count, Array(bytes[index..<(index + utf8.count)]) == utf8 {
                    index += utf8.count
                    return
                }
            }
            throw Self.malformed()
        case .number:
            _ = try readNumberText()
        }
    }

    /// A number as written, checked against JSON's grammar (RFC 8259 section 6):
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; the cursor moves past it.
    public mutating func readNumberText() throws(AWSError) -> ArraySlice<UInt8> {
        skipWhitespace()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard skipDigits() > 0, bytes[integerStart] != UInt8(ascii: "0") || index == integerStart + 1 else {
            throw Self.malformed()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw Self.malformed() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() > 0 else { throw Self.malformed() }
        }
        return bytes[start..<index]
    }

    /// Moves past ASCII digits; returns how many.
    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    /// Reads `null` if present; returns whether it did.
    public mutating func readNullIfPresent() throws(AWSError) -> Bool {
        guard try peekKind() == .null else { return false }
        try skipValue()
        return true
    }
}
