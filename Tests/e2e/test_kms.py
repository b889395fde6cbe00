"""The KMS-compatible key service through boto3 and the aws CLI: key lifecycle and envelope encryption."""

import base64
import json
import os

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def kms_a(server):
    return server.client(KEYS["a_admin"], service="kms")


@pytest.fixture
def kms_b(server):
    return server.client(KEYS["b_admin"], service="kms")


def test_key_lifecycle(kms_a):
    meta = kms_a.create_key(Description="team a logs")["KeyMetadata"]
    key_id = meta["KeyId"]
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT_A}:key/{key_id}"
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeyManager"] == "CUSTOMER" and meta["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert meta["KeyUsage"] == "ENCRYPT_DECRYPT" and meta["Description"] == "team a logs"
    assert kms_a.describe_key(KeyId=meta["Arn"])["KeyMetadata"]["KeyId"] == key_id

    listed = [k["KeyId"] for p in kms_a.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1}) for k in p["Keys"]]
    assert key_id in listed

    kms_a.disable_key(KeyId=key_id)
    assert kms_a.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as excinfo:
        kms_a.encrypt(KeyId=key_id, Plaintext=b"x")
    assert code_of(excinfo) == ("DisabledException", f"{meta['Arn']} is disabled.")
    kms_a.enable_key(KeyId=key_id)

    scheduled = kms_a.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    assert kms_a.describe_key(KeyId=key_id)["KeyMetadata"]["DeletionDate"]
    with pytest.raises(ClientError) as excinfo:
        kms_a.encrypt(KeyId=key_id, Plaintext=b"x")
    assert code_of(excinfo) == ("KMSInvalidStateException", f"{meta['Arn']} is pending deletion.")
    with pytest.raises(ClientError) as excinfo:
        kms_a.enable_key(KeyId=key_id)
    assert code_of(excinfo)[0] == "KMSInvalidStateException"
    kms_a.cancel_key_deletion(KeyId=key_id)
    assert kms_a.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as excinfo:
        kms_a.cancel_key_deletion(KeyId=key_id)
    assert code_of(excinfo)[0] == "KMSInvalidStateException"


def test_encrypt_decrypt_with_context(kms_a):
    key_id = kms_a.create_key()["KeyMetadata"]["KeyId"]
    context = {"purpose": "e2e", "tenant": "a"}
    blob = kms_a.encrypt(KeyId=key_id, Plaintext=b"attack at dawn", EncryptionContext=context)["CiphertextBlob"]
    assert b"attack at dawn" not in blob
    # The blob names its key: Decrypt needs no KeyId.
    out = kms_a.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    assert out["Plaintext"] == b"attack at dawn" and out["KeyId"].endswith(key_id)
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "other", "tenant": "a"})
    assert code_of(excinfo)[0] == "InvalidCiphertextException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=blob)
    assert code_of(excinfo)[0] == "InvalidCiphertextException"
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=bytes(tampered), EncryptionContext=context)
    assert code_of(excinfo)[0] == "InvalidCiphertextException"
    other = kms_a.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=blob, EncryptionContext=context, KeyId=other)
    assert code_of(excinfo)[0] == "IncorrectKeyException"
    # Disabling the key stops decryption; enabling brings it back.
    kms_a.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    assert code_of(excinfo)[0] == "DisabledException"
    kms_a.enable_key(KeyId=key_id)
    assert kms_a.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"attack at dawn"


def test_generate_data_key_and_random(kms_a):
    key_id = kms_a.create_key()["KeyMetadata"]["KeyId"]
    data_key = kms_a.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32
    assert kms_a.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    short = kms_a.generate_data_key(KeyId=key_id, NumberOfBytes=16)
    assert len(short["Plaintext"]) == 16
    without = kms_a.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_128")
    assert "Plaintext" not in without
    assert len(kms_a.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 16
    random_bytes = kms_a.generate_random(NumberOfBytes=64)["Plaintext"]
    assert len(random_bytes) == 64 and random_bytes != kms_a.generate_random(NumberOfBytes=64)["Plaintext"]


def test_errors_and_isolation(server, kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as excinfo:
        kms_b.describe_key(KeyId=key["KeyId"])
    assert code_of(excinfo)[0] == "NotFoundException"
    blob = kms_a.encrypt(KeyId=key["KeyId"], Plaintext=b"mine")["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        kms_b.decrypt(CiphertextBlob=blob)
    assert code_of(excinfo)[0] == "AccessDeniedException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.describe_key(KeyId="00000000-0000-0000-0000-000000000000")
    assert code_of(excinfo)[0] == "NotFoundException"
    raw = server.client(KEYS["a_admin"], service="kms", validate=False)
    with pytest.raises(ClientError) as excinfo:
        raw.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=5)
    # AWS's answer, recorded against real AWS (see /work/notes/kms-exactness.md).
    assert code_of(excinfo) == ("ValidationException", "PendingWindowInDays must be between 7 and 30")
    with pytest.raises(ClientError) as excinfo:
        raw.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", NumberOfBytes=32)
    assert code_of(excinfo)[0] == "ValidationException"
    # Key specs and usages Cairn does not implement yet are refused as unsupported, not half made.
    with pytest.raises(ClientError) as excinfo:
        kms_a.create_key(KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")
    assert code_of(excinfo)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")
    assert code_of(excinfo)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=b"\x01not a real blob at all, too short")
    assert code_of(excinfo)[0] == "InvalidCiphertextException"
    reader = server.client(KEYS["a_reader"], service="kms")
    assert reader.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyId"] == key["KeyId"]
    with pytest.raises(ClientError) as excinfo:
        reader.decrypt(CiphertextBlob=blob)
    assert code_of(excinfo)[0] == "AccessDeniedException"


def test_aws_kms_cli_round_trip(server, tmp_path):
    key = KEYS["a_admin"]
    created = json.loads(server.aws(key, "kms", "create-key", "--description", "cli").stdout)["KeyMetadata"]
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"from the cli")
    out = json.loads(server.aws(key, "kms", "encrypt", "--key-id", created["KeyId"], "--plaintext", f"fileb://{plain}").stdout)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(out["CiphertextBlob"]))
    back = json.loads(server.aws(key, "kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}").stdout)
    assert base64.b64decode(back["Plaintext"]) == b"from the cli"
    server.aws(key, "kms", "disable-key", "--key-id", created["KeyId"])
    failed = server.aws(key, "kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", check=False)
    assert failed.returncode != 0 and "DisabledException" in failed.stderr


