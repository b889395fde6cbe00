import Foundation

/// A regular expression compiled once (ICU, through `NSRegularExpression`, as grok's), searched under the
/// request's `TransformBudget`: a user's pattern with nested quantifiers could otherwise backtrack for seconds on
/// every ingested event.
struct CompiledRegex: Sendable {
    let expression: NSRegularExpression
    /// ICU names groups with letters and digits only: `(?<account_id>…)` is compiled as `(?<g1>…)`, found here.
    let groupNames: [String: String]

    /// Compiles a Java/PCRE-style pattern; Python's `(?P<name>…)` groups are accepted as `(?<name>…)`.
    init(_ pattern: String) throws(TransformerConfigurationError) {
        var rewritten = ""
        var names: [String: String] = [:]
        var rest = pattern[...]
        while let open = rest.firstRange(of: "(?") {
            rewritten += rest[..<open.upperBound]
            rest = rest[open.upperBound...]
            // `(?<name>` or `(?P<name>`, not the lookbehinds `(?<=` and `(?<!`.
            let afterP = rest.hasPrefix("P<") ? rest.dropFirst(2) : rest.hasPrefix("<") ? rest.dropFirst() : nil
            guard let afterP, let close = afterP.firstIndex(of: ">"), afterP.first != "=", afterP.first != "!" else {
                continue
            }
            let name = String(afterP[..<close])
            let compiled = "g\(names.count + 1)"
            names[name] = compiled
            rewritten += "<\(compiled)>"
            rest = afterP[afterP.index(after: close)...]
        }
        rewritten += rest
        groupNames = names
        do {
            expression = try NSRegularExpression(pattern: rewritten)
        } catch {
            throw TransformerConfigurationError(message: "Invalid regular expression '\(pattern)'")
        }
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

    func expand(_ match: NSTextCheckingResult, in text: NSString, groupNames: [String: String]) -> String {
        var result = ""
        for part in parts {
            let range: NSRange
            switch part {
            case .literal(let literal):
                result += literal
                continue
            case .group(let index):
                guard index < match.numberOfRanges else { continue }
                range = match.range(at: index)
            case .namedGroup(let name):
                guard let compiled = groupNames[name] else { continue }
                range = match.range(withName: compiled)
            }
            if range.location != NSNotFound { result += text.substring(with: range) }
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
            var exhausted = false
            var tooLarge = false
            event.modifyValue(at: entry.source) { value in
                guard case .string(let text) = value else { return }
                guard let matches = input.budget.matches(of: entry.from.expression, in: text) else {
                    exhausted = true
                    return
                }
                guard !matches.isEmpty else { return }
                let bridged = text as NSString
                var result = ""
                var position = 0
                for match in matches {
                    result += bridged.substring(
                        with: NSRange(location: position, length: match.range.location - position))
                    result += entry.to.expand(match, in: bridged, groupNames: entry.from.groupNames)
                    position = match.range.location + match.range.length
                    if result.utf8.count > TransformerLimits.maximumTransformedBytes {
                        tooLarge = true
                        return
                    }
                }
                result += bridged.substring(from: position)
                value = .string(result)
            }
            if exhausted {
                throw ProcessorFailure(
                    input.budget.isSpent
                        ? TransformBudget.spentReason : "the regular expression took too long on this event")
            }
            if tooLarge { throw ProcessorFailure("the substitution makes the value larger than 1 MB") }
        }
    }
}
