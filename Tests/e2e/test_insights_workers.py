"""A Logs Insights query whose worker is killed mid-query (SIGKILL) runs again on another worker process and
returns exact counts: the API process and the workers share one database."""

import signal
import time

from conftest import Key, api_with_workers

ACCOUNT = "666666666666"
KEY = Key(ACCOUNT, "AKIAE2EINSIGHTSWORK1", "secret-insights-workers-0000001", "admin")
EVENTS = 200_000


def test_a_query_survives_its_worker_being_killed():
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

        first = start_worker()
        deadline = time.time() + 60
        while logs.get_query_results(queryId=query_id)["status"] == "Scheduled":
            assert time.time() < deadline, "no worker took the query"
            time.sleep(0.05)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        status = logs.get_query_results(queryId=query_id)["status"]
        assert status == "Running", f"the query ended ({status}) before its worker was killed: make it longer"

        start_worker()
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
