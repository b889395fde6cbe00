"""Every invalid input gets AWS's exception and message, and changes nothing."""

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A

GROUP = "/e2e/validation/base"


@pytest.fixture(scope="module", autouse=True)
def base_group(server):
    client = server.client(__import__("conftest").KEYS["a_admin"])
    client.create_log_group(logGroupName=GROUP)
    client.create_log_stream(logGroupName=GROUP, logStreamName="s")
    yield


def snapshot(client):
    groups = client.describe_log_groups(logGroupNamePrefix="/e2e/validation")["logGroups"]
    streams = client.describe_log_streams(logGroupName=GROUP)["logStreams"]
    tags = client.list_tags_log_group(logGroupName=GROUP)["tags"]
    return groups, streams, tags


def v(value, member, constraint):
    shown = "null" if value is None else f"'{value}'"
    return f"{shown} at '{member}' failed to satisfy constraint: {constraint}"


LONG = "a" * 513
CASES = [
    ("create_log_group", {"logGroupName": ""}, "InvalidParameterException",
     "2 validation errors detected: Value " + v("", "logGroupName", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
     + "; Value " + v("", "logGroupName", "Member must have length greater than or equal to 1")),
    ("create_log_group", {"logGroupName": "/e2e/validation/" + LONG}, "InvalidParameterException",
     "1 validation error detected: Value " + v("/e2e/validation/" + LONG, "logGroupName", "Member must have length less than or equal to 512")),
    ("create_log_group", {"logGroupName": "/e2e/validation/has space"}, "InvalidParameterException",
     "1 validation error detected: Value " + v("/e2e/validation/has space", "logGroupName", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")),
    ("create_log_group", {}, "InvalidParameterException",
     "1 validation error detected: Value " + v(None, "logGroupName", "Member must not be null")),
    ("create_log_group", {"logGroupName": "aws/reserved"}, "InvalidParameterException",
     "Log groups starting with AWS/ are reserved for AWS."),
    ("create_log_group", {"logGroupName": "/e2e/validation/c", "logGroupClass": "CHEAP"}, "InvalidParameterException",
     "1 validation error detected: Value " + v("CHEAP", "logGroupClass", "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")),
    ("create_log_group", {"logGroupName": "/e2e/validation/t", "tags": {f"k{i}": "v" for i in range(51)}}, "InvalidParameterException", None),
    ("create_log_group", {"logGroupName": "/e2e/validation/t", "tags": {"bad;key": "v"}}, "InvalidParameterException", None),
    ("create_log_group", {"logGroupName": "/e2e/validation/t", "tags": {"k": "v" * 257}}, "InvalidParameterException", None),
    ("describe_log_groups", {"limit": 0}, "InvalidParameterException",
     "1 validation error detected: Value " + v("0", "limit", "Member must have value greater than or equal to 1")),
    ("describe_log_groups", {"limit": 51}, "InvalidParameterException",
     "1 validation error detected: Value " + v("51", "limit", "Member must have value less than or equal to 50")),
    ("describe_log_groups", {"logGroupNamePrefix": "/a", "logGroupNamePattern": "a"}, "InvalidParameterException", None),
    ("describe_log_groups", {"nextToken": "garbage"}, "InvalidParameterException", "The specified nextToken is invalid."),
    ("create_log_stream", {"logGroupName": GROUP, "logStreamName": "a:b"}, "InvalidParameterException",
     "1 validation error detected: Value " + v("a:b", "logStreamName", "Member must satisfy regular expression pattern: [^:*]*")),
    ("create_log_stream", {"logGroupName": GROUP, "logStreamName": "x" * 513}, "InvalidParameterException", None),
    ("create_log_stream", {"logGroupName": GROUP}, "InvalidParameterException",
     "1 validation error detected: Value " + v(None, "logStreamName", "Member must not be null")),
    ("describe_log_streams", {"logGroupName": GROUP, "orderBy": "LastEventTime", "logStreamNamePrefix": "s"},
     "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix."),
    ("describe_log_streams", {"logGroupName": GROUP, "orderBy": "Size"}, "InvalidParameterException", None),
    ("describe_log_streams", {}, "InvalidParameterException", None),
    ("describe_log_streams", {"logGroupName": GROUP, "logGroupIdentifier": GROUP}, "InvalidParameterException", None),
    ("describe_log_streams", {"logGroupName": GROUP, "limit": 51}, "InvalidParameterException", None),
    ("put_retention_policy", {"logGroupName": GROUP, "retentionInDays": 2}, "InvalidParameterException",
     "1 validation error detected: Value " + v("2", "retentionInDays", "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")),
    ("put_retention_policy", {"logGroupName": GROUP}, "InvalidParameterException", None),
    ("tag_log_group", {"logGroupName": GROUP, "tags": {}}, "InvalidParameterException", None),
    ("tag_resource", {"resourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{GROUP}", "tags": {"aws:x": "1"}},
     "InvalidParameterException", None),
    ("tag_resource", {"resourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:/e2e/validation/missing", "tags": {"a": "1"}},
     "ResourceNotFoundException", None),
    ("untag_resource", {"resourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{GROUP}", "tagKeys": ["x" * 129]},
     "InvalidParameterException", None),
    ("delete_log_stream", {"logGroupName": GROUP, "logStreamName": "missing"}, "ResourceNotFoundException",
     "The specified log stream does not exist."),
]


@pytest.mark.parametrize("operation,params,code,message", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_invalid_input(logs_a_raw, logs_a, operation, params, code, message):
    before = snapshot(logs_a)
    with pytest.raises(ClientError) as excinfo:
        getattr(logs_a_raw, operation)(**params)
    error = excinfo.value.response["Error"]
    assert error["Code"] == code
    if message is not None:
        assert error["Message"] == message
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert snapshot(logs_a) == before
