"""Export tasks: AWS's objects (write test, `<prefix>/<taskId>/<stream>/NNNNNN.gz` of `<ISO time> <message>` lines)
in a directory bucket and in an S3 peer (moto), compared line for line with what was sent; stream prefix and
inclusive bounds; a killed worker's task resumed without duplicates or gaps; cancellation; refusals; the aws CLI;
a group under a disabled KMS key; bucket administration."""

import datetime
import gzip
import json
import os
import random
import re
import shutil
import signal
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, ACCOUNT_B, KEYS, Server, api_with_workers, free_port, make_data_dir
from processes import wait_for
from s3peer import ACCESS_KEY_ID, SECRET, s3_peer

# A stream's first object is 000000.gz, as AWS numbers them (keys seen in the wild: /work/notes/export-facts.md §2).
FIRST_OBJECT = 0
DEFAULT_PREFIX = "exportedlogs"
WRITE_TEST_TEXT = b"Permission Check Successful"
SMALL_OBJECT_BYTES = 262144
SLOW_OBJECT_BYTES = 65536
TERMINAL = {"COMPLETED", "CANCELLED", "FAILED"}
BUCKET_MISSING = "The given bucket does not exist. Please make sure the bucket is valid."
OBJECT_NAME = re.compile(r"^[0-9]{6}\.gz$")
MAX_BATCH_BYTES = 1_048_576


def now_ms():
    return int(time.time() * 1000)


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"].get("Message", "")


def iso(ms):
    """AWS's export timestamp: UTC, milliseconds, `Z`."""
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def test_iso_formatting_of_the_expected_lines():
    """The expected-lines helper itself: UTC, three-digit milliseconds."""
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert iso(1796382671005) == "2026-12-04T11:11:11.005Z"
    assert iso(951782400999) == "2000-02-29T00:00:00.999Z"


# --- events: made, sent, and what an export of them must contain ---------------------------------------------------

def message(rng, label, i):
    """Varied messages: access-log-like, JSON, non-ASCII, quotes, runs of spaces, tabs; at most ~70 bytes."""
    kind = i % 9
    if kind == 0:
        return f'{label} 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} "GET /items/{i} HTTP/1.1" 200 {rng.randint(1, 99999)}'
    if kind == 1:
        return json.dumps({"level": rng.choice(["INFO", "WARN", "ERROR"]), "n": i, "who": "ünïcödé"}, ensure_ascii=False)
    if kind == 2:
        return f"{label} 日本語のログ {i} ✓ café 🚀"
    if kind == 3:
        return f'{label} said "hello" to O\'Brien #{i}'
    if kind == 4:
        return f"  {label}  leading and  double   spaces {i}"
    if kind == 5:
        return f"{label}\ttab\tseparated\t{i}"
    if kind == 6:
        return f"{label} quoted 'single' and \"double\" and \\backslash {i}"
    return f"{label} event {i} " + "x" * rng.randint(0, 30)


def make_events(rng, label, count, start, span_ms):
    """`count` (timestamp, message) in time order over [start, start + span_ms], about one in seven sharing the
    previous event's millisecond."""
    stamps = sorted(start + rng.randint(0, span_ms) for _ in range(count))
    for i in range(1, count):
        if i % 7 == 0:
            stamps[i] = stamps[i - 1]
    return [(stamps[i], message(rng, label, i)) for i in range(count)]


def send(logs, group, stream, events, batch=10_000, order=None):
    """Sends time-ordered `events` in batches of `batch` (each batch chronological, as PutLogEvents wants), the
    batches in `order` (default: as they come); returns the events in the order they were ingested."""
    batches = [events[i:i + batch] for i in range(0, len(events), batch)]
    ingested = []
    for index in order if order is not None else range(len(batches)):
        chunk = batches[index]
        size = sum(len(m.encode()) + 26 for _, m in chunk)
        assert size <= MAX_BATCH_BYTES, f"test data error: a batch of {size} bytes"
        reply = logs.put_log_events(logGroupName=group, logStreamName=stream,
                                    logEvents=[{"timestamp": t, "message": m} for t, m in chunk])
        assert "rejectedLogEventsInfo" not in reply, reply
        ingested.extend(chunk)
    return ingested


