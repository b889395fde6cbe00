import Testing

@testable import CairnTransform

@Suite("Events that fail to transform")
struct FailureTests {
    @Test func invalidJSONFailsWithOnlyTheError() throws {
        let outcome = try run(#"[{"parseJSON":{}}]"#, "not json")
        #expect(outcome.failed)
        #expect(outcome.json.hasPrefix(#"{"@transformationError":"Processor 1 (parseJSON) failed: invalid JSON"#))
        #expect(try parsed(outcome).objectValue?.keys == ["@transformationError"])
    }

    @Test func impossibleTypeConversionLeavesTheEventUntransformed() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"x","value":"y"}]}},{"typeConverter":{"entries":[{"key":"status","type":"integer"}]}}]"#,
            #"{"status":"abc","name":"n"}"#)
        #expect(outcome.failed)
        #expect(
            outcome.json
                == #"{"@transformationError":"Processor 3 (typeConverter) failed: cannot convert the value of 'status' (\"abc\") to integer"}"#
        )
    }

    /// A `from` pattern that backtracks exponentially (`(a+)+$` on a run of a's ending in b) stops at the search
    /// budget: the event fails instead of holding ingestion for minutes; a quick pattern still substitutes.
    @Test func aCatastrophicSubstitutionFailsTheEventInsteadOfHanging() throws {
        let config = #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"s","from":"(a+)+$","to":"x"}]}}]"#
        let outcome = try run(config, #"{"s":"\#(String(repeating: "a", count: 40))b"}"#)
        #expect(outcome.failed)
        #expect(outcome.json.contains("took too long"))
        #expect(try run(config, #"{"s":"baaa"}"#).json == #"{"s":"bx"}"#)
    }

    /// ICU reports progress once per position it starts from: a long value is substituted within the budget, and
    /// a request of many such events does not run out of it.
    @Test func longValuesAreSubstitutedWithinTheBudget() throws {
        let config = #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"s","from":"b","to":"c"}]}}]"#
        let transformer = try Transformer(TransformerConfiguration(processors(config)))
        let budget = TransformBudget()
        let value = String(repeating: "a", count: 20_000) + "b"
        for _ in 0..<20 {
            let outcome = transformer.transform(
                #"{"s":"\#(value)"}"#,
                context: TransformContext(logGroupName: "g", logStreamName: "s", accountID: "1", region: "r"),
                budget: budget)
            #expect(!outcome.failed && outcome.json.hasSuffix(#"ac"}"#))
        }
    }

    /// Once a request's regular-expression time is spent, its remaining grok and substituteString events fail.
    @Test func aSpentBudgetFailsTheRemainingEvents() throws {
        let transformer = try Transformer(TransformerConfiguration(processors(#"[{"grok":{"match":"%{WORD:w}"}}]"#)))
        let context = TransformContext(logGroupName: "g", logStreamName: "s", accountID: "1", region: "r")
        #expect(!transformer.transform("hello", context: context).failed)
        let spent = transformer.transform("hello", context: context, budget: TransformBudget(allowance: .zero))
        #expect(spent.failed && spent.json.contains("budget is spent"))
    }

    /// parsePostgres's prefix is a regular expression that backtracks on a run of colons (about a second for 10 KB
    /// of them): it searches under the request's budget too, so a spent budget fails even a valid line.
    @Test func parsePostgresSearchesUnderTheBudget() throws {
        let transformer = try Transformer(TransformerConfiguration(processors(#"[{"parsePostgres":{}}]"#)))
        let context = TransformContext(logGroupName: "g", logStreamName: "s", accountID: "1", region: "r")
        let line = "2019-03-10 03:54:59 UTC:10.0.0.123(52834):postgres@logtestdb:[20175]:ERROR: relation missing"
        #expect(!transformer.transform(line, context: context).failed)
        let spent = transformer.transform(line, context: context, budget: TransformBudget(allowance: .zero))
        #expect(spent.failed && spent.json.contains("budget is spent"))
    }

    /// A transformer that multiplies its input fails the event at 1 MB instead of growing without end.
    @Test func anOutputPast1MBFails() throws {
        let config =
            #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"s","from":"y{10}|a|b","to":"$0$0$0"}]}}]"#
        let outcome = try run(config, #"{"s":"\#(String(repeating: "y", count: 400_000))"}"#)
        #expect(outcome.failed && outcome.json.contains("larger than 1 MB"))
        #expect(try run(config, #"{"s":"ab"}"#).json == #"{"s":"aaabbb"}"#)
    }

    @Test func missingParserSourceFails() throws {
        let outcome = try run(#"[{"parseJSON":{}},{"csv":{"source":"line"}}]"#, #"{"other":1}"#)
        #expect(
            outcome.json == #"{"@transformationError":"Processor 2 (csv) failed: source field 'line' does not exist"}"#)
    }

    @Test func nonStringParserSourceFails() throws {
        let outcome = try run(#"[{"parseJSON":{}},{"parseKeyValue":{"source":"line"}}]"#, #"{"line":{"a":1}}"#)
        #expect(outcome.failed)
        #expect(outcome.json.contains("is not a string"))
    }

    @Test func eventsOf512KiBOrMoreFail() throws {
        let config = #"[{"parseKeyValue":{}}]"#
        let limit = TransformerLimits.maximumEventBytes
        #expect(try run(config, "a=" + String(repeating: "x", count: limit - 3)).failed == false)
        let outcome = try run(config, "a=" + String(repeating: "x", count: limit - 2))
        #expect(outcome.failed)
        #expect(outcome.json.contains("512 KB"))
    }

    @Test func moreThan200FieldsFail() throws {
        let pairs = { (count: Int) in (1...count).map { "k\($0)=v" }.joined(separator: "&") }
        #expect(try run(#"[{"parseKeyValue":{}}]"#, pairs(200)).failed == false)
        // The parser stops at the 201st pair; fields made by later processors are counted at the end.
        let outcome = try run(#"[{"parseKeyValue":{}}]"#, pairs(201))
        #expect(
            outcome.json
                == #"{"@transformationError":"Processor 1 (parseKeyValue) failed: the event would have more than 200 fields"}"#
        )
        let added = try run(
            #"[{"parseKeyValue":{}},{"addKeys":{"entries":[{"key":"extra","value":"x"}]}}]"#, pairs(200))
        #expect(added.json == #"{"@transformationError":"The transformed event has more than 200 fields"}"#)
        // A JSON message of more than 2,000 keys is refused while it is parsed.
        let keys = (1...2_001).map { #""k\#($0)":1"# }.joined(separator: ",")
        #expect(try run(#"[{"parseJSON":{}}]"#, "{\(keys)}").json.contains("more than 2000 keys"))
    }

    @Test func parseToOCSFIsNotSupported() throws {
        let outcome = try run(#"[{"parseToOCSF":{"eventSource":"VPCFlow","ocsfVersion":"V1.1"}}]"#, "2 123 eni")
        #expect(
            outcome.json
                == #"{"@transformationError":"Processor 1 (parseToOCSF) failed: parseToOCSF is not supported"}"#)
    }

    @Test func listToMapNeedsAList() throws {
        let outcome = try run(#"[{"parseJSON":{}},{"listToMap":{"source":"l","key":"k"}}]"#, #"{"l":"text"}"#)
        #expect(outcome.json.hasSuffix(#"failed: source field 'l' is not a list"}"#))
    }

    @Test func unmatchedDateFails() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"u","matchPatterns":["yyyy-MM-dd"]}}]"#,
            #"{"t":"yesterday"}"#)
        #expect(outcome.json.hasSuffix(#"failed: 'yesterday' matches none of the matchPatterns"}"#))
    }
}
