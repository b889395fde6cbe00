"""Log events: PutLogEvents rules, GetLogEvents and FilterLogEvents, read-your-writes, retention, deletion."""

import concurrent.futures
import json
import os
import shutil
import subprocess
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import KEYS, Server, free_port, make_data_dir

DAY = 86_400_000
HOUR = 3_600_000


def now_ms():
    return int(time.time() * 1000)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def stream(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    return name, "s"


def put(client, group, stream, events):
    return client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def get_all(client, group, stream, **kwargs):
    return client.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, **kwargs)["events"]


def test_round_trip_and_read_your_writes(logs_a, stream):
    group, name = stream
    t = now_ms()
    messages = ["plain", "ünïcödé ✓ 🚀", 'quotes "and" \\ backslash', "tab\tand\nnewline", "x" * 5000]
    response = put(logs_a, group, name, [{"timestamp": t + i, "message": m} for i, m in enumerate(messages)])
    assert response["nextSequenceToken"]
    assert "rejectedLogEventsInfo" not in response
    events = get_all(logs_a, group, name)
    assert [e["message"] for e in events] == messages
    assert [e["timestamp"] for e in events] == [t + i for i in range(5)]
    assert all(abs(e["ingestionTime"] - now_ms()) < 60_000 for e in events)
    # Without startFromHead, the newest events come back, still in ascending order.
    latest = logs_a.get_log_events(logGroupName=group, logStreamName=name, limit=2)["events"]
    assert [e["message"] for e in latest] == messages[3:]

    [s] = logs_a.describe_log_streams(logGroupName=group)["logStreams"]
    assert s["firstEventTimestamp"] == t and s["lastEventTimestamp"] == t + 4
    assert abs(s["lastIngestionTime"] - now_ms()) < 60_000
    [g] = logs_a.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert 0 < g["storedBytes"] < sum(len(m.encode()) for m in messages)


def test_overlapping_batches_come_back_in_timestamp_order(logs_a, stream):
    group, name = stream
    t = now_ms() - 10_000
    put(logs_a, group, name, [{"timestamp": t + i * 2, "message": f"even {i}"} for i in range(50)])
    put(logs_a, group, name, [{"timestamp": t + i * 2 + 1, "message": f"odd {i}"} for i in range(50)])
    put(logs_a, group, name, [{"timestamp": t + 10, "message": "late duplicate time"}])
    events = get_all(logs_a, group, name)
    assert len(events) == 101
    assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
    same_time = [e["message"] for e in events if e["timestamp"] == t + 10]
    assert same_time == ["even 5", "late duplicate time"]  # ties keep ingestion order


