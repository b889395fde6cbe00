extension GrokValue {
    var jsonValue: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let integer): .integer(integer)
        case .double(let double): .double(double)
        }
    }
}

extension JSONObject {
    /// Stores grok captures at their dotted paths, replacing existing values.
    mutating func store(_ fields: [GrokField]) {
        for field in fields {
            setValue(field.value.jsonValue, at: field.fieldPath, overwrite: true)
        }
    }
}

/// grok: matches the source text against the compiled pattern; no match fails the processor.
struct GrokStep: EventStep {
    let source: FieldPath
    let pattern: GrokPattern

    init(_ member: Processor.Grok) throws(TransformerConfigurationError) {
        source = FieldPath(member.source ?? FieldPath.messageKey)
        pattern = try GrokPattern(member.match ?? "")
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let text = try sourceText(source, in: event, input: input)
        guard let fields = pattern.match(text, budget: input.budget) else {
            throw ProcessorFailure(
                input.budget.isSpent ? TransformBudget.spentReason : "the grok pattern does not match")
        }
        event.store(fields)
    }
}

/// parseCloudfront, parseVPC, parseRoute53, parsePostgres: the built-in parsers for AWS vended logs.
struct VendedLogStep: EventStep {
    let format: VendedLogFormat
    let name: String

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        guard let fields = format.parse(input.message, budget: input.budget) else {
            throw ProcessorFailure(
                input.budget.isSpent ? TransformBudget.spentReason : "the message is not a valid \(name) log line")
        }
        event.store(fields)
    }
}

/// parseToOCSF: accepted in configurations, but Cairn has no OCSF mappings, so every event fails.
struct ParseToOCSFStep: EventStep {
    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        throw ProcessorFailure("parseToOCSF is not supported")
    }
}
