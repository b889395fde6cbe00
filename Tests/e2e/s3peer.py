"""moto's S3 server as an S3 API peer for export tests: `python -m moto.server` on a free port, with one bucket.

moto accepts any credentials; what matters is that Cairn speaks the S3 API (SigV4 for s3, path-style addressing
for 127.0.0.1) to a store that is not its own."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

ACCESS_KEY_ID = "test"
SECRET = "moto-accepts-any-secret"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Peer:
    """A running moto S3 server: `endpoint`, `bucket` (created), `client` (boto3 s3), `secret_file` (for
    `cairn admin bucket add --secret-file`)."""

    def __init__(self, endpoint: str, bucket: str, secret_file: str, process: subprocess.Popen):
        self.endpoint = endpoint
        self.bucket = bucket
        self.secret_file = secret_file
        self.process = process
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))

    def keys(self, prefix: str = "") -> dict:
        """{key: size} of every object under `prefix`."""
        found = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = item["Size"]
        return found

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except Exception:
        return False


@contextlib.contextmanager
def s3_peer(bucket: str = "cairn-export-peer", timeout: float = 60):
    """Starts moto's server, creates `bucket`, yields an `S3Peer`; stops the server and removes its files after."""
    port = _free_port()
    directory = tempfile.mkdtemp(prefix="cairn-moto-")
    log_path = os.path.join(directory, "moto.log")
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port), "-H", "127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while not _answers(endpoint + "/"):
            if process.poll() is not None:
                raise RuntimeError(f"moto server exited early:\n{open(log_path, errors='replace').read()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not answer within {timeout} s:\n"
                                   f"{open(log_path, errors='replace').read()}")
            time.sleep(0.2)
        secret_file = os.path.join(directory, "secret")
        with open(secret_file, "w") as f:
            f.write(SECRET)
        peer = S3Peer(endpoint, bucket, secret_file, process)
        peer.client.create_bucket(Bucket=bucket)
        yield peer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(directory, ignore_errors=True)
