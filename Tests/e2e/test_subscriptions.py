"""Subscription filters: matching events leave Cairn for an HTTP function as AWS sends them to Lambda,
at least once, through receivers that are down and workers that are killed."""

import shutil
import signal
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_A, KEYS, Key, Server, api_with_workers, free_port, make_data_dir
from receiver import Receiver


def now_ms():
    return int(time.time() * 1000)


def make_function(server, account, name, url, private=True):
    return server.admin_json("function", "create", "--account", account, "--name", name, "--url", url,
                             *(["--allow-private-network"] if private else []))


@pytest.fixture
def receiver(server, request):
    receiver = Receiver(free_port())
    function = make_function(server, ACCOUNT_A, f"fn{abs(hash(request.node.name)) % 10**8}", receiver.url)
    receiver.secret = function["secret"]
    receiver.start()
    receiver.arn = function["arn"]
    yield receiver
    receiver.stop()


def test_only_matching_events_are_delivered_in_aws_format(logs_a, receiver, name):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="app")
    logs_a.put_subscription_filter(
        logGroupName=name, filterName="errors", filterPattern="{ $.level = \"ERROR\" }", destinationArn=receiver.arn)
    assert receiver.wait_for(lambda: receiver.control_messages())
    control = receiver.control_messages()[0]
    assert control["owner"] == "CloudwatchLogs" and "CWL CONTROL MESSAGE" in control["logEvents"][0]["message"]

    t = now_ms()
    messages = ['{"level": "INFO", "n": 1}', '{"level": "ERROR", "n": 2}', "plain ERROR text",
                '{"level": "ERROR", "n": 4, "text": "ünïcode \\"quoted\\""}']
    logs_a.put_log_events(logGroupName=name, logStreamName="app",
                          logEvents=[{"timestamp": t + i, "message": m} for i, m in enumerate(messages)])
    logs_a.put_log_events(logGroupName=name, logStreamName="app",
                          logEvents=[{"timestamp": t + 10, "message": '{"level": "DEBUG"}'}])
    # One stream's batches are delivered in order: once the sentinel batch is in, the DEBUG batch had its turn.
    sentinel = '{"level": "ERROR", "n": "sentinel"}'
    logs_a.put_log_events(logGroupName=name, logStreamName="app",
                          logEvents=[{"timestamp": t + 20, "message": sentinel}])
    assert receiver.wait_for(lambda: any(e["message"] == sentinel for e in receiver.data_events()))
    data = [m for m in receiver.messages if m["messageType"] == "DATA_MESSAGE"]
    assert len(data) == 2 and receiver.bad_signatures == 0
    assert [e["message"] for e in data[1]["logEvents"]] == [sentinel]
    message = data[0]
    assert message["owner"] == ACCOUNT_A and message["logGroup"] == name and message["logStream"] == "app"
    assert message["subscriptionFilters"] == ["errors"]
    assert [(e["timestamp"], e["message"]) for e in message["logEvents"]] == [(t + 1, messages[1]), (t + 3, messages[3])]
    stored = logs_a.filter_log_events(logGroupName=name, filterPattern='{ $.level = "ERROR" }')["events"]
    assert [e["eventId"] for e in stored] == [e["id"] for m in data for e in m["logEvents"]]

    described = logs_a.describe_subscription_filters(logGroupName=name)["subscriptionFilters"]
    assert [(f["filterName"], f["destinationArn"], f["distribution"]) for f in described] == [
        ("errors", receiver.arn, "ByLogStream")]
    logs_a.delete_subscription_filter(logGroupName=name, filterName="errors")
    assert logs_a.describe_subscription_filters(logGroupName=name)["subscriptionFilters"] == []
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_subscription_filter(logGroupName=name, filterName="errors")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_subscription_filter_rules(server, logs_a, logs_b, receiver, name):
    logs_a.create_log_group(logGroupName=name)
    for filter_name in ("one", "two"):
        logs_a.put_subscription_filter(logGroupName=name, filterName=filter_name, filterPattern="",
                                       destinationArn=receiver.arn)
    logs_a.put_subscription_filter(logGroupName=name, filterName="two", filterPattern="ERROR",
                                   destinationArn=receiver.arn)  # replacing is not adding

    def refused(client, code, **changes):
        args = dict(logGroupName=name, filterName="three", filterPattern="", destinationArn=receiver.arn)
        args.update(changes)
        with pytest.raises(ClientError) as excinfo:
            client.put_subscription_filter(**args)
        assert excinfo.value.response["Error"]["Code"] == code, excinfo.value.response
        return excinfo.value.response["Error"]["Message"]

    assert refused(logs_a, "LimitExceededException") == "Resource limit exceeded."
    logs_a.delete_subscription_filter(logGroupName=name, filterName="one")
    message = refused(logs_a, "InvalidParameterException",
                      destinationArn=receiver.arn.replace(receiver.arn.split(":")[-1], "missing"))
    assert message.startswith("Could not execute the lambda function")
    refused(logs_a, "InvalidParameterException", filterPattern="{ $.a = ")
    refused(logs_a, "ResourceNotFoundException", logGroupName=name + "-missing")
    # Another account cannot point at account A's function.
    logs_b.create_log_group(logGroupName=name)
    refused(logs_b, "InvalidParameterException")


