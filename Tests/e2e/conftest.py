"""End-to-end fixtures: a real `cairn serve` on its embedded PostgreSQL, driven by boto3 and the aws CLI."""

import contextlib
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass

import boto3
import botocore
import botocore.session
import pytest
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CAIRN = os.environ.get("CAIRN_BIN", os.path.join(ROOT, ".build", "debug", "cairn"))

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


@dataclass(frozen=True)
class Key:
    account: str
    access_key_id: str
    secret: str
    role: str


KEYS = {
    "a_admin": Key(ACCOUNT_A, "AKIAE2EAADMIN0000001", "secret-a-admin-0000000000000001", "admin"),
    "a_writer": Key(ACCOUNT_A, "AKIAE2EAWRITER000001", "secret-a-writer-000000000000001", "writer"),
    "a_reader": Key(ACCOUNT_A, "AKIAE2EAREADER000001", "secret-a-reader-000000000000001", "reader"),
    "b_admin": Key(ACCOUNT_B, "AKIAE2EBADMIN0000001", "secret-b-admin-0000000000000001", "admin"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `cairn serve` process with its own data directory."""

    def __init__(self, data_dir: str, port: int, extra_env=None):
        self.data_dir = data_dir
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        admin_port = (extra_env or {}).get("CAIRN_ADMIN_PORT")
        self.admin_endpoint = f"http://127.0.0.1:{admin_port}" if admin_port else self.endpoint
        self.env = dict(os.environ, CAIRN_DATA_DIR=data_dir, CAIRN_PORT=str(port), **(extra_env or {}))
        self.env.pop("CAIRN_DATABASE_URL", None)
        self.process = None
        self.log_path = os.path.join(data_dir, "serve.log")

    def start(self, timeout=90):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([CAIRN, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cairn serve exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.admin_endpoint + "/health/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except Exception:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"cairn serve did not become ready:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout=60) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.process = None

    def log(self) -> str:
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def admin(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [CAIRN, "admin", *args], env=self.env, capture_output=True, text=True, check=check, timeout=120
        )

    def enrol(self, key: "Key"):
        """Creates the key's account and imports the key with its role."""
        self.admin("account", "create", "--id", key.account)
        self.import_key(key)

    def import_key(self, key: "Key"):
        self.admin("key", "import", "--account", key.account, "--access-key-id", key.access_key_id,
                   "--secret", key.secret, "--role", key.role)

    def admin_json(self, *args):
        return json.loads(self.admin(*args, "--json").stdout)

    def client(self, key: Key, region="us-east-1", service="logs", validate=True, secret=None):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key.access_key_id,
            aws_secret_access_key=secret or key.secret,
            config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
        )

    def aws(self, key: Key, *args, region="us-east-1", check=True) -> subprocess.CompletedProcess:
        env = dict(
            os.environ,
            AWS_ACCESS_KEY_ID=key.access_key_id,
            AWS_SECRET_ACCESS_KEY=key.secret,
            AWS_DEFAULT_REGION=region,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        )
        return subprocess.run(
            ["aws", "--endpoint-url", self.endpoint, *args], env=env, capture_output=True, text=True, check=check,
            timeout=120,
        )


@contextlib.contextmanager
def api_with_workers(key: "Key"):
    """An API process (`--role api`, on its embedded PostgreSQL) with `key` enrolled in its account, and a function
    that starts worker processes (`--role worker`) on the same database; all stopped and removed afterwards."""
    directories = [make_data_dir()]
    api = Server(directories[0], free_port(), extra_env={"CAIRN_ROLE": "api"})
    workers = []
    try:
        api.start()
        with open(os.path.join(directories[0], "root.key")) as f:
            root_key = f.read().strip()
        url = f"postgres://cairn@localhost/cairn?host={os.path.join(directories[0], 'run')}"

        def start_worker(extra_env=None):
            directories.append(make_data_dir())
            worker = Server(directories[-1], free_port(),
                            extra_env=dict(extra_env or {}, CAIRN_ROLE="worker", CAIRN_ROOT_KEY=root_key))
            worker.env["CAIRN_DATABASE_URL"] = url
            worker.start()
            workers.append(worker)
            return worker

        api.admin("account", "create", "--id", key.account)
        api.admin("key", "import", "--account", key.account, "--access-key-id", key.access_key_id,
                  "--secret", key.secret)
        yield api, start_worker
    finally:
        for worker in workers:
            if worker.process and worker.process.poll() is None:
                worker.stop()
        api.stop()
        for directory in directories:
            shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def two_processes(first_env=None, second_env=None):
    """Two `cairn serve` processes on one database: the first on its embedded PostgreSQL, the second on the first's
    cluster with the same root key; both stopped and removed afterwards."""
    directories = [make_data_dir(), make_data_dir()]
    first = Server(directories[0], free_port(), extra_env=first_env)
    second = None
    try:
        first.start()
        with open(os.path.join(directories[0], "root.key")) as f:
            root_key = f.read().strip()
        second = Server(directories[1], free_port(), extra_env=dict(second_env or {}, CAIRN_ROOT_KEY=root_key))
        second.env["CAIRN_DATABASE_URL"] = f"postgres://cairn@localhost/cairn?host={os.path.join(directories[0], 'run')}"
        second.start()
        yield first, second
    finally:
        if second:
            second.stop()
        first.stop()
        for directory in directories:
            shutil.rmtree(directory, ignore_errors=True)


def make_data_dir() -> str:
    # The embedded PostgreSQL runs as a system user when we are root: it must be able to enter the directory.
    path = tempfile.mkdtemp(prefix="cairn-e2e-", dir="/tmp")
    os.chmod(path, 0o755)
    return path


@pytest.fixture(scope="session")
def server():
    assert os.path.exists(CAIRN), f"build cairn first: {CAIRN}"
    data_dir = make_data_dir()
    srv = Server(data_dir, free_port(), extra_env={"CAIRN_SNS_PRIVATE_ENDPOINTS": "allow"})
    srv.start()
    srv.admin("account", "create", "--id", ACCOUNT_A, "--name", "team-a")
    srv.admin("account", "create", "--id", ACCOUNT_B, "--name", "team-b")
    for key in KEYS.values():
        srv.import_key(key)
    yield srv
    srv.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def logs_a(server):
    return server.client(KEYS["a_admin"])


@pytest.fixture
def logs_a_raw(server):
    """Account A's admin client without client-side validation, so Cairn's own validation answers."""
    return server.client(KEYS["a_admin"], validate=False)


@pytest.fixture
def logs_b(server):
    return server.client(KEYS["b_admin"])


_counter = [0]


@pytest.fixture
def name(request):
    """A log group name unique to the test."""
    _counter[0] += 1
    safe = "".join(c if c.isalnum() or c in "._-/#" else "-" for c in request.node.name)
    return f"/e2e/{safe[:80]}/{_counter[0]}"


@pytest.fixture(scope="session")
def query_model_dir():
    """A data directory holding botocore's CloudWatch model with `protocols: ["query"]`."""
    source = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudwatch", "2010-08-01")
    directory = tempfile.mkdtemp(prefix="cairn-query-model-")
    target = os.path.join(directory, "cloudwatch", "2010-08-01")
    os.makedirs(target)
    model = json.load(gzip.open(os.path.join(source, "service-2.json.gz")))
    model["metadata"]["protocol"] = "query"
    model["metadata"]["protocols"] = ["query"]
    with open(os.path.join(target, "service-2.json"), "w") as handle:
        json.dump(model, handle)
    for extra in ("paginators-1.json", "waiters-2.json"):
        if os.path.exists(os.path.join(source, extra)):
            with open(os.path.join(source, extra)) as src, open(os.path.join(target, extra), "w") as dst:
                dst.write(src.read())
    return directory


@pytest.fixture
def cw_query(server, query_model_dir):
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, query_model_dir)
    key = KEYS["a_admin"]
    client = boto3.Session(botocore_session=session).client(
        "cloudwatch", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret, config=Config(retries={"max_attempts": 1}),
    )
    assert client.meta.service_model.protocol == "query"
    return client
