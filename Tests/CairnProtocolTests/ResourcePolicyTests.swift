import Testing

@testable import CairnProtocol

/// Resource policies evaluated as AWS does, and refused when they use what Cairn cannot evaluate.
struct ResourcePolicyTests {
    static let caller = "111122223333"
    static let user = "arn:aws:iam::111122223333:user/AKIAEXAMPLE"

    static func request(
        _ action: String = "kms:Decrypt", account: String = caller, context: [String: String]? = nil,
        via: String? = nil, source: String? = nil
    ) -> PolicyRequest {
        PolicyRequest(
            account: account, principal: account == caller ? user : "arn:aws:iam::\(account):root", action: action,
            region: "us-east-1", sourceAccount: source, viaService: via, encryptionContext: context)
    }

    static func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    @Test func aConditionLimitsAnAllow() {
        let policy = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalAccount":"999988887777"}}}"#
        )
        #expect(!ResourcePolicy.allows(policy, Self.request()))
        #expect(ResourcePolicy.allows(policy, Self.request(account: "999988887777")))
    }

    /// CloudWatch Logs resource policies name their resources: a request that names its resource matches only
    /// statements whose Resource (IAM wildcards, case-sensitive) covers it, and none whose NotResource does; a
    /// request without a resource (KMS) ignores them. A Deny wins over an Allow (`decision`).
    @Test func resourcesNarrowStatementsForRequestsThatNameOne() {
        let group = "arn:aws:logs:us-east-1:999988887777:log-group:app:*"
        let policy = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"logs:Get*","Resource":"arn:aws:logs:us-east-1:999988887777:log-group:app*"}"#,
            #"{"Effect":"Deny","Principal":"*","Action":"logs:*","NotResource":["arn:aws:logs:*:*:log-group:app*"]}"#)
        var request = Self.request("logs:GetLogEvents")
        request.resource = group
        #expect(ResourcePolicy.allows(policy, request))
        request.resource = "arn:aws:logs:us-east-1:999988887777:log-group:APP:*"
        #expect(!ResourcePolicy.allows(policy, request))
        request.resource = "arn:aws:logs:us-east-1:999988887777:log-group:other:*"
        #expect((try? ResourcePolicy(policy))?.decision(request) == .denied)
        // Without a resource (a KMS request), Resource and NotResource are ignored: both statements apply.
        #expect((try? ResourcePolicy(policy))?.decision(Self.request("logs:GetLogEvents")) == .denied)
        #expect(throws: ResourcePolicy.Malformed.self) {
            try ResourcePolicy(Self.policy(#"{"Effect":"Allow","Principal":"*","Action":"logs:*","Resource":7}"#))
        }
    }

    @Test func actionsMatchWithoutCaseAndWithWildcards() {
        let policy = Self.policy(#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"KMS:de?rypt"}"#)
        #expect(ResourcePolicy.allows(policy, Self.request("kms:Decrypt")))
        #expect(!ResourcePolicy.allows(policy, Self.request("kms:Encrypt")))
    }

    @Test func denyWithNotPrincipalAndLowerCaseActionsApplies() {
        let policy = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*"}"#,
            #"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"kms:decrypt"}"#)
        #expect(!ResourcePolicy.allows(policy, Self.request("kms:Decrypt")))
        #expect(ResourcePolicy.allows(policy, Self.request("kms:Encrypt")))
        #expect(ResourcePolicy.allows(policy, Self.request("kms:Decrypt", account: "999988887777")))
    }

    @Test func notActionAllowsEverythingElse() {
        let policy = Self.policy(#"{"Effect":"Allow","Principal":"*","NotAction":["kms:Decrypt","kms:ReEncrypt*"]}"#)
        #expect(ResourcePolicy.allows(policy, Self.request("kms:Encrypt")))
        #expect(!ResourcePolicy.allows(policy, Self.request("kms:Decrypt")))
        #expect(!ResourcePolicy.allows(policy, Self.request("kms:ReEncryptFrom")))
    }

    @Test func encryptionContextConditions() {
        let policy = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:EncryptionContext:app":"billing"},"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["app","env"]}}}"#
        )
        #expect(ResourcePolicy.allows(policy, Self.request(context: ["app": "billing"])))
        #expect(ResourcePolicy.allows(policy, Self.request(context: ["app": "billing", "env": "prod"])))
        #expect(!ResourcePolicy.allows(policy, Self.request(context: ["app": "billing", "user": "x"])))
        #expect(!ResourcePolicy.allows(policy, Self.request(context: ["app": "payroll"])))
        #expect(!ResourcePolicy.allows(policy, Self.request()))
        let any = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"tenant-*"}}}"#
        )
        #expect(ResourcePolicy.allows(any, Self.request(context: ["tenant-a": "1", "b": "2"])))
        #expect(!ResourcePolicy.allows(any, Self.request(context: ["b": "2"])))
        #expect(!ResourcePolicy.allows(any, Self.request()))
    }

    @Test func missingKeysIfExistsNullAndNegation() {
        let ifExists = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringEqualsIfExists":{"kms:ViaService":"logs.us-east-1.amazonaws.com"}}}"#
        )
        #expect(ResourcePolicy.allows(ifExists, Self.request()))
        #expect(ResourcePolicy.allows(ifExists, Self.request(via: "logs.us-east-1.amazonaws.com")))
        #expect(!ResourcePolicy.allows(ifExists, Self.request(via: "s3.us-east-1.amazonaws.com")))
        let null = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"Null":{"kms:ViaService":"false"}}}"#)
        #expect(!ResourcePolicy.allows(null, Self.request()))
        #expect(ResourcePolicy.allows(null, Self.request(via: "logs.us-east-1.amazonaws.com")))
        let negated = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"logs:*","Condition":{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}}"#
        )
        #expect(ResourcePolicy.allows(negated, Self.request("logs:PutSubscriptionFilter")))
        #expect(!ResourcePolicy.allows(negated, Self.request("logs:PutSubscriptionFilter", source: "444455556666")))
    }

    @Test func numericBoolAndArnOperators() {
        let region = Self.policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]},"NumericGreaterThan":{"kms:CallerAccount":"100"},"ArnLike":{"aws:SourceArn":"arn:aws:logs:*:111122223333:log-group:*"}}}"#
        )
        #expect(!ResourcePolicy.allows(region, Self.request()))
        let withSource = PolicyRequest(
            account: Self.caller, principal: Self.user, action: "kms:Decrypt", region: "us-east-1",
            sourceARN: "arn:aws:logs:us-east-1:111122223333:log-group:/app:*")
        #expect(ResourcePolicy.allows(region, withSource))
    }

    @Test(arguments: [
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"IpAddress":{"aws:PrincipalAccount":"1"}}}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030"}}}"#,
        #"{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"kms:*"}"#,
        #"{"Effect":"Maybe","Principal":"*","Action":"kms:*"}"#,
        #"{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"kms:*"}"#,
        #"{"Effect":"Allow","Principal":"*"}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Unknown":1}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"Bool":{"kms:ViaService":"maybe"}}}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"NullIfExists":{"kms:ViaService":"true"}}}"#,
    ])
    func whatCannotBeEvaluatedIsRefused(_ statement: String) {
        #expect(throws: ResourcePolicy.Malformed.self) { try ResourcePolicy(Self.policy(statement)) }
        #expect(!ResourcePolicy.allows(Self.policy(statement), Self.request()))
    }

    @Test func wildcards() {
        #expect(Wildcard.matches("a*c", "abbbc", ignoringCase: false))
        #expect(Wildcard.matches("a?c", "abc", ignoringCase: false))
        #expect(!Wildcard.matches("a?c", "abbc", ignoringCase: false))
        #expect(Wildcard.matches("*", "", ignoringCase: false))
        #expect(Wildcard.matches("KMS:*", "kms:Decrypt", ignoringCase: true))
        #expect(!Wildcard.matches("kms:*", "KMS:Decrypt", ignoringCase: false))
    }
}
