"""Real logging clients against Cairn: watchtower (a Python logging handler) and the awslogs CLI."""

import logging
import os
import subprocess
import time
import uuid

from conftest import KEYS


def test_watchtower_handler_ships_python_logging(server, logs_a, name):
    import watchtower

    handler = watchtower.CloudWatchLogHandler(
        log_group_name=name,
        log_stream_name="app-{strftime:%Y-%m-%d}",
        boto3_client=server.client(KEYS["a_admin"]),
        send_interval=1,
        create_log_group=True,
    )
    logger = logging.getLogger("cairn-e2e-" + uuid.uuid4().hex)
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    for i in range(25):
        logger.info("request %d served", i)
    logger.warning({"event": "structured", "ok": True})
    handler.flush()
    handler.close()
    events = [e for p in logs_a.get_paginator("filter_log_events").paginate(logGroupName=name) for e in p["events"]]
    messages = [e["message"] for e in events]
    assert messages[:25] == [f"request {i} served" for i in range(25)]
    assert '"event": "structured"' in messages[25]
    [stream] = logs_a.describe_log_streams(logGroupName=name)["logStreams"]
    assert stream["logStreamName"].startswith("app-")


def test_awslogs_cli_lists_and_reads(server, logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="web")
    now = int(time.time() * 1000)
    logs_a.put_log_events(
        logGroupName=name, logStreamName="web",
        logEvents=[{"timestamp": now - 1000 + i, "message": f"line {i} {'ERROR' if i % 3 == 0 else 'ok'}"} for i in range(9)],
    )
    key = KEYS["a_admin"]
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key.access_key_id, AWS_SECRET_ACCESS_KEY=key.secret,
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")

    def awslogs(*args):
        return subprocess.run(["awslogs", *args, "--aws-endpoint-url", server.endpoint], env=env,
                              capture_output=True, text=True, timeout=120, check=True).stdout

    assert name in awslogs("groups").split()
    assert awslogs("streams", name).split() == ["web"]
    out = awslogs("get", name, "ALL", "--start", "5m", "--no-group", "--no-stream")
    assert [line for line in out.splitlines() if line] == [f"line {i} {'ERROR' if i % 3 == 0 else 'ok'}" for i in range(9)]
    out = awslogs("get", name, "ALL", "--start", "5m", "--filter-pattern", "ERROR", "--no-group", "--no-stream")
    assert [line for line in out.splitlines() if line] == ["line 0 ERROR", "line 3 ERROR", "line 6 ERROR"]
