"""Root key rotation while `cairn serve` runs: every secret and key material is rewrapped under the new key,
the server keeps answering throughout, and after retiring the old key it is gone from the key file."""

import os
import shutil
import signal
import subprocess
import time

from conftest import Key, Server, free_port, make_data_dir

ACCOUNT = "666666666666"
KEY = Key(ACCOUNT, "AKIAE2EROOTROTATION1", "secret-root-rotation-0000000001", "admin")


def root_key_ids_in_database(server):
    out = subprocess.run(
        ["psql", "-h", os.path.join(server.data_dir, "run"), "-U", "cairn", "-d", "cairn", "-tAc",
         "SELECT DISTINCT root_key_id FROM access_keys UNION SELECT DISTINCT root_key_id FROM kms_key_versions"],
        capture_output=True, text=True, check=True,
    )
    return {line for line in out.stdout.split() if line}


def test_rotate_and_retire_without_downtime():
    data_dir = make_data_dir()
    server = Server(data_dir, free_port())
    try:
        server.start()
        server.admin("account", "create", "--id", ACCOUNT)
        server.admin("key", "import", "--account", ACCOUNT, "--access-key-id", KEY.access_key_id, "--secret", KEY.secret)
        logs, kms = server.client(KEY), server.client(KEY, service="kms")
        key = kms.create_key()["KeyMetadata"]
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"sealed before rotation")["CiphertextBlob"]
        logs.create_log_group(logGroupName="/rotation", kmsKeyId=key["Arn"])
        logs.create_log_stream(logGroupName="/rotation", logStreamName="s")
        logs.put_log_events(logGroupName="/rotation", logStreamName="s",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "before rotation"}])
        with open(os.path.join(data_dir, "root.key")) as f:
            old_lines = f.read().split()
        assert len(old_lines) == 1

        rotated = server.admin_json("root-key", "rotate")
        assert rotated["previous"] != rotated["current"] and int(rotated["rewrapped"]) >= 3
        assert root_key_ids_in_database(server) == {rotated["current"]}
        with open(os.path.join(data_dir, "root.key")) as f:
            assert f.read().split()[1:] == old_lines

        # The running server keeps working: signatures (secrets), KMS, log data.
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"sealed before rotation"
        time.sleep(6)  # past the key cache lifetime: data keys are unwrapped again, under the new root key
        events = logs.get_log_events(logGroupName="/rotation", logStreamName="s", startFromHead=True)["events"]
        assert [e["message"] for e in events] == ["before rotation"]
        new_key = kms.create_key()["KeyMetadata"]
        assert root_key_ids_in_database(server) == {rotated["current"]}

        retired = server.admin_json("root-key", "retire")
        assert retired["retired"] == rotated["previous"]
        with open(os.path.join(data_dir, "root.key")) as f:
            lines = f.read().split()
        assert len(lines) == 1 and lines[0] not in old_lines
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"sealed before rotation"
        kms.encrypt(KeyId=new_key["KeyId"], Plaintext=b"x")

        # A restart with only the new key reads everything.
        assert server.stop(signal.SIGTERM) == 0
        server.start()
        events = logs.get_log_events(logGroupName="/rotation", logStreamName="s", startFromHead=True)["events"]
        assert [e["message"] for e in events] == ["before rotation"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"sealed before rotation"
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
