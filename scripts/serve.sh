#!/usr/bin/env bash
# Builds Cairn (release) and runs `cairn serve` on its embedded PostgreSQL.
# Extra arguments go to `cairn serve` (e.g. --port 4588 --data-dir /var/lib/cairn).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\033[1m==> building cairn (release; the first build takes several minutes)\033[0m\n'
swift build -c release --product cairn
printf '\033[1m==> starting cairn serve\033[0m\n'
exec .build/release/cairn serve "$@"