def expected_lines(ingested, start, end):
    """The export of one stream: events in [start, end], in time order, ties in ingestion order (a stable sort)."""
    return [f"{iso(t)} {m}" for t, m in sorted(ingested, key=lambda e: e[0]) if start <= t <= end]


# --- buckets -------------------------------------------------------------------------------------------------------

def bucket_name(kind="exp"):
    return f"{kind}-{uuid.uuid4().hex[:12]}"


class DirectoryView:
    """A directory bucket's objects as keys: files below the root, except dot-files (writes in flight)."""

    def __init__(self, root):
        self.root = root

    def keys(self, prefix=""):
        found = {}
        for directory, _, files in os.walk(self.root):
            for file in files:
                if file.startswith("."):
                    continue
                path = os.path.join(directory, file)
                key = os.path.relpath(path, self.root).replace(os.sep, "/")
                if key.startswith(prefix):
                    found[key] = os.path.getsize(path)
        return found

    def get(self, key):
        with open(os.path.join(self.root, *key.split("/")), "rb") as f:
            return f.read()


class PeerView:
    def __init__(self, peer):
        self.peer = peer

    def keys(self, prefix=""):
        return self.peer.keys(prefix)

    def get(self, key):
        return self.peer.get(key)


def add_directory_bucket(server, directory, account=ACCOUNT_A):
    os.makedirs(directory, exist_ok=True)
    name = bucket_name()
    server.admin("bucket", "add", "--account", account, "--name", name, "--directory", str(directory))
    return name, DirectoryView(str(directory))


def add_s3_bucket(server, peer, account=ACCOUNT_A, remote=None):
    name = bucket_name("s3")
    server.admin("bucket", "add", "--account", account, "--name", name, "--endpoint", peer.endpoint,
                 "--region", "us-east-1", "--access-key-id", ACCESS_KEY_ID, "--secret-file", peer.secret_file,
                 "--remote-name", remote or peer.bucket)
    return name


# --- tasks ---------------------------------------------------------------------------------------------------------

def create_task(logs, group, destination, start, end, **extra):
    return logs.create_export_task(logGroupName=group, destination=destination, **{"from": start, "to": end},
                                   **extra)["taskId"]


def describe(logs, task_id):
    tasks = logs.describe_export_tasks(taskId=task_id)["exportTasks"]
    assert len(tasks) == 1, tasks
    return tasks[0]


def wait_status(logs, task_id, code, timeout):
    """Waits until the task is `code` or finished otherwise (then fails at once, showing the task)."""
    def reached():
        task = describe(logs, task_id)
        return task if task["status"]["code"] in TERMINAL | {code} else None

    task = wait_for(reached, timeout, interval=0.3, what=f"export task {task_id} to be {code}")
    assert task["status"]["code"] == code, task
    return task


def stream_objects(view, prefix, task_id):
    """{stream: [(number, key, size)] in number order} of a task's objects; fails on any other key below the task."""
    below = f"{prefix}/{task_id}/"
    objects, strays = {}, []
    for key, size in view.keys(below).items():
        stream, _, file = key[len(below):].rpartition("/")
        if not stream or not OBJECT_NAME.match(file):
            strays.append(key)
            continue
        objects.setdefault(stream, []).append((int(file[:6]), key, size))
    assert strays == [], f"unexpected keys below {below}: {strays}"
    return {stream: sorted(found) for stream, found in objects.items()}


def assert_same_lines(actual, expected, what):
    if actual == expected:
        return
    for index, (a, e) in enumerate(zip(actual, expected)):
        if a != e:
            raise AssertionError(f"{what}: line {index} differs:\n  got      {a!r}\n  expected {e!r}")
    common = min(len(actual), len(expected))
    side, extra = ("extra", actual[common]) if len(actual) > common else ("missing", expected[common])
    raise AssertionError(f"{what}: {len(actual)} lines, expected {len(expected)}; {side} from line {common}: {extra!r}")


def read_lines(view, key):
    """The lines of one gzip object; it must end with a newline."""
    text = gzip.decompress(view.get(key)).decode("utf-8")
    assert text.endswith("\n"), f"{key} does not end with a newline"
    return text[:-1].split("\n"), len(text.encode())


