#!/usr/bin/env python3
"""Subscription delivery: lag from PutLogEvents returning to the receiver getting the events, and events/s
delivered, at a steady 10,000 events/s into a group with a subscription filter to a local HTTP function.

    swift build -c release --product cairn
    python3 Benchmarks/subscription_bench.py --rate 10000 --seconds 30

Starts `cairn serve` (release, role all) on a fresh embedded PostgreSQL, creates a function pointing at a
receiver in this process (Python, `http.server`), subscribes a group with the pattern `""` (every event), and
sends batches of 100 events from 4 connections at the given rate. Each batch's first message names the batch;
lag = arrival at the receiver − the moment its PutLogEvents returned.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
sys.path.insert(0, HERE)

from ingest_bench import ACCOUNT, Client, Server, free_port, percentile  # noqa: E402
from receiver import Receiver  # noqa: E402


class TimedReceiver(Receiver):
    """Records when each batch's events arrive."""

    def __init__(self, port):
        super().__init__(port)
        self.arrivals = {}
        self.events = 0

    def start(self):
        super().start()
        original = self.messages

        receiver = self

        class Recorder(list):
            def append(self, payload):
                now = time.monotonic()
                if payload["messageType"] == "DATA_MESSAGE":
                    receiver.events += len(payload["logEvents"])
                    for event in payload["logEvents"]:
                        if event["message"].startswith("batch "):
                            receiver.arrivals.setdefault(event["message"].split()[1], now)
                super().append({"messageType": payload["messageType"]})

        self.messages = Recorder(original)
        return self


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=os.path.join(ROOT, ".build", "release", "cairn"))
    parser.add_argument("--rate", type=float, default=10_000, help="events per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    server = Server(args.cairn)
    receiver = TimedReceiver(free_port()).start()
    try:
        out = subprocess.run(
            [args.cairn, "admin", "function", "create", "--account", ACCOUNT, "--name", "bench", "--url", receiver.url,
             "--allow-private-network",
             "--json"], env=server.env, check=True, capture_output=True, text=True).stdout
        function = json.loads(out)
        receiver.secret = function["secret"]
        setup = Client(server.endpoint)
        group = "/bench/subscribed"
        setup.call("CreateLogGroup", json.dumps({"logGroupName": group}).encode())
        setup.call("PutSubscriptionFilter", json.dumps({
            "logGroupName": group, "filterName": "all", "filterPattern": "",
            "destinationArn": function["arn"]}).encode())

        returned = {}
        sent = [0] * args.connections
        interval = args.batch * args.connections / args.rate
        stop_at = time.monotonic() + args.seconds

        def worker(index):
            client = Client(server.endpoint)
            stream = f"s{index}"
            client.call("CreateLogStream", json.dumps({"logGroupName": group, "logStreamName": stream}).encode())
            number = 0
            next_at = time.monotonic()
            while time.monotonic() < stop_at:
                batch_id = f"{index}-{number}"
                now_ms = int(time.time() * 1000)
                events = [{"timestamp": now_ms, "message": f"batch {batch_id} event 0"}] + [
                    {"timestamp": now_ms, "message": f"GET /api/items/{i} 200 {i * 7} ms"} for i in range(1, args.batch)]
                client.call("PutLogEvents", json.dumps(
                    {"logGroupName": group, "logStreamName": stream, "logEvents": events}).encode())
                returned[batch_id] = time.monotonic()
                sent[index] += len(events)
                number += 1
                next_at += interval
                time.sleep(max(0, next_at - time.monotonic()))

        started = time.monotonic()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        total = sum(sent)
        deadline = time.monotonic() + 60
        while receiver.events < total and time.monotonic() < deadline:
            time.sleep(0.1)
        drained = time.monotonic() - started
        lags = [(receiver.arrivals[b] - returned[b]) * 1000 for b in returned if b in receiver.arrivals]
        print(f"sent {total:,} events in {elapsed:.1f} s = {total / elapsed:,.0f} events/s "
              f"({len(returned):,} PutLogEvents of {args.batch}, {args.connections} connections)")
        print(f"delivered {receiver.events:,} events ({receiver.events - total:+,} vs sent) in "
              f"{len(receiver.messages):,} requests; all delivered {drained:.1f} s after the start = "
              f"{receiver.events / drained:,.0f} events/s")
        print(f"lag PutLogEvents returned → received: p50 {percentile(lags, 50):.1f} ms, "
              f"p99 {percentile(lags, 99):.1f} ms, max {max(lags):.1f} ms over {len(lags):,} batches")
    finally:
        receiver.stop()
        server.stop()


if __name__ == "__main__":
    main()
