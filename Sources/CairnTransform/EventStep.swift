/// Why one processor could not transform an event (its reason becomes part of `@transformationError`), or why
/// the whole event failed (its reason is then all of it).
struct ProcessorFailure: Error, Equatable {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    static let tooManyFields = ProcessorFailure(
        "the event would have more than \(TransformerLimits.maximumFields) fields")
}

/// What a processor sees besides the event: the raw message and where it came from.
struct EventInput {
    let message: String
    let context: TransformContext
    let budget: TransformBudget
}

/// One compiled processor. Everything derived from the configuration (paths, regexes, date formats) is
/// built when the transformer is compiled; `apply` only does per-event work.
protocol EventStep: Sendable {
    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure)
}

extension EventStep {
    /// The value a `source` names: the raw message for `@message`, otherwise the event's field.
    func sourceValue(_ source: FieldPath, in event: JSONObject, input: EventInput) -> JSONValue? {
        source.isMessage ? .string(input.message) : event.value(at: source)
    }

    /// The text a parser reads; a missing or non-string source fails the processor.
    func sourceText(_ source: FieldPath, in event: JSONObject, input: EventInput) throws(ProcessorFailure) -> String {
        guard let value = sourceValue(source, in: event, input: input) else {
            throw ProcessorFailure("source field '\(source)' does not exist")
        }
        guard let text = value.stringValue else { throw ProcessorFailure("source field '\(source)' is not a string") }
        return text
    }
}

/// The optional path members: nil stays nil, a string becomes a ``FieldPath``.
extension Optional where Wrapped == String {
    var fieldPath: FieldPath? { map(FieldPath.init) }
}
