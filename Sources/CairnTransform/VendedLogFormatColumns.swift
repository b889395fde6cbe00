import Foundation

/// One column of a whitespace-separated vended log line.
struct VendedLogColumn: Sendable {
    /// How a column's text becomes a value. `-` (no value) stays the string `"-"` in every column, as in the
    /// CloudFront example.
    enum Kind: Sendable {
        case text
        /// Percent-encoded text (CloudFront), decoded.
        case encodedText
        case integer
        case decimal
    }

    let name: String
    let kind: Kind

    init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The columns of `text`, split on runs of spaces and tabs; nil when the column count differs or a numeric
    /// column holds something else than a number or `-`.
    static func parse(_ text: String, columns: [VendedLogColumn]) -> [GrokField]? {
        let values = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard values.count == columns.count else { return nil }
        var fields: [GrokField] = []
        fields.reserveCapacity(columns.count)
        for (column, value) in zip(columns, values) {
            guard let converted = column.value(value) else { return nil }
            fields.append(GrokField(path: column.name, value: converted))
        }
        return fields
    }

    private func value(_ text: Substring) -> GrokValue? {
        if text == "-" { return .string("-") }
        switch kind {
        case .text:
            return .string(String(text))
        case .encodedText:
            return .string(text.removingPercentEncoding ?? String(text))
        case .integer:
            return Int64(text).map(GrokValue.integer)
        case .decimal:
            guard text.utf8.allSatisfy(Self.isDecimalByte) else { return nil }
            return Double(text).map(GrokValue.double)
        }
    }

    private static func isDecimalByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-")
    }
}
