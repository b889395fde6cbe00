"""Logs Insights benchmark for Cairn.

Starts `cairn serve` (release build) on a fresh embedded PostgreSQL in /tmp (ingest_bench.Server), then, all on this
machine (server, PostgreSQL and the Python load generator share the cores):

  1. ingest: --connections keep-alive connections send signed PutLogEvents of full batches of the ingestion
     benchmark's corpus (corpus.py: Apache access log, RFC 5424 syslog, JSON application logs; as many lines as fit
     in 1 MB, at most 10,000, built by ingest_bench.full_batch) to as many streams of one group until at least
     --events events are stored. Each stream sends the same number of requests; their timestamps advance evenly so
     that the data covers --hours hours ending a few minutes ago (`bin(5m)` has --hours × 12 bins or one more).
  2. baseline: FilterLogEvents over the same data for `SCANHIT`, a term in 0.1 % of lines, following nextToken to
     the end (ingest_bench.scan); events scanned per second = events ingested ÷ seconds. Measured in the same run.
  3. queries, one after the other, each through the real API (StartQuery over the whole time range, then
     GetQueryResults every 0.1 s until the status is final):
       a. stats count(*) by bin(5m)                                             target: ÷ scan ≥ 1.5
      a2. filter ispresent(@timestamp) | stats count(*) by bin(5m)  (a, with every event decoded; same target)
       b. filter @message like /ERROR/ | stats count(*) by bin(1h)              target: ÷ scan ≥ 1.0
       c. fields @timestamp, @message | filter http.status >= 500
            | sort @timestamp desc | limit 20                                   target: first results < 1 s
       d. stats avg(latency_ms), pct(latency_ms, 99) by service                 target: ÷ scan ≥ 0.7
     For each: wall time (StartQuery sent → the poll that saw the final status), statistics.recordsScanned and
     recordsMatched, recordsScanned ÷ wall and events ingested ÷ wall, the ratio (events ingested ÷ wall) ÷ scan
     rate (both rates then cover the same events; for full scans recordsScanned = events ingested), the time to
     the first poll whose `results` is non-empty, and the RSS of the `cairn serve` process (VmRSS from
     /proc/<pid>/status, sampled every 0.2 s while the query runs) before the query and at its peak.
     A query still running after --query-timeout seconds is stopped (StopQuery) and reported as such.

The corpus's JSON lines have no top-level `status` field; the closest numeric field is the nested HTTP status,
`http.status` (Logs Insights flattens JSON objects into dotted names), which query (c) filters on. Its other fields
(`service`, `level`, `latency_ms`, `trace_id`, `user_id`, `message`, `http.method`, `http.path`) are used as named.

Correctness, checked cheaply against what was sent (each stream sends one batch of lines with new timestamps, so
every expected figure is the batch's figure times the number of requests):
  a. the counts sum to the number of events ingested, in --hours × 12 (+1) bins;
  b. the counts sum to the number of events whose message contains `ERROR`;
  c. 20 rows, newest first, each a JSON line whose http.status is ≥ 500, the newest such event first;
  d. per service, the event count's average of latency_ms and its nearest-rank 99th percentile (lines with the
     SCANHIT suffix are not JSON and count for no service).

The summary (markdown) goes to stdout; progress goes to stderr.

Usage: python3 Benchmarks/insights_bench.py [--events 30000000] [--connections 8] [--hours 4]
                                            [--cairn .build/release/cairn] [--keep]
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
sys.path.insert(0, HERE)

import ingest_bench  # noqa: E402
from corpus import Corpus  # noqa: E402
from ingest_bench import GROUP, BatchBody, Client, Server, full_batch, percentile  # noqa: E402

QUERIES = [
    ("a", "stats count(*) by bin(5m)", "ratio", 1.5),
    # The same count with every event decoded (a filter turns off counting whole chunks from their headers).
    ("a2", "filter ispresent(@timestamp) | stats count(*) by bin(5m)", "ratio", 1.5),
    ("b", "filter @message like /ERROR/ | stats count(*) by bin(1h)", "ratio", 1.0),
    ("c", "fields @timestamp, @message | filter http.status >= 500 | sort @timestamp desc | limit 20", "first", 1.0),
    ("d", "stats avg(latency_ms), pct(latency_ms, 99) by service", "ratio", 0.7),
]
FINAL = ("Complete", "Failed", "Cancelled", "Timeout", "Unknown")


def log(text):
    print(text, file=sys.stderr, flush=True)


def call(client, target, request):
    return client.call(target, json.dumps(request).encode())


class SpanBody(BatchBody):
    """ingest_bench's batch body with `span` milliseconds of event time per request instead of 1,000."""

    def __init__(self, stream, lines, start_ts, span, group=GROUP):
        self.SPAN = span
        super().__init__(stream, lines, start_ts, group)


