"""Logs Insights end to end: boto3 and the aws CLI start queries on a real `cairn serve`, the queue's worker runs
them over the encrypted chunks, GetQueryResults returns AWS's shapes; two groups, a linked account, a customer
key, StopQuery, query definitions, GetLogGroupFields and GetLogRecord."""

import json
import os
import subprocess
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, ACCOUNT_B, KEYS


def now_ms():
    return int(time.time() * 1000)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def seed(logs, group, messages, stream="s", start=None):
    """Creates the group and stream and writes `messages` one millisecond apart; returns the first timestamp."""
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = start or now_ms() - 60_000
    logs.put_log_events(
        logGroupName=group, logStreamName=stream,
        logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)])
    return start


def wait(logs, query_id, timeout=60):
    deadline = time.time() + timeout
    while True:
        response = logs.get_query_results(queryId=query_id)
        if response["status"] not in ("Scheduled", "Running"):
            return response
        if time.time() > deadline:
            raise AssertionError(f"query {query_id} still {response['status']} after {timeout} s")
        time.sleep(0.2)


def rows(response):
    return [{f["field"]: f["value"] for f in row} for row in response["results"]]


def run(logs, query, start, end=None, **where):
    query_id = logs.start_query(
        startTime=start // 1000 - 1, endTime=(end or now_ms()) // 1000 + 1, queryString=query, **where)["queryId"]
    return wait(logs, query_id)


EVENTS = [
    '{"service":"api","status":200,"latency_ms":12,"user":{"name":"ann"}}',
    '{"service":"api","status":503,"latency_ms":250,"user":{"name":"bob"}}',
    '{"service":"db","status":500,"latency_ms":40,"user":{"name":"ann"}}',
    "path=/health status=200 took=3",
    "ERROR path=/orders status=502 took=900",
]


def test_fields_filter_sort_limit_and_record_pointers(logs_a, name):
    start = seed(logs_a, name, EVENTS)
    response = run(
        logs_a, "fields @timestamp, @message, status | filter status >= 500 | sort @timestamp desc | limit 2",
        start, logGroupName=name)
    assert response["status"] == "Complete"
    got = rows(response)
    assert [r["status"] for r in got] == ["502", "500"]
    assert list(got[0]) == ["@timestamp", "@message", "status", "@ptr"]
    assert got[0]["@message"] == EVENTS[4]
    stats = response["statistics"]
    assert stats["recordsScanned"] == 5 and stats["recordsMatched"] == 3 and stats["bytesScanned"] > 0
    # @timestamp as AWS shows it in results, and as epoch milliseconds in GetLogRecord.
    expected = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((start + 4) / 1000)) + f".{(start + 4) % 1000:03d}"
    assert got[0]["@timestamp"] == expected
    record = logs_a.get_log_record(logRecordPointer=got[1]["@ptr"])["logRecord"]
    assert record["@message"] == EVENTS[2]
    assert record["@timestamp"] == str(start + 2)
    assert record["@log"] == f"{ACCOUNT_A}:{name}"
    assert record["@logStream"] == "s"
    assert record["user.name"] == "ann" and record["service"] == "db"
    with pytest.raises(ClientError) as excinfo:
        logs_a.get_log_record(logRecordPointer="not-a-pointer")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_stats_over_json_fields_and_key_value_text(logs_a, name):
    start = seed(logs_a, name, EVENTS)
    response = run(
        logs_a, "filter ispresent(service) | stats avg(latency_ms) as avg, count(*) as n, pct(latency_ms, 50) as p50 "
        "by service | sort service", start, logGroupName=name)
    assert rows(response) == [
        {"service": "api", "avg": "131", "n": "2", "p50": "12"}, {"service": "db", "avg": "40", "n": "1", "p50": "40"}]
    text = run(logs_a, "filter @message like /ERROR/ | stats count(*) as errors, max(took) as slowest by path", start,
               logGroupName=name)
    assert rows(text) == [{"path": "/orders", "errors": "1", "slowest": "900"}]
    binned = run(logs_a, "stats count(*) as n by bin(1h)", start, logGroupName=name)
    assert [r["n"] for r in rows(binned)] in (["5"], ["4", "1"], ["3", "2"], ["2", "3"], ["1", "4"])