def write_test_key(prefix):
    """AWS writes its permission probe under the destinationPrefix given, at the bucket's root when none was."""
    return "aws-logs-write-test" if prefix is None else f"{prefix}/aws-logs-write-test"


def check_export(view, prefix, task_id, expected, cut=None):
    """The write test object; per stream, objects numbered from FIRST_OBJECT without gaps whose lines, in object
    order, are `expected[stream]` exactly; with `cut`, every object but a stream's last holds at least `cut` bytes of
    lines minus one line, and none more than `cut` plus one line. `prefix` is the destinationPrefix given (None:
    none, the objects go under exportedlogs/). Returns {stream: number of objects}."""
    assert view.get(write_test_key(prefix)) == WRITE_TEST_TEXT
    prefix = DEFAULT_PREFIX if prefix is None else prefix
    objects = stream_objects(view, prefix, task_id)
    assert sorted(objects) == sorted(s for s, lines in expected.items() if lines)
    counts = {}
    for stream, found in objects.items():
        numbers = [number for number, _, _ in found]
        assert numbers == list(range(FIRST_OBJECT, FIRST_OBJECT + len(found))), f"{stream}: objects {numbers}"
        longest = max(len(line.encode()) + 1 for line in expected[stream])
        lines = []
        for position, (number, key, _) in enumerate(found):
            object_lines, raw = read_lines(view, key)
            lines += object_lines
            if cut is not None:
                if position < len(found) - 1:
                    assert raw >= cut - longest, f"{key}: {raw} bytes of lines, cut at {cut}"
                assert raw < cut + longest, f"{key}: {raw} bytes of lines, cut at {cut}"
        assert_same_lines(lines, expected[stream], f"stream {stream}")
        counts[stream] = len(found)
    return counts


def count_objects(view, prefix, task_id):
    return sum(len(found) for found in stream_objects(view, prefix, task_id).values())


# --- fixtures ------------------------------------------------------------------------------------------------------


def dedicated_server(extra_env):
    """A `cairn serve` of this module's own (the session server keeps its default export settings), with
    account A's admin key."""
    data_dir = make_data_dir()
    srv = Server(data_dir, free_port(), extra_env=extra_env)
    try:
        srv.start()
        srv.enrol(KEYS["a_admin"])
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def small():
    """Objects cut after 256 KiB of lines: a test export makes several per stream."""
    yield from dedicated_server({"CAIRN_EXPORT_OBJECT_BYTES": str(SMALL_OBJECT_BYTES)})


@pytest.fixture(scope="module")
def slow():
    """64 KiB objects and a 400 ms pause after each: an export of 40,000 events runs for well over 10 s."""
    yield from dedicated_server({"CAIRN_EXPORT_OBJECT_BYTES": str(SLOW_OBJECT_BYTES), "CAIRN_EXPORT_PAUSE_MS": "400"})


@pytest.fixture(scope="module")
def s3():
    with s3_peer() as peer:
        yield peer


def cancel_active(logs):
    """Cancels the account's active tasks and waits until none is left, so that a failed test leaves the one
    active task of the account free for the next."""
    for code in ("PENDING", "RUNNING"):
        for task in logs.describe_export_tasks(statusCode=code)["exportTasks"]:
            try:
                logs.cancel_export_task(taskId=task["taskId"])
            except ClientError:
                pass
    wait_for(lambda: not any(logs.describe_export_tasks(statusCode=code)["exportTasks"]
                             for code in ("PENDING", "RUNNING", "PENDING_CANCEL")), 60, what="no active export task")


@pytest.fixture
def small_logs(small):
    logs = small.client(KEYS["a_admin"])
    yield logs
    cancel_active(logs)


@pytest.fixture
def slow_logs(slow):
    logs = slow.client(KEYS["a_admin"])
    yield logs
    cancel_active(logs)


@pytest.fixture
def a_logs(logs_a):
    yield logs_a
    cancel_active(logs_a)


def all_tasks(logs, **filters):
    tasks, token = [], None
    while True:
        page = logs.describe_export_tasks(**filters, **({"nextToken": token} if token else {}))
        tasks += page["exportTasks"]
        token = page.get("nextToken")
        if not token:
            return tasks


