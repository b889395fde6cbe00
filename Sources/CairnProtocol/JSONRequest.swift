import Foundation

/// Decodes an AWS JSON 1.1 request body. Anything that is not a JSON object of the
/// expected shape is a `SerializationException`, as AWS answers; so is a body nesting deeper than
/// `NestingLimit.maximumDepth` (checked before Foundation's decoder, which would go to 512 levels).
public enum JSONRequest {
    public static func decode<Input: Decodable>(_ type: Input.Type, from body: [UInt8]) throws(AWSError) -> Input {
        try NestingLimit.check(json: body)
        let data =
            body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) ? Data("{}".utf8) : Data(body)
        do {
            return try JSONDecoder().decode(Input.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw .serialization("Unexpected value type at '\(path(context.codingPath))'.")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw .serialization("Invalid value at '\(path(context.codingPath))'.")
        } catch {
            throw .serialization("The request body is not a valid JSON object.")
        }
    }

    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Encoding our own response types cannot fail: they hold only strings, numbers, arrays and maps.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "\($0 + 1)" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// The empty response body of operations without output.
public struct EmptyResponse: Encodable, Sendable {
    public init() {}
}