def test_aliases(kms_a, kms_b):
    first = kms_a.create_key()["KeyMetadata"]
    second = kms_a.create_key()["KeyMetadata"]
    kms_a.create_alias(AliasName="alias/e2e-app", TargetKeyId=first["KeyId"])
    with pytest.raises(ClientError) as excinfo:
        kms_a.create_alias(AliasName="alias/e2e-app", TargetKeyId=second["KeyId"])
    assert code_of(excinfo) == (
        "AlreadyExistsException", f"An alias with the name arn:aws:kms:us-east-1:{ACCOUNT_A}:alias/e2e-app already exists"
    )
    # Every reference form names the key.
    for reference in ("alias/e2e-app", f"arn:aws:kms:us-east-1:{ACCOUNT_A}:alias/e2e-app", first["Arn"], first["KeyId"]):
        assert kms_a.describe_key(KeyId=reference)["KeyMetadata"]["KeyId"] == first["KeyId"]
    blob = kms_a.encrypt(KeyId="alias/e2e-app", Plaintext=b"by alias")["CiphertextBlob"]
    kms_a.update_alias(AliasName="alias/e2e-app", TargetKeyId=second["KeyId"])
    assert kms_a.describe_key(KeyId="alias/e2e-app")["KeyMetadata"]["KeyId"] == second["KeyId"]
    # Old ciphertext still names its own key.
    assert kms_a.decrypt(CiphertextBlob=blob)["KeyId"] == first["Arn"]
    listed = {a["AliasName"]: a for a in kms_a.list_aliases()["Aliases"]}
    assert listed["alias/e2e-app"]["TargetKeyId"] == second["KeyId"]
    assert listed["alias/e2e-app"]["AliasArn"] == f"arn:aws:kms:us-east-1:{ACCOUNT_A}:alias/e2e-app"
    assert "alias/aws/logs" in listed
    assert [a["AliasName"] for a in kms_a.list_aliases(KeyId=second["KeyId"])["Aliases"]] == ["alias/e2e-app"]
    # Other accounts do not see it.
    with pytest.raises(ClientError) as excinfo:
        kms_b.describe_key(KeyId="alias/e2e-app")
    assert code_of(excinfo)[0] == "NotFoundException"
    kms_a.delete_alias(AliasName="alias/e2e-app")
    with pytest.raises(ClientError) as excinfo:
        kms_a.delete_alias(AliasName="alias/e2e-app")
    assert code_of(excinfo) == ("NotFoundException", f"Alias arn:aws:kms:us-east-1:{ACCOUNT_A}:alias/e2e-app is not found.")
    for bad, code in (("alias/aws/mine", "NotAuthorizedException"), ("no-prefix", "ValidationException")):
        with pytest.raises(ClientError) as excinfo:
            kms_a.create_alias(AliasName=bad, TargetKeyId=first["KeyId"])
        assert code_of(excinfo)[0] == code


def test_aws_managed_logs_key(kms_a):
    meta = kms_a.describe_key(KeyId="alias/aws/logs")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS" and meta["KeyState"] == "Enabled"
    assert meta["KeyId"] in [k["KeyId"] for p in kms_a.get_paginator("list_keys").paginate() for k in p["Keys"]]
    for change in (
        lambda: kms_a.disable_key(KeyId="alias/aws/logs"),
        lambda: kms_a.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7),
    ):
        with pytest.raises(ClientError) as excinfo:
            change()
        assert code_of(excinfo)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.create_alias(AliasName="alias/points-at-managed", TargetKeyId="alias/aws/logs")
    assert code_of(excinfo)[0] == "NotFoundException"


def test_rotation(kms_a):
    key_id = kms_a.create_key()["KeyMetadata"]["KeyId"]
    assert kms_a.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms_a.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms_a.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    assert status["NextRotationDate"]
    before = kms_a.encrypt(KeyId=key_id, Plaintext=b"old material")["CiphertextBlob"]
    kms_a.rotate_key_on_demand(KeyId=key_id)
    rotations = kms_a.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    after = kms_a.encrypt(KeyId=key_id, Plaintext=b"new material")["CiphertextBlob"]
    # Both versions decrypt; new encryptions use the new material.
    assert kms_a.decrypt(CiphertextBlob=before)["Plaintext"] == b"old material"
    assert kms_a.decrypt(CiphertextBlob=after)["Plaintext"] == b"new material"
    assert before[17:21] != after[17:21]
    kms_a.disable_key_rotation(KeyId=key_id)
    assert kms_a.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms_a.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        kms_a.enable_key_rotation(KeyId=key_id)
    assert code_of(excinfo)[0] == "DisabledException"


def test_tags_policy_and_reencrypt(kms_a):
    first = kms_a.create_key()["KeyMetadata"]["KeyId"]
    second = kms_a.create_key()["KeyMetadata"]["KeyId"]
    kms_a.tag_resource(KeyId=first, Tags=[{"TagKey": "team", "TagValue": "a"}, {"TagKey": "env", "TagValue": "prod"}])
    kms_a.untag_resource(KeyId=first, TagKeys=["env"])
    assert kms_a.list_resource_tags(KeyId=first)["Tags"] == [{"TagKey": "team", "TagValue": "a"}]
    with pytest.raises(ClientError) as excinfo:
        kms_a.tag_resource(KeyId=first, Tags=[{"TagKey": "aws:x", "TagValue": "1"}])
    assert code_of(excinfo)[0] == "TagException"

    assert kms_a.list_key_policies(KeyId=first)["PolicyNames"] == ["default"]
    policy = json.loads(kms_a.get_key_policy(KeyId=first, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == f"arn:aws:iam::{ACCOUNT_A}:root"
    policy["Statement"].append({"Sid": "more", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                                "Action": "kms:Decrypt", "Resource": "*"})
    kms_a.put_key_policy(KeyId=first, PolicyName="default", Policy=json.dumps(policy))
    assert json.loads(kms_a.get_key_policy(KeyId=first)["Policy"])["Statement"][1]["Sid"] == "more"
    with pytest.raises(ClientError) as excinfo:
        kms_a.put_key_policy(KeyId=first, PolicyName="default", Policy="{not json")
    assert code_of(excinfo)[0] == "MalformedPolicyDocumentException"

    blob = kms_a.encrypt(KeyId=first, Plaintext=b"move me", EncryptionContext={"a": "1"})["CiphertextBlob"]
    moved = kms_a.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "1"}, DestinationKeyId=second,
                             DestinationEncryptionContext={"b": "2"})
    assert moved["SourceKeyId"].endswith(first) and moved["KeyId"].endswith(second)
    out = kms_a.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert out["Plaintext"] == b"move me" and out["KeyId"].endswith(second)


