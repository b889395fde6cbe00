import Testing

@testable import CairnProtocol

/// The AWS query protocol's form and XML, as botocore writes and reads them.
@Suite struct QueryProtocolTests {
    @Test func dottedNamesBecomeStructuresListsAndMaps() throws {
        let body =
            "Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a+b%26c&Dimensions.member.2.Name=Zone"
            + "&Dimensions.member.1.Name=Host&Dimensions.member.1.Value=h1&Dimensions.member.2.Value=z"
            + "&AlarmActions=&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Ops"
        let pairs = try QueryProtocol.pairs(Array(body.utf8))
        #expect(QueryProtocol.parameter("Action", in: pairs) == "PutMetricAlarm")
        let document = try QueryProtocol.document(pairs)
        #expect(document["AlarmName"]?.string == "a b&c")
        #expect(document["Action"] == nil && document["Version"] == nil)
        let dimensions = try #require(document["Dimensions"]?.list)
        #expect(dimensions.map { $0["Name"]?.string } == ["Host", "Zone"])
        #expect(document["AlarmActions"]?.list == [])
        #expect(document["Attributes"]?.list?.first?["key"]?.string == "DisplayName")
    }

    @Test func textReadsAsTheTypeTheMemberAsksFor() {
        #expect(Document.text("60").integer == 60)
        #expect(Document.text("2.5").double == 2.5)
        #expect(Document.text("true").boolean == true)
        #expect(Document.text("yes").boolean == nil)
        #expect(Document.text("2026-12-04T20:30:00Z").timestamp == 1_796_416_200)
        #expect(Document.text("2026-12-04T20:30:00.250+01:00").timestamp == 1_796_412_600.25)
        #expect(Document.text("1796416200").timestamp == 1_796_416_200)
        #expect(Document.text("yesterday").timestamp == nil)
    }

    @Test func malformedFormsAreRefused() {
        for body in ["A=%zz", "A=%e2%28%a1", "A.member.0=x", "A.member.x=y", "A=1&A=2", "A=1&A.B=2", "A..B=1"] {
            #expect(throws: AWSError.self, "\(body)") {
                try QueryProtocol.document(try QueryProtocol.pairs(Array(body.utf8)))
            }
        }
    }

    @Test func resultsAreXMLWithMembersEntriesAndEscapes() {
        let output = Document.map([
            "Topics": .list([.map(["TopicArn": .string("arn:<a>&\"b\"")])]),
            "Attributes": .list([.map(["key": .string("Owner"), "value": .string("1")])]),
            "When": .timestamp(1_796_416_200.5), "Count": .integer(3), "Ratio": .double(0.5), "Gone": .null,
        ])
        let xml = String(decoding: QueryProtocol.result("ListTopics", output), as: UTF8.self)
        #expect(
            xml == "<ListTopicsResult><Attributes><entry><key>Owner</key><value>1</value></entry></Attributes>"
                + "<Count>3</Count><Ratio>0.5</Ratio><Topics><member><TopicArn>arn:&lt;a&gt;&amp;&quot;b&quot;"
                + "</TopicArn></member></Topics><When>2026-12-04T20:30:00.500Z</When></ListTopicsResult>")
    }

    @Test func timestampsRoundTripAcrossCenturies() {
        for seconds in [0.0, 951_782_400, 4_102_444_800.123, -86_400] {
            #expect(ISO8601Timestamp.parse(ISO8601Timestamp.format(seconds)) == seconds)
        }
    }
}
