"""KMS grants through boto3 and the aws CLI: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant,
and what a grant lets another account do with a key. Expected behaviour and messages are AWS's; the sources are in
/work/notes/grant-facts.md. Where AWS's message is not known, only the error code is asserted."""

import base64
import datetime
import json
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, ACCOUNT_B, KEYS

A_ROOT = f"arn:aws:iam::{ACCOUNT_A}:root"
B_ROOT = f"arn:aws:iam::{ACCOUNT_B}:root"
GRANT_ID = re.compile(r"[0-9a-f]{64}")
DRY_RUN = ("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")


@pytest.fixture
def kms_a(server):
    return server.client(KEYS["a_admin"], service="kms")


@pytest.fixture
def kms_b(server):
    return server.client(KEYS["b_admin"], service="kms")


def refused(call, **kwargs):
    """The (code, message) of the ClientError that `call(**kwargs)` raises."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def grant_name():
    return f"e2e-{uuid.uuid4().hex[:16]}"


def grants_of(kms, key, **kwargs):
    return [g for page in kms.get_paginator("list_grants").paginate(KeyId=key, **kwargs) for g in page["Grants"]]


def retirable(kms, principal):
    pages = kms.get_paginator("list_retirable_grants").paginate(RetiringPrincipal=principal)
    return {g["GrantId"]: g for page in pages for g in page["Grants"]}


def assert_denied(call, action, arn, **kwargs):
    code, message = refused(call, **kwargs)
    assert code == "AccessDeniedException", (code, message)
    assert action in message and arn in message, message


def test_a_grant_lets_another_account_use_the_key_for_the_granted_operations_only(kms_a, kms_b):
    key = kms_a.create_key(Description="grant to b")["KeyMetadata"]
    arn = key["Arn"]
    assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"not yet")
    from_a = kms_a.encrypt(KeyId=key["KeyId"], Plaintext=b"from a")["CiphertextBlob"]
    assert refused(kms_b.decrypt, CiphertextBlob=from_a)[0] == "AccessDeniedException"

    created = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT,
                                 Operations=["Encrypt", "Decrypt", "GenerateDataKey"])
    assert GRANT_ID.fullmatch(created["GrantId"]), created["GrantId"]
    # AWS's tokens are unpadded base64url.
    token = created["GrantToken"]
    assert 1 <= len(token) <= 8192 and re.fullmatch(r"[A-Za-z0-9_-]+", token), token

    encrypted = kms_b.encrypt(KeyId=arn, Plaintext=b"b with a's key")
    assert encrypted["KeyId"] == arn
    opened = kms_b.decrypt(CiphertextBlob=encrypted["CiphertextBlob"])
    assert opened["Plaintext"] == b"b with a's key" and opened["KeyId"] == arn
    assert kms_a.decrypt(CiphertextBlob=encrypted["CiphertextBlob"])["Plaintext"] == b"b with a's key"
    assert kms_b.decrypt(CiphertextBlob=from_a)["Plaintext"] == b"from a"
    data_key = kms_b.generate_data_key(KeyId=arn, KeySpec="AES_256")
    assert data_key["KeyId"] == arn and len(data_key["Plaintext"]) == 32
    assert kms_b.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    # The grant token may be passed along (AWS: to use a grant before it is consistent everywhere).
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"t", GrantTokens=[token])["KeyId"] == arn

    # Only the granted operations.
    assert_denied(kms_b.re_encrypt, "kms:ReEncrypt", arn, CiphertextBlob=from_a, DestinationKeyId=arn)
    assert_denied(kms_b.describe_key, "kms:DescribeKey", arn, KeyId=arn)
    assert_denied(kms_b.generate_data_key_without_plaintext, "kms:GenerateDataKeyWithoutPlaintext", arn,
                  KeyId=arn, KeySpec="AES_256")
    # A malformed grant token is refused as such.
    assert refused(kms_b.encrypt, KeyId=arn, Plaintext=b"t", GrantTokens=["not-a-grant-token"])[0] == \
        "InvalidGrantTokenException"


def test_encryption_context_subset_constraint(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    required = {"tenant": "b", "app": "billing"}
    kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt", "Decrypt"],
                       Constraints={"EncryptionContextSubset": required})
    superset = dict(required, request="42")
    blob = kms_b.encrypt(KeyId=arn, Plaintext=b"subset", EncryptionContext=superset)["CiphertextBlob"]
    assert kms_b.decrypt(CiphertextBlob=blob, EncryptionContext=superset)["Plaintext"] == b"subset"
    exact = kms_b.encrypt(KeyId=arn, Plaintext=b"exact", EncryptionContext={"app": "billing", "tenant": "b"})
    assert kms_b.decrypt(CiphertextBlob=exact["CiphertextBlob"], EncryptionContext=required)["Plaintext"] == b"exact"
    for context in (None, {"tenant": "b"}, {"tenant": "b", "app": "payroll"}, {"other": "x"}):
        kwargs = {"EncryptionContext": context} if context is not None else {}
        assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"x", **kwargs)
    # A blob made without the context cannot be opened through the grant either.
    plain = kms_a.encrypt(KeyId=key["KeyId"], Plaintext=b"no context")["CiphertextBlob"]
    assert refused(kms_b.decrypt, CiphertextBlob=plain)[0] == "AccessDeniedException"
    # The owner is not bound by a grant's constraints.
    assert kms_a.decrypt(CiphertextBlob=plain)["Plaintext"] == b"no context"


def test_grant_constraint_keys_ignore_case_but_values_do_not(kms_a, kms_b):
    """AWS (GrantConstraints): "in a grant constraint, the key in each key-value pair is not case sensitive, but
    the value is case sensitive"."""
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    kms_a.create_grant(KeyId=arn, GranteePrincipal=B_ROOT, Operations=["Encrypt"],
                       Constraints={"EncryptionContextSubset": {"Department": "IT"}})
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext={"department": "IT"})["KeyId"] == arn
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext={"DEPARTMENT": "IT"})["KeyId"] == arn
    assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"x",
                  EncryptionContext={"Department": "it"})


