"""Every CloudWatch Logs operation Cairn registers, called successfully with as many optional members populated as
Cairn supports, and its raw JSON response body checked strictly against the output shape of botocore's current
service model: no member the shape does not have, JSON types exactly as the model's types (integers as JSON
integers, timestamps as epoch numbers, booleans as booleans), enum values in the enum, required members present,
string lengths and patterns, list and map sizes. botocore's own parser cannot be used for this: it drops unknown
members and coerces types, so the body is taken from the HTTP response before parsing.

Members the model has that no response carried are written, per operation, to the report file named by
CAIRN_SHAPES_REPORT (default /tmp/cairn-response-shapes-report.json); they are informational, not failures."""

import base64
import gzip
import json
import math
import os
import shutil
import tempfile
import time
import uuid

import botocore
import pytest
import regex
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS, Server, free_port, make_data_dir
from receiver import Receiver

MODEL_PATH = os.path.join(os.path.dirname(botocore.__file__), "data", "logs", "2014-03-28", "service-2.json.gz")
MODEL = json.load(gzip.open(MODEL_PATH))
SHAPES = MODEL["shapes"]
REPORT_PATH = os.environ.get("CAIRN_SHAPES_REPORT", "/tmp/cairn-response-shapes-report.json")
JSON_CONTENT_TYPE = "application/x-amz-json-" + MODEL["metadata"]["jsonVersion"]

# The operations Cairn registers (Sources/CairnLogs/LogsOperations.swift, the `.logs, "Name"` entries).
OPERATIONS = [
    "CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutResourcePolicy", "DescribeResourcePolicies",
    "DeleteResourcePolicy", "PutDataProtectionPolicy", "GetDataProtectionPolicy", "DeleteDataProtectionPolicy",
    "PutAccountPolicy", "DescribeAccountPolicies", "DeleteAccountPolicy", "PutTransformer", "GetTransformer", "DeleteTransformer", "TestTransformer", "ListLogGroups", "PutRetentionPolicy",
    "DeleteRetentionPolicy", "PutLogGroupDeletionProtection", "CreateLogStream", "DeleteLogStream",
    "DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "AssociateKmsKey", "DisassociateKmsKey",
    "PutMetricFilter", "DeleteMetricFilter", "DescribeMetricFilters", "TestMetricFilter", "PutSubscriptionFilter",
    "DeleteSubscriptionFilter", "DescribeSubscriptionFilters", "PutDestination", "PutDestinationPolicy",
    "DescribeDestinations", "DeleteDestination", "TagLogGroup", "UntagLogGroup", "ListTagsLogGroup", "TagResource",
    "UntagResource", "ListTagsForResource", "StartQuery", "GetQueryResults", "StopQuery", "DescribeQueries",
    "ListLogGroupsForQuery", "PutQueryDefinition", "DescribeQueryDefinitions", "DeleteQueryDefinition",
    "GetLogGroupFields", "GetLogRecord", "CreateExportTask", "DescribeExportTasks", "CancelExportTask",
    "StartLiveTail",
]
SKIPPED = {"StartLiveTail": "an event stream (application/vnd.amazon.eventstream), not a JSON body"}

INT32 = (-2**31, 2**31 - 1)
INT64 = (-2**63, 2**63 - 1)


# --- the checker ---------------------------------------------------------------------------------------------------

def _short(value, limit=100):
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "…"


class DuplicateKey(Exception):
    pass


def _no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


_patterns = {}


def _pattern(text):
    if text not in _patterns:
        _patterns[text] = regex.compile(text)
    return _patterns[text]


