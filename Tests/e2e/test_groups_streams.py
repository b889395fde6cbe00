"""Log groups and streams through boto3 and the aws CLI: shapes, isolation, pagination, tags."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def group_names(client, **kwargs):
    return [g["logGroupName"] for g in client.describe_log_groups(**kwargs)["logGroups"]]


def test_create_describe_delete_group(logs_a, name):
    logs_a.create_log_group(logGroupName=name, tags={"team": "a"}, logGroupClass="INFREQUENT_ACCESS")
    groups = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert len(groups) == 1
    group = groups[0]
    assert group["logGroupName"] == name
    assert group["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:*"
    assert group["logGroupArn"] == f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"
    assert group["storedBytes"] == 0 and group["metricFilterCount"] == 0
    assert group["logGroupClass"] == "INFREQUENT_ACCESS"
    assert "retentionInDays" not in group
    assert abs(group["creationTime"] / 1000 - __import__("time").time()) < 60

    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_group(logGroupName=name)
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "The specified log group already exists")

    logs_a.delete_log_group(logGroupName=name)
    assert group_names(logs_a, logGroupNamePrefix=name) == []
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_log_group(logGroupName=name)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_two_accounts_see_only_their_own_groups(logs_a, logs_b, name):
    logs_a.create_log_group(logGroupName=name)
    assert group_names(logs_a, logGroupNamePrefix=name) == [name]
    assert group_names(logs_b, logGroupNamePrefix=name) == []
    # The same name is free in the other account, and separate.
    logs_b.create_log_group(logGroupName=name)
    logs_b.create_log_stream(logGroupName=name, logStreamName="only-b")
    streams_a = logs_a.describe_log_streams(logGroupName=name)["logStreams"]
    assert streams_a == []
    # B cannot reach A's group by ARN either.
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"
    with pytest.raises(ClientError) as excinfo:
        logs_b.describe_log_streams(logGroupIdentifier=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        logs_b.list_tags_for_resource(resourceArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_regions_of_one_account_are_separate(server, name):
    east = server.client(KEYS["a_admin"], region="us-east-1")
    west = server.client(KEYS["a_admin"], region="eu-west-1")
    east.create_log_group(logGroupName=name)
    assert group_names(west, logGroupNamePrefix=name) == []
    west.create_log_group(logGroupName=name)
    [group] = west.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["arn"] == f"arn:aws:logs:eu-west-1:{ACCOUNT_A}:log-group:{name}:*"


def test_streams_lifecycle_and_order(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    for stream in ["b", "a", "c/1", "c/2"]:
        logs_a.create_log_stream(logGroupName=name, logStreamName=stream)
    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_stream(logGroupName=name, logStreamName="a")
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "The specified log stream already exists")

    streams = logs_a.describe_log_streams(logGroupName=name)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["a", "b", "c/1", "c/2"]
    assert streams[0]["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:log-stream:a"
    assert "lastEventTimestamp" not in streams[0]
    descending = logs_a.describe_log_streams(logGroupName=name, descending=True)["logStreams"]
    assert [s["logStreamName"] for s in descending] == ["c/2", "c/1", "b", "a"]
    prefixed = logs_a.describe_log_streams(logGroupName=name, logStreamNamePrefix="c/")["logStreams"]
    assert [s["logStreamName"] for s in prefixed] == ["c/1", "c/2"]
    by_time = logs_a.describe_log_streams(logGroupName=name, orderBy="LastEventTime")["logStreams"]
    assert sorted(s["logStreamName"] for s in by_time) == ["a", "b", "c/1", "c/2"]
    by_arn = logs_a.describe_log_streams(
        logGroupIdentifier=f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"
    )["logStreams"]
    assert len(by_arn) == 4

    logs_a.delete_log_stream(logGroupName=name, logStreamName="b")
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_log_stream(logGroupName=name, logStreamName="b")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    with pytest.raises(ClientError) as excinfo:
        logs_a.create_log_stream(logGroupName=name + "-missing", logStreamName="x")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")

    # Deleting the group removes its streams.
    logs_a.delete_log_group(logGroupName=name)
    logs_a.create_log_group(logGroupName=name)
    assert logs_a.describe_log_streams(logGroupName=name)["logStreams"] == []


def test_group_pagination_and_tokens(logs_a, logs_b, name):
    names = [f"{name}/{i:02d}" for i in range(7)]
    for n in names:
        logs_a.create_log_group(logGroupName=n)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"logGroupNamePrefix": name + "/", "limit": 3}
        if token:
            kwargs["nextToken"] = token
        page = logs_a.describe_log_groups(**kwargs)
        pages += 1
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == names and pages == 3
    # The paginator of boto3 walks the same pages.
    paginator = logs_a.get_paginator("describe_log_groups")
    walked = [g["logGroupName"] for p in paginator.paginate(logGroupNamePrefix=name + "/", PaginationConfig={"PageSize": 2}) for g in p["logGroups"]]
    assert walked == names

    token = logs_a.describe_log_groups(logGroupNamePrefix=name + "/", limit=3)["nextToken"]
    # A token is bound to its account: B cannot use it.
    with pytest.raises(ClientError) as excinfo:
        logs_b.describe_log_groups(logGroupNamePrefix=name + "/", limit=3, nextToken=token)
    assert error_of(excinfo) == ("InvalidParameterException", "The specified nextToken is invalid.")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(ClientError) as excinfo:
        logs_a.describe_log_groups(logGroupNamePrefix=name + "/", nextToken=forged)
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_stream_pagination(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    streams = [f"s{i:02d}" for i in range(5)]
    for s in streams:
        logs_a.create_log_stream(logGroupName=name, logStreamName=s)
    paginator = logs_a.get_paginator("describe_log_streams")
    for descending in (False, True):
        walked = [
            s["logStreamName"]
            for p in paginator.paginate(logGroupName=name, descending=descending, PaginationConfig={"PageSize": 2})
            for s in p["logStreams"]
        ]
        assert walked == (list(reversed(streams)) if descending else streams)
    walked = [
        s["logStreamName"]
        for p in paginator.paginate(logGroupName=name, orderBy="LastEventTime", PaginationConfig={"PageSize": 2})
        for s in p["logStreams"]
    ]
    assert sorted(walked) == streams and len(walked) == 5


def test_name_pattern_and_class_filters(logs_a, name):
    logs_a.create_log_group(logGroupName=name + "/Payments-API")
    logs_a.create_log_group(logGroupName=name + "/other", logGroupClass="INFREQUENT_ACCESS")
    # AWS: "a case-sensitive substring search", and only arn, creationTime and logGroupName come back.
    assert group_names(logs_a, logGroupNamePattern="Payments-API") == [name + "/Payments-API"]
    assert group_names(logs_a, logGroupNamePattern="payments-api") == []
    [found] = logs_a.describe_log_groups(logGroupNamePattern="Payments-API")["logGroups"]
    assert set(found) == {"arn", "creationTime", "logGroupName"}
    assert name + "/other" in group_names(logs_a, logGroupClass="INFREQUENT_ACCESS")
    assert name + "/Payments-API" not in group_names(logs_a, logGroupClass="INFREQUENT_ACCESS")
    assert group_names(logs_a, logGroupIdentifiers=[name + "/other"]) == [name + "/other"]


def test_retention_policy(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    logs_a.put_retention_policy(logGroupName=name, retentionInDays=30)
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 30
    logs_a.delete_retention_policy(logGroupName=name)
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert "retentionInDays" not in group
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_retention_policy(logGroupName=name + "-missing", retentionInDays=1)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_tags_both_apis(logs_a, name):
    logs_a.create_log_group(logGroupName=name, tags={"a": "1"})
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"
    logs_a.tag_resource(resourceArn=arn, tags={"b": "2", "c": ""})
    assert logs_a.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2", "c": ""}
    logs_a.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert logs_a.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2", "c": ""}
    logs_a.tag_log_group(logGroupName=name, tags={"d": "4"})
    logs_a.untag_log_group(logGroupName=name, tags=["b"])
    assert logs_a.list_tags_log_group(logGroupName=name)["tags"] == {"c": "", "d": "4"}

    many = {f"k{i}": "v" for i in range(48)}
    logs_a.tag_resource(resourceArn=arn, tags=many)  # 50 in all
    with pytest.raises(ClientError) as excinfo:
        logs_a.tag_resource(resourceArn=arn, tags={"one-more": "x"})
    assert error_of(excinfo)[0] == "TooManyTagsException"
    assert len(logs_a.list_tags_for_resource(resourceArn=arn)["tags"]) == 50
    with pytest.raises(ClientError) as excinfo:
        logs_a.tag_resource(resourceArn=arn, tags={"aws:reserved": "x"})
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_aws_cli_manages_groups_and_streams(server, name):
    key = KEYS["a_admin"]
    server.aws(key, "logs", "create-log-group", "--log-group-name", name)
    server.aws(key, "logs", "create-log-stream", "--log-group-name", name, "--log-stream-name", "cli")
    out = json.loads(server.aws(key, "logs", "describe-log-groups", "--log-group-name-prefix", name).stdout)
    assert [g["logGroupName"] for g in out["logGroups"]] == [name]
    out = json.loads(server.aws(key, "logs", "describe-log-streams", "--log-group-name", name).stdout)
    assert [s["logStreamName"] for s in out["logStreams"]] == ["cli"]
    failed = server.aws(key, "logs", "create-log-group", "--log-group-name", name, check=False)
    assert failed.returncode != 0
    assert "ResourceAlreadyExistsException" in failed.stderr
    server.aws(key, "logs", "delete-log-group", "--log-group-name", name)
    out = json.loads(server.aws(key, "logs", "describe-log-groups", "--log-group-name-prefix", name).stdout)
    assert out["logGroups"] == []


def test_deletion_protection_can_be_set_and_cleared(logs_a, logs_b, name):
    logs_a.create_log_group(logGroupName=name, deletionProtectionEnabled=True)
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_log_group(logGroupName=name)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    arn = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["logGroupArn"]
    # Another account cannot clear it, not even by ARN.
    with pytest.raises(ClientError) as excinfo:
        logs_b.put_log_group_deletion_protection(logGroupIdentifier=arn, deletionProtectionEnabled=False)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    logs_a.put_log_group_deletion_protection(logGroupIdentifier=arn, deletionProtectionEnabled=False)
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["deletionProtectionEnabled"] is False
    logs_a.put_log_group_deletion_protection(logGroupIdentifier=name, deletionProtectionEnabled=True)
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["deletionProtectionEnabled"] is True
    logs_a.put_log_group_deletion_protection(logGroupIdentifier=name, deletionProtectionEnabled=False)
    logs_a.delete_log_group(logGroupName=name)
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_log_group_deletion_protection(logGroupIdentifier=name, deletionProtectionEnabled=True)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_log_groups(server, logs_a, logs_b, name):
    """ListLogGroups: name patterns (case-sensitive substrings, `^` prefixes, up to five alternatives), class and
    tag filters, paging with limit and nextToken; each summary is the name, ARN (no `:*`) and class; another
    account's groups are not listed; a pattern outside the model's grammar is refused."""
    suffix = name.strip("/").replace("/", "-")[-12:]
    names = [f"/list/{suffix}/Alpha", f"/list/{suffix}/beta", f"/list/{suffix}/Gamma-Prod"]
    logs_a.create_log_group(logGroupName=names[0], tags={"env": "prod", "team": "core"})
    logs_a.create_log_group(logGroupName=names[1], logGroupClass="INFREQUENT_ACCESS", tags={"env": "dev"})
    logs_a.create_log_group(logGroupName=names[2], tags={"env": "Production"})
    logs_b.create_log_group(logGroupName=f"/list/{suffix}/other-account")

    def listed(**kwargs):
        return [g["logGroupName"] for g in logs_a.list_log_groups(**kwargs)["logGroups"]]

    assert listed(logGroupNamePattern=f"^/list/{suffix}") == sorted(names)  # by name, as bytes
    assert listed(logGroupNamePattern="Alpha|Gamma") == [names[0], names[2]]
    assert listed(logGroupNamePattern="alpha") == []
    assert listed(logGroupNamePattern=f"^/list/{suffix}", logGroupClass="INFREQUENT_ACCESS") == [names[1]]
    summary = logs_a.list_log_groups(logGroupNamePattern=f"^/list/{suffix}/Alpha")["logGroups"][0]
    assert set(summary) == {"logGroupName", "logGroupArn", "logGroupClass"}
    assert summary["logGroupArn"].endswith(f":log-group:{names[0]}") and summary["logGroupClass"] == "STANDARD"
    pattern = f"^/list/{suffix}"
    assert listed(logGroupNamePattern=pattern, logGroupTags=[{"key": "env", "values": ["prod"]}]) == [names[0]]
    assert listed(logGroupNamePattern=pattern, logGroupTags=[{"key": "env", "values": ["prod*"]}]) == [
        names[0], names[2]]
    assert listed(logGroupNamePattern=pattern, logGroupTags=[{"key": "env", "values": ["!prod"]}]) == [
        names[2], names[1]]
    assert listed(logGroupNamePattern=pattern, logGroupTags=[{"key": "team"}]) == [names[0]]
    first = logs_a.list_log_groups(logGroupNamePattern=pattern, limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == sorted(names)[:2] and first["nextToken"]
    rest = logs_a.list_log_groups(logGroupNamePattern=pattern, limit=2, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in rest["logGroups"]] == sorted(names)[2:] and "nextToken" not in rest
    raw = server.client(KEYS["a_admin"], validate=False)
    for bad in ("ab", "abc|de", "one|two|three|four|five|six", "has space"):
        with pytest.raises(ClientError) as refused:
            raw.list_log_groups(logGroupNamePattern=bad)
        assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_resource_policies(logs_a, logs_b, name):
    """PutResourcePolicy / DescribeResourcePolicies / DeleteResourcePolicy: account policies by name (at most 10:
    AWS's "Resource limit exceeded."), a log group's policy by its ARN guarded by revision ids, scopes kept apart,
    accounts kept apart, and documents Cairn cannot evaluate refused."""
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:us-east-1:*:*"}]})
    for existing in logs_a.describe_resource_policies()["resourcePolicies"]:
        logs_a.delete_resource_policy(policyName=existing["policyName"])
    put = logs_a.put_resource_policy(policyName="route53", policyDocument=document)["resourcePolicy"]
    assert put["policyName"] == "route53" and put["policyScope"] == "ACCOUNT" and put["revisionId"]
    assert json.loads(put["policyDocument"]) == json.loads(document)
    listed = logs_a.describe_resource_policies()["resourcePolicies"]
    assert [p["policyName"] for p in listed] == ["route53"]
    assert "route53" not in [p["policyName"] for p in logs_b.describe_resource_policies()["resourcePolicies"]]
    updated = logs_a.put_resource_policy(policyName="route53", policyDocument=document)["resourcePolicy"]
    assert updated["revisionId"] != put["revisionId"]
    for index in range(9):
        logs_a.put_resource_policy(policyName=f"p{index}", policyDocument=document)
    with pytest.raises(ClientError) as refused:
        logs_a.put_resource_policy(policyName="eleventh", policyDocument=document)
    assert refused.value.response["Error"]["Code"] == "LimitExceededException"
    assert refused.value.response["Error"]["Message"] == "Resource limit exceeded."
    first = logs_a.describe_resource_policies(limit=4)
    assert len(first["resourcePolicies"]) == 4 and first["nextToken"]

    logs_a.create_log_group(logGroupName=name)
    arn = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["logGroupArn"]
    attached = logs_a.put_resource_policy(resourceArn=arn, policyDocument=document)
    assert attached["resourcePolicy"]["policyScope"] == "RESOURCE"
    with pytest.raises(ClientError) as refused:
        logs_a.put_resource_policy(resourceArn=arn, policyDocument=document, expectedRevisionId="stale")
    assert refused.value.response["Error"]["Code"] == "OperationAbortedException"
    again = logs_a.put_resource_policy(resourceArn=arn, policyDocument=document,
                                       expectedRevisionId=attached["revisionId"])
    scoped = logs_a.describe_resource_policies(resourceArn=arn, policyScope="RESOURCE")["resourcePolicies"]
    assert [(p["resourceArn"], p["revisionId"]) for p in scoped] == [(arn, again["revisionId"])]
    assert all(p["policyScope"] == "ACCOUNT" for p in logs_a.describe_resource_policies()["resourcePolicies"])
    logs_a.delete_resource_policy(resourceArn=arn, expectedRevisionId=again["revisionId"])
    assert logs_a.describe_resource_policies(resourceArn=arn, policyScope="RESOURCE")["resourcePolicies"] == []

    with pytest.raises(ClientError) as refused:
        logs_a.put_resource_policy(policyName="bad", policyDocument="not json")
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as refused:
        logs_a.delete_resource_policy(policyName="never-made")
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    for existing in logs_a.describe_resource_policies()["resourcePolicies"]:
        logs_a.delete_resource_policy(policyName=existing["policyName"])


def test_a_groups_resource_policy_lets_another_account_read_it(logs_a, logs_b, name):
    """A log group's resource policy is enforced for the cross-account reads it governs: account B reads A's group
    by ARN only where the policy allows B's principal that action on that group; an explicit Deny wins; the read
    is in A's audit trail; without the policy the group does not exist for B."""
    from conftest import ACCOUNT_B
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": int(__import__("time").time() * 1000), "message": "shared"}])
    arn = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["logGroupArn"]

    def read():
        return [e["message"] for e in logs_b.filter_log_events(logGroupIdentifier=arn)["events"]]

    with pytest.raises(ClientError) as excinfo:
        read()
    assert error_of(excinfo)[0] == "ResourceNotFoundException"

    revision = {}

    def attach(*statements):
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        put = logs_a.put_resource_policy(resourceArn=arn, policyDocument=document, **revision)
        revision["expectedRevisionId"] = put["revisionId"]

    allow = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"},
             "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"], "Resource": f"{arn}:*"}
    attach(allow)
    assert read() == ["shared"]
    assert [e["message"] for e in logs_b.get_log_events(logGroupIdentifier=arn, logStreamName="s")["events"]] == [
        "shared"]
    # An action the policy does not name stays refused.
    with pytest.raises(ClientError) as excinfo:
        logs_b.describe_log_streams(logGroupIdentifier=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    # A Deny beside the Allow wins.
    attach(allow, {"Effect": "Deny", "Principal": {"AWS": ACCOUNT_B}, "Action": "logs:FilterLogEvents",
                   "Resource": "*"})
    with pytest.raises(ClientError) as excinfo:
        read()
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    trail = [json.loads(e["message"]) for e in logs_a.filter_log_events(
        logGroupName="aws/cairn/kms-audit", filterPattern='"allowed by a resource policy"')["events"]]
    assert any(name in record.get("outcome", "") for record in trail), trail
    logs_a.delete_resource_policy(resourceArn=arn, **revision)
    with pytest.raises(ClientError) as excinfo:
        logs_b.get_log_events(logGroupIdentifier=arn, logStreamName="s")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