def test_deleted_key_material_is_destroyed(server, kms_a):
    key_id = kms_a.create_key()["KeyMetadata"]["KeyId"]
    blob = kms_a.encrypt(KeyId=key_id, Plaintext=b"shred me")["CiphertextBlob"]
    kms_a.create_alias(AliasName="alias/e2e-doomed", TargetKeyId=key_id)
    kms_a.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    # The administrator ends the waiting period: the key and its material are gone.
    out = server.admin_json("kms", "expire-deletion", "--account", ACCOUNT_A, "--key-id", key_id)
    assert out["destroyed"] >= 1
    with pytest.raises(ClientError) as excinfo:
        kms_a.describe_key(KeyId=key_id)
    assert code_of(excinfo)[0] == "NotFoundException"
    with pytest.raises(ClientError) as excinfo:
        kms_a.decrypt(CiphertextBlob=blob)
    assert code_of(excinfo)[0] == "NotFoundException"
    assert "alias/e2e-doomed" not in [a["AliasName"] for a in kms_a.list_aliases()["Aliases"]]
    result = server.admin("kms", "expire-deletion", "--account", ACCOUNT_A, "--key-id", key_id, check=False)
    assert result.returncode != 0 and "not pending deletion" in result.stderr


def files_containing(root, needle: bytes):
    hits = []
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    if needle in f.read():
                        hits.append(path)
            except OSError:
                pass
    return hits


def test_data_key_plaintext_never_reaches_postgresql(server, kms_a):
    visible = "cairn-e2e-visible-" + os.urandom(8).hex()
    key_id = kms_a.create_key(Description=visible)["KeyMetadata"]["KeyId"]
    data_key = kms_a.generate_data_key(KeyId=key_id, NumberOfBytes=32)["Plaintext"]
    blob = kms_a.encrypt(KeyId=key_id, Plaintext=data_key)["CiphertextBlob"]
    assert kms_a.decrypt(CiphertextBlob=blob)["Plaintext"] == data_key
    # Neither the raw bytes nor their hex appear anywhere PostgreSQL writes (tables, WAL, log).
    for needle in (data_key, data_key.hex().encode()):
        assert files_containing(server.data_dir, needle) == []
    # The search itself works: the key's description is stored in the clear (in the WAL at least).
    assert files_containing(os.path.join(server.data_dir, "postgres"), visible.encode()) != []


def test_cross_account_use_needs_the_key_policy(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as excinfo:
        kms_b.encrypt(KeyId=key["Arn"], Plaintext=b"not allowed yet")
    code, message = code_of(excinfo)
    assert code == "AccessDeniedException" and "kms:Encrypt" in message and key["Arn"] in message
    blob_from_a = kms_a.encrypt(KeyId=key["KeyId"], Plaintext=b"from a")["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        kms_b.decrypt(CiphertextBlob=blob_from_a)
    assert code_of(excinfo)[0] == "AccessDeniedException"

    policy = json.loads(kms_a.get_key_policy(KeyId=key["KeyId"])["Policy"])
    policy["Statement"].append({
        "Sid": "AllowB", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
    })
    kms_a.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    blob = kms_b.encrypt(KeyId=key["Arn"], Plaintext=b"b uses a's key")["CiphertextBlob"]
    assert kms_b.decrypt(CiphertextBlob=blob)["Plaintext"] == b"b uses a's key"
    assert kms_a.decrypt(CiphertextBlob=blob)["Plaintext"] == b"b uses a's key"
    assert kms_b.decrypt(CiphertextBlob=blob_from_a)["Plaintext"] == b"from a"
    # Only what the policy names: not GenerateDataKey, not management.
    with pytest.raises(ClientError) as excinfo:
        kms_b.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")
    assert code_of(excinfo)[0] == "AccessDeniedException"
    with pytest.raises(ClientError) as excinfo:
        kms_b.disable_key(KeyId=key["Arn"])
    assert code_of(excinfo)[0] in ("AccessDeniedException", "NotFoundException")
    assert kms_a.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"

    # An explicit Deny wins.
    policy["Statement"].append({
        "Sid": "DenyB", "Effect": "Deny", "Principal": {"AWS": "222222222222"}, "Action": "kms:*", "Resource": "*",
    })
    kms_a.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    with pytest.raises(ClientError) as excinfo:
        kms_b.decrypt(CiphertextBlob=blob)
    assert code_of(excinfo)[0] == "AccessDeniedException"


def test_create_key_with_policy_and_tags(kms_a):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:root"}, "Action": "kms:*",
         "Resource": "*"}]}
    key = kms_a.create_key(Policy=json.dumps(policy), Tags=[{"TagKey": "owner", "TagValue": "compliance"}])["KeyMetadata"]
    assert json.loads(kms_a.get_key_policy(KeyId=key["KeyId"])["Policy"])["Statement"][0]["Sid"] == "Root"
    assert kms_a.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "owner", "TagValue": "compliance"}]
    with pytest.raises(ClientError) as excinfo:
        kms_a.create_key(Policy="not json")
    assert code_of(excinfo)[0] == "MalformedPolicyDocumentException"


