"""Metric filters feeding CloudWatch metrics, and the CloudWatch metrics API through boto3 (CBOR), JSON 1.0 and the aws CLI."""

import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

import sigv4
from conftest import KEYS


def minute_start(seconds):
    return int(seconds) // 60 * 60


@pytest.fixture
def cloudwatch_a(server):
    return server.client(KEYS["a_admin"], service="cloudwatch")


@pytest.fixture
def cloudwatch_b(server):
    return server.client(KEYS["b_admin"], service="cloudwatch")


def put_latency_filter(logs, group, namespace, **extra):
    transformation = {"metricName": "Latency", "metricNamespace": namespace, "metricValue": "$.latency", **extra}
    logs.put_metric_filter(
        logGroupName=group, filterName="slow", filterPattern="{ $.latency > 500 }",
        metricTransformations=[transformation],
    )


def test_metric_filter_counts_slow_requests_per_minute_and_aws_cli_reads_them(server, logs_a, cloudwatch_b, name):
    namespace = f"E2E/{name.replace('/', '-')}"
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="api")
    put_latency_filter(logs_a, name, namespace, unit="Milliseconds")
    described = logs_a.describe_metric_filters(logGroupName=name)["metricFilters"]
    assert described[0]["filterName"] == "slow" and described[0]["metricTransformations"][0]["metricValue"] == "$.latency"
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["metricFilterCount"] == 1

    first = minute_start(time.time()) - 300
    latencies = {first: [600, 700, 100, 900], first + 60: [501, 20]}
    for minute, values in latencies.items():
        events = [
            {"timestamp": (minute + i) * 1000, "message": json.dumps({"path": "/x", "latency": v})}
            for i, v in enumerate(values)
        ]
        events.append({"timestamp": (minute + 30) * 1000, "message": "plain text, not JSON"})
        logs_a.put_log_events(logGroupName=name, logStreamName="api", logEvents=events)

    start = datetime.datetime.fromtimestamp(first - 60, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = datetime.datetime.fromtimestamp(first + 180, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = server.aws(
        KEYS["a_reader"], "cloudwatch", "get-metric-statistics", "--namespace", namespace, "--metric-name", "Latency",
        "--start-time", start, "--end-time", end, "--period", "60",
        "--statistics", "Sum", "SampleCount", "Maximum", "--output", "json",
    )
    reply = json.loads(out.stdout)
    assert reply["Label"] == "Latency"
    points = sorted(reply["Datapoints"], key=lambda p: p["Timestamp"])
    assert [(p["Sum"], p["SampleCount"], p["Maximum"], p["Unit"]) for p in points] == [
        (2200.0, 3.0, 900.0, "Milliseconds"),
        (501.0, 1.0, 501.0, "Milliseconds"),
    ]
    # The CLI prints timestamps as received: epoch seconds (CBOR tag 1).
    assert [int(p["Timestamp"]) for p in points] == [first, first + 60]

    # Another account sees none of it.
    assert cloudwatch_b.list_metrics(Namespace=namespace)["Metrics"] == []
    other = cloudwatch_b.get_metric_statistics(
        Namespace=namespace, MetricName="Latency", StartTime=first - 60, EndTime=first + 180, Period=60,
        Statistics=["Sum"],
    )
    assert other["Datapoints"] == []

    logs_a.delete_metric_filter(logGroupName=name, filterName="slow")
    assert logs_a.describe_metric_filters(logGroupName=name)["metricFilters"] == []
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["metricFilterCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_metric_filter(logGroupName=name, filterName="slow")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_space_delimited_filter_with_dimensions_and_default_value(logs_a, cloudwatch_a, name):
    namespace = f"E2E/{name.replace('/', '-')}"
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="access")
    logs_a.put_metric_filter(
        logGroupName=name, filterName="bytes", filterPattern="[ip, user, status, bytes]",
        metricTransformations=[{
            "metricName": "Bytes", "metricNamespace": namespace, "metricValue": "$bytes",
            "dimensions": {"Status": "$status"},
        }],
    )
    logs_a.put_metric_filter(
        logGroupName=name, filterName="errors", filterPattern="ERROR",
        metricTransformations=[{"metricName": "Errors", "metricNamespace": namespace, "metricValue": "1",
                                "defaultValue": 0}],
    )
    minute = minute_start(time.time()) - 120
    lines = ["1.1.1.1 a 200 100", "1.1.1.2 b 404 7", "1.1.1.3 c 200 50", "not four fields"]
    logs_a.put_log_events(
        logGroupName=name, logStreamName="access",
        logEvents=[{"timestamp": (minute + i) * 1000, "message": m} for i, m in enumerate(lines)],
    )
    metrics = cloudwatch_a.list_metrics(Namespace=namespace)["Metrics"]
    assert sorted((m["MetricName"], json.dumps(m["Dimensions"])) for m in metrics) == [
        ("Bytes", json.dumps([{"Name": "Status", "Value": "200"}])),
        ("Bytes", json.dumps([{"Name": "Status", "Value": "404"}])),
        ("Errors", "[]"),
    ]
    ok = cloudwatch_a.get_metric_statistics(
        Namespace=namespace, MetricName="Bytes", Dimensions=[{"Name": "Status", "Value": "200"}],
        StartTime=minute, EndTime=minute + 60, Period=60, Statistics=["Sum", "Average"],
    )["Datapoints"]
    assert [(p["Sum"], p["Average"]) for p in ok] == [(150.0, 75.0)]
    errors = cloudwatch_a.get_metric_statistics(
        Namespace=namespace, MetricName="Errors", StartTime=minute, EndTime=minute + 60, Period=60,
        Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    assert [(p["Sum"], p["SampleCount"]) for p in errors] == [(0.0, 1.0)]


def test_metric_filter_rules(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    transformation = {"metricName": "M", "metricNamespace": "N", "metricValue": "$.x"}

    def refused(code, **changes):
        args = dict(logGroupName=name, filterName="f", filterPattern="{ $.x > 1 }",
                    metricTransformations=[transformation])
        args.update(changes)
        with pytest.raises(ClientError) as excinfo:
            logs_a.put_metric_filter(**args)
        assert excinfo.value.response["Error"]["Code"] == code, excinfo.value.response

    refused("InvalidParameterException", filterPattern="ERROR")  # $.x needs a JSON pattern
    refused("InvalidParameterException", filterPattern="{ $.x > }")
    refused("InvalidParameterException", metricTransformations=[dict(transformation, metricValue="$nope")])
    refused("InvalidParameterException",
            metricTransformations=[dict(transformation, dimensions={"D": "$.d"}, defaultValue=0)])
    refused("ResourceNotFoundException", logGroupName=name + "-missing")
    for i in range(100):
        logs_a.put_metric_filter(logGroupName=name, filterName=f"f{i:03}", filterPattern="{ $.x > 1 }",
                                 metricTransformations=[transformation])
    refused("LimitExceededException", filterName="one-too-many")
    # Replacing an existing filter is not a new one.
    logs_a.put_metric_filter(logGroupName=name, filterName="f000", filterPattern="{ $.x > 2 }",
                             metricTransformations=[transformation])
    pages = list(logs_a.get_paginator("describe_metric_filters").paginate(logGroupName=name))
    names = [f["filterName"] for p in pages for f in p["metricFilters"]]
    assert len(pages) == 2 and names == [f"f{i:03}" for i in range(100)]
    by_prefix = logs_a.describe_metric_filters(logGroupName=name, filterNamePrefix="f00")["metricFilters"]
    assert [f["filterName"] for f in by_prefix] == [f"f00{i}" for i in range(10)]
    assert by_prefix[0]["filterPattern"] == "{ $.x > 2 }"
    by_metric = logs_a.describe_metric_filters(metricName="M", metricNamespace="N", limit=3)["metricFilters"]
    assert len(by_metric) == 3


def test_put_metric_data_then_get_metric_data(cloudwatch_a, cloudwatch_b):
    namespace = f"E2E/App{int(time.time() * 1000)}"
    base = minute_start(time.time()) - 600
    cloudwatch_a.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": base + 5,
             "Value": 10, "Unit": "Count"},
            {"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": base + 65,
             "Values": [1, 2, 3], "Counts": [1, 1, 2], "Unit": "Count"},
            {"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": base + 70,
             "StatisticValues": {"SampleCount": 2, "Sum": 30, "Minimum": 10, "Maximum": 20}, "Unit": "Count"},
        ],
    )
    metric = {"Namespace": namespace, "MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "a"}]}
    reply = cloudwatch_a.get_metric_data(
        MetricDataQueries=[
            {"Id": "sum", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}},
            {"Id": "avg", "MetricStat": {"Metric": metric, "Period": 120, "Stat": "Average"}, "Label": "mean"},
            {"Id": "p50", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "p50"}},
            {"Id": "hidden", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Maximum"}, "ReturnData": False},
        ],
        StartTime=base, EndTime=base + 120, ScanBy="TimestampAscending",
    )
    results = {r["Id"]: r for r in reply["MetricDataResults"]}
    assert set(results) == {"sum", "avg", "p50"}
    assert results["sum"]["Values"] == [10.0, 39.0]
    assert [int(t.timestamp()) for t in results["sum"]["Timestamps"]] == [base, base + 60]
    assert results["avg"]["Label"] == "mean" and results["avg"]["Values"] == [49.0 / 7]
    assert results["p50"]["Values"] == [10.0, 2.0]  # nearest rank over 1, 2, 3, 3
    assert results["sum"]["StatusCode"] == "Complete"
    # Descending is the default order.
    descending = cloudwatch_a.get_metric_data(
        MetricDataQueries=[{"Id": "sum", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}}],
        StartTime=base, EndTime=base + 120,
    )["MetricDataResults"][0]
    assert descending["Values"] == [39.0, 10.0]

    assert cloudwatch_a.list_metrics(Namespace=namespace)["Metrics"] == [metric]
    assert cloudwatch_a.list_metrics(Namespace=namespace, Dimensions=[{"Name": "Host", "Value": "b"}])["Metrics"] == []
    assert cloudwatch_a.list_metrics(Namespace=namespace, RecentlyActive="PT3H")["Metrics"] == [metric]
    assert cloudwatch_b.list_metrics(Namespace=namespace)["Metrics"] == []
    other = cloudwatch_b.get_metric_data(
        MetricDataQueries=[{"Id": "sum", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}}],
        StartTime=base, EndTime=base + 120,
    )
    assert other["MetricDataResults"][0]["Values"] == []


