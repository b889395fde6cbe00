"""Firehose-style delivery streams as subscription destinations: records (the gzip of each DATA_MESSAGE, as
CloudWatch Logs sends Firehose) buffered in PostgreSQL, then written to a bucket under YYYY/MM/DD/HH/ or POSTed to
an HTTP endpoint in Firehose's HTTP endpoint delivery format, at least once, across a restart."""

import base64
import gzip
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS, Server, free_port, make_data_dir


def now_ms():
    return int(time.time() * 1000)


def wait_for(condition, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class FirehoseEndpoint:
    """An HTTP endpoint that checks Firehose's request contract and answers as its specification says: 200 with
    the request's id. The first `failures` requests are answered 500 (Firehose retries them)."""

    def __init__(self, access_key, failures=0):
        self.port = free_port()
        self.access_key = access_key
        self.failures = failures
        self.lock = threading.Lock()
        self.requests = []      # (headers, body) of accepted requests
        self.refused = 0
        self.violations = []    # contract violations seen
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/firehose"

    def records(self):
        """Every accepted record, decoded."""
        with self.lock:
            bodies = [body for _, body in self.requests]
        return [json.loads(gzip.decompress(base64.b64decode(r["data"]))) for b in bodies for r in b["records"]]

    def messages(self):
        """The DATA_MESSAGEs of every accepted record."""
        return [m for m in self.records() if m["messageType"] == "DATA_MESSAGE"]

    def events(self):
        return [e["message"] for m in self.messages() for e in m["logEvents"]]

    def start(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                request_id = self.headers.get("X-Amz-Firehose-Request-Id")
                problems = []
                if self.headers.get("Content-Type") != "application/json":
                    problems.append("content type")
                if self.headers.get("X-Amz-Firehose-Protocol-Version") != "1.0":
                    problems.append("protocol version")
                if self.headers.get("X-Amz-Firehose-Access-Key") != endpoint.access_key:
                    problems.append("access key")
                if not request_id or body.get("requestId") != request_id:
                    problems.append("request id")
                if not isinstance(body.get("timestamp"), int) or abs(body["timestamp"] - now_ms()) > 60_000:
                    problems.append("timestamp")
                if not body.get("records") or not all(set(r) == {"data"} for r in body["records"]):
                    problems.append("records")
                with endpoint.lock:
                    endpoint.violations += problems
                    fail = endpoint.failures > 0
                    if fail:
                        endpoint.failures -= 1
                        endpoint.refused += 1
                    else:
                        endpoint.requests.append((dict(self.headers), body))
                answer = json.dumps({"requestId": request_id, "timestamp": now_ms()}).encode()
                if fail:
                    answer = json.dumps({"requestId": request_id, "timestamp": now_ms(),
                                         "errorMessage": "try again"}).encode()
                self.send_response(500 if fail else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def create_stream(server, name, *args):
    return server.admin_json("delivery-stream", "create", "--account", ACCOUNT_A, "--name", name, *args)["arn"]


def put(logs, group, stream, messages):
    for start in range(0, len(messages), 1000):
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": now_ms(), "message": m} for m in messages[start:start + 1000]])


def subscribe(logs, group, arn):
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="", destinationArn=arn,
                                 roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoFirehose")


def test_an_http_endpoint_gets_firehose_requests_and_failures_are_retried(server, logs_a, name):
    endpoint = FirehoseEndpoint(access_key="vendor-key-1", failures=2).start()
    try:
        arn = create_stream(server, "vendor" + name.replace("/", "-")[-20:], "--url", endpoint.url,
                            "--access-key", "vendor-key-1", "--allow-private-network", "--buffer-seconds", "0",
                            "--buffer-mib", "1")
        assert arn.startswith(f"arn:aws:firehose:us-east-1:{ACCOUNT_A}:deliverystream/vendor")
        subscribe(logs_a, name, arn)
        sent = [f"event {i} ü \"quoted\"" for i in range(300)]
        put(logs_a, name, "app", sent)
        assert wait_for(lambda: set(endpoint.events()) >= set(sent), timeout=120)
        assert endpoint.refused == 2 and endpoint.violations == []
        messages = endpoint.messages()
        assert all(m["messageType"] == "DATA_MESSAGE" and m["owner"] == ACCOUNT_A and m["logGroup"] == name
                   and m["logStream"] == "app" and m["subscriptionFilters"] == ["all"] for m in messages)
        # In order within the stream, nothing lost (a retried request may repeat records: at least once).
        assert list(dict.fromkeys(endpoint.events())) == sent
        # A new subscription first sends CloudWatch Logs' control message for Firehose.
        control = [m for m in endpoint.records() if m["messageType"] == "CONTROL_MESSAGE"]
        assert control and control[0]["logEvents"][0]["message"] == \
            "CWL CONTROL MESSAGE: Checking health of destination Firehose."
        headers = endpoint.requests[0][0]
        assert headers["X-Amz-Firehose-Source-Arn"] == arn
        uuid.UUID(headers["X-Amz-Firehose-Request-Id"])
    finally:
        endpoint.stop()


def gzip_members(data):
    """The documents of a file of concatenated gzip members (how Firehose writes records to S3)."""
    documents = []
    while data:
        decompressor = zlib.decompressobj(wbits=31)
        documents.append(json.loads(decompressor.decompress(data)))
        data = decompressor.unused_data
    return documents


def test_a_bucket_stream_writes_objects_under_the_hour_once_its_buffer_is_full(server, logs_a, name):
    directory = tempfile.mkdtemp(prefix="cairn-firehose-")
    try:
        bucket = "fh-" + uuid.uuid4().hex[:12]
        server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", bucket, "--directory", directory)
        arn = create_stream(server, "archive" + uuid.uuid4().hex[:8], "--bucket", bucket, "--prefix", "logs/",
                            "--buffer-mib", "1", "--buffer-seconds", "900")
        subscribe(logs_a, name, arn)
        # Random text barely compresses: about 1.5 MiB of records fill the 1 MiB buffer once.
        sent = [base64.b64encode(os.urandom(600)).decode() for _ in range(2500)]
        put(logs_a, name, "app", sent)

        def objects():
            found = []
            for root, _, files in os.walk(os.path.join(directory, "logs")):
                found += [os.path.join(root, f) for f in files if not f.startswith(".")]
            return found

        assert wait_for(lambda: objects(), timeout=120)
        hour = time.strftime("%Y/%m/%d/%H", time.gmtime())
        previous_hour = time.strftime("%Y/%m/%d/%H", time.gmtime(time.time() - 3600))
        written = objects()
        for path in written:
            relative = os.path.relpath(path, os.path.join(directory, "logs"))
            assert relative[:13] in (hour, previous_hour), relative
            assert os.path.basename(path).startswith(arn.split("/")[-1] + "-1-")
        records = [m for path in sorted(written) for m in gzip_members(open(path, "rb").read())]
        assert records[0]["messageType"] == "CONTROL_MESSAGE"
        events = [e["message"] for m in records[1:] for e in m["logEvents"]]
        # Records reached the 1 MiB buffer: what fits in it went out as one object (no object is larger), the rest
        # waits for the next 1 MiB or the 900 s interval.
        assert 0 < len(events) < len(sent)
        assert events == sent[:len(events)]
        assert all(os.path.getsize(p) <= 1 << 20 for p in written)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_buffered_records_survive_a_restart():
    """Records wait in PostgreSQL (sealed): an endpoint that is down while the server restarts gets them after."""
    data_dir = make_data_dir()
    server = Server(data_dir, free_port())
    endpoint = FirehoseEndpoint(access_key=None, failures=10**6).start()
    try:
        server.start()
        server.enrol(KEYS["a_admin"])
        logs = server.client(KEYS["a_admin"])
        arn = create_stream(server, "restart", "--url", endpoint.url, "--allow-private-network",
                            "--buffer-seconds", "0", "--buffer-mib", "1")
        subscribe(logs, "/restart", arn)
        sent = [f"kept {i}" for i in range(50)]
        put(logs, "/restart", "app", sent)
        assert wait_for(lambda: endpoint.refused >= 1, timeout=60)
        server.stop()
        with endpoint.lock:
            endpoint.failures = 0
        server.start()
        assert wait_for(lambda: set(endpoint.events()) >= set(sent), timeout=180)
    finally:
        endpoint.stop()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_a_missing_stream_or_a_bad_stream_definition_is_refused(server, logs_a, name):
    logs_a.create_log_group(logGroupName=name)

    def refused(arn, **role):
        with pytest.raises(ClientError) as error:
            logs_a.put_subscription_filter(logGroupName=name, filterName="f", filterPattern="", destinationArn=arn,
                                           **role)
        assert error.value.response["Error"]["Code"] == "InvalidParameterException"
        return error.value.response["Error"]["Message"]

    missing = f"arn:aws:firehose:us-east-1:{ACCOUNT_A}:deliverystream/none"
    role = {"roleArn": f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoFirehose"}
    assert refused(missing, **role) == ("Could not deliver test message to specified Firehose stream. "
                                        "Check if the given Firehose stream is in ACTIVE state.")
    # AWS's roleArn rules: Firehose and Kinesis need one, Lambda must have none.
    assert refused(missing) == "destinationArn for vendor firehose cannot be used without roleArn"
    assert refused(f"arn:aws:lambda:us-east-1:{ACCOUNT_A}:function:f", **role) == \
        "destinationArn for vendor lambda cannot be used with roleArn"
    bad = server.admin("delivery-stream", "create", "--account", ACCOUNT_A, "--name", "x", "--bucket", "nobucket",
                       check=False)
    assert bad.returncode != 0 and "no such bucket" in bad.stderr
    bad = server.admin("delivery-stream", "create", "--account", ACCOUNT_A, "--name", "y", "--url",
                       "https://example.com/", "--buffer-mib", "65", check=False)
    assert bad.returncode != 0 and "1–64 MiB" in bad.stderr
