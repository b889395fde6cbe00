"""Two `cairn serve` processes (both with workers) on one database evaluate the same alarms: every transition is
made once, with one history item and one notification."""

import datetime
import json
import time

from conftest import Key, two_processes
from test_sns import Endpoint, subscribe_and_confirm, verify

ACCOUNT = "777777777777"
KEY = Key(ACCOUNT, "AKIAE2EALARMWORKERS1", "secret-alarm-workers-00000000001", "admin")
ALARMS = 40


def test_two_worker_processes_make_each_transition_once():
    with two_processes(first_env={"CAIRN_SNS_PRIVATE_ENDPOINTS": "allow"},
                       second_env={"CAIRN_SNS_PRIVATE_ENDPOINTS": "allow"}) as (first, second):
        first.enrol(KEY)
        endpoint = Endpoint().start()
        try:
            sns = first.client(KEY, service="sns")
            cloudwatch = second.client(KEY, service="cloudwatch")
            topic = sns.create_topic(Name="workers")["TopicArn"]
            subscribe_and_confirm(sns, first, topic, endpoint, second)
            last_minute = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) - \
                datetime.timedelta(minutes=1)
            cloudwatch.put_metric_data(Namespace="Workers", MetricData=[
                {"MetricName": f"m{i}", "Timestamp": last_minute, "Value": 10} for i in range(ALARMS)])
            for i in range(ALARMS):
                # The last minute's point breaches: each alarm's first evaluation (by either process) is ALARM.
                cloudwatch.put_metric_alarm(
                    AlarmName=f"a{i:02d}", Namespace="Workers", MetricName=f"m{i}", Statistic="Maximum", Period=60,
                    EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold",
                    TreatMissingData="ignore", AlarmActions=[topic])
            deadline = time.time() + 90
            while time.time() < deadline:
                states = [a["StateValue"] for a in
                          cloudwatch.describe_alarms(AlarmNamePrefix="a", MaxRecords=100)["MetricAlarms"]]
                if states.count("ALARM") == ALARMS:
                    break
                time.sleep(0.5)
            assert states.count("ALARM") == ALARMS
            notifications = endpoint.wait("Notification", count=ALARMS)
            time.sleep(5)  # a duplicate would arrive by now
            notifications = endpoint.wait("Notification", count=ALARMS)
            for notification in notifications:
                verify(notification, first, second)
            names = sorted(json.loads(n["Message"])["AlarmName"] for n in notifications)
            assert names == [f"a{i:02d}" for i in range(ALARMS)]
            for i in range(ALARMS):
                updates = cloudwatch.describe_alarm_history(
                    AlarmName=f"a{i:02d}", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
                assert [u["HistorySummary"] for u in updates] == ["Alarm updated from INSUFFICIENT_DATA to ALARM"]
        finally:
            endpoint.stop()