# --- tests ---------------------------------------------------------------------------------------------------------

def test_export_to_a_directory_and_to_an_s3_peer_matches_line_for_line(small, small_logs, s3, tmp_path):
    """100,000 events in two streams (one sent with its batches out of time order, ties across batches) exported to
    a directory bucket and to moto: the write test object, then per stream gzip objects numbered without gaps,
    each but the last cut at 256 KiB of lines, whose lines are the events in time order, byte for byte."""
    logs = small_logs
    group = "/export/full"
    logs.create_log_group(logGroupName=group)
    rng = random.Random(20261204)
    start = now_ms() - 10 * 60_000
    ingested = {}
    for stream, order in (("alpha", [2, 0, 4, 1, 3]), ("beta", None)):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = make_events(rng, stream, 50_000, start, 4 * 60_000)
        # A batch's first event shares the previous batch's last millisecond: with the batches sent out of order,
        # the later-ingested one must come second.
        for boundary in range(10_000, len(events), 10_000):
            events[boundary] = (events[boundary - 1][0], events[boundary][1])
        ingested[stream] = send(logs, group, stream, events, order=order)
    end = now_ms()
    expected = {stream: expected_lines(events, start, end) for stream, events in ingested.items()}
    assert sum(len(lines) for lines in expected.values()) == 100_000

    directory_bucket, directory = add_directory_bucket(small, tmp_path / "bucket")
    task_id = create_task(logs, group, directory_bucket, start, end, taskName="to-directory")
    uuid.UUID(task_id)
    task = wait_status(logs, task_id, "COMPLETED", 180)
    assert (task["taskName"], task["logGroupName"], task["from"], task["to"], task["destination"],
            task["destinationPrefix"]) == ("to-directory", group, start, end, directory_bucket, DEFAULT_PREFIX)
    info = task["executionInfo"]
    assert 0 < info["creationTime"] <= info["completionTime"]
    on_disk = check_export(directory, None, task_id, expected, cut=SMALL_OBJECT_BYTES)
    assert all(count >= 3 for count in on_disk.values()), on_disk

    peer_bucket = add_s3_bucket(small, s3)
    task_id = create_task(logs, group, peer_bucket, start, end, taskName="to-peer", destinationPrefix="cairn/peer-run")
    task = wait_status(logs, task_id, "COMPLETED", 180)
    assert task["destinationPrefix"] == "cairn/peer-run"
    in_peer = check_export(PeerView(s3), "cairn/peer-run", task_id, expected, cut=SMALL_OBJECT_BYTES)
    assert in_peer == on_disk