def test_receiver_down_for_30_seconds_loses_nothing(logs_a, receiver, name):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_subscription_filter(logGroupName=name, filterName="all", filterPattern="", destinationArn=receiver.arn)
    assert receiver.wait_for(lambda: receiver.control_messages())
    receiver.stop()
    sent = []
    for batch in range(10):
        events = [{"timestamp": now_ms(), "message": f"b{batch} e{i}"} for i in range(20)]
        logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=events)
        sent += [e["message"] for e in events]
        time.sleep(3)
    receiver.start()
    assert receiver.wait_for(lambda: {e["message"] for e in receiver.data_events()} >= set(sent), timeout=240)
    assert sorted({e["message"] for e in receiver.data_events()}) == sorted(sent)
    # One stream's batches arrive in the order they were written, retries included.
    assert list(dict.fromkeys(e["message"] for e in receiver.data_events())) == sent


def test_worker_killed_mid_delivery_loses_nothing(receiver):
    """An API process and a worker process share one database; the worker is SIGKILLed while deliveries are in
    flight, a new one takes over, and every event arrives (duplicates allowed, counted)."""
    account = "666666666666"
    key = Key(account, "AKIAE2ESUBSCRIBER001", "secret-subscriber-0000000000001", "admin")
    with api_with_workers(key) as (api, start_worker):
        function = make_function(api, account, "slow", receiver.url)
        receiver.secret = function["secret"]
        receiver.delay = 0.5
        logs = api.client(key)
        logs.create_log_group(logGroupName="/kill")
        logs.create_log_stream(logGroupName="/kill", logStreamName="s")
        logs.put_subscription_filter(logGroupName="/kill", filterName="all", filterPattern="",
                                     destinationArn=function["arn"])
        first = start_worker()
        sent = []

        def put(batches):
            for batch in batches:
                events = [{"timestamp": now_ms(), "message": f"k{batch} e{i}"} for i in range(10)]
                logs.put_log_events(logGroupName="/kill", logStreamName="s", logEvents=events)
                sent.extend(e["message"] for e in events)

        # Batches written while a slow delivery is out wait for it, and then go out together (coalesced): the
        # worker dies with deliveries in flight and batches still queued, some written after its death.
        put(range(15))
        assert receiver.wait_for(lambda: len(receiver.data_events()) >= 20, timeout=120)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
        delivered_before = len(receiver.data_events())
        put(range(15, 30))
        assert delivered_before < len(sent)
        start_worker()
        assert receiver.wait_for(lambda: {e["message"] for e in receiver.data_events()} >= set(sent), timeout=300)
        received = [e["message"] for e in receiver.data_events()]
        assert set(received) == set(sent)
        duplicates = len(received) - len(set(received))
        print(f"delivered {len(received)} events for {len(sent)} sent: {duplicates} duplicates after the SIGKILL")
        jobs = api.admin_json("jobs", "list")
        assert all(q["deadLetters"] == 0 for q in jobs)


