"""StartLiveTail end to end with boto3's own event-stream parser: the stream's events and their fields, filters
and stream prefixes, sampling above 500 events per update, the limits and errors, and a tail on one `cairn serve`
process that sees events written through another one on the same PostgreSQL."""

import contextlib
import os
import queue
import shutil
import socket
import subprocess
import threading
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import KEYS, Key, Server, free_port, make_data_dir, two_processes

# Events normally arrive within a second; the tests wait longer so that a slow machine does not fail them.
PATIENCE = 20


@contextlib.contextmanager
def resolving(*names):
    """Makes `names` resolve to 127.0.0.1 in this process, as a DNS name whose subdomains all point at Cairn
    would (botocore puts the `stream-` host prefix before the endpoint's host for StartLiveTail)."""
    original = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return original("127.0.0.1" if host in names else host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = original


def tail_client(server, key=KEYS["a_admin"], validate=True):
    """A logs client with host-prefix injection as botocore does it by default, on a name that resolves."""
    import boto3

    return boto3.client(
        "logs",
        endpoint_url=f"http://cairn.test:{server.port}",
        region_name="us-east-1",
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret,
        config=Config(parameter_validation=validate, retries={"max_attempts": 1}, read_timeout=120),
    )


class Tail:
    """A running session: its events are read on a thread into a queue."""

    def __init__(self, client, **request):
        self.response = client.start_live_tail(**request)
        self.stream = self.response["responseStream"]
        self.events = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for event in self.stream:
                self.events.put(event)
        except Exception as error:  # the stream's in-stream errors arrive as exceptions
            self.events.put({"error": error})
        self.events.put({"end": True})

    def next(self, timeout=PATIENCE):
        return self.events.get(timeout=timeout)

    def start(self):
        event = self.next()
        assert "sessionStart" in event, event
        return event["sessionStart"]

    def results_until(self, predicate, timeout=PATIENCE):
        """Collects sessionResults until `predicate(results)` holds; returns them and the updates seen."""
        results, updates = [], []
        deadline = time.time() + timeout
        while not predicate(results):
            remaining = deadline - time.time()
            assert remaining > 0, f"gave up waiting; got {len(results)} results"
            event = self.next(timeout=remaining)
            assert "sessionUpdate" in event, event
            updates.append(event["sessionUpdate"])
            results += event["sessionUpdate"]["sessionResults"]
        return results, updates

    def close(self):
        self.stream.close()


def put(logs, group, stream, messages):
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName=stream,
        logEvents=[{"timestamp": now, "message": message} for message in messages])
    return time.time()


@pytest.fixture
def group(server, logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    for stream in ("app-1", "app-2", "other"):
        logs_a.create_log_stream(logGroupName=name, logStreamName=stream)
    return name


def arn(name, account="111111111111"):
    return f"arn:aws:logs:us-east-1:{account}:log-group:{name}"


def test_events_written_after_the_start_arrive_with_their_fields(server, logs_a, group):
    with resolving("cairn.test", "stream-cairn.test", "streaming-cairn.test"):
        tail = Tail(tail_client(server), logGroupIdentifiers=[arn(group)])
        try:
            start = tail.start()
            assert start["logGroupIdentifiers"] == [arn(group)]
            assert start["sessionId"] and start["requestId"]
            written = put(logs_a, group, "app-1", ["first line", "second line"])
            results, _ = tail.results_until(lambda r: len(r) >= 2)
            arrived = time.time()
            print(f"latency after PutLogEvents returned: {arrived - written:.3f} s")
            assert [r["message"] for r in results] == ["first line", "second line"]
            for result in results:
                assert result["logStreamName"] == "app-1"
                assert result["logGroupIdentifier"] == f"111111111111:{group}"
                assert result["timestamp"] > 0 and result["ingestionTime"] >= result["timestamp"] - 1000
        finally:
            tail.close()


def test_group_names_work_too_and_updates_come_without_events(server, logs_a, group):
    tail = Tail(tail_client_without_prefix(server, KEYS["a_reader"]), logGroupIdentifiers=[group])
    try:
        tail.start()
        update = tail.next()
        assert update["sessionUpdate"]["sessionResults"] == []
        assert update["sessionUpdate"]["sessionMetadata"]["sampled"] is False
        put(logs_a, group, "other", ["by name"])
        results, _ = tail.results_until(lambda r: len(r) >= 1)
        assert results[0]["logGroupIdentifier"] == f"111111111111:{group}"
    finally:
        tail.close()


def tail_client_without_prefix(server, key):
    import boto3

    return boto3.client(
        "logs", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret,
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}, read_timeout=120))


