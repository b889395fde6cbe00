"""CloudWatch over the AWS query protocol (form in, XML out), as older SDKs and Grafana speak it.

botocore 1.43 prefers RPC v2 CBOR for CloudWatch; these tests load its own CloudWatch model with the query
protocol chosen, so botocore's query serializer and XML parser talk to Cairn."""

import datetime
import hashlib
import hmac
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import KEYS
from sigv4 import post


def test_metric_data_round_trips_over_the_query_protocol(cw_query, name):
    namespace = "E2E/Query" + name.replace("/", "-")
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    cw_query.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "api & <web>"}],
             "Timestamp": now - datetime.timedelta(minutes=2), "Value": 5.5, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "api & <web>"}],
             "Timestamp": now - datetime.timedelta(minutes=2), "Values": [1, 2], "Counts": [1, 3],
             "Unit": "Milliseconds"},
        ],
    )
    listed = cw_query.list_metrics(Namespace=namespace)["Metrics"]
    assert listed == [{"Namespace": namespace, "MetricName": "Latency",
                       "Dimensions": [{"Name": "Service", "Value": "api & <web>"}]}]
    stats = cw_query.get_metric_statistics(
        Namespace=namespace, MetricName="Latency", Dimensions=[{"Name": "Service", "Value": "api & <web>"}],
        StartTime=now - datetime.timedelta(minutes=10), EndTime=now, Period=60,
        Statistics=["Sum", "SampleCount", "Maximum"],
    )
    [point] = stats["Datapoints"]
    assert point["Sum"] == 5.5 + 1 + 6 and point["SampleCount"] == 5 and point["Maximum"] == 5.5
    assert point["Timestamp"] == now - datetime.timedelta(minutes=2)
    assert point["Unit"] == "Milliseconds"
    data = cw_query.get_metric_data(
        MetricDataQueries=[{"Id": "m1", "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": "Latency",
                       "Dimensions": [{"Name": "Service", "Value": "api & <web>"}]},
            "Period": 60, "Stat": "Sum"}}],
        StartTime=now - datetime.timedelta(minutes=10), EndTime=now,
    )
    [result] = data["MetricDataResults"]
    assert result["Id"] == "m1" and result["StatusCode"] == "Complete"
    assert result["Values"] == [12.5] and result["Timestamps"] == [now - datetime.timedelta(minutes=2)]


def test_alarms_over_the_query_protocol(cw_query, name):
    alarm = "query" + name.replace("/", "-")
    cw_query.put_metric_alarm(
        AlarmName=alarm, Namespace="E2E/Query", MetricName="Errors", Statistic="Sum", Period=60,
        EvaluationPeriods=2, Threshold=3, ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore",
        AlarmActions=[], Tags=[{"Key": "team", "Value": "a"}],
    )
    [described] = cw_query.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
    assert described["Threshold"] == 3.0 and described["Period"] == 60 and described["EvaluationPeriods"] == 2
    assert described["ActionsEnabled"] is True and described["AlarmActions"] == []
    assert described["StateValue"] == "INSUFFICIENT_DATA"
    assert isinstance(described["StateUpdatedTimestamp"], datetime.datetime)
    cw_query.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="testing")
    assert cw_query.describe_alarms(AlarmNames=[alarm], StateValue="ALARM")["MetricAlarms"][0]["StateReason"] == "testing"
    tags = cw_query.list_tags_for_resource(ResourceARN=described["AlarmArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "a"}]
    history = cw_query.describe_alarm_history(AlarmName=alarm, HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert history and history[0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    cw_query.delete_alarms(AlarmNames=[alarm])
    assert cw_query.describe_alarms(AlarmNames=[alarm])["MetricAlarms"] == []


def test_query_errors_are_aws_xml(cw_query, server):
    with pytest.raises(ClientError) as error:
        cw_query.put_metric_alarm(
            AlarmName="bad-period", Namespace="N", MetricName="M", Statistic="Sum", Period=7, EvaluationPeriods=1,
            Threshold=1, ComparisonOperator="GreaterThanThreshold")
    assert error.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as error:
        cw_query.get_dashboard(DashboardName="no-such-dashboard")
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"

    key = KEYS["a_admin"]
    for body, code in [
        (b"Action=NoSuchThing&Version=2010-08-01", "InvalidAction"),
        (b"Version=2010-08-01", "MissingAction"),
        (b"Action=ListMetrics&Version=2010-08-01&Namespace=%zz", "MalformedQueryString"),
    ]:
        headers = _resigned(server, key, body)
        status, response_headers, text = post(server.endpoint, headers, body)
        assert status == 400, text
        assert f"<Code>{code}</Code>" in text and "<Type>Sender</Type>" in text
        assert response_headers["Content-Type"].startswith("text/xml")
        assert "<RequestId>" in text


def test_wrong_signature_is_a_query_error(server):
    key = KEYS["a_admin"]
    body = urllib.parse.urlencode({"Action": "ListMetrics", "Version": "2010-08-01"}).encode()
    headers = _resigned(server, key, body)
    headers["authorization"] = headers["authorization"][:-4] + "0000"
    status, _, text = post(server.endpoint, headers, body)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text


def _resigned(server, key, body):
    """Signs a form body for `monitoring` without an X-Amz-Target header, as query clients send it."""
    when = datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    host = server.endpoint.split("://", 1)[1]
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": host,
               "x-amz-date": amz_date}
    names = sorted(headers)
    canonical = "\n".join(["POST", "/", "", "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names),
                           hashlib.sha256(body).hexdigest()])
    scope = f"{date}/us-east-1/monitoring/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = hmac.new(("AWS4" + key.secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in ("us-east-1", "monitoring", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key.access_key_id}/{scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}")
    return headers
