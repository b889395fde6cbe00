"""Start-up in order: configuration checked first, the store migrated before anything runs, and a start that
cannot serve ends with one clear message and a non-zero exit."""

import os
import shutil
import socket
import subprocess

import pytest

from conftest import CAIRN, Server, free_port, make_data_dir


def run_serve(env_extra, args=(), timeout=120):
    data_dir = make_data_dir()
    env = dict(os.environ, CAIRN_DATA_DIR=data_dir, **env_extra)
    env.pop("CAIRN_DATABASE_URL", None)
    try:
        return subprocess.run([CAIRN, "serve", *args], env=env, capture_output=True, text=True, timeout=timeout)
    finally:
        subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", data_dir], capture_output=True, timeout=120)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_invalid_settings_are_refused_by_name():
    for env, args, name in [
        ({"CAIRN_KEY_CACHE_SECONDS": "five"}, (), "CAIRN_KEY_CACHE_SECONDS"),
        ({"CAIRN_PORT": "70000"}, (), "CAIRN_PORT"),
        ({}, ("--role", "everything"), "--role"),
        ({"CAIRN_LOG_LEVEL": "loud"}, (), "CAIRN_LOG_LEVEL"),
        ({"CAIRN_SHUTDOWN_SECONDS": "0"}, (), "CAIRN_SHUTDOWN_SECONDS"),
        ({}, ("--shutdown-seconds", "forever"), "--shutdown-seconds"),
    ]:
        result = run_serve(env, args, timeout=60)
        assert result.returncode != 0, (env, args)
        assert name in result.stderr, result.stderr
        assert "Cairn is listening" not in result.stdout


def test_a_port_in_use_ends_the_process_with_a_clear_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve({"CAIRN_PORT": str(port)})
    assert result.returncode != 0
    assert "Address already in use" in result.stdout + result.stderr
    assert "Cairn is listening" not in result.stdout


def test_a_first_start_prints_no_warnings_and_the_configuration_once():
    data_dir = make_data_dir()
    server = Server(data_dir, free_port())
    try:
        server.start()
        log = server.log()
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    assert "First start: created account" in log
    lines = [line for line in log.splitlines() if " warning " in line or " error " in line or " critical " in line]
    assert lines == []
    assert sum("starting cairn" in line for line in log.splitlines()) == 1
    assert "role=all" in log and "keyCacheSeconds=5" in log and "shutdownSeconds=30" in log


def test_health_and_metrics_can_move_to_an_admin_port():
    import urllib.error
    import urllib.request

    from conftest import KEYS

    data_dir = make_data_dir()
    server = Server(data_dir, free_port(), extra_env={"CAIRN_ADMIN_PORT": str(free_port())})
    try:
        server.start()
        key = KEYS["a_admin"]
        server.enrol(key)
        server.client(key).describe_log_groups()
        with urllib.request.urlopen(server.admin_endpoint + "/metrics", timeout=10) as response:
            assert response.status == 200 and b"DescribeLogGroups" in response.read()
        for path in ("/metrics", "/health/ready", "/health/live"):
            with pytest.raises(urllib.error.HTTPError) as excinfo:
                urllib.request.urlopen(server.endpoint + path, timeout=10)
            assert excinfo.value.code == 404, path
        assert "adminPort=" in server.log()
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
