"""Log text never reaches PostgreSQL in clear, whichever feature carries it: one marker written in events goes
through a metric filter's dimension, a Logs Insights query's stored results, a delivery stream's buffer (a
subscription to it), an export task and the audit trail, and a grep of everything PostgreSQL wrote (tables,
indexes, WAL, its log) never finds it, while it finds configuration stored readable."""

import json
import os
import subprocess
import time
import uuid

from conftest import ACCOUNT_A
from processes import wait_for
from test_insights import rows, run


def sql(server, statement):
    out = subprocess.run(
        ["psql", "-h", os.path.join(server.data_dir, "run"), "-U", "cairn", "-d", "cairn", "-tAc", statement],
        capture_output=True, text=True, check=True)
    return out.stdout.strip()


def grep(server, needle):
    subprocess.run(["sync"])
    return subprocess.run(
        ["grep", "-r", "-l", "-a", "-F", needle, os.path.join(server.data_dir, "postgres"),
         os.path.join(server.data_dir, "postgres.log")], capture_output=True, text=True)


def test_a_marker_is_nowhere_in_postgresql_whatever_carries_it(server, logs_a, name, tmp_path):
    marker = "cairn-everywhere-" + uuid.uuid4().hex
    namespace = "Everywhere/" + uuid.uuid4().hex[:8]
    bucket = "everywhere-" + uuid.uuid4().hex[:8]
    server.admin("bucket", "add", "--account", ACCOUNT_A, "--name", bucket, "--directory", str(tmp_path / "bucket"))
    os.makedirs(tmp_path / "bucket", exist_ok=True)
    stream_arn = server.admin_json("delivery-stream", "create", "--account", ACCOUNT_A, "--name",
                                   "everywhere-" + uuid.uuid4().hex[:8], "--bucket", bucket, "--buffer-seconds",
                                   "900")["arn"]
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_metric_filter(
        logGroupName=name, filterName="by-user", filterPattern="{ $.user = * }",
        metricTransformations=[{"metricName": "Requests", "metricNamespace": namespace, "metricValue": "1",
                                "dimensions": {"user": "$.user"}}])
    logs_a.put_subscription_filter(logGroupName=name, filterName="all", filterPattern="", destinationArn=stream_arn,
                                   roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CWLtoFirehose")
    start = int(time.time() * 1000) - 1000
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": start, "message": json.dumps({"user": marker, "note": f"secret {marker} payload"})}])

    # Each carrier has its copy: the delivery stream's buffer, the metric, the query's results, the export.
    wait_for(lambda: int(sql(server, "SELECT count(*) FROM delivery_stream_records")) > 0, 60,
             what="the subscription's record in the delivery stream's buffer")
    response = run(logs_a, "fields @message, concat(@message, '!') as shouted", start, logGroupName=name)
    assert marker in rows(response)[0]["shouted"]
    task = logs_a.create_export_task(**{"logGroupName": name, "from": start - 1, "to": start + 1,
                                        "destination": bucket})["taskId"]
    wait_for(lambda: logs_a.describe_export_tasks(taskId=task)["exportTasks"][0]["status"]["code"] == "COMPLETED",
             120, what="the export task")
    exported = [os.path.join(root, f) for root, _, files in os.walk(tmp_path / "bucket") for f in files
                if f.endswith(".gz")]
    assert exported  # the export itself carries the marker to the bucket, as it should
    assert int(sql(server, "SELECT count(*) FROM metric_series WHERE namespace = '" + namespace + "'")) == 1
    assert int(sql(server, "SELECT count(*) FROM kms_audit")) > 0  # the audit trail recorded the uses

    found = grep(server, marker)
    assert found.returncode == 1, f"log text found in: {found.stdout}"
    assert grep(server, namespace).returncode == 0  # configuration is stored readable: the search works
