"""The AWS Encryption SDK for Python uses Cairn as its KMS, by endpoint alone."""

import os

import boto3

from conftest import KEYS


def test_encryption_sdk_round_trip(server, monkeypatch):
    import aws_encryption_sdk
    from aws_encryption_sdk import CommitmentPolicy

    key = KEYS["a_admin"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key.secret)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    kms = server.client(key, service="kms")
    key_arn = kms.create_key(Description="encryption sdk")["KeyMetadata"]["Arn"]

    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(
        key_ids=[key_arn], botocore_session=boto3.Session()._session
    )
    message = os.urandom(4096) + b"a message sealed through Cairn's KMS"
    ciphertext, header = client.encrypt(source=message, key_provider=provider, encryption_context={"app": "e2e"})
    assert message not in ciphertext
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [key_arn]
    plaintext, decrypted_header = client.decrypt(source=ciphertext, key_provider=provider)
    assert plaintext == message
    assert decrypted_header.encryption_context["app"] == "e2e"
