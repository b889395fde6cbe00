"""AWS KMS's exact answers to invalid requests, and the response fields it documents.

Sources and the verified/guess label of every case are in /work/notes/kms-exactness.md. Where AWS's message was
found ("verified") a test asserts the exception type and the exact message; where only the type could be inferred
("guess") it asserts the type alone. All requests go through a client without botocore's own parameter validation,
so Cairn's server-side validation answers."""

import os

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS

REGION = "us-east-1"


@pytest.fixture
def kms(server):
    """Account A's admin KMS client without client-side validation."""
    return server.client(KEYS["a_admin"], service="kms", validate=False)


def refusal(call):
    with pytest.raises(ClientError) as excinfo:
        call()
    error = excinfo.value.response["Error"]
    return error["Code"], error.get("Message", "")


def unique(prefix):
    return f"{prefix}-{os.urandom(4).hex()}"


def tags(*pairs):
    return [{"TagKey": key, "TagValue": value} for key, value in pairs]


def length_message(value, where, limit):
    return (f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}")


# --- Tags --------------------------------------------------------------------------------------------------------

def create_with_tags(kms, key_id, tag_list):
    return kms.create_key(Tags=tag_list)


def tag_existing(kms, key_id, tag_list):
    return kms.tag_resource(KeyId=key_id, Tags=tag_list)


FIFTY_ONE = tags(*[(f"key{i}", f"value{i}") for i in range(51)])


@pytest.mark.parametrize("operation, tag_list, expected", [
    (create_with_tags, tags(("aws:key1", "value1")), ("TagException", "Tags beginning with aws: are reserved")),
    (create_with_tags, tags(("AWS:key1", "value1")), ("TagException", "Tags beginning with aws: are reserved")),
    (tag_existing, tags(("aws:key1", "value1")), ("TagException", "Tags beginning with aws: are reserved")),
    (create_with_tags, tags(("a" * 129, "value1")),
     ("ValidationException", length_message("a" * 129, "tags.1.member.tagKey", 128))),
    (create_with_tags, tags(("tag1", "v" * 257)),
     ("ValidationException", length_message("v" * 257, "tags.1.member.tagValue", 256))),
    (tag_existing, tags(("tag1", "value1"), ("tag1", "another-value1")), ("TagException", "Duplicate tag keys")),
    (create_with_tags, FIFTY_ONE, ("TagException", "Too many tags")),
], ids=["create-aws-prefix", "create-AWS-prefix", "tag-aws-prefix", "create-key-129", "create-value-257",
        "tag-duplicate-keys", "create-51-tags"])
def test_tag_refusals_verified(kms, operation, tag_list, expected):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: operation(kms, key_id, tag_list)) == expected
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []


@pytest.mark.parametrize("operation, tag_list, code", [
    (tag_existing, tags(("", "value1")), "ValidationException"),
    (create_with_tags, tags(("", "value1")), "ValidationException"),
    (tag_existing, tags(("a" * 129, "value1")), "ValidationException"),
    (tag_existing, tags(("tag1", "v" * 257)), "ValidationException"),
    (create_with_tags, tags(("tag1", "value1"), ("tag1", "another-value1")), "TagException"),
], ids=["tag-empty-key", "create-empty-key", "tag-key-129", "tag-value-257", "create-duplicate-keys"])
def test_tag_refusals_guessed(kms, operation, tag_list, code):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: operation(kms, key_id, tag_list))[0] == code
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []


def test_more_than_fifty_tags_on_an_existing_key_are_refused(kms):
    """AWS's type here is unknown (TagException or LimitExceededException): only the refusal is asserted."""
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError):
        kms.tag_resource(KeyId=key_id, Tags=FIFTY_ONE)
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []


# --- Key identifiers ---------------------------------------------------------------------------------------------

UNKNOWN_UUID = "134f2428-cec1-4b25-a1ae-9048164dba47"


def describe(kms, key_id):
    return kms.describe_key(KeyId=key_id)


def encrypt(kms, key_id):
    return kms.encrypt(KeyId=key_id, Plaintext=b"x")


