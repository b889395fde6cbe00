#!/usr/bin/env python3
"""Live Tail delivery latency across `cairn serve` processes, with the same process as the baseline.

    swift build -c release --product cairn
    python3 Benchmarks/live_tail_bench.py                       # --events 200 --rate 10

Starts two `cairn serve` processes on one PostgreSQL as the end-to-end tests do (Tests/e2e/conftest.py
`two_processes`): A on its embedded PostgreSQL (role all), B on A's cluster through its socket
(`CAIRN_DATABASE_URL`, A's `CAIRN_ROOT_KEY`, role api). The writer always sends to B; then, one after the other,
in one run, each scenario with its own log group:

  1. cross-process: StartLiveTail on A (boto3, `inject_host_prefix=False`), PutLogEvents on B;
  2. same-process (baseline): StartLiveTail on B, PutLogEvents on B.

For each: the tail is opened and its `sessionStart` awaited; then a writer thread sends --events PutLogEvents of
one event each at --rate per second on average (each interval drawn uniformly from 0.5–1.5 × 1/rate, seeded: the
same intervals in both scenarios; fixed intervals would lock onto the server's 100 ms tick and 0.5 s update cycle
and make p50 depend on the phase between the two), each message carrying a unique id, and records the moment each
call returned; a reader thread records the moment it sees each id in a `sessionUpdate`. Latency = seen − returned
(both `time.monotonic()` in this process). An event not seen within 10 s of its PutLogEvents returning counts as
lost. Cairn sends an update each second, or half a second after the previous one when events wait (checked every
100 ms), so a few hundred ms are expected. Target (the Live Tail issue): every event within 1 s, also across
processes. Prints the figures (markdown) to stdout, progress to stderr, and the ratio cross p50 ÷ same p50.

Usage: python3 Benchmarks/live_tail_bench.py [--events 200] [--rate 10] [--seed 1] [--cairn .build/release/cairn]
"""

import argparse
import datetime
import os
import platform
import random
import shlex
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
sys.path.insert(0, HERE)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

import conftest  # noqa: E402  (Server and two_processes read conftest.CAIRN when they start a process)
from conftest import KEYS, two_processes  # noqa: E402
from ingest_bench import percentile  # noqa: E402

KEY = KEYS["a_admin"]  # an admin may both write and tail
LOST_AFTER = 10.0  # seconds after PutLogEvents returned
TARGET_MS = 1000.0
PREFIX = "live-tail-bench "


def log(text):
    print(text, file=sys.stderr, flush=True)


def default_cairn():
    release = os.path.join(ROOT, ".build", "release", "cairn")
    return release if os.path.exists(release) else os.path.join(ROOT, ".build", "debug", "cairn")


def client(server, read_timeout=60):
    return boto3.client(
        "logs", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=KEY.access_key_id,
        aws_secret_access_key=KEY.secret,
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}, read_timeout=read_timeout))


class Tail:
    """One Live Tail session read on a thread: when each id was first seen, and when each update came."""

    def __init__(self, server, group):
        response = client(server, read_timeout=120).start_live_tail(logGroupIdentifiers=[group])
        self.stream = response["responseStream"]
        self.lock = threading.Lock()
        self.seen = {}  # id -> time.monotonic() of the update that carried it first
        self.duplicates = 0
        self.foreign = 0  # results that are not this benchmark's events
        self.updates = []  # (time.monotonic(), results in the update, sampled)
        self.started = threading.Event()
        self.ended = threading.Event()
        self.closing = False
        self.error = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for event in self.stream:
                now = time.monotonic()
                if "sessionStart" in event:
                    self.started.set()
                    continue
                update = event.get("sessionUpdate")
                if update is None:
                    continue
                results = update.get("sessionResults", [])
                with self.lock:
                    self.updates.append((now, len(results), update.get("sessionMetadata", {}).get("sampled")))
                    for result in results:
                        message = result.get("message", "")
                        if not message.startswith(PREFIX):
                            self.foreign += 1
                            continue
                        event_id = message[len(PREFIX):].split()[0]
                        if event_id in self.seen:
                            self.duplicates += 1
                        else:
                            self.seen[event_id] = now
        except Exception as error:  # noqa: BLE001 - in-stream errors arrive as exceptions; closing raises too
            if not self.closing:
                self.error = error
        finally:
            self.ended.set()

    def seen_count(self, ids):
        with self.lock:
            return sum(1 for i in ids if i in self.seen)

    def close(self):
        self.closing = True
        try:
            self.stream.close()
        except Exception:  # noqa: BLE001
            pass
        self.ended.wait(timeout=5)