def test_key_policy_conditions_are_enforced_and_unknown_ones_refused(server):
    from conftest import ACCOUNT_A, ACCOUNT_B

    kms_a = server.client(KEYS["a_admin"], service="kms")
    kms_b = server.client(KEYS["b_admin"], service="kms")
    key = kms_b.create_key(Description="conditional")["KeyMetadata"]
    owner = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "kms:*",
             "Resource": "*"}
    only_c = {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
              "Condition": {"StringEquals": {"aws:PrincipalAccount": "333333333333"}}}
    kms_b.put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                         Policy=json.dumps({"Version": "2012-10-17", "Statement": [owner, only_c]}))
    with pytest.raises(ClientError) as excinfo:
        kms_a.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"

    context_bound = {"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "kms:encrypt", "Resource": "*",
                     "Condition": {"StringEquals": {"kms:EncryptionContext:app": "billing"}}}
    kms_b.put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                         Policy=json.dumps({"Version": "2012-10-17", "Statement": [owner, context_bound]}))
    kms_a.encrypt(KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"app": "billing"})
    with pytest.raises(ClientError):
        kms_a.encrypt(KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"app": "payroll"})

    unknown = dict(only_c, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    with pytest.raises(ClientError) as excinfo:
        kms_b.put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                             Policy=json.dumps({"Version": "2012-10-17", "Statement": [owner, unknown]}))
    assert excinfo.value.response["Error"]["Code"] == "MalformedPolicyDocumentException"
    assert "IpAddress" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("spec,algorithm,size", [
    ("HMAC_224", "HMAC_SHA_224", 28), ("HMAC_256", "HMAC_SHA_256", 32),
    ("HMAC_384", "HMAC_SHA_384", 48), ("HMAC_512", "HMAC_SHA_512", 64),
])
def test_hmac_keys_generate_and_verify_macs(server, kms_a, logs_a, name, spec, algorithm, size):
    """HMAC keys (KeyUsage GENERATE_VERIFY_MAC): GenerateMac and VerifyMac with boto3, a wrong MAC or algorithm
    refused as AWS refuses them, and the key kept out of encryption, rotation and log groups."""
    meta = kms_a.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC", Description="mac")["KeyMetadata"]
    assert meta["KeySpec"] == spec and meta["CustomerMasterKeySpec"] == spec
    assert meta["KeyUsage"] == "GENERATE_VERIFY_MAC" and meta["MacAlgorithms"] == [algorithm]
    assert "EncryptionAlgorithms" not in meta
    key = meta["KeyId"]
    message = "order 42 shipped ü".encode()
    generated = kms_a.generate_mac(KeyId=key, Message=message, MacAlgorithm=algorithm)
    assert generated["KeyId"] == meta["Arn"] and generated["MacAlgorithm"] == algorithm
    mac = generated["Mac"]
    assert len(mac) == size
    # The same key, message and algorithm give the same MAC (HMAC is deterministic).
    assert kms_a.generate_mac(KeyId=key, Message=message, MacAlgorithm=algorithm)["Mac"] == mac
    verified = kms_a.verify_mac(KeyId=key, Message=message, MacAlgorithm=algorithm, Mac=mac)
    assert verified["MacValid"] is True and verified["KeyId"] == meta["Arn"]

    def refused(call, **kwargs):
        with pytest.raises(ClientError) as error:
            call(**kwargs)
        return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]

    tampered = bytes([mac[0] ^ 1]) + mac[1:]
    assert refused(kms_a.verify_mac, KeyId=key, Message=message, MacAlgorithm=algorithm, Mac=tampered)[0] == \
        "KMSInvalidMacException"
    assert refused(kms_a.verify_mac, KeyId=key, Message=message + b"!", MacAlgorithm=algorithm, Mac=mac)[0] == \
        "KMSInvalidMacException"
    other = "HMAC_SHA_256" if algorithm != "HMAC_SHA_256" else "HMAC_SHA_512"
    assert refused(kms_a.generate_mac, KeyId=key, Message=message, MacAlgorithm=other)[0] == "InvalidKeyUsageException"
    assert refused(kms_a.generate_mac, KeyId=key, Message=message, MacAlgorithm=algorithm, DryRun=True)[0] == \
        "DryRunOperationException"
    code, text = refused(kms_a.encrypt, KeyId=key, Plaintext=b"x")
    assert (code, text) == ("InvalidKeyUsageException",
                            f"{meta['Arn']} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.")
    assert refused(kms_a.enable_key_rotation, KeyId=key)[0] == "UnsupportedOperationException"
    # A symmetric key is not an HMAC key.
    symmetric = kms_a.create_key()["KeyMetadata"]["KeyId"]
    assert refused(kms_a.generate_mac, KeyId=symmetric, Message=message, MacAlgorithm=algorithm)[0] == \
        "InvalidKeyUsageException"
    # A log group cannot be encrypted with an HMAC key.
    with pytest.raises(ClientError):
        logs_a.create_log_group(logGroupName=name, kmsKeyId=meta["Arn"])
    # A disabled HMAC key makes no MACs.
    kms_a.disable_key(KeyId=key)
    assert refused(kms_a.generate_mac, KeyId=key, Message=message, MacAlgorithm=algorithm)[0] == "DisabledException"


def test_hmac_key_with_the_aws_cli(server, tmp_path):
    key = KEYS["a_admin"]
    created = json.loads(server.aws(key, "kms", "create-key", "--key-spec", "HMAC_256", "--key-usage",
                                    "GENERATE_VERIFY_MAC", "--output", "json").stdout)["KeyMetadata"]
    message = tmp_path / "message"
    message.write_bytes(b"signed by the cli")
    mac = json.loads(server.aws(key, "kms", "generate-mac", "--key-id", created["KeyId"], "--mac-algorithm",
                                "HMAC_SHA_256", "--message", f"fileb://{message}", "--output", "json").stdout)["Mac"]
    # The CLI prints blobs in base64 and reads binary arguments from files.
    mac_file = tmp_path / "mac"
    mac_file.write_bytes(base64.b64decode(mac))
    verified = json.loads(server.aws(key, "kms", "verify-mac", "--key-id", created["KeyId"], "--mac-algorithm",
                                     "HMAC_SHA_256", "--message", f"fileb://{message}", "--mac",
                                     f"fileb://{mac_file}", "--output", "json").stdout)
    assert verified["MacValid"] is True
    mac_file.write_bytes(b"0" * 32)
    bad = server.aws(key, "kms", "verify-mac", "--key-id", created["KeyId"], "--mac-algorithm", "HMAC_SHA_256",
                     "--message", f"fileb://{message}", "--mac", f"fileb://{mac_file}", check=False)
    assert bad.returncode != 0 and "KMSInvalidMacException" in bad.stderr


SIGNING = [
    ("RSA_2048", "RSASSA_PSS_SHA_256"), ("RSA_3072", "RSASSA_PKCS1_V1_5_SHA_384"), ("RSA_4096", "RSASSA_PSS_SHA_512"),
    ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"), ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
]