def test_stream_prefix_and_inclusive_time_bounds(small, small_logs, tmp_path):
    """Only streams starting with the prefix (`_` is no wildcard) and only events with from <= timestamp <= to:
    events at from and at to are in, one millisecond outside is out; a stream with nothing in range has no
    object; from == to is refused, as AWS refuses it."""
    logs = small_logs
    group = "/export/bounds"
    logs.create_log_group(logGroupName=group)
    base = now_ms() - 5 * 60_000
    start, end = base + 1_000, base + 61_000

    def around(label):
        return [(start - 1_000, f"{label} long before"), (start - 1, f"{label} 1 ms before from"),
                (start, f"{label} at from"), (start, f"{label} at from, second"), (start + 1, f"{label} just after"),
                ((start + end) // 2, f"{label} mid ✓"), (end - 1, f"{label} 1 ms before to"), (end, f"{label} at to"),
                (end + 1, f"{label} 1 ms after to"), (end + 1_000, f"{label} long after")]

    sent = {"app_1": around("app_1"), "app_2": around("app_2"), "appX": around("appX"), "other": around("other"),
            "app_late": [(end + 1, "late 1"), (end + 2, "late 2")]}
    for stream, events in sent.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        send(logs, group, stream, events)
    bucket, view = add_directory_bucket(small, tmp_path / "bucket")

    task_id = create_task(logs, group, bucket, start, end, logStreamNamePrefix="app_", destinationPrefix="bounds")
    wait_status(logs, task_id, "COMPLETED", 120)
    expected = {stream: expected_lines(sent[stream], start, end) for stream in ("app_1", "app_2", "app_late")}
    assert expected["app_1"][0].endswith("app_1 at from") and expected["app_1"][-1].endswith("app_1 at to")
    assert expected["app_late"] == []
    check_export(view, "bounds", task_id, expected)

    # AWS: "... and from value is lesser than the to value": from == to is refused.
    with pytest.raises(ClientError) as refused:
        create_task(logs, group, bucket, start, start, destinationPrefix="one-ms")
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert refused.value.response["Error"]["Message"].endswith("from value is lesser than the to value")

    task_id = create_task(logs, group, bucket, start, start + 1, destinationPrefix="two-ms")
    wait_status(logs, task_id, "COMPLETED", 120)
    expected = {stream: expected_lines(events, start, start + 1) for stream, events in sent.items()}
    assert expected["other"] == [f"{iso(start)} other at from", f"{iso(start)} other at from, second",
                                 f"{iso(start + 1)} other just after"]
    check_export(view, "two-ms", task_id, expected)


def test_a_killed_worker_s_export_is_resumed_without_duplicates_or_gaps(tmp_path):
    """An API process and a worker (64 KiB objects, 400 ms pause); the worker is SIGKILLed after 3 objects, a new
    worker takes the task over once the claim expires: COMPLETED, objects numbered without gaps, every line
    exactly once and in order."""
    key = KEYS["a_admin"]
    with api_with_workers(key) as (api, start_worker):
        first = start_worker({"CAIRN_EXPORT_OBJECT_BYTES": str(SLOW_OBJECT_BYTES), "CAIRN_EXPORT_PAUSE_MS": "400"})
        logs = api.client(key)
        group = "/export/kill"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        start = now_ms() - 10 * 60_000
        events = send(logs, group, "s", make_events(random.Random(7), "kill", 60_000, start, 5 * 60_000))
        end = now_ms()
        expected = {"s": expected_lines(events, start, end)}
        bucket, view = add_directory_bucket(api, tmp_path / "bucket")

        task_id = create_task(logs, group, bucket, start, end)
        wait_for(lambda: count_objects(view, DEFAULT_PREFIX, task_id) >= 3, 90, what="3 objects from the first worker")
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=30)
        before = count_objects(view, DEFAULT_PREFIX, task_id)
        assert describe(logs, task_id)["status"]["code"] == "RUNNING"

        start_worker({"CAIRN_EXPORT_OBJECT_BYTES": str(SLOW_OBJECT_BYTES)})
        wait_status(logs, task_id, "COMPLETED", 150)
        counts = check_export(view, None, task_id, expected, cut=SLOW_OBJECT_BYTES)
        assert counts["s"] > before + 3, (before, counts)
        print(f"{before} objects before the SIGKILL, {counts['s']} in all")


def test_cancel_stops_a_running_export(slow, slow_logs, tmp_path):
    """Cancelled after its first object, a running task becomes CANCELLED, with a completion time; its objects stop
    growing and hold the first events in order; cancelling it again is refused."""
    logs = slow_logs
    group = "/export/cancel"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    start = now_ms() - 10 * 60_000
    events = send(logs, group, "s", make_events(random.Random(11), "cancel", 40_000, start, 5 * 60_000))
    end = now_ms()
    lines = expected_lines(events, start, end)
    whole = sum(len(line.encode()) + 1 for line in lines) // SLOW_OBJECT_BYTES
    bucket, view = add_directory_bucket(slow, tmp_path / "bucket")

    task_id = create_task(logs, group, bucket, start, end)
    wait_for(lambda: count_objects(view, DEFAULT_PREFIX, task_id) >= 1, 60, what="the first object")
    logs.cancel_export_task(taskId=task_id)
    task = wait_status(logs, task_id, "CANCELLED", 30)
    assert task["executionInfo"]["completionTime"] >= task["executionInfo"]["creationTime"]

    with pytest.raises(ClientError) as excinfo:
        logs.cancel_export_task(taskId=task_id)
    code, text = code_of(excinfo)
    assert code == "InvalidOperationException"
    assert text.startswith("The specified export task has already finished"), text

    first_count = count_objects(view, DEFAULT_PREFIX, task_id)
    time.sleep(2)  # a write still going on would show by now
    assert count_objects(view, DEFAULT_PREFIX, task_id) == first_count
    assert 1 <= first_count < whole, (first_count, whole)
    written = []
    for _, key, _ in stream_objects(view, DEFAULT_PREFIX, task_id)["s"]:
        written += read_lines(view, key)[0]
    assert_same_lines(written, lines[:len(written)], "the cancelled task's objects")


