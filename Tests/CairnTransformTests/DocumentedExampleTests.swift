import Foundation
import Testing

@testable import CairnTransform

/// One entry of `transformer_examples.json` (the user guide's examples, copied from
/// /work/main/Tests/e2e/data).
struct DocumentedExample: Sendable, CustomTestStringConvertible {
    let processor: String
    let source: String
    let config: String
    let input: String
    let output: JSONValue?
    let modelValid: Bool

    var testDescription: String { "\(processor) — \(source.split(separator: "#").last ?? "")" }

    /// All examples in the file.
    static let all: [DocumentedExample] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/data/transformer_examples.json")
        guard let data = try? Data(contentsOf: url),
            case .array(let entries)? = try? JSONParser.parse(bytes: [UInt8](data))
        else { return [] }
        return entries.compactMap { entry -> DocumentedExample? in
            guard let object = entry.objectValue, let processor = object["processor"]?.stringValue,
                let config = object["transformerConfig"], let input = object["input"]?.stringValue
            else { return nil }
            let output = object["output"].flatMap { $0 == .null ? nil : $0 }
            return DocumentedExample(
                processor: processor, source: object["source"]?.stringValue ?? "",
                config: JSONSerializer.string(config),
                input: input, output: output, modelValid: object["modelValid"] != .bool(false))
        }
    }()

    /// Processors tested elsewhere: grok and the four flat vended parsers belong to the grok package.
    static let testedElsewhere: Set<String> = ["grok", "parseVPC", "parseRoute53", "parseCloudfront", "parsePostgres"]

    /// Examples whose printed output is wrong or whose config the API rejects; each has its own test below.
    static let docSlips: Set<String> = [
        "renameKeys",  // the page writes `target`; the model's member is `renameTo`
        "copyValue",  // copies outer_key.new_key, which does not exist, yet shows a value
        "dateTimeConverter",  // 11:00 Berlin is 05:00 in New York, not "17:00 MEZ"
    ]

    static let literal = all.filter { !testedElsewhere.contains($0.processor) && !docSlips.contains($0.processor) }
}

@Suite("The user guide's examples")
struct DocumentedExampleTests {
    @Test func theExamplesFileIsLoaded() {
        #expect(DocumentedExample.all.count == 114)
        #expect(DocumentedExample.literal.count == 19)
    }

    @Test(arguments: DocumentedExample.literal)
    func producesTheDocumentedOutput(_ example: DocumentedExample) throws {
        let outcome = try run(example.config, example.input)
        #expect(!outcome.failed, "\(outcome.json)")
        let expected = try #require(example.output)
        #expect(unorderedEqual(try parsed(outcome), expected), "got \(outcome.json)")
    }

    @Test func parseWAFPutsHeadersAndLabelsFirst() throws {
        let example = try #require(DocumentedExample.literal.first { $0.processor == "parseWAF" })
        let outcome = try run(example.config, example.input)
        let keys = try #require(try parsed(outcome).objectValue?.keys)
        #expect(Array(keys.prefix(3)) == ["httpRequest", "labels", "timestamp"])
        #expect(outcome.json.contains(#""headers":{"Host":"localhost:1989","User-Agent":"curl/7.61.1""#))
    }

    @Test func moveKeysAppendsTheMovedKey() throws {
        let example = try #require(DocumentedExample.literal.first { $0.processor == "moveKeys" })
        let outcome = try run(example.config, example.input)
        #expect(
            outcome.json
                == #"{"outer_key1":{},"outer_key2":{"inner_key2":"inner_value2","inner_key1":"inner_value1"}}"#)
    }

    @Test func renameKeysWithTheGuidesTargetMemberIsNotAValidConfig() throws {
        let example = try #require(DocumentedExample.all.first { $0.processor == "renameKeys" })
        #expect(!example.modelValid)
        // The decoder ignores the unknown `target`; validation then reports the missing `renameTo`.
        let message = try #require(try rejection(example.config))
        #expect(message.contains("'transformerConfig.2.member.renameKeys.entries.1.member.renameTo'"))
        #expect(message.contains("Member must not be null"))

        let corrected = example.config.replacingOccurrences(of: #""target""#, with: #""renameTo""#)
        let outcome = try run(corrected, example.input)
        #expect(unorderedEqual(try parsed(outcome), try #require(example.output)))
    }

    @Test func copyValueWithTheIntendedSourceAndMetadata() throws {
        let example = try #require(DocumentedExample.all.first { $0.processor == "copyValue" })
        // The page copies `outer_key.new_key`, which does not exist; `outer_key.inner_key` is meant.
        let corrected = example.config.replacingOccurrences(of: "outer_key.new_key", with: "outer_key.inner_key")
        let outcome = try run(corrected, example.input)
        #expect(unorderedEqual(try parsed(outcome), try #require(example.output)), "got \(outcome.json)")

        // As printed, the missing source is skipped and the metadata is still copied.
        let asPrinted = try run(example.config, example.input)
        #expect(!asPrinted.failed)
        #expect(!asPrinted.json.contains(#""new_key""#))
        #expect(asPrinted.json.contains(#""region_name":"us-east-1""#))
    }

    @Test func dateTimeConverterConvertsBerlinTimeToNewYork() throws {
        let example = try #require(DocumentedExample.all.first { $0.processor == "dateTimeConverter" })
        // The page prints "1998-12-05T17:00:00 MEZ"; 11:00 CET is 05:00 EST.
        let outcome = try run(example.config, example.input)
        let target = try #require(try parsed(outcome).objectValue?["target_1"]?.stringValue)
        #expect(target.hasPrefix("1998-12-05T05:00:00 "))
        #expect(outcome.json.hasPrefix(#"{"german_datetime":"Samstag 05. Dezember 1998 11:00:00","target_1":"#))
    }
}
