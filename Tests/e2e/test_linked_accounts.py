"""Linked (monitoring) accounts: a monitoring account reads its source accounts' log groups by ARN and lists
them with includeLinkedAccounts; the source never sees the monitor's groups; reads show in the source's audit."""

import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, ACCOUNT_B


def test_monitoring_account_reads_linked_source_groups(server, logs_a, logs_b, name):
    monitoring, source = logs_b, logs_a  # B monitors A
    source.create_log_group(logGroupName=name)
    source.create_log_stream(logGroupName=name, logStreamName="s")
    t = int(time.time() * 1000)
    source.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": t, "message": "linked ERROR one"}, {"timestamp": t + 1, "message": "linked INFO two"}])
    monitoring.create_log_group(logGroupName=name + "/monitor-own")
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}"

    def reads():
        streams = monitoring.describe_log_streams(logGroupIdentifier=arn)["logStreams"]
        got = monitoring.get_log_events(logGroupIdentifier=arn, logStreamName="s", startFromHead=True)["events"]
        found = monitoring.filter_log_events(logGroupIdentifier=arn, filterPattern="ERROR")["events"]
        return [s["logStreamName"] for s in streams], [e["message"] for e in got], [e["message"] for e in found]

    with pytest.raises(ClientError) as excinfo:
        reads()
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    unlinked = monitoring.describe_log_groups(logGroupNamePrefix=name, includeLinkedAccounts=True)["logGroups"]
    assert [g["logGroupName"] for g in unlinked] == [name + "/monitor-own"]

    server.admin("link", "--monitoring", ACCOUNT_B, "--source", ACCOUNT_A)
    try:
        assert reads() == (["s"], ["linked ERROR one", "linked INFO two"], ["linked ERROR one"])
        listed = monitoring.describe_log_groups(logGroupNamePrefix=name, includeLinkedAccounts=True)["logGroups"]
        assert [(g["logGroupName"], g["logGroupArn"].split(":")[4]) for g in listed] == [
            (name, ACCOUNT_A), (name + "/monitor-own", ACCOUNT_B)]
        only_source = monitoring.describe_log_groups(
            logGroupNamePrefix=name, includeLinkedAccounts=True, accountIdentifiers=[ACCOUNT_A])["logGroups"]
        assert [g["logGroupName"] for g in only_source] == [name]
        by_arn = monitoring.describe_log_groups(
            includeLinkedAccounts=True, logGroupIdentifiers=[arn, name + "/monitor-own"])["logGroups"]
        assert [g["logGroupArn"] for g in by_arn] == [
            arn, f"arn:aws:logs:us-east-1:{ACCOUNT_B}:log-group:{name}/monitor-own"]
        # Without includeLinkedAccounts only the monitor's own groups are listed.
        own = monitoring.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert [g["logGroupName"] for g in own] == [name + "/monitor-own"]
        # The source never sees the monitoring account's groups.
        with pytest.raises(ClientError):
            source.describe_log_streams(
                logGroupIdentifier=f"arn:aws:logs:us-east-1:{ACCOUNT_B}:log-group:{name}/monitor-own")
        # The source account's audit trail shows the monitor's reads.
        trail = source.filter_log_events(logGroupName="aws/cairn/kms-audit", filterPattern='"linked read"')["events"]
        assert any(ACCOUNT_B in e["message"] and "FilterLogEvents" in e["message"] for e in trail)
        # Linked reads are reads: the monitor cannot write to the source's groups.
        with pytest.raises(ClientError):
            monitoring.put_log_events(logGroupName=arn, logStreamName="s",
                                      logEvents=[{"timestamp": t, "message": "x"}])
    finally:
        server.admin("unlink", "--monitoring", ACCOUNT_B, "--source", ACCOUNT_A)
    with pytest.raises(ClientError) as excinfo:
        reads()
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