def test_encryption_context_equals_constraint(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    context = {"tenant": "b", "app": "billing"}
    kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt", "Decrypt"],
                       Constraints={"EncryptionContextEquals": context})
    blob = kms_b.encrypt(KeyId=arn, Plaintext=b"equals", EncryptionContext={"app": "billing", "tenant": "b"})
    assert kms_b.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext=context)["Plaintext"] == b"equals"
    for other in (None, {"tenant": "b"}, dict(context, extra="1"), {"tenant": "b", "app": "Billing"}):
        kwargs = {"EncryptionContext": other} if other is not None else {}
        assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"x", **kwargs)
    # Decrypt of a blob whose context is a superset: the grant does not allow it.
    superset = dict(context, extra="1")
    wider = kms_a.encrypt(KeyId=key["KeyId"], Plaintext=b"wider", EncryptionContext=superset)["CiphertextBlob"]
    assert refused(kms_b.decrypt, CiphertextBlob=wider, EncryptionContext=superset)[0] == "AccessDeniedException"


def test_both_constraints_at_once_are_refused(kms_a):
    key = kms_a.create_key()["KeyMetadata"]
    code_message = refused(kms_a.create_grant, KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"],
                           Constraints={"EncryptionContextSubset": {"a": "1"}, "EncryptionContextEquals": {"b": "2"}})
    assert code_message == ("ValidationException", "More than one constraint supplied")
    assert grants_of(kms_a, key["KeyId"]) == []


