import CairnCrypto
import CairnProtocol
import Testing

@testable import CairnLogs

@Suite struct ResourceNameTests {
    let caller = Caller(accountID: "123456789012", region: "us-west-2", accessKeyID: "AKIAX", role: .admin)

    @Test func arnsLookLikeAWS() {
        #expect(ResourceName.logGroup(caller, "/a/b") == "arn:aws:logs:us-west-2:123456789012:log-group:/a/b")
        #expect(
            ResourceName.logStream(caller, group: "g", stream: "s")
                == "arn:aws:logs:us-west-2:123456789012:log-group:g:log-stream:s")
    }

    @Test func identifiersAreNamesOrARNs() {
        #expect(
            ResourceName.logGroupReference("/plain", caller: caller)
                == .init(accountID: "123456789012", region: "us-west-2", name: "/plain"))
        #expect(
            ResourceName.logGroupReference("arn:aws:logs:eu-west-1:210987654321:log-group:/x/y:*", caller: caller)
                == .init(accountID: "210987654321", region: "eu-west-1", name: "/x/y"))
        #expect(ResourceName.logGroupReference("arn:aws:s3:::bucket", caller: caller) == nil)
        #expect(ResourceName.logGroupReference("arn:aws:logs:us-west-2:1:log-group:", caller: caller) == nil)
        #expect(
            ResourceName.logGroupReference("arn:aws:logs:us-west-2:1:log-group:g:log-stream:s", caller: caller) == nil)
    }
}

@Suite struct PageTokenTests {
    let tokens = PageToken(key: SecureRandom.bytes(32))
    let alice = Caller(accountID: "111111111111", region: "us-east-1", accessKeyID: "A", role: .admin)
    let bob = Caller(accountID: "222222222222", region: "us-east-1", accessKeyID: "B", role: .admin)

    @Test func roundTripsOnlyForItsScope() throws {
        let token = tokens.make(["/last/name"], operation: "DescribeLogGroups", caller: alice)
        #expect(!token.contains("/last/name"))
        #expect(try tokens.read(token, operation: "DescribeLogGroups", caller: alice, fields: 1) == ["/last/name"])
        #expect(throws: AWSError.invalidNextToken) {
            try tokens.read(token, operation: "DescribeLogGroups", caller: bob, fields: 1)
        }
        #expect(throws: AWSError.invalidNextToken) {
            try tokens.read(token, operation: "DescribeLogStreams", caller: alice, fields: 1)
        }
        #expect(throws: AWSError.invalidNextToken) {
            try tokens.read(token, operation: "DescribeLogGroups", caller: alice, fields: 2)
        }
        #expect(throws: AWSError.invalidNextToken) {
            try PageToken(key: SecureRandom.bytes(32)).read(
                token, operation: "DescribeLogGroups", caller: alice, fields: 1)
        }
        #expect(throws: AWSError.invalidNextToken) {
            try tokens.read("not a token", operation: "DescribeLogGroups", caller: alice, fields: 1)
        }
    }
}

@Suite struct LogsValidationTests {
    @Test func tagRulesFollowTheModel() {
        var validation = Validation()
        validation.tags(["ok": "fine", "bad;key": "v", "k": String(repeating: "v", count: 257)])
        #expect(validation.violations.count == 2)
        var tooMany = Validation()
        tooMany.tags(Dictionary(uniqueKeysWithValues: (0..<51).map { ("k\($0)", "v") }))
        #expect(tooMany.violations.count == 1)
        #expect(tooMany.violations[0].hasSuffix("Member must have length less than or equal to 50"))
    }

    @Test func sequenceTokensAreDigits() {
        #expect(SequenceToken.make(0).count == 56)
        #expect(SequenceToken.make(12345).hasSuffix("12345"))
        #expect(SequenceToken.make(12345).allSatisfy { $0.isNumber })
    }

    @Test func likeEscapingKeepsWildcardsLiteral() {
        #expect(LogsService.likeEscaped("a_b%c\\d") == "a\\_b\\%c\\\\d")
    }
}

/// ServiceLifecycle logs every service with `String(describing:)`: nothing a service holds may show its key.
@Suite struct ServiceDescriptionTests {
    @Test func aPageTokenNeverShowsItsKey() {
        let key = [UInt8](repeating: 0xAB, count: 32)
        let token = PageToken(key: key)
        for text in [String(describing: token), String(reflecting: token), "\(token)", "\([token])"] {
            #expect(!text.contains("171"), "\(text)")
            #expect(text.contains("redacted"))
        }
    }
}