def test_cross_account_destination_centralizes_logs_when_its_policy_allows(logs_a, logs_b, name):
    from conftest import ACCOUNT_B

    central = name + "/central"
    logs_b.create_log_group(logGroupName=central)
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT_B}:log-group:{central}:*"
    created = logs_b.put_destination(destinationName="central", targetArn=group_arn,
                                     roleArn=f"arn:aws:iam::{ACCOUNT_B}:role/CWLtoCentral")["destination"]
    arn = created["arn"]
    assert arn == f"arn:aws:logs:us-east-1:{ACCOUNT_B}:destination:central" and created["targetArn"] == group_arn

    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="web")
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_subscription_filter(logGroupName=name, filterName="to-central", filterPattern="", destinationArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"
    assert ACCOUNT_A in excinfo.value.response["Error"]["Message"]

    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [ACCOUNT_A]}, "Action": "logs:PutSubscriptionFilter",
        "Resource": arn}]}
    import json
    logs_b.put_destination_policy(destinationName="central", accessPolicy=json.dumps(policy))
    described = logs_b.describe_destinations(DestinationNamePrefix="cent")["destinations"]
    assert [d["destinationName"] for d in described] == ["central"] and json.loads(described[0]["accessPolicy"]) == policy
    logs_a.put_subscription_filter(logGroupName=name, filterName="to-central", filterPattern="-DEBUG",
                                   destinationArn=arn)

    t = now_ms()
    logs_a.put_log_events(logGroupName=name, logStreamName="web", logEvents=[
        {"timestamp": t, "message": "GET / 200"}, {"timestamp": t + 1, "message": "DEBUG noise"},
        {"timestamp": t + 2, "message": "GET /x 404"}])
    stream = f"{ACCOUNT_A}/{name}/web"
    deadline = time.time() + 30
    events = []
    while time.time() < deadline:
        streams = logs_b.describe_log_streams(logGroupName=central)["logStreams"]
        if any(s["logStreamName"] == stream for s in streams):
            events = logs_b.get_log_events(logGroupName=central, logStreamName=stream, startFromHead=True)["events"]
            if len(events) >= 2:
                break
        time.sleep(0.2)
    assert [(e["timestamp"], e["message"]) for e in events] == [(t, "GET / 200"), (t + 2, "GET /x 404")]
    # Account A cannot see B's group, nor manage B's destination.
    with pytest.raises(ClientError):
        logs_a.describe_log_streams(logGroupName=central)
    with pytest.raises(ClientError) as excinfo:
        logs_a.delete_destination(destinationName="central")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    logs_b.delete_destination(destinationName="central")
    assert logs_b.describe_destinations()["destinations"] == []


