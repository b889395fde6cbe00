"""The filter-pattern language through FilterLogEvents and TestMetricFilter, over text, JSON and space-delimited events."""

import json
import os
import time

import pytest
from botocore.exceptions import ClientError

CORPUS = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[INFO 200] OK fine",
    json.dumps({"level": "ERROR", "latency": 812, "user": {"id": 7}, "tags": ["db", "slow"], "retry": True}),
    json.dumps({"level": "INFO", "latency": 12.5, "user": {"id": 8}, "tags": ["web"], "retry": False, "gone": None}),
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 404 2326',
    '10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] "POST /api HTTP/1.1" 200 120',
]


@pytest.fixture(scope="module")
def corpus_group(server):
    from conftest import KEYS

    client = server.client(KEYS["a_admin"])
    name = f"/e2e/filter-patterns/{int(time.time() * 1000)}"
    client.create_log_group(logGroupName=name)
    client.create_log_stream(logGroupName=name, logStreamName="mixed")
    now = int(time.time() * 1000)
    client.put_log_events(
        logGroupName=name, logStreamName="mixed",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(CORPUS)],
    )
    return name


def matching(client, group, pattern):
    events = client.filter_log_events(logGroupName=group, filterPattern=pattern)["events"]
    return [CORPUS.index(e["message"]) for e in events]


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("ERROR", [0, 1, 3]),
        ('"BAD REQUEST"', [0]),
        ("?UNAUTHORIZED ?frank", [1, 5]),
        ("ERROR -UNAUTHORIZED", [0, 3]),
        ("%4[0-9]{2}%", [0, 1, 5]),
        ("", list(range(len(CORPUS)))),
        ('{ $.level = "ERROR" }', [3]),
        ("{ $.latency > 500 }", [3]),
        ("{ $.latency < 100 && $.user.id = 8 }", [4]),
        ("{ $.tags[1] = slow || $.gone IS NULL }", [3, 4]),
        ("{ $.retry IS TRUE }", [3]),
        ("{ $.missing NOT EXISTS }", [3, 4]),
        ('{ $.level = "I*" }', [4]),
        ("[ip, ident, user, timestamp, request, status = 4*, bytes > 1000]", [5]),
        ("[ip, ..., status = 200, bytes]", [6]),
        ('[..., request = "*api*", status, bytes]', [6]),
        ("[ip = %^10\\.%, ...]", [6]),
    ],
)
def test_filter_log_events_with_every_pattern_family(logs_a, corpus_group, pattern, expected):
    assert matching(logs_a, corpus_group, pattern) == expected


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("ERROR:", "Invalid character(s) in term ':'"),
        ('"unterminated', "Invalid filter pattern"),
        ("{ $.latency > fast }", "Invalid filter pattern"),
        ("%a% %b% %c%", "Invalid filter pattern"),
    ],
)
def test_invalid_patterns_are_refused_with_aws_messages(logs_a, corpus_group, pattern, message):
    with pytest.raises(ClientError) as excinfo:
        logs_a.filter_log_events(logGroupName=corpus_group, filterPattern=pattern)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    assert excinfo.value.response["Error"]["Message"] == message


def test_test_metric_filter_reports_matches_and_extracted_fields(logs_a):
    reply = logs_a.test_metric_filter(
        filterPattern="[ip, ident, user, timestamp, request, status = 4*, bytes]",
        logEventMessages=CORPUS,
    )
    assert [m["eventNumber"] for m in reply["matches"]] == [6]
    values = reply["matches"][0]["extractedValues"]
    assert values["$ip"] == "127.0.0.1"
    assert values["$timestamp"] == "10/Oct/2000:13:55:36 -0700"
    assert values["$request"] == "GET /index.html HTTP/1.0"
    assert values["$bytes"] == "2326"

    json_reply = logs_a.test_metric_filter(filterPattern="{ $.latency > 500 }", logEventMessages=CORPUS)
    assert [(m["eventNumber"], m["eventMessage"]) for m in json_reply["matches"]] == [(4, CORPUS[3])]

    with pytest.raises(ClientError) as excinfo:
        logs_a.test_metric_filter(filterPattern="{ $.a = }", logEventMessages=["x"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


DOCUMENTED = json.load(open(os.path.join(os.path.dirname(__file__), "data", "filter_pattern_documented_cases.json")))


@pytest.mark.parametrize("case", DOCUMENTED, ids=[c["pattern"] for c in DOCUMENTED])
def test_forms_from_aws_pages_match_as_documented(logs_a, case):
    """Forms AWS's filter-pattern pages show (each case names its page): bracketed JSON keys with dots or spaces,
    `[*]` over arrays, regex hex escapes; TestMetricFilter (which numbers events from 1) matches exactly the
    expected events."""
    matches = logs_a.test_metric_filter(filterPattern=case["pattern"], logEventMessages=case["events"])["matches"]
    assert [m["eventNumber"] - 1 for m in matches] == case["matching"], case["page"]
