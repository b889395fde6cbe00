"""Several `cairn serve` processes on one database: disabling a key on one stops reads and writes on the
other at once (LISTEN/NOTIFY), even with key caches that would otherwise live for ten minutes."""

import signal
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Key, two_processes

ACCOUNT = "555555555555"
KEY = Key(ACCOUNT, "AKIAE2EMULTIPROCESS1", "secret-multi-process-0000000001", "admin")


def test_key_disable_reaches_every_process_at_once():
    long_cache = {"CAIRN_KEY_CACHE_SECONDS": "600"}
    with two_processes(long_cache, long_cache) as (first, second):
        first.admin("account", "create", "--id", ACCOUNT)
        first.admin("key", "import", "--account", ACCOUNT, "--access-key-id", KEY.access_key_id, "--secret", KEY.secret)

        kms_second = second.client(KEY, service="kms")
        logs_first = first.client(KEY)
        key = kms_second.create_key()["KeyMetadata"]
        logs_first.create_log_group(logGroupName="/multi", kmsKeyId=key["Arn"])
        logs_first.create_log_stream(logGroupName="/multi", logStreamName="s")

        def write(message):
            logs_first.put_log_events(logGroupName="/multi", logStreamName="s",
                                      logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])

        def read():
            return logs_first.get_log_events(logGroupName="/multi", logStreamName="s", startFromHead=True)["events"]

        write("before")
        assert len(read()) == 1  # the first process now caches the group's data key

        kms_second.disable_key(KeyId=key["KeyId"])
        deadline = time.time() + 30
        while True:
            started = time.time()
            try:
                write("should be refused")
            except ClientError as error:
                assert error.response["Error"]["Code"] == "AccessDeniedException"
                break
            assert started < deadline, "the first process still writes with a disabled key"
            time.sleep(0.1)
        with pytest.raises(ClientError):
            read()

        kms_second.enable_key(KeyId=key["KeyId"])
        write("after")
        assert [e["message"] for e in read()][0] == "before"
        assert second.stop(signal.SIGTERM) == 0
        assert first.stop(signal.SIGTERM) == 0