def test_the_aws_cli_runs_a_query_across_two_groups(server, logs_a, name):
    start = seed(logs_a, name + "/one", ["alpha 1", "beta 2"])
    seed(logs_a, name + "/two", ["alpha 3"], start=start + 10)
    started = server.aws(
        KEYS["a_reader"], "logs", "start-query", "--log-group-names", name + "/one", name + "/two",
        "--start-time", str(start // 1000 - 1), "--end-time", str(now_ms() // 1000 + 1),
        "--query-string", "filter @message like 'alpha' | fields @message, @log | sort @message")
    query_id = json.loads(started.stdout)["queryId"]
    deadline = time.time() + 60
    while True:
        result = json.loads(server.aws(KEYS["a_reader"], "logs", "get-query-results", "--query-id", query_id).stdout)
        if result["status"] == "Complete" or time.time() > deadline:
            break
        time.sleep(0.2)
    assert result["status"] == "Complete"
    assert [(r["@message"], r["@log"]) for r in rows(result)] == [
        ("alpha 1", f"{ACCOUNT_A}:{name}/one"), ("alpha 3", f"{ACCOUNT_A}:{name}/two")]
    assert result["statistics"]["logGroupsScanned"] == 2
    listed = server.aws(KEYS["a_reader"], "logs", "list-log-groups-for-query", "--query-id", query_id)
    assert sorted(json.loads(listed.stdout)["logGroupIdentifiers"]) == [
        f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}/one",
        f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}/two"]
    described = logs_a.describe_queries(logGroupName=name + "/one")["queries"]
    mine = [q for q in described if q["queryId"] == query_id]
    assert mine and mine[0]["status"] == "Complete"
    assert mine[0]["queryString"].startswith(f'SOURCE "{name}/one" "{name}/two" START=')
    assert mine[0]["queryString"].endswith("| filter @message like 'alpha' | fields @message, @log | sort @message")


def test_groups_named_in_a_source_command(logs_a, name):
    start = seed(logs_a, name + "/x", ["from x"])
    seed(logs_a, name + "/y", ["from y"], start=start + 5)
    by_name = run(logs_a, f'SOURCE "{name}/x" START=-3600s END=0s | fields @message', start)
    assert [r["@message"] for r in rows(by_name)] == ["from x"]
    by_prefix = run(logs_a, f'SOURCE logGroups(namePrefix: ["{name}/"]) | fields @message | sort @message', start)
    assert [r["@message"] for r in rows(by_prefix)] == ["from x", "from y"]
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name + "/x", startTime=0, endTime=10,
                           queryString=f'SOURCE "{name}/y" | fields @message')
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_a_monitoring_account_queries_a_linked_source(server, logs_a, logs_b, name):
    start = seed(logs_a, name, ["from the source ERROR", "quiet"])
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"
    with pytest.raises(ClientError) as excinfo:
        logs_b.start_query(logGroupIdentifiers=[arn], startTime=0, endTime=now_ms() // 1000, queryString="fields @message")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    server.admin("link", "--monitoring", ACCOUNT_B, "--source", ACCOUNT_A)
    try:
        response = run(logs_b, "filter @message like /ERROR/ | fields @message, @log", start, logGroupIdentifiers=[arn])
        assert [(r["@message"], r["@log"]) for r in rows(response)] == [("from the source ERROR", f"{ACCOUNT_A}:{name}")]
        record = logs_b.get_log_record(logRecordPointer=rows(response)[0]["@ptr"])["logRecord"]
        assert record["@message"] == "from the source ERROR"
        # The query shows in the source account's audit trail.
        audit = logs_a.filter_log_events(logGroupName="aws/cairn/kms-audit", filterPattern='"linked query"')["events"]
        assert any(name in e["message"] for e in audit)
    finally:
        server.admin("unlink", "--monitoring", ACCOUNT_B, "--source", ACCOUNT_A)
    # Another account's pointer does not read anything.
    with pytest.raises(ClientError) as excinfo:
        logs_a.get_log_record(logRecordPointer=rows(response)[0]["@ptr"])
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_customer_key_groups_name_the_key_and_its_disabling_hides_results(server, logs_a, name):
    kms = server.client(KEYS["a_admin"], service="kms")
    key = kms.create_key(Description="insights")["KeyMetadata"]
    logs_a.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    start = now_ms() - 1000
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[{"timestamp": start, "message": "kept"}])
    response = run(logs_a, "fields @message", start, logGroupName=name)
    assert response["encryptionKey"] == key["Arn"]
    assert [r["@message"] for r in rows(response)] == ["kept"]
    query_id = logs_a.describe_queries(logGroupName=name)["queries"][0]["queryId"]
    kms.disable_key(KeyId=key["KeyId"])
    deadline = time.time() + 30
    while True:
        try:
            logs_a.get_query_results(queryId=query_id)
        except ClientError as error:
            assert error.response["Error"]["Code"] in ("KMSInvalidStateException", "AccessDeniedException")
            break
        assert time.time() < deadline, "results stayed readable under a disabled key"
        time.sleep(0.2)
    kms.enable_key(KeyId=key["KeyId"])


