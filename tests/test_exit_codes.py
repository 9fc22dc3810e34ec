"""The CLI's exit codes are its contract with schedulers: each outcome has its own, documented in the README."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TEST_KEY, full_device_error, write_config

import postcurate.job
import postcurate.session
from postcurate import errors
from postcurate.cli import main
from postcurate.job import RunResult

LIB = str(Path(__file__).resolve().parents[1] / "lib")
KEY_ENV = {"POSTCURATE_TEST_KEY": TEST_KEY.decode()}


def _manifest() -> dict:
    by_reason = {"deleted": 1}
    counts = {"posts_read": 3, "kept": 1, "excluded": 1, "quarantined": 1, "by_reason": {**by_reason, "invalid": 1}}
    return {"snapshot_id": "20261101T000000Z-abc", "as_of": "2026-11-01T00:00:00+00:00", "counts": counts, "shards": []}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Runs ``postcurate run`` in-process with the job replaced by ``outcome`` (no Spark)."""
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    monkeypatch.setattr(postcurate.session, "build_spark_from_config", lambda config, **_: None)

    def invoke(outcome):
        def fake_run(spark, config, **_):
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome

        monkeypatch.setattr(postcurate.job, "run", fake_run)
        return CliRunner().invoke(main, ["--log-format", "json", "run", "--config", str(config)], env=KEY_ENV)

    return invoke


def _run_end(stderr: str) -> dict:
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert events[-1]["event"] == "run_end"
    return events[-1]


def test_published_is_0(cli, tmp_path):
    result = cli(RunResult("s", tmp_path, True, manifest=_manifest()))
    assert result.exit_code == errors.EXIT_PUBLISHED == 0
    assert _run_end(result.stderr) | {"run_id": None, "ts": None} == {
        "ts": None, "level": "info", "logger": "postcurate", "run_id": None,
        "event": "run_end", "command": "run", "exit_code": 0, "outcome": "ok",
    }


def test_nothing_new_is_3(cli, tmp_path):
    result = cli(RunResult("s", tmp_path, False, manifest=_manifest()))
    assert result.exit_code == errors.EXIT_NOTHING_NEW == 3
    assert "nothing new" in result.output
    assert _run_end(result.stderr)["outcome"] == "nothing_new"


def test_quality_gate_failure_is_4(cli):
    result = cli(errors.QualityGateError("shards: 2 rows with an e-mail address left"))
    assert result.exit_code == errors.EXIT_QUALITY_GATE_FAILED == 4
    assert "postcurate: error: shards: 2 rows" in result.stderr


def test_input_error_is_2_with_one_line_and_no_stack(cli):
    result = cli(errors.InputError("input table 'posts' is not a Delta table"))
    assert result.exit_code == errors.EXIT_USER_ERROR == 2
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("{")] == [
        "postcurate: error: input table 'posts' is not a Delta table"
    ]


def test_a_full_disk_mid_run_is_exit_6_in_one_line(cli):
    result = cli(full_device_error())
    assert result.exit_code == errors.EXIT_IO_ERROR
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("{")] == [
        "postcurate: error: storage: a path the file system did not name (under output_root, or Spark's local folders): "
        "no space left on device; free space on that file system, or point output_root at a larger one"
    ]
    assert '"outcome": "storage_error"' in result.stderr


def test_an_os_error_that_is_not_the_file_system_refusing_stays_a_bug(cli):
    result = cli(FileNotFoundError(errno.ENOENT, "No such file or directory", "/tmp/nowhere/manifest.json"))
    assert result.exit_code == errors.EXIT_INTERNAL_ERROR
    assert "Traceback (most recent call last)" in result.stderr and "internal error" in result.stderr


def test_our_own_bug_is_1_with_its_stack_trace(cli):
    result = cli(ZeroDivisionError("division by zero"))
    assert result.exit_code == errors.EXIT_INTERNAL_ERROR == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert "internal error" in result.stderr
    assert _run_end(result.stderr)["outcome"] == "internal_error"


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["run", "--config", "/nonexistent/conf.yaml"], KEY_ENV, "config file not found"),
        (["run", "--config", "{config}"], {}, "the pseudonymisation key is missing"),
        (["run", "--config", "{config}", "--as-of", "yesterday"], KEY_ENV, "--as-of is not an ISO timestamp"),
    ],
)
def test_config_errors_are_2_as_a_real_process(tmp_path, args, env, message):
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    environ = {k: v for k, v in os.environ.items() if k != "POSTCURATE_TEST_KEY"} | env | {"PYTHONPATH": LIB}
    proc = subprocess.run(
        [sys.executable, "-m", "postcurate", *[a.format(config=config) for a in args]],
        capture_output=True, text=True, timeout=120, env=environ,
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_jobs_entry_point_returns_the_same_codes(tmp_path):
    """jobs/curate.py (the spark-submit entry) is the CLI's run command: its exit code is the process's."""
    script = Path(__file__).resolve().parents[1] / "jobs" / "curate.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--config", str(tmp_path / "missing.yaml")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": LIB},
    )
    assert proc.returncode == 2, proc.stderr
    assert "config file not found" in proc.stderr
