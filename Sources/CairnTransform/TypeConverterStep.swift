/// typeConverter: converts values to integer, double, boolean or string. A value that cannot be
/// converted fails the processor; a missing key is skipped.
struct TypeConverterStep: EventStep {
    enum TargetType: String, Sendable {
        case boolean, integer, double, string
    }

    let entries: [(key: FieldPath, type: TargetType)]

    init(_ member: Processor.TypeConverter) {
        entries = (member.entries ?? []).map {
            (FieldPath($0.key ?? ""), TargetType(rawValue: $0.type ?? "") ?? .string)
        }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries {
            guard let value = event.value(at: entry.key) else { continue }
            guard let converted = Self.convert(value, to: entry.type) else {
                throw ProcessorFailure(
                    "cannot convert the value of '\(entry.key)' (\(JSONSerializer.string(value))) to \(entry.type.rawValue)"
                )
            }
            event.setValue(converted, at: entry.key, overwrite: true)
        }
    }

    static func convert(_ value: JSONValue, to type: TargetType) -> JSONValue? {
        switch (type, value) {
        case (.integer, .integer), (.double, .double), (.boolean, .bool), (.string, .string): value
        case (.integer, .double(let double)):
            double.rounded() == double && abs(double) < 9.2e18 ? .integer(Int64(double)) : nil
        case (.integer, .string(let text)): Int64(Self.trimmed(text)).map(JSONValue.integer)
        case (.double, .integer(let integer)): .double(Double(integer))
        case (.double, .string(let text)):
            Double(Self.trimmed(text)).flatMap { $0.isFinite ? .double($0) : nil }
        case (.boolean, .string(let text)):
            switch Self.trimmed(text).lowercased() {
            case "true": .bool(true)
            case "false": .bool(false)
            default: nil
            }
        case (.string, .integer), (.string, .double), (.string, .bool): .string(JSONSerializer.string(value))
        default: nil
        }
    }

    private static func trimmed(_ text: String) -> String {
        StringRewriteStep.trimmed(text)
    }
}
