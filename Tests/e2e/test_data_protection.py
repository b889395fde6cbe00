"""Data protection policies: PutDataProtectionPolicy / Get / Delete with AWS's document rules; what the policy's
managed identifiers detect is masked at ingestion in every read (GetLogEvents, FilterLogEvents, Logs Insights,
exports), metric filters see the masked text, the original is readable only by an admin with `unmask=true`
(audited) and never stored in clear; deleting the policy stops masking new events."""

import json
import os
import subprocess
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS
from test_insights import rows, run

ARN = "arn:aws:dataprotection::aws:data-identifier/"


def policy(*identifiers, name="data-protection-policy", destination=None):
    ids = [ARN + i for i in identifiers]
    return json.dumps({
        "Name": name, "Description": "", "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": ids,
             "Operation": {"Audit": {"FindingsDestination": destination or {}}}},
            {"Sid": "redact", "DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}}]})


def masked(text, *secrets):
    for secret in secrets:
        text = text.replace(secret, "*" * len(secret))
    return text


def test_policy_documents_are_validated_as_aws_documents_them(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    document = policy("EmailAddress", "IpAddress")
    put = logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=document)
    assert put["policyDocument"] == document and put["lastUpdatedTime"] > 0
    got = logs_a.get_data_protection_policy(logGroupIdentifier=name)
    assert got["policyDocument"] == document
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["dataProtectionStatus"] == "ACTIVATED"

    def refused(document):
        with pytest.raises(ClientError) as excinfo:
            logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=document)
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
        return excinfo.value.response["Error"]["Message"]

    assert refused(policy("PhoneNumber")) == f"{ARN}PhoneNumber is not a valid Data Identifier"
    assert refused(policy("EmailAddress", name="data protection policy")) == (
        "Policy Name can only include alphanumeric characters, hyphens (-) and underscores (_)")
    unequal = json.loads(policy("EmailAddress"))
    unequal["Statement"][1]["DataIdentifier"] = [ARN + "IpAddress"]
    refused(json.dumps(unequal))
    mask = json.loads(policy("EmailAddress"))
    mask["Statement"][1]["Operation"]["Deidentify"]["MaskConfig"] = {"x": 1}
    refused(json.dumps(mask))
    refused("not json")
    logs_a.delete_data_protection_policy(logGroupIdentifier=name)
    assert "policyDocument" not in logs_a.get_data_protection_policy(logGroupIdentifier=name)
    [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["dataProtectionStatus"] == "DELETED"
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_data_protection_policy(logGroupIdentifier=name + "/missing", policyDocument=document)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_matching_text_is_masked_everywhere_and_unmasked_only_for_admins(server, logs_a, name, tmp_path):
    email = f"jane.{uuid.uuid4().hex[:10]}@example.com"
    card = "4176749365368614"
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_data_protection_policy(logGroupIdentifier=name,
                                      policyDocument=policy("EmailAddress", "IpAddress", "CreditCardNumber"))
    logs_a.put_metric_filter(logGroupName=name, filterName="emails", filterPattern='"example.com"',
                             metricTransformations=[{"metricName": "Emails", "metricNamespace": "DP/" + name[-8:],
                                                     "metricValue": "1"}])
    start = int(time.time() * 1000) - 2000
    messages = [f"user {email} from 10.1.2.3 paid with card number {card}", "nothing sensitive here"]
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)])
    expected = [masked(messages[0], email, "10.1.2.3", card), messages[1]]

    got = [e["message"] for e in logs_a.get_log_events(logGroupName=name, logStreamName="s",
                                                       startFromHead=True)["events"]]
    assert got == expected
    filtered = [e["message"] for e in logs_a.filter_log_events(logGroupName=name)["events"]]
    assert filtered == expected
    # Filters see what is stored: the address no longer matches anything, nor does the metric filter count it.
    assert logs_a.filter_log_events(logGroupName=name, filterPattern='"example.com"')["events"] == []
    assert logs_a.test_metric_filter(filterPattern='"example.com"', logEventMessages=[expected[0]])["matches"] == []
    assert logs_a.test_metric_filter(filterPattern='"example.com"', logEventMessages=[messages[0]])["matches"]
    insights = rows(run(logs_a, "fields @message, @ptr | sort @timestamp asc", start, logGroupName=name))
    assert [r["@message"] for r in insights] == expected
    pointer = insights[0]["@ptr"]
    assert logs_a.get_log_record(logRecordPointer=pointer)["logRecord"]["@message"] == expected[0]
    assert logs_a.get_log_record(logRecordPointer=pointer, unmask=True)["logRecord"]["@message"] == messages[0]
    # Insights' unmask(@message) (an admin's query): the original beside the masked message; unmasked events
    # that were never masked read as they are. A reader may not run it.
    both = rows(run(logs_a, "fields @message, unmask(@message) as original | sort @timestamp asc", start,
                    logGroupName=name))
    assert [(r["@message"], r["original"]) for r in both] == list(zip(expected, messages))
    with pytest.raises(ClientError) as excinfo:
        server.client(KEYS["a_reader"]).start_query(
            logGroupName=name, startTime=start // 1000 - 1, endTime=start // 1000 + 10,
            queryString="fields unmask(@message)")
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"

    # An admin reads the originals with unmask; a reader may not; the read is audited.
    unmasked = [e["message"] for e in logs_a.get_log_events(logGroupName=name, logStreamName="s",
                                                            startFromHead=True, unmask=True)["events"]]
    assert unmasked == messages
    assert [e["message"] for e in logs_a.filter_log_events(logGroupName=name, unmask=True)["events"]] == messages
    reader = server.client(KEYS["a_reader"])
    with pytest.raises(ClientError) as excinfo:
        reader.get_log_events(logGroupName=name, logStreamName="s", unmask=True)
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "logs:Unmask" in excinfo.value.response["Error"]["Message"]
    trail = [json.loads(e["message"]) for e in logs_a.filter_log_events(
        logGroupName="aws/cairn/kms-audit", filterPattern='"logs:Unmask"')["events"]]
    assert any(name in record.get("outcome", "") for record in trail), trail

    # Exports carry the masked text.
    bucket = "dp-" + uuid.uuid4().hex[:8]
    os.makedirs(tmp_path / "bucket", exist_ok=True)
    server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", bucket, "--directory", str(tmp_path / "bucket"))
    task = logs_a.create_export_task(**{"logGroupName": name, "from": start, "to": start + 10,
                                        "destination": bucket})["taskId"]
    deadline = time.time() + 120
    while logs_a.describe_export_tasks(taskId=task)["exportTasks"][0]["status"]["code"] != "COMPLETED":
        assert time.time() < deadline
        time.sleep(0.5)
    exported = b"".join(
        subprocess.run(["gzip", "-dc", os.path.join(root, f)], capture_output=True, check=True).stdout
        for root, _, files in os.walk(tmp_path / "bucket") for f in files if f.endswith(".gz"))
    assert email.encode() not in exported and expected[0].encode() in exported

    # The original is sealed: PostgreSQL's files never hold the address.
    subprocess.run(["sync"])
    found = subprocess.run(["grep", "-r", "-l", "-a", "-F", email, os.path.join(server.data_dir, "postgres")],
                           capture_output=True, text=True)
    assert found.returncode == 1, found.stdout

    # Without the policy, new events are stored as written; the old ones stay masked.
    logs_a.delete_data_protection_policy(logGroupIdentifier=name)
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": start + 5, "message": f"after {email}"}])
    after = [e["message"] for e in logs_a.get_log_events(logGroupName=name, logStreamName="s",
                                                         startFromHead=True)["events"]]
    assert after == expected + [f"after {email}"]


