import Testing

/// Every SNS-compatible topic operation through `buildApplication` (sent as JSON with `X-Amz-Target`, which Cairn
/// also accepts; the query protocol is covered end to end with boto3): its success path and its main errors.
/// ConfirmSubscription's success needs the token that only the endpoint receives: `Tests/e2e/test_sns.py`.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct TopicOperationTests {
    static func sns(_ name: String) -> String { "AmazonSimpleNotificationService." + name }

    static let topic = "arn:aws:sns:eu-central-1:444455556666:ops"

    static let script: [ScriptedCall] = [
        Script.ok(sns("CreateTopic"), #"{"Name":"ops","Attributes":{"DisplayName":"Ops"}}"#, contains: [topic]),
        Script.fails(
            sns("CreateTopic"), #"{"Name":"no spaces"}"#, "InvalidParameter", message: "Invalid parameter: Topic Name"),
        Script.ok(sns("ListTopics"), #"{}"#, contains: [topic]),
        Script.fails(sns("ListTopics"), #"{"NextToken":"%%%"}"#, "InvalidParameter"),
        Script.ok(
            sns("SetTopicAttributes"),
            #"{"TopicArn":"\#(topic)","AttributeName":"DisplayName","AttributeValue":"Ops!"}"#),
        Script.fails(
            sns("SetTopicAttributes"), #"{"TopicArn":"\#(topic)","AttributeName":"Colour","AttributeValue":"red"}"#,
            "InvalidParameter", message: "Invalid parameter: AttributeName"),
        Script.ok(
            sns("GetTopicAttributes"), #"{"TopicArn":"\#(topic)"}"#,
            contains: [#""DisplayName","value":"Ops!""#, #""Owner","value":"444455556666""#]),
        Script.fails(
            sns("GetTopicAttributes"), #"{"TopicArn":"arn:aws:sns:eu-central-1:444455556666:none"}"#, "NotFound",
            message: "Topic does not exist"),
        Script.ok(sns("TagResource"), #"{"ResourceArn":"\#(topic)","Tags":[{"Key":"team","Value":"web"}]}"#),
        Script.fails(
            sns("TagResource"),
            #"{"ResourceArn":"arn:aws:sns:eu-central-1:444455556666:none","Tags":[{"Key":"a","Value":"b"}]}"#,
            "ResourceNotFound"),
        Script.ok(sns("ListTagsForResource"), #"{"ResourceArn":"\#(topic)"}"#, contains: [#""Key":"team""#]),
        Script.fails(sns("ListTagsForResource"), #"{"ResourceArn":"not-an-arn"}"#, "InvalidParameter"),
        Script.ok(sns("UntagResource"), #"{"ResourceArn":"\#(topic)","TagKeys":["team"]}"#),
        Script.fails(sns("UntagResource"), #"{"ResourceArn":"\#(topic)"}"#, "ValidationError"),
        Script.ok(
            sns("Subscribe"),
            #"{"TopicArn":"\#(topic)","Protocol":"lambda","Endpoint":"arn:aws:lambda:eu-central-1:444455556666:function:f"}"#,
            contains: [topic + ":"], capture: ["subscription": ["SubscriptionArn"]]),
        Script.ok(
            sns("Subscribe"), #"{"TopicArn":"\#(topic)","Protocol":"https","Endpoint":"https://example.com/hook"}"#,
            contains: [#""SubscriptionArn":"pending confirmation""#]),
        Script.fails(
            sns("Subscribe"), #"{"TopicArn":"\#(topic)","Protocol":"http","Endpoint":"https://example.com/"}"#,
            "InvalidParameter", message: "Invalid parameter: Endpoint must match the specified protocol"),
        Script.fails(
            sns("ConfirmSubscription"), #"{"TopicArn":"\#(topic)","Token":"abcd"}"#, "InvalidParameter",
            message: "Invalid parameter: Token"),
        Script.ok(
            sns("ListSubscriptionsByTopic"), #"{"TopicArn":"\#(topic)"}"#,
            contains: [#""SubscriptionArn":"PendingConfirmation""#, #""Protocol":"lambda""#]),
        Script.fails(
            sns("ListSubscriptionsByTopic"), #"{"TopicArn":"arn:aws:sns:eu-central-1:444455556666:none"}"#,
            "NotFound"),
        Script.ok(sns("ListSubscriptions"), #"{}"#, contains: [#""Endpoint":"https://example.com/hook""#]),
        Script.fails(sns("ListSubscriptions"), #"{"NextToken":"%%%"}"#, "InvalidParameter"),
        Script.ok(
            sns("SetSubscriptionAttributes"),
            #"{"SubscriptionArn":"<<subscription>>","AttributeName":"RawMessageDelivery","AttributeValue":"TRUE"}"#),
        Script.fails(
            sns("SetSubscriptionAttributes"),
            #"{"SubscriptionArn":"<<subscription>>","AttributeName":"RawMessageDelivery","AttributeValue":"yes"}"#,
            "InvalidParameter",
            message: "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false."),
        Script.ok(
            sns("GetSubscriptionAttributes"), #"{"SubscriptionArn":"<<subscription>>"}"#,
            contains: [#""RawMessageDelivery","value":"true""#, #""PendingConfirmation","value":"false""#]),
        Script.fails(
            sns("GetSubscriptionAttributes"),
            #"{"SubscriptionArn":"\#(topic):00000000-0000-0000-0000-000000000000"}"#, "NotFound"),
        Script.ok(
            sns("Publish"),
            #"{"TopicArn":"\#(topic)","Message":"hello","Subject":"Hi","MessageAttributes":{"n":{"DataType":"Number","StringValue":"1"}}}"#,
            contains: [#""MessageId":""#]),
        Script.fails(
            sns("Publish"), #"{"TopicArn":"\#(topic)","Message":""}"#, "InvalidParameter",
            message: "Invalid parameter: Empty message"),
        Script.fails(
            sns("Publish"),
            #"{"TopicArn":"\#(topic)","Message":"x","MessageAttributes":{"n":{"DataType":"Number","StringValue":"one"}}}"#,
            "ParameterValueInvalid"),
        Script.ok(sns("Unsubscribe"), #"{"SubscriptionArn":"<<subscription>>"}"#),
        Script.fails(sns("Unsubscribe"), #"{"SubscriptionArn":"not-an-arn"}"#, "InvalidParameter"),
        Script.ok(sns("DeleteTopic"), #"{"TopicArn":"\#(topic)"}"#),
        Script.fails(sns("DeleteTopic"), #"{"TopicArn":"arn:aws:sns:us-west-2:444455556666:ops"}"#, "InvalidParameter"),
        Script.ok(sns("ListTopics"), #"{}"#, contains: [#""Topics":[]"#]),
    ]

    @Test func script() async throws {
        try await Script.run(Self.script)
    }
}