def test_get_metric_data_pages_by_max_datapoints(cloudwatch_a):
    namespace = f"E2E/Pages{int(time.time() * 1000)}"
    base = minute_start(time.time()) - 900
    cloudwatch_a.put_metric_data(
        Namespace=namespace,
        MetricData=[{"MetricName": "M", "Timestamp": base + 60 * i, "Value": i} for i in range(5)],
    )
    metric = {"Namespace": namespace, "MetricName": "M"}
    queries = [
        {"Id": "a", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}},
        {"Id": "b", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Maximum"}},
    ]
    values, token, pages = {"a": [], "b": []}, None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        reply = cloudwatch_a.get_metric_data(
            MetricDataQueries=queries, StartTime=base, EndTime=base + 300, ScanBy="TimestampAscending",
            MaxDatapoints=3, **kwargs)
        pages += 1
        assert sum(len(r["Values"]) for r in reply["MetricDataResults"]) <= 3
        for result in reply["MetricDataResults"]:
            values[result["Id"]] += result["Values"]
            assert result["StatusCode"] == ("PartialData" if "NextToken" in reply
                                            and result is reply["MetricDataResults"][-1] else "Complete")
        token = reply.get("NextToken")
        if not token:
            break
    assert pages == 4
    assert values == {"a": [0.0, 1.0, 2.0, 3.0, 4.0], "b": [0.0, 1.0, 2.0, 3.0, 4.0]}
    with pytest.raises(ClientError) as excinfo:
        cloudwatch_a.get_metric_data(MetricDataQueries=queries, StartTime=base, EndTime=base + 300,
                                     NextToken="bm9wZQ==")
    assert excinfo.value.response["Error"]["Code"] == "InvalidNextToken"


