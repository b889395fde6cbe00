/// How deeply a client's document may nest: JSON objects and arrays, CBOR arrays, maps and tags, policy documents.
/// Every parser of client input stops there with an error instead of recursing until the stack overflows, which
/// would take the whole process (every tenant) down with one request.
public enum NestingLimit {
    /// 128 levels. AWS documents no limit for its JSON and CBOR protocols; its parsers accept well over 64 levels,
    /// while no Logs, KMS or CloudWatch request nests deeper than about 6 (a key policy's condition map) and
    /// Foundation's own decoders stop at 512. 128 leaves room for any real request and keeps every recursive
    /// walk of a decoded document (`Document.json`, CBOR encoding, the JSON decoders) a few kilobytes of stack.
    public static let maximumDepth = 128

    public static let tooDeep = AWSError.serialization(
        "The request body nests deeper than \(maximumDepth) levels of objects and arrays.")

    /// Whether JSON text opens more than `maximumDepth` objects and arrays inside each other. One pass without
    /// recursion, skipping string contents (escapes included); it does not validate the text otherwise, so a
    /// malformed but shallow text is left for the real parser to refuse with its usual answer.
    public static func exceeded(json bytes: some Sequence<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maximumDepth { return true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }

    /// Throws `SerializationException` when JSON text nests deeper than `maximumDepth`.
    public static func check(json bytes: some Sequence<UInt8>) throws(AWSError) {
        if exceeded(json: bytes) { throw tooDeep }
    }
}