def test_an_account_policy_masks_in_every_group_with_the_groups_own(logs_a, logs_a_raw, name):
    """PutAccountPolicy DATA_PROTECTION_POLICY: one per account and region (a second name is LimitExceeded); it
    applies to every group with the group's own policy (identifiers of both are masked); DescribeLogGroups names it
    in inheritedProperties; DescribeAccountPolicies lists it; after DeleteAccountPolicy new events are not masked
    by it."""
    email = f"ann.{uuid.uuid4().hex[:8]}@example.com"
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=policy("IpAddress"))
    try:
        put = logs_a.put_account_policy(policyName="account-mask", policyType="DATA_PROTECTION_POLICY",
                                        policyDocument=policy("EmailAddress"))["accountPolicy"]
        assert (put["policyName"], put["policyType"], put["scope"], put["accountId"]) == (
            "account-mask", "DATA_PROTECTION_POLICY", "ALL", ACCOUNT_A)
        with pytest.raises(ClientError) as excinfo:
            logs_a.put_account_policy(policyName="second", policyType="DATA_PROTECTION_POLICY",
                                      policyDocument=policy("EmailAddress"))
        assert excinfo.value.response["Error"]["Code"] == "LimitExceededException"
        with pytest.raises(ClientError) as excinfo:
            logs_a_raw.put_account_policy(policyName="bad", policyType="DATA_PROTECTION_POLICY",
                                          policyDocument=policy("PhoneNumber"))
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
        listed = logs_a.describe_account_policies(policyType="DATA_PROTECTION_POLICY")["accountPolicies"]
        assert [p["policyName"] for p in listed] == ["account-mask"]
        [group] = logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert group["inheritedProperties"] == ["ACCOUNT_DATA_PROTECTION"]

        start = int(time.time() * 1000) - 2000
        message = f"mail {email} from 10.9.8.7"
        logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[{"timestamp": start, "message": message}])
        [event] = logs_a.get_log_events(logGroupName=name, logStreamName="s", startFromHead=True)["events"]
        assert event["message"] == masked(message, email, "10.9.8.7")
    finally:
        logs_a.delete_account_policy(policyName="account-mask", policyType="DATA_PROTECTION_POLICY")
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_account_policy(policyName="account-mask", policyType="DATA_PROTECTION_POLICY")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert "inheritedProperties" not in logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])
    last = logs_a.get_log_events(logGroupName=name, logStreamName="s", startFromHead=True)["events"][-1]
    assert last["message"] == masked(message, "10.9.8.7")