def verify_outside(public_der, algorithm, message, signature):
    """Verifies a KMS signature with Python's `cryptography`, from the DER public key alone."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    public = serialization.load_der_public_key(public_der)
    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[algorithm[-3:]]
    if algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(digest))
    elif algorithm.startswith("RSASSA_PSS"):
        public.verify(signature, message, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                      digest)
    else:
        public.verify(signature, message, padding.PKCS1v15(), digest)


@pytest.mark.parametrize("spec,algorithm", SIGNING)
def test_asymmetric_keys_sign_and_python_cryptography_verifies(kms_a, spec, algorithm):
    """Sign with an RSA or ECC key; the signature verifies in Cairn and, from GetPublicKey's DER alone, in Python's
    `cryptography`; DIGEST messages sign the same; a tampered message is refused."""
    import hashlib

    from cryptography.exceptions import InvalidSignature

    meta = kms_a.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert meta["KeySpec"] == spec and meta["KeyUsage"] == "SIGN_VERIFY" and algorithm in meta["SigningAlgorithms"]
    assert "EncryptionAlgorithms" not in meta
    key = meta["KeyId"]
    public = kms_a.get_public_key(KeyId=key)
    assert public["KeySpec"] == spec and public["SigningAlgorithms"] == meta["SigningAlgorithms"]
    message = "pay 100 to 42 ü".encode()
    signed = kms_a.sign(KeyId=key, Message=message, SigningAlgorithm=algorithm)
    assert signed["KeyId"] == meta["Arn"] and signed["SigningAlgorithm"] == algorithm
    verify_outside(public["PublicKey"], algorithm, message, signed["Signature"])
    assert kms_a.verify(KeyId=key, Message=message, Signature=signed["Signature"],
                        SigningAlgorithm=algorithm)["SignatureValid"] is True
    digest = hashlib.new("sha" + algorithm[-3:], message).digest()
    from_digest = kms_a.sign(KeyId=key, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    verify_outside(public["PublicKey"], algorithm, message, from_digest)
    with pytest.raises(InvalidSignature):
        verify_outside(public["PublicKey"], algorithm, message + b"!", signed["Signature"])
    with pytest.raises(ClientError) as refused:
        kms_a.verify(KeyId=key, Message=message + b"!", Signature=signed["Signature"], SigningAlgorithm=algorithm)
    assert refused.value.response["Error"]["Code"] == "KMSInvalidSignatureException"
    with pytest.raises(ClientError) as refused:
        kms_a.sign(KeyId=key, Message=b"short", MessageType="DIGEST", SigningAlgorithm=algorithm)
    assert code_of(refused) == ("ValidationException", f"Digest is invalid length for algorithm {algorithm}.")


def test_sign_verify_and_get_public_key_with_the_aws_cli(server, tmp_path):
    """`aws kms sign`, `verify` and `get-public-key`; OpenSSL's command line verifies the signature."""
    import subprocess

    key = KEYS["a_admin"]
    created = json.loads(server.aws(key, "kms", "create-key", "--key-spec", "ECC_NIST_P384", "--key-usage",
                                    "SIGN_VERIFY", "--output", "json").stdout)["KeyMetadata"]
    message = tmp_path / "release.tar"
    message.write_bytes(os.urandom(3000))
    signature = base64.b64decode(json.loads(server.aws(
        key, "kms", "sign", "--key-id", created["KeyId"], "--signing-algorithm", "ECDSA_SHA_384", "--message",
        f"fileb://{message}", "--output", "json").stdout)["Signature"])
    signature_file = tmp_path / "signature"
    signature_file.write_bytes(signature)
    verified = json.loads(server.aws(
        key, "kms", "verify", "--key-id", created["KeyId"], "--signing-algorithm", "ECDSA_SHA_384", "--message",
        f"fileb://{message}", "--signature", f"fileb://{signature_file}", "--output", "json").stdout)
    assert verified["SignatureValid"] is True
    public = base64.b64decode(json.loads(server.aws(
        key, "kms", "get-public-key", "--key-id", created["KeyId"], "--output", "json").stdout)["PublicKey"])
    public_file = tmp_path / "public.der"
    public_file.write_bytes(public)
    checked = subprocess.run(
        ["openssl", "dgst", "-sha384", "-verify", str(public_file), "-keyform", "DER", "-signature",
         str(signature_file), str(message)], capture_output=True, text=True)
    assert checked.returncode == 0 and "Verified OK" in checked.stdout


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P384"])
def test_data_key_pairs_are_pkcs8_with_their_public_key(kms_a, spec):
    """GenerateDataKeyPair: a PKCS #8 private key that Python's `cryptography` loads, whose public half is the
    PublicKey returned, and whose encrypted copy Decrypt gives back; WithoutPlaintext returns no plaintext."""
    from cryptography.hazmat.primitives import serialization

    key = kms_a.create_key()["KeyMetadata"]["KeyId"]
    pair = kms_a.generate_data_key_pair(KeyId=key, KeyPairSpec=spec, EncryptionContext={"use": "signing"})
    assert pair["KeyPairSpec"] == spec
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    derived = private.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    assert derived == pair["PublicKey"]
    opened = kms_a.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"use": "signing"})
    assert opened["Plaintext"] == pair["PrivateKeyPlaintext"]
    without = kms_a.generate_data_key_pair_without_plaintext(KeyId=key, KeyPairSpec=spec)
    assert "PrivateKeyPlaintext" not in without and without["PublicKey"] != pair["PublicKey"]