def test_one_active_export_task_per_account(slow, slow_logs, tmp_path):
    """While a task is pending or running, another one (even of another group) is refused with
    LimitExceededException; once it is cancelled, the next one runs."""
    logs = slow_logs
    big, small_group = "/export/limit/big", "/export/limit/small"
    for group in (big, small_group):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    start = now_ms() - 10 * 60_000
    send(logs, big, "s", make_events(random.Random(13), "limit", 40_000, start, 5 * 60_000))
    send(logs, small_group, "s", [(start, "the only event")])
    end = now_ms()
    bucket, view = add_directory_bucket(slow, tmp_path / "bucket")

    first = create_task(logs, big, bucket, start, end)
    for group in (big, small_group):
        with pytest.raises(ClientError) as excinfo:
            create_task(logs, group, bucket, start, end)
        assert code_of(excinfo) == ("LimitExceededException", "Resource limit exceeded.")
    active = describe(logs, first)
    assert active["status"]["code"] in ("PENDING", "RUNNING") and "completionTime" not in active["executionInfo"]
    logs.cancel_export_task(taskId=first)
    wait_status(logs, first, "CANCELLED", 30)
    assert first in [t["taskId"] for t in logs.describe_export_tasks(statusCode="CANCELLED")["exportTasks"]]

    second = create_task(logs, small_group, bucket, start, end, destinationPrefix="after")
    wait_status(logs, second, "COMPLETED", 60)
    check_export(view, "after", second, {"s": [f"{iso(start)} the only event"]})


def test_create_export_task_refusals(server, a_logs, name, tmp_path):
    """Unknown bucket, unknown group, from > to, a reader's key: refused with AWS's codes, nothing created;
    cancelling an unknown task id is ResourceNotFoundException."""
    logs = a_logs
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms() - 60_000
    send(logs, name, "s", [(t, "one")])
    bucket, _ = add_directory_bucket(server, tmp_path / "bucket")

    def refused(client=logs, **changes):
        args = dict(group=name, destination=bucket, start=t - 1, end=t + 1)
        args.update(changes)
        with pytest.raises(ClientError) as excinfo:
            create_task(client, args["group"], args["destination"], args["start"], args["end"])
        return code_of(excinfo)

    code, text = refused(destination=bucket_name("unmapped"))
    assert code == "InvalidParameterException"
    assert text in ("The given bucket does not exist. Please make sure the bucket is valid.",
                    "GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted "
                    "permission to perform this operation."), text
    assert refused(group=name + "-missing") == ("ResourceNotFoundException", "The specified log group does not exist.")
    code, text = refused(start=t + 1, end=t)
    assert code == "InvalidParameterException" and "from value is lesser than the to value" in text, text
    assert refused(client=server.client(KEYS["a_reader"]))[0] == "AccessDeniedException"
    assert [task for task in all_tasks(logs) if task["logGroupName"] == name] == []

    with pytest.raises(ClientError) as excinfo:
        logs.cancel_export_task(taskId=str(uuid.uuid4()))
    assert code_of(excinfo) == ("ResourceNotFoundException", "The specified export task does not exist.")


