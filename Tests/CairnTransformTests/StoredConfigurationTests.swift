import Foundation
import Testing

@testable import CairnTransform

@Suite("The stored configuration")
struct StoredConfigurationTests {
    @Test func fillsBooleanDefaultsInModelOrder() throws {
        let configuration = try TransformerConfiguration(
            try processors(
                #"[{"parseKeyValue":{"destination":"kv"}},{"addKeys":{"entries":[{"value":"v","key":"k"}]}},"#
                    + #"{"listToMap":{"key":"k","source":"s"}},{"moveKeys":{"entries":[{"target":"t","source":"s"}]}}]"#
            ))
        let stored = String(decoding: configuration.storedJSON(), as: UTF8.self)
        #expect(
            stored == #"[{"parseKeyValue":{"destination":"kv","overwriteIfExists":false}},"#
                + #"{"addKeys":{"entries":[{"key":"k","value":"v","overwriteIfExists":false}]}},"#
                + #"{"listToMap":{"source":"s","key":"k","flatten":false}},"#
                + #"{"moveKeys":{"entries":[{"source":"s","target":"t","overwriteIfExists":false}]}}]"#)
    }

    @Test func storedJSONDecodesBackToAnEquivalentConfiguration() throws {
        let original = try processors(
            #"[{"csv":{"columns":["a","b"],"delimiter":";"}},{"dateTimeConverter":{"source":"a","target":"b","matchPatterns":["yyyy"],"locale":"de"}},{"renameKeys":{"entries":[{"key":"a","renameTo":"c","overwriteIfExists":true}]}}]"#
        )
        let stored = try TransformerConfiguration(original).storedJSON()
        let decoded = try JSONDecoder().decode([Processor].self, from: Data(stored))
        #expect(decoded == original)
    }

    @Test func encodesWithTheModelMemberNames() throws {
        let processor = Processor(parseToOCSF: .init(eventSource: "AWSWAF", ocsfVersion: "V1.5"))
        let json = String(decoding: try JSONEncoder().encode(processor), as: UTF8.self)
        #expect(json.contains(#""parseToOCSF""#) && json.contains(#""eventSource":"AWSWAF""#))
    }
}
