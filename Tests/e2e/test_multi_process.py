"""Several `cairn serve` processes on one database: disabling a key on one stops reads and writes on the
other at once (LISTEN/NOTIFY), even with key caches that would otherwise live for ten minutes."""

import os
import shutil
import signal
import time

import pytest
from botocore.exceptions import ClientError

from conftest import CAIRN, Key, Server, free_port, make_data_dir

ACCOUNT = "555555555555"
KEY = Key(ACCOUNT, "AKIAE2EMULTIPROCESS1", "secret-multi-process-0000000001", "admin")


def test_key_disable_reaches_every_process_at_once():
    first_dir, second_dir = make_data_dir(), make_data_dir()
    long_cache = {"CAIRN_KEY_CACHE_SECONDS": "600"}
    first = Server(first_dir, free_port(), extra_env=long_cache)
    second = None
    try:
        first.start()
        with open(os.path.join(first_dir, "root.key")) as f:
            root_key = f.read().strip()
        url = f"postgres://cairn@localhost/cairn?host={os.path.join(first_dir, 'run')}"
        second = Server(second_dir, free_port(), extra_env=dict(long_cache, CAIRN_ROOT_KEY=root_key))
        second.env["CAIRN_DATABASE_URL"] = url
        second.start()
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
        second = None
        assert first.stop(signal.SIGTERM) == 0
    finally:
        if second:
            second.stop()
        first.stop()
        shutil.rmtree(first_dir, ignore_errors=True)
        shutil.rmtree(second_dir, ignore_errors=True)
