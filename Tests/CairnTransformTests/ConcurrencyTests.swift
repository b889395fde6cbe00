import Testing

@testable import CairnTransform

@Suite("Sharing a compiled transformer")
struct ConcurrencyTests {
    @Test func oneTransformerServesConcurrentTasks() async throws {
        let configuration = try TransformerConfiguration(
            try processors(
                #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"n","from":"(\\d)","to":"<$1>"}]}},"#
                    + #"{"dateTimeConverter":{"source":"t","target":"t","matchPatterns":["yyyy-MM-dd HH:mm:ss"]}}]"#))
        let transformer = try Transformer(configuration)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var mismatches = 0
                    for event in 0..<200 {
                        let second = (task * 7 + event) % 60
                        let message =
                            #"{"n":"a\#(event % 10)","t":"2024-01-02 03:04:\#(second < 10 ? "0" : "")\#(second)"}"#
                        let expected =
                            #"{"n":"a<\#(event % 10)>","t":"2024-01-02T03:04:\#(second < 10 ? "0" : "")\#(second).000Z"}"#
                        if transformer.transform(message, context: documentedContext).json != expected {
                            mismatches += 1
                        }
                    }
                    return mismatches
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