@pytest.mark.parametrize("operation, reference, expected", [
    (describe, lambda arn: "not-a-key", ("NotFoundException", "Invalid keyId 'not-a-key'")),
    (encrypt, lambda arn: "not-a-key", ("NotFoundException", "Invalid keyId 'not-a-key'")),
    (describe, lambda arn: arn.replace(f":{REGION}:", ":eu-west-1:"), ("NotFoundException", "Invalid arn eu-west-1")),
    (describe, lambda arn: UNKNOWN_UUID,
     ("NotFoundException", f"Key 'arn:aws:kms:{REGION}:{ACCOUNT_A}:key/{UNKNOWN_UUID}' does not exist")),
    (encrypt, lambda arn: UNKNOWN_UUID,
     ("NotFoundException", f"Key 'arn:aws:kms:{REGION}:{ACCOUNT_A}:key/{UNKNOWN_UUID}' does not exist")),
    (describe, lambda arn: arn.rsplit("/", 1)[0] + "/" + UNKNOWN_UUID,
     ("NotFoundException", f"Key 'arn:aws:kms:{REGION}:{ACCOUNT_A}:key/{UNKNOWN_UUID}' does not exist")),
    (describe, lambda arn: "alias/e2e-exact-missing",
     ("NotFoundException", f"Alias arn:aws:kms:{REGION}:{ACCOUNT_A}:alias/e2e-exact-missing is not found.")),
], ids=["describe-not-a-key", "encrypt-not-a-key", "describe-arn-other-region", "describe-unknown-uuid",
        "encrypt-unknown-uuid", "describe-unknown-arn", "describe-missing-alias"])
def test_key_reference_refusals_verified(kms, operation, reference, expected):
    arn = kms.create_key()["KeyMetadata"]["Arn"]
    assert refusal(lambda: operation(kms, reference(arn))) == expected


@pytest.mark.parametrize("operation", [describe, encrypt], ids=["describe", "encrypt"])
def test_key_arn_with_a_bad_id_guessed(kms, operation):
    assert refusal(lambda: operation(kms, "arn:aws:kms:us-east-1:111122223333:key/bad"))[0] == "NotFoundException"


# --- Aliases -----------------------------------------------------------------------------------------------------

def test_alias_without_prefix_verified(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: kms.create_alias(AliasName=unique("no-prefix"), TargetKeyId=key_id)) == (
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    )


def test_alias_that_exists_verified(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    name = unique("alias/e2e-exact")
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    assert refusal(lambda: kms.create_alias(AliasName=name, TargetKeyId=key_id)) == (
        "AlreadyExistsException", f"An alias with the name arn:aws:kms:{REGION}:{ACCOUNT_A}:{name} already exists")


def test_delete_of_a_missing_alias_verified(kms):
    name = unique("alias/e2e-exact-gone")
    assert refusal(lambda: kms.delete_alias(AliasName=name)) == (
        "NotFoundException", f"Alias arn:aws:kms:{REGION}:{ACCOUNT_A}:{name} is not found.")


@pytest.mark.parametrize("operation, code", [
    (lambda kms, key_id: kms.create_alias(AliasName=unique("alias/aws/x"), TargetKeyId=key_id),
     "NotAuthorizedException"),
    (lambda kms, key_id: kms.delete_alias(AliasName=unique("no-prefix")), "ValidationException"),
], ids=["create-reserved-aws-prefix", "delete-without-prefix"])
def test_alias_refusals_guessed(kms, operation, code):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: operation(kms, key_id))[0] == code


@pytest.mark.parametrize("spec, usage", [
    ("ECC_NIST_P256", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC"), ("RSA_2048", "ENCRYPT_DECRYPT"),
], ids=["to-signing-key", "to-hmac-key", "to-asymmetric-encryption-key"])
def test_update_alias_to_a_key_of_another_type_or_usage_is_refused(kms, spec, usage):
    """UpdateAlias: "The current and new KMS key must be the same type (both symmetric or both asymmetric or both
    HMAC), and they must have the same key usage." AWS's exception type is not documented: only the refusal is
    asserted."""
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    other = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]
    name = unique("alias/e2e-exact-update")
    kms.create_alias(AliasName=name, TargetKeyId=first)
    with pytest.raises(ClientError):
        kms.update_alias(AliasName=name, TargetKeyId=other)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == first


# --- Sizes, ranges and other values ------------------------------------------------------------------------------