def test_rejected_events_are_reported_and_the_rest_stored(logs_a, stream):
    group, name = stream
    t = now_ms()
    events = [
        {"timestamp": t - 15 * DAY, "message": "too old 1"},
        {"timestamp": t - 15 * DAY + 1, "message": "too old 2"},
        {"timestamp": t - 1000, "message": "fine 1"},
        {"timestamp": t, "message": "fine 2"},
        {"timestamp": t + 3 * HOUR, "message": "too new"},
    ]
    response = put(logs_a, group, name, events)
    assert response["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 4}
    assert [e["message"] for e in get_all(logs_a, group, name)] == ["fine 1", "fine 2"]
    # All rejected: still 200, nothing stored.
    response = put(logs_a, group, name, [{"timestamp": t + 5 * HOUR, "message": "future"}])
    assert response["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 0}
    assert len(get_all(logs_a, group, name)) == 2


@pytest.fixture(scope="module")
def api_only_logs():
    """Account A on a `cairn serve` with the api role only: no retention sweep runs between two requests."""
    data_dir = make_data_dir()
    server = Server(data_dir, free_port(), extra_env={"CAIRN_ROLE": "api"})
    try:
        server.start()
        key = KEYS["a_admin"]
        server.enrol(key)
        yield server.client(key)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_retention_rejects_and_hides_expired_events(api_only_logs):
    logs_a, group, name = api_only_logs, "/retention", "s"
    logs_a.create_log_group(logGroupName=group)
    logs_a.create_log_stream(logGroupName=group, logStreamName=name)
    t = now_ms()
    put(logs_a, group, name, [{"timestamp": t - 2 * DAY, "message": "two days old"}])
    put(logs_a, group, name, [{"timestamp": t, "message": "new"}])
    logs_a.put_retention_policy(logGroupName=group, retentionInDays=1)
    assert [e["message"] for e in get_all(logs_a, group, name)] == ["new"]
    assert [e["message"] for e in logs_a.filter_log_events(logGroupName=group)["events"]] == ["new"]
    response = put(logs_a, group, name, [{"timestamp": t - 2 * DAY, "message": "expired"}, {"timestamp": t - 23 * HOUR, "message": "ok"}])
    assert response["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    logs_a.delete_retention_policy(logGroupName=group)
    assert [e["message"] for e in get_all(logs_a, group, name)] == ["two days old", "ok", "new"]


BAD_BATCHES = [
    ("not chronological", lambda t: [{"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}],
     "Log events in a single PutLogEvents request must be in chronological order."),
    ("span over 24 hours", lambda t: [{"timestamp": t - 25 * HOUR, "message": "a"}, {"timestamp": t, "message": "b"}],
     "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."),
    ("empty", lambda t: [],
     "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    ("too many", lambda t: [{"timestamp": t, "message": "m"}] * 10_001, None),
    ("empty message", lambda t: [{"timestamp": t, "message": ""}],
     "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    ("missing timestamp", lambda t: [{"message": "m"}],
     "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null"),
    ("batch too large", lambda t: [{"timestamp": t, "message": "x" * 100_000}] * 11,
     "Upload too large: 1100286 bytes exceeds limit of 1048576"),
    ("event too large", lambda t: [{"timestamp": t, "message": "x" * 1_048_551}],
     "Log event too large: 1048577 bytes exceeds limit of 1048576"),
]


@pytest.mark.parametrize("label,make,message", BAD_BATCHES, ids=[b[0] for b in BAD_BATCHES])
def test_invalid_batches_change_nothing(logs_a_raw, logs_a, stream, label, make, message):
    group, name = stream
    with pytest.raises(ClientError) as excinfo:
        put(logs_a_raw, group, name, make(now_ms()))
    code, text = error_of(excinfo)
    assert code == "InvalidParameterException"
    if message:
        assert text == message
    assert get_all(logs_a, group, name) == []
    [s] = logs_a.describe_log_streams(logGroupName=group)["logStreams"]
    assert "lastEventTimestamp" not in s


def test_missing_group_or_stream(logs_a, stream):
    group, name = stream
    event = [{"timestamp": now_ms(), "message": "m"}]
    with pytest.raises(ClientError) as excinfo:
        put(logs_a, group + "-nope", name, event)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as excinfo:
        put(logs_a, group, "nope", event)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    with pytest.raises(ClientError) as excinfo:
        logs_a.get_log_events(logGroupName=group, logStreamName="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_sequence_token_is_accepted_and_ignored(logs_a, stream):
    group, name = stream
    first = put(logs_a, group, name, [{"timestamp": now_ms(), "message": "1"}])
    second = logs_a.put_log_events(
        logGroupName=group, logStreamName=name, sequenceToken="49999999999", logEvents=[{"timestamp": now_ms(), "message": "2"}]
    )
    assert int(second["nextSequenceToken"]) > int(first["nextSequenceToken"])


def test_get_log_events_pages_to_the_end_in_both_directions(logs_a, stream):
    group, name = stream
    t = now_ms() - 100_000
    for batch in range(5):
        put(logs_a, group, name, [{"timestamp": t + batch * 10 + i, "message": f"m{batch * 10 + i:03d}"} for i in range(10)])
    expected = [f"m{i:03d}" for i in range(50)]

    seen, token = [], None
    first = logs_a.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True, limit=7)
    seen += [e["message"] for e in first["events"]]
    token = first["nextForwardToken"]
    for _ in range(20):
        page = logs_a.get_log_events(logGroupName=group, logStreamName=name, nextToken=token, limit=7)
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            assert page["events"] == []
            break
        token = page["nextForwardToken"]
    assert seen == expected

    last = logs_a.get_log_events(logGroupName=group, logStreamName=name, limit=7)
    backwards = [[e["message"] for e in last["events"]]]
    token = last["nextBackwardToken"]
    for _ in range(20):
        page = logs_a.get_log_events(logGroupName=group, logStreamName=name, nextToken=token, limit=7)
        if page["nextBackwardToken"] == token:
            assert page["events"] == []
            break
        backwards.insert(0, [e["message"] for e in page["events"]])
        token = page["nextBackwardToken"]
    assert [m for page in backwards for m in page] == expected

    # A time window: startTime inclusive, endTime exclusive.
    window = logs_a.get_log_events(logGroupName=group, logStreamName=name, startTime=t + 5, endTime=t + 8, startFromHead=True)
    assert [e["message"] for e in window["events"]] == ["m005", "m006", "m007"]
    with pytest.raises(ClientError) as excinfo:
        logs_a.get_log_events(logGroupName=group, logStreamName=name, nextToken="f/garbage")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_filter_log_events(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    t = now_ms() - 60_000
    for stream in ["web-1", "web-2", "worker"]:
        logs_a.create_log_stream(logGroupName=name, logStreamName=stream)
        put(logs_a, name, stream, [
            {"timestamp": t + 1, "message": f"{stream} INFO started"},
            {"timestamp": t + 2, "message": f"{stream} ERROR connection reset by peer"},
            {"timestamp": t + 3, "message": f"{stream} ERROR disk full"},
        ])

    def messages(**kwargs):
        return [e["message"] for e in logs_a.filter_log_events(logGroupName=name, **kwargs)["events"]]

    assert len(messages()) == 9
    assert messages(filterPattern="ERROR") == [
        "web-1 ERROR connection reset by peer", "web-2 ERROR connection reset by peer", "worker ERROR connection reset by peer",
        "web-1 ERROR disk full", "web-2 ERROR disk full", "worker ERROR disk full",
    ]
    assert messages(filterPattern='ERROR "reset by"') == [
        "web-1 ERROR connection reset by peer", "web-2 ERROR connection reset by peer", "worker ERROR connection reset by peer",
    ]
    assert messages(filterPattern="error") == []  # case-sensitive
    assert messages(filterPattern="ERROR", logStreamNames=["worker"]) == ["worker ERROR connection reset by peer", "worker ERROR disk full"]
    assert messages(logStreamNamePrefix="web-", startTime=t + 3) == ["web-1 ERROR disk full", "web-2 ERROR disk full"]
    assert messages(endTime=t + 2) == ["web-1 INFO started", "web-2 INFO started", "worker INFO started"]

    events = logs_a.filter_log_events(logGroupName=name)["events"]
    assert all(e["logStreamName"] in ("web-1", "web-2", "worker") for e in events)
    assert len({e["eventId"] for e in events}) == 9
    again = logs_a.filter_log_events(logGroupName=name)["events"]
    assert [e["eventId"] for e in again] == [e["eventId"] for e in events]

    paginator = logs_a.get_paginator("filter_log_events")
    paged = [e["eventId"] for p in paginator.paginate(logGroupName=name, PaginationConfig={"PageSize": 2}) for e in p["events"]]
    assert paged == [e["eventId"] for e in events]

    with pytest.raises(ClientError) as excinfo:
        logs_a.filter_log_events(logGroupName=name, logStreamNames=["web-1"], logStreamNamePrefix="web")
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs_a.filter_log_events(logGroupName=name, filterPattern='"unterminated')
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_concurrent_writers_to_one_stream_lose_nothing(server, stream):
    group, name = stream
    writers, batches, per_batch = 8, 20, 25

    def write(writer):
        client = server.client(KEYS["a_admin"])
        for b in range(batches):
            t = now_ms()
            put(client, group, name, [{"timestamp": t, "message": f"w{writer}-b{b}-e{i}"} for i in range(per_batch)])

    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    client = server.client(KEYS["a_admin"])
    paginator = client.get_paginator("filter_log_events")
    events = [e for p in paginator.paginate(logGroupName=group) for e in p["events"]]
    messages = [e["message"] for e in events]
    assert len(messages) == writers * batches * per_batch
    assert len(set(messages)) == len(messages)
    assert len({e["eventId"] for e in events}) == len(events)


def test_deleting_a_stream_or_group_makes_events_invisible(logs_a, stream):
    group, name = stream
    put(logs_a, group, name, [{"timestamp": now_ms(), "message": "before delete"}])
    logs_a.delete_log_stream(logGroupName=group, logStreamName=name)
    logs_a.create_log_stream(logGroupName=group, logStreamName=name)
    assert get_all(logs_a, group, name) == []
    assert logs_a.filter_log_events(logGroupName=group)["events"] == []
    put(logs_a, group, name, [{"timestamp": now_ms(), "message": "second life"}])
    logs_a.delete_log_group(logGroupName=group)
    logs_a.create_log_group(logGroupName=group)
    logs_a.create_log_stream(logGroupName=group, logStreamName=name)
    assert get_all(logs_a, group, name) == []


def test_other_accounts_cannot_read_events(logs_a, logs_b, stream):
    group, name = stream
    put(logs_a, group, name, [{"timestamp": now_ms(), "message": "private"}])
    with pytest.raises(ClientError) as excinfo:
        logs_b.get_log_events(logGroupName=group, logStreamName=name)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_plaintext_never_reaches_postgresql(server, logs_a, stream):
    group, name = stream
    marker = "cairn-marker-" + uuid.uuid4().hex
    put(logs_a, group, name, [{"timestamp": now_ms(), "message": f"secret {marker} payload"}])
    assert marker in get_all(logs_a, group, name)[0]["message"]
    # Everything PostgreSQL wrote: tables, indexes, WAL, its log.
    found = subprocess.run(
        ["grep", "-r", "-l", "-a", "-F", marker, os.path.join(server.data_dir, "postgres"),
         os.path.join(server.data_dir, "postgres.log")],
        capture_output=True, text=True,
    )
    assert found.returncode == 1, f"plaintext found in: {found.stdout}"
    # The same grep does find a group name, which is stored in the clear: the search itself works.
    found = subprocess.run(
        ["grep", "-r", "-l", "-a", "-F", group, os.path.join(server.data_dir, "postgres")], capture_output=True, text=True
    )
    assert found.returncode == 0


def full_batch(character, events, t):
    """`events` events of one repeated character filling the 1,048,576-byte batch as AWS counts it (UTF-8
    bytes of each message plus 26), and the byte count."""
    width = len(character.encode())
    per_event = (1_048_576 // events - 26) // width
    batch = [{"timestamp": t + i, "message": character * per_event} for i in range(events)]
    return batch, events * (per_event * width + 26)


@pytest.mark.parametrize("character,events", [("한", 100), ("😀", 100), ("\x01", 1)], ids=["korean", "emoji", "control"])
def test_a_full_batch_of_escaped_text_is_accepted(logs_a, stream, character, events):
    """botocore writes non-ASCII and control characters as \\uXXXX: a valid batch arrives as 2-6 MB of JSON."""
    group, name = stream
    batch, counted = full_batch(character, events, now_ms())
    assert counted <= 1_048_576 and len(json.dumps({"logEvents": batch})) > 1_572_864
    put(logs_a, group, name, batch)
    stored = []
    kwargs = {}
    while True:
        response = logs_a.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True, **kwargs)
        stored += response["events"]
        if not response["events"]:
            break
        kwargs = {"nextToken": response["nextForwardToken"]}
    assert [e["message"] for e in stored] == [e["message"] for e in batch]


def test_an_escaped_batch_over_the_limit_is_refused_by_its_utf8_size(logs_a, stream):
    group, name = stream
    t = now_ms()
    batch, counted = full_batch("한", 100, t)
    batch.append({"timestamp": t + 100, "message": "한" * 100})
    with pytest.raises(ClientError) as excinfo:
        put(logs_a, group, name, batch)
    assert error_of(excinfo) == (
        "InvalidParameterException", f"Upload too large: {counted + 326} bytes exceeds limit of 1048576")
    assert get_all(logs_a, group, name) == []
