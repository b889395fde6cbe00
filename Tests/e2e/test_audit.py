"""The key audit trail: every key operation and use, readable by the account as log events in the reserved
group aws/cairn/kms-audit, and by administrators with `cairn admin audit`. Nothing secret in it."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS


def trail(logs, **kwargs):
    paginator = logs.get_paginator("filter_log_events")
    return [json.loads(e["message"]) for p in paginator.paginate(logGroupName="aws/cairn/kms-audit", **kwargs)
            for e in p["events"]]


def test_audit_trail_records_each_step(server, logs_a, logs_b, name):
    kms = server.client(KEYS["a_admin"], service="kms")
    key = kms.create_key(Description="audited")["KeyMetadata"]
    secret = b"audit-secret-plaintext-" + name.encode()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=secret)["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob)
    kms.enable_key(KeyId=key["KeyId"])
    kms.decrypt(CiphertextBlob=blob)
    logs_a.create_log_group(logGroupName=name, kmsKeyId=key["Arn"])
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": int(time.time() * 1000), "message": "x"}])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    server.admin("kms", "expire-deletion", "--account", ACCOUNT_A, "--key-id", key["KeyId"])

    mine = [r for r in trail(logs_a) if key["KeyId"] in (r.get("keyARN") or "")]
    steps = [(r["operation"], r["outcome"]) for r in mine]
    for expected in [("CreateKey", "Success"), ("Encrypt", "Success"), ("DisableKey", "Success"),
                     ("Decrypt", "DisabledException"), ("EnableKey", "Success"), ("Decrypt", "Success"),
                     ("GenerateDataKey", "Success"), ("ScheduleKeyDeletion", "Success"), ("DeleteKey", "Success")]:
        assert expected in steps, (expected, steps)
    principals = {r["principal"] for r in mine}
    assert KEYS["a_admin"].access_key_id in principals and "cairn:logs" in principals and "cairn:kms" in principals
    assert all(r["accountID"] == ACCOUNT_A and r["region"] == "us-east-1" for r in mine)
    text = json.dumps(mine)
    assert secret.decode() not in text

    # GetLogEvents reads the same trail from its one stream.
    events = logs_a.get_log_events(logGroupName="aws/cairn/kms-audit", logStreamName="trail", startFromHead=True)["events"]
    assert any(key["KeyId"] in e["message"] for e in events)
    # A filter pattern narrows it.
    narrowed = trail(logs_a, filterPattern='"DisableKey"')
    assert narrowed and all(r["operation"].startswith("DisableKey") for r in narrowed)
    # Another account sees none of it; nobody can write into it.
    assert not any(key["KeyId"] in json.dumps(r) for r in trail(logs_b))
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_log_events(logGroupName="aws/cairn/kms-audit", logStreamName="trail",
                              logEvents=[{"timestamp": int(time.time() * 1000), "message": "forged"}])
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_group(logGroupName="aws/cairn/kms-audit")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"

    # Administrators read every account's trail.
    records = server.admin_json("audit", "--account", ACCOUNT_A, "--limit", "100000")
    assert any(r["operation"] == "DeleteKey" and key["KeyId"] in (r.get("keyARN") or "") for r in records)


def test_a_use_of_another_accounts_key_is_in_both_trails(server):
    from conftest import ACCOUNT_B

    kms_a = server.client(KEYS["a_admin"], service="kms")
    kms_b = server.client(KEYS["b_admin"], service="kms")
    key = kms_b.create_key(Description="shared with A")["KeyMetadata"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "kms:Encrypt", "Resource": "*"}]}
    kms_b.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    kms_a.encrypt(KeyId=key["Arn"], Plaintext=b"cross-account")
    with pytest.raises(ClientError):
        kms_a.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")  # the policy allows Encrypt only

    def uses(logs):
        return [(r["operation"], r["outcome"], r["principal"]) for r in trail(logs)
                if key["KeyId"] in (r.get("keyARN") or "") and r["operation"] in ("Encrypt", "GenerateDataKey")]

    caller = KEYS["a_admin"].access_key_id
    assert ("Encrypt", "Success", caller) in uses(server.client(KEYS["a_admin"]))
    owner_view = uses(server.client(KEYS["b_admin"]))
    a_user = f"arn:aws:iam::{ACCOUNT_A}:user/{caller}"
    assert ("Encrypt", "Success", a_user) in owner_view
    assert ("GenerateDataKey", "AccessDeniedException", a_user) in owner_view
    # A key that does not exist in B writes nothing into B's trail.
    missing = f"arn:aws:kms:us-east-1:{ACCOUNT_B}:key/00000000-0000-4000-8000-000000000000"
    with pytest.raises(ClientError):
        kms_a.encrypt(KeyId=missing, Plaintext=b"x")
    assert not any("00000000-0000-4000-8000-000000000000" in (r.get("keyARN") or "")
                   for r in trail(server.client(KEYS["b_admin"])))
