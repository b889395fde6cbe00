#!/usr/bin/env python3
"""Alarm evaluation at scale: 10,000 alarms on 1,000 metrics, evaluated every minute, and the lag of their
notifications through an SNS topic to an HTTP endpoint.

    swift build -c release --product cairn
    python3 Benchmarks/alarm_bench.py                       # --alarms 10000 --metrics 1000 --minutes 4

Starts `cairn serve` (release, role all) on a fresh embedded PostgreSQL (`CAIRN_SNS_PRIVATE_ENDPOINTS=allow`: the
endpoint is in this process), creates a topic with an HTTP subscription to a receiver here (confirmed through its
SubscribeURL), writes one point a minute to each of --metrics metrics, and creates --alarms alarms (Maximum over 60 s,
one period, `notBreaching`), spread evenly over the metrics. --notifying of them (on the first metrics) have the
topic as their ALARM and OK action and a threshold their metric crosses every other minute (the writer alternates
100 and 1); the others never breach. For --minutes minutes after every alarm exists:

- evaluation share = time the evaluator spent in rounds that evaluated alarms ÷ wall time (from `/metrics`:
  `cairn_alarm_round_seconds` and `cairn_alarms_evaluated_total`); target < 10 % of each minute;
- notification lag = arrival at the endpoint − the end of the period that made the transition (the minute
  boundary the evaluation ran after: the point written during minute m is evaluated once m ends); target p99 < 5 s.

The baseline beside it is the same evaluator's throughput in alarms per second of round time, so a 2–3× slower
machine shows in both. Prints markdown to stdout, progress to stderr.
"""

import argparse
import datetime
import json
import os
import re
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from ingest_bench import KEY_ID, SECRET, Server, free_port, percentile  # noqa: E402


def log(text):
    print(text, file=sys.stderr, flush=True)