def write(server, group, stream, label, count, rate, seed, returned, put_ms, failures):
    """Sends `count` one-event PutLogEvents at `rate` per second on average; records when each returned."""
    logs = client(server)
    interval = 1.0 / rate
    jitter = random.Random(seed)
    next_at = time.monotonic()
    for number in range(count):
        event_id = f"{label}-{number:05d}"
        message = f"{PREFIX}{event_id} GET /api/items/{number} 200 {number % 97} ms"
        started = time.monotonic()
        try:
            logs.put_log_events(logGroupName=group, logStreamName=stream,
                                logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])
        except Exception as error:  # noqa: BLE001 - counted and reported
            failures.append(f"{event_id}: {error}")
        else:
            done = time.monotonic()
            returned[event_id] = done
            put_ms.append((done - started) * 1000)
        next_at += interval * jitter.uniform(0.5, 1.5)
        time.sleep(max(0.0, next_at - time.monotonic()))


def scenario(label, title, tail_server, write_server, args):
    group = f"/bench/live-tail/{label}"
    stream = "writer"
    setup = client(write_server)
    setup.create_log_group(logGroupName=group)
    setup.create_log_stream(logGroupName=group, logStreamName=stream)

    opened = time.monotonic()
    tail = Tail(tail_server, group)
    if not tail.started.wait(timeout=30):
        tail.close()
        raise RuntimeError(f"{label}: no sessionStart within 30 s ({tail.error})")
    start_s = time.monotonic() - opened
    log(f"{label}: sessionStart after {start_s:.2f} s; writing {args.events} events at {args.rate}/s")

    returned, put_ms, failures = {}, [], []
    writer = threading.Thread(
        target=write,
        args=(write_server, group, stream, label, args.events, args.rate, args.seed, returned, put_ms, failures))
    began = time.monotonic()
    writer.start()
    writer.join()
    wrote_s = time.monotonic() - began
    # Wait until every event is there, or LOST_AFTER seconds after the last PutLogEvents returned.
    last = max(returned.values(), default=time.monotonic())
    while tail.seen_count(returned) < len(returned) and time.monotonic() < last + LOST_AFTER:
        if tail.ended.is_set():
            break
        time.sleep(0.05)
    tail.close()

    with tail.lock:
        seen = dict(tail.seen)
        updates = list(tail.updates)
    latencies, lost, late = [], 0, 0
    for event_id, at in returned.items():
        if event_id not in seen:
            lost += 1
        elif seen[event_id] - at > LOST_AFTER:
            lost += 1
            late += 1
        else:
            latencies.append((seen[event_id] - at) * 1000)
    with_events = [u[0] for u in updates if u[1] > 0]
    gaps = [(b - a) * 1000 for a, b in zip(with_events, with_events[1:])]
    result = {
        "label": label, "title": title, "sent": len(returned), "failures": failures, "lost": lost, "late": late,
        "latencies": latencies, "duplicates": tail.duplicates, "foreign": tail.foreign, "error": tail.error,
        "updates": len(updates), "updates_with_events": len(with_events),
        "sampled": sum(1 for u in updates if u[2]), "gaps": gaps, "put_ms": put_ms, "start_s": start_s,
        "wrote_s": wrote_s,
        "over_target": sum(1 for x in latencies if x > TARGET_MS),
    }
    log(f"{label}: {len(latencies)} seen, {lost} lost, p50 {percentile(latencies, 50):.1f} ms, "
        f"max {max(latencies, default=float('nan')):.1f} ms")
    return result


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def fmt(ms):
    return f"{ms:,.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=default_cairn(),
                        help="the cairn binary (default .build/release/cairn if present, else .build/debug/cairn)")
    parser.add_argument("--events", type=int, default=200, help="one-event PutLogEvents per scenario")
    parser.add_argument("--rate", type=float, default=10.0, help="PutLogEvents per second (on average)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the intervals between PutLogEvents")
    args = parser.parse_args()
    cairn = os.path.abspath(args.cairn)
    if not os.path.exists(cairn):
        sys.exit(f"no cairn binary at {cairn}: swift build -c release --product cairn, or pass --cairn")
    conftest.CAIRN = cairn

    quiet = {"CAIRN_LOG_LEVEL": "warning"}
    log(f"starting two cairn serve processes ({cairn})")
    results = []
    with two_processes(first_env=quiet, second_env=dict(quiet, CAIRN_ROLE="api")) as (a, b):
        a.enrol(KEY)
        log(f"A: {a.endpoint} (role all, embedded PostgreSQL), B: {b.endpoint} (role api, on A's PostgreSQL)")
        results.append(scenario("cross", "cross-process: tail on A, PutLogEvents on B", a, b, args))
        results.append(scenario("same", "same process: tail on B, PutLogEvents on B", b, b, args))
        alive = [s.process is not None and s.process.poll() is None for s in (a, b)]
        problems = [line for s in (a, b) for line in s.log().splitlines()
                    if any(level in line for level in ("error", "critical", "warning"))]

    command = "python3 " + " ".join(shlex.quote(x) for x in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    print(f"## Live Tail latency — {datetime.date.today().isoformat()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    print()
    print(f"Command: `{command}`  ")
    print(f"cairn: `{cairn}`; {args.events} one-event PutLogEvents at {args.rate:g}/s (jittered, seed {args.seed}) "
          f"per scenario; latency = sessionUpdate seen − PutLogEvents returned")
    print()
    print("| scenario | events | lost | p50 ms | p90 ms | p99 ms | max ms | min ms | mean ms | > 1 s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lat = r["latencies"]
        print(f"| {r['title']} | {len(lat):,} of {r['sent']:,} | {r['lost']} | {fmt(percentile(lat, 50))} | "
              f"{fmt(percentile(lat, 90))} | {fmt(percentile(lat, 99))} | {fmt(max(lat, default=float('nan')))} | "
              f"{fmt(min(lat, default=float('nan')))} | {fmt(mean(lat))} | {r['over_target']} |")
    cross, same = results
    p50_cross, p50_same = percentile(cross["latencies"], 50), percentile(same["latencies"], 50)
    ratio = p50_cross / p50_same if p50_same else float("nan")
    print()
    print(f"**ratio cross-process p50 ÷ same-process p50: {ratio:.2f}** ({fmt(p50_cross)} ÷ {fmt(p50_same)} ms); "
          f"means: {mean(cross['latencies']) / mean(same['latencies']):.2f}")
    print()
    print("Details:")
    for r in results:
        print(f"- {r['label']}: sessionStart {r['start_s']:.2f} s after StartLiveTail; {r['sent']} PutLogEvents in "
              f"{r['wrote_s']:.1f} s (p50 {fmt(percentile(r['put_ms'], 50))} ms, "
              f"p99 {fmt(percentile(r['put_ms'], 99))} ms), {len(r['failures'])} failed; "
              f"{r['updates']} updates ({r['updates_with_events']} with events, {r['sampled']} sampled), gap between "
              f"updates with events p50 {fmt(percentile(r['gaps'], 50))} ms, max "
              f"{fmt(max(r['gaps'], default=float('nan')))} ms; {r['duplicates']} duplicates, {r['foreign']} other "
              f"results, {r['late']} seen only after {LOST_AFTER:g} s"
              + (f"; stream ended with {r['error']!r}" if r["error"] else ""))
        for failure in r["failures"][:5]:
            print(f"  - PutLogEvents failed: {failure}")
    targets = all(r["lost"] == 0 and r["over_target"] == 0 and not r["failures"] for r in results)
    print(f"- target (every event within 1 s, none lost, both scenarios): {'met' if targets else 'NOT met'}")
    print(f"- cairn serve A {'running' if alive[0] else 'HAD EXITED'}, B {'running' if alive[1] else 'HAD EXITED'} "
          f"at the end; {len(problems)} warning or error lines in their logs")
    for line in problems[:5]:
        print(f"  - `{line[:300]}`")


if __name__ == "__main__":
    main()
