"""A purge takes the output root's run lock before it starts Spark: a second one is refused (exit 5) in a second."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import TEST_KEY, write_config
from test_runlock import LIB, _holder

from postcurate.errors import EXIT_LOCKED


def test_a_second_purge_exits_5_before_starting_spark(tmp_path):
    config = write_config(tmp_path, tmp_path / "no-lake", tmp_path / "out")
    holder = _holder(tmp_path / "out")  # another process (a run or a purge) holds the output root
    try:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "postcurate", "--log-format", "json", "purge", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": LIB, "POSTCURATE_TEST_KEY": TEST_KEY.decode()},
        )
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == EXIT_LOCKED, proc.stderr
    assert f"pid {holder.pid}" in proc.stderr and "this run did nothing" in proc.stderr
    # Refused before any JVM started: Spark's start-up banner never appeared, and it took Python's start-up only.
    assert "log4j" not in proc.stderr
    assert elapsed < 10, f"took {elapsed:.1f} s"
