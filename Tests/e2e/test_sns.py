"""The SNS-compatible topic service through boto3's SNS client (the query protocol), an HTTP endpoint that does
what an SNS subscriber does (confirms by visiting SubscribeURL, checks every message's signature against the
certificate at SigningCertURL), and CloudWatch alarms notifying through a topic."""

import base64
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import ACCOUNT_A, KEYS, free_port


def string_to_sign(message):
    """AWS's "Verifying the signatures of Amazon SNS messages": the signed fields by type, `name\\nvalue\\n`."""
    if message["Type"] == "Notification":
        fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        fields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{name}\n{message[name]}\n" for name in fields if name in message).encode()


def verify(message, *servers):
    """Checks a message the way SNS validators do: SignatureVersion 2 is RSA PKCS#1 v1.5 over SHA-256 with the key
    of the certificate at SigningCertURL (here: the URL of the Cairn process that delivered it, not
    *.amazonaws.com)."""
    assert message["SignatureVersion"] == "2"
    url = message["SigningCertURL"]
    assert any(url.startswith(server.endpoint + "/SimpleNotificationService-") for server in servers), url
    assert url.endswith(".pem")
    with urllib.request.urlopen(url, timeout=10) as response:
        certificate = x509.load_pem_x509_certificate(response.read())
    certificate.public_key().verify(
        base64.b64decode(message["Signature"]), string_to_sign(message), padding.PKCS1v15(), hashes.SHA256())


