"""The run lock: one run per output root at a time, a clear exit 5 for the second, no lock outliving its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TEST_KEY, write_config

from postcurate.errors import EXIT_LOCKED, ConfigError, LockedError
from postcurate.snapshot.layout import RUN_LOCK as LOCK_FILE
from postcurate.snapshot.publish import run_lock

LIB = str(Path(__file__).resolve().parents[1] / "lib")


def _holder(root: Path) -> subprocess.Popen:
    """Another process that takes the lock on ``root`` and keeps it until killed."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from postcurate.snapshot.publish import run_lock
        with run_lock({str(root)!r}):
            print("locked", flush=True)
            time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": LIB})
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_is_exclusive_and_released_on_exit(tmp_path):
    with run_lock(tmp_path / "out") as path:
        assert path == tmp_path / "out" / LOCK_FILE
        with pytest.raises(LockedError):
            with run_lock(tmp_path / "out"):
                pass
    with run_lock(tmp_path / "out"):  # released: the next run gets it
        pass


def test_second_run_is_told_who_holds_the_lock(tmp_path):
    holder = _holder(tmp_path)
    try:
        with pytest.raises(LockedError) as err:
            with run_lock(tmp_path):
                pass
        assert f"pid {holder.pid}" in str(err.value)
        assert err.value.exit_code == EXIT_LOCKED
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_run_leaves_no_lock_behind(tmp_path):
    holder = _holder(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_FILE).exists()  # the file stays; the lock died with its process
    with run_lock(tmp_path):
        pass


def test_output_root_must_be_a_file_system_path():
    with pytest.raises(ConfigError, match="not a file system path"):
        with run_lock("s3a://bucket/curated"):
            pass


@pytest.mark.parametrize("command", ["run", "purge"])
def test_cli_exits_5_without_starting_spark_when_locked(tmp_path, command):
    config = write_config(tmp_path, tmp_path / "no-lake", tmp_path / "out")
    holder = _holder(tmp_path / "out")
    try:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "postcurate", "--log-format", "json", command, "--config", str(config)],
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
    assert "another run is publishing to" in proc.stderr and f"pid {holder.pid}" in proc.stderr
    # Refused before any JVM started: no Spark start-up banner, and about Python's start-up time only.
    assert "log4j" not in proc.stderr
    assert elapsed < 30
