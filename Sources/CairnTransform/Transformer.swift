/// A compiled transformer: paths, regular expressions, date formats and grok patterns are built once,
/// then `transform` runs for every ingested event.
public struct Transformer: Sendable {
    private let steps: [CompiledProcessor]

    public init(_ configuration: TransformerConfiguration) throws(TransformerConfigurationError) {
        steps = try ProcessorCompiler.compile(configuration.processors)
    }

    /// Runs the processors in order over one event's message, starting from an empty event. The first
    /// processor that fails stops the run; the outcome is then only `@transformationError`, naming the
    /// processor (1-based position and name) and the reason.
    /// `budget` is shared by the events of one request (see `TransformBudget`).
    public func transform(
        _ message: String, context: TransformContext, budget: TransformBudget = TransformBudget()
    ) -> TransformOutcome {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.utf8.count + 64)
        let failed = transform(message, context: context, budget: budget, appendingTo: &bytes)
        return TransformOutcome(bytes: bytes, failed: failed)
    }

    /// As `transform(_:context:budget:)`, writing the outcome's JSON at the end of `output` (a batch's buffer of
    /// transformed versions) instead of into an array of its own. Returns whether the transformer failed.
    public func transform(
        _ message: String, context: TransformContext, budget: TransformBudget, appendingTo output: inout [UInt8]
    ) -> Bool {
        let start = output.count
        let event: JSONObject
        do {
            event = try run(message, context: context, budget: budget)
        } catch {
            output += TransformOutcome.failure(error.reason).bytes
            return true
        }
        JSONSerializer.write(.object(event), to: &output)
        guard output.count - start <= TransformerLimits.maximumTransformedBytes else {
            output.removeSubrange(start...)
            output += TransformOutcome.failure("The transformed event is larger than 1 MB").bytes
            return true
        }
        return false
    }

    /// The transformed event; throws why the transformation failed.
    private func run(
        _ message: String, context: TransformContext, budget: TransformBudget
    ) throws(ProcessorFailure) -> JSONObject {
        guard message.utf8.count < TransformerLimits.maximumEventBytes else {
            throw ProcessorFailure("The log event is not smaller than the 512 KB transformation limit")
        }
        let input = EventInput(message: message, context: context, budget: budget)
        var event = JSONObject()
        for step in steps {
            do {
                try step.step.apply(to: &event, input: input)
            } catch {
                throw ProcessorFailure("Processor \(step.position) (\(step.name)) failed: \(error.reason)")
            }
        }
        guard event.fieldCount <= TransformerLimits.maximumFields else {
            throw ProcessorFailure("The transformed event has more than \(TransformerLimits.maximumFields) fields")
        }
        return event
    }
}

/// One processor ready to run, with what a failure message names. A class: the per-event loop over the steps
/// then retains one reference per step instead of copying an existential and a string.
final class CompiledProcessor: Sendable {
    let position: Int
    let name: String
    let step: any EventStep

    init(position: Int, name: String, step: any EventStep) {
        self.position = position
        self.name = name
        self.step = step
    }
}

/// Builds the ``EventStep`` for each processor.
enum ProcessorCompiler {
    static func compile(_ processors: [Processor]) throws(TransformerConfigurationError) -> [CompiledProcessor] {
        var compiled: [CompiledProcessor] = []
        for (index, processor) in processors.enumerated() {
            let (name, step) = try compile(processor)
            compiled.append(CompiledProcessor(position: index + 1, name: name, step: step))
        }
        return compiled
    }

    private static func compile(_ processor: Processor) throws(TransformerConfigurationError) -> (String, any EventStep)
    {
        if let member = processor.parseJSON { return ("parseJSON", ParseJSONStep(member)) }
        if let member = processor.grok { return ("grok", try GrokStep(member)) }
        if let member = processor.csv { return ("csv", CSVStep(member)) }
        if let member = processor.parseKeyValue { return ("parseKeyValue", ParseKeyValueStep(member)) }
        if processor.parseToOCSF != nil { return ("parseToOCSF", ParseToOCSFStep()) }
        if processor.parseWAF != nil { return ("parseWAF", ParseWAFStep()) }
        if processor.parseCloudfront != nil {
            return ("parseCloudfront", VendedLogStep(format: .cloudfront, name: "CloudFront"))
        }
        if processor.parseVPC != nil { return ("parseVPC", VendedLogStep(format: .vpc, name: "VPC flow")) }
        if processor.parseRoute53 != nil { return ("parseRoute53", VendedLogStep(format: .route53, name: "Route 53")) }
        if processor.parsePostgres != nil {
            return ("parsePostgres", VendedLogStep(format: .postgres, name: "RDS PostgreSQL"))
        }
        if let member = processor.addKeys { return ("addKeys", AddKeysStep(member)) }
        if let member = processor.deleteKeys { return ("deleteKeys", DeleteKeysStep(member)) }
        if let member = processor.moveKeys { return ("moveKeys", MoveKeysStep(member)) }
        if let member = processor.renameKeys { return ("renameKeys", RenameKeysStep(member)) }
        if let member = processor.copyValue { return ("copyValue", CopyValueStep(member)) }
        if let member = processor.listToMap { return ("listToMap", ListToMapStep(member)) }
        if let member = processor.lowerCaseString { return ("lowerCaseString", StringRewriteStep(member, .lowercase)) }
        if let member = processor.upperCaseString { return ("upperCaseString", StringRewriteStep(member, .uppercase)) }
        if let member = processor.trimString { return ("trimString", StringRewriteStep(member, .trim)) }
        if let member = processor.splitString { return ("splitString", SplitStringStep(member)) }
        if let member = processor.substituteString { return ("substituteString", try SubstituteStringStep(member)) }
        if let member = processor.typeConverter { return ("typeConverter", TypeConverterStep(member)) }
        if let member = processor.dateTimeConverter { return ("dateTimeConverter", try DateTimeConverterStep(member)) }
        throw TransformerConfigurationError(message: "Each processor must set exactly one processor type")
    }
}