def test_custom_data_identifiers_mask_what_their_regex_matches(logs_a, logs_a_raw, name):
    """Custom data identifiers (CWL-custom-data-identifiers, its example `EmployeeId-\\d{9}`): declared in
    Configuration.CustomDataIdentifier, named in both statements beside managed ones, masked at ingestion; a regex
    outside AWS's syntax (groups) is refused."""
    ids = ["EmployeeId", ARN + "EmailAddress"]
    document = json.dumps({
        "Name": "custom", "Version": "2021-06-01",
        "Configuration": {"CustomDataIdentifier": [{"Name": "EmployeeId", "Regex": "EmployeeId-\\d{9}"}]},
        "Statement": [
            {"DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}}]})
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=document)
    message = "EmployeeId-123456789 wrote to ann@example.com about EmployeeId-42"
    logs_a.put_log_events(logGroupName=name, logStreamName="s",
                          logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])
    [event] = logs_a.get_log_events(logGroupName=name, logStreamName="s", startFromHead=True)["events"]
    assert event["message"] == masked(message, "EmployeeId-123456789", "ann@example.com")
    bad = json.loads(document)
    bad["Configuration"]["CustomDataIdentifier"][0]["Regex"] = "(EmployeeId)-\\d{9}"
    with pytest.raises(ClientError) as excinfo:
        logs_a_raw.put_data_protection_policy(logGroupIdentifier=name, policyDocument=json.dumps(bad))
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


def test_events_with_findings_are_counted_in_aws_logs(server, logs_a, name):
    """AWS/Logs LogEventsWithFindings counts the events in which the policy found sensitive data, each once however
    many matches it holds (mask-sensitive-log-data-audit-findings.html: "the value of the LogEventsWithFindings
    metric is incremented only by one")."""
    from test_metrics import minute_start

    cloudwatch = server.client(KEYS["a_admin"], service="cloudwatch")
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=policy("EmailAddress", "IpAddress"))
    minute = minute_start(time.time()) - 120
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": minute * 1000 + 1, "message": "mail ann@example.com and bob@example.com"},
        {"timestamp": minute * 1000 + 2, "message": "nothing to see"},
        {"timestamp": minute * 1000 + 3, "message": "from 192.0.2.10"}])

    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Logs", MetricName="LogEventsWithFindings",
        Dimensions=[{"Name": "LogGroupName", "Value": name}], StartTime=minute, EndTime=minute + 60, Period=60,
        Statistics=["Sum", "SampleCount"])["Datapoints"]
    assert [(p["Sum"], p["SampleCount"]) for p in points] == [(2.0, 2.0)]


def test_findings_reports_go_to_the_audit_statements_log_group(logs_a, name):
    """FindingsDestination.CloudWatchLogs.LogGroup receives one report per event with sensitive data, in AWS's
    format (mask-sensitive-log-data-audit-findings.html); the destination must exist."""
    import re

    findings = name + "-findings"
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    to_findings = {"CloudWatchLogs": {"LogGroup": findings}}
    document = policy("EmailAddress", "IpAddress", destination=to_findings)
    with pytest.raises(ClientError) as missing:
        logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=document)
    assert missing.value.response["Error"]["Code"] == "InvalidParameterException"

    logs_a.create_log_group(logGroupName=findings)
    logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=document)
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now, "message": "mail ann@example.com and bob@example.com"},
        {"timestamp": now + 1, "message": "nothing to see"},
        {"timestamp": now + 2, "message": "é from 192.0.2.10"}])

    [stream] = logs_a.describe_log_streams(logGroupName=findings)["logStreams"]
    assert stream["logStreamName"] == name
    reports = [json.loads(e["message"]) for e in logs_a.get_log_events(
        logGroupName=findings, logStreamName=name, startFromHead=True)["events"]]
    assert len(reports) == 2
    for report in reports:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["auditTimestamp"])
        assert report["resourceArn"] == f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:*"
    assert reports[0]["dataIdentifiers"] == [{"name": "EmailAddress", "count": 2, "detections": [
        {"start": 5, "end": 20}, {"start": 25, "end": 40}]}]
    # Offsets count characters: "é" is one, though two bytes.
    assert reports[1]["dataIdentifiers"] == [{"name": "IpAddress", "count": 1, "detections": [
        {"start": 7, "end": 17}]}]