def test_a_destination_into_the_subscribed_group_is_refused(logs_a, name):
    logs_a.create_log_group(logGroupName=name)
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:*"
    destination = logs_a.put_destination(destinationName=f"self{abs(hash(name)) % 10**8}", targetArn=group_arn,
                                         roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/Self")["destination"]["arn"]
    with pytest.raises(ClientError) as excinfo:
        logs_a.put_subscription_filter(logGroupName=name, filterName="self", filterPattern="",
                                       destinationArn=destination)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    assert logs_a.describe_subscription_filters(logGroupName=name)["subscriptionFilters"] == []


def test_a_loop_of_destinations_ends():
    """G1 delivers to G2 and G2 back to G1: events are forwarded twice at most, then the queue is empty."""
    data_dir = make_data_dir()
    server = Server(data_dir, free_port())
    try:
        server.start()
        key = KEYS["a_admin"]
        server.enrol(key)
        logs = server.client(key)
        for group, other in (("/g1", "/g2"), ("/g2", "/g1")):
            logs.create_log_group(logGroupName=group)
        for group, other in (("/g1", "/g2"), ("/g2", "/g1")):
            arn = logs.put_destination(
                destinationName="to" + other.strip("/"), targetArn=f"arn:aws:logs:us-east-1:{key.account}:log-group:{other}:*",
                roleArn=f"arn:aws:iam::{key.account}:role/Loop")["destination"]["arn"]
            logs.put_subscription_filter(logGroupName=group, filterName="loop", filterPattern="", destinationArn=arn)
        logs.create_log_stream(logGroupName="/g1", logStreamName="s")
        logs.put_log_events(logGroupName="/g1", logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "around and around"}])

        def count(group):
            return len(logs.filter_log_events(logGroupName=group)["events"])

        deadline = time.time() + 120
        while count("/g1") < 2:
            assert time.time() < deadline, "the event never came back to /g1"
            time.sleep(0.2)
        while any(q["depth"] or q["running"] for q in server.admin_json("jobs", "list")):
            assert time.time() < deadline, "the queue never emptied: the loop goes on"
            time.sleep(0.2)
        assert (count("/g1"), count("/g2")) == (2, 1)
        streams = {s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/g1")["logStreams"]}
        assert streams == {"s", f"{key.account}//g2/{key.account}//g1/s"}
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_deliveries_to_internal_addresses_need_the_administrators_permission(server, logs_a, name):
    receiver = Receiver(free_port())
    receiver.start()
    try:
        function = make_function(server, ACCOUNT_A, f"internal{abs(hash(name)) % 10**8}", receiver.url, private=False)
        assert function["url"] == receiver.url
        logs_a.create_log_group(logGroupName=name)
        logs_a.put_subscription_filter(logGroupName=name, filterName="all", filterPattern="",
                                       destinationArn=function["arn"])
        deadline = time.time() + 120
        while "127.0.0.1 is or resolves to an internal address" not in server.log():
            assert time.time() < deadline, "no delivery was refused"
            time.sleep(0.2)
        assert receiver.messages == [] and receiver.redirected == 0
    finally:
        receiver.stop()


def test_redirects_are_not_followed(server, logs_a, name):
    elsewhere, receiver = Receiver(free_port()), Receiver(free_port())
    elsewhere.start()
    receiver.start()
    try:
        receiver.redirect_to = elsewhere.url
        function = make_function(server, ACCOUNT_A, f"redirect{abs(hash(name)) % 10**8}", receiver.url)
        logs_a.create_log_group(logGroupName=name)
        logs_a.put_subscription_filter(logGroupName=name, filterName="all", filterPattern="",
                                       destinationArn=function["arn"])
        # A second attempt starts only after the first has ended: had it followed the redirect, it would have.
        assert receiver.wait_for(lambda: receiver.redirected >= 2, timeout=120)
        assert elsewhere.messages == []
    finally:
        receiver.stop()
        elsewhere.stop()


def test_destinations_are_taggable_by_arn(logs_a, logs_b, name):
    """TagResource, UntagResource and ListTagsForResource take a destination's ARN as well as a log group's; tags
    given to PutDestination are there; another account's destination ARN is not found."""
    logs_a.create_log_group(logGroupName=name)
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:{name}:*"
    arn = logs_a.put_destination(destinationName=f"tagged{abs(hash(name)) % 10**8}", targetArn=group_arn,
                                 roleArn=f"arn:aws:iam::{ACCOUNT_A}:role/Tagged",
                                 tags={"team": "core"})["destination"]["arn"]
    assert logs_a.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core"}
    logs_a.tag_resource(resourceArn=arn, tags={"env": "prod"})
    assert logs_a.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core", "env": "prod"}
    logs_a.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs_a.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "prod"}
    with pytest.raises(ClientError) as excinfo:
        logs_a.tag_resource(resourceArn=arn, tags={"aws:reserved": "x"})
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs_b.list_tags_for_resource(resourceArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
