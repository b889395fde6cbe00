"""A Logs Insights query whose worker is killed mid-query (SIGKILL) runs again on another worker process and
returns exact counts: the API process and the workers share one database. Run whole, and split into time slices
(CAIRN_INSIGHTS_SLICE_BYTES) that every worker takes part in."""

import os
import signal
import subprocess
import time

import pytest

from conftest import Key, api_with_workers

ACCOUNT = "666666666666"
KEY = Key(ACCOUNT, "AKIAE2EINSIGHTSWORK1", "secret-insights-workers-0000001", "admin")
EVENTS = 200_000


def slices_of(api, query_id):
    """(slices planned, slices stored) of a query, read from the database."""
    output = subprocess.run(
        ["psql", "-h", os.path.join(api.data_dir, "run"), "-U", "cairn", "-d", "cairn", "-tAc",
         f"SELECT slices, (SELECT count(*) FROM insights_query_slices s WHERE s.query_id = q.query_id) "
         f"FROM insights_queries q WHERE query_id = '{query_id}'"],
        capture_output=True, text=True, check=True).stdout.strip()
    planned, stored = output.split("|")
    return (int(planned) if planned else None), int(stored)


# About 12 MB of raw events: whole, or in slices of about 1 MB (12 slice jobs).
@pytest.mark.parametrize("slice_bytes", [None, "1000000"], ids=["whole", "sliced"])
def test_a_query_survives_its_worker_being_killed(slice_bytes):
    worker_env = {"CAIRN_INSIGHTS_SLICE_BYTES": slice_bytes} if slice_bytes else None
    with api_with_workers(KEY) as (api, start_worker):
        logs = api.client(KEY)
        logs.create_log_group(logGroupName="/workers")
        logs.create_log_stream(logGroupName="/workers", logStreamName="s")
        start = int(time.time() * 1000) - 600_000
        for batch in range(EVENTS // 10_000):
            logs.put_log_events(logGroupName="/workers", logStreamName="s", logEvents=[
                {"timestamp": start + batch * 10_000 + i, "message": f'{{"k":"key{i % 7}","n":{i},"pad":"{"x" * 40}"}}'}
                for i in range(10_000)])

        query_id = logs.start_query(
            logGroupName="/workers", startTime=start // 1000 - 1, endTime=int(time.time()) + 1,
            queryString="filter n >= 0 | stats count(*) as events, sum(n) as total by k | sort k")["queryId"]
        assert logs.get_query_results(queryId=query_id)["status"] == "Scheduled"  # no worker yet

        first = start_worker(worker_env)
        deadline = time.time() + 60
        while logs.get_query_results(queryId=query_id)["status"] == "Scheduled":
            assert time.time() < deadline, "no worker took the query"
            time.sleep(0.05)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        status = logs.get_query_results(queryId=query_id)["status"]
        assert status == "Running", f"the query ended ({status}) before its worker was killed: make it longer"

        start_worker(worker_env)
        start_worker(worker_env)
        deadline = time.time() + 120
        while True:
            response = logs.get_query_results(queryId=query_id)
            if response["status"] != "Running":
                break
            assert time.time() < deadline, "the query was not taken over"
            time.sleep(0.2)
        assert response["status"] == "Complete"
        rows = [{f["field"]: f["value"] for f in row} for row in response["results"]]
        per_key = {k: sum(1 for i in range(10_000) if i % 7 == k) * (EVENTS // 10_000) for k in range(7)}
        totals = {k: sum(i for i in range(10_000) if i % 7 == k) * (EVENTS // 10_000) for k in range(7)}
        assert rows == [
            {"k": f"key{k}", "events": str(per_key[k]), "total": str(totals[k])} for k in range(7)]
        assert response["statistics"]["recordsMatched"] == EVENTS
        planned, stored = slices_of(api, query_id)
        if slice_bytes:
            assert planned and planned >= 2 and stored == planned, (planned, stored)
        else:
            assert (planned, stored) == (None, 0)
