"""Composite alarms through boto3: the rule over children's states, notifications through an SNS topic, actions
suppression, the children/parents queries and the deletion rules."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import KEYS
from test_sns import Endpoint, subscribe_and_confirm, topic_name, verify


@pytest.fixture
def cloudwatch(server):
    return server.client(KEYS["a_admin"], service="cloudwatch")


@pytest.fixture
def sns(server):
    return server.client(KEYS["a_admin"], service="sns")


def child(cloudwatch, name):
    # `ignore`: with no data the evaluator leaves the state SetAlarmState gives.
    cloudwatch.put_metric_alarm(
        AlarmName=name, Namespace="E2E/Composite", MetricName=name, Statistic="Sum", Period=60, EvaluationPeriods=1,
        Threshold=1, ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore")


def composite(cloudwatch, name):
    [found] = cloudwatch.describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
    return found


def wait_for_state(cloudwatch, name, state, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = composite(cloudwatch, name)
        if found["StateValue"] == state:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{name} stayed {found['StateValue']}, not {state}")


def test_a_composite_follows_its_rule_and_notifies(cloudwatch, sns, server, name):
    base = topic_name(name)
    endpoint = Endpoint().start()
    try:
        topic = sns.create_topic(Name=base)["TopicArn"]
        subscribe_and_confirm(sns, server, topic, endpoint)
        child(cloudwatch, base + "-a")
        child(cloudwatch, base + "-b")
        rule = f'ALARM("{base}-a") OR (ALARM({base}-b) AND NOT OK("{base}-a"))'
        cloudwatch.put_composite_alarm(AlarmName=base, AlarmRule=rule, AlarmActions=[topic], OKActions=[topic],
                                       AlarmDescription="either child")
        # Only metric alarms are listed unless AlarmTypes asks for composites, as in AWS.
        assert cloudwatch.describe_alarms(AlarmNames=[base])["CompositeAlarms"] == []
        found = composite(cloudwatch, base)
        assert found["AlarmRule"] == rule and found["AlarmActions"] == [topic]
        # The children are INSUFFICIENT_DATA: the rule is false, the composite goes to OK.
        found = wait_for_state(cloudwatch, base, "OK")

        cloudwatch.set_alarm_state(AlarmName=base + "-a", StateValue="ALARM", StateReason="child a in a test")
        found = wait_for_state(cloudwatch, base, "ALARM")
        child_arn = found["AlarmArn"] + "-a"
        assert found["StateReason"].startswith(f"{child_arn} transitioned to ALARM at ")
        assert found["StateReason"].endswith(" UTC")
        assert json.loads(found["StateReasonData"])["triggeringAlarms"][0]["arn"] == child_arn
        notifications = endpoint.wait("Notification", count=2)
        for notification in notifications:
            verify(notification, server)
        message = json.loads(notifications[-1]["Message"])
        assert notifications[-1]["Subject"] == f'ALARM: "{base}" in US East (N. Virginia)'
        assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "OK"
        assert message["AlarmRule"] == rule and "Trigger" not in message
        assert [c["Arn"] for c in message["TriggeringChildren"]] == [child_arn]

        cloudwatch.set_alarm_state(AlarmName=base + "-a", StateValue="OK", StateReason="child a recovered")
        wait_for_state(cloudwatch, base, "OK")
        history = cloudwatch.describe_alarm_history(AlarmName=base, AlarmTypes=["CompositeAlarm"],
                                                    HistoryItemType="StateUpdate")["AlarmHistoryItems"]
        assert [h["HistorySummary"] for h in history][:2] == ["Alarm updated from ALARM to OK",
                                                             "Alarm updated from OK to ALARM"]
        assert all(h["AlarmType"] == "CompositeAlarm" for h in history)

        children = cloudwatch.describe_alarms(ChildrenOfAlarmName=base)["MetricAlarms"]
        assert sorted(c["AlarmName"] for c in children) == [base + "-a", base + "-b"]
        assert set(children[0]) >= {"AlarmName", "AlarmArn", "StateValue", "StateUpdatedTimestamp"}
        parents = cloudwatch.describe_alarms(ParentsOfAlarmName=base + "-b")["CompositeAlarms"]
        assert [p["AlarmName"] for p in parents] == [base]

        # A child its parent reads cannot be deleted; the parent first, then the children.
        with pytest.raises(ClientError) as error:
            cloudwatch.delete_alarms(AlarmNames=[base + "-a"])
        assert error.value.response["Error"]["Code"] == "InvalidParameterValue"
        cloudwatch.delete_alarms(AlarmNames=[base])
        cloudwatch.delete_alarms(AlarmNames=[base + "-a", base + "-b"])
        assert cloudwatch.describe_alarms(AlarmNamePrefix=base, AlarmTypes=["MetricAlarm", "CompositeAlarm"]) \
            ["MetricAlarms"] == []
    finally:
        endpoint.stop()


def test_a_suppressor_in_alarm_suppresses_the_actions(cloudwatch, sns, server, name):
    base = topic_name(name)
    endpoint = Endpoint().start()
    try:
        topic = sns.create_topic(Name=base)["TopicArn"]
        subscribe_and_confirm(sns, server, topic, endpoint)
        child(cloudwatch, base + "-child")
        child(cloudwatch, base + "-maintenance")
        cloudwatch.set_alarm_state(AlarmName=base + "-maintenance", StateValue="ALARM", StateReason="window open")
        cloudwatch.put_composite_alarm(
            AlarmName=base, AlarmRule=f"ALARM({base}-child)", AlarmActions=[topic],
            ActionsSuppressor=base + "-maintenance", ActionsSuppressorWaitPeriod=60,
            ActionsSuppressorExtensionPeriod=60)
        wait_for_state(cloudwatch, base, "OK")
        cloudwatch.set_alarm_state(AlarmName=base + "-child", StateValue="ALARM", StateReason="child fails")
        found = wait_for_state(cloudwatch, base, "ALARM")
        assert found["ActionsSuppressedBy"] == "Alarm"
        assert found["ActionsSuppressor"].endswith(":alarm:" + base + "-maintenance")
        assert (found["ActionsSuppressorWaitPeriod"], found["ActionsSuppressorExtensionPeriod"]) == (60, 60)
        time.sleep(3)
        with endpoint.lock:
            assert [m for h, m in endpoint.messages if h.get("x-amz-sns-message-type") == "Notification"] == []
    finally:
        endpoint.stop()


def test_bad_rules_and_cycles(cloudwatch, name):
    base = topic_name(name)
    with pytest.raises(ClientError) as error:
        cloudwatch.put_composite_alarm(AlarmName=base, AlarmRule="ALARM(nobody-here)")
    assert error.value.response["Error"]["Code"] == "ValidationError"
    assert "nobody-here" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        cloudwatch.put_composite_alarm(AlarmName=base, AlarmRule="()")
    assert error.value.response["Error"]["Message"] == "Error in AlarmRule [Unsupported token ')' at char 1]"
    # A cycle can be made (as in AWS); its alarms are not evaluated and cannot be deleted until it is broken.
    cloudwatch.put_composite_alarm(AlarmName=base + "-1", AlarmRule="TRUE")
    cloudwatch.put_composite_alarm(AlarmName=base + "-2", AlarmRule=f"ALARM({base}-1)")
    cloudwatch.put_composite_alarm(AlarmName=base + "-1", AlarmRule=f"ALARM({base}-2)")
    with pytest.raises(ClientError):
        cloudwatch.delete_alarms(AlarmNames=[base + "-2"])
    cloudwatch.put_composite_alarm(AlarmName=base + "-1", AlarmRule="FALSE")
    cloudwatch.delete_alarms(AlarmNames=[base + "-2"])
    cloudwatch.delete_alarms(AlarmNames=[base + "-1"])