class ShapeChecker:
    """Walks a parsed JSON value against a model shape; collects mismatches (path: what was sent, what the model
    says) and the member paths seen (templates: `[]` for any list item, `{}` for any map value)."""

    def __init__(self):
        self.problems = []
        self.seen = set()

    def fail(self, path, sent, says):
        self.problems.append(f"{path}: sent {sent}; model: {says}")

    def walk(self, value, shape_name, path, template):
        shape = SHAPES[shape_name]
        kind = shape["type"]
        where = f"{kind} ({shape_name})"
        if value is None:
            self.fail(path, "null", f"{where}, and JSON 1.1 omits absent members rather than sending null")
            return
        if kind == "structure":
            self.structure(value, shape_name, shape, path, template)
        elif kind == "list":
            if not isinstance(value, list):
                self.fail(path, f"{type(value).__name__} {_short(value)}", f"{where}: a JSON array")
                return
            self.size(path, len(value), shape, where, "items")
            member = shape["member"]["shape"]
            for i, item in enumerate(value):
                self.walk(item, member, f"{path}[{i}]", template + "[]")
        elif kind == "map":
            if not isinstance(value, dict):
                self.fail(path, f"{type(value).__name__} {_short(value)}", f"{where}: a JSON object")
                return
            self.size(path, len(value), shape, where, "entries")
            for key, item in value.items():
                self.scalar(key, shape["key"]["shape"], f"{path}<key {_short(key)}>")
                self.walk(item, shape["value"]["shape"], f"{path}[{_short(key)}]", template + "{}")
        else:
            self.scalar(value, shape_name, path)

    def structure(self, value, shape_name, shape, path, template):
        if shape.get("document"):
            return
        if not isinstance(value, dict):
            self.fail(path, f"{type(value).__name__} {_short(value)}", f"structure ({shape_name}): a JSON object")
            return
        members = shape.get("members", {})
        for key, item in value.items():
            if key not in members:
                self.fail(f"{path}.{key}", f"unknown member = {_short(item)}",
                          f"structure {shape_name} has no member {key!r} (members: {', '.join(members) or 'none'})")
                continue
            self.seen.add(f"{template}.{key}")
            self.walk(item, members[key]["shape"], f"{path}.{key}", f"{template}.{key}")
        for key in shape.get("required", []):
            if key not in value:
                self.fail(f"{path}.{key}", "nothing (member absent)", f"{key!r} is required in {shape_name}")
        if shape.get("union"):
            present = [k for k in value if k in members and value[k] is not None]
            if len(present) != 1:
                self.fail(path, f"{len(present)} members set ({', '.join(present)})",
                          f"{shape_name} is a union: exactly one member")

    def size(self, path, count, shape, where, noun):
        if "min" in shape and count < shape["min"]:
            self.fail(path, f"{count} {noun}", f"{where}: at least {shape['min']}")
        if "max" in shape and count > shape["max"]:
            self.fail(path, f"{count} {noun}", f"{where}: at most {shape['max']}")

    def scalar(self, value, shape_name, path):
        shape = SHAPES[shape_name]
        kind = shape["type"]
        where = f"{kind} ({shape_name})"
        got = f"{type(value).__name__} {_short(value)}"
        if kind == "string":
            if not isinstance(value, str):
                self.fail(path, got, f"{where}: a JSON string")
                return
            if "enum" in shape and value not in shape["enum"]:
                self.fail(path, _short(value), f"{where}: one of {shape['enum']}")
            self.size(path, len(value), shape, where, "characters")
            if "pattern" in shape and not _pattern(shape["pattern"]).fullmatch(value):
                self.fail(path, _short(value), f"{where}: must match /{shape['pattern']}/")
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(path, got, f"{where}: a JSON integer")
                return
            low, high = INT32 if kind == "integer" else INT64
            if not low <= value <= high:
                self.fail(path, value, f"{where}: out of the {kind} range")
            if "min" in shape and value < shape["min"]:
                self.fail(path, value, f"{where}: at least {shape['min']}")
            if "max" in shape and value > shape["max"]:
                self.fail(path, value, f"{where}: at most {shape['max']}")
        elif kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(path, got, f"{where}: a JSON number")
                return
            if isinstance(value, float) and not math.isfinite(value):
                self.fail(path, got, f"{where}: a finite JSON number")
            if "min" in shape and value < shape["min"]:
                self.fail(path, value, f"{where}: at least {shape['min']}")
            if "max" in shape and value > shape["max"]:
                self.fail(path, value, f"{where}: at most {shape['max']}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.fail(path, got, f"{where}: a JSON boolean")
        elif kind == "timestamp":
            fmt = shape.get("timestampFormat", "unixTimestamp")
            if fmt == "unixTimestamp":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    self.fail(path, got, f"{where}: epoch seconds as a JSON number")
            elif not isinstance(value, str):
                self.fail(path, got, f"{where}: a {fmt} string")
        elif kind == "blob":
            if not isinstance(value, str):
                self.fail(path, got, f"{where}: a base64 JSON string")
                return
            try:
                base64.b64decode(value, validate=True)
            except Exception:
                self.fail(path, _short(value), f"{where}: base64")
        else:
            self.fail(path, got, f"{where}: a {kind} here was not expected by the checker")


def all_member_paths(shape_name, template="$", stack=()):
    """Every member path template of an output shape (recursion cut at a shape already on the way down)."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if shape_name in stack:
        return set()
    stack = stack + (shape_name,)
    paths = set()
    if kind == "structure" and not shape.get("document"):
        for key, member in shape.get("members", {}).items():
            paths.add(f"{template}.{key}")
            paths |= all_member_paths(member["shape"], f"{template}.{key}", stack)
    elif kind == "list":
        paths |= all_member_paths(shape["member"]["shape"], template + "[]", stack)
    elif kind == "map":
        paths |= all_member_paths(shape["value"]["shape"], template + "{}", stack)
    return paths


def check_response(operation, status, headers, body):
    """Mismatches of one successful response, and the member paths it carried."""
    checker = ShapeChecker()
    output = MODEL["operations"][operation].get("output", {}).get("shape")
    content_type = headers.get("content-type", "")
    if content_type.split(";")[0].strip() != JSON_CONTENT_TYPE:
        checker.fail("<header Content-Type>", _short(content_type), JSON_CONTENT_TYPE)
    if not (headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")):
        checker.fail("<header x-amzn-RequestId>", "nothing", "every response carries a request id")
    text = body.decode("utf-8", errors="strict").strip()
    if not text:
        if output:
            checker.fail("$", "an empty body", f"a JSON object of {output}")
        return checker.problems, checker.seen
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates)
    except DuplicateKey as error:
        checker.fail("$", f"the member {error} twice in one object", "JSON objects with unique members")
        return checker.problems, checker.seen
    except ValueError as error:
        checker.fail("$", f"a body that is not JSON ({error}): {_short(text)}", "a JSON object")
        return checker.problems, checker.seen
    if output is None:
        if document != {}:
            checker.fail("$", _short(document), "no output shape: an empty body or {}")
        return checker.problems, checker.seen
    checker.walk(document, output, "$", "$")
    return checker.problems, checker.seen


def test_the_checker_itself():
    """The checker finds what it must: unknown members, a number sent as a string, a long sent as 1.0, a bad enum
    value, a missing required member, a null; and passes a correct body."""
    good = {"logGroups": [{"logGroupName": "/a", "creationTime": 1, "metricFilterCount": 0, "storedBytes": 0,
                           "logGroupClass": "STANDARD", "deletionProtectionEnabled": False}]}
    headers = {"content-type": JSON_CONTENT_TYPE, "x-amzn-requestid": "r"}
    problems, seen = check_response("DescribeLogGroups", 200, headers, json.dumps(good).encode())
    assert problems == [] and "$.logGroups[].creationTime" in seen
    bad = {"logGroups": [{"logGroupName": "/a", "creationTime": "1", "storedBytes": 1.0, "logGroupClass": "X",
                          "extra": 1, "kmsKeyId": None}]}
    problems, _ = check_response("DescribeLogGroups", 200, headers, json.dumps(bad).encode())
    text = "\n".join(problems)
    for needle in ("$.logGroups[0].extra", "$.logGroups[0].creationTime", "$.logGroups[0].storedBytes",
                   "$.logGroups[0].logGroupClass", "$.logGroups[0].kmsKeyId"):
        assert needle in text, text
    problems, _ = check_response("GetTransformer", 200, headers, b'{"transformerConfig": [{"parseJSON": {}}]}')
    assert problems == []
    problems, _ = check_response("PutDestination", 200, headers, b'{"destination": {"arn": 5}}')
    assert "$.destination.arn" in "\n".join(problems)
    problems, _ = check_response("CreateLogGroup", 200, headers, b'{"x": 1}')
    assert problems
    problems, _ = check_response("TestMetricFilter", 200, headers, b'{"matches": [{"eventNumber": 1.0}]}')
    assert problems
    problems, _ = check_response("StopQuery", 200, headers, b'{"success": true, "success": true}')
    assert problems


# --- the recording client ------------------------------------------------------------------------------------------

class Recorder:
    """Keeps every response's operation, status, headers and raw body, before botocore parses it."""

    def __init__(self):
        self.responses = []

    def __call__(self, http_response, model, **_):
        self.responses.append((model.name, http_response.status_code,
                               {k.lower(): v for k, v in http_response.headers.items()}, http_response.content))

    def clear(self):
        self.responses = []

    def of(self, operation):
        return [r for r in self.responses if r[0] == operation]


def now_ms():
    return int(time.time() * 1000)


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def data_protection_document(*identifiers):
    ids = ["arn:aws:dataprotection::aws:data-identifier/" + i for i in identifiers]
    return json.dumps({
        "Name": "data-protection-policy", "Description": "", "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}}]})


TRANSFORMER = [{"parseJSON": {}}, {"addKeys": {"entries": [{"key": "k", "value": "v"}]}}]
# Every member of the processors Cairn implements (parseJSON, addKeys), for GetTransformer.
FULL_TRANSFORMER = [{"parseJSON": {"source": "@message", "destination": "parsed"}},
                    {"addKeys": {"entries": [{"key": "k", "value": "v", "overwriteIfExists": True},
                                             {"key": "k2", "value": "v2", "overwriteIfExists": False}]}}]


class World:
    """One dedicated server (exports slowed down so that one can be cancelled) and a richly configured log group."""

    def __init__(self, server, tmp):
        self.server = server
        self.tmp = tmp
        self.recorder = Recorder()
        self.logs = server.client(KEYS["a_admin"])
        self.logs.meta.events.register("after-call", self.recorder)
        self.kms = server.client(KEYS["a_admin"], service="kms")
        self.seq = 0

    def unique(self, label):
        self.seq += 1
        return f"/shapes/{label}/{self.seq}-{uuid.uuid4().hex[:6]}"

    def arn(self, group):
        return f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{group}"

    def key(self):
        return self.kms.create_key(Description="shapes")["KeyMetadata"]["Arn"]

    def group(self, label, **extra):
        name = self.unique(label)
        self.logs.create_log_group(logGroupName=name, **extra)
        return name

    def put(self, group, stream, messages, start=None):
        start = start or now_ms() - 60_000
        self.logs.put_log_events(logGroupName=group, logStreamName=stream,
                                 logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)])
        return start

    def run_query(self, **where):
        query_id = self.logs.start_query(startTime=int(time.time()) - 3600, endTime=int(time.time()) + 60,
                                         **where)["queryId"]
        wait_for(lambda: self.logs.get_query_results(queryId=query_id)["status"] not in ("Scheduled", "Running"),
                 what=f"query {query_id}")
        return query_id

    def wait_exports_idle(self):
        wait_for(lambda: not any(self.logs.describe_export_tasks(statusCode=code)["exportTasks"]
                                 for code in ("PENDING", "RUNNING", "PENDING_CANCEL")), 120, "no active export task")

    def cancel_active_exports(self):
        for code in ("PENDING", "RUNNING"):
            for task in self.logs.describe_export_tasks(statusCode=code)["exportTasks"]:
                try:
                    self.logs.cancel_export_task(taskId=task["taskId"])
                except ClientError:
                    pass
        self.wait_exports_idle()

    def build(self):
        logs, server = self.logs, self.server
        # Destinations of subscriptions: an HTTP function, a delivery stream into a directory bucket.
        self.receiver = Receiver(free_port())
        function = server.admin_json("function", "create", "--account", ACCOUNT_A, "--name", "shapesfn",
                                     "--url", self.receiver.url, "--allow-private-network")
        self.receiver.secret = function["secret"]
        self.receiver.start()
        self.function_arn = function["arn"]
        self.bucket = "shapes-" + uuid.uuid4().hex[:10]
        bucket_dir = os.path.join(self.tmp, "bucket")
        os.makedirs(bucket_dir)
        server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", self.bucket, "--directory", bucket_dir)
        self.delivery_arn = server.admin_json(
            "delivery-stream", "create", "--account", ACCOUNT_A, "--name", "shapesfh" + uuid.uuid4().hex[:6],
            "--bucket", self.bucket, "--prefix", "fh/")["arn"]

        # The rich group: customer key, tags, class, deletion protection, retention, data protection policy, metric
        # filter with every option, two subscription filters, a transformer, two streams with events.
        self.key_arn = self.key()
        self.rich = self.group("rich", kmsKeyId=self.key_arn, tags={"team": "core", "env": "e2e"},
                               logGroupClass="STANDARD", deletionProtectionEnabled=True)
        self.rich_arn = self.arn(self.rich)
        logs.put_retention_policy(logGroupName=self.rich, retentionInDays=30)
        logs.put_data_protection_policy(logGroupIdentifier=self.rich,
                                        policyDocument=data_protection_document("EmailAddress"))
        # AWS refuses defaultValue together with dimensions: one filter has each.
        logs.put_metric_filter(
            logGroupName=self.rich, filterName="latency", filterPattern="{ $.latency > 0 }",
            metricTransformations=[{
                "metricName": "Latency", "metricNamespace": "Shapes/E2E", "metricValue": "$.latency",
                "dimensions": {"Service": "$.service"}, "unit": "Milliseconds"}],
            applyOnTransformedLogs=True)
        logs.put_metric_filter(
            logGroupName=self.rich, filterName="latency-default", filterPattern="{ $.latency > 0 }",
            metricTransformations=[{
                "metricName": "LatencyDefault", "metricNamespace": "Shapes/E2E", "metricValue": "$.latency",
                "defaultValue": 0.0, "unit": "Milliseconds"}])
        logs.put_subscription_filter(logGroupName=self.rich, filterName="to-function", filterPattern="",
                                     destinationArn=self.function_arn, distribution="Random",
                                     applyOnTransformedLogs=True)
        logs.put_subscription_filter(logGroupName=self.rich, filterName="to-firehose", filterPattern="{ $.latency > 0 }",
                                     destinationArn=self.delivery_arn,
                                     roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoFirehose")
        # The transformer is on a group of its own: with this binary, a group with a transformer and events fails
        # its reads (Zstd tooLarge), which would take the rich group's queries down with it.
        self.transformed = self.group("transformed")
        self.transformed_arn = self.arn(self.transformed)
        logs.put_transformer(logGroupIdentifier=self.transformed, transformerConfig=FULL_TRANSFORMER)
        for stream in ("s1", "s2"):
            logs.create_log_stream(logGroupName=self.rich, logStreamName=stream)
            self.put(self.rich, stream, [
                json.dumps({"service": "api", "latency": 10 + i, "user": f"u{i}", "email": "ann@example.com"})
                for i in range(5)])

        # A finished query over the rich group, with a pointer to one record.
        self.query_id = self.run_query(logGroupIdentifiers=[self.rich_arn], queryLanguage="CWLI", limit=5,
                                       queryString="fields @timestamp, @message, @ptr, latency | sort @timestamp desc")
        results = logs.get_query_results(queryId=self.query_id)
        assert results["status"] == "Complete" and results["results"], results
        self.pointer = next(f["value"] for f in results["results"][0] if f["field"] == "@ptr")
        self.definition_id = logs.put_query_definition(
            name=self.unique("def"), queryString="fields @message | filter service = {{service}} | limit 5",
            logGroupNames=[self.rich], queryLanguage="CWLI",
            parameters=[{"name": "service", "defaultValue": "api", "description": "the service"}])["queryDefinitionId"]

        # A log destination into another group, with tags and an access policy.
        self.target = self.group("target")
        self.destination = "shapes" + uuid.uuid4().hex[:8]
        self.destination_arn = logs.put_destination(
            destinationName=self.destination, targetArn=self.arn(self.target) + ":*",
            roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoDest", tags={"team": "core"})["destination"]["arn"]
        logs.put_destination_policy(destinationName=self.destination, accessPolicy=self.access_policy())

        # An account resource policy and a resource-scoped one on the rich group.
        logs.put_resource_policy(policyName="shapes-account", policyDocument=self.resource_policy())
        try:
            logs.put_resource_policy(resourceArn=self.rich_arn, policyDocument=self.resource_policy(self.rich_arn))
        except ClientError:
            pass  # the PutResourcePolicy test reports it

        # A big group whose export runs for many seconds, and a completed export of a small one.
        self.big = self.group("big")
        logs.create_log_stream(logGroupName=self.big, logStreamName="app")
        self.put(self.big, "app", [f"line {i} " + "x" * 120 for i in range(400)])
        self.small = self.group("small")
        logs.create_log_stream(logGroupName=self.small, logStreamName="app_1")
        self.put(self.small, "app_1", ["one event"])
        task = logs.create_export_task(taskName="completed", logGroupName=self.small, logStreamNamePrefix="app_",
                                       destination=self.bucket, destinationPrefix="done",
                                       **{"from": now_ms() - 3_600_000, "to": now_ms()})["taskId"]
        wait_for(lambda: logs.describe_export_tasks(taskId=task)["exportTasks"][0]["status"]["code"] == "COMPLETED",
                 120, "the small export")

    def access_policy(self):
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": [ACCOUNT_A]}, "Action": "logs:PutSubscriptionFilter",
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT_A}:destination:{self.destination}"}]})

    def resource_policy(self, resource=None):
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "Route53", "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": resource or f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:*"}]})


@pytest.fixture(scope="module")
def world():
    data_dir = make_data_dir()
    tmp = tempfile.mkdtemp(prefix="cairn-shapes-")
    os.chmod(tmp, 0o755)
    server = Server(data_dir, free_port(), extra_env={
        "CAIRN_SNS_PRIVATE_ENDPOINTS": "allow", "CAIRN_EXPORT_OBJECT_BYTES": "2048", "CAIRN_EXPORT_PAUSE_MS": "1000"})
    built = None
    try:
        server.start()
        server.enrol(KEYS["a_admin"])
        built = World(server, tmp)
        built.build()
        built.seen, built.bodies = {}, {}
        yield built
        write_report(built.seen, built.bodies)
    finally:
        if built is not None and getattr(built, "receiver", None) is not None and built.receiver.server:
            built.receiver.stop()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


def write_report(seen, bodies):
    report = {}
    for operation, paths in sorted(seen.items()):
        output = MODEL["operations"][operation].get("output", {}).get("shape")
        missing = sorted(all_member_paths(output) - paths) if output else []
        report[operation] = {"output": output, "seen": sorted(paths), "never_returned": missing,
                             "bodies": bodies.get(operation, [])}
    with open(REPORT_PATH, "w") as handle:
        json.dump(report, handle, indent=1)


# --- the calls -----------------------------------------------------------------------------------------------------
# Each scenario makes at least one successful call of its operation (with its own resources when the call changes
# or removes them); every response of that operation it gets is checked.

def s_create_log_group(w):
    w.logs.create_log_group(logGroupName=w.unique("create"), kmsKeyId=w.key(), tags={"a": "b"},
                            logGroupClass="STANDARD", deletionProtectionEnabled=False)


def s_delete_log_group(w):
    w.logs.delete_log_group(logGroupName=w.group("delete"))


def s_describe_log_groups(w):
    w.logs.describe_log_groups(logGroupNamePrefix=w.rich)
    w.logs.describe_log_groups(logGroupIdentifiers=[w.rich_arn, w.target])
    w.logs.describe_log_groups(logGroupNamePattern="shapes", limit=1, logGroupClass="STANDARD")


def s_put_resource_policy(w):
    w.logs.put_resource_policy(policyName="shapes-put", policyDocument=w.resource_policy())
    group = w.group("policy")
    w.logs.put_resource_policy(resourceArn=w.arn(group), policyDocument=w.resource_policy(w.arn(group)))


def s_describe_resource_policies(w):
    w.logs.describe_resource_policies()
    w.logs.describe_resource_policies(limit=1)
    w.logs.describe_resource_policies(resourceArn=w.rich_arn, policyScope="RESOURCE")


def s_delete_resource_policy(w):
    w.logs.put_resource_policy(policyName="shapes-delete", policyDocument=w.resource_policy())
    w.logs.delete_resource_policy(policyName="shapes-delete")


def s_put_data_protection_policy(w):
    w.logs.put_data_protection_policy(logGroupIdentifier=w.group("dpp"),
                                      policyDocument=data_protection_document("EmailAddress", "IpAddress"))


def s_get_data_protection_policy(w):
    w.logs.get_data_protection_policy(logGroupIdentifier=w.rich)
    w.logs.get_data_protection_policy(logGroupIdentifier=w.rich_arn)


def s_delete_data_protection_policy(w):
    group = w.group("dpp-delete")
    w.logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=data_protection_document("EmailAddress"))
    w.logs.delete_data_protection_policy(logGroupIdentifier=group)


def s_put_account_policy(w):
    w.logs.put_account_policy(policyName="shapes-tf", policyType="TRANSFORMER_POLICY",
                              policyDocument=json.dumps({"transformerConfig": TRANSFORMER}),
                              selectionCriteria='LogGroupNamePrefix IN ["/shapes-account-tf"]')
    w.logs.put_account_policy(policyName="shapes-dp", policyType="DATA_PROTECTION_POLICY",
                              policyDocument=data_protection_document("EmailAddress"))


def s_describe_account_policies(w):
    w.logs.put_account_policy(policyName="shapes-tf-described", policyType="TRANSFORMER_POLICY",
                              policyDocument=json.dumps(TRANSFORMER),
                              selectionCriteria='LogGroupNamePrefix IN ["/shapes-described-tf"]')
    w.logs.describe_account_policies(policyType="TRANSFORMER_POLICY")
    w.logs.describe_account_policies(policyType="FIELD_INDEX_POLICY")


def s_delete_account_policy(w):
    w.logs.put_account_policy(policyName="shapes-tf-delete", policyType="TRANSFORMER_POLICY",
                              policyDocument=json.dumps(TRANSFORMER),
                              selectionCriteria='LogGroupNamePrefix IN ["/shapes-deleted-tf"]')
    w.logs.delete_account_policy(policyName="shapes-tf-delete", policyType="TRANSFORMER_POLICY")


def s_put_transformer(w):
    w.logs.put_transformer(logGroupIdentifier=w.group("transformer"), transformerConfig=TRANSFORMER)


def s_get_transformer(w):
    w.logs.get_transformer(logGroupIdentifier=w.transformed)
    w.logs.get_transformer(logGroupIdentifier=w.transformed_arn)


def s_delete_transformer(w):
    group = w.group("transformer-delete")
    w.logs.put_transformer(logGroupIdentifier=group, transformerConfig=TRANSFORMER)
    w.logs.delete_transformer(logGroupIdentifier=group)


def s_test_transformer(w):
    w.logs.test_transformer(transformerConfig=TRANSFORMER,
                            logEventMessages=['{"a": 1, "b": {"c": "x"}}', '{"n": 2.5}', "not json"])


def s_list_log_groups(w):
    w.logs.list_log_groups(logGroupNamePattern="rich")
    w.logs.list_log_groups(logGroupNamePattern="shapes", limit=1, logGroupClass="STANDARD")


def s_put_retention_policy(w):
    w.logs.put_retention_policy(logGroupName=w.group("retention"), retentionInDays=14)


def s_delete_retention_policy(w):
    group = w.group("retention-delete")
    w.logs.put_retention_policy(logGroupName=group, retentionInDays=14)
    w.logs.delete_retention_policy(logGroupName=group)


def s_put_log_group_deletion_protection(w):
    group = w.group("protect")
    w.logs.put_log_group_deletion_protection(logGroupIdentifier=group, deletionProtectionEnabled=True)
    w.logs.put_log_group_deletion_protection(logGroupIdentifier=w.arn(group), deletionProtectionEnabled=False)


def s_create_log_stream(w):
    w.logs.create_log_stream(logGroupName=w.rich, logStreamName="created-" + uuid.uuid4().hex[:6])


def s_delete_log_stream(w):
    w.logs.create_log_stream(logGroupName=w.rich, logStreamName="deleted")
    w.logs.delete_log_stream(logGroupName=w.rich, logStreamName="deleted")


def s_describe_log_streams(w):
    w.logs.describe_log_streams(logGroupName=w.rich)
    w.logs.describe_log_streams(logGroupIdentifier=w.rich_arn, orderBy="LastEventTime", descending=True, limit=1)
    w.logs.describe_log_streams(logGroupName=w.rich, logStreamNamePrefix="s", limit=1)
    w.logs.describe_log_streams(logGroupName=w.target)  # none


def s_put_log_events(w):
    group = w.group("put")
    w.logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    w.logs.create_log_stream(logGroupName=group, logStreamName="s")
    t = now_ms()
    w.logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": t, "message": "ok"}])
    # Rejections: one too old (15 days), one expired (2 days, retention 1 day), one too new (3 hours ahead).
    w.logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t - 15 * 86_400_000, "message": "too old"},
        {"timestamp": t - 2 * 86_400_000, "message": "expired"},
        {"timestamp": t + 1, "message": "accepted"},
        {"timestamp": t + 3 * 3_600_000, "message": "too new"}])
    # An entity whose key attributes AWS refuses (no Type): AWS answers with rejectedEntityInfo.
    w.logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": t + 2, "message": "e"}],
                          entity={"keyAttributes": {"Name": "x"}, "attributes": {"PlatformType": "Generic"}})


