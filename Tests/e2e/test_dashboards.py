"""CloudWatch dashboards through boto3 (CBOR, botocore's protocol for CloudWatch) and the aws CLI: a body is checked
as AWS documents it and its problems are answered as `DashboardValidationMessages`; dashboards are per account."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import KEYS

BODY = {
    "widgets": [
        {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
         "properties": {"metrics": [["App", "Latency", "Service", "api", {"stat": "p99"}]], "period": 60,
                        "region": "us-east-1", "title": "latency"}},
        {"type": "log", "x": 12, "y": 0, "width": 12, "height": 6,
         "properties": {"query": "SOURCE '/app' | stats count(*) by bin(5m)", "region": "us-east-1",
                        "view": "timeSeries"}},
        {"type": "text", "x": 0, "y": 6, "width": 24, "height": 2, "properties": {"markdown": "# Hello"}},
    ]
}


@pytest.fixture
def cloudwatch_a(server):
    return server.client(KEYS["a_admin"], service="cloudwatch")


def test_put_get_list_delete(server, cloudwatch_a):
    reply = cloudwatch_a.put_dashboard(DashboardName="ops-main", DashboardBody=json.dumps(BODY))
    assert reply["DashboardValidationMessages"] == []
    got = cloudwatch_a.get_dashboard(DashboardName="ops-main")
    assert json.loads(got["DashboardBody"]) == BODY
    assert got["DashboardArn"] == "arn:aws:cloudwatch::111111111111:dashboard/ops-main"
    cloudwatch_a.put_dashboard(DashboardName="ops-second", DashboardBody=json.dumps({"widgets": []}))
    cloudwatch_a.put_dashboard(DashboardName="other", DashboardBody=json.dumps({"widgets": []}))
    listed = cloudwatch_a.list_dashboards(DashboardNamePrefix="ops-")["DashboardEntries"]
    assert [entry["DashboardName"] for entry in listed] == ["ops-main", "ops-second"]
    assert listed[0]["Size"] == len(json.dumps(BODY).encode())
    assert listed[0]["LastModified"].year >= 2024

    # Another account sees none of them; a reader may look, not change.
    other = server.client(KEYS["b_admin"], service="cloudwatch")
    assert other.list_dashboards(DashboardNamePrefix="ops-")["DashboardEntries"] == []
    reader = server.client(KEYS["a_reader"], service="cloudwatch")
    assert reader.get_dashboard(DashboardName="ops-main")["DashboardName"] == "ops-main"
    with pytest.raises(ClientError) as denied:
        reader.delete_dashboards(DashboardNames=["ops-main"])
    assert denied.value.response["Error"]["Code"] == "AccessDenied" or "AccessDenied" in str(denied.value)

    # As many as exist are deleted; a name that does not is no error (the current service model).
    cloudwatch_a.delete_dashboards(DashboardNames=["ops-main", "ops-second", "other", "nope"])
    with pytest.raises(ClientError) as gone:
        cloudwatch_a.get_dashboard(DashboardName="ops-main")
    assert gone.value.response["Error"]["Code"] == "ResourceNotFound"


@pytest.mark.parametrize(
    "body, path",
    [
        ("not json", ""),
        ({"widgets": [{"type": "metric", "properties": {}}]}, "/widgets/0/properties"),
        ({"widgets": [{"type": "chart", "properties": {}}]}, "/widgets/0/type"),
        ({"widgets": [{"type": "text", "width": 25, "properties": {"markdown": "x"}}]}, "/widgets/0/width"),
        ({"widgets": [{"type": "metric", "properties": {"metrics": [["A", 5]]}}]}, "/widgets/0/properties/metrics/0/1"),
        ({"widgets": [{"type": "log", "properties": {}}]}, "/widgets/0/properties"),
        ({"nothing": []}, ""),
    ],
)
def test_bad_bodies_say_where(cloudwatch_a, body, path):
    with pytest.raises(ClientError) as caught:
        cloudwatch_a.put_dashboard(DashboardName="bad", DashboardBody=body if isinstance(body, str) else json.dumps(body))
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterInput", caught.value.response
    assert error["Message"].startswith("The dashboard body is invalid, there are "), error
    messages = caught.value.response.get("dashboardValidationMessages", [])
    assert path in [m["DataPath"] for m in messages], caught.value.response
    with pytest.raises(ClientError):
        cloudwatch_a.get_dashboard(DashboardName="bad")


def test_invalid_name_is_refused(cloudwatch_a):
    with pytest.raises(ClientError) as caught:
        cloudwatch_a.put_dashboard(DashboardName="has space", DashboardBody=json.dumps({"widgets": []}))
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert caught.value.response["Error"]["Message"] == (
        "The value has space for field DashboardName contains invalid characters. "
        "It can only contain alphanumerics, dash (-) and underscore (_).")


def test_aws_cli_round_trip(server):
    body = json.dumps({"widgets": [{"type": "text", "properties": {"markdown": "cli"}}]})
    server.aws(KEYS["a_admin"], "cloudwatch", "put-dashboard", "--dashboard-name", "from-cli", "--dashboard-body", body)
    out = json.loads(server.aws(KEYS["a_admin"], "cloudwatch", "get-dashboard", "--dashboard-name", "from-cli").stdout)
    assert json.loads(out["DashboardBody"]) == json.loads(body)
    server.aws(KEYS["a_admin"], "cloudwatch", "delete-dashboards", "--dashboard-names", "from-cli")