@pytest.mark.parametrize("spec,algorithm,largest", [
    ("RSA_2048", "RSAES_OAEP_SHA_256", 190), ("RSA_3072", "RSAES_OAEP_SHA_1", 342),
])
def test_rsa_encryption_keys(kms_a, spec, algorithm, largest):
    """An RSA ENCRYPT_DECRYPT key: Encrypt and Decrypt (naming the key) with RSAES-OAEP; a ciphertext made outside
    Cairn with GetPublicKey's key and Python's `cryptography` decrypts inside; AWS's refusals."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    meta = kms_a.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert meta["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    assert "SigningAlgorithms" not in meta
    key = meta["KeyId"]
    encrypted = kms_a.encrypt(KeyId=key, Plaintext=b"a" * largest, EncryptionAlgorithm=algorithm)
    # Cairn's symmetric ciphertext blobs start with the byte 1 and then name their key: an RSA ciphertext that
    # happens to start with it (1 in 256) reads as one naming an unknown key (NotFoundException below, not
    # InvalidCiphertextException). OAEP is randomized: encrypt again until it does not.
    while encrypted["CiphertextBlob"][0] == 1:
        encrypted = kms_a.encrypt(KeyId=key, Plaintext=b"a" * largest, EncryptionAlgorithm=algorithm)
    assert encrypted["EncryptionAlgorithm"] == algorithm
    opened = kms_a.decrypt(KeyId=key, CiphertextBlob=encrypted["CiphertextBlob"], EncryptionAlgorithm=algorithm)
    assert opened["Plaintext"] == b"a" * largest and opened["KeyId"] == meta["Arn"]
    public = serialization.load_der_public_key(kms_a.get_public_key(KeyId=key)["PublicKey"])
    digest = hashes.SHA256() if algorithm.endswith("256") else hashes.SHA1()
    outside = public.encrypt(b"made outside", padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None))
    assert kms_a.decrypt(KeyId=key, CiphertextBlob=outside, EncryptionAlgorithm=algorithm)["Plaintext"] == \
        b"made outside"

    def refused(call, **kwargs):
        with pytest.raises(ClientError) as error:
            call(**kwargs)
        return error.value.response["Error"]["Code"]

    assert refused(kms_a.encrypt, KeyId=key, Plaintext=b"a" * (largest + 1), EncryptionAlgorithm=algorithm) == \
        "ValidationException"
    assert refused(kms_a.encrypt, KeyId=key, Plaintext=b"x") == "InvalidKeyUsageException"
    assert refused(kms_a.decrypt, CiphertextBlob=encrypted["CiphertextBlob"]) == "InvalidCiphertextException"
    assert refused(kms_a.generate_data_key, KeyId=key, KeySpec="AES_256") == "InvalidKeyUsageException"
    assert refused(kms_a.sign, KeyId=key, Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256") == \
        "InvalidKeyUsageException"


@pytest.mark.parametrize("spec,curve", [("ECC_NIST_P256", "SECP256R1"), ("ECC_NIST_P384", "SECP384R1"),
                                        ("ECC_NIST_P521", "SECP521R1")])
def test_key_agreement_keys_derive_what_python_cryptography_derives(kms_a, spec, curve):
    """A KEY_AGREEMENT key's DeriveSharedSecret with a peer's public key equals the peer's own ECDH with
    GetPublicKey's key (Python's `cryptography`); DescribeKey and GetPublicKey name ECDH; other uses, secp256k1,
    a key on another curve and bytes that are not a key are refused; DryRun derives nothing."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    meta = kms_a.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    assert meta["KeyAgreementAlgorithms"] == ["ECDH"] and meta["KeyUsage"] == "KEY_AGREEMENT"
    assert "SigningAlgorithms" not in meta and "EncryptionAlgorithms" not in meta
    public = kms_a.get_public_key(KeyId=meta["KeyId"])
    assert public["KeyAgreementAlgorithms"] == ["ECDH"] and public["KeyUsage"] == "KEY_AGREEMENT"
    peer = ec.generate_private_key(getattr(ec, curve)())
    peer_der = peer.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms_a.derive_shared_secret(KeyId=meta["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer_der)
    assert derived["KeyId"] == meta["Arn"] and derived["KeyAgreementAlgorithm"] == "ECDH"
    assert derived["KeyOrigin"] == "AWS_KMS"
    expected = peer.exchange(ec.ECDH(), serialization.load_der_public_key(public["PublicKey"]))
    assert derived["SharedSecret"] == expected

    other = ec.generate_private_key(ec.SECP256R1() if curve != "SECP256R1" else ec.SECP384R1())
    other_der = other.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    for bad in (other_der, b"\x30\x03\x02\x01\x01"):
        with pytest.raises(ClientError) as refused:
            kms_a.derive_shared_secret(KeyId=meta["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=bad)
        assert refused.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as refused:
        kms_a.derive_shared_secret(KeyId=meta["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer_der,
                                   DryRun=True)
    assert refused.value.response["Error"]["Code"] == "DryRunOperationException"
    with pytest.raises(ClientError) as refused:
        kms_a.sign(KeyId=meta["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert refused.value.response["Error"]["Code"] == "InvalidKeyUsageException"
    signing = kms_a.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as refused:
        kms_a.derive_shared_secret(KeyId=signing, KeyAgreementAlgorithm="ECDH", PublicKey=peer_der)
    assert code_of(refused)[0] == "InvalidKeyUsageException"
    with pytest.raises(ClientError) as refused:
        kms_a.create_key(KeySpec="ECC_SECG_P256K1", KeyUsage="KEY_AGREEMENT")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_derive_shared_secret_with_the_aws_cli(server, tmp_path):
    """`aws kms derive-shared-secret` with a peer key OpenSSL made; OpenSSL's own `pkeyutl -derive` with the key
    from `aws kms get-public-key` gives the same secret."""
    import subprocess

    key = KEYS["a_admin"]
    created = json.loads(server.aws(key, "kms", "create-key", "--key-spec", "ECC_NIST_P256", "--key-usage",
                                    "KEY_AGREEMENT", "--output", "json").stdout)["KeyMetadata"]
    peer_private = tmp_path / "peer.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    str(peer_private)], check=True, capture_output=True)
    peer_public = tmp_path / "peer.der"
    subprocess.run(["openssl", "pkey", "-in", str(peer_private), "-pubout", "-outform", "DER", "-out",
                    str(peer_public)], check=True, capture_output=True)
    derived = base64.b64decode(json.loads(server.aws(
        key, "kms", "derive-shared-secret", "--key-id", created["KeyId"], "--key-agreement-algorithm", "ECDH",
        "--public-key", f"fileb://{peer_public}", "--output", "json").stdout)["SharedSecret"])
    kms_public = tmp_path / "kms.der"
    kms_public.write_bytes(base64.b64decode(json.loads(server.aws(
        key, "kms", "get-public-key", "--key-id", created["KeyId"], "--output", "json").stdout)["PublicKey"]))
    secret = subprocess.run(["openssl", "pkeyutl", "-derive", "-inkey", str(peer_private), "-peerkey",
                             str(kms_public), "-peerform", "DER"], check=True, capture_output=True).stdout
    assert derived == secret and len(secret) == 32


def wrap_for_import(parameters, material, algorithm):
    """Wraps key material as AWS's import instructions do: RSAES-OAEP with the wrapping public key, or (RSA-AES key
    wrap) an ephemeral AES-256 key under RSAES-OAEP followed by the material under AES key wrap with padding."""
    from cryptography.hazmat.primitives import hashes, keywrap, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public = serialization.load_der_public_key(parameters["PublicKey"])
    digest = hashes.SHA256() if algorithm.endswith("SHA_256") else hashes.SHA1()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=digest), algorithm=digest, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep)
    aes_key = os.urandom(32)
    return public.encrypt(aes_key, oaep) + keywrap.aes_key_wrap_with_padding(aes_key, material)


def test_imported_symmetric_key_material(kms_a):
    """Origin EXTERNAL: PendingImport until material is imported (RSAES_OAEP_SHA_256); then Enabled with ValidTo
    and ExpirationModel; other material is refused, the same material is accepted again; deleting it makes the key
    PendingImport and what it encrypted unreadable until the same material comes back; refusals as AWS's."""
    import datetime
    import time

    meta = kms_a.create_key(Origin="EXTERNAL", Description="imported")["KeyMetadata"]
    assert meta["Origin"] == "EXTERNAL" and meta["KeyState"] == "PendingImport" and meta["Enabled"] is False
    key = meta["KeyId"]
    with pytest.raises(ClientError) as refused:
        kms_a.encrypt(KeyId=key, Plaintext=b"x")
    assert code_of(refused) == ("KMSInvalidStateException", f"{meta['Arn']} is pending import.")
    with pytest.raises(ClientError) as refused:
        kms_a.enable_key(KeyId=key)
    assert code_of(refused)[0] == "KMSInvalidStateException"

    parameters = kms_a.get_parameters_for_import(KeyId=key, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                                 WrappingKeySpec="RSA_2048")
    assert parameters["KeyId"] == meta["Arn"]
    left = parameters["ParametersValidTo"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(hours=23) < left <= datetime.timedelta(hours=24)
    material = os.urandom(32)
    with pytest.raises(ClientError) as refused:
        kms_a.import_key_material(KeyId=key, ImportToken=parameters["ImportToken"],
                                  EncryptedKeyMaterial=wrap_for_import(parameters, material, "RSAES_OAEP_SHA_256"))
    assert code_of(refused)[0] == "ValidationException"  # KEY_MATERIAL_EXPIRES (the default) needs ValidTo
    valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    imported = kms_a.import_key_material(
        KeyId=key, ImportToken=parameters["ImportToken"], ValidTo=valid_to,
        EncryptedKeyMaterial=wrap_for_import(parameters, material, "RSAES_OAEP_SHA_256"))
    assert imported["KeyId"] == meta["Arn"] and len(imported["KeyMaterialId"]) == 64
    described = kms_a.describe_key(KeyId=key)["KeyMetadata"]
    assert described["KeyState"] == "Enabled" and described["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs((described["ValidTo"] - valid_to).total_seconds()) < 1
    blob = kms_a.encrypt(KeyId=key, Plaintext=b"imported secret")["CiphertextBlob"]
    assert kms_a.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported secret"

    with pytest.raises(ClientError) as refused:
        kms_a.import_key_material(KeyId=key, ImportToken=parameters["ImportToken"], ValidTo=valid_to,
                                  EncryptedKeyMaterial=wrap_for_import(parameters, os.urandom(32),
                                                                       "RSAES_OAEP_SHA_256"))
    assert code_of(refused)[0] == "IncorrectKeyMaterialException"
    with pytest.raises(ClientError) as refused:
        kms_a.import_key_material(KeyId=key, ImportToken=parameters["ImportToken"], ValidTo=valid_to,
                                  EncryptedKeyMaterial=wrap_for_import(parameters, os.urandom(16),
                                                                       "RSAES_OAEP_SHA_256"))
    assert code_of(refused)[0] == "IncorrectKeyMaterialException"

    deleted = kms_a.delete_imported_key_material(KeyId=key)
    assert deleted["KeyMaterialId"] == imported["KeyMaterialId"]
    assert kms_a.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as refused:
        kms_a.decrypt(CiphertextBlob=blob)
    assert code_of(refused)[0] == "KMSInvalidStateException"
    again = kms_a.get_parameters_for_import(KeyId=key, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_1",
                                            WrappingKeySpec="RSA_3072")
    reimported = kms_a.import_key_material(
        KeyId=key, ImportToken=again["ImportToken"], ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        EncryptedKeyMaterial=wrap_for_import(again, material, "RSA_AES_KEY_WRAP_SHA_1"))
    assert reimported["KeyMaterialId"] == imported["KeyMaterialId"]
    assert kms_a.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported secret"
    assert "ValidTo" not in kms_a.describe_key(KeyId=key)["KeyMetadata"]

    # A token belongs to its key and its wrapping key: another key's, or bytes that are no token, are refused.
    other = kms_a.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    for token in (again["ImportToken"], b"not a token"):
        with pytest.raises(ClientError) as refused:
            kms_a.import_key_material(KeyId=other, ImportToken=token, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
                                      EncryptedKeyMaterial=wrap_for_import(again, material, "RSA_AES_KEY_WRAP_SHA_1"))
        assert code_of(refused)[0] == "InvalidImportTokenException"
    with pytest.raises(ClientError) as refused:
        kms_a.get_parameters_for_import(KeyId=kms_a.create_key()["KeyMetadata"]["KeyId"],
                                        WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert code_of(refused)[0] == "UnsupportedOperationException"
    assert "origin is AWS_KMS which is not valid for this operation." in code_of(refused)[1]
    with pytest.raises(ClientError) as refused:
        kms_a.enable_key_rotation(KeyId=key)
    assert code_of(refused)[0] == "UnsupportedOperationException"

    # Material that expires: a key whose ValidTo has passed is PendingImport.
    short = kms_a.get_parameters_for_import(KeyId=other, WrappingAlgorithm="RSAES_OAEP_SHA_1",
                                            WrappingKeySpec="RSA_2048")
    kms_a.import_key_material(
        KeyId=other, ImportToken=short["ImportToken"],
        ValidTo=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2),
        EncryptedKeyMaterial=wrap_for_import(short, os.urandom(32), "RSAES_OAEP_SHA_1"))
    deadline = time.monotonic() + 60
    while kms_a.describe_key(KeyId=other)["KeyMetadata"]["KeyState"] != "PendingImport":
        assert time.monotonic() < deadline, "the imported material never expired"
        time.sleep(0.5)


def test_imported_signing_key_material(kms_a):
    """An ECC_NIST_P256 SIGN_VERIFY key with a private key made by Python's `cryptography` (PKCS #8, RSA-AES key
    wrap): GetPublicKey is that key's public half, and Cairn's signatures verify with it; a key of another curve is
    refused."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    meta = kms_a.create_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    parameters = kms_a.get_parameters_for_import(KeyId=meta["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                                 WrappingKeySpec="RSA_4096")

    def pkcs8(private):
        return private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())

    with pytest.raises(ClientError) as refused:
        kms_a.import_key_material(
            KeyId=meta["KeyId"], ImportToken=parameters["ImportToken"], ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
            EncryptedKeyMaterial=wrap_for_import(parameters, pkcs8(ec.generate_private_key(ec.SECP384R1())),
                                                 "RSA_AES_KEY_WRAP_SHA_256"))
    assert code_of(refused)[0] == "IncorrectKeyMaterialException"
    private = ec.generate_private_key(ec.SECP256R1())
    kms_a.import_key_material(
        KeyId=meta["KeyId"], ImportToken=parameters["ImportToken"], ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        EncryptedKeyMaterial=wrap_for_import(parameters, pkcs8(private), "RSA_AES_KEY_WRAP_SHA_256"))
    public = kms_a.get_public_key(KeyId=meta["KeyId"])["PublicKey"]
    assert public == private.public_key().public_bytes(serialization.Encoding.DER,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    signature = kms_a.sign(KeyId=meta["KeyId"], Message=b"imported", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    verify_outside(public, "ECDSA_SHA_256", b"imported", signature)


def test_multi_region_keys(server, kms_a):
    """MultiRegion: an mrk- key; ReplicateKey into another region of the account (same id, own policy, tags and
    description; MultiRegionConfiguration on both sides); a ciphertext from either region decrypts in the other,
    before and after a rotation of the primary; the replica cannot rotate; UpdatePrimaryRegion swaps the roles; a
    single-Region key cannot be replicated; the primary cannot be deleted while it has replicas."""
    west = server.client(KEYS["a_admin"], region="eu-west-1", service="kms")
    meta = kms_a.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]
    assert meta["MultiRegion"] is True and meta["KeyId"].startswith("mrk-") and len(meta["KeyId"]) == 36
    assert meta["Arn"].endswith(":key/" + meta["KeyId"]) and ":us-east-1:" in meta["Arn"]
    config = meta["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "PRIMARY" and config["ReplicaKeys"] == []
    blob = kms_a.encrypt(KeyId=meta["KeyId"], Plaintext=b"from the east", EncryptionContext={"a": "1"})
    assert blob["KeyId"] == meta["Arn"]

    replica = kms_a.replicate_key(KeyId=meta["KeyId"], ReplicaRegion="eu-west-1", Description="replica",
                                  Tags=[{"TagKey": "site", "TagValue": "dublin"}])
    replica_meta = replica["ReplicaKeyMetadata"]
    west_arn = meta["Arn"].replace(":us-east-1:", ":eu-west-1:")
    assert replica_meta["KeyId"] == meta["KeyId"] and replica_meta["Arn"] == west_arn
    assert replica_meta["Description"] == "replica" and replica_meta["KeyState"] == "Enabled"
    assert replica_meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["ReplicaTags"] == [{"TagKey": "site", "TagValue": "dublin"}]
    assert json.loads(replica["ReplicaPolicy"])["Statement"]
    described = kms_a.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert described["ReplicaKeys"] == [{"Arn": west_arn, "Region": "eu-west-1"}]
    assert described["PrimaryKey"] == {"Arn": meta["Arn"], "Region": "us-east-1"}
    assert west.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["Description"] == "replica"
    assert west.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [{"TagKey": "site", "TagValue": "dublin"}]
    assert kms_a.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == []
    listed = [k["KeyId"] for k in west.list_keys(Limit=1000)["Keys"]]
    assert meta["KeyId"] in listed

    opened = west.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "1"})
    assert opened["Plaintext"] == b"from the east" and opened["KeyId"] == west_arn
    back = west.encrypt(KeyId=meta["KeyId"], Plaintext=b"from the west")["CiphertextBlob"]
    assert kms_a.decrypt(CiphertextBlob=back)["Plaintext"] == b"from the west"

    kms_a.rotate_key_on_demand(KeyId=meta["KeyId"])
    rotated = kms_a.encrypt(KeyId=meta["KeyId"], Plaintext=b"after rotation")["CiphertextBlob"]
    assert west.decrypt(CiphertextBlob=rotated)["Plaintext"] == b"after rotation"
    with pytest.raises(ClientError) as refused:
        west.rotate_key_on_demand(KeyId=meta["KeyId"])
    assert code_of(refused)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as refused:
        kms_a.replicate_key(KeyId=meta["KeyId"], ReplicaRegion="eu-west-1")
    assert code_of(refused)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as refused:
        kms_a.replicate_key(KeyId=kms_a.create_key()["KeyMetadata"]["KeyId"], ReplicaRegion="eu-west-1")
    assert code_of(refused)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as refused:
        kms_a.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    assert code_of(refused)[0] == "UnsupportedOperationException"

    kms_a.update_primary_region(KeyId=meta["KeyId"], PrimaryRegion="eu-west-1")
    assert west.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"][
        "MultiRegionKeyType"] == "PRIMARY"
    assert kms_a.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"][
        "MultiRegionKeyType"] == "REPLICA"
    west.rotate_key_on_demand(KeyId=meta["KeyId"])
    again = west.encrypt(KeyId=meta["KeyId"], Plaintext=b"west is primary")["CiphertextBlob"]
    assert kms_a.decrypt(CiphertextBlob=again)["Plaintext"] == b"west is primary"
    # The former primary, now a replica, can be deleted; a key id of the set is unknown in a region it is not in.
    kms_a.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    tokyo = server.client(KEYS["a_admin"], region="ap-northeast-1", service="kms")
    with pytest.raises(ClientError) as refused:
        tokyo.describe_key(KeyId=meta["KeyId"])
    assert code_of(refused)[0] == "NotFoundException"


def test_key_material_ids(kms_a):
    """KeyMaterialId: DescribeKey's CurrentKeyMaterialId names the material Encrypt uses now; Decrypt and
    GenerateDataKey name the material of their blob; a rotation gives a new id, and the old blob still names the
    old one; ReEncrypt names both; ListKeyRotations lists rotations (ALL_KEY_MATERIAL adds the first material) with
    CURRENT and NON_CURRENT states."""
    import re

    key = kms_a.create_key()["KeyMetadata"]["KeyId"]
    first = kms_a.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    old = kms_a.encrypt(KeyId=key, Plaintext=b"old")["CiphertextBlob"]
    generated = kms_a.generate_data_key(KeyId=key, KeySpec="AES_256")
    assert generated["KeyMaterialId"] == first
    assert kms_a.decrypt(CiphertextBlob=old)["KeyMaterialId"] == first
    kms_a.rotate_key_on_demand(KeyId=key)
    second = kms_a.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert second != first and re.fullmatch(r"[0-9a-f]{64}", second)
    assert kms_a.decrypt(CiphertextBlob=old)["KeyMaterialId"] == first
    moved = kms_a.re_encrypt(CiphertextBlob=old, DestinationKeyId=key)
    assert (moved["SourceKeyMaterialId"], moved["DestinationKeyMaterialId"]) == (first, second)
    rotations = kms_a.list_key_rotations(KeyId=key)["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"]) for r in rotations] == [
        (second, "CURRENT", "ON_DEMAND")]
    everything = kms_a.list_key_rotations(KeyId=key, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in everything] == [
        (first, "NON_CURRENT"), (second, "CURRENT")]
    assert "RotationDate" not in everything[0] and "RotationDate" in everything[1]


def test_get_key_last_usage(kms_a):
    """GetKeyLastUsage: nothing before the first use (tracking starts at creation); then the latest successful
    cryptographic operation with its time and a CloudTrail-style event id; a failed use does not count."""
    import datetime

    meta = kms_a.create_key()["KeyMetadata"]
    before = kms_a.get_key_last_usage(KeyId=meta["KeyId"])
    assert "KeyLastUsage" not in before or not before["KeyLastUsage"]
    assert before["TrackingStartDate"] == before["KeyCreationDate"] == meta["CreationDate"]
    blob = kms_a.encrypt(KeyId=meta["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms_a.decrypt(CiphertextBlob=blob)
    with pytest.raises(ClientError):
        kms_a.decrypt(CiphertextBlob=blob, EncryptionContext={"wrong": "context"})
    usage = kms_a.get_key_last_usage(KeyId=meta["Arn"])["KeyLastUsage"]
    assert usage["Operation"] == "Decrypt" and len(usage["CloudTrailEventId"]) == 36
    assert abs((datetime.datetime.now(datetime.timezone.utc) - usage["Timestamp"]).total_seconds()) < 60
