import Foundation

/// Turns grok tokens into one regular expression (ICU syntax) and the description of its capturing groups.
///
/// Only `%{NAME:field}` references capture; every group of a pattern definition is made non-capturing, so
/// group *n* of the compiled expression is `captures[n - 1]`.
struct GrokRegexCompiler {
    private(set) var source = ""
    private(set) var captures: [GrokCapture] = []
    /// For each capture, where the common-log pattern wants it in the output (nil: in order of the line).
    private(set) var outputRanks: [Int?] = []
    private var commonLogPattern: String?

    /// Appends a token of the user's `match` string.
    mutating func append(_ token: GrokToken) {
        switch token {
        case .literal(let text):
            source += Self.escapedLiteral(text)
        case .pattern(let name, let field):
            appendPattern(name, field: field, conversion: nil)
        }
    }

    /// The capture order the output follows: the common-log pattern's documented field order, then the line's.
    var outputOrder: [Int] {
        captures.indices.sorted { left, right in
            let leftKey = outputRanks[left] ?? captures.count + left
            let rightKey = outputRanks[right] ?? captures.count + right
            return (leftKey, left) < (rightKey, right)
        }
    }

    private mutating func appendPattern(_ name: String, field: String?, conversion: GrokCapture.Conversion?) {
        let enclosingCommonLogPattern = commonLogPattern
        if GrokRules.commonLogPatterns.contains(name) { commonLogPattern = name }
        defer { commonLogPattern = enclosingCommonLogPattern }
        if let field {
            source += "("
            captures.append(
                GrokCapture(
                    path: field,
                    conversion: conversion ?? (name == "QUOTEDSTRING" ? .unquoted : .text),
                    omitsPlaceholders: commonLogPattern != nil))
            outputRanks.append(commonLogPattern.flatMap { GrokCommonLogFormat.outputRank(of: field, in: $0) })
        }
        source += "(?:"
        appendDefinition(Self.withoutCapturingGroups(GrokPatternLibrary.definitions[name] ?? ""))
        source += ")"
        if field != nil { source += ")" }
    }

    /// Copies a definition, expanding its `%{NAME}`, `%{NAME:field}` and `%{NAME:field:type}` references.
    private mutating func appendDefinition(_ definition: String) {
        var rest = Substring(definition)
        while let open = rest.range(of: "%{"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            source += rest[..<open.lowerBound]
            let parts = rest[open.upperBound..<close].split(separator: ":").map(String.init)
            let conversion: GrokCapture.Conversion? =
                switch parts.count > 2 ? parts[2] : "" {
                case "int": .integer
                case "httpdate": .httpTimestamp
                default: nil
                }
            appendPattern(parts[0], field: parts.count > 1 ? parts[1] : nil, conversion: conversion)
            rest = rest[rest.index(after: close)...]
        }
        source += rest
    }

    /// `(x)` → `(?:x)`, leaving escapes, character classes and `(?…)` groups alone.
    static func withoutCapturingGroups(_ definition: String) -> String {
        var result = ""
        result.reserveCapacity(definition.utf8.count)
        var isEscaped = false
        var isInClass = false
        var characters = definition.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            result.append(character)
            if isEscaped {
                isEscaped = false
            } else if character == "\\" {
                isEscaped = true
            } else if isInClass {
                isInClass = character != "]"
            } else if character == "[" {
                isInClass = true
            } else if character == "(", pending != "?" {
                result += "?:"
            }
        }
        return result
    }

    /// Literal text of a `match` string, matched as written. A backslash before punctuation is dropped, so the
    /// regex-style `\[` and AWS's plain `[` (Redis example) both match `[`; before a letter, digit or white space
    /// (and at the end) it stays a backslash.
    static func literalText(_ text: String) -> String {
        var result = ""
        var characters = text.makeIterator()
        while let character = characters.next() {
            guard character == "\\" else {
                result.append(character)
                continue
            }
            guard let next = characters.next() else {
                result.append("\\")
                break
            }
            if next.isLetter || next.isNumber || next.isWhitespace { result.append("\\") }
            result.append(next)
        }
        return result
    }

    /// The literal text as ICU source: ASCII punctuation and symbols escaped.
    static func escapedLiteral(_ text: String) -> String {
        var result = ""
        for character in literalText(text) {
            if character.isASCII, character.isPunctuation || character.isSymbol { result += "\\" }
            result.append(character)
        }
        return result
    }
}