def test_statistic_values_out_of_range_are_refused(cloudwatch_a):
    namespace = f"E2E/Stats{int(time.time() * 1000)}"
    for field, value in [("Sum", 1e300), ("Minimum", -1e300), ("Maximum", 1e300), ("SampleCount", 1e300)]:
        statistics = {"SampleCount": 2, "Sum": 3, "Minimum": 1, "Maximum": 2, field: value}
        with pytest.raises(ClientError) as excinfo:
            cloudwatch_a.put_metric_data(
                Namespace=namespace, MetricData=[{"MetricName": "M", "StatisticValues": statistics}])
        error = excinfo.value.response["Error"]
        assert error["Code"] == "InvalidParameterValue", error
        assert f"StatisticValues.{field}" in error["Message"]
    assert cloudwatch_a.list_metrics(Namespace=namespace)["Metrics"] == []


def test_metrics_api_errors_use_cloudwatch_codes(cloudwatch_a, server):
    def refused(call, code, **kwargs):
        with pytest.raises(ClientError) as excinfo:
            call(**kwargs)
        assert excinfo.value.response["Error"]["Code"] == code, excinfo.value.response
        return excinfo.value.response["Error"]["Message"]

    now = int(time.time())
    message = refused(
        cloudwatch_a.get_metric_statistics, "InvalidParameterCombination", Namespace="N", MetricName="M",
        StartTime=now - 60, EndTime=now, Period=60,
    )
    assert "Statistics" in message
    refused(cloudwatch_a.get_metric_statistics, "InvalidParameterValue", Namespace="N", MetricName="M",
            StartTime=now, EndTime=now - 60, Period=60, Statistics=["Sum"])
    refused(cloudwatch_a.get_metric_statistics, "InvalidParameterValue", Namespace="N", MetricName="M",
            StartTime=now - 600, EndTime=now, Period=7, Statistics=["Sum"])
    refused(cloudwatch_a.get_metric_statistics, "InvalidParameterCombination", Namespace="N", MetricName="M",
            StartTime=now - 86400 * 2, EndTime=now, Period=60, Statistics=["Sum"])
    refused(cloudwatch_a.put_metric_data, "InvalidParameterValue", Namespace="AWS/EC2",
            MetricData=[{"MetricName": "M", "Value": 1}])
    refused(cloudwatch_a.put_metric_data, "InvalidParameterCombination", Namespace="N",
            MetricData=[{"MetricName": "M", "Value": 1, "Values": [1]}])
    refused(cloudwatch_a.put_metric_data, "InvalidParameterValue", Namespace="N",
            MetricData=[{"MetricName": "M", "Value": 1, "Timestamp": now - 86400 * 20}])
    reader = server.client(KEYS["a_reader"], service="cloudwatch")
    refused(reader.put_metric_data, "AccessDeniedException", Namespace="N", MetricData=[{"MetricName": "M", "Value": 1}])
    server.client(KEYS["a_writer"], service="cloudwatch").put_metric_data(
        Namespace="E2E/Writer", MetricData=[{"MetricName": "M", "Value": 1}])


