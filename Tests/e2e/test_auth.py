"""SigV4 and roles: who may do what, and AWS's errors for everyone else."""

import datetime

import pytest
from botocore.exceptions import ClientError

import sigv4
from conftest import KEYS, Key


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_reader_cannot_create_but_can_describe(server, logs_a, name):
    reader = server.client(KEYS["a_reader"])
    with pytest.raises(ClientError) as excinfo:
        reader.create_log_group(logGroupName=name)
    code, message = code_of(excinfo)
    assert code == "AccessDeniedException"
    assert "logs:CreateLogGroup" in message
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    logs_a.create_log_group(logGroupName=name)
    assert [g["logGroupName"] for g in reader.describe_log_groups(logGroupNamePrefix=name)["logGroups"]] == [name]
    with pytest.raises(ClientError) as excinfo:
        reader.delete_log_group(logGroupName=name)
    assert code_of(excinfo)[0] == "AccessDeniedException"


def test_writer_creates_but_cannot_delete_or_tag(server, logs_a, name):
    writer = server.client(KEYS["a_writer"])
    writer.create_log_group(logGroupName=name)
    writer.create_log_stream(logGroupName=name, logStreamName="s")
    for call in (
        lambda: writer.delete_log_group(logGroupName=name),
        lambda: writer.put_retention_policy(logGroupName=name, retentionInDays=1),
        lambda: writer.tag_log_group(logGroupName=name, tags={"a": "b"}),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code_of(excinfo)[0] == "AccessDeniedException"
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert "retentionInDays" not in group


def test_wrong_secret_is_refused(server, name):
    client = server.client(KEYS["a_admin"], secret="not-the-right-secret-000000")
    with pytest.raises(ClientError) as excinfo:
        client.create_log_group(logGroupName=name)
    code, message = code_of(excinfo)
    assert code == "InvalidSignatureException"
    assert message.startswith("The request signature we calculated does not match the signature you provided.")
    assert server.client(KEYS["a_admin"]).describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []


def test_unknown_key_is_refused(server):
    stranger = Key("111111111111", "AKIAUNKNOWN000000000", "whatever-secret-00000000000", "admin")
    with pytest.raises(ClientError) as excinfo:
        server.client(stranger).describe_log_groups()
    assert code_of(excinfo) == ("UnrecognizedClientException", "The security token included in the request is invalid.")


def test_aws_cli_with_wrong_secret_fails(server):
    bad = Key("111111111111", KEYS["a_admin"].access_key_id, "wrong-secret-000000000000000", "admin")
    result = server.aws(bad, "logs", "describe-log-groups", check=False)
    assert result.returncode != 0
    assert "InvalidSignatureException" in result.stderr


def test_missing_and_malformed_authorization(server):
    body = b"{}"
    status, headers, reply = sigv4.post(
        server.endpoint, {"content-type": "application/x-amz-json-1.1", "x-amz-target": "Logs_20140328.DescribeLogGroups"}, body
    )
    assert reply["__type"] == "MissingAuthenticationTokenException"
    assert "x-amzn-RequestId" in headers
    status, _, reply = sigv4.post(
        server.endpoint,
        {
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": "Logs_20140328.DescribeLogGroups",
            "authorization": "AWS4-HMAC-SHA256 Credential=AKIAE2EAADMIN0000001/20240101/us-east-1/logs/aws4_request",
        },
        body,
    )
    assert status == 400 and reply["__type"] == "IncompleteSignatureException"


def test_clock_skew_over_15_minutes_is_refused(server):
    key = KEYS["a_admin"]
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, _, reply = sigv4.call(server.endpoint, key, "Logs_20140328.DescribeLogGroups", b"{}", when=old)
    assert status == 400
    assert reply["__type"] == "InvalidSignatureException"
    assert reply["message"].startswith("Signature expired:")
    recent = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    status, _, reply = sigv4.call(server.endpoint, key, "Logs_20140328.DescribeLogGroups", b"{}", when=recent)
    assert status == 200 and "logGroups" in reply


def test_wrong_service_in_scope_is_refused(server):
    status, _, reply = sigv4.call(
        server.endpoint, KEYS["a_admin"], "Logs_20140328.DescribeLogGroups", b"{}", service="s3"
    )
    assert status == 400 and reply["__type"] == "InvalidSignatureException"


def test_tampered_body_is_refused(server, name):
    key = KEYS["a_admin"]
    body = ('{"logGroupName": "%s"}' % name).encode()
    headers = sigv4.signed_headers(server.endpoint, key.access_key_id, key.secret, body, "Logs_20140328.CreateLogGroup")
    status, _, reply = sigv4.post(server.endpoint, headers, body.replace(b"/e2e", b"/e2X"))
    assert status == 400 and reply["__type"] == "InvalidSignatureException"


def test_revoked_key_stops_working(server):
    key = Key("111111111111", "AKIAE2EREVOKE0000001", "secret-to-be-revoked-000000001", "admin")
    server.admin("key", "import", "--account", key.account, "--access-key-id", key.access_key_id, "--secret", key.secret)
    server.client(key).describe_log_groups(limit=1)
    server.admin("key", "revoke", "--access-key-id", key.access_key_id)
    with pytest.raises(ClientError) as excinfo:
        server.client(key).describe_log_groups(limit=1)
    assert code_of(excinfo)[0] == "UnrecognizedClientException"
