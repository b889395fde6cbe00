// The string mutators. Keys that are missing or do not hold a string are skipped.

/// lowerCaseString, upperCaseString and trimString: rewrite string values in place.
struct StringRewriteStep: EventStep {
    enum Rewrite {
        case lowercase, uppercase, trim
    }

    let keys: [FieldPath]
    let rewrite: Rewrite

    init(_ member: Processor.WithKeys, _ rewrite: Rewrite) {
        keys = (member.withKeys ?? []).map(FieldPath.init)
        self.rewrite = rewrite
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for key in keys {
            event.modifyValue(at: key) { value in
                guard case .string(let text) = value else { return }
                switch rewrite {
                case .lowercase: value = .string(text.lowercased())
                case .uppercase: value = .string(text.uppercased())
                case .trim: value = .string(Self.trimmed(text))
                }
            }
        }
    }

    /// Removes leading and trailing whitespace (Unicode white space and control characters, as Java's
    /// `String.strip` plus `trim`).
    static func trimmed(_ text: String) -> String {
        let isBlank: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || $0.value < 0x20 }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isBlank($0) }),
            let end = scalars.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(scalars[start...end])
    }
}

/// splitString: replaces a string with the array of its pieces between occurrences of a literal
/// delimiter (trailing empty pieces are dropped, as Java's `String.split` does).
struct SplitStringStep: EventStep {
    let entries: [(source: FieldPath, delimiter: String)]

    init(_ member: Processor.SplitString) {
        entries = (member.entries ?? []).map { (FieldPath($0.source ?? ""), $0.delimiter ?? "") }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries where !entry.delimiter.isEmpty {
            event.modifyValue(at: entry.source) { value in
                guard case .string(let text) = value else { return }
                var pieces = text.split(separator: entry.delimiter, omittingEmptySubsequences: false)
                while pieces.count > 1, pieces.last?.isEmpty == true { pieces.removeLast() }
                value = .array(pieces.map { .string(String($0)) })
            }
        }
    }
}
