"""A crash never keeps Cairn down: the embedded PostgreSQL that Cairn's supervisor (re)starts holds none of
Cairn's descriptors (so not its HTTP port) and none of its CAIRN_* settings (so not the root key), and after
kill -9 of Cairn a new `cairn serve` on the same data directory and port serves."""

import shutil
import signal
import subprocess
import urllib.request

from conftest import CAIRN, Server, free_port, make_data_dir
from processes import environment, kill_postgres, pids_holding_port, postmaster_pid, wait_for

ROOT_KEY = "5c" * 32


def ready(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint + "/health/ready", timeout=2) as response:
            return response.status == 200
    except Exception:
        return False


def test_kill_9_of_cairn_leaves_the_port_free_and_a_restart_serves():
    data_dir = make_data_dir()
    port = free_port()
    first = Server(data_dir, port, extra_env={"CAIRN_ROOT_KEY": ROOT_KEY})
    second = Server(data_dir, port, extra_env={"CAIRN_ROOT_KEY": ROOT_KEY})
    try:
        first.start()
        # A PostgreSQL crash while Cairn listens: the supervisor starts a new postmaster, which must not inherit
        # the listening socket.
        crashed = kill_postgres(data_dir)
        restarted = wait_for(
            lambda: (pid := postmaster_pid(data_dir)) not in (None, crashed) and pid, 120,
            what="the supervisor to restart PostgreSQL")
        wait_for(lambda: ready(first.endpoint), 120, what="Cairn to be ready again")
        assert pids_holding_port(port) == {first.process.pid: "cairn"}
        variables = environment(restarted)
        assert [name for name in variables if name.startswith("CAIRN_")] == []
        assert not any(ROOT_KEY in value for value in variables.values())

        first.stop(signal.SIGKILL)
        assert postmaster_pid(data_dir) == restarted, "PostgreSQL keeps running after Cairn's crash"
        assert pids_holding_port(port) == {}

        second.start(timeout=30)
        assert pids_holding_port(port) == {second.process.pid: "cairn"}
    finally:
        for server in (first, second):
            server.stop(signal.SIGKILL)
        subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", data_dir], capture_output=True, timeout=120)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_sigterm_right_after_a_postgres_restart_stops_cairn_and_postgres():
    """A SIGTERM while the pool reconnects to a restarted PostgreSQL: the services finish, or the shutdown deadline
    (here 10 s) ends the process anyway; either way the embedded PostgreSQL is stopped and the port is free. (A
    query written to a connection whose server just died can be lost by PostgresNIO, leaving a service that never
    finishes: before the deadline, such a SIGTERM hung forever in about one try in six.)"""
    for attempt in range(3):
        data_dir = make_data_dir()
        port = free_port()
        server = Server(data_dir, port, extra_env={"CAIRN_ROOT_KEY": ROOT_KEY, "CAIRN_SHUTDOWN_SECONDS": "10"})
        try:
            server.start()
            crashed = kill_postgres(data_dir)
            wait_for(lambda: postmaster_pid(data_dir) not in (None, crashed), 120,
                     what="the supervisor to restart PostgreSQL")
            status = server.stop(timeout=120)
            assert status in (0, 1), status
            if status == 1:
                assert "graceful shutdown did not finish in time" in server.log()
            assert postmaster_pid(data_dir) is None, "PostgreSQL outlives a stopped Cairn"
            assert pids_holding_port(port) == {}
        finally:
            server.stop(signal.SIGKILL)
            subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", data_dir], capture_output=True,
                           timeout=120)
            shutil.rmtree(data_dir, ignore_errors=True)
