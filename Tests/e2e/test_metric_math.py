"""Metric math in GetMetricData through boto3 (CBOR) and botocore's query protocol (as Grafana sends it)."""

import datetime
import time

import pytest
from botocore.exceptions import ClientError

from conftest import KEYS


@pytest.fixture
def cloudwatch(server):
    return server.client(KEYS["a_admin"], service="cloudwatch")


def put_requests_and_errors(cloudwatch, namespace):
    """Three minutes: requests 10, 20, 40; errors 1, (none), 4."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    minutes = [now - datetime.timedelta(minutes=m) for m in (3, 2, 1)]
    data = [{"MetricName": "Requests", "Timestamp": t, "Value": v} for t, v in zip(minutes, (10, 20, 40))]
    data += [{"MetricName": "Errors", "Timestamp": minutes[0], "Value": 1},
             {"MetricName": "Errors", "Timestamp": minutes[2], "Value": 4}]
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=data)
    return now, minutes


def stat(id, namespace, metric, visible=False):
    return {"Id": id, "ReturnData": visible, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": metric}, "Period": 60, "Stat": "Sum"}}


def test_expressions_over_metrics(cloudwatch, name):
    namespace = "E2E/Math" + name.replace("/", "-")
    now, minutes = put_requests_and_errors(cloudwatch, namespace)
    response = cloudwatch.get_metric_data(
        MetricDataQueries=[
            stat("errors", namespace, "Errors"), stat("requests", namespace, "Requests"),
            {"Id": "rate", "Expression": "100 * errors / requests", "Label": "error rate"},
            {"Id": "filled", "Expression": "FILL(errors, 0)"},
            {"Id": "total", "Expression": "SUM(METRICS())"},
            {"Id": "bigger", "Expression": "IF(requests > 15, requests, 0)"},
        ],
        StartTime=now - datetime.timedelta(minutes=5), EndTime=now, ScanBy="TimestampAscending")
    results = {r["Id"]: r for r in response["MetricDataResults"]}
    assert sorted(results) == ["bigger", "filled", "rate", "total"]  # ReturnData false hides the metrics
    assert results["rate"]["Label"] == "error rate"
    # A point missing in one series of an operation counts as 0 (AWS's metric math rule).
    assert results["rate"]["Timestamps"] == minutes
    assert results["rate"]["Values"] == [10.0, 0.0, 10.0]
    filled = dict(zip(results["filled"]["Timestamps"], results["filled"]["Values"]))
    assert [filled.get(t) for t in minutes] == [1.0, 0.0, 4.0]
    # METRICS() is both metrics: missing points count as 0 in SUM.
    assert dict(zip(results["total"]["Timestamps"], results["total"]["Values"])) == {
        minutes[0]: 11.0, minutes[1]: 20.0, minutes[2]: 44.0}
    assert dict(zip(results["bigger"]["Timestamps"], results["bigger"]["Values"])) == {
        minutes[0]: 0.0, minutes[1]: 20.0, minutes[2]: 40.0}


def test_division_by_zero_drops_points_with_aws_message(cloudwatch, name):
    namespace = "E2E/Math0" + name.replace("/", "-")
    now, minutes = put_requests_and_errors(cloudwatch, namespace)
    response = cloudwatch.get_metric_data(
        MetricDataQueries=[stat("requests", namespace, "Requests"),
                           {"Id": "odd", "Expression": "requests / (requests - 20)"}],
        StartTime=now - datetime.timedelta(minutes=5), EndTime=now, ScanBy="TimestampAscending")
    [odd] = response["MetricDataResults"]
    assert odd["Timestamps"] == [minutes[0], minutes[2]]
    assert odd["Messages"] == [{"Code": "ArithmeticError", "Value": (
        "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)")}]


def test_bad_expressions_are_refused(cloudwatch, name):
    now = datetime.datetime.now(datetime.timezone.utc)
    for queries in [
        [{"Id": "e1", "Expression": "SUM(m1"}],
        [{"Id": "e1", "Expression": "NO_SUCH(1)"}],
        [{"Id": "e1", "Expression": "m9 * 2"}],
        [{"Id": "e1", "Expression": "e2 + 1"}, {"Id": "e2", "Expression": "e1 + 1"}],
    ]:
        with pytest.raises(ClientError) as error:
            cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=now - datetime.timedelta(hours=1),
                                       EndTime=now)
        assert error.value.response["Error"]["Code"] == "ValidationError", queries


def test_grafana_style_query_protocol_math(cw_query, cloudwatch, name):
    namespace = "E2E/MathQ" + name.replace("/", "-")
    now, minutes = put_requests_and_errors(cloudwatch, namespace)
    response = cw_query.get_metric_data(
        MetricDataQueries=[stat("a", namespace, "Requests"), {"Id": "b", "Expression": "a * 2", "Label": "double"}],
        StartTime=now - datetime.timedelta(minutes=5), EndTime=now)
    [result] = response["MetricDataResults"]
    assert result["Label"] == "double" and result["Values"] == [80.0, 40.0, 20.0]


def test_a_metric_math_alarm_compares_its_expression(cloudwatch, name):
    namespace = "E2E/MathAlarm" + name.replace("/", "-")
    alarm = "math" + name.replace("/", "-")
    last_minute = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) - \
        datetime.timedelta(minutes=1)
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Errors", "Timestamp": last_minute, "Value": 3},
        {"MetricName": "Requests", "Timestamp": last_minute, "Value": 5}])
    metrics = [stat("errors", namespace, "Errors"), stat("requests", namespace, "Requests"),
               {"Id": "rate", "Expression": "100 * errors / requests", "Label": "error rate", "ReturnData": True}]
    cloudwatch.put_metric_alarm(
        AlarmName=alarm, Metrics=metrics, EvaluationPeriods=1, Threshold=50,
        ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
    [found] = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
    assert [m["Id"] for m in found["Metrics"]] == ["errors", "requests", "rate"]
    assert found["Metrics"][2]["Expression"] == "100 * errors / requests" and "MetricName" not in found
    assert found["Metrics"][0]["MetricStat"]["Metric"]["MetricName"] == "Errors"
    # The last minute's point (60 %) is evaluated at once: ALARM.
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    while datetime.datetime.now() < deadline:
        [found] = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
        if found["StateValue"] == "ALARM":
            break
        time.sleep(0.3)
    assert found["StateValue"] == "ALARM", found["StateReason"]
    assert "[60.0 (" in found["StateReason"] and "greater than the threshold (50.0)" in found["StateReason"]

    for extra, message in [
        ({"MetricName": "Errors"}, "MetricName should not be set if list of Metrics is set."),
        ({"Metrics": [dict(m, ReturnData=True) for m in metrics]},
         "Exactly one element of the metrics list should return data."),
    ]:
        arguments = dict(AlarmName=alarm + "-bad", Metrics=metrics, EvaluationPeriods=1, Threshold=1,
                         ComparisonOperator="GreaterThanThreshold")
        arguments.update(extra)
        with pytest.raises(ClientError) as error:
            cloudwatch.put_metric_alarm(**arguments)
        assert error.value.response["Error"]["Message"] == message
    cloudwatch.delete_alarms(AlarmNames=[alarm])
