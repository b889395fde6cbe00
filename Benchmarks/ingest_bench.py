"""Ingestion and scan benchmark for Cairn.

Starts `cairn serve` (release build) on a fresh embedded PostgreSQL, then, all on this machine:
  1. ingestion: N connections send signed PutLogEvents of full batches (as many corpus lines as fit in 1 MB,
     at most 10,000) to N streams for --duration seconds; reports events/s, MB/s, request p50/p99;
  2. storage: stored bytes (event_chunks partitions with their indexes and TOAST) ÷ raw message bytes, against
     zstd -3 of the same messages in 10,000-line blocks;
  3. baseline: PostgreSQL COPY of the same events as one row per event into an indexed table, timed in the same
     run; prints Cairn events/s ÷ COPY events/s;
  4. latency: 1-event PutLogEvents at --rate requests/s; p50/p99;
  5. scan: FilterLogEvents over everything ingested for a term in 0.1 % of lines; events scanned per second.

Usage: python3 Benchmarks/ingest_bench.py [--duration 60] [--connections 8] [--cairn .build/release/cairn]
"""

import argparse
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
sys.path.insert(0, HERE)

import sigv4  # noqa: E402
from corpus import Corpus  # noqa: E402

ACCOUNT = "999999999999"
KEY_ID = "AKIABENCHMARK0000001"
SECRET = "benchmark-secret-000000000000001"
# A second tenant, for the isolation phase.
OTHER_ACCOUNT = "888888888888"
OTHER_KEY_ID = "AKIABENCHMARK0000002"
OTHER_SECRET = "benchmark-secret-000000000000002"
GROUP = "/bench/ingest"
MAX_BATCH_BYTES = 1_048_576
MAX_BATCH_EVENTS = 10_000


class Key:
    access_key_id = KEY_ID
    secret = SECRET


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def full_batch(corpus):
    """As many lines as fit in 1 MB (message bytes + 26 each), at most 10,000."""
    lines, size = [], 0
    while len(lines) < MAX_BATCH_EVENTS:
        line = corpus.line()
        cost = len(line.encode()) + 26
        if size + cost > MAX_BATCH_BYTES:
            break
        lines.append(line)
        size += cost
    return lines


