import Foundation

/// JSON ↔ `Document`, for the AWS JSON 1.0 form of document-based APIs. Documents nest at most
/// `NestingLimit.maximumDepth` levels, so the recursive conversions here stay shallow.
extension Document {
    public static func fromJSON(_ bytes: [UInt8]) throws(AWSError) -> Document {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .map([:]) }
        try NestingLimit.check(json: bytes)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw AWSError.serialization("The request body is not valid JSON.")
        }
        return convert(object)
    }

    private static func convert(_ object: Any) -> Document {
        switch object {
        case let dictionary as [String: Any]: return .map(dictionary.mapValues(convert))
        case let array as [Any]: return .list(array.map(convert))
        case let text as String: return .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": return .boolean(number.boolValue)
            case "d", "f": return .double(number.doubleValue)
            // Above Int64.max, Foundation hands an unsigned integer whose int64Value would wrap to a negative.
            case "Q": return Int64(exactly: number.uint64Value).map(Document.integer) ?? .double(number.doubleValue)
            default: return .integer(number.int64Value)
            }
        default: return .null
        }
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
        case .string(let text): output += "\"" + JSONText.escape(text) + "\""
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