def ingest(server, target_events, connections, hours, seed):
    setup = Client(server.endpoint)
    call(setup, "CreateLogGroup", {"logGroupName": GROUP})
    corpus = Corpus(seed)
    batches = [full_batch(corpus) for _ in range(connections)]
    per_round = sum(len(lines) for lines in batches)
    requests = max(1, math.ceil(target_events / per_round))
    span = max(1, hours * 3_600_000 // requests)
    end_ts = int(time.time() * 1000) - 5 * 60_000
    start_ts = end_ts - requests * span
    bodies = []
    for index, lines in enumerate(batches):
        stream = f"stream-{index}"
        call(setup, "CreateLogStream", {"logGroupName": GROUP, "logStreamName": stream})
        bodies.append(SpanBody(stream, lines, start_ts, span))
    log(f"ingest: {connections} streams × {requests} requests of {per_round / connections:,.0f} events on average "
        f"= {requests * per_round:,} events, {span} ms of event time per request")

    sent = [0] * connections
    latencies = [[] for _ in range(connections)]
    failures = []

    def worker(index):
        try:
            client = Client(server.endpoint)
            body = bodies[index]
            while sent[index] < requests and not failures:
                payload = body.render(sent[index])
                started = time.monotonic()
                client.call("PutLogEvents", payload)
                latencies[index].append(time.monotonic() - started)
                sent[index] += 1
        except Exception as error:  # noqa: BLE001 - reported after the join
            failures.append(f"stream-{index}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    next_report = started + 10
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        if time.monotonic() >= next_report:
            done = sum(sent[i] * len(batches[i]) for i in range(connections))
            log(f"  {done:,} events after {time.monotonic() - started:.0f} s")
            next_report += 10
    elapsed = time.monotonic() - started
    if failures:
        raise RuntimeError("PutLogEvents failed: " + "; ".join(failures))
    events = sum(sent[i] * len(batches[i]) for i in range(connections))
    all_latencies = [x for per in latencies for x in per]
    last_ts = max(start_ts + (sent[i] - 1) * span + bodies[i].offsets[-1] for i in range(connections))
    return {
        "events": events, "seconds": elapsed, "events_per_second": events / elapsed,
        "request_p50_ms": percentile(all_latencies, 50) * 1000, "request_p99_ms": percentile(all_latencies, 99) * 1000,
        "batches": batches, "sent": sent, "requests": requests, "span": span, "first_ts": start_ts, "last_ts": last_ts,
    }


def expectations(ingested):
    """What each query must return, from the batches and how often each was sent."""
    errors = 0
    services = {}  # service -> {latency: weight}
    for lines, times in zip(ingested["batches"], ingested["sent"]):
        for line in lines:
            if "ERROR" in line:
                errors += times
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict) or record.get("service") is None:
                continue
            weights = services.setdefault(str(record["service"]), {})
            latency = record.get("latency_ms")
            if isinstance(latency, (int, float)):
                weights[latency] = weights.get(latency, 0) + times
    stats = {}
    for service, weights in services.items():
        count = sum(weights.values())
        if count == 0:
            stats[service] = (None, None)
            continue
        average = sum(value * weight for value, weight in weights.items()) / count
        rank = math.ceil(0.99 * count)  # nearest rank, as AWS and Cairn define pct
        seen, p99 = 0, None
        for value in sorted(weights):
            seen += weights[value]
            if seen >= rank:
                p99 = value
                break
        stats[service] = (average, p99)
    bins = ingested["last_ts"] // 300_000 - ingested["first_ts"] // 300_000 + 1
    return {"events": ingested["events"], "errors": errors, "services": stats, "bins_5m": bins}


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            self.peak = max(self.peak, rss_kb(self.pid))
            self.halt.wait(self.interval)

    def stop(self):
        self.halt.set()
        self.join()
        self.peak = max(self.peak, rss_kb(self.pid))
        return self.peak


def run_query(server, query, start_s, end_s, timeout):
    client = Client(server.endpoint)
    pid = server.process.pid
    before = rss_kb(pid)
    sampler = RssSampler(pid)
    sampler.start()
    started = time.monotonic()
    query_id = call(client, "StartQuery", {"logGroupName": GROUP, "startTime": start_s, "endTime": end_s,
                                           "queryString": query})["queryId"]
    first_results, polls, stopped = None, 0, False
    while True:
        reply = call(client, "GetQueryResults", {"queryId": query_id})
        elapsed = time.monotonic() - started
        polls += 1
        if first_results is None and reply.get("results"):
            first_results = elapsed
        if reply["status"] in FINAL:
            break
        if elapsed > timeout and not stopped:
            log(f"  query still {reply['status']} after {elapsed:.0f} s: StopQuery")
            try:
                call(client, "StopQuery", {"queryId": query_id})
            except RuntimeError as error:
                log(f"  StopQuery: {error}")
            stopped = True
        time.sleep(0.1)
    peak = sampler.stop()
    results = list(reply.get("results", []))
    token = reply.get("nextToken")
    while token:  # Cairn pages GetQueryResults at 10,000 rows
        page = call(client, "GetQueryResults", {"queryId": query_id, "nextToken": token})
        results += page.get("results", [])
        token = page.get("nextToken")
    stats = reply.get("statistics", {})
    return {
        "query_id": query_id, "status": reply["status"] + (" (stopped by the benchmark)" if stopped else ""),
        "seconds": elapsed, "first_results": first_results, "polls": polls,
        "records_scanned": int(stats.get("recordsScanned", 0)), "records_matched": int(stats.get("recordsMatched", 0)),
        "bytes_scanned": int(stats.get("bytesScanned", 0)),
        "rows": [{f["field"]: f["value"] for f in row} for row in results],
        "rss_before_kb": before, "rss_peak_kb": peak,
    }


def close(a, b, tolerance=1e-6):
    return a is not None and b is not None and abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def check(label, result, expected):
    """(OK or MISMATCH, detail)."""
    rows = result["rows"]
    if not result["status"].startswith("Complete"):
        return "NOT CHECKED", f"status {result['status']}"
    if label in ("a", "a2"):
        total = sum(float(r.get("count(*)", 0)) for r in rows)
        ok = total == expected["events"] and len(rows) == expected["bins_5m"]
        return ("OK" if ok else "MISMATCH"), (
            f"counts sum to {total:,.0f} in {len(rows)} bins; ingested {expected['events']:,} "
            f"in {expected['bins_5m']} bins")
    if label == "b":
        total = sum(float(r.get("count(*)", 0)) for r in rows)
        ok = total == expected["errors"]
        return ("OK" if ok else "MISMATCH"), (
            f"counts sum to {total:,.0f} in {len(rows)} bins; {expected['errors']:,} events contain ERROR")
    if label == "c":
        problems = []
        if len(rows) != 20:
            problems.append(f"{len(rows)} rows")
        stamps = [r.get("@timestamp", "") for r in rows]
        if stamps != sorted(stamps, reverse=True):
            problems.append("not newest first")
        for r in rows:
            try:
                status = json.loads(r.get("@message", ""))["http"]["status"]
            except (ValueError, KeyError, TypeError):
                status = None
            if not isinstance(status, (int, float)) or status < 500:
                problems.append(f"row without http.status ≥ 500: {r.get('@message', '')[:80]!r}")
                break
        newest = expected.get("newest_5xx")
        if newest and stamps and stamps[0] != newest:
            problems.append(f"newest row {stamps[0]}, newest such event {newest}")
        return ("OK" if not problems else "MISMATCH"), (
            "; ".join(problems)
            or f"20 rows, newest first, all http.status ≥ 500, newest {stamps[0] if stamps else '-'}")
    if label == "d":
        got = {r.get("service"): r for r in rows}
        problems = []
        for service, (average, p99) in sorted(expected["services"].items()):
            row = got.pop(service, None)
            if row is None:
                problems.append(f"no row for {service}")
                continue
            a = float(row["avg(latency_ms)"]) if "avg(latency_ms)" in row else None
            p = float(row["pct(latency_ms, 99)"]) if "pct(latency_ms, 99)" in row else None
            # pct is exact up to 1,024 values per group, then within 1 % (Cairn's sketch).
            if not close(a, average) or not close(p, p99, tolerance=0.0101):
                problems.append(f"{service}: avg {a} p99 {p}, expected {average} {p99}")
        if got:
            problems.append(f"unexpected rows {sorted(map(str, got))}")
        return ("OK" if not problems else "MISMATCH"), (
            "; ".join(problems) or f"avg and p99 of {len(expected['services'])} services as expected")
    return "", ""


def newest_5xx(ingested):
    """@timestamp (as Logs Insights prints it) of the newest event whose JSON http.status is ≥ 500."""
    best = None
    for index, (lines, times) in enumerate(zip(ingested["batches"], ingested["sent"])):
        if times == 0:
            continue
        base = ingested["first_ts"] + (times - 1) * ingested["span"]
        for position, line in enumerate(lines):
            try:
                status = json.loads(line)["http"]["status"]
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(status, (int, float)) and status >= 500:
                ts = base + position * ingested["span"] // len(lines)
                best = ts if best is None else max(best, ts)
    if best is None:
        return None
    when = datetime.datetime.fromtimestamp(best / 1000, datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S") + f".{best % 1000:03d}"


def server_log_problems(server):
    """Lines of the server's log that look like warnings or errors (its first-start notice, which shows a
    generated admin key, is left out)."""
    path = os.path.join(server.data_dir, "serve.log")
    marker = re.compile(r"\b(error|warning|warn|fatal|critical|fault|crash|panic)", re.IGNORECASE)
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip() for line in f if marker.search(line) and "secret" not in line.lower()]
    except OSError:
        return []


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = 0
    try:
        with open("/proc/meminfo") as f:
            memory = int(f.readline().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=os.path.join(ROOT, ".build", "release", "cairn"))
    parser.add_argument("--events", type=int, default=30_000_000, help="at least this many events are ingested")
    parser.add_argument("--connections", type=int, default=8, help="connections, one stream each")
    parser.add_argument("--hours", type=int, default=4, help="hours of event time the data covers")
    parser.add_argument("--query-timeout", type=float, default=900, help="seconds before a query is stopped")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the server's log)")
    args = parser.parse_args()
    command = shlex.join(["python3"] + sys.argv)

    server = Server(args.cairn)
    log(f"cairn serve pid {server.process.pid}, data in {server.data_dir}, {server.endpoint}")
    try:
        ingested = ingest(server, args.events, args.connections, args.hours, args.seed)
        total = ingested["events"]
        log(f"ingest: {total:,} events in {ingested['seconds']:.1f} s = {ingested['events_per_second']:,.0f} events/s")
        expected = expectations(ingested)
        expected["newest_5xx"] = newest_5xx(ingested)

        log("scan: FilterLogEvents 'SCANHIT' ...")
        scanned = ingest_bench.scan(server, total)
        scan_rate = scanned["events_scanned_per_second"]
        log(f"scan: {scanned['hits']:,} hits in {scanned['seconds']:.1f} s ({scanned['calls']} calls) "
            f"= {scan_rate:,.0f} events/s")

        start_s = ingested["first_ts"] // 1000
        end_s = ingested["last_ts"] // 1000 + 1
        outcomes = []
        for label, query, kind, target in QUERIES:
            log(f"query {label}: {query}")
            result = run_query(server, query, start_s, end_s, args.query_timeout)
            verdict, detail = check(label, result, expected)
            result.update(label=label, query=query, kind=kind, target=target, verdict=verdict, detail=detail)
            outcomes.append(result)
            first = f"{result['first_results']:.2f} s" if result["first_results"] is not None else "never"
            log(f"  {result['status']} in {result['seconds']:.2f} s, first results {first}, "
                f"{result['records_scanned']:,} records scanned, {len(result['rows'])} rows, "
                f"RSS {result['rss_before_kb'] / 1024:,.0f} → {result['rss_peak_kb'] / 1024:,.0f} MB; "
                f"{verdict}: {detail}")
        problems = server_log_problems(server)
        alive = server.process.poll() is None
    finally:
        if args.keep:
            server.process.terminate()
            server.process.wait(timeout=60)
            log(f"data kept in {server.data_dir}")
        else:
            server.stop()

    print(f"## Logs Insights benchmark — {datetime.date.today().isoformat()}, {machine()}")
    print()
    print(f"Command: `{command}`  ")
    print(f"cairn: `{os.path.abspath(args.cairn)}`")
    print()
    print("| figure | result | target |")
    print("|---|---|---|")
    print(f"| ingest | {total:,} events ({len(ingested['sent'])} streams × {ingested['requests']:,} requests) in "
          f"{ingested['seconds']:.1f} s = {ingested['events_per_second']:,.0f} events/s; request p50 "
          f"{ingested['request_p50_ms']:.1f} ms, p99 {ingested['request_p99_ms']:.1f} ms; event time "
          f"{(ingested['last_ts'] - ingested['first_ts']) / 3_600_000:.2f} h | — |")
    print(f"| scan baseline: FilterLogEvents `SCANHIT` | {scanned['hits']:,} hits in {scanned['seconds']:.1f} s "
          f"({scanned['calls']} calls) = **{scan_rate:,.0f} events scanned/s** | — |")
    for r in outcomes:
        seconds = r["seconds"]
        by_ingested = total / seconds
        complete = r["status"] == "Complete"
        # A query stopped before the end covered only recordsScanned events: rate that instead.
        ratio = (by_ingested if complete else r["records_scanned"] / seconds) / scan_rate
        first = f"{r['first_results']:.2f} s" if r["first_results"] is not None else "never"
        if r["kind"] == "ratio":
            met = ratio >= r["target"] and r["status"] == "Complete"
            figure = f"÷ scan **{ratio:.2f}**" + ("" if complete else " (recordsScanned ÷ time, query unfinished)")
            target = f"÷ scan ≥ {r['target']}"
        else:
            met = r["first_results"] is not None and r["first_results"] < r["target"] and r["status"] == "Complete"
            figure, target = f"first results **{first}**", f"first results < {r['target']:g} s"
        cell = r["query"].replace("|", "\\|")
        print(f"| ({r['label']}) `{cell}` | {r['status']} in {seconds:.2f} s; {figure}; "
              f"{r['records_scanned']:,} records scanned ({r['records_scanned'] / seconds:,.0f}/s), "
              f"{by_ingested:,.0f} events ingested/s{'' if complete else ' (unfinished)'}; "
              f"{r['records_matched']:,} matched; first results {first}; "
              f"RSS {r['rss_before_kb'] / 1024:,.0f} → peak {r['rss_peak_kb'] / 1024:,.0f} MB; "
              f"check {r['verdict']} | {target}: {'met' if met else 'NOT met'} |")
    print()
    print("Checks:")
    for r in outcomes:
        print(f"- ({r['label']}) {r['verdict']}: {r['detail']}")
    print(f"- (a) counts sum to the events ingested: {outcomes[0]['verdict']}")
    print(f"- cairn serve {'still running' if alive else 'HAD EXITED'} at the end; {len(problems)} warning or error "
          f"lines in its log (CAIRN_LOG_LEVEL=warning)" + (":" if problems else ""))
    for line in problems[:10]:
        print(f"  - `{line[:300]}`")
    print()
    print("RSS is VmRSS of the `cairn serve` process (PostgreSQL runs in processes of its own), sampled every 0.2 s "
          "from just before StartQuery until the final GetQueryResults; ÷ scan = (events ingested ÷ query wall time) "
          "÷ the scan's events/s.")


if __name__ == "__main__":
    main()