def test_json_1_0_protocol_serves_the_same_api(server):
    namespace = f"E2E/Json{int(time.time() * 1000)}"
    now = int(time.time())

    def call(operation, payload):
        body = json.dumps(payload).encode()
        return sigv4.call(
            server.endpoint, KEYS["a_admin"], f"GraniteServiceVersion20100801.{operation}", body,
            service="monitoring", content_type="application/x-amz-json-1.0",
        )

    status, headers, reply = call("PutMetricData", {"Namespace": namespace, "MetricData": [
        {"MetricName": "Hits", "Value": 4, "Timestamp": now - 30}]})
    assert status == 200 and reply == {}
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    status, _, reply = call("GetMetricStatistics", {
        "Namespace": namespace, "MetricName": "Hits", "StartTime": now - 600, "EndTime": now + 60, "Period": 600,
        "Statistics": ["Sum"]})
    assert status == 200 and [p["Sum"] for p in reply["Datapoints"]] == [4]
    status, headers, reply = call("GetMetricStatistics", {"Namespace": namespace})
    assert status == 400 and reply["__type"] == "MissingRequiredParameterException"
    assert headers["x-amzn-query-error"] == "MissingParameter;Sender"


def test_concurrent_writers_are_counted_exactly_once(server, logs_a, cloudwatch_a, name):
    import concurrent.futures

    namespace = f"E2E/{name.replace('/', '-')}"
    logs_a.create_log_group(logGroupName=name)
    logs_a.put_metric_filter(
        logGroupName=name, filterName="all", filterPattern="",
        metricTransformations=[{"metricName": "Events", "metricNamespace": namespace, "metricValue": "1"}],
    )
    minute = minute_start(time.time()) - 60
    writers, batches, per_batch = 6, 15, 40

    def write(writer):
        client = server.client(KEYS["a_admin"])
        client.create_log_stream(logGroupName=name, logStreamName=f"w{writer}")
        for b in range(batches):
            client.put_log_events(
                logGroupName=name, logStreamName=f"w{writer}",
                logEvents=[{"timestamp": (minute + b) * 1000 + i, "message": f"w{writer} b{b} e{i}"}
                           for i in range(per_batch)],
            )

    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    points = cloudwatch_a.get_metric_statistics(
        Namespace=namespace, MetricName="Events", StartTime=minute, EndTime=minute + 60, Period=60,
        Statistics=["SampleCount", "Sum"],
    )["Datapoints"]
    assert [(p["SampleCount"], p["Sum"]) for p in points] == [(writers * batches * per_batch,) * 2]


