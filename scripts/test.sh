#!/usr/bin/env bash
# Runs every test: a short run of each libFuzzer target (Sources/Fuzz), Swift unit tests, integration tests
# against a throwaway PostgreSQL cluster, the end-to-end suite (boto3 and the aws CLI against a real
# `cairn serve`) and the reliability suite (Tests/reliability: hostile input and crash trials).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh --browser

if ! .venv/bin/python -c "import boto3, pytest, watchtower, aws_encryption_sdk, aws_cryptographic_material_providers, selenium, moto, flask" 2>/dev/null || [ ! -x .venv/bin/aws ] || [ ! -x .venv/bin/awslogs ]; then
    say "creating Python virtualenv .venv with boto3, awscli, pytest, watchtower, awslogs, aws-encryption-sdk with aws-cryptographic-material-providers, selenium and moto[server]"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check boto3 awscli pytest watchtower awslogs aws-encryption-sdk aws-cryptographic-material-providers selenium 'moto[server]'
fi
export PATH="$ROOT/.venv/bin:$PATH"

say "building cairn and the tests (debug)"
swift build --build-tests

say "checking formatting (swift format lint)"
swift format lint --strict --recursive Sources Tests Package.swift

# The parsers' libFuzzer targets (Sources/Fuzz), briefly: their seeds and every crash found so far are replayed
# first. CAIRN_FUZZ_SECONDS=0 skips this step.
FUZZ_SECONDS=${CAIRN_FUZZ_SECONDS:-20}
if [ "$FUZZ_SECONDS" != 0 ]; then
    say "fuzzing json, cbor, filter-pattern, sigv4, chunk, insights-query, transformer, masking and policy for $FUZZ_SECONDS s each (scripts/fuzz.sh; CAIRN_FUZZ_SECONDS=0 skips)"
    scripts/fuzz.sh all "$FUZZ_SECONDS"
else
    say "skipping the fuzz targets (CAIRN_FUZZ_SECONDS=0)"
fi

# A throwaway PostgreSQL cluster for the integration tests, created by cairn itself and removed afterwards.
TEST_DIR=$(mktemp -d /tmp/cairn-test-XXXXXX)
chmod 755 "$TEST_DIR"
MOTO_PID=
cleanup() {
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
    .build/debug/cairn admin cluster stop --data-dir "$TEST_DIR" >/dev/null 2>&1 || true
    rm -rf "$TEST_DIR"
}
trap cleanup EXIT
say "starting a throwaway PostgreSQL for the integration tests"
CAIRN_TEST_DATABASE_URL=$(.build/debug/cairn admin cluster start --data-dir "$TEST_DIR" --log-level warning)
export CAIRN_TEST_DATABASE_URL

# moto's S3 server, an S3 API peer for the S3 client's tests (CairnObjectsTests), with a bucket `cairn-test`.
S3_PORT=$(python - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
)
say "starting moto's S3 server on 127.0.0.1:$S3_PORT for the S3 client's tests"
python -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$TEST_DIR/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 100); do
    python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$S3_PORT/')" 2>/dev/null && break
    sleep 0.2
done
python - "$S3_PORT" <<'PY'
import sys
import boto3
boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
             aws_access_key_id="test", aws_secret_access_key="test").create_bucket(Bucket="cairn-test")
PY
export CAIRN_TEST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"

say "swift test (unit and integration tests)"
# A run takes under a minute; one that hangs fails after 15 minutes instead of holding CI for its 90.
timeout --kill-after=30 900 swift test --skip-build

say "end-to-end tests (pytest: boto3 and the aws CLI against cairn serve)"
cd Tests/e2e
set +e
CAIRN_BIN="$ROOT/.build/debug/cairn" python -m pytest -q
status=$?
set -e
[ $status -eq 5 ] && { echo "no end-to-end tests were collected" >&2; exit 1; }
[ $status -ne 0 ] && exit $status

say "reliability suite (pytest: hostile input; crash trials, CAIRN_CRASH_TRIALS of each kind, default 3)"
cd "$ROOT/Tests/reliability"
set +e
CAIRN_BIN="$ROOT/.build/debug/cairn" python -m pytest -q
status=$?
set -e
[ $status -eq 5 ] && { echo "no reliability tests were collected" >&2; exit 1; }
exit $status
