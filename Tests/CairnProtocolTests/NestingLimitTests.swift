import Foundation
import Testing

@testable import CairnProtocol

/// Deeply nested client documents are refused with `SerializationException` by every parser, instead of
/// recursing until the stack overflows and the process dies; shallow documents, malformed or not, get the
/// answers they always got.
@Suite struct NestingLimitTests {
    /// `{"a":{"a":…1…}}` with `levels` objects: 50,000 of them (about 300 KB) overflowed the scanner's stack.
    static func nestedObjects(_ levels: Int) -> [UInt8] {
        Array((String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)).utf8)
    }

    static func nestedArrays(_ levels: Int) -> [UInt8] {
        Array((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8)
    }

    static let limit = NestingLimit.maximumDepth

    @Test func theScannerRefusesDeepValues() {
        for body in [Self.nestedObjects(50_000), Self.nestedArrays(50_000), Self.nestedObjects(Self.limit + 1)] {
            var scanner = JSONScanner(body)
            #expect(throws: NestingLimit.tooDeep) { try scanner.skipValue() }
        }
    }

    @Test func theScannerReadsValuesAtTheLimit() throws {
        for body in [Self.nestedObjects(Self.limit), Self.nestedArrays(Self.limit)] {
            var scanner = JSONScanner(body)
            try scanner.skipValue()
            let atEnd = scanner.atEnd
            #expect(atEnd)
            #expect(scanner.depth == 0)
        }
    }

    /// The depth counts the containers a caller opened itself around the value it skips.
    @Test func theScannerCountsTheCallersLevels() throws {
        let body = Array(#"{"outer":"#.utf8) + Self.nestedArrays(Self.limit) + Array("}".utf8)
        var scanner = JSONScanner(body)
        #expect(throws: NestingLimit.tooDeep) {
            try scanner.readObject { scanner, _ throws(AWSError) in try scanner.skipValue() }
        }
    }

    @Test func theScannerStillRefusesShallowMalformedText() {
        for text in [#"{"a":"#, "[1,]", "{\"a\" 1}", "[[[]]", "tru"] {
            var scanner = JSONScanner(Array(text.utf8))
            #expect(throws: AWSError.serialization("The request body is not valid JSON."), "\(text)") {
                try scanner.skipValue()
            }
        }
    }

    @Test func documentsRefuseDeepJSON() throws {
        for body in [Self.nestedObjects(50_000), Self.nestedArrays(600), Self.nestedObjects(Self.limit + 1)] {
            #expect(throws: NestingLimit.tooDeep) { try Document.fromJSON(body) }
        }
        var expected = Document.integer(1)
        for _ in 0..<Self.limit { expected = .map(["a": expected]) }
        #expect(try Document.fromJSON(Self.nestedObjects(Self.limit)) == expected)
        #expect(throws: AWSError.serialization("The request body is not valid JSON.")) {
            try Document.fromJSON(Array(#"{"a":[1,}"#.utf8))
        }
    }

    /// Brackets inside strings, escaped quotes included, are text, not nesting.
    @Test func bracketsInStringsDoNotCount() throws {
        let brackets = String(repeating: "[{", count: 1000)
        let text = Array((#"{"a":"\""# + brackets + #"\\","b":"x\"[["}"#).utf8)
        #expect(!NestingLimit.exceeded(json: text))
        #expect(try Document.fromJSON(text)["b"] == .string("x\"[["))
    }

    struct Shape: Decodable {
        let logGroupName: String?
    }

    /// Foundation's JSONDecoder would go to 512 levels; the request decoder stops at the limit first.
    @Test func requestsRefuseDeepJSON() throws {
        let deep = Array(#"{"logGroupName":"g","x":"#.utf8) + Self.nestedArrays(50_000) + Array("}".utf8)
        #expect(throws: NestingLimit.tooDeep) { try JSONRequest.decode(Shape.self, from: deep) }
        let atLimit = Array(#"{"logGroupName":"g","x":"#.utf8) + Self.nestedArrays(Self.limit - 1) + Array("}".utf8)
        #expect(try JSONRequest.decode(Shape.self, from: atLimit).logGroupName == "g")
        #expect(throws: AWSError.serialization("The request body is not a valid JSON object.")) {
            try JSONRequest.decode(Shape.self, from: Array(#"{"logGroupName":"#.utf8))
        }
        #expect(throws: AWSError.serialization("Unexpected value type at 'logGroupName'.")) {
            try JSONRequest.decode(Shape.self, from: Array(#"{"logGroupName":[[1]]}"#.utf8))
        }
    }

    /// What the code that still hands raw bodies to Foundation relies on (the KMS audit trail reads the key a
    /// refused request named with JSONSerialization): Foundation throws on deep input instead of crashing.
    @Test func foundationRefusesDeepJSONWithoutCrashing() {
        let deep = Data(Self.nestedArrays(100_000))
        #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: deep) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode([[Int]].self, from: deep) }
    }

    @Test func cborNestsUpToTheLimit() throws {
        // 0x81: an array of one item; 0xc1: tag 1, whose content recurses too.
        let atLimit = [UInt8](repeating: 0x81, count: Self.limit) + [0x00]
        var expected = Document.integer(0)
        for _ in 0..<Self.limit { expected = .list([expected]) }
        #expect(try CBOR.decode(atLimit) == expected)
        for deep in [
            [UInt8](repeating: 0x81, count: Self.limit + 1) + [0x00], [UInt8](repeating: 0x81, count: 50_000) + [0x00],
            [UInt8](repeating: 0xc1, count: 50_000) + [0x00],
            [UInt8](repeating: 0x9f, count: 50_000),
        ] {
            #expect(throws: CBOR.DecodingError(reason: "nesting deeper than \(Self.limit) levels")) {
                try CBOR.decode(deep)
            }
        }
    }

    @Test func deepPoliciesAllowNothing() {
        let statement = #"{"Effect":"Allow","Principal":"*","Action":"kms:*"}"#
        let policy = #"{"Statement":["# + statement + "]}"
        let request = PolicyRequest(account: "111122223333", principal: "p", action: "kms:Decrypt", region: "us-east-1")
        #expect(ResourcePolicy.allows(policy, request))
        let deep =
            #"{"Statement":["# + statement + #"],"Condition":"#
            + String(decoding: Self.nestedObjects(50_000), as: UTF8.self) + "}"
        #expect(throws: ResourcePolicy.Malformed.self) { try ResourcePolicy(deep) }
        #expect(!ResourcePolicy.allows(deep, request))
    }
}
