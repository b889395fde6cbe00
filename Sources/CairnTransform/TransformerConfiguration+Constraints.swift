/// The member constraints of the API model's processor shapes.
extension TransformerConfiguration {
    private static let keyLength = 1...TransformerLimits.maximumKeyLength

    static func checkConstraints(of processor: Processor, at path: String, with checker: inout ConstraintChecker) {
        let maxKey = TransformerLimits.maximumKeyLength
        if let member = processor.parseJSON {
            checker.checkLength(member.source, at: "\(path).parseJSON.source", max: maxKey)
            checker.checkLength(member.destination, at: "\(path).parseJSON.destination", max: maxKey)
        }
        if let member = processor.grok {
            checker.checkLength(member.source, at: "\(path).grok.source", max: maxKey)
            if checker.require(member.match, at: "\(path).grok.match") {
                checker.checkLength(
                    member.match, at: "\(path).grok.match", max: TransformerLimits.maximumGrokMatchLength)
            }
        }
        if let member = processor.csv {
            checker.checkLength(member.quoteCharacter, at: "\(path).csv.quoteCharacter", max: 1)
            checker.checkLength(member.delimiter, at: "\(path).csv.delimiter", max: 2)
            checker.checkStrings(
                member.columns, at: "\(path).csv.columns", count: TransformerLimits.csvColumns, length: keyLength)
            checker.checkLength(member.source, at: "\(path).csv.source", max: maxKey)
            checker.checkLength(member.destination, at: "\(path).csv.destination", max: maxKey)
        }
        if let member = processor.parseKeyValue {
            let fields: [(String, String?)] = [
                ("source", member.source), ("destination", member.destination),
                ("fieldDelimiter", member.fieldDelimiter), ("keyValueDelimiter", member.keyValueDelimiter),
                ("keyPrefix", member.keyPrefix), ("nonMatchValue", member.nonMatchValue),
            ]
            for (name, value) in fields {
                checker.checkLength(value, at: "\(path).parseKeyValue.\(name)", max: maxKey)
            }
        }
        if let member = processor.parseToOCSF {
            checkParseToOCSF(member, at: "\(path).parseToOCSF", with: &checker)
        }
        let vended: [(String, Processor.VendedParser?)] = [
            ("parseCloudfront", processor.parseCloudfront), ("parseRoute53", processor.parseRoute53),
            ("parsePostgres", processor.parsePostgres), ("parseVPC", processor.parseVPC),
            ("parseWAF", processor.parseWAF),
        ]
        for case (let name, let member?) in vended {
            checker.checkLength(member.source, at: "\(path).\(name).source", max: maxKey)
        }
        checkJSONMutators(of: processor, at: path, with: &checker)
        checkStringMutators(of: processor, at: path, with: &checker)
        checkDatatypeConverters(of: processor, at: path, with: &checker)
    }

    private static func checkParseToOCSF(
        _ member: Processor.ParseToOCSF, at path: String, with checker: inout ConstraintChecker
    ) {
        checker.checkLength(member.source, at: "\(path).source", max: TransformerLimits.maximumKeyLength)
        if checker.require(member.eventSource, at: "\(path).eventSource") {
            checker.checkEnum(
                member.eventSource, at: "\(path).eventSource",
                allowed: ["CloudTrail", "Route53Resolver", "VPCFlow", "EKSAudit", "AWSWAF"])
        }
        if checker.require(member.ocsfVersion, at: "\(path).ocsfVersion") {
            checker.checkEnum(member.ocsfVersion, at: "\(path).ocsfVersion", allowed: ["V1.1", "V1.5"])
        }
        checker.checkLength(
            member.mappingVersion, at: "\(path).mappingVersion", max: TransformerLimits.maximumMappingVersionLength)
        checker.checkPattern(
            member.mappingVersion, at: "\(path).mappingVersion", pattern: #"^\d+\.\d+(\.\d+)?$"#,
            matches: isMappingVersion)
    }

    /// `^\d+\.\d+(\.\d+)?$` without a regex engine.
    private static func isMappingVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// Checks an `entries` list's presence and size; returns the entries with their paths.
    private static func checkEntries<Entry: StoredJSONRepresentable>(
        _ entries: [Entry]?, at path: String, count: ClosedRange<Int>, with checker: inout ConstraintChecker
    ) -> [(Entry, String)] {
        guard checker.require(entries, at: path), let entries else { return [] }
        checker.checkCount(
            entries.count, rendered: JSONSerializer.string(.array(entries.map(\.storedValue))), at: path,
            min: count.lowerBound, max: count.upperBound)
        return entries.enumerated().map { ($1, "\(path).\($0 + 1).member") }
    }

    /// Checks a required string member of an entry.
    private static func checkRequired(
        _ value: String?, at path: String, max: Int = TransformerLimits.maximumKeyLength,
        with checker: inout ConstraintChecker
    ) {
        if checker.require(value, at: path) { checker.checkLength(value, at: path, max: max) }
    }

