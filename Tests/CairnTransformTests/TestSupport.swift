import Foundation
import Testing

@testable import CairnTransform

/// The context the user guide's copyValue example shows.
let documentedContext = TransformContext(
    logGroupName: "myLogGroupName", logStreamName: "myLogStreamName", accountID: "012345678912",
    region: "us-east-1")

/// Decodes a `transformerConfig` JSON array the way the API layer does.
func processors(_ json: String) throws -> [Processor] {
    try JSONDecoder().decode([Processor].self, from: Data(json.utf8))
}

/// Validates, compiles and runs a configuration over one message.
func run(
    _ configJSON: String, _ message: String, context: TransformContext = documentedContext
) throws
    -> TransformOutcome
{
    let configuration = try TransformerConfiguration(try processors(configJSON))
    return try Transformer(configuration).transform(message, context: context)
}

/// The validation message for a configuration that must be rejected (nil when it is accepted).
func rejection(_ configJSON: String) throws -> String? {
    let list = try processors(configJSON)
    do {
        _ = try TransformerConfiguration(list)
        return nil
    } catch {
        return error.message
    }
}

/// Equality of JSON values that ignores object key order (the user guide's outputs do not always list
/// keys in creation order) but keeps integer/double and array order.
func unorderedEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.object(let left), .object(let right)):
        guard left.count == right.count else { return false }
        return left.entries.allSatisfy { key, value in right[key].map { unorderedEqual(value, $0) } ?? false }
    case (.array(let left), .array(let right)):
        return left.count == right.count && zip(left, right).allSatisfy(unorderedEqual)
    default:
        return lhs == rhs
    }
}

/// Parses an outcome's JSON with the library's own parser.
func parsed(_ outcome: TransformOutcome) throws -> JSONValue {
    try JSONParser.parse(outcome.json)
}
