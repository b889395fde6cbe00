"""HTTPS: `cairn serve --tls-cert/--tls-key` (or CAIRN_TLS_*), used by the aws CLI with --ca-bundle and by boto3."""

import os
import shutil
import subprocess
import urllib.request

import boto3
import pytest
from botocore.config import Config

from conftest import CAIRN, KEYS, Server, free_port, make_data_dir


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    cert, key = str(directory / "cert.pem"), str(directory / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=120)
    return cert, key


def test_the_apis_are_served_over_https(certificate):
    cert, key = certificate
    data_dir = make_data_dir()
    server = Server(data_dir, free_port(), extra_env={
        "CAIRN_TLS_CERT": cert, "CAIRN_TLS_KEY": key, "CAIRN_ADMIN_PORT": str(free_port())})
    server.endpoint = server.endpoint.replace("http://", "https://")
    try:
        server.start()
        admin = KEYS["a_admin"]
        server.admin("account", "create", "--id", admin.account)
        server.admin("key", "import", "--account", admin.account, "--access-key-id", admin.access_key_id,
                     "--secret", admin.secret)
        result = server.aws(admin, "--ca-bundle", cert, "logs", "create-log-group", "--log-group-name", "/tls")
        assert result.returncode == 0, result.stderr
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1", verify=cert,
                            aws_access_key_id=admin.access_key_id, aws_secret_access_key=admin.secret,
                            config=Config(retries={"max_attempts": 1}))
        assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/tls"]
        # Without the CA the client refuses the certificate; plain HTTP gets no answer.
        untrusted = server.aws(admin, "logs", "describe-log-groups", check=False)
        assert untrusted.returncode != 0 and "SSL" in untrusted.stderr
        with pytest.raises(Exception):
            urllib.request.urlopen(server.endpoint.replace("https://", "http://") + "/", timeout=10)
        assert f"https://127.0.0.1:{server.port}" in server.log()
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_a_certificate_without_its_key_is_refused_at_start(certificate):
    cert, _ = certificate
    data_dir = make_data_dir()
    try:
        env = dict(os.environ, CAIRN_DATA_DIR=data_dir, CAIRN_PORT=str(free_port()), CAIRN_TLS_CERT=cert)
        env.pop("CAIRN_DATABASE_URL", None)
        result = subprocess.run([CAIRN, "serve"], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode != 0
        assert "CAIRN_TLS_KEY" in result.stdout + result.stderr
        missing = dict(env, CAIRN_TLS_KEY="/nonexistent/key.pem")
        result = subprocess.run([CAIRN, "serve"], env=missing, capture_output=True, text=True, timeout=120)
        assert result.returncode != 0 and "/nonexistent/key.pem" in result.stdout + result.stderr
    finally:
        subprocess.run([CAIRN, "admin", "cluster", "stop", "--data-dir", data_dir], capture_output=True, timeout=120)
        shutil.rmtree(data_dir, ignore_errors=True)
