import CairnFilter
import CairnProtocol
import Testing

@testable import CairnLogs

/// One bound on nesting for every parser of client input, and the answers a deep request gets from Logs.
@Suite struct NestingTests {
    @Test func filterPatternsAndDocumentsShareTheBound() {
        #expect(FilterPatternLimits.maximumNestingDepth == NestingLimit.maximumDepth)
    }

    /// About 300 KB of `{"a":{"a":…}}` in an unknown member of an event used to overflow the stack.
    @Test func putLogEventsRefusesADeepBody() {
        let levels = 50_000
        let deep = String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
        for body in [
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m","x":"# + deep + "}]}",
            #"{"logGroupName":"g","extra":"# + deep + "}",
        ] {
            #expect(throws: NestingLimit.tooDeep) { try PutLogEventsRequest.parse(Array(body.utf8)) }
        }
    }

    /// The body's own object, `logEvents` and an event take three of the levels.
    @Test func putLogEventsReadsABodyAtTheLimit() throws {
        func body(_ levels: Int) -> [UInt8] {
            let value = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
            return Array(
                (#"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m","x":"# + value
                    + "}]}").utf8)
        }
        let request = try PutLogEventsRequest.parse(body(NestingLimit.maximumDepth - 3))
        #expect(request.count == 1)
        #expect(request.timestamps == [1])
        #expect(throws: NestingLimit.tooDeep) { try PutLogEventsRequest.parse(body(NestingLimit.maximumDepth - 2)) }
    }

    @Test func aDeepFilterPatternIsAnInvalidParameter() {
        let levels = NestingLimit.maximumDepth + 1
        let text =
            "{ " + String(repeating: "(", count: levels) + "$.a = 1" + String(repeating: ")", count: levels) + " }"
        #expect(
            throws: AWSError.invalidParameter(
                "Invalid filter pattern: parentheses nest deeper than \(NestingLimit.maximumDepth) levels")
        ) { try FilterPattern.parsing(text) }
        #expect(throws: AWSError.invalidParameter("Invalid filter pattern")) {
            try FilterPattern.parsing("{ (($.a = 1) }")
        }
    }
}
