"""The embedded default: first start prints working credentials; restart keeps state; shutdown is clean;
migrations refuse changed files."""

import os
import re
import shutil
import signal
import subprocess

import boto3

from conftest import CAIRN, ROOT, Server, free_port, make_data_dir


def test_first_start_prints_credentials_and_restart_reuses_cluster():
    data_dir = make_data_dir()
    try:
        server = Server(data_dir, free_port())
        server.start()
        log = server.log()
        key_id = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", log).group(1)
        secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", log).group(1)
        assert f"aws --endpoint-url {server.endpoint} logs describe-log-groups" in log
        assert secret not in open(os.path.join(data_dir, "postgres.log")).read()
        root_key = os.path.join(data_dir, "root.key")
        assert os.stat(root_key).st_mode & 0o777 == 0o600

        # The printed line works as printed.
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        subprocess.run(["aws", "--endpoint-url", server.endpoint, "logs", "create-log-group", "--log-group-name", "/kept"],
                       env=env, check=True, capture_output=True)

        assert server.stop(signal.SIGTERM) == 0
        assert "database system is shut down" in open(os.path.join(data_dir, "postgres.log")).read()
        assert not os.path.exists(os.path.join(data_dir, "postgres", "postmaster.pid"))

        server.start()
        assert "First start" not in server.log().split("starting cairn")[-1]
        client = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id=key_id, aws_secret_access_key=secret)
        assert [g["logGroupName"] for g in client.describe_log_groups()["logGroups"]] == ["/kept"]
        assert server.stop(signal.SIGINT) == 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_migrate_applies_once_and_refuses_changed_files():
    data_dir = make_data_dir()
    migrations = os.path.join(data_dir, "migrations")
    shutil.copytree(os.path.join(ROOT, "migrations"), migrations)
    env = dict(os.environ, CAIRN_DATA_DIR=data_dir, CAIRN_MIGRATIONS_DIR=migrations)
    try:
        first = subprocess.run([CAIRN, "migrate"], env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert "applied migrations" in first.stdout
        again = subprocess.run([CAIRN, "migrate"], env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "up to date" in again.stdout
        first_file = sorted(f for f in os.listdir(migrations) if f.endswith(".sql"))[0]
        with open(os.path.join(migrations, first_file), "a") as f:
            f.write("\n-- an edit after the fact\n")
        changed = subprocess.run([CAIRN, "migrate"], env=env, capture_output=True, text=True, timeout=120)
        assert changed.returncode != 0
        assert "was changed after it was applied" in changed.stderr
        # The cluster that `migrate` started for itself was stopped again.
        assert not os.path.exists(os.path.join(data_dir, "postgres", "postmaster.pid"))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_serve_with_database_url_uses_that_server():
    cluster_dir = make_data_dir()
    state_dir = make_data_dir()
    try:
        started = subprocess.run(
            [CAIRN, "admin", "cluster", "start", "--data-dir", cluster_dir, "--log-level", "warning"],
            capture_output=True, text=True, check=True, timeout=120,
        )
        url = started.stdout.strip().splitlines()[-1]
        assert url.startswith("postgres://")
        root_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        server = Server(state_dir, free_port(), extra_env={"CAIRN_ROOT_KEY": root_key})
        server.env["CAIRN_DATABASE_URL"] = url
        server.start()
        # No embedded cluster and no root key file were made: the external server and CAIRN_ROOT_KEY are used.
        assert not os.path.exists(os.path.join(state_dir, "postgres"))
        assert not os.path.exists(os.path.join(state_dir, "root.key"))
        assert "First start" in server.log()
        assert server.stop() == 0
        accounts = subprocess.run(
            [CAIRN, "admin", "account", "list", "--json", "--database-url", url],
            env=dict(os.environ, CAIRN_ROOT_KEY=root_key), capture_output=True, text=True, check=True, timeout=120,
        )
        assert len(__import__("json").loads(accounts.stdout)) == 1
    finally:
        subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", cluster_dir], capture_output=True, timeout=120)
        shutil.rmtree(cluster_dir, ignore_errors=True)
        shutil.rmtree(state_dir, ignore_errors=True)