def test_bad_queries_and_parameters_answer_as_aws(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name, startTime=0, endTime=10, queryString="fields @message | filter (")
    assert excinfo.value.response["Error"]["Code"] == "MalformedQueryException"
    assert excinfo.value.response["Error"]["Message"] == "unexpected symbol found <EOF> at line 1 and position 26"
    location = excinfo.value.response["queryCompileError"]["location"]
    assert location == {"startCharOffset": 26, "endCharOffset": 27}
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name + "-missing", startTime=0, endTime=10, queryString="fields @message")
    assert error_of(excinfo) == (
        "ResourceNotFoundException", f"Log group '{name}-missing' does not exist for account ID '{ACCOUNT_A}'")
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name, startTime=0, endTime=10, queryString="SELECT 1", queryLanguage="SQL")
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name, startTime=20, endTime=10, queryString="fields @message")
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs_a.start_query(logGroupName=name, startTime=0, endTime=10, queryString="fields a", limit=100_001)
    assert error_of(excinfo)[1].startswith("1 validation error detected: Value '100001' at 'limit'")
    with pytest.raises(ClientError) as excinfo:
        logs_a.get_query_results(queryId=str(uuid.uuid4()))
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_stop_query_and_the_concurrency_limit(server, logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    server.admin("account", "quota", "--id", ACCOUNT_A, "--set", "concurrent-queries=0")
    try:
        with pytest.raises(ClientError) as excinfo:
            logs_a.start_query(logGroupName=name, startTime=0, endTime=10, queryString="fields @message")
        assert error_of(excinfo) == (
            "LimitExceededException", "Account maximum query concurrency limit of [0] reached.")
    finally:
        server.admin("account", "quota", "--id", ACCOUNT_A, "--reset", "concurrent-queries")
    query_id = logs_a.start_query(
        logGroupName=name, startTime=0, endTime=10, queryString="fields @message")["queryId"]
    try:
        assert logs_a.stop_query(queryId=query_id)["success"] is True
        assert logs_a.get_query_results(queryId=query_id)["status"] == "Cancelled"
    except ClientError as error:  # the worker was faster than StopQuery
        assert error.response["Error"]["Code"] == "InvalidParameterException"
        assert logs_a.get_query_results(queryId=query_id)["status"] == "Complete"


def test_query_definitions(logs_a, name):
    first = logs_a.put_query_definition(
        name=name + "/errors", queryString="filter @message like /ERROR/", logGroupNames=[name])["queryDefinitionId"]
    second = logs_a.put_query_definition(name=name + "/all", queryString="fields @message")["queryDefinitionId"]
    listed = logs_a.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"]
    assert [(d["name"], d["queryDefinitionId"]) for d in listed] == [(name + "/all", second), (name + "/errors", first)]
    assert listed[1]["logGroupNames"] == [name] and listed[1]["queryString"] == "filter @message like /ERROR/"
    logs_a.put_query_definition(queryDefinitionId=first, name=name + "/errors", queryString="fields 1")
    page = logs_a.describe_query_definitions(queryDefinitionNamePrefix=name, maxResults=1)
    assert len(page["queryDefinitions"]) == 1 and "nextToken" in page
    rest = logs_a.describe_query_definitions(queryDefinitionNamePrefix=name, maxResults=1, nextToken=page["nextToken"])
    assert rest["queryDefinitions"][0]["queryString"] == "fields 1"
    assert logs_a.delete_query_definition(queryDefinitionId=first)["success"] is True
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_query_definition(queryDefinitionId=first)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_log_group_fields_from_recent_events(logs_a, name):
    seed(logs_a, name, ['{"a":1,"b":{"c":2}}', '{"a":3}'], start=now_ms() - 1000)
    fields = {f["name"]: f["percent"] for f in logs_a.get_log_group_fields(logGroupName=name)["logGroupFields"]}
    assert fields["@message"] == 100 and fields["@timestamp"] == 100 and fields["a"] == 100 and fields["b.c"] == 50


def test_results_are_never_stored_in_clear(server, logs_a, name):
    marker = "cairn-insights-marker-" + uuid.uuid4().hex
    start = seed(logs_a, name, [f"secret {marker} payload"])
    response = run(logs_a, "fields @message, concat(@message, '!') as shouted", start, logGroupName=name)
    assert marker in rows(response)[0]["shouted"]
    subprocess.run(["sync"])
    found = subprocess.run(
        ["grep", "-r", "-l", "-a", "-F", marker, os.path.join(server.data_dir, "postgres"),
         os.path.join(server.data_dir, "postgres.log")], capture_output=True, text=True)
    assert found.returncode == 1, f"plaintext found in: {found.stdout}"
