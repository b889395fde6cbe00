import Testing

@testable import CairnMetrics

/// Dashboard bodies as AWS's "Dashboard Body Structure and Syntax" describes them: each problem with its path.
@Suite struct DashboardBodyTests {
    static func paths(_ body: String) -> [String] { DashboardBody.validate(body).map(\.dataPath) }

    @Test func aDocumentedBodyIsValid() {
        let body = #"""
            {"start": "-PT6H", "periodOverride": "inherit", "widgets": [
              {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
               "properties": {"metrics": [["AWS/EC2", "CPUUtilization", "InstanceId", "i-012345"],
                                          [".", ".", ".", "i-abcdef", {"stat": "Maximum", "label": "max"}]],
                              "period": 300, "stat": "Average", "region": "us-east-1", "view": "timeSeries"}},
              {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# Hi"}},
              {"type": "log", "x": 0, "y": 6, "width": 24, "height": 6,
               "properties": {"query": "SOURCE '/app' | stats count(*) by bin(5m)", "region": "us-east-1"}},
              {"type": "alarm", "properties": {"alarms": ["arn:aws:cloudwatch:us-east-1:012345678901:alarm:a"]}}
            ]}
            """#
        #expect(DashboardBody.validate(body) == [])
        #expect(DashboardBody.validate(#"{"widgets": []}"#) == [])
    }

    @Test func problemsSayWhereTheyAre() {
        #expect(Self.paths("[1]") == [""])
        #expect(Self.paths("{") == [""])
        #expect(Self.paths(#"{"widgets": {}}"#) == ["/widgets"])
        #expect(Self.paths(#"{"widgets": [{"properties": {}}]}"#) == ["/widgets/0"])
        #expect(Self.paths(#"{"widgets": [{"type": "pie", "properties": {}}]}"#) == ["/widgets/0/type"])
        #expect(
            Self.paths(#"{"widgets": [{"type": "text", "x": 24, "height": 0, "properties": {"markdown": ""}}]}"#)
                .sorted() == ["/widgets/0/height", "/widgets/0/x"])
        #expect(Self.paths(#"{"widgets": [{"type": "text"}]}"#) == ["/widgets/0"])
        #expect(
            Self.paths(#"{"widgets": [{"type": "metric", "properties": {"metrics": [["A", 1, "B"]]}}]}"#)
                == ["/widgets/0/properties/metrics/0/1"])
        #expect(
            Self.paths(#"{"widgets": [{"type": "alarm", "properties": {"alarms": ["nope"]}}]}"#)
                == ["/widgets/0/properties/alarms/0"])
        let messages = DashboardBody.validate(#"{"widgets": [{"type": "metric", "properties": {}}]}"#)
        #expect(messages.map(\.message) == ["Should have required property 'metrics'"])
    }
}
