/// csv: splits the source on a one-character delimiter (`\t` = tab, `\s` = space), honouring a quote
/// character (quotes removed, a doubled quote inside quotes is a literal quote). Values stay strings,
/// named by `columns` or `column_<n>`; values beyond the named columns get `column_<n>` names.
struct CSVStep: EventStep {
    let source: FieldPath
    let destination: FieldPath?
    let delimiter: Character
    let quote: Character
    let columns: [String]

    init(_ member: Processor.CSV) {
        source = FieldPath(member.source ?? FieldPath.messageKey)
        destination = member.destination.fieldPath
        switch member.delimiter {
        case #"\t"#: delimiter = "\t"
        case #"\s"#: delimiter = " "
        case let text?: delimiter = text.first ?? ","
        case nil: delimiter = ","
        }
        quote = member.quoteCharacter?.first ?? "\""
        columns = member.columns ?? []
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let text = try sourceText(source, in: event, input: input)
        var fields = JSONObject()
        let values = split(text)
        // Past AWS's 200 fields the event fails here, before keys are compared with each other.
        guard values.count <= TransformerLimits.maximumFields else { throw .tooManyFields }
        for (index, value) in values.enumerated() {
            let name = index < columns.count ? columns[index] : "column_\(index + 1)"
            fields[name] = .string(value)
        }
        guard event.merge(fields, under: destination, overwrite: true) else {
            throw ProcessorFailure("destination '\(destination?.description ?? "")' is not an object")
        }
    }

    func split(_ text: String) -> [String] {
        var values: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        var pending = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if inQuotes {
                if character == quote {
                    if pending == quote {
                        current.append(quote)
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == quote {
                inQuotes = true
            } else if character == delimiter {
                values.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        values.append(current)
        return values
    }
}

/// parseKeyValue: splits the source on `fieldDelimiter`, each pair on the first `keyValueDelimiter`. A
/// pair without the delimiter gets `nonMatchValue`, or is dropped when that is not set; empty pairs are
/// skipped. `keyPrefix` is put in front of every key; keys are literal names, not paths.
struct ParseKeyValueStep: EventStep {
    let source: FieldPath
    let destination: FieldPath?
    let fieldDelimiter: String
    let keyValueDelimiter: String
    let keyPrefix: String
    let nonMatchValue: String?
    let overwrite: Bool

    init(_ member: Processor.ParseKeyValue) {
        source = FieldPath(member.source ?? FieldPath.messageKey)
        destination = member.destination.fieldPath
        fieldDelimiter = member.fieldDelimiter ?? "&"
        keyValueDelimiter = member.keyValueDelimiter ?? "="
        keyPrefix = member.keyPrefix ?? ""
        nonMatchValue = member.nonMatchValue
        overwrite = member.overwriteIfExists ?? false
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let text = try sourceText(source, in: event, input: input)
        var fields = JSONObject()
        for pair in text.split(separator: fieldDelimiter) where !pair.isEmpty {
            guard fields.count < TransformerLimits.maximumFields else { throw .tooManyFields }
            if let range = pair.firstRange(of: keyValueDelimiter) {
                let key = keyPrefix + pair[..<range.lowerBound]
                fields[key] = .string(String(pair[range.upperBound...]))
            } else if let nonMatchValue {
                fields[keyPrefix + pair] = .string(nonMatchValue)
            }
        }
        guard event.merge(fields, under: destination, overwrite: overwrite) else {
            throw ProcessorFailure("destination '\(destination?.description ?? "")' is not an object")
        }
    }
}