class Endpoint:
    """An HTTP endpoint subscribed to topics: it keeps every message with its headers; it can answer 500 to the
    first `failures` requests."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages = []
        self.failures = 0
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/sns"

    def start(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with endpoint.lock:
                    fail = endpoint.failures > 0
                    endpoint.failures -= 1 if fail else 0
                    if not fail:
                        endpoint.messages.append((dict(self.headers), body.decode()))
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def wait(self, kind, count=1, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                found = [json.loads(body) for headers, body in self.messages
                         if headers.get("x-amz-sns-message-type") == kind]
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no {kind} message arrived: {self.messages}")


@pytest.fixture
def sns(server):
    return server.client(KEYS["a_admin"], service="sns")


@pytest.fixture
def endpoint():
    receiver = Endpoint().start()
    yield receiver
    receiver.stop()


def topic_name(name):
    return "t" + "".join(c if c.isalnum() else "-" for c in name)[-200:]


def subscribe_and_confirm(sns, server, topic_arn, endpoint, *others):
    pending = sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
    assert pending["SubscriptionArn"] == "pending confirmation"
    [confirmation] = endpoint.wait("SubscriptionConfirmation")
    verify(confirmation, server, *others)
    assert confirmation["TopicArn"] == topic_arn
    assert confirmation["Message"] == (
        f"You have chosen to subscribe to the topic {topic_arn}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message.")
    # What a subscriber does: open SubscribeURL (unsigned).
    with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10) as response:
        answer = response.read().decode()
    assert "<ConfirmSubscriptionResult><SubscriptionArn>" + topic_arn + ":" in answer
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert subscription["SubscriptionArn"].startswith(topic_arn + ":")
    # ConfirmSubscription through the API with the same token answers the same subscription.
    again = sns.confirm_subscription(TopicArn=topic_arn, Token=confirmation["Token"])
    assert again["SubscriptionArn"] == subscription["SubscriptionArn"]
    return subscription["SubscriptionArn"]


def test_topics_lifecycle_and_attributes(sns, name):
    created = sns.create_topic(Name=topic_name(name), Tags=[{"Key": "team", "Value": "a"}])
    arn = created["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{ACCOUNT_A}:{topic_name(name)}"
    # CreateTopic is idempotent.
    assert sns.create_topic(Name=topic_name(name))["TopicArn"] == arn
    assert arn in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Team A alerts")
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Team A alerts" and attributes["Owner"] == ACCOUNT_A
    assert attributes["TopicArn"] == arn and attributes["SubscriptionsConfirmed"] == "0"
    assert json.loads(attributes["Policy"])["Statement"][0]["Resource"] == arn
    assert json.loads(attributes["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)  # deleting again succeeds, as in SNS
    with pytest.raises(ClientError) as error:
        sns.get_topic_attributes(TopicArn=arn)
    assert error.value.response["Error"]["Code"] == "NotFound"
    assert error.value.response["Error"]["Message"] == "Topic does not exist"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_bad_requests_are_refused_with_sns_errors(sns, server, name):
    with pytest.raises(ClientError) as error:
        sns.create_topic(Name="bad name!")
    assert error.value.response["Error"] == {"Type": "Sender", "Code": "InvalidParameter",
                                             "Message": "Invalid parameter: Topic Name"}
    arn = sns.create_topic(Name=topic_name(name))["TopicArn"]
    for kwargs, message in [
        (dict(Protocol="smtp", Endpoint="x"), "Invalid parameter: Amazon SNS does not support this protocol string: smtp"),
        (dict(Protocol="https", Endpoint="http://example.com/"), "Invalid parameter: Endpoint must match the specified protocol"),
    ]:
        with pytest.raises(ClientError) as error:
            sns.subscribe(TopicArn=arn, **kwargs)
        assert error.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError) as error:
        sns.confirm_subscription(TopicArn=arn, Token="00" * 64)
    assert error.value.response["Error"]["Message"] == "Invalid parameter: Token"
    with pytest.raises(ClientError) as error:
        sns.publish(TopicArn=arn, Message="x" * (262_144 + 1))
    assert error.value.response["Error"]["Code"] == "InvalidParameter"
    reader = server.client(KEYS["a_reader"], service="sns")
    with pytest.raises(ClientError) as error:
        reader.create_topic(Name=topic_name(name) + "-r")
    assert error.value.response["Error"]["Code"] == "AuthorizationError"
    # Another account's topic is not reachable without a topic policy that allows it.
    other = server.client(KEYS["b_admin"], service="sns")
    with pytest.raises(ClientError) as error:
        other.publish(TopicArn=arn, Message="hello")
    assert error.value.response["Error"]["Code"] == "AuthorizationError"


def test_http_subscription_confirms_and_receives_signed_notifications(sns, server, endpoint, name):
    arn = sns.create_topic(Name=topic_name(name))["TopicArn"]
    subscription = subscribe_and_confirm(sns, server, arn, endpoint)
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert attributes["PendingConfirmation"] == "false" and attributes["Endpoint"] == endpoint.url
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["SubscriptionsConfirmed"] == "1"

    endpoint.failures = 1  # the first attempt fails: SNS's retry policy delivers it again
    published = sns.publish(
        TopicArn=arn, Message="disk full on host-1 \u2603", Subject="Disk alert",
        MessageAttributes={"severity": {"DataType": "String", "StringValue": "high"},
                           "count": {"DataType": "Number", "StringValue": "3"}})
    [notification] = endpoint.wait("Notification", timeout=120)
    verify(notification, server)
    assert notification["MessageId"] == published["MessageId"]
    assert notification["Message"] == "disk full on host-1 \u2603" and notification["Subject"] == "Disk alert"
    assert notification["MessageAttributes"] == {"count": {"Type": "Number", "Value": "3"},
                                                 "severity": {"Type": "String", "Value": "high"}}
    headers = [h for h, body in endpoint.messages if json.loads(body)["Type"] == "Notification"][0]
    assert headers["x-amz-sns-subscription-arn"] == subscription and headers["x-amz-sns-topic-arn"] == arn
    assert headers["User-Agent"] == "Amazon Simple Notification Service Agent"

    # A tampered message does not verify.
    forged = dict(notification, Message="all is well")
    with pytest.raises(Exception):
        verify(forged, server)

    # UnsubscribeURL works unsigned, as in SNS; nothing more arrives.
    with urllib.request.urlopen(notification["UnsubscribeURL"], timeout=10) as response:
        assert response.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    sns.publish(TopicArn=arn, Message="after unsubscribe")
    time.sleep(2)
    assert len(endpoint.wait("Notification")) == 1


def test_alarm_notifies_through_a_topic(sns, server, endpoint, name):
    cloudwatch = server.client(KEYS["a_admin"], service="cloudwatch")
    arn = sns.create_topic(Name=topic_name(name))["TopicArn"]
    subscribe_and_confirm(sns, server, arn, endpoint)
    alarm = topic_name(name) + "-alarm"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm, Namespace="E2E/SNS", MetricName="Errors", Statistic="Sum", Period=60, EvaluationPeriods=1,
        Threshold=5, ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore",
        AlarmActions=[arn], OKActions=[arn])
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="threshold crossed in a test")
    [notification] = endpoint.wait("Notification")
    verify(notification, server)
    assert notification["Subject"] == f'ALARM: "{alarm}" in US East (N. Virginia)'
    message = json.loads(notification["Message"])
    assert message["AlarmName"] == alarm and message["NewStateValue"] == "ALARM"
    assert message["OldStateValue"] == "INSUFFICIENT_DATA"
    assert message["NewStateReason"] == "threshold crossed in a test"
    assert message["AWSAccountId"] == ACCOUNT_A and message["Region"] == "US East (N. Virginia)"
    assert message["AlarmActions"] == [arn] and message["AlarmArn"].endswith(":alarm:" + alarm)
    assert message["Trigger"]["Statistic"] == "SUM" and message["Trigger"]["Threshold"] == 5.0
    assert message["Trigger"]["Dimensions"] == [] and "DatapointsToAlarm" not in message["Trigger"]
    deadline = time.time() + 60
    while time.time() < deadline:
        actions = cloudwatch.describe_alarm_history(AlarmName=alarm, HistoryItemType="Action")["AlarmHistoryItems"]
        if actions:
            break
        time.sleep(0.5)
    assert actions[0]["HistorySummary"] == f"Successfully executed action {arn}"

    # With actions disabled, a transition notifies nobody.
    cloudwatch.disable_alarm_actions(AlarmNames=[alarm])
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="recovered in a test")
    time.sleep(3)
    assert len(endpoint.wait("Notification")) == 1
    cloudwatch.enable_alarm_actions(AlarmNames=[alarm])
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="again")
    notifications = endpoint.wait("Notification", count=2)
    assert json.loads(notifications[1]["Message"])["NewStateValue"] == "ALARM"
