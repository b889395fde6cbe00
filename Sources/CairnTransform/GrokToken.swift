import Foundation

/// One piece of a grok `match` string: literal text, or a `%{NAME}` / `%{NAME:field}` pattern reference.
enum GrokToken: Equatable {
    case literal(String)
    case pattern(name: String, field: String?)

    /// Splits a `match` string into literal text and pattern references.
    ///
    /// Refuses unterminated references, malformed names, empty field names, type suffixes
    /// (`%{INT:n:int}`, "Explicit type conversions are not supported") and custom patterns
    /// (`(?<name>regex)`, "Creating custom patterns is not allowed").
    static func tokens(of match: String) throws(TransformerConfigurationError) -> [GrokToken] {
        var tokens: [GrokToken] = []
        var rest = Substring(match)
        while let open = rest.range(of: "%{") {
            try appendLiteral(rest[..<open.lowerBound], to: &tokens)
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                throw TransformerConfigurationError(
                    message: "Invalid grok match: '%{' at '\(rest[open.lowerBound...].prefix(40))' is not closed by '}'"
                )
            }
            tokens.append(try reference(afterOpen[..<close]))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        try appendLiteral(rest, to: &tokens)
        return tokens
    }

    private static func appendLiteral(
        _ text: Substring, to tokens: inout [GrokToken]
    ) throws(TransformerConfigurationError) {
        guard !text.isEmpty else { return }
        if text.contains("(?<") || text.contains("(?P<") {
            throw TransformerConfigurationError(
                message: "Invalid grok match: custom patterns are not allowed ('\(text.prefix(40))'); "
                    + "use only the predefined %{PATTERN:field} patterns")
        }
        tokens.append(.literal(String(text)))
    }

    private static func reference(_ body: Substring) throws(TransformerConfigurationError) -> GrokToken {
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.isEmpty, name.utf8.allSatisfy(isPatternNameByte) else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: '%{\(body)}' is not a grok pattern reference")
        }
        switch parts.count {
        case 1:
            return .pattern(name: name, field: nil)
        case 2:
            guard !parts[1].isEmpty else {
                throw TransformerConfigurationError(message: "Invalid grok match: '%{\(body)}' has an empty field name")
            }
            return .pattern(name: name, field: String(parts[1]))
        default:
            throw TransformerConfigurationError(
                message: "Invalid grok match: '%{\(body)}': type conversions in grok patterns are not supported")
        }
    }

    private static func isPatternNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