def s_get_log_events(w):
    w.logs.get_log_events(logGroupName=w.rich, logStreamName="s1", startFromHead=True)
    w.logs.get_log_events(logGroupIdentifier=w.rich_arn, logStreamName="s1", limit=2, unmask=True,
                          startTime=now_ms() - 3_600_000, endTime=now_ms() + 60_000)
    w.logs.create_log_stream(logGroupName=w.target, logStreamName="empty-" + uuid.uuid4().hex[:6])
    w.logs.get_log_events(logGroupName=w.target, logStreamName=w.logs.describe_log_streams(
        logGroupName=w.target)["logStreams"][0]["logStreamName"])  # no events


def s_filter_log_events(w):
    w.logs.filter_log_events(logGroupName=w.rich, logStreamNames=["s1", "s2"], filterPattern="{ $.latency > 11 }")
    w.logs.filter_log_events(logGroupIdentifier=w.rich_arn, logStreamNamePrefix="s", limit=1, unmask=True,
                             startTime=now_ms() - 3_600_000, endTime=now_ms() + 60_000)
    w.logs.filter_log_events(logGroupName=w.rich, filterPattern="NOTHINGMATCHESTHIS", interleaved=True)


def s_associate_kms_key(w):
    w.logs.associate_kms_key(logGroupName=w.group("associate"), kmsKeyId=w.key())