def test_list_grants_shows_each_grant_as_aws_does(kms_a):
    key = kms_a.create_key()["KeyMetadata"]
    name = grant_name()
    before = datetime.datetime.now(datetime.timezone.utc)
    named = kms_a.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT, Name=name,
        Operations=["Encrypt", "Decrypt", "GenerateDataKey"],
        Constraints={"EncryptionContextSubset": {"tenant": "b"}})["GrantId"]
    bare = kms_a.create_grant(KeyId=key["Arn"], GranteePrincipal=B_ROOT, Operations=["Decrypt"])["GrantId"]
    after = datetime.datetime.now(datetime.timezone.utc)

    for reference in (key["KeyId"], key["Arn"]):
        listed = {g["GrantId"]: g for g in kms_a.list_grants(KeyId=reference)["Grants"]}
        assert set(listed) == {named, bare}
    grant = listed[named]
    assert grant["KeyId"] == key["Arn"]
    assert grant["Name"] == name
    assert grant["GranteePrincipal"] == B_ROOT and grant["RetiringPrincipal"] == B_ROOT
    assert grant["IssuingAccount"] == A_ROOT
    assert sorted(grant["Operations"]) == ["Decrypt", "Encrypt", "GenerateDataKey"]
    assert grant["Constraints"] == {"EncryptionContextSubset": {"tenant": "b"}}
    created = grant["CreationDate"]
    assert isinstance(created, datetime.datetime)
    assert before - datetime.timedelta(seconds=5) <= created <= after + datetime.timedelta(seconds=5)

    plain = listed[bare]
    assert plain["KeyId"] == key["Arn"] and plain["Operations"] == ["Decrypt"]
    # AWS's list-grants output shows "Name": "" for a grant made without one.
    assert plain.get("Name") in (None, "")
    assert "RetiringPrincipal" not in plain and "Constraints" not in plain
    assert plain["IssuingAccount"] == A_ROOT


def test_list_grants_pages_and_filters(server, kms_a):
    key = kms_a.create_key()["KeyMetadata"]["KeyId"]
    ids = [kms_a.create_grant(KeyId=key, GranteePrincipal=B_ROOT, Operations=["Encrypt"])["GrantId"]
           for _ in range(2)]
    ids.append(kms_a.create_grant(KeyId=key, GranteePrincipal=A_ROOT, Operations=["Decrypt"])["GrantId"])

    first = kms_a.list_grants(KeyId=key, Limit=2)
    assert len(first["Grants"]) == 2 and first["Truncated"] is True and first["NextMarker"]
    second = kms_a.list_grants(KeyId=key, Limit=2, Marker=first["NextMarker"])
    assert len(second["Grants"]) == 1 and second["Truncated"] is False and "NextMarker" not in second
    paged = [g["GrantId"] for g in first["Grants"] + second["Grants"]]
    assert sorted(paged) == sorted(ids)
    one_by_one = [g["GrantId"] for page in kms_a.get_paginator("list_grants").paginate(
        KeyId=key, PaginationConfig={"PageSize": 1}) for g in page["Grants"]]
    assert sorted(one_by_one) == sorted(ids)
    assert kms_a.list_grants(KeyId=key)["Truncated"] is False

    by_id = kms_a.list_grants(KeyId=key, GrantId=ids[1])["Grants"]
    assert [g["GrantId"] for g in by_id] == [ids[1]]
    assert sorted(g["GrantId"] for g in grants_of(kms_a, key, GranteePrincipal=B_ROOT)) == sorted(ids[:2])
    assert [g["GrantId"] for g in grants_of(kms_a, key, GranteePrincipal=A_ROOT)] == [ids[2]]
    assert grants_of(kms_a, key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT_B}:role/nobody") == []
    # Grants are per key.
    other = kms_a.create_key()["KeyMetadata"]["KeyId"]
    assert kms_a.list_grants(KeyId=other)["Grants"] == []

    assert refused(kms_a.list_grants, KeyId=key, Marker="not-a-marker")[0] == "InvalidMarkerException"
    raw = server.client(KEYS["a_admin"], service="kms", validate=False)
    assert refused(raw.list_grants, KeyId=key, Limit=0) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


