import Testing

@testable import CairnInsights

/// Discovery of only the fields a query reads: the same values as full discovery, for less work.
@Suite struct FieldNeedsTests {
    static let message = Array(
        #"""
        {"skip":{"deep":[1,{"x":"y\"}"}],"s":"a\\b"},"user":{"name":"ann \"the\" admin","id":7},
         "tags":["a","b"],"ok":true,"n":null,"@odd":"at","list":[{"id":1},{"id":2}],"esc":"caf\u00e9"}
        """#.utf8)[...]

    @Test func wantedLeavesContainersAndPositions() {
        let needs = FieldNeeds(["user.name", "tags", "ok", "list.1.id", "@@odd", "esc", "missing", "@message"])
        let fields = needs.extract(Self.message)
        #expect(fields["user.name"] == .string(#"ann "the" admin"#))
        #expect(fields["tags"]?.text == #"["a","b"]"#)
        #expect(fields["ok"] == .string("true"))
        #expect(fields["list.1.id"] == .number(2))
        #expect(fields["@@odd"] == .string("at"))
        #expect(fields["esc"] == .string("café"))
        #expect(fields["missing"] == nil)
        #expect(fields.count == 6)
    }

    @Test func sameValuesAsFullDiscovery() {
        let record = LogRecord(
            timestamp: 0, ingestionTime: 0, messageBytes: Self.message, logStream: "", log: "",
            pointer: RecordPointer(source: 0, stream: 0, timestamp: 0, sequence: 0))
        let all = Dictionary(record.discoveredFields(), uniquingKeysWith: { first, _ in first })
        let needs = FieldNeeds(all.keys)
        #expect(needs.extract(Self.message) == all)
    }

    @Test func textAndBrokenJSONFallBackToKeyValuePairs() {
        let needs = FieldNeeds(["status", "path"])
        #expect(
            needs.extract(Array("GET path=/a status=503".utf8)[...]) == [
                "status": .string("503"), "path": .string("/a"),
            ])
        #expect(needs.extract(Array(#"{"status": 5, oops path=/b"#.utf8)[...]) == ["path": .string("/b")])
        // Found by the benchmark: an object followed by text is text, as full discovery has it.
        #expect(needs.extract(Array(#"{"status":5} path=/c"#.utf8)[...]) == ["path": .string("/c")])
        #expect(needs.extract(Array(#"{"status":5}  "#.utf8)[...]) == ["status": .number(5)])
    }
}

extension FieldNeeds {
    /// The extracted fields by name.
    fileprivate func extract(_ message: ArraySlice<UInt8>) -> [String: Value] {
        var found = FoundFields()
        extract(message, into: &found)
        return Dictionary(found.items.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