def s_disassociate_kms_key(w):
    w.logs.disassociate_kms_key(logGroupName=w.group("disassociate", kmsKeyId=w.key()))


def s_put_metric_filter(w):
    w.logs.put_metric_filter(
        logGroupName=w.rich, filterName="put-" + uuid.uuid4().hex[:6], filterPattern="[ip, user, status]",
        metricTransformations=[{"metricName": "Status", "metricNamespace": "Shapes/E2E", "metricValue": "$status",
                                "dimensions": {"User": "$user"}, "unit": "Count"}])
    w.logs.put_metric_filter(
        logGroupName=w.rich, filterName="put-" + uuid.uuid4().hex[:6], filterPattern="[ip, user, status]",
        metricTransformations=[{"metricName": "Status", "metricNamespace": "Shapes/E2E", "metricValue": "$status",
                                "defaultValue": 1.5, "unit": "Count"}])


def s_delete_metric_filter(w):
    group = w.group("mf-delete")
    w.logs.put_metric_filter(logGroupName=group, filterName="gone", filterPattern="ERROR",
                             metricTransformations=[{"metricName": "E", "metricNamespace": "N", "metricValue": "1"}])
    w.logs.delete_metric_filter(logGroupName=group, filterName="gone")


def s_describe_metric_filters(w):
    w.logs.describe_metric_filters(logGroupName=w.rich)
    w.logs.describe_metric_filters(metricName="Latency", metricNamespace="Shapes/E2E")
    w.logs.describe_metric_filters(logGroupName=w.rich, filterNamePrefix="lat", limit=1)
    w.logs.describe_metric_filters(logGroupName=w.target)  # none


