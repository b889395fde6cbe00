import CairnProtocol
import Testing

@Suite struct ValidationTests {
    @Test func oneViolationReadsLikeAWS() {
        var validation = Validation()
        validation.number(10001, "limit", min: 1, max: 10000)
        #expect(
            validation.error
                == AWSError(
                    "InvalidParameterException",
                    "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"
                ))
    }

    @Test func severalViolationsAreJoined() {
        var validation = Validation()
        validation.string("", "logGroupNamePrefix", min: 1, max: 512, pattern: .logGroupName)
        #expect(
            validation.error?.message
                == "2 validation errors detected: Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )
    }

    @Test func nullIsShownWithoutQuotes() {
        var validation = Validation()
        validation.required(String?.none, "logGroupName")
        #expect(
            validation.error?.message
                == "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test func patterns() {
        #expect(NamePattern.logGroupName.matches("/aws/lambda/my-fn_1.#"))
        #expect(!NamePattern.logGroupName.matches("has space"))
        #expect(!NamePattern.logGroupName.matches(""))
        #expect(NamePattern.logStreamName.matches("2024/01/01/[$LATEST]abc"))
        #expect(!NamePattern.logStreamName.matches("a:b"))
        #expect(!NamePattern.logStreamName.matches("a*"))
        #expect(NamePattern.tagKey.matches("Team Name_ä:1"))
        #expect(!NamePattern.tagKey.matches("semi;colon"))
        #expect(NamePattern.tagValue.matches(""))
    }

    @Test func errorBodyIsAWSJSON() {
        let body = String(decoding: AWSError.resourceNotFound("The \"x\" log group.").jsonBody, as: UTF8.self)
        #expect(body == #"{"__type":"ResourceNotFoundException","message":"The \"x\" log group."}"#)
    }

    struct Sample: Decodable {
        let limit: Int?
        let name: String?
    }

    @Test func requestDecoding() throws {
        #expect(try JSONRequest.decode(Sample.self, from: []).limit == nil)
        #expect(try JSONRequest.decode(Sample.self, from: Array(#"{"limit":5,"other":true}"#.utf8)).limit == 5)
        #expect {
            try JSONRequest.decode(Sample.self, from: Array(#"{"limit":"5"}"#.utf8))
        } throws: { ($0 as? AWSError)?.code == "SerializationException" }
        #expect {
            try JSONRequest.decode(Sample.self, from: Array("not json".utf8))
        } throws: { ($0 as? AWSError)?.code == "SerializationException" }
        #expect {
            try JSONRequest.decode(Sample.self, from: Array("[1]".utf8))
        } throws: { ($0 as? AWSError)?.code == "SerializationException" }
    }
}