def test_large_put_metric_data_arrives_gzip_compressed_and_is_read(cloudwatch_a):
    """botocore gzips PutMetricData bodies of 10 KB and more (Content-Encoding: gzip) before signing them."""
    namespace = f"E2E/Big{int(time.time() * 1000)}"
    base = minute_start(time.time()) - 300
    data = [{"MetricName": f"M{i % 10}", "Dimensions": [{"Name": "Shard", "Value": f"s{i % 50:03}"}],
             "Timestamp": base + i % 60, "Value": float(i)} for i in range(1000)]
    cloudwatch_a.put_metric_data(Namespace=namespace, MetricData=data)
    metrics = cloudwatch_a.get_paginator("list_metrics").paginate(Namespace=namespace)
    assert sum(len(page["Metrics"]) for page in metrics) == 50  # 10 names × 5 shards each (i % 10, i % 50)
    total = cloudwatch_a.get_metric_statistics(
        Namespace=namespace, MetricName="M3", Dimensions=[{"Name": "Shard", "Value": "s003"}],
        StartTime=base, EndTime=base + 60, Period=60, Statistics=["SampleCount", "Sum"])["Datapoints"]
    assert [(p["SampleCount"], p["Sum"]) for p in total] == [(20.0, float(sum(range(3, 1000, 50))))]


