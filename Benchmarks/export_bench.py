#!/usr/bin/env python3
"""Export task throughput: how fast CreateExportTask turns stored events into gzip objects in a bucket.

    swift build -c release --product cairn
    python3 Benchmarks/export_bench.py                       # --events 2000000 --streams 4

Starts `cairn serve` (release, role all) on a fresh embedded PostgreSQL, maps a directory bucket for the account
(`cairn admin bucket add --directory`), ingests --events lines of the seeded corpus (`corpus.py`: Apache access
log, RFC 5424 syslog, JSON application logs) into --streams streams of one group in full batches (as many lines as
fit in 1 MB, at most 10,000; one second of event time per batch), exports the whole group with CreateExportTask and
polls DescribeExportTasks until it is COMPLETED. Reports:

- events, raw bytes of the exported lines (`<ISO time> <message>\\n`), gzip bytes written (the objects' sizes);
- server time = completionTime − creationTime (queue pickup included), and wall time from the CreateExportTask
  call to seeing COMPLETED; events/s and MB/s of gzip written over the server time;
- baseline, in the same run: Python's zlib (gzip format, --baseline-level, default 6) compressing the same lines,
  object by object, in this process; export MB/s ÷ baseline MB/s of gzip (and of lines, which does not depend on
  the levels chosen), so a 2–3× slower machine shows in both.

Every object is read back: its lines are counted against the events sent. Prints one block to stdout, progress to
stderr.
"""

import argparse
import gzip
import json
import os
import queue
import subprocess
import sys
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
sys.path.insert(0, HERE)

from corpus import Corpus  # noqa: E402
from ingest_bench import ACCOUNT, BatchBody, Client, Server, full_batch  # noqa: E402

GROUP = "/bench/export"
BUCKET = "bench-export"
TERMINAL = ("COMPLETED", "CANCELLED", "FAILED")
TIMESTAMP_BYTES = len("2026-11-25T12:00:00.000Z")


def log(text):
    print(text, file=sys.stderr, flush=True)


def ingest(server, events, streams, seed):
    """Sends `events` corpus lines round-robin to `streams` streams (one sender thread and connection each, so a
    stream's batches arrive in order); returns (start timestamp, raw bytes of the lines an export writes)."""
    setup = Client(server.endpoint)
    setup.call("CreateLogGroup", json.dumps({"logGroupName": GROUP}).encode())
    names = [f"stream-{index}" for index in range(streams)]
    for stream in names:
        setup.call("CreateLogStream", json.dumps({"logGroupName": GROUP, "logStreamName": stream}).encode())
    start_ts = int(time.time() * 1000) - 13 * 86_400_000  # one batch per second of event time: room for long runs
    queues = [queue.Queue(maxsize=4) for _ in names]
    failures = []

    def sender(index):
        client = Client(server.endpoint)
        while True:
            body = queues[index].get()
            if body is None:
                return
            try:
                client.call("PutLogEvents", body)
            except Exception as error:  # reported after the run
                failures.append(error)

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(streams)]
    for thread in threads:
        thread.start()
    corpus = Corpus(seed)
    sent = raw = batch = 0
    started = time.monotonic()
    while sent < events:
        lines = full_batch(corpus)[:events - sent]
        index = batch % streams
        body = BatchBody(names[index], lines, start_ts, GROUP).render(batch // streams)
        queues[index].put(body)
        raw += sum(TIMESTAMP_BYTES + 1 + len(line.encode()) + 1 for line in lines)
        sent += len(lines)
        batch += 1
        if batch % 50 == 0:
            log(f"  ingested {sent:,} events ({sent / (time.monotonic() - started):,.0f} events/s)")
    for q in queues:
        q.put(None)
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} PutLogEvents failed, the first: {failures[0]}")
    log(f"ingested {sent:,} events in {batch:,} batches in {time.monotonic() - started:.1f} s")
    return start_ts, raw


def export(server, start_ts):
    """Runs one export task of the whole group; returns (task, wall seconds)."""
    client = Client(server.endpoint)
    request = {"logGroupName": GROUP, "from": start_ts, "to": int(time.time() * 1000), "destination": BUCKET,
               "destinationPrefix": "bench"}
    started = time.monotonic()
    task_id = client.call("CreateExportTask", json.dumps(request).encode())["taskId"]
    while True:
        [task] = client.call("DescribeExportTasks", json.dumps({"taskId": task_id}).encode())["exportTasks"]
        if task["status"]["code"] in TERMINAL:
            wall = time.monotonic() - started
            break
        time.sleep(0.1)
    if task["status"]["code"] != "COMPLETED":
        raise RuntimeError(f"the export task ended {task['status']}")
    return task, wall


