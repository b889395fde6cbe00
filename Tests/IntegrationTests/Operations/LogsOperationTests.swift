import Testing

/// Every CloudWatch Logs operation through `buildApplication`: its success path and its main errors.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct LogsOperationTests {
    static let account = "444455556666"
    static let region = "eu-central-1"
    static let groupARN = "arn:aws:logs:\(region):\(account):log-group:/ops/a"
    static let targetGroupARN = "arn:aws:logs:\(region):\(account):log-group:/ops/b"
    static let destinationARN = "arn:aws:logs:\(region):\(account):destination:central"
    static let notFound = "ResourceNotFoundException"
    static let invalid = "InvalidParameterException"
    static let groupMissing = "The specified log group does not exist."

    static func logs(_ name: String) -> String { "Logs_20140328." + name }

    static let groupsAndStreams: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.fails(
            logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#, "ResourceAlreadyExistsException",
            message: "The specified log group already exists"),
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/b"}"#),
        Script.ok(logs("DescribeLogGroups"), #"{"logGroupNamePrefix":"/ops/"}"#, contains: [groupARN]),
        Script.fails(logs("DescribeLogGroups"), #"{"limit":0}"#, invalid),
        Script.ok(logs("CreateLogStream"), #"{"logGroupName":"/ops/a","logStreamName":"s1"}"#),
        Script.fails(
            logs("CreateLogStream"), #"{"logGroupName":"/ops/none","logStreamName":"s1"}"#, notFound,
            message: groupMissing),
        Script.ok(logs("DescribeLogStreams"), #"{"logGroupName":"/ops/a"}"#, contains: [#""logStreamName":"s1""#]),
        Script.fails(logs("DescribeLogStreams"), #"{"logGroupName":"/ops/none"}"#, notFound, message: groupMissing),
        Script.ok(logs("PutRetentionPolicy"), #"{"logGroupName":"/ops/a","retentionInDays":7}"#),
        Script.fails(logs("PutRetentionPolicy"), #"{"logGroupName":"/ops/a","retentionInDays":8}"#, invalid),
        Script.ok(logs("DescribeLogGroups"), #"{"logGroupNamePrefix":"/ops/a"}"#, contains: [#""retentionInDays":7"#]),
        Script.ok(logs("DeleteRetentionPolicy"), #"{"logGroupName":"/ops/a"}"#),
        Script.fails(logs("DeleteRetentionPolicy"), #"{"logGroupName":"/ops/none"}"#, notFound),
        Script.ok(
            logs("PutLogGroupDeletionProtection"),
            #"{"logGroupIdentifier":"/ops/b","deletionProtectionEnabled":true}"#),
        Script.fails(
            logs("PutLogGroupDeletionProtection"),
            #"{"logGroupIdentifier":"/ops/none","deletionProtectionEnabled":true}"#, notFound),
        Script.fails(
            logs("DeleteLogGroup"), #"{"logGroupName":"/ops/b"}"#, "ValidationException",
            message: "Log group deletion protection is enabled. Disable it before deleting the log group."),
        Script.ok(
            logs("PutLogGroupDeletionProtection"),
            #"{"logGroupIdentifier":"/ops/b","deletionProtectionEnabled":false}"#),
        Script.ok(logs("DeleteLogGroup"), #"{"logGroupName":"/ops/b"}"#),
        Script.fails(logs("DeleteLogGroup"), #"{"logGroupName":"/ops/b"}"#, notFound, message: groupMissing),
        Script.ok(logs("DeleteLogStream"), #"{"logGroupName":"/ops/a","logStreamName":"s1"}"#),
        Script.fails(
            logs("DeleteLogStream"), #"{"logGroupName":"/ops/a","logStreamName":"s1"}"#, notFound,
            message: "The specified log stream does not exist."),
    ]

    static let events: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(logs("CreateLogStream"), #"{"logGroupName":"/ops/a","logStreamName":"s1"}"#),
        Script.ok(
            logs("PutLogEvents"),
            #"{"logGroupName":"/ops/a","logStreamName":"s1","logEvents":[{"timestamp":<<now>>,"message":"hello ops"},{"timestamp":<<now>>,"message":"ERROR disk"}]}"#,
            contains: [#""nextSequenceToken""#]),
        Script.fails(
            logs("PutLogEvents"),
            #"{"logGroupName":"/ops/none","logStreamName":"s1","logEvents":[{"timestamp":<<now>>,"message":"x"}]}"#,
            notFound),
        Script.ok(
            logs("GetLogEvents"), #"{"logGroupName":"/ops/a","logStreamName":"s1","startFromHead":true}"#,
            contains: [#""message":"hello ops""#, #""message":"ERROR disk""#]),
        Script.fails(
            logs("GetLogEvents"), #"{"logGroupName":"/ops/a","logStreamName":"none"}"#, notFound,
            message: "The specified log stream does not exist."),
        Script.ok(
            logs("FilterLogEvents"), #"{"logGroupName":"/ops/a","filterPattern":"ERROR"}"#,
            contains: [#""message":"ERROR disk""#]),
        Script.fails(logs("FilterLogEvents"), #"{"logGroupName":"/ops/a","filterPattern":"{ $.x = "}"#, invalid),
        Script.fails(logs("FilterLogEvents"), #"{"logGroupName":"/ops/none"}"#, notFound),
    ]

    static let filtersAndSubscriptions: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/b"}"#),
        Script.ok(
            logs("PutMetricFilter"),
            #"{"logGroupName":"/ops/a","filterName":"errors","filterPattern":"ERROR","metricTransformations":[{"metricName":"Errors","metricNamespace":"Ops","metricValue":"1"}]}"#
        ),
        Script.fails(
            logs("PutMetricFilter"),
            #"{"logGroupName":"/ops/a","filterName":"bad","filterPattern":"{ $.x = ","metricTransformations":[{"metricName":"E","metricNamespace":"Ops","metricValue":"1"}]}"#,
            invalid),
        Script.ok(
            logs("DescribeMetricFilters"), #"{"logGroupName":"/ops/a"}"#, contains: [#""filterName":"errors""#]),
        Script.fails(logs("DescribeMetricFilters"), #"{"limit":0}"#, invalid),
        Script.ok(
            logs("TestMetricFilter"), #"{"filterPattern":"ERROR","logEventMessages":["ERROR disk","fine"]}"#,
            contains: [#""eventMessage":"ERROR disk""#]),
        Script.fails(logs("TestMetricFilter"), #"{"filterPattern":"ERROR","logEventMessages":[]}"#, invalid),
        Script.ok(logs("DeleteMetricFilter"), #"{"logGroupName":"/ops/a","filterName":"errors"}"#),
        Script.fails(logs("DeleteMetricFilter"), #"{"logGroupName":"/ops/a","filterName":"errors"}"#, notFound),
        Script.ok(
            logs("PutDestination"),
            #"{"destinationName":"central","targetArn":"\#(targetGroupARN)","roleArn":"arn:aws:iam::\#(account):role/deliver"}"#,
            contains: [destinationARN]),
        Script.fails(
            logs("PutDestination"),
            #"{"destinationName":"elsewhere","targetArn":"arn:aws:logs:\#(region):\#(account):log-group:/ops/none","roleArn":"arn:aws:iam::\#(account):role/deliver"}"#,
            invalid),
        Script.ok(
            logs("PutDestinationPolicy"),
            #"{"destinationName":"central","accessPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"logs:PutSubscriptionFilter\",\"Resource\":\"\#(destinationARN)\"}]}"}"#
        ),
        Script.fails(
            logs("PutDestinationPolicy"), #"{"destinationName":"central","accessPolicy":"not json"}"#, invalid),
        Script.ok(logs("DescribeDestinations"), #"{"DestinationNamePrefix":"cen"}"#, contains: [destinationARN]),
        Script.fails(logs("DescribeDestinations"), #"{"limit":0}"#, invalid),
        Script.ok(
            logs("PutSubscriptionFilter"),
            #"{"logGroupName":"/ops/a","filterName":"all","filterPattern":"","destinationArn":"\#(destinationARN)"}"#),
        Script.fails(
            logs("PutSubscriptionFilter"),
            #"{"logGroupName":"/ops/a","filterName":"other","filterPattern":"","destinationArn":"\#(destinationARN)x"}"#,
            notFound),
        Script.ok(
            logs("DescribeSubscriptionFilters"), #"{"logGroupName":"/ops/a"}"#,
            contains: [#""destinationArn":"\#(destinationARN)""#]),
        Script.fails(logs("DescribeSubscriptionFilters"), #"{"logGroupName":"/ops/none"}"#, notFound),
        Script.ok(logs("DeleteSubscriptionFilter"), #"{"logGroupName":"/ops/a","filterName":"all"}"#),
        Script.fails(logs("DeleteSubscriptionFilter"), #"{"logGroupName":"/ops/a","filterName":"all"}"#, notFound),
        Script.ok(logs("DeleteDestination"), #"{"destinationName":"central"}"#),
        Script.fails(logs("DeleteDestination"), #"{"destinationName":"central"}"#, notFound),
    ]

    static let tags: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(logs("TagLogGroup"), #"{"logGroupName":"/ops/a","tags":{"team":"ops"}}"#),
        Script.fails(logs("TagLogGroup"), #"{"logGroupName":"/ops/none","tags":{"team":"ops"}}"#, notFound),
        Script.ok(logs("ListTagsLogGroup"), #"{"logGroupName":"/ops/a"}"#, contains: [#""team":"ops""#]),
        Script.fails(logs("ListTagsLogGroup"), #"{"logGroupName":"/ops/none"}"#, notFound),
        Script.ok(logs("UntagLogGroup"), #"{"logGroupName":"/ops/a","tags":["team"]}"#),
        Script.fails(logs("UntagLogGroup"), #"{"logGroupName":"/ops/none","tags":["team"]}"#, notFound),
        Script.ok(logs("TagResource"), #"{"resourceArn":"\#(groupARN)","tags":{"tier":"gold"}}"#),
        Script.fails(logs("TagResource"), #"{"resourceArn":"\#(groupARN)","tags":{"aws:x":"y"}}"#, invalid),
        Script.ok(logs("ListTagsForResource"), #"{"resourceArn":"\#(groupARN)"}"#, contains: [#""tier":"gold""#]),
        Script.fails(logs("ListTagsForResource"), #"{"resourceArn":"\#(groupARN)x"}"#, notFound),
        Script.ok(logs("UntagResource"), #"{"resourceArn":"\#(groupARN)","tagKeys":["tier"]}"#),
        Script.fails(logs("UntagResource"), #"{"resourceArn":"\#(groupARN)x","tagKeys":["tier"]}"#, notFound),
        Script.ok(logs("ListTagsForResource"), #"{"resourceArn":"\#(groupARN)"}"#, contains: [#""tags":{}"#]),
    ]

    static let policy =
        #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"route53.amazonaws.com\"},\"Action\":\"logs:PutLogEvents\",\"Resource\":\"*\"}]}"#

    static let dataProtection =
        #"{\"Name\":\"dp\",\"Version\":\"2021-06-01\",\"Statement\":[{\"DataIdentifier\":[\"arn:aws:dataprotection::aws:data-identifier/EmailAddress\"],\"Operation\":{\"Audit\":{\"FindingsDestination\":{}}}},{\"DataIdentifier\":[\"arn:aws:dataprotection::aws:data-identifier/EmailAddress\"],\"Operation\":{\"Deidentify\":{\"MaskConfig\":{}}}}]}"#

    /// ListLogGroups, resource policies and data protection policies.
    static let listingAndPolicies: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/listed"}"#),
        Script.ok(
            logs("ListLogGroups"), #"{"logGroupNamePattern":"^/ops/list"}"#,
            contains: [#""logGroupName":"/ops/listed""#, #""logGroupClass":"STANDARD""#]),
        Script.fails(logs("ListLogGroups"), #"{"logGroupNamePattern":"a b"}"#, invalid),
        Script.ok(
            logs("PutResourcePolicy"), #"{"policyName":"route53","policyDocument":"\#(policy)"}"#,
            contains: [#""policyScope":"ACCOUNT""#]),
        Script.fails(logs("PutResourcePolicy"), #"{"policyName":"bad","policyDocument":"not json"}"#, invalid),
        Script.ok(logs("DescribeResourcePolicies"), #"{}"#, contains: [#""policyName":"route53""#]),
        Script.fails(logs("DescribeResourcePolicies"), #"{"limit":51}"#, invalid),
        Script.ok(logs("DeleteResourcePolicy"), #"{"policyName":"route53"}"#),
        Script.ok(
            logs("PutDataProtectionPolicy"),
            #"{"logGroupIdentifier":"/ops/listed","policyDocument":"\#(dataProtection)"}"#,
            contains: [#""lastUpdatedTime":"#]),
        Script.fails(
            logs("PutDataProtectionPolicy"), #"{"logGroupIdentifier":"/ops/listed","policyDocument":"{}"}"#, invalid),
        Script.ok(
            logs("GetDataProtectionPolicy"), #"{"logGroupIdentifier":"/ops/listed"}"#,
            contains: [#""policyDocument":"#]),
        Script.fails(logs("GetDataProtectionPolicy"), #"{"logGroupIdentifier":"/ops/none"}"#, notFound),
        Script.ok(logs("DeleteDataProtectionPolicy"), #"{"logGroupIdentifier":"/ops/listed"}"#),
        Script.fails(logs("DeleteDataProtectionPolicy"), #"{"logGroupIdentifier":"/ops/listed"}"#, notFound),
        Script.ok(
            logs("PutAccountPolicy"),
            #"{"policyName":"mask","policyType":"DATA_PROTECTION_POLICY","policyDocument":"\#(dataProtection)"}"#,
            contains: [#""policyType":"DATA_PROTECTION_POLICY""#]),
        Script.fails(
            logs("PutAccountPolicy"),
            #"{"policyName":"fields","policyType":"FIELD_INDEX_POLICY","policyDocument":"{}"}"#, invalid),
        Script.ok(
            logs("DescribeAccountPolicies"), #"{"policyType":"DATA_PROTECTION_POLICY"}"#,
            contains: [#""policyName":"mask""#]),
        Script.fails(logs("DescribeAccountPolicies"), #"{"policyType":"NOPE"}"#, invalid),
        Script.ok(logs("DeleteAccountPolicy"), #"{"policyName":"mask","policyType":"DATA_PROTECTION_POLICY"}"#),
        Script.fails(
            logs("DeleteAccountPolicy"), #"{"policyName":"mask","policyType":"DATA_PROTECTION_POLICY"}"#, notFound),
        Script.ok(
            logs("PutTransformer"),
            #"{"logGroupIdentifier":"/ops/listed","transformerConfig":[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"k","value":"v"}]}}]}"#
        ),
        Script.fails(
            logs("PutTransformer"),
            #"{"logGroupIdentifier":"/ops/listed","transformerConfig":[{"addKeys":{"entries":[{"key":"k","value":"v"}]}}]}"#,
            invalid),
        Script.ok(
            logs("GetTransformer"), #"{"logGroupIdentifier":"/ops/listed"}"#, contains: [#""transformerConfig":"#]),
        Script.fails(logs("GetTransformer"), #"{"logGroupIdentifier":"/ops/none"}"#, notFound),
        Script.ok(logs("DeleteTransformer"), #"{"logGroupIdentifier":"/ops/listed"}"#),
        Script.fails(logs("DeleteTransformer"), #"{"logGroupIdentifier":"/ops/listed"}"#, notFound),
        Script.ok(
            logs("TestTransformer"),
            #"{"transformerConfig":[{"parseJSON":{}}],"logEventMessages":["{\"a\":1}"]}"#,
            contains: [#""eventNumber":1"#]),
        Script.fails(
            logs("TestTransformer"), #"{"transformerConfig":[{"parseJSON":{}}],"logEventMessages":[]}"#, invalid),
        Script.fails(logs("DeleteResourcePolicy"), #"{"policyName":"route53"}"#, notFound),
    ]

    static let keys: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(
            "TrentService.CreateKey", #"{"Description":"for logs"}"#, capture: ["key": ["KeyMetadata", "Arn"]]),
        Script.ok(logs("AssociateKmsKey"), #"{"logGroupName":"/ops/a","kmsKeyId":"<<key>>"}"#),
        Script.fails(
            logs("AssociateKmsKey"),
            #"{"logGroupName":"/ops/a","kmsKeyId":"arn:aws:kms:\#(region):\#(account):key/00000000-0000-0000-0000-000000000000"}"#,
            "AccessDeniedException"),
        Script.ok(logs("DescribeLogGroups"), #"{"logGroupNamePrefix":"/ops/a"}"#, contains: [#""kmsKeyId":"<<key>>""#]),
        Script.ok(logs("DisassociateKmsKey"), #"{"logGroupName":"/ops/a"}"#),
        Script.fails(logs("DisassociateKmsKey"), #"{"logGroupName":"/ops/none"}"#, notFound),
    ]

    /// StartLiveTail's refusals; its streams are tested end to end (Tests/e2e/test_live_tail.py): a session runs
    /// until its client goes, and the test client here reads whole responses.
    static let liveTail: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.fails(logs("StartLiveTail"), #"{"logGroupIdentifiers":["\#(groupARN)x"]}"#, notFound),
        Script.fails(
            logs("StartLiveTail"),
            #"{"logGroupIdentifiers":["\#(groupARN)"],"logStreamNames":["a"],"logStreamNamePrefixes":["b"]}"#,
            invalid, message: "Only one of logStreamNames and logStreamNamePrefixes can be specified."),
        Script.fails(logs("StartLiveTail"), #"{"logGroupIdentifiers":[]}"#, invalid),
    ]

    static let all = [groupsAndStreams, events, filtersAndSubscriptions, tags, keys, liveTail, listingAndPolicies]

    @Test(arguments: 0..<all.count) func script(_ index: Int) async throws {
        try await Script.run(Self.all[index])
    }
}
