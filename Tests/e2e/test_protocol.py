"""AWS JSON 1.1 framing: targets, bodies, sizes, request ids, health and metrics."""

import json
import urllib.request

import sigv4
from conftest import KEYS


def test_unknown_operation(server):
    status, headers, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.FlyToTheMoon", b"{}")
    assert status == 400
    assert reply["__type"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Nope_2020.DescribeLogGroups", b"{}")
    assert reply["__type"] == "UnknownOperationException"


def test_body_that_is_not_json(server):
    for body in (b"not json", b"[1, 2]", b'{"logGroupName": '):
        status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.CreateLogGroup", body)
        assert status == 400 and reply["__type"] == "SerializationException", body


def test_field_of_the_wrong_type(server, logs_a, name):
    cases = [
        ("Logs_20140328.CreateLogGroup", {"logGroupName": 42}),
        ("Logs_20140328.DescribeLogGroups", {"limit": "5"}),
        ("Logs_20140328.CreateLogGroup", {"logGroupName": name, "tags": ["a"]}),
        ("Logs_20140328.DescribeLogStreams", {"logGroupName": name, "descending": "yes"}),
    ]
    for target, payload in cases:
        status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], target, json.dumps(payload).encode())
        assert status == 400 and reply["__type"] == "SerializationException", payload
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []


def test_oversized_body_is_refused_and_server_lives(server):
    body = b'{"logGroupName": "' + b"a" * 1_600_000 + b'"}'
    status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.CreateLogGroup", body)
    assert status == 413
    assert reply["__type"] == "RequestEntityTooLargeException"
    status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.DescribeLogGroups", b"{}")
    assert status == 200


def test_every_response_has_a_request_id(server, logs_a):
    response = logs_a.describe_log_groups(limit=1)
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert response["ResponseMetadata"]["RequestId"]
    _, headers, _ = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.Nope", b"{}")
    assert headers["x-amzn-RequestId"]


def test_empty_body_means_no_parameters(server):
    status, _, reply = sigv4.call(server.endpoint, KEYS["a_admin"], "Logs_20140328.DescribeLogGroups", b"")
    assert status == 200 and "logGroups" in reply


def test_health_and_metrics(server, logs_a):
    with urllib.request.urlopen(server.endpoint + "/health/live") as response:
        assert response.status == 200
    with urllib.request.urlopen(server.endpoint + "/health/ready") as response:
        assert response.status == 200
    logs_a.describe_log_groups(limit=1)
    with urllib.request.urlopen(server.endpoint + "/metrics") as response:
        text = response.read().decode()
    assert "cairn_requests_total" in text
    assert 'operation="DescribeLogGroups"' in text
