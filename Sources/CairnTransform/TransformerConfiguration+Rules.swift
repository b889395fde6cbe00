/// The transformer-level rules of the user guide ("Create a transformer" page), worded like the sentences
/// AWS CDK uses for the same rules, plus the per-member rules the model and the guide state in prose.
extension TransformerConfiguration {
    /// Processors the user guide calls parser-type (configurable and built in).
    static let parserNames: Set<String> = [
        "parseJSON", "grok", "csv", "parseKeyValue", "parseToOCSF", "parseWAF", "parsePostgres",
        "parseCloudfront", "parseRoute53", "parseVPC",
    ]
    /// The built-in parsers for AWS vended logs: must be first, at most one, source only `@message`.
    static let vendedParserNames: Set<String> = [
        "parseWAF", "parsePostgres", "parseCloudfront", "parseRoute53", "parseVPC",
    ]

    static func checkRules(_ processors: [Processor]) throws(TransformerConfigurationError) {
        var names: [String] = []
        for (index, processor) in processors.enumerated() {
            let members = processor.memberNames
            guard members.count == 1 else {
                let found = members.isEmpty ? "none" : members.joined(separator: ", ")
                throw TransformerConfigurationError(
                    message: "Each processor must set exactly one processor type; transformerConfig.\(index + 1) "
                        + "sets \(members.count) (\(found))")
            }
            names.append(members[0])
        }
        try checkOrdering(names)
        for (index, processor) in processors.enumerated() {
            try checkMembers(of: processor, named: names[index], at: "transformerConfig.\(index + 1).member")
        }
    }

    private static func fail(_ message: String) -> TransformerConfigurationError {
        TransformerConfigurationError(message: message)
    }

    private static func checkOrdering(_ names: [String]) throws(TransformerConfigurationError) {
        guard let first = names.first else { return }
        guard parserNames.contains(first) else { throw fail("First processor in a transformer must be a parser") }
        if names.filter({ parserNames.contains($0) }).count > TransformerLimits.maximumParsers {
            throw fail("A transformer cannot have more than \(TransformerLimits.maximumParsers) parser-type processors")
        }
        let vended = names.enumerated().filter { vendedParserNames.contains($0.element) }
        if vended.count > 1 { throw fail("Only one vended log parser is allowed in a transformer") }
        if let (index, _) = vended.first, index != 0 {
            throw fail("AWS vended log parser must be the first processor in a transformer")
        }
        let ocsf = names.enumerated().filter { $0.element == "parseToOCSF" }
        if ocsf.count > 1 { throw fail("Only one parseToOCSF processor is allowed in a transformer") }
        if let (index, _) = ocsf.first, index != 0 {
            throw fail("parseToOCSF processor must be the first processor in a transformer")
        }
        for single in ["grok", "addKeys", "copyValue"] where names.filter({ $0 == single }).count > 1 {
            throw fail("Only one \(single) processor is allowed in a transformer")
        }
    }

    private static func checkMembers(
        of processor: Processor, named name: String, at path: String
    ) throws(TransformerConfigurationError) {
        if let member = processor.parseJSON, path == "transformerConfig.1.member", let source = member.source,
            source != FieldPath.messageKey
        {
            throw fail("When parseJSON is the first processor, its source must be @message (found '\(source)')")
        }
        if vendedParserNames.contains(name), let source = processor.vendedParser?.source,
            source != FieldPath.messageKey
        {
            throw fail("The source of \(name) can only be @message (found '\(source)' at '\(path).\(name).source')")
        }
        if let member = processor.csv, let delimiter = member.delimiter, delimiter.count > 1,
            delimiter != #"\t"#, delimiter != #"\s"#
        {
            throw fail(
                "The csv delimiter must be a single character, \\t or \\s (found '\(delimiter)' at "
                    + "'\(path).csv.delimiter')")
        }
        if let member = processor.listToMap, member.flatten == true, member.flattenedElement == nil {
            throw fail("flattenedElement is required when flatten is true (at '\(path).listToMap')")
        }
        if let member = processor.parseToOCSF, member.ocsfVersion == "V1.1", member.mappingVersion != nil {
            throw fail("mappingVersion is not supported when ocsfVersion is V1.1 (at '\(path).parseToOCSF')")
        }
        for (key, keyPath) in processor.keyPaths(at: "\(path).\(name)") {
            let depth = key.split(separator: ".", omittingEmptySubsequences: false).count
            if depth > TransformerLimits.maximumKeyDepth {
                throw fail(
                    "The nested key depth of '\(key)' at '\(keyPath)' exceeds the maximum of "
                        + "\(TransformerLimits.maximumKeyDepth)")
            }
        }
    }
}

extension Processor {
    /// The member of a built-in vended-log parser, whichever it is.
    var vendedParser: VendedParser? {
        parseWAF ?? parsePostgres ?? parseCloudfront ?? parseRoute53 ?? parseVPC
    }

    /// Every member that names a field of the event, with its location for error messages.
    func keyPaths(at path: String) -> [(String, String)] {
        var keys: [(String?, String)] = []
        func entries<Entry>(_ list: [Entry]?, _ members: [(String, (Entry) -> String?)]) {
            for (index, entry) in (list ?? []).enumerated() {
                for (name, read) in members {
                    keys.append((read(entry), "\(path).entries.\(index + 1).member.\(name)"))
                }
            }
        }
        func strings(_ list: [String]?, _ name: String) {
            for (index, key) in (list ?? []).enumerated() { keys.append((key, "\(path).\(name).\(index + 1).member")) }
        }
        if let member = parseJSON {
            keys += [(member.source, "\(path).source"), (member.destination, "\(path).destination")]
        }
        if let member = grok { keys.append((member.source, "\(path).source")) }
        if let member = csv {
            keys += [(member.source, "\(path).source"), (member.destination, "\(path).destination")]
            strings(member.columns, "columns")
        }
        if let member = parseKeyValue {
            keys += [(member.source, "\(path).source"), (member.destination, "\(path).destination")]
        }
        if let member = addKeys { entries(member.entries, [("key", \.key)]) }
        if let member = deleteKeys { strings(member.withKeys, "withKeys") }
        if let list = moveKeys?.entries ?? copyValue?.entries {
            entries(list, [("source", \.source), ("target", \.target)])
        }
        if let member = renameKeys { entries(member.entries, [("key", \.key), ("renameTo", \.renameTo)]) }
        if let member = listToMap {
            keys += [(member.source, "\(path).source"), (member.target, "\(path).target")]
        }
        if let member = lowerCaseString ?? upperCaseString ?? trimString { strings(member.withKeys, "withKeys") }
        if let member = splitString { entries(member.entries, [("source", \.source)]) }
        if let member = substituteString { entries(member.entries, [("source", \.source)]) }
        if let member = typeConverter { entries(member.entries, [("key", \.key)]) }
        if let member = dateTimeConverter {
            keys += [(member.source, "\(path).source"), (member.target, "\(path).target")]
        }
        return keys.compactMap { key, location in key.map { ($0, location) } }
    }
}
