/// What one capturing group of a compiled grok pattern produces.
struct GrokCapture: Sendable {
    /// How the captured text becomes a value.
    enum Conversion: Sendable {
        case text
        /// QUOTEDSTRING: the surrounding quotes are removed.
        case unquoted
        case integer
        /// HTTPDATE normalised to ISO 8601 UTC (`2023-08-03T12:34:56Z`), as the access-log patterns output it.
        case httpTimestamp
    }

    let path: FieldPath
    let conversion: Conversion
    /// Common-log fields leave out `-` and empty values.
    let omitsPlaceholders: Bool

    init(path: String, conversion: Conversion, omitsPlaceholders: Bool) {
        self.path = FieldPath(path)
        self.conversion = conversion
        self.omitsPlaceholders = omitsPlaceholders
    }

    /// The field for `text`, or nil when it is left out.
    func field(_ text: Substring) -> GrokField? {
        if omitsPlaceholders, text.isEmpty || text == "-" { return nil }
        switch conversion {
        case .text:
            return GrokField(path, value: .string(String(text)))
        case .unquoted:
            return GrokField(path, value: .string(String(text.dropFirst().dropLast())))
        case .integer:
            if let number = Int64(text) { return GrokField(path, value: .integer(number)) }
            return GrokField(path, value: .string(String(text)))
        case .httpTimestamp:
            let normalised = GrokHTTPDate.iso8601UTC(text) ?? String(text)
            return GrokField(path, value: .string(normalised))
        }
    }
}