def test_findings_reports_go_to_a_bucket_and_a_delivery_stream(server, logs_a, name):
    """FindingsDestination.S3.Bucket gets one object per batch of events with findings, one report per line, under
    AWSLogs/<account>/DataProtection/<region>/<group>/YYYY/MM/DD/HH/; FindingsDestination.Firehose.DeliveryStream
    gets one record per report. Both must be the account's when the policy is put."""
    import base64
    import shutil
    import tempfile

    from test_delivery_streams import FirehoseEndpoint, create_stream, wait_for

    directory = tempfile.mkdtemp(prefix="cairn-findings-")
    endpoint = FirehoseEndpoint(access_key="findings-key").start()
    try:
        bucket = "findings-" + uuid.uuid4().hex[:10]
        stream = "findings" + uuid.uuid4().hex[:8]
        logs_a.create_log_group(logGroupName=name)
        logs_a.create_log_stream(logGroupName=name, logStreamName="s")
        destinations = {"S3": {"Bucket": bucket}, "Firehose": {"DeliveryStream": stream}}
        for missing in ({"S3": {"Bucket": bucket}}, {"Firehose": {"DeliveryStream": stream}}):
            with pytest.raises(ClientError) as refused:
                logs_a.put_data_protection_policy(
                    logGroupIdentifier=name, policyDocument=policy("EmailAddress", destination=missing))
            assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
        server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", bucket, "--directory", directory)
        create_stream(server, stream, "--url", endpoint.url, "--access-key", "findings-key",
                      "--allow-private-network", "--buffer-seconds", "0", "--buffer-mib", "1")
        logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=policy(
            "EmailAddress", destination=destinations))
        now = int(time.time() * 1000)
        logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
            {"timestamp": now, "message": "mail ann@example.com"},
            {"timestamp": now + 1, "message": "nothing to see"},
            {"timestamp": now + 2, "message": "é bob@example.com and cy@example.org"}])
        expected = [
            [{"name": "EmailAddress", "count": 1, "detections": [{"start": 5, "end": 20}]}],
            [{"name": "EmailAddress", "count": 2, "detections": [{"start": 2, "end": 17}, {"start": 22, "end": 36}]}],
        ]

        def records():
            with endpoint.lock:
                bodies = [body for _, body in endpoint.requests]
            return [base64.b64decode(r["data"]) for b in bodies for r in b["records"]]

        assert wait_for(lambda: len(records()) >= 2, timeout=120)
        assert endpoint.violations == []
        delivered = records()
        assert all(r.endswith(b"\n") for r in delivered)
        reports = [json.loads(r) for r in delivered]
        assert [r["dataIdentifiers"] for r in reports] == expected
        assert all(r["resourceArn"] == f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:*" for r in reports)

        prefix = os.path.join(directory, "AWSLogs", ACCOUNT_A, "DataProtection", "us-east-1", name.lstrip("/"))

        def objects():
            return [os.path.join(root, f) for root, _, files in os.walk(prefix) for f in files
                    if not f.startswith(".")]

        assert wait_for(objects, timeout=120)
        [written] = objects()
        hours = {time.strftime("%Y/%m/%d/%H", time.gmtime(t)) for t in (now / 1000, time.time())}
        assert os.path.relpath(os.path.dirname(written), prefix) in hours
        assert written.endswith(".json")
        lines = open(written, encoding="utf-8").read().splitlines()
        assert [json.loads(line)["dataIdentifiers"] for line in lines] == expected
    finally:
        endpoint.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_findings_of_a_full_batch_are_all_delivered(logs_a, name):
    """10,000 events with findings make more than 1 MB of reports: they go to the destination in several batches,
    none lost."""
    findings = name + "-findings"
    logs_a.create_log_group(logGroupName=findings)
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_data_protection_policy(logGroupIdentifier=name, policyDocument=policy(
        "EmailAddress", destination={"CloudWatchLogs": {"LogGroup": findings}}))
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now, "message": f"user{i}@example.com signed in from user{i}@example.org"}
        for i in range(10_000)])
    delivered, token = 0, None
    while True:
        page = logs_a.get_log_events(logGroupName=findings, logStreamName=name, startFromHead=True,
                                     **({"nextToken": token} if token else {}))
        delivered += len(page["events"])
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert delivered == 10_000