def test_describe_export_tasks_by_id_status_and_pages(server, a_logs, name, tmp_path):
    """Three finished tasks: by taskId exactly one with what was asked for; by statusCode; pages of one following
    nextToken, newest first; cancelling a COMPLETED task is InvalidOperationException."""
    logs = a_logs
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms() - 60_000
    send(logs, name, "s", [(t, "one"), (t + 1, "two"), (t + 2, "three")])
    bucket, view = add_directory_bucket(server, tmp_path / "bucket")
    ids = []
    for index in range(3):
        ids.append(create_task(logs, name, bucket, t, t + 2, taskName=f"page-{index}", destinationPrefix=f"desc{index}"))
        wait_status(logs, ids[-1], "COMPLETED", 120)

    task = describe(logs, ids[1])
    assert (task["taskId"], task["taskName"], task["logGroupName"], task["from"], task["to"], task["destination"],
            task["destinationPrefix"]) == (ids[1], "page-1", name, t, t + 2, bucket, "desc1")
    assert task["status"] == {"code": "COMPLETED", "message": "Completed successfully"}
    check_export(view, "desc1", ids[1], {"s": [f"{iso(t)} one", f"{iso(t + 1)} two", f"{iso(t + 2)} three"]})

    completed = [task["taskId"] for task in all_tasks(logs, statusCode="COMPLETED")]
    assert set(ids) <= set(completed)
    for code in ("FAILED", "CANCELLED", "RUNNING"):
        assert not set(ids) & {task["taskId"] for task in all_tasks(logs, statusCode=code)}

    pages, token = [], None
    while True:
        page = logs.describe_export_tasks(limit=1, **({"nextToken": token} if token else {}))
        assert len(page["exportTasks"]) <= 1
        pages += [task["taskId"] for task in page["exportTasks"]]
        token = page.get("nextToken")
        if not token:
            break
    assert len(pages) == len(set(pages)) >= 3
    assert [task_id for task_id in pages if task_id in ids] == ids[::-1]

    with pytest.raises(ClientError) as excinfo:
        logs.cancel_export_task(taskId=ids[0])
    code, text = code_of(excinfo)
    assert code == "InvalidOperationException"
    assert text.startswith("The specified export task has already finished"), text


def test_the_aws_cli_creates_and_describes_an_export_task(server, a_logs, name, tmp_path):
    """`aws logs create-export-task` answers a taskId in JSON; `describe-export-tasks --task-id` shows it COMPLETED;
    the object holds the lines."""
    key = KEYS["a_admin"]
    a_logs.create_log_group(logGroupName=name)
    a_logs.create_log_stream(logGroupName=name, logStreamName="cli")
    t = now_ms() - 60_000
    events = [(t, "from the CLI"), (t + 5, 'ünïcode "quoted"')]
    send(a_logs, name, "cli", events)
    bucket, view = add_directory_bucket(server, tmp_path / "bucket")

    created = server.aws(key, "logs", "create-export-task", "--task-name", "cli", "--log-group-name", name,
                         "--from", str(t), "--to", str(t + 5), "--destination", bucket,
                         "--destination-prefix", "cli-run", "--output", "json")
    task_id = json.loads(created.stdout)["taskId"]

    def finished():
        described = server.aws(key, "logs", "describe-export-tasks", "--task-id", task_id, "--output", "json")
        tasks = json.loads(described.stdout)["exportTasks"]
        assert [task["taskId"] for task in tasks] == [task_id]
        return tasks[0] if tasks[0]["status"]["code"] in TERMINAL else None

    task = wait_for(finished, 120, interval=0.5, what="the CLI's export task to finish")
    assert task["status"]["code"] == "COMPLETED" and task["taskName"] == "cli" and task["destination"] == bucket
    check_export(view, "cli-run", task_id, {"cli": expected_lines(events, t, t + 5)})
    # The export is in the account's audit trail: who created it, and how it ended.
    trail = [json.loads(e["message"]) for e in a_logs.filter_log_events(
        logGroupName="aws/cairn/kms-audit", startTime=t - 60_000, filterPattern=f'"{task_id}"')["events"]]
    assert {(r["operation"], r["outcome"]) for r in trail} >= {
        ("logs:CreateExportTask", f"export task {task_id} of {name} to bucket {bucket}"),
        ("logs:ExportTask", f"export task {task_id} completed: 2 events"),
    }
    assert any(r["operation"] == "logs:CreateExportTask" and r["principal"].startswith(f"arn:aws:iam::{key.account}:")
               for r in trail)