def objects(directory, prefix, task_id):
    """Paths of the task's gzip objects, per stream in number order."""
    root = os.path.join(directory, prefix, task_id)
    found = []
    for stream in sorted(os.listdir(root)):
        names = sorted(n for n in os.listdir(os.path.join(root, stream)) if n.endswith(".gz") and not n.startswith("."))
        found += [os.path.join(root, stream, name) for name in names]
    return found


def baseline(paths, level):
    """Reads every object back (lines and bytes counted) and times zlib compressing its lines in gzip format at
    `level`, object by object; returns (lines, raw bytes, gzip bytes written, gzip bytes of the baseline,
    baseline seconds)."""
    lines = raw = written = compressed = 0
    seconds = 0.0
    for path in paths:
        with open(path, "rb") as f:
            body = f.read()
        written += len(body)
        text = gzip.decompress(body)
        lines += text.count(b"\n")
        raw += len(text)
        started = time.perf_counter()
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        compressed += len(compressor.compress(text)) + len(compressor.flush())
        seconds += time.perf_counter() - started
    return lines, raw, written, compressed, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=os.path.join(ROOT, ".build", "release", "cairn"))
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--object-bytes", type=int, default=None,
                        help="CAIRN_EXPORT_OBJECT_BYTES for the server (default: the server's default)")
    parser.add_argument("--baseline-level", type=int, default=6, help="zlib level of the baseline (default 6)")
    args = parser.parse_args()

    if args.object_bytes:
        os.environ["CAIRN_EXPORT_OBJECT_BYTES"] = str(args.object_bytes)
    server = Server(args.cairn)
    try:
        directory = os.path.join(server.data_dir, "bucket")
        os.makedirs(directory)
        subprocess.run([args.cairn, "admin", "bucket", "add", "--account", ACCOUNT, "--name", BUCKET, "--directory",
                        directory], env=server.env, check=True, capture_output=True)

        start_ts, raw_sent = ingest(server, args.events, args.streams, args.seed)
        log("exporting")
        task, wall = export(server, start_ts)
        info = task["executionInfo"]
        server_seconds = (info["completionTime"] - info["creationTime"]) / 1000
        paths = objects(directory, "bench", task["taskId"])
        log(f"reading {len(paths)} objects back and compressing their lines at level {args.baseline_level}")
        lines, raw, written, base_bytes, base_seconds = baseline(paths, args.baseline_level)
        if lines != args.events or raw != raw_sent:
            raise RuntimeError(f"the objects hold {lines:,} lines ({raw:,} bytes); sent {args.events:,} events "
                               f"({raw_sent:,} bytes of lines)")

        export_gzip_rate = written / server_seconds / 1e6
        export_lines_rate = raw / server_seconds / 1e6
        base_gzip_rate = base_bytes / base_seconds / 1e6
        base_lines_rate = raw / base_seconds / 1e6
        print(f"export: {args.events:,} events in {args.streams} streams, {raw:,} bytes of lines -> {written:,} bytes "
              f"of gzip in {len(paths)} objects (gzip/raw {written / raw:.3f})")
        print(f"export: server time {server_seconds:.2f} s (completionTime - creationTime), wall {wall:.2f} s: "
              f"{args.events / server_seconds:,.0f} events/s, {export_gzip_rate:.2f} MB/s of gzip written "
              f"({export_lines_rate:.1f} MB/s of lines)")
        print(f"baseline: Python zlib level {args.baseline_level} (gzip) of the same lines, object by object, in "
              f"this process: {base_seconds:.2f} s, {base_gzip_rate:.2f} MB/s of gzip ({base_lines_rate:.1f} MB/s of "
              f"lines, gzip/raw {base_bytes / raw:.3f})")
        print(f"ratio: export / baseline = {export_gzip_rate / base_gzip_rate:.2f} in MB/s of gzip, "
              f"{export_lines_rate / base_lines_rate:.2f} in MB/s of lines", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
