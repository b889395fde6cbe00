import CairnProtocol
import Testing

@Suite struct ARNTests {
    @Test func everyKindRoundTrips() throws {
        let texts = [
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:i-0abc/1",
            "arn:aws:logs:eu-west-1:123456789012:destination:central",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:123456789012:alias/aws/logs",
            "arn:aws:lambda:us-east-1:123456789012:function:receiver",
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:High errors",
            "arn:aws:iam::123456789012:user/AKIAEXAMPLE",
            "arn:aws:iam::123456789012:root",
        ]
        for text in texts {
            let arn = try #require(ARN(text), "\(text)")
            #expect(arn.description == text)
        }
    }

    @Test func partsAreWhereAWSPutsThem() throws {
        let group = try #require(ARN("arn:aws:logs:us-west-2:111122223333:log-group:/a/b:*"))
        #expect(group.region == "us-west-2" && group.account == "111122223333" && group.resource == .logGroup("/a/b"))
        #expect(group.description == "arn:aws:logs:us-west-2:111122223333:log-group:/a/b")
        #expect(ARN.accountRoot("111122223333").description == "arn:aws:iam::111122223333:root")
    }

    @Test func anythingElseIsNotAnARN() {
        for text in [
            "", "arn", "arn:aws:logs:us-east-1:1:log-group:", "arn:aws:logs:us-east-1:1:log-group:a:b",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:", "arn:aws:s3:::bucket", "urn:aws:logs:r:1:log-group:g",
            "arn:aws:lambda:us-east-1:1:function:f:2", "arn:aws:kms:us-east-1:1:something/else",
            "/plain/group/name",
        ] {
            #expect(ARN(text) == nil, "\(text)")
        }
    }
}
