"""`cairn bench parse` keeps working (its figures are printed, never asserted)."""

import subprocess

from conftest import CAIRN


def test_parse_benchmark_prints_both_parsers_and_the_ratio():
    result = subprocess.run([CAIRN, "bench", "parse", "--seconds", "0.2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for label in ("JSONDecoder:", "byte scanner:", "ratio scanner / JSONDecoder:"):
        assert label in result.stdout