@pytest.mark.parametrize("operation, expected", [
    (lambda kms, key_id: kms.encrypt(KeyId=key_id, Plaintext=b""),
     ("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                             "Member must have length greater than or equal to 1")),
    (lambda kms, key_id: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097),
     ("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                             "Member must have length less than or equal to 4096")),
    (lambda kms, key_id: kms.decrypt(CiphertextBlob=b"garbage blob that is not kms"),
     ("InvalidCiphertextException", "")),
    (lambda kms, key_id: kms.generate_random(NumberOfBytes=0),
     ("ValidationException", "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
                             "constraint: Member must have value greater than or equal to 1")),
    (lambda kms, key_id: kms.generate_random(NumberOfBytes=1025),
     ("ValidationException", "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                             "constraint: Member must have value less than or equal to 1024")),
    (lambda kms, key_id: kms.generate_random(), ("ValidationException", "NumberOfBytes is required.")),
    (lambda kms, key_id: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=6),
     ("ValidationException", "PendingWindowInDays must be between 7 and 30")),
    (lambda kms, key_id: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=31),
     ("ValidationException", "PendingWindowInDays must be between 7 and 30")),
], ids=["encrypt-0-bytes", "encrypt-4097-bytes", "decrypt-garbage", "random-0", "random-1025", "random-missing",
        "pending-window-6", "pending-window-31"])
def test_value_refusals_verified(kms, operation, expected):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: operation(kms, key_id)) == expected
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.parametrize("operation, code", [
    (lambda kms, key_id: kms.decrypt(CiphertextBlob=b""), "ValidationException"),
    (lambda kms, key_id: kms.decrypt(CiphertextBlob=b"x" * 6145), "ValidationException"),
    (lambda kms, key_id: kms.generate_data_key(KeyId=key_id, NumberOfBytes=0), "ValidationException"),
    (lambda kms, key_id: kms.generate_data_key(KeyId=key_id, NumberOfBytes=1025), "ValidationException"),
    (lambda kms, key_id: kms.generate_data_key(KeyId=key_id, NumberOfBytes=32, KeySpec="AES_256"),
     "ValidationException"),
    (lambda kms, key_id: kms.generate_data_key(KeyId=key_id), "ValidationException"),
    (lambda kms, key_id: kms.generate_data_key_without_plaintext(KeyId=key_id), "ValidationException"),
    (lambda kms, key_id: kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=89), "ValidationException"),
    (lambda kms, key_id: kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=2561), "ValidationException"),
    (lambda kms, key_id: kms.create_key(Description="d" * 8193), "ValidationException"),
    (lambda kms, key_id: kms.update_key_description(KeyId=key_id, Description="d" * 8193), "ValidationException"),
    (lambda kms, key_id: kms.create_key(Policy="{not json"), "MalformedPolicyDocumentException"),
    (lambda kms, key_id: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="{not json"),
     "MalformedPolicyDocumentException"),
    (lambda kms, key_id: kms.list_keys(Limit=0), "ValidationException"),
    (lambda kms, key_id: kms.list_keys(Limit=1001), "ValidationException"),
    (lambda kms, key_id: kms.list_keys(Marker="not-a-marker"), "InvalidMarkerException"),
], ids=["decrypt-0-bytes", "decrypt-6145-bytes", "data-key-0-bytes", "data-key-1025-bytes",
        "data-key-spec-and-bytes", "data-key-neither", "data-key-without-plaintext-neither", "rotation-89",
        "rotation-2561", "create-description-8193", "update-description-8193", "create-policy-not-json",
        "put-policy-not-json", "list-keys-limit-0", "list-keys-limit-1001", "list-keys-bad-marker"])
def test_value_refusals_guessed(kms, operation, code):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refusal(lambda: operation(kms, key_id))[0] == code


# --- Response fields (botocore's current model; presence conditions from its documentation) ----------------------

def test_response_fields_of_a_symmetric_key(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert {"AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled", "Description", "KeyUsage", "KeyState",
            "Origin", "KeyManager", "CustomerMasterKeySpec", "KeySpec", "EncryptionAlgorithms", "MultiRegion",
            "CurrentKeyMaterialId"} <= set(meta)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"} <= set(blob)
    assert {"KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"} <= set(
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"]))
    assert {"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"} <= set(
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"))
    assert {"CiphertextBlob", "SourceKeyId", "KeyId", "SourceEncryptionAlgorithm", "DestinationEncryptionAlgorithm",
            "SourceKeyMaterialId", "DestinationKeyMaterialId"} <= set(
        kms.re_encrypt(CiphertextBlob=blob["CiphertextBlob"], DestinationKeyId=key_id))
    kms.enable_key_rotation(KeyId=key_id)
    assert {"KeyRotationEnabled", "KeyId", "RotationPeriodInDays", "NextRotationDate"} <= set(
        kms.get_key_rotation_status(KeyId=key_id))
    kms.rotate_key_on_demand(KeyId=key_id)
    rotations = kms.list_key_rotations(KeyId=key_id)
    assert {"Rotations", "Truncated"} <= set(rotations)
    assert {"KeyId", "KeyMaterialId", "KeyMaterialState", "RotationDate", "RotationType"} <= set(
        rotations["Rotations"][0])


def test_single_region_key_pending_deletion_has_no_pending_deletion_window(kms):
    """KeyMetadata.PendingDeletionWindowInDays "is present only when the KeyState of the KMS key is
    PendingReplicaDeletion"; a single-Region key scheduled for deletion shows DeletionDate instead."""
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and "DeletionDate" in meta
    assert "PendingDeletionWindowInDays" not in meta
