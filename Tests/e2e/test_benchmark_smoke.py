"""The benchmark script keeps working: a short run of every phase against the debug build.
Its figures are not checked here (benchmarks print figures; tests never time)."""

import os
import subprocess
import sys

from conftest import CAIRN, ROOT


def test_ingest_benchmark_runs_every_phase():
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "Benchmarks", "ingest_bench.py"), "--cairn", CAIRN, "--duration", "2",
         "--connections", "2", "--copy-events", "20000", "--latency-seconds", "1", "--rate", "20",
         "--kms-seconds", "1", "--kms-ingest-seconds", "1", "--metric-filter-seconds", "1",
         "--protection-seconds", "1", "--transformer-seconds", "1", "--isolation-seconds", "2"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for phase in ("ingest:", "storage:", "baseline:", "latency:", "scan:", "kms:", "data protection:", "transformer:",
                  "isolation:", "isolation, another account's protected group:"):
        assert phase in result.stdout, result.stdout
