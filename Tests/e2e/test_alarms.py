"""CloudWatch alarms through the real clients: `aws cloudwatch put-metric-alarm` (the CLI) and boto3, AWS's
validation errors, DescribeAlarms and its filters, SetAlarmState and the history it leaves, actions switched off
and on, DeleteAlarms, and the transition in the reserved group `aws/cairn/alarms`. The evaluator's decisions are unit- and integration-tested (AlarmEvaluationTests,
AlarmEvaluatorTests)."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS, free_port
from receiver import Receiver
from test_sns import Endpoint, subscribe_and_confirm, topic_name, verify


@pytest.fixture
def cloudwatch(server):
    return server.client(KEYS["a_admin"], service="cloudwatch")


def alarm_name(name):
    return "alarm" + name.replace("/", "-")


def test_the_cli_creates_an_alarm_that_boto3_describes(server, cloudwatch, name):
    alarm = alarm_name(name)
    server.aws(KEYS["a_admin"], "cloudwatch", "put-metric-alarm", "--alarm-name", alarm, "--metric-name", "Errors",
               "--namespace", "App", "--statistic", "Sum", "--period", "60", "--evaluation-periods", "3",
               "--datapoints-to-alarm", "2", "--threshold", "5", "--comparison-operator", "GreaterThanThreshold",
               # `ignore`: the evaluator (no data for this metric) leaves SetAlarmState's state alone.
               "--treat-missing-data", "ignore", "--dimensions", "Name=Service,Value=checkout",
               "--alarm-actions", "arn:aws:sns:us-east-1:111111111111:pager")
    described = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
    assert len(described) == 1
    found = described[0]
    assert found["AlarmArn"] == f"arn:aws:cloudwatch:us-east-1:111111111111:alarm:{alarm}"
    assert found["StateValue"] == "INSUFFICIENT_DATA"
    assert found["StateReason"] == "Unchecked: Initial alarm creation"
    assert (found["EvaluationPeriods"], found["DatapointsToAlarm"], found["Threshold"]) == (3, 2, 5.0)
    assert found["Dimensions"] == [{"Name": "Service", "Value": "checkout"}]
    assert found["AlarmActions"] == ["arn:aws:sns:us-east-1:111111111111:pager"] and found["ActionsEnabled"]
    assert cloudwatch.describe_alarms_for_metric(MetricName="Errors", Namespace="App", Dimensions=[
        {"Name": "Service", "Value": "checkout"}])["MetricAlarms"][0]["AlarmName"] == alarm
    assert cloudwatch.describe_alarms(ActionPrefix="arn:aws:sns:us-east-1:111111111111:pag",
                                      AlarmNamePrefix=alarm)["MetricAlarms"][0]["AlarmName"] == alarm
    assert cloudwatch.describe_alarms(AlarmNamePrefix=alarm, StateValue="ALARM")["MetricAlarms"] == []

    # SetAlarmState, and the history it leaves.
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="testing the pager",
                               StateReasonData=json.dumps({"why": "test"}))
    found = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
    assert (found["StateValue"], found["StateReason"]) == ("ALARM", "testing the pager")
    # The action is worked by the queue: the topic does not exist, and the history says so.
    deadline = time.time() + 60
    while True:
        history = cloudwatch.describe_alarm_history(AlarmName=alarm)["AlarmHistoryItems"]
        if len(history) == 3 or time.time() > deadline:
            break
        time.sleep(0.3)
    assert [item["HistorySummary"] for item in history] == [
        "Failed to execute action arn:aws:sns:us-east-1:111111111111:pager. Reason: Topic does not exist",
        "Alarm updated from INSUFFICIENT_DATA to ALARM", f'Alarm "{alarm}" created']
    history = [item for item in history if item["HistoryItemType"] == "StateUpdate"]
    assert json.loads(history[0]["HistoryData"])["newState"]["stateReasonData"] == {"why": "test"}
    assert [item["HistoryItemType"] for item in cloudwatch.describe_alarm_history(
        AlarmName=alarm, HistoryItemType="ConfigurationUpdate")["AlarmHistoryItems"]] == ["ConfigurationUpdate"]

    # The transition is an event of the reserved group aws/cairn/alarms, in the alarm's stream.
    logs = server.client(KEYS["a_reader"])
    events = logs.filter_log_events(logGroupName="aws/cairn/alarms", logStreamNames=[alarm])["events"]
    assert len(events) == 1 and events[0]["logStreamName"] == alarm
    assert json.loads(events[0]["message"])["newState"]["stateValue"] == "ALARM"
    assert logs.get_log_events(logGroupName="aws/cairn/alarms", logStreamName=alarm,
                               startFromHead=True)["events"][0]["message"] == events[0]["message"]
    with pytest.raises(ClientError):
        server.client(KEYS["a_admin"]).put_log_events(
            logGroupName="aws/cairn/alarms", logStreamName=alarm, logEvents=[{"timestamp": 1, "message": "forged"}])

    cloudwatch.disable_alarm_actions(AlarmNames=[alarm])
    assert not cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["ActionsEnabled"]
    cloudwatch.enable_alarm_actions(AlarmNames=[alarm])
    assert cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["ActionsEnabled"]

    # Tags on the alarm's ARN.
    arn = found["AlarmArn"]
    cloudwatch.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "payments"}, {"Key": "tier", "Value": "1"}])
    cloudwatch.untag_resource(ResourceARN=arn, TagKeys=["tier"])
    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "payments"}]
    with pytest.raises(ClientError) as unknown:
        cloudwatch.list_tags_for_resource(ResourceARN=arn + "-none")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"

    cloudwatch.delete_alarms(AlarmNames=[alarm, alarm + "-never-existed"])
    assert cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"] == []
    # The history outlives the alarm.
    assert cloudwatch.describe_alarm_history(AlarmName=alarm)["AlarmHistoryItems"][0]["HistorySummary"] == \
        f'Alarm "{alarm}" deleted'


@pytest.mark.parametrize("change, code, message", [
    ({"Period": 45}, "InvalidParameterValue", "Period must be 10, 20, 30 or a multiple of 60"),
    ({"DatapointsToAlarm": 4}, "InvalidParameterValue",
     "DatapointsToAlarm must be less than or equal to EvaluationPeriods"),
    ({"ExtendedStatistic": "p99"}, "InvalidParameterCombination",
     "Exactly one of the parameters Statistic or ExtendedStatistic must be specified."),
    ({"TreatMissingData": "sometimes"}, "InvalidParameterValue",
     "The value sometimes is not supported for TreatMissingData parameter. Supported values are "
     "[breaching, notBreaching, ignore, missing]."),
    ({"ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"}, "InvalidParameterValue",
     "Anomaly detection comparisons"),
])
def test_bad_alarms_are_refused_with_aws_errors(cloudwatch, name, change, code, message):
    alarm = dict(AlarmName=alarm_name(name), MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
                 EvaluationPeriods=3, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    alarm.update(change)
    with pytest.raises(ClientError) as refused:
        cloudwatch.put_metric_alarm(**alarm)
    assert refused.value.response["Error"]["Code"] == code
    assert message in refused.value.response["Error"]["Message"]
    assert cloudwatch.describe_alarms(AlarmNames=[alarm["AlarmName"]])["MetricAlarms"] == []


def test_a_reader_describes_alarms_but_may_not_change_them(server, cloudwatch, name):
    alarm = alarm_name(name)
    cloudwatch.put_metric_alarm(AlarmName=alarm, MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
                                EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    reader = server.client(KEYS["a_reader"], service="cloudwatch")
    assert reader.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["AlarmName"] == alarm
    with pytest.raises(ClientError) as refused:
        reader.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="no")
    assert refused.value.response["Error"]["Code"] == "AccessDenied" or "AccessDenied" in str(refused.value)
    # Another account does not see it.
    other = server.client(KEYS["b_admin"], service="cloudwatch")
    assert other.describe_alarms(AlarmNames=[alarm])["MetricAlarms"] == []
    with pytest.raises(ClientError) as missing:
        other.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="no")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_a_function_action_receives_awss_lambda_alarm_event(server, cloudwatch, name):
    receiver = Receiver(free_port())
    function = server.admin_json("function", "create", "--account", ACCOUNT_A, "--name",
                                 f"alarmfn{abs(hash(name)) % 10**8}", "--url", receiver.url, "--allow-private-network")
    receiver.secret = function["secret"]
    receiver.start()
    try:
        alarm = alarm_name(name)
        cloudwatch.put_metric_alarm(
            AlarmName=alarm, AlarmDescription="pages the on-call", MetricName="Errors", Namespace="App",
            Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
            Dimensions=[{"Name": "Service", "Value": "checkout"}], TreatMissingData="ignore",
            AlarmActions=[function["arn"], "arn:aws:sns:us-east-1:111111111111:not-served"])
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="threshold crossed in a test")
        deadline = time.time() + 30
        while not receiver.messages and time.time() < deadline:
            time.sleep(0.1)
        assert receiver.bad_signatures == 0 and len(receiver.messages) == 1
        event = receiver.messages[0]
        assert event["source"] == "aws.cloudwatch" and event["accountId"] == ACCOUNT_A
        assert event["alarmArn"] == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT_A}:alarm:{alarm}"
        data = event["alarmData"]
        assert data["alarmName"] == alarm
        assert (data["state"]["value"], data["state"]["reason"]) == ("ALARM", "threshold crossed in a test")
        assert data["previousState"]["value"] == "INSUFFICIENT_DATA"
        metric = data["configuration"]["metrics"][0]["metricStat"]
        assert metric["metric"] == {"namespace": "App", "name": "Errors", "dimensions": {"Service": "checkout"}}
        assert (metric["period"], metric["stat"]) == (60, "Sum")
        assert data["configuration"]["description"] == "pages the on-call"

        # Each action's outcome is in the history; the SNS topic is not served yet and says so.
        deadline = time.time() + 30
        while time.time() < deadline:
            actions = [item["HistorySummary"] for item in cloudwatch.describe_alarm_history(
                AlarmName=alarm, HistoryItemType="Action")["AlarmHistoryItems"]]
            if len(actions) == 2:
                break
            time.sleep(0.2)
        assert f"Successfully executed action {function['arn']}" in actions
        assert any(a.startswith("Failed to execute action arn:aws:sns:") for a in actions), actions

        # With actions disabled, a transition invokes nothing.
        cloudwatch.disable_alarm_actions(AlarmNames=[alarm])
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="back")
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="again")
        time.sleep(2)
        assert len(receiver.messages) == 1
    finally:
        receiver.stop()


def test_an_alarm_on_a_metric_filter_goes_to_alarm_after_matching_events(server, logs_a, cloudwatch, name):
    """The whole path on a real worker: events → metric filter → metric → the evaluator at the next minute → a
    signed SNS notification to a subscribed HTTP endpoint; OK again once the matches stop."""
    sns = server.client(KEYS["a_admin"], service="sns")
    endpoint = Endpoint().start()
    try:
        topic = sns.create_topic(Name=topic_name(name))["TopicArn"]
        subscribe_and_confirm(sns, server, topic, endpoint)
        alarm_via_metric_filter(server, logs_a, cloudwatch, name, topic, endpoint)
    finally:
        endpoint.stop()


def alarm_via_metric_filter(server, logs_a, cloudwatch, name, topic, endpoint):
    namespace = "Alarmed" + name.replace("/", "-")
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_metric_filter(logGroupName=name, filterName="errors", filterPattern="ERROR", metricTransformations=[
        {"metricName": "Errors", "metricNamespace": namespace, "metricValue": "1", "defaultValue": 0}])
    alarm = alarm_name(name)
    cloudwatch.put_metric_alarm(AlarmName=alarm, MetricName="Errors", Namespace=namespace, Statistic="Sum",
                                Period=60, EvaluationPeriods=1, Threshold=2.0,
                                ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
                                AlarmActions=[topic], OKActions=[topic])
    written = time.time()
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": int(written * 1000), "message": message} for message in ("ERROR one", "INFO fine", "ERROR two")])
    # Evaluated on the minute after the events' minute: within about 65 s; the test allows for a slow machine.
    deadline = written + 180
    while time.time() < deadline:
        found = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
        if found["StateValue"] == "ALARM":
            break
        time.sleep(1)
    print(f"ALARM {time.time() - written:.1f} s after PutLogEvents returned")
    assert found["StateValue"] == "ALARM", found
    assert found["StateReason"].startswith("Threshold Crossed: 1 datapoint [2.0 (")
    assert found["StateReason"].endswith("] was greater than or equal to the threshold (2.0).")
    reason_data = json.loads(found["StateReasonData"])
    assert reason_data["recentDatapoints"] == [2.0] and reason_data["statistic"] == "Sum"
    # The endpoint gets the ALARM (after an OK if the first evaluation came before the events' minute ended), signed;
    # with no more matches the next minute's evaluation returns the alarm to OK and notifies again.
    def states(count, timeout):
        notifications = endpoint.wait("Notification", count=count, timeout=timeout)
        for notification in notifications:
            verify(notification, server)
        return [json.loads(n["Message"]) for n in notifications]

    first = states(1, 60)
    messages = first if first[-1]["NewStateValue"] == "ALARM" else states(2, 60)
    alarmed = messages[-1]
    assert alarmed["NewStateValue"] == "ALARM" and alarmed["AlarmName"] == alarm
    assert alarmed["Trigger"]["MetricName"] == "Errors" and alarmed["NewStateReason"] == found["StateReason"]
    # A minute without errors (its events count 0 through the filter's default value) returns it to OK.
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": int(time.time() * 1000), "message": "INFO all quiet"}])
    recovered = states(len(messages) + 1, 180)[-1]
    assert recovered["NewStateValue"] == "OK" and recovered["OldStateValue"] == "ALARM"
    assert cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["StateValue"] == "OK"