class BatchBody:
    """A PutLogEvents body whose timestamps move forward with every request, as a real stream's do:
    the JSON is kept in pieces around the timestamps, which are filled in per request."""

    SPAN = 1000  # milliseconds covered by one batch

    def __init__(self, stream, lines, start_ts, group=GROUP):
        self.lines = lines
        self.start_ts = start_ts
        self.pieces = []
        head = json.dumps({"logGroupName": group, "logStreamName": stream})[:-1] + ', "logEvents": ['
        for i, line in enumerate(lines):
            self.pieces.append((head if i == 0 else "}, ") + '{"timestamp": ')
            self.pieces.append(', "message": ' + json.dumps(line))
        self.tail = "}]}"
        self.offsets = [i * self.SPAN // len(lines) for i in range(len(lines))]

    def render(self, request_number):
        base = self.start_ts + request_number * self.SPAN
        parts = []
        for i, offset in enumerate(self.offsets):
            parts.append(self.pieces[2 * i])
            parts.append(str(base + offset))
            parts.append(self.pieces[2 * i + 1])
        parts.append(self.tail)
        return "".join(parts).encode()


class Server:
    def __init__(self, cairn):
        self.data_dir = tempfile.mkdtemp(prefix="cairn-bench-", dir="/tmp")
        os.chmod(self.data_dir, 0o755)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, CAIRN_DATA_DIR=self.data_dir, CAIRN_PORT=str(self.port), CAIRN_LOG_LEVEL="warning")
        self.cairn = cairn
        self.log = open(os.path.join(self.data_dir, "serve.log"), "wb")
        self.process = subprocess.Popen([cairn, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.endpoint + "/health/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        else:
            raise RuntimeError("cairn serve did not start")
        admin = lambda *a: subprocess.run([cairn, "admin", *a], env=self.env, check=True, capture_output=True)
        admin("account", "create", "--id", ACCOUNT)
        admin("key", "import", "--account", ACCOUNT, "--access-key-id", KEY_ID, "--secret", SECRET)
        admin("account", "create", "--id", OTHER_ACCOUNT)
        admin("key", "import", "--account", OTHER_ACCOUNT, "--access-key-id", OTHER_KEY_ID, "--secret", OTHER_SECRET)

    def psql(self, sql, *extra):
        return subprocess.run(
            ["psql", "-h", os.path.join(self.data_dir, "run"), "-U", "cairn", "-d", "cairn", "-v", "ON_ERROR_STOP=1",
             "-tA", *extra, "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout.strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Client:
    """One keep-alive connection sending signed requests."""

    def __init__(self, endpoint, key_id=KEY_ID, secret=SECRET):
        self.endpoint = endpoint
        self.key_id, self.secret = key_id, secret
        host, port = endpoint.split("://")[1].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)

    def call(self, target, body, body_hash=None, service="logs"):
        prefix = "TrentService." if service == "kms" else "Logs_20140328."
        headers = sigv4.signed_headers(self.endpoint, self.key_id, self.secret, body, prefix + target,
                                       body_hash=body_hash, service=service)
        if service == "kms":
            headers["content-type"] = "application/x-amz-json-1.1"
        headers.pop("host")
        self.connection.request("POST", "/", body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target}: {response.status} {payload[:300]!r}")
        return json.loads(payload)


def ingest(server, connections, duration, seed, group=GROUP, kms_key_id=None, create=True, stream_prefix="stream"):
    setup = Client(server.endpoint)
    request = {"logGroupName": group}
    if kms_key_id:
        request["kmsKeyId"] = kms_key_id
    if create:
        setup.call("CreateLogGroup", json.dumps(request).encode())
    # Start 13 days back: one batch per second of event time leaves room for a long run.
    start_ts = int(time.time() * 1000) - 13 * 86_400_000
    corpus = Corpus(seed)
    bodies = []
    for index in range(connections):
        stream = f"{stream_prefix}-{index}"
        setup.call("CreateLogStream", json.dumps({"logGroupName": group, "logStreamName": stream}).encode())
        lines = full_batch(corpus)
        bodies.append((lines, BatchBody(stream, lines, start_ts, group)))

    sent = [0] * connections
    latencies = [[] for _ in range(connections)]
    stop_at = time.monotonic() + duration

    def worker(index):
        client = Client(server.endpoint)
        _, template = bodies[index]
        while time.monotonic() < stop_at:
            body = template.render(sent[index])
            body_hash = hashlib.sha256(body).hexdigest()
            started = time.monotonic()
            client.call("PutLogEvents", body, body_hash)
            latencies[index].append(time.monotonic() - started)
            sent[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    events = sum(sent[i] * len(bodies[i][0]) for i in range(connections))
    raw = sum(sent[i] * sum(len(line.encode()) for line in bodies[i][0]) for i in range(connections))
    all_latencies = [x for per in latencies for x in per]
    return {
        "seconds": elapsed, "requests": sum(sent), "events": events, "raw_bytes": raw,
        "events_per_second": events / elapsed, "mb_per_second": raw / elapsed / 1e6,
        "request_p50_ms": percentile(all_latencies, 50) * 1000, "request_p99_ms": percentile(all_latencies, 99) * 1000,
        "bodies": bodies, "sent": sent,
    }


def zstd_ratio(seed, blocks=20, block_lines=10_000):
    """zstd -3 of plain log text in 10,000-line blocks, on fresh lines of the same corpus: compressed ÷ raw."""
    corpus = Corpus(seed + 1)
    compressed = raw = 0
    for _ in range(blocks):
        lines = [corpus.line() for _ in range(block_lines)]
        raw += sum(len(line.encode()) for line in lines)
        block = ("\n".join(lines) + "\n").encode()
        compressed += len(subprocess.run(["zstd", "-3", "-c", "-q"], input=block, capture_output=True, check=True).stdout)
    return compressed / raw


def copy_baseline(server, bodies, target_events):
    """COPY the same events, one row per event, into an indexed table; returns events/s."""
    server.psql(
        "CREATE TABLE bench_row_per_event (account_id text, group_id bigint, stream_id bigint, ts bigint, "
        "seq bigint, ingestion_time bigint, message text); "
        "CREATE INDEX ON bench_row_per_event (account_id, stream_id, ts)"
    )
    path = os.path.join(server.data_dir, "rows.tsv")
    escape = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    written, seq = 0, 0
    with open(path, "w") as f:
        while written < target_events:
            for stream, (lines, _) in enumerate(bodies):
                for line in lines:
                    f.write(f"{ACCOUNT}\t1\t{stream}\t{1764072000000 + seq // 10}\t{seq}\t1764072000000\t{line.translate(escape)}\n")
                    seq += 1
                written += len(lines)
                if written >= target_events:
                    break
    os.chmod(path, 0o644)
    started = time.monotonic()
    server.psql(f"\\copy bench_row_per_event FROM '{path}'")
    elapsed = time.monotonic() - started
    size = int(server.psql("SELECT pg_total_relation_size('bench_row_per_event')"))
    server.psql("DROP TABLE bench_row_per_event")
    os.remove(path)
    return written / elapsed, written, size


def latency(server, rate, seconds, stream="latency", group=GROUP, key=(KEY_ID, SECRET)):
    clients = 4
    Client(server.endpoint, *key).call(
        "CreateLogStream", json.dumps({"logGroupName": group, "logStreamName": stream}).encode())
    results = [[] for _ in range(clients)]
    stop_at = time.monotonic() + seconds

    def worker(index):
        client = Client(server.endpoint, *key)
        interval = clients / rate
        next_at = time.monotonic() + index * interval / clients
        n = 0
        while next_at < stop_at:
            time.sleep(max(0, next_at - time.monotonic()))
            body = json.dumps({"logGroupName": group, "logStreamName": stream,
                               "logEvents": [{"timestamp": int(time.time() * 1000), "message": f"single {index} {n}"}]}).encode()
            started = time.monotonic()
            client.call("PutLogEvents", body)
            results[index].append(time.monotonic() - started)
            n += 1
            next_at += interval

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    values = [x for per in results for x in per]
    return {"requests": len(values), "achieved_rate": len(values) / seconds,
            "p50_ms": percentile(values, 50) * 1000, "p99_ms": percentile(values, 99) * 1000}


def scan(server, total_events, pattern="SCANHIT"):
    client = Client(server.endpoint)
    token, hits, calls = None, 0, 0
    started = time.monotonic()
    while True:
        request = {"logGroupName": GROUP, "filterPattern": pattern}
        if token:
            request["nextToken"] = token
        call_started = time.monotonic()
        reply = client.call("FilterLogEvents", json.dumps(request).encode())
        calls += 1
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  scan call {calls}: {len(reply['events'])} hits in {time.monotonic() - call_started:.2f} s", flush=True)
        hits += len(reply["events"])
        token = reply.get("nextToken")
        if not token:
            break
    elapsed = time.monotonic() - started
    return {"events_scanned": total_events, "hits": hits, "calls": calls, "seconds": elapsed,
            "events_scanned_per_second": total_events / elapsed}


# Five metric filters of the kinds users write: JSON conditions with values and dimensions, terms, space-delimited.
METRIC_FILTERS = [
    ("errors", '{ $.level = "ERROR" }', "1", None),
    ("latency", "{ $.latency_ms > 100 }", "$.latency_ms", {"Service": "$.service"}),
    ("server-errors", "[ip, id, user, timestamp, request, status = 5*, bytes, referrer, agent]", "1", None),
    ("bytes", "[ip, id, user, timestamp, request, status, bytes > 0, referrer, agent]", "$bytes", None),
    ("ssh", '"Failed password"', "1", None),
]


def metric_filter_benchmark(server, seconds, connections, seed):
    """Ingestion into a group with five metric filters vs a group with none, the same load, one after the other."""
    plain = ingest(server, connections, seconds, seed, group="/bench/no-filters")
    setup = Client(server.endpoint)
    setup.call("CreateLogGroup", json.dumps({"logGroupName": "/bench/metric-filters"}).encode())
    for name, pattern, value, dimensions in METRIC_FILTERS:
        transformation = {"metricName": name, "metricNamespace": "Bench", "metricValue": value}
        if dimensions:
            transformation["dimensions"] = dimensions
        setup.call("PutMetricFilter", json.dumps({
            "logGroupName": "/bench/metric-filters", "filterName": name, "filterPattern": pattern,
            "metricTransformations": [transformation]}).encode())
    filtered = ingest(server, connections, seconds, seed, group="/bench/metric-filters", create=False)
    points = int(server.psql("SELECT count(*) FROM metric_points"))
    samples = float(server.psql("SELECT COALESCE(sum(sample_count), 0) FROM metric_points"))
    return plain["events_per_second"], filtered["events_per_second"], points, samples, filtered["events"]


PROTECTED = ["EmailAddress", "IpAddress", "CreditCardNumber", "AwsSecretKey"]


def protect(client, group):
    """Puts the data protection policy of the PROTECTED identifiers on `group`."""
    ids = ["arn:aws:dataprotection::aws:data-identifier/" + name for name in PROTECTED]
    document = json.dumps({"Name": "bench", "Version": "2021-06-01", "Statement": [
        {"DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}}]})
    client.call("PutDataProtectionPolicy", json.dumps({"logGroupIdentifier": group, "policyDocument": document}).encode())


def protection_benchmark(server, seconds, connections, seed):
    """Ingestion into a group without a data protection policy vs a group whose policy masks e-mail addresses, IP
    addresses, card numbers and AWS secret keys (the corpus's access log lines all carry a client IP), the same
    load, one after the other; returns both rates and how many events were masked."""
    plain = ingest(server, connections, seconds, seed, group="/bench/unprotected")
    setup = Client(server.endpoint)
    setup.call("CreateLogGroup", json.dumps({"logGroupName": "/bench/protected"}).encode())
    protect(setup, "/bench/protected")
    protected = ingest(server, connections, seconds, seed, group="/bench/protected", create=False)
    # Batches that held masked events, and the sealed bytes kept of what masking replaced.
    masked, sealed = (int(value) for value in server.psql(
        "SELECT count(*) || ' ' || COALESCE(sum(length(sealed)), 0) FROM masked_originals").split())
    return plain["events_per_second"], protected["events_per_second"], masked, sealed, protected["events"]


# A transformer every corpus line passes through (access log, syslog and JSON lines all have a first word):
# a parser, a JSON mutator and a string mutator.
TRANSFORMER = [
    {"grok": {"match": "%{NOTSPACE:first} %{GREEDYDATA:rest}"}},
    {"addKeys": {"entries": [{"key": "env", "value": "bench"}]}},
    {"lowerCaseString": {"withKeys": ["first"]}},
]


def transformer_benchmark(server, seconds, connections, seed, rounds=2):
    """Ingestion into a plain group vs a group with a three-processor transformer and the four-identifier data
    protection policy together, and a group with the transformer alone, the same load. The three take turns for
    `rounds` rounds (each `seconds / rounds` long), so that the machine's drift during the phase falls on all of
    them alike; each rate is its events over its seconds. Returns the three rates, how many events were
    transformed and how many failed."""
    setup = Client(server.endpoint)
    group = "/bench/transformed"
    setup.call("CreateLogGroup", json.dumps({"logGroupName": group}).encode())
    protect(setup, group)
    setup.call("PutTransformer", json.dumps({"logGroupIdentifier": group, "transformerConfig": TRANSFORMER}).encode())
    # The transformer alone, to tell its share from the policy's.
    alone = "/bench/transformed-alone"
    setup.call("CreateLogGroup", json.dumps({"logGroupName": alone}).encode())
    setup.call("PutTransformer", json.dumps({"logGroupIdentifier": alone, "transformerConfig": TRANSFORMER}).encode())
    plain = "/bench/untransformed"
    setup.call("CreateLogGroup", json.dumps({"logGroupName": plain}).encode())
    totals = {name: [0, 0.0] for name in (plain, group, alone)}
    for round_number in range(rounds):
        for name in (plain, group, alone):
            result = ingest(server, connections, seconds / rounds, seed, group=name, create=False,
                            stream_prefix=f"round-{round_number}")
            totals[name][0] += result["events"]
            totals[name][1] += result["seconds"]
    rate = {name: events / elapsed for name, (events, elapsed) in totals.items()}
    counts = server.psql(
        "SELECT COALESCE(sum(p.sum) FILTER (WHERE s.metric_name = 'TransformedLogEvents'), 0)::bigint || ' ' || "
        "COALESCE(sum(p.sum) FILTER (WHERE s.metric_name = 'TransformationErrors'), 0)::bigint "
        "FROM metric_points p JOIN metric_series s USING (series_id) WHERE s.namespace = 'AWS/Logs'").split()
    return rate[plain], rate[group], rate[alone], int(counts[0]), int(counts[1])


def isolation_benchmark(server, seconds, connections):
    """Small PutLogEvents latency alone, then beside `connections` clients whose every request spends its whole
    regular-expression budget (a grok pattern that backtracks on every event of 3,000 characters): such requests
    must not hold the threads that other requests need. Measured twice each: into a plain group of the same
    account, and into another account's group with a data protection policy (whose masking runs on the same
    blocking work as the heavy requests' transformation)."""
    other_key = (OTHER_KEY_ID, OTHER_SECRET)
    other_group = "/bench/other-tenant-protected"
    other = Client(server.endpoint, *other_key)
    other.call("CreateLogGroup", json.dumps({"logGroupName": other_group}).encode())
    protect(other, other_group)
    alone = latency(server, 20, seconds, stream="isolation-alone")
    other_alone = latency(server, 20, seconds, stream="isolation-alone", group=other_group, key=other_key)
    setup = Client(server.endpoint)
    group = "/bench/backtracking"
    setup.call("CreateLogGroup", json.dumps({"logGroupName": group}).encode())
    setup.call("PutTransformer", json.dumps({"logGroupIdentifier": group, "transformerConfig": [
        {"grok": {"match": "%{DATA:a}%{DATA:b}%{DATA:c}%{DATA:d}%{DATA:e}Z"}}]}).encode())
    stop = threading.Event()
    heavy = [[] for _ in range(connections)]

    def worker(index):
        client = Client(server.endpoint)
        stream = f"heavy-{index}"
        client.call("CreateLogStream", json.dumps({"logGroupName": group, "logStreamName": stream}).encode())
        while not stop.is_set():
            started = time.monotonic()
            client.call("PutLogEvents", json.dumps({"logGroupName": group, "logStreamName": stream, "logEvents": [
                {"timestamp": int(time.time() * 1000), "message": "a" * 3000} for _ in range(50)]}).encode())
            heavy[index].append(time.monotonic() - started)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    time.sleep(2)
    beside = latency(server, 20, seconds, stream="isolation-beside")
    other_beside = latency(server, 20, seconds, stream="isolation-beside", group=other_group, key=other_key)
    stop.set()
    for t in threads:
        t.join()
    return alone, beside, other_alone, other_beside, [x for per in heavy for x in per]


def kms_benchmark(server, seconds, connections, ingest_seconds, seed):
    """GenerateDataKey and Decrypt requests/s through the API; ingestion under a customer key vs the default key."""
    setup = Client(server.endpoint)
    key = setup.call("CreateKey", b"{}", service="kms")["KeyMetadata"]
    request = json.dumps({"KeyId": key["KeyId"], "KeySpec": "AES_256"}).encode()
    blob = setup.call("GenerateDataKey", request, service="kms")["CiphertextBlob"]
    decrypt_request = json.dumps({"CiphertextBlob": blob}).encode()

    def rate(target, body):
        counts = [0] * connections
        stop_at = time.monotonic() + seconds

        def worker(index):
            client = Client(server.endpoint)
            while time.monotonic() < stop_at:
                client.call(target, body, service="kms")
                counts[index] += 1

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(counts) / seconds

    generate_rate = rate("GenerateDataKey", request)
    decrypt_rate = rate("Decrypt", decrypt_request)
    # The same load, one group under the default key and one under the customer key, in the same run.
    default = ingest(server, 4, ingest_seconds, seed, group="/bench/default-key")
    customer = ingest(server, 4, ingest_seconds, seed, group="/bench/customer-key", kms_key_id=key["Arn"])
    return generate_rate, decrypt_rate, default["events_per_second"], customer["events_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default=os.path.join(ROOT, ".build", "release", "cairn"))
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--latency-seconds", type=float, default=20)
    parser.add_argument("--copy-events", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--phases",
                        default="ingest,storage,copy,latency,scan,scanjson,kms,metricfilters,protection,transformer,isolation")
    parser.add_argument("--protection-seconds", type=float, default=20)
    parser.add_argument("--transformer-seconds", type=float, default=20)
    parser.add_argument("--transformer-rounds", type=int, default=2,
                        help="the plain, transformed and transformer-only groups take turns this many times")
    parser.add_argument("--isolation-seconds", type=float, default=20)
    parser.add_argument("--metric-filter-seconds", type=float, default=20)
    parser.add_argument("--kms-seconds", type=float, default=10)
    parser.add_argument("--kms-ingest-seconds", type=float, default=20)
    args = parser.parse_args()

    phases = set(args.phases.split(","))
    server = Server(args.cairn)
    try:
        result = ingest(server, args.connections, args.duration, args.seed)
        print(f"ingest: {result['events']:,} events in {result['seconds']:.1f} s over {args.connections} connections "
              f"= {result['events_per_second']:,.0f} events/s, {result['mb_per_second']:.1f} MB/s of messages; "
              f"request p50 {result['request_p50_ms']:.1f} ms, p99 {result['request_p99_ms']:.1f} ms", flush=True)

        if "storage" in phases:
            stored = int(server.psql(
                "SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                "WHERE p.relname = 'event_chunks'"))
            ratio = zstd_ratio(args.seed)
            zstd_total = ratio * result["raw_bytes"]
            print(f"storage: {stored:,} bytes stored for {result['raw_bytes']:,} raw message bytes "
                  f"(ratio {stored / result['raw_bytes']:.3f}); zstd -3 in 10,000-line blocks: ratio {ratio:.3f}, "
                  f"{zstd_total:,.0f} bytes; stored / zstd = {stored / zstd_total:.3f}", flush=True)

        if "copy" in phases:
            copy_rate, copied, copy_size = copy_baseline(server, result["bodies"], args.copy_events)
            print(f"baseline: COPY one row per event into an indexed table: {copied:,} events at {copy_rate:,.0f} "
                  f"events/s ({copy_size / copied:.0f} bytes/event stored); "
                  f"Cairn ÷ COPY = {result['events_per_second'] / copy_rate:.2f}", flush=True)

        if "latency" in phases:
            lat = latency(server, args.rate, args.latency_seconds)
            print(f"latency: 1-event PutLogEvents at {lat['achieved_rate']:.0f} requests/s: p50 {lat['p50_ms']:.2f} ms, "
                  f"p99 {lat['p99_ms']:.2f} ms ({lat['requests']} requests)", flush=True)

        if "scan" in phases:
            sc = scan(server, result["events"])
            print(f"scan: FilterLogEvents 'SCANHIT' over {sc['events_scanned']:,} events: {sc['hits']:,} hits in "
                  f"{sc['seconds']:.1f} s ({sc['calls']} calls) = {sc['events_scanned_per_second']:,.0f} events scanned/s",
                  flush=True)
        if "scanjson" in phases:
            terms = scan(server, result["events"])
            structured = scan(server, result["events"], pattern='{ $.level = "ERROR" && $.latency_ms > 100 }')
            print(f"scan: JSON pattern over {structured['events_scanned']:,} events: {structured['hits']:,} hits, "
                  f"{structured['events_scanned_per_second']:,.0f} events scanned/s; terms pattern in the same run "
                  f"{terms['events_scanned_per_second']:,.0f} events/s; JSON ÷ terms = "
                  f"{structured['events_scanned_per_second'] / terms['events_scanned_per_second']:.3f}", flush=True)
        if "metricfilters" in phases:
            plain_eps, filtered_eps, points, samples, filtered_events = metric_filter_benchmark(
                server, args.metric_filter_seconds, args.connections, args.seed)
            print(f"metric filters: ingestion with none {plain_eps:,.0f} events/s, with 5 filters {filtered_eps:,.0f} "
                  f"events/s: ratio {filtered_eps / plain_eps:.3f}; {points:,} metric points holding {samples:,.0f} "
                  f"samples from {filtered_events:,} events", flush=True)
        if "protection" in phases:
            plain_eps, protected_eps, masked, sealed, protected_events = protection_benchmark(
                server, args.protection_seconds, args.connections, args.seed)
            print(f"data protection: ingestion without a policy {plain_eps:,.0f} events/s, with a policy of "
                  f"{len(PROTECTED)} identifiers {protected_eps:,.0f} events/s: ratio {protected_eps / plain_eps:.3f}; "
                  f"{protected_events:,} events, {masked:,} batches with masked events, {sealed:,} bytes of their "
                  f"originals sealed ({sealed / max(protected_events, 1):.1f} per event)", flush=True)
        if "transformer" in phases:
            plain_eps, transformed_eps, alone_eps, done, failed = transformer_benchmark(
                server, args.transformer_seconds, args.connections, args.seed, args.transformer_rounds)
            print(f"transformer: ingestion without {plain_eps:,.0f} events/s, with a {len(TRANSFORMER)}-processor "
                  f"transformer and a {len(PROTECTED)}-identifier data protection policy {transformed_eps:,.0f} "
                  f"events/s: ratio {transformed_eps / plain_eps:.3f}; with the transformer alone "
                  f"{alone_eps:,.0f} events/s: ratio {alone_eps / plain_eps:.3f}; {done:,} events transformed, "
                  f"{failed:,} failed", flush=True)
        if "isolation" in phases:
            alone, beside, other_alone, other_beside, heavy = isolation_benchmark(server, args.isolation_seconds, 4)
            print(f"isolation: single-event PutLogEvents at 20/s alone p50 {alone['p50_ms']:.1f} ms, p99 "
                  f"{alone['p99_ms']:.1f} ms; beside 4 clients whose requests each spend the 2 s regular-expression "
                  f"budget ({len(heavy)} such requests, p50 {percentile(heavy, 50):.2f} s) p50 {beside['p50_ms']:.1f} ms, "
                  f"p99 {beside['p99_ms']:.1f} ms ({beside['requests']} requests, {beside['achieved_rate']:.1f}/s)",
                  flush=True)
            print(f"isolation, another account's protected group: alone p50 {other_alone['p50_ms']:.1f} ms, p99 "
                  f"{other_alone['p99_ms']:.1f} ms; beside p50 {other_beside['p50_ms']:.1f} ms, p99 "
                  f"{other_beside['p99_ms']:.1f} ms ({other_beside['requests']} requests, "
                  f"{other_beside['achieved_rate']:.1f}/s)", flush=True)
        if "kms" in phases:
            generate_rate, decrypt_rate, default_eps, customer_eps = kms_benchmark(
                server, args.kms_seconds, 4, args.kms_ingest_seconds, args.seed)
            print(f"kms: GenerateDataKey {generate_rate:,.0f} requests/s, Decrypt {decrypt_rate:,.0f} requests/s "
                  f"(4 connections); ingestion under the default key {default_eps:,.0f} events/s, under a customer "
                  f"key {customer_eps:,.0f} events/s: ratio {customer_eps / default_eps:.3f}", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