def test_dimension_values_from_events_are_never_stored_in_clear(server, logs_a, cloudwatch_a, name):
    """A metric filter's dimension value comes from the event (`{"user": "$.user"}`): ListMetrics (with and without
    a dimension filter) and GetMetricStatistics find it, yet the marker is nowhere in PostgreSQL's files (tables,
    indexes, WAL, log); the same for a PutMetricData dimension value."""
    import os
    import subprocess
    import uuid

    marker = "cairn-dimension-" + uuid.uuid4().hex
    namespace = "Sealed/" + name.strip("/").replace("/", "-")
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_metric_filter(
        logGroupName=name, filterName="by-user", filterPattern="{ $.user = * }",
        metricTransformations=[{"metricName": "Requests", "metricNamespace": namespace, "metricValue": "1",
                                "dimensions": {"user": "$.user"}}])
    now = int(time.time())
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now * 1000, "message": json.dumps({"user": marker})},
        {"timestamp": now * 1000 + 1, "message": json.dumps({"user": "someone-else"})}])
    cloudwatch_a.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Pushed", "Dimensions": [{"Name": "tenant", "Value": marker + "-pushed"}], "Value": 2}])

    listed = cloudwatch_a.list_metrics(Namespace=namespace)["Metrics"]
    values = sorted(d["Value"] for m in listed for d in m["Dimensions"])
    assert values == sorted([marker, marker + "-pushed", "someone-else"])
    only = cloudwatch_a.list_metrics(Namespace=namespace, Dimensions=[{"Name": "user", "Value": marker}])["Metrics"]
    assert [m["Dimensions"] for m in only] == [[{"Name": "user", "Value": marker}]]
    by_name = cloudwatch_a.list_metrics(Namespace=namespace, Dimensions=[{"Name": "user"}])["Metrics"]
    assert len(by_name) == 2
    stats = cloudwatch_a.get_metric_statistics(
        Namespace=namespace, MetricName="Requests", Dimensions=[{"Name": "user", "Value": marker}],
        StartTime=datetime.datetime.fromtimestamp(minute_start(now) - 60, datetime.timezone.utc),
        EndTime=datetime.datetime.fromtimestamp(minute_start(now) + 120, datetime.timezone.utc),
        Period=60, Statistics=["Sum"])["Datapoints"]
    assert sum(p["Sum"] for p in stats) == 1

    found = subprocess.run(
        ["grep", "-r", "-l", "-a", "-F", marker, os.path.join(server.data_dir, "postgres"),
         os.path.join(server.data_dir, "postgres.log")], capture_output=True, text=True)
    assert found.returncode == 1, f"a dimension value was found in: {found.stdout}"
    found = subprocess.run(["grep", "-r", "-l", "-a", "-F", namespace, os.path.join(server.data_dir, "postgres")],
                           capture_output=True, text=True)
    assert found.returncode == 0  # the namespace is configuration, stored readable: the search works


def test_centralization_fields_are_refused_not_dropped(logs_a, name):
    """fieldSelectionCriteria and emitSystemFieldDimensions / emitSystemFields (log centralization) are refused with
    InvalidParameterException instead of being accepted and ignored; empty values ask for nothing."""
    logs_a.create_log_group(logGroupName=name)
    transformation = [{"metricName": "M", "metricNamespace": "N", "metricValue": "1"}]
    for extra in ({"fieldSelectionCriteria": '@aws.region = "us-east-1"'},
                  {"emitSystemFieldDimensions": ["@aws.account"]}):
        with pytest.raises(ClientError) as excinfo:
            logs_a.put_metric_filter(logGroupName=name, filterName="f", filterPattern="",
                                     metricTransformations=transformation, **extra)
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    assert logs_a.describe_metric_filters(logGroupName=name)["metricFilters"] == []
    logs_a.put_metric_filter(logGroupName=name, filterName="f", filterPattern="", metricTransformations=transformation,
                             fieldSelectionCriteria="", emitSystemFieldDimensions=[])
    assert [f["filterName"] for f in logs_a.describe_metric_filters(logGroupName=name)["metricFilters"]] == ["f"]
