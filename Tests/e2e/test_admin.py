"""`cairn admin` against a running server: accounts, keys, offboarding."""

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS, Key


def test_account_and_key_listing_never_shows_secrets(server):
    accounts = server.admin_json("account", "list")
    ids = [a["accountID"] for a in accounts]
    assert ACCOUNT_A in ids
    keys = server.admin_json("key", "list", "--account", ACCOUNT_A)
    assert {k["role"] for k in keys} >= {"admin", "writer", "reader"}
    listing = server.admin("key", "list").stdout
    assert "secret-a-admin" not in listing


def test_created_key_works_once_printed(server):
    created = server.admin_json("account", "create", "--name", "fresh")
    assert len(created["accountID"]) == 12 and created["accountID"].isdigit()
    key = server.admin_json("key", "create", "--account", created["accountID"], "--role", "reader")
    client = server.client(Key(created["accountID"], key["accessKeyID"], key["secretAccessKey"], "reader"))
    assert client.describe_log_groups()["logGroups"] == []
    # The secret is stored sealed, never in the listing.
    assert key["secretAccessKey"] not in server.admin("key", "list").stdout


def test_admin_errors_are_clear(server):
    result = server.admin("account", "create", "--id", "123", check=False)
    assert result.returncode != 0 and "12 digits" in result.stderr
    result = server.admin("account", "create", "--id", ACCOUNT_A, check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    result = server.admin("key", "create", "--account", "999999999999", check=False)
    assert result.returncode != 0 and "does not exist" in result.stderr


def test_account_delete_offboards_everything(server):
    account = "333333333333"
    server.admin("account", "create", "--id", account)
    key = Key(account, "AKIAE2EOFFBOARD00001", "secret-offboard-00000000000001", "admin")
    server.admin("key", "import", "--account", account, "--access-key-id", key.access_key_id, "--secret", key.secret)
    client = server.client(key)
    client.create_log_group(logGroupName="/offboard/g")
    client.create_log_stream(logGroupName="/offboard/g", logStreamName="s")
    server.admin("account", "delete", "--id", account)
    with pytest.raises(ClientError) as excinfo:
        client.describe_log_groups()
    assert excinfo.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert account not in [a["accountID"] for a in server.admin_json("account", "list")]
    # Re-creating the account finds nothing of the old one.
    server.admin("account", "create", "--id", account)
    server.admin("key", "import", "--account", account, "--access-key-id", key.access_key_id, "--secret", key.secret)
    assert server.client(key).describe_log_groups()["logGroups"] == []


def test_account_delete_removes_its_event_chunks_and_keys(server):
    import subprocess, os, time
    account = "444444444444"
    server.admin("account", "create", "--id", account)
    key = Key(account, "AKIAE2EOFFBOARD00002", "secret-offboard-00000000000002", "admin")
    server.admin("key", "import", "--account", account, "--access-key-id", key.access_key_id, "--secret", key.secret)
    client = server.client(key)
    client.create_log_group(logGroupName="/offboard/events")
    client.create_log_stream(logGroupName="/offboard/events", logStreamName="s")
    client.put_log_events(logGroupName="/offboard/events", logStreamName="s",
                          logEvents=[{"timestamp": int(time.time() * 1000), "message": "bye"}])
    server.admin("account", "delete", "--id", account)
    socket_dir = os.path.join(server.data_dir, "run")
    for table in ("event_chunks", "data_keys", "kms_keys", "log_streams"):
        out = subprocess.run(
            ["psql", "-h", socket_dir, "-U", "cairn", "-d", "cairn", "-tAc",
             f"SELECT count(*) FROM {table} WHERE account_id = '{account}'"],
            capture_output=True, text=True, check=True,
        )
        assert out.stdout.strip() == "0", table


def test_secrets_can_come_from_stdin_or_a_file(server, tmp_path):
    import subprocess
    from conftest import CAIRN

    from_stdin = Key(ACCOUNT_A, "AKIAE2ESTDINSECRET01", "secret-read-from-stdin-0000001", "reader")
    subprocess.run([CAIRN, "admin", "key", "import", "--account", ACCOUNT_A, "--access-key-id",
                    from_stdin.access_key_id, "--secret", "-", "--role", "reader"],
                   input=from_stdin.secret + "\n", env=server.env, capture_output=True, text=True, check=True,
                   timeout=120)
    secret_file = tmp_path / "secret"
    from_file = Key(ACCOUNT_A, "AKIAE2EFILESECRET001", "secret-read-from-a-file-000001", "reader")
    secret_file.write_text(from_file.secret + "\n")
    server.admin("key", "import", "--account", ACCOUNT_A, "--access-key-id", from_file.access_key_id,
                 "--secret-file", str(secret_file), "--role", "reader")
    for key in (from_stdin, from_file):
        server.client(key).describe_log_groups(limit=1)
    both = server.admin("key", "import", "--account", ACCOUNT_A, "--access-key-id", "AKIAE2EBOTHSECRETS01",
                        "--secret", "x" * 20, "--secret-file", str(secret_file), check=False)
    assert both.returncode != 0 and "exactly one of" in both.stderr


def test_quotas_are_enforced_per_account_and_changeable(server):
    account = "777700001111"
    key = Key(account, "AKIAE2EQUOTA00000001", "secret-quota-account-000000001", "admin")
    server.admin("account", "create", "--id", account)
    server.admin("key", "import", "--account", account, "--access-key-id", key.access_key_id, "--secret", key.secret)
    shown = {q["quota"]: q for q in server.admin_json("account", "quota", "--id", account)}
    assert shown["log-groups"] == {"quota": "log-groups", "value": 1_000_000, "isDefault": True}
    assert shown["metric-filters-per-group"]["value"] == 100 and shown["subscription-filters-per-group"]["value"] == 2
    server.admin("account", "quota", "--id", account, "--set", "log-groups=2", "--set", "metric-filters-per-group=1",
                 "--set", "kms-keys=1", "--set", "regions=1")
    logs, kms = server.client(key), server.client(key, service="kms")

    def code(call):
        with pytest.raises(ClientError) as excinfo:
            call()
        return excinfo.value.response["Error"]["Code"]

    logs.create_log_group(logGroupName="/q/1")
    logs.create_log_group(logGroupName="/q/2")
    assert code(lambda: logs.create_log_group(logGroupName="/q/3")) == "LimitExceededException"
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/q/")["logGroups"]] == ["/q/1", "/q/2"]
    transformation = [{"metricName": "m", "metricNamespace": "n", "metricValue": "1"}]
    logs.put_metric_filter(logGroupName="/q/1", filterName="a", filterPattern="", metricTransformations=transformation)
    logs.put_metric_filter(logGroupName="/q/1", filterName="a", filterPattern="x", metricTransformations=transformation)
    assert code(lambda: logs.put_metric_filter(logGroupName="/q/1", filterName="b", filterPattern="",
                                               metricTransformations=transformation)) == "LimitExceededException"
    kms.create_key()
    assert code(lambda: kms.create_key()) == "LimitExceededException"
    elsewhere = server.client(key, region="eu-west-1")
    assert code(lambda: elsewhere.create_log_group(logGroupName="/q/far")) == "LimitExceededException"
    # Another account is not affected; a reset restores the default.
    server.client(KEYS["a_admin"]).create_log_group(logGroupName="/q/other-account")
    server.admin("account", "quota", "--id", account, "--reset", "log-groups", "--reset", "regions")
    logs.create_log_group(logGroupName="/q/3")
    elsewhere.create_log_group(logGroupName="/q/far")
    bad = server.admin("account", "quota", "--id", account, "--set", "teleports=1", check=False)
    assert bad.returncode != 0 and "unknown quota" in bad.stderr
