"""Reliability fixtures: real `cairn serve` processes that are killed and started again. The server helpers are
the end-to-end suite's (Tests/e2e/conftest.py, loaded under another module name so that it does not collide
with this conftest) and Tests/e2e/processes.py."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

E2E = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "e2e"))
if E2E not in sys.path:
    sys.path.append(E2E)

_spec = importlib.util.spec_from_file_location("cairn_e2e_support", os.path.join(E2E, "conftest.py"))
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

CAIRN = e2e.CAIRN
Server = e2e.Server
WRITER = e2e.KEYS["a_writer"]
READER = e2e.KEYS["a_reader"]


def pytest_addoption(parser):
    parser.addoption(
        "--trials", type=int, default=int(os.environ.get("CAIRN_CRASH_TRIALS", "3")),
        help="crash trials of each kind (default 3, or CAIRN_CRASH_TRIALS)",
    )


def pytest_generate_tests(metafunc):
    if "trial" in metafunc.fixturenames:
        trials = metafunc.config.getoption("trials")
        metafunc.parametrize("trial", range(1, trials + 1), ids=lambda n: f"trial{n}")


class Deployment:
    """One data directory and port on which `cairn serve` processes come and go."""

    def __init__(self):
        self.data_dir = e2e.make_data_dir()
        self.port = e2e.free_port()
        self.server = Server(self.data_dir, self.port)

    def restart(self, timeout: float) -> Server:
        """Starts a new `cairn serve` on the same data directory and port; it must be ready within `timeout`."""
        self.server = Server(self.data_dir, self.port)
        self.server.start(timeout=timeout)
        return self.server

    def close(self):
        # A graceful stop ends within the shutdown deadline (30 s) plus PostgreSQL's own stop, even after
        # PostgreSQL restarts (see test_crash_restart.py).
        process = self.server.process
        try:
            self.server.stop(timeout=150)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("cairn serve did not stop within 150 s of SIGTERM")
        subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", self.data_dir], capture_output=True,
                       timeout=120)
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def deployment():
    assert os.path.exists(CAIRN), f"build cairn first: {CAIRN}"
    deployment = Deployment()
    deployment.server.start()
    server = deployment.server
    server.admin("account", "create", "--id", e2e.ACCOUNT_A, "--name", "team-a")
    for key in (WRITER, READER):
        server.admin("key", "import", "--account", key.account, "--access-key-id", key.access_key_id,
                     "--secret", key.secret, "--role", key.role)
    yield deployment
    deployment.close()
