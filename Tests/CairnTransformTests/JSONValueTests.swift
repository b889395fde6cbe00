import Testing

@testable import CairnTransform

@Suite("Ordered JSON")
struct JSONValueTests {
    @Test func roundTripsCompactlyKeepingKeyOrderAndNumberKinds() throws {
        let text = #"{ "z": 1, "a": [1.5, -2, 1.0, 1e3, true, null], "m": {"y": "s", "b": {}} }"#
        #expect(
            JSONSerializer.string(try JSONParser.parse(text))
                == #"{"z":1,"a":[1.5,-2,1.0,1000.0,true,null],"m":{"y":"s","b":{}}}"#)
    }

    @Test func escapesStringsPerRFC8259() throws {
        let value = try JSONParser.parse(#""quote \" slash \\ \/ tab \t nl \n ctl \u0001 é \ud83d\ude00""#)
        #expect(value == .string("quote \" slash \\ / tab \t nl \n ctl \u{01} é 😀"))
        #expect(JSONSerializer.string(value) == #""quote \" slash \\ / tab \t nl \n ctl \u0001 é 😀""#)
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"a", "{} x", "\"\u{01}\"", "-"])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func duplicateKeysKeepTheFirstPositionAndTheLastValue() throws {
        #expect(JSONSerializer.string(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)) == #"{"a":3,"b":2}"#)
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }
}
