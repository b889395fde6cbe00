"""Crash trials: writers put unique events (no client retries) while Cairn, Cairn and PostgreSQL together, or
PostgreSQL alone is killed with SIGKILL. Afterwards every acknowledged event is read back exactly once, no event
appears twice, and Cairn serves again: a restarted Cairn within 30 s; after PostgreSQL alone died, Cairn brings
it back and the writers resume. `--trials N` runs N trials of each kind (3 by default, as in CI)."""

import random
import signal
import threading
import time
import uuid
from collections import Counter

import boto3
import pytest
from botocore.config import Config

from conftest import READER, WRITER
from processes import alive, kill_postgres, postmaster_pid, wait_for

WRITERS = 4
EVENTS_PER_BATCH = 5
RESTART_SECONDS = 30
RESUME_SECONDS = 60


def client(endpoint, key):
    # One session per client (sessions are not thread-safe); one attempt per call: a failed call is not retried.
    return boto3.session.Session().client(
        "logs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20),
    )


class Writer(threading.Thread):
    """Puts batches of unique events to its own stream until stopped. `acknowledged` holds the messages of
    batches that Cairn answered with success (and rejected nothing of); `attempted` every message ever sent."""

    def __init__(self, endpoint, group, stream):
        super().__init__(daemon=True)
        self.logs = client(endpoint, WRITER)
        self.group, self.stream = group, stream
        self.acknowledged, self.attempted = [], []
        self.acks_at = []  # when each acknowledged call was sent (monotonic)
        self.failures = 0
        self.stopping = threading.Event()

    def run(self):
        sequence = 0
        while not self.stopping.is_set():
            now = int(time.time() * 1000)
            batch = [f"{self.stream} {sequence + i} {uuid.uuid4().hex}" for i in range(EVENTS_PER_BATCH)]
            sequence += EVENTS_PER_BATCH
            self.attempted += batch
            sent = time.monotonic()
            try:
                response = self.logs.put_log_events(
                    logGroupName=self.group, logStreamName=self.stream,
                    logEvents=[{"timestamp": now, "message": message} for message in batch])
            except Exception:
                self.failures += 1
                self.stopping.wait(0.1)  # not a correctness condition: only spares the CPU while Cairn is down
                continue
            assert "rejectedLogEventsInfo" not in response, response
            self.acknowledged += batch
            self.acks_at.append(sent)

    def acks_since(self, moment):
        return sum(1 for t in self.acks_at if t > moment)


def read_stream(logs, group, stream):
    messages, token = [], None
    while True:
        arguments = dict(logGroupName=group, logStreamName=stream, startFromHead=True, limit=10_000)
        if token:
            arguments["nextToken"] = token
        page = logs.get_log_events(**arguments)
        messages += [event["message"] for event in page["events"]]
        if page["nextForwardToken"] == token:
            return messages
        token = page["nextForwardToken"]


def filter_group(logs, group):
    messages, token = [], None
    while True:
        arguments = dict(logGroupName=group, limit=10_000)
        if token:
            arguments["nextToken"] = token
        page = logs.filter_log_events(**arguments)
        messages += [event["message"] for event in page["events"]]
        token = page.get("nextToken")
        if not token:
            return messages


def kill_cairn(deployment):
    deployment.server.stop(signal.SIGKILL)


def kill_cairn_and_postgres(deployment):
    process = deployment.server.process
    process.send_signal(signal.SIGKILL)
    kill_postgres(deployment.data_dir)
    deployment.server.stop(signal.SIGKILL)


KILLS = {"cairn": kill_cairn, "cairn_and_postgres": kill_cairn_and_postgres, "postgres": None}


@pytest.mark.parametrize("kind", list(KILLS))
def test_crash_trial(deployment, kind, trial):
    group = f"/reliability/{kind}/{trial}/{uuid.uuid4().hex[:8]}"
    setup = client(deployment.server.endpoint, WRITER)
    setup.create_log_group(logGroupName=group)
    writers = []
    for number in range(WRITERS):
        setup.create_log_stream(logGroupName=group, logStreamName=f"writer-{number}")
        writers.append(Writer(deployment.server.endpoint, group, f"writer-{number}"))
    for writer in writers:
        writer.start()
    try:
        # Kill at a different point of each trial: after a random number of acknowledged batches.
        target = random.randint(WRITERS * 2, WRITERS * 12)
        wait_for(lambda: sum(len(w.acks_at) for w in writers) >= target, 120, what=f"{target} acknowledged batches")
        if kind == "postgres":
            crashed = kill_postgres(deployment.data_dir)
            # Cairn brings PostgreSQL back, and every writer is acknowledged again (a call answered after the kill
            # may have been committed before it: only calls sent after the restart count).
            wait_for(lambda: postmaster_pid(deployment.data_dir) not in (None, crashed), RESUME_SECONDS,
                     what="Cairn to restart PostgreSQL")
            restarted_at = time.monotonic()
            wait_for(lambda: all(w.acks_since(restarted_at) > 0 for w in writers), RESUME_SECONDS,
                     what="the writers to resume after PostgreSQL was killed")
            assert alive(deployment.server.process.pid)
        else:
            KILLS[kind](deployment)
            started = time.monotonic()
            deployment.restart(timeout=RESTART_SECONDS)
            assert time.monotonic() - started < RESTART_SECONDS
            wait_for(lambda: all(w.acks_since(started) > 0 for w in writers), RESUME_SECONDS,
                     what="the writers to resume after the restart")
    finally:
        for writer in writers:
            writer.stopping.set()
        for writer in writers:
            writer.join(timeout=60)

    reader = client(deployment.server.endpoint, READER)
    acknowledged = [m for w in writers for m in w.acknowledged]
    attempted = {m for w in writers for m in w.attempted}
    by_stream = [m for w in writers for m in read_stream(reader, group, w.stream)]
    by_filter = filter_group(reader, group)
    for read in (by_stream, by_filter):
        counts = Counter(read)
        duplicated = [m for m, n in counts.items() if n > 1]
        missing = [m for m in acknowledged if m not in counts]
        unknown = [m for m in counts if m not in attempted]
        assert (duplicated, missing, unknown) == ([], [], []), (
            f"{len(duplicated)} duplicated, {len(missing)} acknowledged but missing, {len(unknown)} never sent")
    assert sorted(by_stream) == sorted(by_filter)
    assert len(acknowledged) >= target * EVENTS_PER_BATCH