class Endpoint:
    """Confirms its subscription and records when each notification arrives."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.arrivals = []  # (time.time(), message dict)

    def start(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                now = time.time()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if body["Type"] == "SubscriptionConfirmation":
                    threading.Thread(target=lambda: urllib.request.urlopen(body["SubscribeURL"], timeout=10).read()).start()
                elif body["Type"] == "Notification":
                    with endpoint.lock:
                        endpoint.arrivals.append((now, json.loads(body["Message"])))

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self


def metrics_text(server):
    with urllib.request.urlopen(server.endpoint + "/metrics", timeout=10) as response:
        return response.read().decode()


def metric_value(text, name):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or (not name.endswith("}") and line.startswith(name + "{")):
            total += float(line.rsplit(" ", 1)[1])
    return total


def round_seconds(text):
    # A Timer is exported as a histogram or summary in seconds (or nanoseconds): its _sum.
    value = metric_value(text, "cairn_alarm_round_seconds_sum")
    return value / 1e9 if value > 1e6 else value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=os.path.join(ROOT, ".build", "release", "cairn"))
    parser.add_argument("--alarms", type=int, default=10_000)
    parser.add_argument("--metrics", type=int, default=1_000)
    parser.add_argument("--notifying", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=4)
    args = parser.parse_args()

    os.environ["CAIRN_SNS_PRIVATE_ENDPOINTS"] = "allow"
    server = Server(args.cairn)
    endpoint = Endpoint().start()
    config = Config(retries={"max_attempts": 3}, max_pool_connections=16)

    def client(service):
        return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, config=config)

    try:
        sns = client("sns")
        cloudwatch = client("cloudwatch")
        topic = sns.create_topic(Name="bench")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=f"http://127.0.0.1:{endpoint.port}/sns")
        deadline = time.time() + 60
        while not sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"].startswith(topic):
            if time.time() > deadline:
                raise RuntimeError("the subscription was not confirmed")
            time.sleep(0.2)

        stop = threading.Event()

        def write_minute():
            """One point per metric for the current minute: notifying metrics alternate 100 / 1."""
            minute = int(time.time() // 60)
            stamp = datetime.datetime.fromtimestamp(minute * 60 + 1, datetime.timezone.utc)
            value_of = (lambda i: 100.0 if minute % 2 == 0 else 1.0)
            for start in range(0, args.metrics, 1000):
                data = [{"MetricName": f"m{i}", "Timestamp": stamp, "Value": value_of(i) if i < args.notifying else 1.0}
                        for i in range(start, min(start + 1000, args.metrics))]
                cloudwatch.put_metric_data(Namespace="Bench", MetricData=data)

        def writer():
            last = None
            while not stop.is_set():
                minute = int(time.time() // 60)
                if minute != last and time.time() % 60 >= 5:
                    write_minute()
                    last = minute
                stop.wait(0.5)

        write_minute()
        threading.Thread(target=writer, daemon=True).start()

        log(f"creating {args.alarms:,} alarms on {args.metrics:,} metrics")
        started = time.monotonic()

        def create(i):
            metric = i % args.metrics
            notifying = i < args.notifying
            client_ = local.client if hasattr(local, "client") else None
            if client_ is None:
                local.client = client_ = client("cloudwatch")
            client_.put_metric_alarm(
                AlarmName=f"alarm-{i:05d}", Namespace="Bench", MetricName=f"m{metric}", Statistic="Maximum",
                Period=60, EvaluationPeriods=1, Threshold=50.0 if notifying else 1e9,
                ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching",
                AlarmActions=[topic] if notifying else [], OKActions=[topic] if notifying else [])

        local = threading.local()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(create, range(args.alarms)))
        log(f"created in {time.monotonic() - started:.0f} s; waiting for the next minute")
        time.sleep(61 - time.time() % 60)

        before_text = metrics_text(server)
        before_wall = time.time()
        with endpoint.lock:
            endpoint.arrivals.clear()
        log(f"measuring for {args.minutes} minutes")
        time.sleep(args.minutes * 60)
        after_text = metrics_text(server)
        after_wall = time.time()
        stop.set()

        wall = after_wall - before_wall
        busy = round_seconds(after_text) - round_seconds(before_text)
        evaluated = metric_value(after_text, "cairn_alarms_evaluated_total") - metric_value(
            before_text, "cairn_alarms_evaluated_total")
        with endpoint.lock:
            arrivals = list(endpoint.arrivals)
        lags = []
        for arrived, message in arrivals:
            changed = datetime.datetime.strptime(message["StateChangeTime"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            boundary = changed // 60 * 60
            lags.append(arrived - boundary)
        share = busy / wall * 100
        per_second = evaluated / busy if busy else 0
        print(f"Alarm evaluation, {args.alarms:,} alarms on {args.metrics:,} metrics, {args.notifying} notifying "
              f"through an SNS topic to an HTTP endpoint; {wall:.0f} s measured "
              f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)\n")
        print("| figure | value | target |")
        print("|---|---|---|")
        print(f"| alarms evaluated | {evaluated:,.0f} ({evaluated / (wall / 60):,.0f} a minute) | every alarm each minute |")
        print(f"| evaluator busy | {busy:.2f} s = **{share:.1f} %** of the wall time | < 10 % |")
        print(f"| evaluator throughput (baseline) | {per_second:,.0f} alarms/s of round time | — |")
        if lags:
            print(f"| notifications | {len(lags)} | {args.notifying} a minute |")
            print(f"| notification lag from period end p50 / p99 / max | {percentile(lags, 50):.2f} / "
                  f"**{percentile(lags, 99):.2f}** / {max(lags):.2f} s | p99 < 5 s |")
        else:
            print("| notifications | 0 | — |")
        for phase in ("connect", "claim", "read", "decide", "reason", "transition", "schedule", "commit"):
            label = f'cairn_alarm_phase_seconds_sum{{phase="{phase}"}}'
            spent = metric_value(after_text, label) - metric_value(before_text, label)
            log(f"phase {phase}: {spent:.2f} s")
        states = [m["NewStateValue"] for _, m in arrivals]
        log(f"notifications by state: ALARM {states.count('ALARM')}, OK {states.count('OK')}")
        if re.search(r"cairn_alarm_round_seconds", after_text) is None:
            log("warning: /metrics has no cairn_alarm_round_seconds")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
