import CairnTransform
import Foundation
import Testing

/// A JSON value of the examples file.
enum GrokExampleJSON: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([GrokExampleJSON])
    case object([String: GrokExampleJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([GrokExampleJSON].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: GrokExampleJSON].self))
        }
    }

    subscript(key: String) -> GrokExampleJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Leaves keyed by dotted path (`{"client":{"ip":"x"}}` → `client.ip`), the form grok field paths take.
    func flattened(prefix: String = "") -> [String: GrokExampleJSON] {
        guard case .object(let members) = self else { return [prefix: self] }
        var leaves: [String: GrokExampleJSON] = [:]
        for (key, value) in members {
            leaves.merge(value.flattened(prefix: prefix.isEmpty ? key : prefix + "." + key)) { $1 }
        }
        return leaves
    }
}

/// One entry of `transformer_examples.json` (AWS's documented examples, see /work/notes/transformer-facts.md §10).
struct GrokDocumentedExample: Decodable, Sendable, CustomTestStringConvertible {
    var index = 0
    let processor: String
    let transformerConfig: [GrokExampleJSON]
    let input: String
    let output: GrokExampleJSON?
    let note: String?

    private enum CodingKeys: String, CodingKey {
        case processor, transformerConfig, input, output, note
    }

    var testDescription: String { "#\(index) \(processor) \(grokMatch ?? "")" }

    static func all() throws -> [GrokDocumentedExample] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/data/transformer_examples.json")
        var examples = try JSONDecoder().decode([GrokDocumentedExample].self, from: Data(contentsOf: url))
        for index in examples.indices { examples[index].index = index }
        return examples
    }

    static func all(of processor: String) throws -> [GrokDocumentedExample] {
        try all().filter { $0.processor == processor }
    }

    private var grokConfig: GrokExampleJSON? { transformerConfig.lazy.compactMap { $0["grok"] }.first }
    var grokMatch: String? { grokConfig?["match"]?.string }

    /// The text grok reads: the message, or the field of the parsed JSON message that `source` names.
    var grokInput: String? {
        guard let source = grokConfig?["source"]?.string, source != "@message" else { return input }
        return inputJSON?[source]?.string
    }

    var inputJSON: GrokExampleJSON? { try? JSONDecoder().decode(GrokExampleJSON.self, from: Data(input.utf8)) }

    /// The output fields the grok processor itself made: the output less parseJSON's and addKeys' keys.
    var grokOutput: [String: GrokExampleJSON]? {
        guard let output, output != .null else { return nil }
        var leaves = output.flattened()
        if transformerConfig.contains(where: { $0["parseJSON"] != nil }), let parsed = inputJSON {
            for key in parsed.flattened().keys { leaves[key] = nil }
        }
        for processor in transformerConfig {
            guard case .array(let entries)? = processor["addKeys"]?["entries"] else { continue }
            for entry in entries { leaves[entry["key"]?.string ?? ""] = nil }
        }
        return leaves
    }
}

/// Extracted fields keyed by path, as the expected output is; fails on a path produced twice.
func grokFieldsByPath(_ fields: [GrokField]) -> [String: GrokExampleJSON] {
    var byPath: [String: GrokExampleJSON] = [:]
    for field in fields {
        #expect(byPath[field.path] == nil, "field \(field.path) produced twice")
        switch field.value {
        case .string(let value): byPath[field.path] = .string(value)
        case .integer(let value): byPath[field.path] = .number(Double(value))
        case .double(let value): byPath[field.path] = .number(value)
        }
    }
    return byPath
}

@Suite("AWS's documented grok examples")
struct GrokExampleTests {
    @Test("the examples file holds the 88 grok examples")
    func exampleCount() throws {
        #expect(try GrokDocumentedExample.all(of: "grok").count == 88)
    }

    @Test(
        "each documented grok example extracts the documented fields",
        arguments: try GrokDocumentedExample.all(of: "grok"))
    func documentedExample(_ example: GrokDocumentedExample) throws {
        let match = try #require(example.grokMatch)
        let text = try #require(example.grokInput)
        let fields = try #require(try GrokPattern(match).match(text), "no match for \(text)")
        let actual = grokFieldsByPath(fields)
        guard var expected = example.grokOutput else {
            // The Redis slow-log example prints only the pattern and a line, no output: GrokPatternTests checks it.
            #expect(example.output == nil)
            return
        }
        if match == "%{URI:uri}" {
            // Self-contradictory doc row: the pattern names the field `uri`, the printed output calls it `path`.
            expected = ["uri": try #require(expected["path"])]
        }
        #expect(actual == expected)
    }
}
