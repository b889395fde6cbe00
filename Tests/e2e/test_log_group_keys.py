"""Log groups under customer managed keys: disable stops reads and writes, enable brings everything back,
a destroyed key shreds the data it protected."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def now_ms():
    return int(time.time() * 1000)


@pytest.fixture
def kms_a(server):
    return server.client(KEYS["a_admin"], service="kms")


def put(logs, group, message):
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": message}])


def messages(logs, group):
    return [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]]


def fails_within(seconds, call):
    deadline = time.time() + seconds
    while True:
        try:
            call()
        except ClientError as error:
            return error
        if time.time() > deadline:
            raise AssertionError(f"still succeeding after {seconds} s")
        time.sleep(0.2)


def test_group_under_customer_key(logs_a, kms_a, name):
    key = kms_a.create_key(Description="logs key")["KeyMetadata"]
    logs_a.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["kmsKeyId"] == key["Arn"]
    put(logs_a, name, "one")
    assert messages(logs_a, name) == ["one"]

    kms_a.disable_key(KeyId=key["KeyId"])
    for call in (
        lambda: put(logs_a, name, "refused"),
        lambda: messages(logs_a, name),
        lambda: logs_a.filter_log_events(logGroupName=name),
    ):
        error = fails_within(5, call)
        assert error.response["Error"]["Code"] == "AccessDeniedException"
        assert key["Arn"] in error.response["Error"]["Message"]
    kms_a.enable_key(KeyId=key["KeyId"])
    put(logs_a, name, "two")
    assert messages(logs_a, name) == ["one", "two"]


def test_associate_and_disassociate(logs_a, kms_a, name):
    first = kms_a.create_key()["KeyMetadata"]
    second = kms_a.create_key()["KeyMetadata"]
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    put(logs_a, name, "default key")
    logs_a.associate_kms_key(logGroupName=name, kmsKeyId=first["Arn"])
    put(logs_a, name, "first key")
    logs_a.associate_kms_key(logGroupName=name, kmsKeyId=f"arn:aws:kms:us-east-1:{ACCOUNT_A}:key/{second['KeyId']}")
    put(logs_a, name, "second key")
    assert messages(logs_a, name) == ["default key", "first key", "second key"]
    # Older chunks need the key that wraps their data key.
    kms_a.disable_key(KeyId=first["KeyId"])
    assert fails_within(5, lambda: messages(logs_a, name)).response["Error"]["Code"] == "AccessDeniedException"
    put(logs_a, name, "still writable under the second key")
    kms_a.enable_key(KeyId=first["KeyId"])
    logs_a.disassociate_kms_key(logGroupName=name)
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert "kmsKeyId" not in group
    put(logs_a, name, "default again")
    assert messages(logs_a, name)[-1] == "default again"


def test_unusable_keys_are_refused(logs_a, kms_a, name):
    key = kms_a.create_key()["KeyMetadata"]
    kms_a.disable_key(KeyId=key["KeyId"])
    expected = f"The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}'"
    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    assert code_of(excinfo) == ("AccessDeniedException", expected)
    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_group(logGroupName=name, kmsKeyId=f"arn:aws:kms:us-east-1:{ACCOUNT_A}:key/00000000-0000-0000-0000-000000000000")
    assert code_of(excinfo) == ("AccessDeniedException", expected)
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    logs_a.create_log_group(logGroupName=name)
    with pytest.raises(ClientError) as excinfo:
        logs_a.associate_kms_key(logGroupName=name, kmsKeyId=key["Arn"])
    assert code_of(excinfo)[0] == "AccessDeniedException"


def test_destroyed_key_shreds_the_data(server, logs_a, kms_a, name):
    key = kms_a.create_key()["KeyMetadata"]
    logs_a.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    put(logs_a, name, "doomed")
    kms_a.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    error = fails_within(5, lambda: messages(logs_a, name))
    assert "pending deletion" in error.response["Error"]["Message"]
    server.admin("kms", "expire-deletion", "--account", ACCOUNT_A, "--key-id", key["KeyId"])
    error = fails_within(5, lambda: messages(logs_a, name))
    assert error.response["Error"]["Code"] == "AccessDeniedException"
    assert "can never be decrypted again" in error.response["Error"]["Message"]


def test_group_under_another_accounts_key_needs_its_policy(server, logs_b, kms_a, name):
    key = kms_a.create_key(Description="shared with b")["KeyMetadata"]
    with pytest.raises(ClientError) as excinfo:
        logs_b.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    assert code_of(excinfo)[0] == "AccessDeniedException"

    policy = json.loads(kms_a.get_key_policy(KeyId=key["KeyId"])["Policy"])
    allow_b = {"Sid": "LogsOfB", "Effect": "Allow", "Principal": {"AWS": "222222222222"},
               "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}
    policy["Statement"].append(allow_b)
    kms_a.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    logs_b.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    logs_b.create_log_stream(logGroupName=name, logStreamName="s")
    put(logs_b, name, "b's data under a's key")
    assert messages(logs_b, name) == ["b's data under a's key"]

    # A withdraws the permission: B can neither read nor write, at once.
    policy["Statement"].remove(allow_b)
    kms_a.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    error = fails_within(5, lambda: messages(logs_b, name))
    assert error.response["Error"]["Code"] == "AccessDeniedException"
    assert "key policy" in error.response["Error"]["Message"]
    # A grants it again: everything is back.
    policy["Statement"].append(allow_b)
    kms_a.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    assert messages(logs_b, name) == ["b's data under a's key"]
    # A's audit trail shows B's use of A's key.
    trail = [json.loads(e["message"]) for e in
             server.client(KEYS["a_admin"]).filter_log_events(logGroupName="aws/cairn/kms-audit")["events"]]
    assert any(r["principal"] == "cairn:logs/222222222222" and key["KeyId"] in r.get("keyARN", "") for r in trail)