def test_filter_pattern_and_stream_prefixes_apply(server, logs_a, group):
    tail = Tail(
        tail_client_without_prefix(server, KEYS["a_admin"]), logGroupIdentifiers=[group],
        logStreamNamePrefixes=["app-"], logEventFilterPattern="ERROR")
    try:
        tail.start()
        put(logs_a, group, "other", ["ERROR in another stream"])
        put(logs_a, group, "app-1", ["INFO fine", "ERROR one"])
        put(logs_a, group, "app-2", ["ERROR two"])
        results, _ = tail.results_until(lambda r: len(r) >= 2)
        time.sleep(1.5)  # anything else that matched would have come by now
        while not tail.events.empty():
            event = tail.events.get()
            results += event.get("sessionUpdate", {}).get("sessionResults", [])
        assert sorted(r["message"] for r in results) == ["ERROR one", "ERROR two"]
    finally:
        tail.close()


def test_stream_names_select_streams(server, logs_a, group):
    tail = Tail(
        tail_client_without_prefix(server, KEYS["a_admin"]), logGroupIdentifiers=[group], logStreamNames=["app-2"])
    try:
        tail.start()
        put(logs_a, group, "app-1", ["not this one"])
        put(logs_a, group, "app-2", ["this one"])
        results, _ = tail.results_until(lambda r: any(x["message"] == "this one" for x in r))
        assert [r["message"] for r in results] == ["this one"]
    finally:
        tail.close()


def test_more_than_500_events_in_an_update_are_sampled(server, logs_a, group):
    tail = Tail(tail_client_without_prefix(server, KEYS["a_admin"]), logGroupIdentifiers=[group])
    try:
        tail.start()
        put(logs_a, group, "app-1", [f"event {i}" for i in range(2000)])
        _, updates = tail.results_until(lambda r: len(r) > 0)
        update = updates[-1]
        assert update["sessionMetadata"]["sampled"] is True
        assert len(update["sessionResults"]) == 500
        messages = [r["message"] for r in update["sessionResults"]]
        assert len(set(messages)) == 500 and all(m.startswith("event ") for m in messages)
    finally:
        tail.close()


@pytest.mark.parametrize(
    "request_fields, code",
    [
        ({"logGroupIdentifiers": [f"/g{i}" for i in range(11)]}, "InvalidParameterException"),
        ({"logGroupIdentifiers": []}, "InvalidParameterException"),
        ({"logGroupIdentifiers": ["GROUP"], "logStreamNames": ["a"], "logStreamNamePrefixes": ["b"]},
         "InvalidParameterException"),
        ({"logGroupIdentifiers": ["GROUP", "GROUP2"], "logStreamNamePrefixes": ["b"]}, "InvalidParameterException"),
        ({"logGroupIdentifiers": ["GROUP"], "logEventFilterPattern": '{ $.x = "unterminated }'},
         "InvalidParameterException"),
        ({"logGroupIdentifiers": ["/does/not/exist"]}, "ResourceNotFoundException"),
        ({"logGroupIdentifiers": ["GROUP*"]}, "InvalidParameterException"),
    ],
)
def test_bad_requests_are_refused_before_the_stream(server, logs_a, group, request_fields, code):
    fields = {
        key: [group if v == "GROUP" else group + "-second" if v == "GROUP2" else group + "*" if v == "GROUP*" else v
              for v in value] if key == "logGroupIdentifiers" else value
        for key, value in request_fields.items()
    }
    if "GROUP2" in request_fields["logGroupIdentifiers"]:
        logs_a.create_log_group(logGroupName=group + "-second")
    with pytest.raises(ClientError) as caught:
        raw_client(server).start_live_tail(**fields)
    assert caught.value.response["Error"]["Code"] == code, caught.value.response


def raw_client(server, key=KEYS["a_admin"]):
    import boto3

    return boto3.client(
        "logs", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret,
        config=Config(inject_host_prefix=False, parameter_validation=False, retries={"max_attempts": 1}))