    private static func checkJSONMutators(
        of processor: Processor, at path: String, with checker: inout ConstraintChecker
    ) {
        let count = TransformerLimits.smallEntryCount
        if let member = processor.addKeys {
            for (entry, at) in checkEntries(member.entries, at: "\(path).addKeys.entries", count: count, with: &checker)
            {
                checkRequired(entry.key, at: "\(at).key", with: &checker)
                checkRequired(
                    entry.value, at: "\(at).value", max: TransformerLimits.maximumAddKeyValueLength, with: &checker)
            }
        }
        if let member = processor.deleteKeys {
            if checker.require(member.withKeys, at: "\(path).deleteKeys.withKeys") {
                checker.checkStrings(member.withKeys, at: "\(path).deleteKeys.withKeys", count: count, length: nil)
            }
        }
        let pairs: [(String, [Processor.SourceTargetEntry]??)] = [
            ("moveKeys", processor.moveKeys.map(\.entries)), ("copyValue", processor.copyValue.map(\.entries)),
        ]
        for case (let name, let entries?) in pairs {
            for (entry, at) in checkEntries(entries, at: "\(path).\(name).entries", count: count, with: &checker) {
                checkRequired(entry.source, at: "\(at).source", with: &checker)
                checkRequired(entry.target, at: "\(at).target", with: &checker)
            }
        }
        if let member = processor.renameKeys {
            let path = "\(path).renameKeys.entries"
            for (entry, at) in checkEntries(member.entries, at: path, count: count, with: &checker) {
                checkRequired(entry.key, at: "\(at).key", with: &checker)
                checkRequired(entry.renameTo, at: "\(at).renameTo", with: &checker)
            }
        }
        if let member = processor.listToMap {
            let path = "\(path).listToMap"
            checkRequired(member.source, at: "\(path).source", with: &checker)
            checkRequired(member.key, at: "\(path).key", with: &checker)
            checker.checkLength(member.valueKey, at: "\(path).valueKey", max: TransformerLimits.maximumKeyLength)
            checker.checkLength(member.target, at: "\(path).target", max: TransformerLimits.maximumKeyLength)
            checker.checkEnum(member.flattenedElement, at: "\(path).flattenedElement", allowed: ["first", "last"])
        }
    }

    private static func checkStringMutators(
        of processor: Processor, at path: String, with checker: inout ConstraintChecker
    ) {
        let count = TransformerLimits.largeEntryCount
        let withKeys: [(String, Processor.WithKeys?)] = [
            ("lowerCaseString", processor.lowerCaseString), ("upperCaseString", processor.upperCaseString),
            ("trimString", processor.trimString),
        ]
        for case (let name, let member?) in withKeys {
            if checker.require(member.withKeys, at: "\(path).\(name).withKeys") {
                checker.checkStrings(member.withKeys, at: "\(path).\(name).withKeys", count: count, length: nil)
            }
        }
        if let member = processor.splitString {
            let path = "\(path).splitString.entries"
            for (entry, at) in checkEntries(member.entries, at: path, count: count, with: &checker) {
                checkRequired(entry.source, at: "\(at).source", with: &checker)
                checkRequired(entry.delimiter, at: "\(at).delimiter", with: &checker)
            }
        }
        if let member = processor.substituteString {
            let path = "\(path).substituteString.entries"
            for (entry, at) in checkEntries(member.entries, at: path, count: count, with: &checker) {
                checkRequired(entry.source, at: "\(at).source", with: &checker)
                checkRequired(entry.from, at: "\(at).from", with: &checker)
                checkRequired(entry.to, at: "\(at).to", with: &checker)
            }
        }
    }

    private static func checkDatatypeConverters(
        of processor: Processor, at path: String, with checker: inout ConstraintChecker
    ) {
        if let member = processor.typeConverter {
            let path = "\(path).typeConverter.entries"
            let count = TransformerLimits.smallEntryCount
            for (entry, at) in checkEntries(member.entries, at: path, count: count, with: &checker) {
                checkRequired(entry.key, at: "\(at).key", with: &checker)
                if checker.require(entry.type, at: "\(at).type") {
                    checker.checkEnum(
                        entry.type, at: "\(at).type", allowed: ["boolean", "integer", "double", "string"])
                }
            }
        }
        if let member = processor.dateTimeConverter {
            let path = "\(path).dateTimeConverter"
            checkRequired(member.source, at: "\(path).source", with: &checker)
            checkRequired(member.target, at: "\(path).target", with: &checker)
            checker.checkLength(
                member.targetFormat, at: "\(path).targetFormat", max: TransformerLimits.maximumTargetFormatLength)
            if checker.require(member.matchPatterns, at: "\(path).matchPatterns") {
                checker.checkStrings(
                    member.matchPatterns, at: "\(path).matchPatterns", count: TransformerLimits.matchPatterns,
                    length: nil)
            }
            checker.checkLength(member.sourceTimezone, at: "\(path).sourceTimezone")
            checker.checkLength(member.targetTimezone, at: "\(path).targetTimezone")
            checker.checkLength(member.locale, at: "\(path).locale")
        }
    }
}
