/// A regular expression compiled once. Swift's `Regex` is not declared `Sendable`, but a compiled regex
/// is immutable; it is lowered eagerly here so that concurrent matches only read it.
final class CompiledRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>

    /// Compiles a Java/PCRE-style pattern; Python's `(?P<name>…)` groups are accepted as `(?<name>…)`.
    init(_ pattern: String) throws(TransformerConfigurationError) {
        let rewritten = pattern.replacing("(?P<", with: "(?<")
        do {
            regex = try Regex(rewritten)
        } catch {
            throw TransformerConfigurationError(message: "Invalid regular expression '\(pattern)': \(error)")
        }
        _ = "".firstMatch(of: regex)
    }
}

/// The `to` member of substituteString: literal text with `$1` and `${name}` group references
/// (`\$` writes a literal dollar sign).
struct ReplacementTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case group(Int)
        case namedGroup(String)
    }

    let parts: [Part]

    init(_ template: String) {
        var parts: [Part] = []
        var literal = ""
        var characters = template[...]
        while let character = characters.popFirst() {
            if character == "\\", let escaped = characters.popFirst() {
                literal.append(escaped)
            } else if character == "$", characters.first == "{", let close = characters.firstIndex(of: "}") {
                let name = String(characters[characters.index(after: characters.startIndex)..<close])
                characters = characters[characters.index(after: close)...]
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.namedGroup(name))
            } else if character == "$", let digit = characters.first?.wholeNumberValue {
                characters = characters.dropFirst()
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.group(digit))
            } else {
                literal.append(character)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The group references, in order, as written (`1`, `name`).
    var references: [String] {
        parts.compactMap { part in
            switch part {
            case .literal: nil
            case .group(let index): String(index)
            case .namedGroup(let name): name
            }
        }
    }

    func expand(_ match: Regex<AnyRegexOutput>.Match) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .group(let index):
                if index < match.output.count, let text = match.output[index].substring { result += text }
            case .namedGroup(let name):
                if let text = match.output[name]?.substring { result += text }
            }
        }
        return result
    }
}

/// substituteString: replaces every match of `from` in a string value with the expanded `to`.
struct SubstituteStringStep: EventStep {
    struct Entry: Sendable {
        let source: FieldPath
        let from: CompiledRegex
        let to: ReplacementTemplate
    }

    let entries: [Entry]

    init(_ member: Processor.SubstituteString) throws(TransformerConfigurationError) {
        var entries: [Entry] = []
        for entry in member.entries ?? [] {
            let template = ReplacementTemplate(entry.to ?? "")
            try Self.checkBackreferences(template, in: entry.to ?? "")
            entries.append(
                Entry(source: FieldPath(entry.source ?? ""), from: try CompiledRegex(entry.from ?? ""), to: template))
        }
        self.entries = entries
    }

    /// User guide: at most 10 backreferences in `to`, and at most 2 of them repeating an earlier one.
    private static func checkBackreferences(
        _ template: ReplacementTemplate, in text: String
    ) throws(TransformerConfigurationError) {
        let references = template.references
        if references.count > TransformerLimits.maximumBackreferences {
            throw TransformerConfigurationError(
                message: "substituteString 'to' value '\(text)' has more than "
                    + "\(TransformerLimits.maximumBackreferences) backreferences")
        }
        if references.count - Set(references).count > TransformerLimits.maximumDuplicateBackreferences {
            throw TransformerConfigurationError(
                message: "substituteString 'to' value '\(text)' has more than "
                    + "\(TransformerLimits.maximumDuplicateBackreferences) duplicate backreferences")
        }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries {
            event.modifyValue(at: entry.source) { value in
                guard case .string(let text) = value else { return }
                value = .string(text.replacing(entry.from.regex) { entry.to.expand($0) })
            }
        }
    }
}