def test_a_writer_key_may_not_tail(server, group):
    with pytest.raises(ClientError) as caught:
        raw_client(server, KEYS["a_writer"]).start_live_tail(logGroupIdentifiers=[group])
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_another_accounts_group_is_not_found(server, logs_b, group):
    with pytest.raises(ClientError) as caught:
        raw_client(server, KEYS["b_admin"]).start_live_tail(logGroupIdentifiers=[arn(group)])
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_at_most_15_sessions_per_account(server, group):
    # Account B has no other sessions in this suite.
    key = KEYS["b_admin"]
    logs_b = server.client(key)
    name = group + "-b"
    logs_b.create_log_group(logGroupName=name)
    tails = []
    try:
        for _ in range(15):
            tails.append(Tail(tail_client_without_prefix(server, key), logGroupIdentifiers=[name]))
            tails[-1].start()
        with pytest.raises(ClientError) as caught:
            raw_client(server, key).start_live_tail(logGroupIdentifiers=[name])
        assert caught.value.response["Error"]["Code"] == "LimitExceededException"
        assert "15" in caught.value.response["Error"]["Message"]
        # A session that ends frees its place (the server notices at its next update).
        tails.pop().close()
        deadline = time.time() + PATIENCE
        while True:
            try:
                tails.append(Tail(tail_client_without_prefix(server, key), logGroupIdentifiers=[name]))
                break
            except ClientError as error:
                assert error.response["Error"]["Code"] == "LimitExceededException"
                assert time.time() < deadline, "a closed session still counts"
                time.sleep(0.5)
    finally:
        for tail in tails:
            tail.close()


ACCOUNT = "666666666666"
KEY = Key(ACCOUNT, "AKIAE2ELIVETAIL00001", "secret-live-tail-000000000000001", "admin")


def test_a_tail_sees_events_written_through_another_process():
    with two_processes(second_env={"CAIRN_ROLE": "api"}) as (first, second):
        first.enrol(KEY)
        writer = first.client(KEY)
        writer.create_log_group(logGroupName="/tail/two")
        writer.create_log_stream(logGroupName="/tail/two", logStreamName="s")
        tail = Tail(tail_client_without_prefix(second, KEY), logGroupIdentifiers=["/tail/two"])
        try:
            tail.start()
            written = put(writer, "/tail/two", "s", ["through the first process"])
            results, _ = tail.results_until(lambda r: len(r) >= 1)
            print(f"latency across processes: {time.time() - written:.3f} s")
            assert results[0]["message"] == "through the first process"
        finally:
            tail.close()


def test_stopping_the_server_ends_open_sessions_with_an_in_stream_error():
    data_dir = make_data_dir()
    server = Server(data_dir, free_port())
    try:
        server.start()
        server.enrol(KEY)
        logs = server.client(KEY)
        logs.create_log_group(logGroupName="/tail/stop")
        tail = Tail(tail_client_without_prefix(server, KEY), logGroupIdentifiers=["/tail/stop"])
        tail.start()
        assert server.stop(timeout=60) == 0
        seen = []
        while True:
            event = tail.next()
            seen.append(event)
            if "error" in event or "end" in event:
                break
        error = seen[-1].get("error")
        assert error is not None, seen
        assert "SessionStreamingException" in str(error)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_the_aws_cli_tails_with_host_prefix_injection_turned_off(server, logs_a, group):
    """`aws logs start-live-tail` (the CLI installed with the tests) against Cairn's endpoint, with botocore's
    documented switch AWS_DISABLE_HOST_PREFIX_INJECTION instead of a DNS name for `stream-<host>`."""
    key = KEYS["a_reader"]
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key.access_key_id, AWS_SECRET_ACCESS_KEY=key.secret,
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_DISABLE_HOST_PREFIX_INJECTION="true", PYTHONUNBUFFERED="1")
    cli = subprocess.Popen(
        ["aws", "--endpoint-url", server.endpoint, "logs", "start-live-tail", "--log-group-identifiers", arn(group),
         "--log-event-filter-pattern", "cli"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in cli.stdout], daemon=True).start()
    try:
        seen = ""
        deadline = time.time() + PATIENCE
        # The CLI prints each matching event's message as it arrives; write until the session is open and one shows.
        while "written for the cli" not in seen and time.time() < deadline:
            put(logs_a, group, "app-1", ["written for the cli", "not for the tail"])
            with contextlib.suppress(queue.Empty):
                while True:
                    seen += lines.get(timeout=1)
        assert "written for the cli" in seen, (seen, cli.poll(), cli.stderr.read() if cli.poll() is not None else "")
        assert set(seen.splitlines()) == {"written for the cli"}, seen  # the filter pattern applied
    finally:
        cli.terminate()
        cli.wait(timeout=30)