def test_grant_operations_name_the_key_by_id_or_arn_not_alias(kms_a):
    key = kms_a.create_key()["KeyMetadata"]
    alias = f"alias/e2e-grants-{uuid.uuid4().hex[:12]}"
    kms_a.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT_A}:{alias}"
    for reference in (alias, alias_arn):
        assert refused(kms_a.create_grant, KeyId=reference, GranteePrincipal=B_ROOT, Operations=["Encrypt"]) == (
            "InvalidArnException", "Key Aliases are not supported for this operation.")
    assert grants_of(kms_a, key["KeyId"]) == []
    grant = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"])["GrantId"]
    assert refused(kms_a.list_grants, KeyId=alias)[0] == "InvalidArnException"
    assert refused(kms_a.revoke_grant, KeyId=alias, GrantId=grant)[0] == "InvalidArnException"
    assert [g["GrantId"] for g in grants_of(kms_a, key["Arn"])] == [grant]
    # An unknown key is not found.
    missing = "00000000-0000-0000-0000-000000000000"
    assert refused(kms_a.create_grant, KeyId=missing, GranteePrincipal=B_ROOT, Operations=["Encrypt"])[0] == \
        "NotFoundException"
    assert refused(kms_a.list_grants, KeyId=missing)[0] == "NotFoundException"


def test_name_makes_create_grant_idempotent(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    name = grant_name()
    params = dict(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT, Name=name,
                  Operations=["Encrypt", "Decrypt"], Constraints={"EncryptionContextSubset": {"tenant": "b"}})
    first = kms_a.create_grant(**params)
    again = kms_a.create_grant(**params)
    # Same grant, a new token each time.
    assert again["GrantId"] == first["GrantId"]
    assert again["GrantToken"] != first["GrantToken"]
    assert [g["GrantId"] for g in grants_of(kms_a, key["KeyId"])] == [first["GrantId"]]
    # Without a name, identical requests make separate grants.
    unnamed = {k: v for k, v in params.items() if k != "Name"}
    twins = {kms_a.create_grant(**unnamed)["GrantId"] for _ in range(2)}
    assert len(twins) == 2 and first["GrantId"] not in twins
    # The same name with other parameters is not a retry: another grant (inferred from AWS's docs).
    different = kms_a.create_grant(**dict(params, Operations=["Encrypt"]))["GrantId"]
    assert different != first["GrantId"]
    assert len(grants_of(kms_a, key["KeyId"])) == 4
    # The tokens of one grant are interchangeable: the second one retires it.
    kms_b.retire_grant(GrantToken=again["GrantToken"])
    assert first["GrantId"] not in [g["GrantId"] for g in grants_of(kms_a, key["KeyId"])]


def test_retire_grant_by_token_and_by_key_and_grant_id(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    encrypting = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT,
                                    Operations=["Encrypt"])
    decrypting = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT,
                                    Operations=["Decrypt"])
    blob = kms_b.encrypt(KeyId=arn, Plaintext=b"before")["CiphertextBlob"]
    assert kms_b.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"

    # The retiring principal's account retires by token: Encrypt is denied again, Decrypt still allowed.
    assert refused(kms_b.retire_grant, GrantToken=encrypting["GrantToken"], DryRun=True) == DRY_RUN
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"dry run kept it")["KeyId"] == arn
    kms_b.retire_grant(GrantToken=encrypting["GrantToken"])
    assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"after")
    assert kms_b.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"

    # And by key ARN and grant id.
    kms_b.retire_grant(KeyId=arn, GrantId=decrypting["GrantId"])
    assert_denied(kms_b.decrypt, "kms:Decrypt", arn, CiphertextBlob=blob)
    assert grants_of(kms_a, key["KeyId"]) == []

    # A retired grant is gone.
    assert refused(kms_b.retire_grant, KeyId=arn, GrantId=decrypting["GrantId"])[0] == "NotFoundException"
    assert refused(kms_b.retire_grant, GrantToken="bm90IGEgZ3JhbnQgdG9rZW4")[0] == "InvalidGrantTokenException"


