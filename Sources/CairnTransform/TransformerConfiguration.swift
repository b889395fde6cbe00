/// A validated `transformerConfig`.
public struct TransformerConfiguration: Sendable, Equatable {
    public let processors: [Processor]

    /// Validates the member constraints of the API model (required members, lengths, list sizes, enums,
    /// patterns; reported together in AWS's Coral wording), then the transformer rules of the user guide
    /// (exactly one member per processor, parser first, at most five parsers, vended parser first and
    /// single, one grok/addKeys/copyValue, nested key depth, …), then compiles every processor so that bad
    /// regular expressions, date patterns, time zones and grok expressions are rejected here too.
    public init(_ processors: [Processor]) throws(TransformerConfigurationError) {
        var checker = ConstraintChecker()
        checker.checkCount(
            processors.count, rendered: "[...]", at: "transformerConfig",
            min: TransformerLimits.processors.lowerBound, max: TransformerLimits.processors.upperBound)
        for (index, processor) in processors.enumerated() {
            Self.checkConstraints(of: processor, at: "transformerConfig.\(index + 1).member", with: &checker)
        }
        if let error = checker.error { throw error }
        try Self.checkRules(processors)
        _ = try ProcessorCompiler.compile(processors)
        self.processors = processors
    }

    /// The configuration as GetTransformer returns it: a JSON array of the processors, members in model
    /// order, with the documented boolean defaults (`overwriteIfExists`, `flatten`: false) filled in.
    public func storedJSON() -> [UInt8] {
        JSONSerializer.bytes(.array(processors.map(\.storedValue)))
    }
}

/// The limits AWS documents for transformers, one constant per documented value.
enum TransformerLimits {
    /// "You can have as many as 20 processors in a transformer." (model: Processors 1–20)
    static let processors = 1...20
    /// "You can include as many as five parser-type processors."
    static let maximumParsers = 5
    /// Doc tables: "Maximum nested key depth: 3".
    static let maximumKeyDepth = 3
    /// "Each transformer can extract up to 200 fields from a log event."
    static let maximumFields = 200
    /// "Each log event MUST be below 512KB."
    static let maximumEventBytes = 512 * 1024
    /// What a transformed event (and any value a processor makes) may weigh: AWS limits only the input, Cairn
    /// also the output, so that a multiplying transformer cannot exhaust memory.
    static let maximumTransformedBytes = 1024 * 1024
    /// Model `Source`, `Target`, `Key`, … : 1–128 characters.
    static let maximumKeyLength = 128
    /// Model `AddKeyValue`: 1–256.
    static let maximumAddKeyValueLength = 256
    /// Model `GrokMatch`: 1–512.
    static let maximumGrokMatchLength = 512
    /// Model `TargetFormat`: 1–64.
    static let maximumTargetFormatLength = 64
    /// Model `MappingVersion`: 1–10.
    static let maximumMappingVersionLength = 10
    /// Model: addKeys, deleteKeys, moveKeys, renameKeys, copyValue and typeConverter take 1–5 entries
    /// (the user guide says 10 for typeConverter; the model wins).
    static let smallEntryCount = 1...5
    /// Model: splitString, substituteString, lowerCaseString, upperCaseString, trimString take 1–10.
    static let largeEntryCount = 1...10
    /// Model `Columns`: at most 100.
    static let csvColumns = 0...100
    /// Model `MatchPatterns`: 1–5.
    static let matchPatterns = 1...5
    /// User guide (substituteString): "Maximum number of backreferences: 10".
    static let maximumBackreferences = 10
    /// User guide (substituteString): "Maximum number of duplicate backreferences: 2".
    static let maximumDuplicateBackreferences = 2
}