def s_test_metric_filter(w):
    w.logs.test_metric_filter(filterPattern="[ip, user, status]",
                              logEventMessages=["10.0.0.1 ann 200", "10.0.0.2 bob 404", "junk"])
    w.logs.test_metric_filter(filterPattern="{ $.latency > 5 }",
                              logEventMessages=['{"latency": 10, "a": {"b": "c"}}', '{"latency": 1}'])


def s_put_subscription_filter(w):
    group = w.group("subscribe")
    w.logs.put_subscription_filter(logGroupName=group, filterName="to-destination", filterPattern="ERROR",
                                   destinationArn=w.destination_arn, distribution="ByLogStream")


def s_delete_subscription_filter(w):
    group = w.group("unsubscribe")
    w.logs.put_subscription_filter(logGroupName=group, filterName="gone", filterPattern="",
                                   destinationArn=w.function_arn)
    w.logs.delete_subscription_filter(logGroupName=group, filterName="gone")


def s_describe_subscription_filters(w):
    w.logs.describe_subscription_filters(logGroupName=w.rich)
    w.logs.describe_subscription_filters(logGroupName=w.rich, filterNamePrefix="to-", limit=1)
    w.logs.describe_subscription_filters(logGroupName=w.target)  # none


def s_put_destination(w):
    w.logs.put_destination(destinationName="put" + uuid.uuid4().hex[:8], targetArn=w.arn(w.target) + ":*",
                           roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWL", tags={"k": "v"})
    # An update of an existing destination (it has a policy).
    w.logs.put_destination(destinationName=w.destination, targetArn=w.arn(w.target) + ":*",
                           roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoDest")


def s_put_destination_policy(w):
    w.logs.put_destination_policy(destinationName=w.destination, accessPolicy=w.access_policy(), forceUpdate=True)


def s_describe_destinations(w):
    w.logs.describe_destinations()
    w.logs.describe_destinations(DestinationNamePrefix="shapes", limit=1)
    w.logs.put_destination(destinationName="shapes-page" + uuid.uuid4().hex[:6], targetArn=w.arn(w.target) + ":*",
                           roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWL")
    w.logs.describe_destinations(limit=1)


def s_delete_destination(w):
    name = "del" + uuid.uuid4().hex[:8]
    w.logs.put_destination(destinationName=name, targetArn=w.arn(w.target) + ":*",
                           roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWL")
    w.logs.delete_destination(destinationName=name)


def s_tag_log_group(w):
    w.logs.tag_log_group(logGroupName=w.group("tag"), tags={"a": "1", "b": "2"})


def s_untag_log_group(w):
    group = w.group("untag", tags={"a": "1", "b": "2"})
    w.logs.untag_log_group(logGroupName=group, tags=["a"])


def s_list_tags_log_group(w):
    w.logs.list_tags_log_group(logGroupName=w.rich)


def s_tag_resource(w):
    w.logs.tag_resource(resourceArn=w.arn(w.group("tagres")), tags={"a": "1"})
    w.logs.tag_resource(resourceArn=w.destination_arn, tags={"extra": "1"})


def s_untag_resource(w):
    group = w.group("untagres", tags={"a": "1", "b": "2"})
    w.logs.untag_resource(resourceArn=w.arn(group), tagKeys=["a"])
    w.logs.untag_resource(resourceArn=w.destination_arn, tagKeys=["extra"])


def s_list_tags_for_resource(w):
    w.logs.list_tags_for_resource(resourceArn=w.rich_arn)
    w.logs.list_tags_for_resource(resourceArn=w.destination_arn)


def s_start_query(w):
    w.run_query(logGroupIdentifiers=[w.rich_arn], queryLanguage="CWLI", limit=10,
                queryString="stats count(*) as n, avg(latency) as mean by service")
    w.run_query(logGroupNames=[w.rich, w.target], queryString="fields @message | limit 1")


def s_get_query_results(w):
    w.logs.get_query_results(queryId=w.query_id)
    w.logs.get_query_results(queryId=w.query_id, maxItems=1)
    stats = w.run_query(logGroupName=w.rich, queryString="stats count(*) as n, avg(latency) as mean by service")
    w.logs.get_query_results(queryId=stats)
    # A query stopped at once (Cancelled, or Complete when the worker was faster).
    stopped = w.logs.start_query(logGroupName=w.big, startTime=0, endTime=int(time.time()) + 60,
                                 queryString="fields @message")["queryId"]
    try:
        w.logs.stop_query(queryId=stopped)
    except ClientError:
        pass
    w.logs.get_query_results(queryId=stopped)


def s_stop_query(w):
    for _ in range(30):
        query_id = w.logs.start_query(logGroupName=w.big, startTime=0, endTime=int(time.time()) + 60,
                                      queryString="fields @message | sort @timestamp desc")["queryId"]
        try:
            w.logs.stop_query(queryId=query_id)
            return
        except ClientError as error:  # the worker was faster: try again
            if error.response["Error"]["Code"] != "InvalidParameterException":
                raise
    raise AssertionError("StopQuery never found a query still running")


def s_describe_queries(w):
    w.logs.describe_queries()
    w.logs.describe_queries(logGroupName=w.rich, status="Complete", maxResults=1, queryLanguage="CWLI")


def s_list_log_groups_for_query(w):
    w.logs.list_log_groups_for_query(queryId=w.query_id)
    w.logs.list_log_groups_for_query(queryId=w.query_id, maxResults=50)


def s_put_query_definition(w):
    definition = w.logs.put_query_definition(name=w.unique("def-put"), queryString="fields @message",
                                             logGroupNames=[w.rich], queryLanguage="CWLI",
                                             clientToken=str(uuid.uuid4()))["queryDefinitionId"]
    w.logs.put_query_definition(queryDefinitionId=definition, name=w.unique("def-put"), queryString="fields 1")


def s_describe_query_definitions(w):
    w.logs.describe_query_definitions()
    w.logs.describe_query_definitions(queryDefinitionNamePrefix="/shapes/def", maxResults=1, queryLanguage="CWLI")


def s_delete_query_definition(w):
    definition = w.logs.put_query_definition(name=w.unique("def-delete"), queryString="fields 1")["queryDefinitionId"]
    w.logs.delete_query_definition(queryDefinitionId=definition)


def s_get_log_group_fields(w):
    w.logs.get_log_group_fields(logGroupName=w.rich)
    w.logs.get_log_group_fields(logGroupIdentifier=w.rich_arn, time=int(time.time()))
    w.logs.get_log_group_fields(logGroupName=w.group("no-events"))


def s_get_log_record(w):
    w.logs.get_log_record(logRecordPointer=w.pointer)
    w.logs.get_log_record(logRecordPointer=w.pointer, unmask=True)


def s_create_export_task(w):
    w.wait_exports_idle()
    try:
        w.logs.create_export_task(taskName="created", logGroupName=w.big, logStreamNamePrefix="app",
                                  destination=w.bucket, destinationPrefix="created",
                                  **{"from": now_ms() - 3_600_000, "to": now_ms()})
    finally:
        w.cancel_active_exports()


def s_describe_export_tasks(w):
    w.logs.describe_export_tasks()
    w.logs.describe_export_tasks(statusCode="COMPLETED", limit=1)
    w.logs.describe_export_tasks(limit=1)


def s_cancel_export_task(w):
    w.wait_exports_idle()
    task = w.logs.create_export_task(logGroupName=w.big, destination=w.bucket,
                                     **{"from": now_ms() - 3_600_000, "to": now_ms()})["taskId"]
    try:
        w.logs.cancel_export_task(taskId=task)
    finally:
        w.wait_exports_idle()
    w.logs.describe_export_tasks(taskId=task)


SCENARIOS = {name: globals()["s_" + "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")]
             for name in OPERATIONS if name not in SKIPPED}


def _params():
    for operation in OPERATIONS:
        if operation in SKIPPED:
            yield pytest.param(operation, marks=pytest.mark.skip(reason=SKIPPED[operation]), id=operation)
        else:
            yield pytest.param(operation, id=operation)


def test_every_registered_operation_is_covered():
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "CairnLogs", "LogsOperations.swift")) as f:
        source = f.read()
    registered = set(regex.findall(r'\.logs, "([A-Za-z]+)"', source))
    assert registered == set(OPERATIONS)
    assert all(op in MODEL["operations"] for op in OPERATIONS)


@pytest.mark.parametrize("operation", list(_params()))
def test_response_matches_the_model(world, operation):
    w = world
    w.recorder.clear()
    SCENARIOS[operation](w)
    responses = [r for r in w.recorder.of(operation) if 200 <= r[1] < 300]
    assert responses, f"no successful {operation} response was recorded"
    problems = []
    seen = w.seen.setdefault(operation, set())
    w.bodies.setdefault(operation, [b.decode("utf-8", "replace") for _, _, _, b in responses])
    for i, (_, status, headers, body) in enumerate(responses):
        found, paths = check_response(operation, status, headers, body)
        seen |= paths
        problems += [f"call {i + 1}: {p}" for p in found]
    assert not problems, f"{operation}: {len(problems)} mismatch(es) with {os.path.basename(MODEL_PATH)} " \
                         f"(botocore {botocore.__version__}):\n" + "\n".join(problems)


def _mutations(document):
    """Copies of a real body, each with one defect: an unknown member in the first object at every depth, and the
    first integer, string and boolean anywhere sent as another JSON type. Yields (defect, path, body)."""
    def objects(value, path):
        if isinstance(value, dict):
            yield path, value
            for key, item in value.items():
                yield from objects(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from objects(item, f"{path}[{i}]")

    def scalars(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from scalars(item, f"{path}.{key}") if isinstance(item, (dict, list)) else [(value, key, item,
                                                                                                   f"{path}.{key}")]
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    yield from scalars(item, f"{path}[{i}]")

    for path, _ in objects(document, "$"):
        copy = json.loads(json.dumps(document))
        target = dict(objects(copy, "$"))[path]
        target["cairnUnknownMember"] = 1
        yield "unknown member", f"{path}.cairnUnknownMember", copy
    done = set()
    for owner, key, value, path in scalars(document, "$"):
        kind = type(value).__name__
        if kind in done or isinstance(owner, list):
            continue
        done.add(kind)
        copy = json.loads(json.dumps(document))
        holder = dict(objects(copy, "$"))[path.rsplit(".", 1)[0]]
        holder[key] = {"int": str(value), "str": 7, "bool": "true", "float": str(value)}.get(kind, None)
        yield f"{kind} sent as another type", path, copy


def test_the_checker_catches_defects_injected_into_the_real_responses(world):
    """Run after the operations: every recorded body, once with each injected defect, must be refused at the
    defect's path (a map's keys are free-form, so an unknown member injected into a map is not a defect)."""
    if not world.bodies:
        pytest.skip("uses the bodies the operation tests recorded: run them in the same session")
    headers = {"content-type": JSON_CONTENT_TYPE, "x-amzn-requestid": "r"}
    missed = []
    for operation, bodies in world.bodies.items():
        if not MODEL["operations"][operation].get("output"):
            continue
        for body in bodies:
            for defect, path, copy in _mutations(json.loads(body)):
                problems, _ = check_response(operation, 200, headers, json.dumps(copy).encode())
                if defect == "unknown member" and not problems:
                    # Only acceptable where the object is a map (tags, dimensions, extractedValues, logRecord).
                    continue
                # A map's value is reported as path["key"]; the mutation names it path.key.
                if not any(p.replace('["', ".").replace('"]', "").startswith(path) for p in problems):
                    missed.append(f"{operation} {defect} at {path}: {problems}")
    assert not missed, "\n".join(missed)