def test_an_export_of_a_group_under_a_disabled_key_fails(server, a_logs, name, tmp_path):
    """A group encrypted with a customer KMS key that is disabled: the task ends FAILED with a message, a completion
    time, and no object of the group's events."""
    kms = server.client(KEYS["a_admin"], service="kms")
    key = kms.create_key(Description="export key")["KeyMetadata"]
    a_logs.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    a_logs.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms() - 60_000
    send(a_logs, name, "s", [(t, "secret one"), (t + 1, "secret two")])
    bucket, view = add_directory_bucket(server, tmp_path / "bucket")
    kms.disable_key(KeyId=key["KeyId"])

    def reads_refused():
        try:
            a_logs.get_log_events(logGroupName=name, logStreamName="s", startFromHead=True)
        except ClientError as error:
            return error.response["Error"]["Code"] == "AccessDeniedException"
        return False

    wait_for(reads_refused, 30, what="reads of the group to be refused")  # past any key cache
    task_id = create_task(a_logs, name, bucket, t, t + 1)
    task = wait_status(a_logs, task_id, "FAILED", 120)
    assert task["status"].get("message"), task
    assert task["executionInfo"]["completionTime"] >= task["executionInfo"]["creationTime"]
    assert stream_objects(view, DEFAULT_PREFIX, task_id) == {}


def test_an_export_to_a_missing_remote_bucket_fails(server, a_logs, name, s3):
    """A mapping to a bucket the S3 peer does not have (`--remote-name`): the store refuses the write test object
    and the task ends FAILED with a message."""
    a_logs.create_log_group(logGroupName=name)
    a_logs.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms() - 60_000
    send(a_logs, name, "s", [(t, "nowhere to go")])
    bucket = add_s3_bucket(server, s3, remote="no-such-remote-bucket")
    task_id = create_task(a_logs, name, bucket, t, t + 1)
    task = wait_status(a_logs, task_id, "FAILED", 180)
    assert task["status"].get("message"), task
    assert not [key for key in s3.keys() if task_id in key]


def test_bucket_administration(server, logs_a, logs_b, name, s3, tmp_path):
    """`cairn admin bucket add|list|remove`: a directory and an S3 mapping are listed with their kind (never the
    secret), per account; a name is mapped once; another account cannot export to it; a removed bucket is
    gone and an export to it is InvalidParameterException."""
    directory_bucket, _ = add_directory_bucket(server, tmp_path / "bucket")
    peer_bucket = add_s3_bucket(server, s3)

    listed = {b["name"]: b for b in server.admin_json("bucket", "list", "--account", ACCOUNT_A)}
    assert (listed[directory_bucket]["account"], listed[directory_bucket]["kind"]) == (ACCOUNT_A, "directory")
    assert (listed[peer_bucket]["account"], listed[peer_bucket]["kind"]) == (ACCOUNT_A, "s3")
    everything = server.admin("bucket", "list", "--json").stdout
    assert {directory_bucket, peer_bucket} <= {b["name"] for b in json.loads(everything)}
    assert SECRET not in everything and SECRET not in server.admin("bucket", "list").stdout
    assert not {directory_bucket, peer_bucket} & {
        b["name"] for b in server.admin_json("bucket", "list", "--account", ACCOUNT_B)}

    again = server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", directory_bucket, "--directory",
                         str(tmp_path / "elsewhere"), check=False)
    assert again.returncode != 0

    t = now_ms() - 60_000
    logs_b.create_log_group(logGroupName=name)
    logs_b.create_log_stream(logGroupName=name, logStreamName="s")
    send(logs_b, name, "s", [(t, "account B")])
    with pytest.raises(ClientError) as excinfo:
        create_task(logs_b, name, directory_bucket, t, t + 1)
    assert code_of(excinfo) == ("InvalidParameterException", BUCKET_MISSING)

    server.admin("bucket", "remove", "--account", ACCOUNT_A, "--name", directory_bucket)
    assert directory_bucket not in {b["name"] for b in server.admin_json("bucket", "list", "--account", ACCOUNT_A)}
    assert server.admin("bucket", "remove", "--account", ACCOUNT_A, "--name", directory_bucket,
                        check=False).returncode != 0
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    send(logs_a, name, "s", [(t, "account A")])
    with pytest.raises(ClientError) as excinfo:
        create_task(logs_a, name, directory_bucket, t, t + 1)
    assert code_of(excinfo) == ("InvalidParameterException", BUCKET_MISSING)
    server.admin("bucket", "remove", "--account", ACCOUNT_A, "--name", peer_bucket)
