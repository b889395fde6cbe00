import Testing

@testable import CairnTransform

/// Behaviour beyond the user guide's examples (documented rules and Cairn's choices where AWS is silent).
@Suite("Processor behaviour")
struct ProcessorBehaviourTests {
    @Test func outputHasNoMessageAndKeepsCreationOrder() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"added","value":"1"}]}}]"#, #"{"b":1,"a":2.5}"#)
        #expect(outcome == TransformOutcome(json: #"{"b":1,"a":2.5,"added":"1"}"#, failed: false))
    }

    @Test func csvHandlesTabsDoubledQuotesAndExtraColumns() throws {
        let outcome = try run(#"[{"csv":{"delimiter":"\\t","columns":["a"]}}]"#, "x\t\"say \"\"hi\"\"\"\tz")
        #expect(outcome.json == #"{"a":"x","column_2":"say \"hi\"","column_3":"z"}"#)
    }

    @Test func parseKeyValueKeepsExistingKeysUnlessOverwriting() throws {
        let keep = try run(#"[{"parseJSON":{}},{"parseKeyValue":{"source":"q"}}]"#, #"{"q":"q=new&x=1"}"#)
        #expect(keep.json == #"{"q":"q=new&x=1","x":"1"}"#)
        let overwrite = try run(
            #"[{"parseJSON":{}},{"parseKeyValue":{"source":"q","overwriteIfExists":true}}]"#, #"{"q":"q=new&x=1"}"#)
        #expect(overwrite.json == #"{"q":"new","x":"1"}"#)
    }

    @Test func addKeysRespectsOverwriteIfExists() throws {
        let config =
            #"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"a","value":"new"},{"key":"b","value":"new","overwriteIfExists":true},{"key":"c.d","value":"new"}]}}]"#
        #expect(try run(config, #"{"a":"old","b":"old"}"#).json == #"{"a":"old","b":"new","c":{"d":"new"}}"#)
    }

    @Test func moveKeysToAnAbsentTargetRenamesThePath() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"moveKeys":{"entries":[{"source":"a.b","target":"c.d"}]}}]"#, #"{"a":{"b":1}}"#)
        #expect(outcome.json == #"{"a":{},"c":{"d":1}}"#)
    }

    @Test func copyValueCopiesTheRawMessage() throws {
        let outcome = try run(
            #"[{"parseKeyValue":{}},{"copyValue":{"entries":[{"source":"@message","target":"raw"}]}}]"#, "a=1")
        #expect(outcome.json == #"{"a":"1","raw":"a=1"}"#)
    }

    @Test func substituteStringAcceptsJavaNamedGroupsAndEscapedDollars() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"a","from":"(?<n>\\d+)","to":"\\$${n}"}]}}]"#,
            #"{"a":"cost 12 and 3"}"#)
        #expect(outcome.json == #"{"a":"cost $12 and $3"}"#)
    }

    @Test func typeConverterConvertsEveryType() throws {
        let config =
            #"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"i","type":"double"},{"key":"d","type":"string"},{"key":"b","type":"boolean"},{"key":"s","type":"integer"},{"key":"missing","type":"integer"}]}}]"#
        let outcome = try run(config, #"{"i":2,"d":1.5,"b":"TRUE","s":"-7"}"#)
        #expect(outcome.json == #"{"i":2.0,"d":"1.5","b":true,"s":-7}"#)
    }

    @Test func dateTimeConverterDefaultsToISO8601InUTC() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"t2","matchPatterns":["dd/MMM/yyyy:HH:mm:ss Z","yyyy-MM-dd HH:mm:ss"],"sourceTimezone":"Europe/Berlin"}}]"#,
            #"{"t":"2024-06-01 12:30:05"}"#)
        #expect(outcome.json == #"{"t":"2024-06-01 12:30:05","t2":"2024-06-01T10:30:05.000Z"}"#)
        let withOffset = try run(
            #"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"t","matchPatterns":["dd/MMM/yyyy:HH:mm:ss Z"]}}]"#,
            #"{"t":"10/Oct/2000:13:55:36 -0700"}"#)
        #expect(withOffset.json == #"{"t":"2000-10-10T20:55:36.000Z"}"#)
    }

    @Test func theModelsUnterminatedDefaultFormatIsRepaired() {
        #expect(DateTimeConverterStep.closingQuote("yyyy-MM-dd'T'HH:mm:ss.SSS'Z") == "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    }

    @Test func splitStringDropsTrailingEmptyPieces() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"splitString":{"entries":[{"source":"a","delimiter":","}]}}]"#, #"{"a":"x,,y,,"}"#)
        #expect(outcome.json == #"{"a":["x","","y"]}"#)
    }

    @Test func listToMapWithoutValueKeyMapsWholeObjectsUnderTarget() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"listToMap":{"source":"l","key":"k","target":"m","flatten":true,"flattenedElement":"last"}}]"#,
            #"{"l":[{"k":"a","v":1},{"k":"a","v":2}]}"#)
        #expect(outcome.json == #"{"l":[{"k":"a","v":1},{"k":"a","v":2}],"m":{"a":{"k":"a","v":2}}}"#)
    }

    @Test func mutatorsSkipMissingAndNonStringKeys() throws {
        let outcome = try run(
            #"[{"parseJSON":{}},{"upperCaseString":{"withKeys":["n","missing"]}},{"deleteKeys":{"withKeys":["nope"]}}]"#,
            #"{"n":5}"#)
        #expect(outcome.json == #"{"n":5}"#)
    }
}
