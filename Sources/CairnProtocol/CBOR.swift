/// RFC 8949 CBOR, the subset Smithy RPC v2 uses: integers, floats (half, single, double), text and
/// byte strings, arrays and maps (definite or indefinite length), `true`/`false`/`null`/undefined,
/// and tag 1 (epoch-seconds timestamps). Decoding never trusts a length beyond the bytes present, and arrays,
/// maps and tags nest at most `NestingLimit.maximumDepth` levels.
public enum CBOR {
    public struct DecodingError: Error, Sendable, Equatable {
        public let reason: String
    }

    // MARK: encoding

    public static func encode(_ value: Document) -> [UInt8] {
        var output: [UInt8] = []
        encode(value, into: &output)
        return output
    }

    private static func head(_ major: UInt8, _ argument: UInt64, into output: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24:
            output.append(type | UInt8(argument))
        case 24..<0x100:
            output.append(type | 24)
            output.append(UInt8(argument))
        case 0x100..<0x10000:
            output.append(type | 25)
            output.append(contentsOf: [UInt8(argument >> 8), UInt8(argument & 0xFF)])
        case 0x10000..<0x1_0000_0000:
            output.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) {
                output.append(UInt8((argument >> UInt64(shift)) & 0xFF))
            }
        default:
            output.append(type | 27)
            for shift in stride(from: 56, through: 0, by: -8) {
                output.append(UInt8((argument >> UInt64(shift)) & 0xFF))
            }
        }
    }

    private static func encode(_ value: Document, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(0xF6)
        case .boolean(let flag):
            output.append(flag ? 0xF5 : 0xF4)
        case .integer(let number):
            if number >= 0 {
                head(0, UInt64(number), into: &output)
            } else {
                head(1, UInt64(-(number + 1)), into: &output)
            }
        case .double(let number):
            encodeDouble(number, into: &output)
        case .string(let text), .text(let text):
            head(3, UInt64(text.utf8.count), into: &output)
            output.append(contentsOf: text.utf8)
        case .bytes(let bytes):
            head(2, UInt64(bytes.count), into: &output)
            output.append(contentsOf: bytes)
        case .timestamp(let seconds):
            head(6, 1, into: &output)
            encodeDouble(seconds, into: &output)
        case .list(let items):
            head(4, UInt64(items.count), into: &output)
            for item in items { encode(item, into: &output) }
        case .map(let members):
            head(5, UInt64(members.count), into: &output)
            for key in members.keys.sorted() {
                encode(.string(key), into: &output)
                encode(members[key]!, into: &output)
            }
        }
    }

    private static func encodeDouble(_ number: Double, into output: inout [UInt8]) {
        output.append(0xFB)
        let bits = number.bitPattern
        for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }

    // MARK: decoding

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Document {
        var reader = Reader(bytes: bytes)
        let value = try reader.item(depth: 0)
        guard reader.index == bytes.count else { throw DecodingError(reason: "trailing bytes after the data item") }
        return value
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard index < bytes.count else { throw DecodingError(reason: "unexpected end of input") }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func take(_ count: UInt64) throws(DecodingError) -> ArraySlice<UInt8> {
            guard count <= UInt64(bytes.count - index) else { throw DecodingError(reason: "length beyond the input") }
            defer { index += Int(count) }
            return bytes[index..<index + Int(count)]
        }

        /// The argument of a head; nil for the indefinite-length marker (31).
        mutating func argument(_ info: UInt8) throws(DecodingError) -> UInt64? {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return UInt64(try byte())
            case 25, 26, 27:
                let width = 1 << (info - 24)
                var value: UInt64 = 0
                for byte in try take(UInt64(width)) { value = value << 8 | UInt64(byte) }
                return value
            case 31: return nil
            default: throw DecodingError(reason: "reserved additional information \(info)")
            }
        }

        /// True when the next byte is the "break" that ends an indefinite-length item (consumed).
        mutating func atBreak() throws(DecodingError) -> Bool {
            guard index < bytes.count else { throw DecodingError(reason: "unterminated indefinite-length item") }
            if bytes[index] == 0xFF {
                index += 1
                return true
            }
            return false
        }

        /// The item at the cursor, inside `depth` arrays, maps and tags.
        mutating func item(depth: Int) throws(DecodingError) -> Document {
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            if (4...6).contains(major), depth >= NestingLimit.maximumDepth {
                throw DecodingError(reason: "nesting deeper than \(NestingLimit.maximumDepth) levels")
            }
            switch major {
            case 0:
                guard let value = try argument(info), value <= UInt64(Int64.max) else {
                    throw DecodingError(reason: "integer out of range")
                }
                return .integer(Int64(value))
            case 1:
                guard let value = try argument(info), value <= UInt64(Int64.max) else {
                    throw DecodingError(reason: "integer out of range")
                }
                return .integer(-1 - Int64(value))
            case 2, 3:
                var content: [UInt8] = []
                if let length = try argument(info) {
                    content = Array(try take(length))
                } else {
                    while !(try atBreak()) {
                        let chunkHead = try byte()
                        guard chunkHead >> 5 == major, let length = try argument(chunkHead & 0x1F) else {
                            throw DecodingError(reason: "invalid chunk in an indefinite-length string")
                        }
                        content += try take(length)
                    }
                }
                if major == 2 { return .bytes(content) }
                guard let text = String(validating: content, as: UTF8.self) else {
                    throw DecodingError(reason: "text string is not UTF-8")
                }
                return .string(text)
            case 4:
                var items: [Document] = []
                if let count = try argument(info) {
                    guard count <= UInt64(bytes.count - index) else {
                        throw DecodingError(reason: "length beyond the input")
                    }
                    for _ in 0..<count { items.append(try item(depth: depth + 1)) }
                } else {
                    while !(try atBreak()) { items.append(try item(depth: depth + 1)) }
                }
                return .list(items)
            case 5:
                var members: [String: Document] = [:]
                func member(_ reader: inout Reader) throws(DecodingError) {
                    guard case .string(let key) = try reader.item(depth: depth + 1) else {
                        throw DecodingError(reason: "map key is not a text string")
                    }
                    members[key] = try reader.item(depth: depth + 1)
                }
                if let count = try argument(info) {
                    guard count <= UInt64(bytes.count - index) else {
                        throw DecodingError(reason: "length beyond the input")
                    }
                    for _ in 0..<count { try member(&self) }
                } else {
                    while !(try atBreak()) { try member(&self) }
                }
                return .map(members)
            case 6:
                guard let tag = try argument(info) else { throw DecodingError(reason: "indefinite tag") }
                let content = try item(depth: depth + 1)
                if tag == 1 {
                    guard let seconds = content.double else { throw DecodingError(reason: "tag 1 needs a number") }
                    return .timestamp(seconds)
                }
                return content
            default:
                switch info {
                case 20: return .boolean(false)
                case 21: return .boolean(true)
                case 22, 23: return .null
                case 25:
                    let raw = try take(2)
                    return .double(
                        Double(Float16Bits.decode(UInt16(raw[raw.startIndex]) << 8 | UInt16(raw[raw.startIndex + 1]))))
                case 26:
                    var bits: UInt32 = 0
                    for byte in try take(4) { bits = bits << 8 | UInt32(byte) }
                    return .double(Double(Float(bitPattern: bits)))
                case 27:
                    var bits: UInt64 = 0
                    for byte in try take(8) { bits = bits << 8 | UInt64(byte) }
                    return .double(Double(bitPattern: bits))
                default:
                    throw DecodingError(reason: "unsupported simple value \(info)")
                }
            }
        }
    }
}

/// IEEE 754 half precision, decoded by hand (Float16 is not available on every platform).
enum Float16Bits {
    static func decode(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
