/// A whole-string character-class pattern from the service model, with its source text
/// for AWS's validation messages. Matching is a scalar scan: no regex engine, no backtracking.
public struct NamePattern: Sendable {
    public let source: String
    private let allowsEmpty: Bool
    private let allows: @Sendable (Unicode.Scalar) -> Bool

    public init(source: String, allowsEmpty: Bool, allows: @escaping @Sendable (Unicode.Scalar) -> Bool) {
        self.source = source
        self.allowsEmpty = allowsEmpty
        self.allows = allows
    }

    public func matches(_ value: String) -> Bool {
        if value.isEmpty { return allowsEmpty }
        return value.unicodeScalars.allSatisfy(allows)
    }

    public static func isASCIIAlphanumericScalar(_ scalar: Unicode.Scalar) -> Bool { isASCIIAlphanumeric(scalar) }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }

    /// `LogGroupName`: `[\.\-_/#A-Za-z0-9]+`.
    public static let logGroupName = NamePattern(source: #"[\.\-_/#A-Za-z0-9]+"#, allowsEmpty: false) {
        isASCIIAlphanumeric($0) || ".-_/#".unicodeScalars.contains($0)
    }

    /// `LogGroupNamePattern`: `[\.\-_/#A-Za-z0-9]*`.
    public static let logGroupNameSubstring = NamePattern(source: #"[\.\-_/#A-Za-z0-9]*"#, allowsEmpty: true) {
        isASCIIAlphanumeric($0) || ".-_/#".unicodeScalars.contains($0)
    }

    /// `LogStreamName`: `[^:*]*`.
    public static let logStreamName = NamePattern(source: "[^:*]*", allowsEmpty: true) { $0 != ":" && $0 != "*" }

    /// `LogGroupIdentifier`: `[\w#+=/:,.@-]*`.
    public static let logGroupIdentifier = NamePattern(source: #"[\w#+=/:,.@-]*"#, allowsEmpty: true) {
        isASCIIAlphanumeric($0) || "_#+=/:,.@-".unicodeScalars.contains($0)
    }

    /// `AmazonResourceName`: `[\w+=/:,.@-]*`.
    public static let resourceName = NamePattern(source: #"[\w+=/:,.@-]*"#, allowsEmpty: true) {
        isASCIIAlphanumeric($0) || "_+=/:,.@-".unicodeScalars.contains($0)
    }

    /// `AccountId`: `^\d{12}$` (length is checked separately).
    public static let accountID = NamePattern(source: #"^\d{12}$"#, allowsEmpty: false) { ("0"..."9").contains($0) }

    private static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// `TagKey`: `^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`.
    public static let tagKey = NamePattern(source: #"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"#, allowsEmpty: false) {
        isTagCharacter($0)
    }

    /// `TagValue`: `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`.
    public static let tagValue = NamePattern(source: #"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"#, allowsEmpty: true) {
        isTagCharacter($0)
    }
}