def test_who_may_retire_a_grant(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    # A grantee that is not the retiring principal and was not granted RetireGrant may not retire it.
    plain = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"])
    assert refused(kms_b.retire_grant, KeyId=arn, GrantId=plain["GrantId"])[0] == "AccessDeniedException"
    assert refused(kms_b.retire_grant, GrantToken=plain["GrantToken"])[0] == "AccessDeniedException"
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"still granted")["KeyId"] == arn
    # The account that created the grant may.
    kms_a.retire_grant(KeyId=arn, GrantId=plain["GrantId"])
    assert grants_of(kms_a, key["KeyId"]) == []

    # A grantee granted RetireGrant may retire its own grant.
    retirable_by_grantee = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT,
                                              Operations=["Encrypt", "RetireGrant"])["GrantId"]
    kms_b.retire_grant(KeyId=arn, GrantId=retirable_by_grantee)
    assert grants_of(kms_a, key["KeyId"]) == []

    # A retiring principal that is not the grantee may retire it too.
    for_a = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=A_ROOT, RetiringPrincipal=B_ROOT,
                               Operations=["Decrypt"])["GrantId"]
    kms_b.retire_grant(KeyId=arn, GrantId=for_a)
    assert grants_of(kms_a, key["KeyId"]) == []


def test_revoke_grant(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    grant = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"])["GrantId"]
    assert kms_b.encrypt(KeyId=arn, Plaintext=b"granted")["KeyId"] == arn

    # The grantee's account has no kms:RevokeGrant on the key.
    assert refused(kms_b.revoke_grant, KeyId=arn, GrantId=grant)[0] == "AccessDeniedException"
    assert refused(kms_a.revoke_grant, KeyId=key["KeyId"], GrantId=grant, DryRun=True) == DRY_RUN
    assert [g["GrantId"] for g in grants_of(kms_a, key["KeyId"])] == [grant]

    kms_a.revoke_grant(KeyId=key["KeyId"], GrantId=grant)
    assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"revoked")
    assert grants_of(kms_a, key["KeyId"]) == []
    assert refused(kms_a.revoke_grant, KeyId=key["KeyId"], GrantId=grant)[0] == "NotFoundException"
    # A well-formed grant id the key never had (AWS: NotFoundException).
    assert refused(kms_a.revoke_grant, KeyId=arn, GrantId="0" * 64)[0] == "NotFoundException"
    assert refused(kms_a.revoke_grant, KeyId=arn, GrantId=uuid.uuid4().hex * 2)[0] == "NotFoundException"
    # Another key's grant id is not found on this key.
    other = kms_a.create_key()["KeyMetadata"]["KeyId"]
    elsewhere = kms_a.create_grant(KeyId=other, GranteePrincipal=B_ROOT, Operations=["Encrypt"])["GrantId"]
    assert refused(kms_a.revoke_grant, KeyId=key["KeyId"], GrantId=elsewhere)[0] == "NotFoundException"
    assert [g["GrantId"] for g in grants_of(kms_a, other)] == [elsewhere]


