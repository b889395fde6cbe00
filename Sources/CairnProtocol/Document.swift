/// A protocol-neutral request or response value (Smithy's document model): what the CBOR and
/// JSON 1.0 codecs read and write, so one handler serves both wire protocols.
public enum Document: Sendable, Equatable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    /// A scalar from the AWS query protocol, whose form does not say its type: it reads as a string, a number,
    /// a boolean or a timestamp as the member asks, and `""` as an empty list.
    case text(String)
    case bytes([UInt8])
    /// Epoch seconds: CBOR tag 1 on the wire, a number in JSON.
    case timestamp(Double)
    case list([Document])
    case map([String: Document])

    public subscript(key: String) -> Document? {
        if case .map(let members) = self { members[key] } else { nil }
    }

    public var string: String? {
        switch self {
        case .string(let value), .text(let value): value
        default: nil
        }
    }

    public var list: [Document]? {
        switch self {
        case .list(let value): value
        case .text(""): []
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        case .text(let value): Double(value)
        default: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e18: Int64(value)
        case .text(let value): Int64(value)
        default: nil
        }
    }

    public var boolean: Bool? {
        switch self {
        case .boolean(let value): value
        case .text("true"): true
        case .text("false"): false
        default: nil
        }
    }

    /// A timestamp in epoch seconds, whether it came tagged (CBOR) or as a plain number (JSON).
    public var timestamp: Double? {
        switch self {
        case .timestamp(let value): value
        case .integer(let value): Double(value)
        case .double(let value): value
        case .text(let value): Double(value) ?? ISO8601Timestamp.parse(value)
        default: nil
        }
    }
}
