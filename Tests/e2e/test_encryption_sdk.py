"""The AWS Encryption SDK for Python uses Cairn as its KMS, by endpoint alone."""

import os

import boto3
import pytest

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


def test_encryption_sdk_rsa_keyring_over_cairns_public_key(server):
    """The AWS KMS RSA keyring (AWS Cryptographic Material Providers, with the Encryption SDK): encryption wraps the
    data key locally under the public key GetPublicKey returned; decryption asks Cairn's KMS to unwrap it with
    RSAES_OAEP_SHA_256. A keyring given another key's public half cannot decrypt what Cairn's key did not wrap."""
    import aws_encryption_sdk
    from aws_cryptographic_material_providers.mpl import AwsCryptographicMaterialProviders
    from aws_cryptographic_material_providers.mpl.config import MaterialProvidersConfig
    from aws_cryptographic_material_providers.mpl.models import CreateAwsKmsRsaKeyringInput
    from aws_encryption_sdk import CommitmentPolicy
    from aws_encryption_sdk.identifiers import AlgorithmSuite
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    kms = server.client(KEYS["a_admin"], service="kms")
    key_arn = kms.create_key(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    der = kms.get_public_key(KeyId=key_arn)["PublicKey"]
    public_pem = serialization.load_der_public_key(der).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    providers = AwsCryptographicMaterialProviders(config=MaterialProvidersConfig())

    def keyring(pem):
        return providers.create_aws_kms_rsa_keyring(input=CreateAwsKmsRsaKeyringInput(
            public_key=pem, kms_key_id=key_arn, encryption_algorithm="RSAES_OAEP_SHA_256", kms_client=kms))

    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    message = os.urandom(2048) + b"sealed under an RSA key that only Cairn holds the private half of"
    ciphertext, header = client.encrypt(
        source=message, keyring=keyring(public_pem), encryption_context={"app": "rsa"},
        algorithm=AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
    assert message not in ciphertext
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [key_arn]

    plaintext, decrypted_header = client.decrypt(source=ciphertext, keyring=keyring(public_pem))
    assert plaintext == message
    assert decrypted_header.encryption_context["app"] == "rsa"

    # A message whose data key was wrapped under a stranger's public key names Cairn's key, but Cairn's private key
    # cannot unwrap it: the decryption fails.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=3072).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    foreign, _ = client.encrypt(source=b"not for Cairn", keyring=keyring(stranger),
                                algorithm=AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
    with pytest.raises(Exception):
        client.decrypt(source=foreign, keyring=keyring(public_pem))