def test_list_retirable_grants_lists_the_retiring_principals_grants(kms_a, kms_b):
    key_a = kms_a.create_key()["KeyMetadata"]
    key_b = kms_b.create_key()["KeyMetadata"]
    on_a_for_b = kms_a.create_grant(KeyId=key_a["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT,
                                    Operations=["Encrypt"], Name=grant_name())["GrantId"]
    on_a_for_a = kms_a.create_grant(KeyId=key_a["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=A_ROOT,
                                    Operations=["Decrypt"])["GrantId"]
    on_a_unretirable = kms_a.create_grant(KeyId=key_a["KeyId"], GranteePrincipal=B_ROOT,
                                          Operations=["Decrypt"])["GrantId"]
    on_b_for_b = kms_b.create_grant(KeyId=key_b["KeyId"], GranteePrincipal=A_ROOT, RetiringPrincipal=B_ROOT,
                                    Operations=["Encrypt", "Decrypt"])["GrantId"]

    # Called from account B, for B's root: grants on A's key and on B's own key.
    listed = retirable(kms_b, B_ROOT)
    assert on_a_for_b in listed and on_b_for_b in listed
    assert on_a_for_a not in listed and on_a_unretirable not in listed
    entry = listed[on_a_for_b]
    assert entry["KeyId"] == key_a["Arn"] and entry["IssuingAccount"] == A_ROOT
    assert entry["GranteePrincipal"] == B_ROOT and entry["RetiringPrincipal"] == B_ROOT
    assert entry["Operations"] == ["Encrypt"] and entry["Name"]
    assert listed[on_b_for_b]["KeyId"] == key_b["Arn"] and listed[on_b_for_b]["IssuingAccount"] == B_ROOT

    # Paging.
    page = kms_b.list_retirable_grants(RetiringPrincipal=B_ROOT, Limit=1)
    assert len(page["Grants"]) == 1 and page["Truncated"] is True and page["NextMarker"]
    rest = kms_b.list_retirable_grants(RetiringPrincipal=B_ROOT, Limit=1, Marker=page["NextMarker"])
    assert rest["Grants"] and rest["Grants"][0]["GrantId"] != page["Grants"][0]["GrantId"]

    # Account A's retiring principal sees its own.
    mine = retirable(kms_a, A_ROOT)
    assert on_a_for_a in mine and on_a_for_b not in mine and on_b_for_b not in mine

    # What B may retire, it can: after retiring, the grant is no longer listed.
    kms_b.retire_grant(KeyId=key_a["Arn"], GrantId=on_a_for_b)
    assert on_a_for_b not in retirable(kms_b, B_ROOT)


def test_sign_and_verify_grant_on_an_rsa_signing_key(kms_a, kms_b):
    key = kms_a.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    arn = key["Arn"]
    message = b"release 1.2.3"
    assert_denied(kms_b.sign, "kms:Sign", arn, KeyId=arn, Message=message, SigningAlgorithm="RSASSA_PSS_SHA_256")

    kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Sign", "Verify"])
    signed = kms_b.sign(KeyId=arn, Message=message, SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert signed["KeyId"] == arn and signed["SigningAlgorithm"] == "RSASSA_PSS_SHA_256"
    assert kms_b.verify(KeyId=arn, Message=message, Signature=signed["Signature"],
                        SigningAlgorithm="RSASSA_PSS_SHA_256")["SignatureValid"] is True
    assert kms_a.verify(KeyId=key["KeyId"], Message=message, Signature=signed["Signature"],
                        SigningAlgorithm="RSASSA_PSS_SHA_256")["SignatureValid"] is True
    # GetPublicKey was not granted.
    assert_denied(kms_b.get_public_key, "kms:GetPublicKey", arn, KeyId=arn)


def test_grant_operations_the_key_cannot_do_are_refused(kms_a):
    symmetric = kms_a.create_key()["KeyMetadata"]["KeyId"]
    signing = kms_a.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    rsa_encryption = kms_a.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    hmac = kms_a.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    wrong = {
        symmetric: [["Sign"], ["Verify"], ["Encrypt", "Sign"], ["GenerateMac"], ["VerifyMac"], ["DeriveSharedSecret"]],
        signing: [["Encrypt"], ["Decrypt"], ["GenerateDataKey"], ["GenerateDataKeyPair"], ["GenerateMac"]],
        rsa_encryption: [["Sign"], ["Verify"], ["GenerateDataKey"], ["GenerateDataKeyWithoutPlaintext"]],
        hmac: [["Encrypt"], ["Sign"], ["GenerateDataKey"], ["GetPublicKey"]],
    }
    for key, operation_lists in wrong.items():
        for operations in operation_lists:
            code, message = refused(kms_a.create_grant, KeyId=key, GranteePrincipal=B_ROOT, Operations=operations)
            assert code == "ValidationException", (key, operations, code, message)
        assert grants_of(kms_a, key) == []

    # What each key can do, and DescribeKey, CreateGrant and RetireGrant, may be granted.
    right = {
        symmetric: ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                    "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
                    "DescribeKey", "CreateGrant", "RetireGrant"],
        signing: ["Sign", "Verify", "GetPublicKey", "DescribeKey"],
        rsa_encryption: ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey", "DescribeKey"],
        hmac: ["GenerateMac", "VerifyMac", "DescribeKey", "RetireGrant"],
    }
    for key, operations in right.items():
        grant = kms_a.create_grant(KeyId=key, GranteePrincipal=B_ROOT, Operations=operations)["GrantId"]
        assert sorted(grants_of(kms_a, key, GrantId=grant)[0]["Operations"]) == sorted(operations)

    # A grant of CreateGrant alone.
    assert refused(kms_a.create_grant, KeyId=symmetric, GranteePrincipal=B_ROOT, Operations=["CreateGrant"]) == (
        "ValidationException", "Grants must not contain only the CreateGrant operation.")
    # Encryption context constraints on keys whose operations take no encryption context.
    for key, operations in ((signing, ["Sign"]), (hmac, ["GenerateMac"])):
        code, message = refused(kms_a.create_grant, KeyId=key, GranteePrincipal=B_ROOT, Operations=operations,
                                Constraints={"EncryptionContextSubset": {"a": "1"}})
        assert code == "ValidationException", (operations, code, message)


def test_grantee_principal_must_be_a_principal(server, kms_a):
    key = kms_a.create_key()["KeyMetadata"]["KeyId"]
    for principal in ("not-an-arn", "arn:aws:s3:::bucket"):
        code, message = refused(kms_a.create_grant, KeyId=key, GranteePrincipal=principal, Operations=["Encrypt"])
        assert code == "InvalidArnException", (principal, code, message)
    raw = server.client(KEYS["a_admin"], service="kms", validate=False)
    code, message = refused(raw.create_grant, KeyId=key, GranteePrincipal="has space", Operations=["Encrypt"])
    assert code == "ValidationException" and "granteePrincipal" in message, message
    code, message = refused(raw.create_grant, KeyId=key, GranteePrincipal=B_ROOT, Operations=["Encrypt"],
                            Name="no spaces allowed")
    assert code == "ValidationException" and "name" in message, message
    # A service principal is a grantee AWS accepts.
    grant = kms_a.create_grant(KeyId=key, GranteePrincipal="logs.us-east-1.amazonaws.com",
                               Operations=["Encrypt"])["GrantId"]
    assert grants_of(kms_a, key, GrantId=grant)[0]["GranteePrincipal"] == "logs.us-east-1.amazonaws.com"
    assert [g["GrantId"] for g in grants_of(kms_a, key)] == [grant]


def test_dry_run_creates_no_grant(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    assert refused(kms_a.create_grant, KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"],
                   Name=grant_name(), DryRun=True) == DRY_RUN
    assert grants_of(kms_a, key["KeyId"]) == []
    assert_denied(kms_b.encrypt, "kms:Encrypt", arn, KeyId=arn, Plaintext=b"nothing granted")
    # A request that would fail fails as it would without DryRun.
    assert refused(kms_a.create_grant, KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Sign"],
                   DryRun=True)[0] == "ValidationException"


def test_key_state_and_grants(kms_a, kms_b):
    key = kms_a.create_key()["KeyMetadata"]
    arn = key["Arn"]
    grant = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"])["GrantId"]
    kms_a.disable_key(KeyId=key["KeyId"])
    # AWS's key-state table: CreateGrant on a disabled key fails; listing, retiring and revoking work in any state.
    assert refused(kms_a.create_grant, KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"]) == (
        "DisabledException", f"{arn} is disabled.")
    assert [g["GrantId"] for g in grants_of(kms_a, key["KeyId"])] == [grant]
    assert refused(kms_b.encrypt, KeyId=arn, Plaintext=b"x")[0] == "DisabledException"
    kms_a.revoke_grant(KeyId=key["KeyId"], GrantId=grant)
    assert grants_of(kms_a, key["KeyId"]) == []

    kms_a.enable_key(KeyId=key["KeyId"])
    kept = kms_a.create_grant(KeyId=key["KeyId"], GranteePrincipal=B_ROOT, RetiringPrincipal=B_ROOT,
                              Operations=["Encrypt"])["GrantId"]
    kms_a.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    code, message = refused(kms_a.create_grant, KeyId=key["KeyId"], GranteePrincipal=B_ROOT, Operations=["Encrypt"])
    assert code in ("KMSInvalidStateException", "DisabledException") and message == f"{arn} is pending deletion."
    assert [g["GrantId"] for g in grants_of(kms_a, key["KeyId"])] == [kept]
    kms_b.retire_grant(KeyId=arn, GrantId=kept)
    assert grants_of(kms_a, key["KeyId"]) == []


def test_create_grant_with_the_aws_cli(server, tmp_path):
    a, b = KEYS["a_admin"], KEYS["b_admin"]
    key = json.loads(server.aws(a, "kms", "create-key", "--description", "cli grants", "--output", "json").stdout)
    arn = key["KeyMetadata"]["Arn"]
    name = grant_name()
    created = json.loads(server.aws(
        a, "kms", "create-grant", "--key-id", arn, "--grantee-principal", B_ROOT, "--retiring-principal", B_ROOT,
        "--operations", "Encrypt", "Decrypt", "--name", name, "--constraints", "EncryptionContextSubset={team=b}",
        "--output", "json").stdout)
    assert GRANT_ID.fullmatch(created["GrantId"]) and created["GrantToken"]

    listed = json.loads(server.aws(a, "kms", "list-grants", "--key-id", arn, "--output", "json").stdout)["Grants"]
    assert [g["GrantId"] for g in listed] == [created["GrantId"]]
    assert listed[0]["Name"] == name and listed[0]["IssuingAccount"] == A_ROOT
    assert listed[0]["Constraints"] == {"EncryptionContextSubset": {"team": "b"}}
    assert sorted(listed[0]["Operations"]) == ["Decrypt", "Encrypt"]

    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"b through a grant, from the cli")
    out = json.loads(server.aws(b, "kms", "encrypt", "--key-id", arn, "--plaintext", f"fileb://{plain}",
                                "--encryption-context", "team=b,extra=1", "--output", "json").stdout)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(out["CiphertextBlob"]))
    back = json.loads(server.aws(b, "kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                                 "--encryption-context", "team=b,extra=1", "--output", "json").stdout)
    assert base64.b64decode(back["Plaintext"]) == b"b through a grant, from the cli"
    denied = server.aws(b, "kms", "encrypt", "--key-id", arn, "--plaintext", f"fileb://{plain}", check=False)
    assert denied.returncode != 0 and "AccessDeniedException" in denied.stderr

    retirable_by_b = json.loads(server.aws(b, "kms", "list-retirable-grants", "--retiring-principal", B_ROOT,
                                           "--output", "json").stdout)["Grants"]
    assert created["GrantId"] in [g["GrantId"] for g in retirable_by_b]
    server.aws(b, "kms", "retire-grant", "--grant-token", created["GrantToken"])
    assert json.loads(server.aws(a, "kms", "list-grants", "--key-id", arn, "--output", "json").stdout)["Grants"] == []
    again = server.aws(a, "kms", "revoke-grant", "--key-id", arn, "--grant-id", created["GrantId"], check=False)
    assert again.returncode != 0 and "NotFoundException" in again.stderr
