import Foundation

/// JSON ↔ `Document`, for the AWS JSON 1.0 form of document-based APIs. Read with `JSONScanner`, so that JSON 1.0,
/// JSON 1.1 and PutLogEvents bodies are held to one grammar, and numbers are read from their text by the standard
/// library, which rounds correctly (Foundation's JSONSerialization on Linux misreads about one double in seven by
/// an ulp or two). Documents nest at most `NestingLimit.maximumDepth` levels, so the recursive conversions here
/// stay shallow.
extension Document {
    public static func fromJSON(_ bytes: [UInt8]) throws(AWSError) -> Document {
        try NestingLimit.check(json: bytes)
        var scanner = JSONScanner(bytes)
        if scanner.atEnd { return .map([:]) }
        let document = try read(&scanner)
        guard scanner.atEnd else { throw JSONScanner.malformed() }
        return document
    }

    private static func read(_ scanner: inout JSONScanner) throws(AWSError) -> Document {
        switch try scanner.peekKind() {
        case .object:
            var members: [String: Document] = [:]
            try scanner.readObject { scanner, key throws(AWSError) in members[key] = try read(&scanner) }
            return .map(members)
        case .array:
            var items: [Document] = []
            try scanner.readArray { scanner throws(AWSError) in items.append(try read(&scanner)) }
            return .list(items)
        case .string:
            return .string(try scanner.readString())
        case .bool, .null:
            let first = scanner.bytes[scanner.index]
            try scanner.skipValue()
            switch first {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: return .null
            }
        case .number:
            return try number(scanner.readNumberText())
        }
    }

    /// An integer when written as one and within 64 bits (as Foundation reads it), otherwise a double; a number
    /// beyond the double range is refused, as Foundation refuses it.
    private static func number(_ text: ArraySlice<UInt8>) throws(AWSError) -> Document {
        let string = String(decoding: text, as: UTF8.self)
        let isInteger = !text.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isInteger, let integer = Int64(string) { return .integer(integer) }
        guard let double = Double(string), double.isFinite else {
            throw JSONScanner.malformed("A number in the request is out of range.")
        }
        return .double(double)
    }

    public var json: [UInt8] {
        var output = ""
        write(into: &output)
        return Array(output.utf8)
    }

    private func write(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .boolean(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .double(let number), .timestamp(let number):
            output +=
                number.isFinite
                ? (number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)") : "null"
        case .string(let text), .text(let text): output += "\"" + JSONText.escape(text) + "\""
        case .bytes(let bytes): output += "\"" + Data(bytes).base64EncodedString() + "\""
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(into: &output)
            }
            output += "]"
        case .map(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                output += "\"" + JSONText.escape(key) + "\":"
                members[key]!.write(into: &output)
            }
            output += "}"
        }
    }
}
