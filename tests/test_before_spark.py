"""Configuration and storage mistakes are the user's: each ends a real ``python -m postcurate`` process in seconds,
before Spark starts, with its exit code (2 config, 6 storage) and one line on stderr, no traceback.

"Before Spark starts" is proven, not timed: these processes run with ``JAVA_HOME`` pointing nowhere, so reaching
Spark would end in a Java gateway error (exit 1, a traceback) instead of the expected line.

Read-only mounts, full disks and missing permissions are real: a tmpfs in a private mount namespace
(``unshare --mount``), and root without its override of file permissions (``setpriv``). Tests run as root, so
``chmod`` alone would not stop a write.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REFERENCE_AS_OF, SHORT_JVM_CONF, TEST_KEY, write_config

REPO = Path(__file__).resolve().parents[1]
LIB = str(REPO / "lib")


def _environ(**extra) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("POSTCURATE_TEST_KEY", "PYSPARK_SUBMIT_ARGS")}
    return environ | {"PYTHONPATH": LIB, "POSTCURATE_TEST_KEY": TEST_KEY.decode(), "JAVA_HOME": "/nonexistent-java"} | extra


def postcurate(*args, environ: dict | None = None, inside: str | None = None, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``python -m postcurate --log-format json ARGS``; ``inside``: shell lines run first, in a private mount namespace."""
    command = [sys.executable, "-m", "postcurate", "--log-format", "json", *map(str, args)]
    if inside is not None:
        script = f"set -e\n{inside}\nset +e\n{shlex.join(command)}\nrc=$?\necho '--- left:' >&2\nfind \"$LEFT\" -mindepth 1 | sort >&2\nexit $rc"
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environ or _environ())
    return proc, time.monotonic() - started


def _lines(stderr: str) -> list[str]:
    """stderr without the JSON run events (and without what the namespace script lists after the run)."""
    return [line for line in stderr.split("--- left:")[0].splitlines() if not line.startswith("{")]


def _left(stderr: str) -> list[str]:
    return stderr.split("--- left:\n")[1].splitlines()


def _outcome(stderr: str) -> dict:
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return events[-1]


@pytest.fixture(scope="module")
def mounts(tmp_path_factory):
    """Whether this machine lets a test mount a tmpfs in a private namespace (root, or a user namespace)."""
    target = tmp_path_factory.mktemp("probe")
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(target)],
        capture_output=True, text=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"this sandbox cannot mount a tmpfs (unshare --mount: {probe.stderr.strip()}); no real full or read-only disk to test on")


def _geo(tmp_path, date: str) -> Path:
    path = tmp_path / "geo_rules.yaml"
    path.write_text(f"rules:\n  - countries: [GB]\n    from: {date}\n")
    return path


CONFIG_CASES = {
    "a typo in the staleness limit": (
        {"rules": {"objections_max_staleness_hour": 1}},
        "unknown key 'rules.objections_max_staleness_hour' (did you mean 'rules.objections_max_staleness_hours'?)",
    ),
    "a typo in the text limit": ({"rules": {"max_text_lenght": 500}}, "unknown key 'rules.max_text_lenght' (did you mean 'rules.max_text_length'?)"),
    "a typo in the master": ({"spark": {"mastr": "local[2]"}}, "unknown key 'spark.mastr' (did you mean 'spark.master'?)"),
    "a section of the wrong shape": ({"rules": [1, 2]}, "'rules' must be a mapping of settings (key: value), got a list [1, 2]"),
    "text where a list belongs": (
        {"rules": {"allowed_post_types": "post"}},
        "'rules.allowed_post_types' must be a list (e.g. [post, comment]), got the text 'post'",
    ),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_config_mistakes_exit_2_before_spark_in_one_line(tmp_path, case):
    overrides, message = CONFIG_CASES[case]
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", **overrides)
    proc, seconds = postcurate("run", "--config", config)
    assert (proc.returncode, _lines(proc.stderr)) == (2, [f"postcurate: error: config.yaml: {message}"]), proc.stderr
    assert "Traceback" not in proc.stderr and _outcome(proc.stderr)["outcome"] == "config_or_input_error"
    assert seconds < 60  # seconds on an idle machine; the proof of "before Spark" is JAVA_HOME above
    assert not (tmp_path / "out").exists()  # nothing was written either


def test_an_impossible_date_in_the_geo_rules_exits_2_before_spark(tmp_path):
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", geo_rules=str(_geo(tmp_path, "2024-13-45")))
    proc, seconds = postcurate("run", "--config", config)
    assert (proc.returncode, _lines(proc.stderr)) == (
        2,
        ["postcurate: error: geo_rules.yaml: rule 1: 'from' is not a date (YYYY-MM-DD): '2024-13-45'"],
    ), proc.stderr
    assert seconds < 60  # seconds on an idle machine; the proof of "before Spark" is JAVA_HOME above


def test_a_bad_detectors_file_exits_2_before_spark(tmp_path):
    detectors = tmp_path / "detectors.yaml"
    detectors.write_text("detectors:\n  emial: {}\n")
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", detectors=str(detectors))
    proc, _ = postcurate("run", "--config", config)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert _lines(proc.stderr)[0].startswith("postcurate: error: detectors.yaml: unknown detector 'emial'")


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--config", "{config}"],
        ["purge", "--config", "{config}"],
        ["purge", "--config", "{config}", "--gc"],
        ["audit", "--config", "{config}"],
        ["validate", "some-snapshot", "--config", "{config}"],
        ["inspect", "--config", "{config}"],
    ],
    ids=lambda args: " ".join(a for a in args if a != "{config}"),
)
def test_every_command_checks_the_config_before_spark(tmp_path, args):
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", rules={"objections_max_staleness_hour": 1})
    proc, _ = postcurate(*[a.format(config=config) for a in args])
    assert (proc.returncode, _lines(proc.stderr)) == (
        2,
        ["postcurate: error: config.yaml: unknown key 'rules.objections_max_staleness_hour' (did you mean 'rules.objections_max_staleness_hours'?)"],
    ), proc.stderr


@pytest.mark.parametrize("command", ["demo", "purge"])
def test_commands_that_read_the_geo_rules_check_them_before_spark(tmp_path, command):
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", geo_rules=str(_geo(tmp_path, "2024-02-30")))
    proc, _ = postcurate(command, "--config", config)
    assert (proc.returncode, _lines(proc.stderr)) == (
        2,
        ["postcurate: error: geo_rules.yaml: rule 1: 'from' is not a date (YYYY-MM-DD): '2024-02-30'"],
    ), proc.stderr


# --- storage: exit 6 ---------------------------------------------------------------------------------------------


def _storage_line(path, cause_and_fix: str) -> list[str]:
    return [f"postcurate: error: storage: {path}: {cause_and_fix}"]


def test_an_output_root_under_a_regular_file_exits_6_before_spark(tmp_path):
    (tmp_path / "plain").write_text("a file")
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "plain" / "out")
    proc, seconds = postcurate("run", "--config", config)
    assert (proc.returncode, _lines(proc.stderr)) == (
        6,
        _storage_line(tmp_path / "plain" / "out", "a part of the path is a file, not a folder; point output_root at a folder"),
    ), proc.stderr
    assert _outcome(proc.stderr)["outcome"] == "storage_error" and seconds < 60


def test_a_read_only_output_root_exits_6_before_spark(tmp_path, mounts):
    root = tmp_path / "ro"
    root.mkdir()
    config = write_config(tmp_path, tmp_path / "lake", root / "out")
    proc, _ = postcurate("run", "--config", config, inside=f"mount -t tmpfs -o ro,size=64k tmpfs {root}\nLEFT={root}")
    assert (proc.returncode, _lines(proc.stderr)) == (
        6,
        _storage_line(root / "out", "read-only file system; mount it read-write, or point output_root elsewhere"),
    ), proc.stderr


def test_a_full_disk_at_the_start_exits_6_before_spark(tmp_path, mounts):
    root = tmp_path / "full"
    root.mkdir()
    config = write_config(tmp_path, tmp_path / "lake", root / "out")
    fill = f"mount -t tmpfs -o size=64k tmpfs {root}\nmkdir {root}/out\ndd if=/dev/zero of={root}/filler bs=4k 2>/dev/null || true\nLEFT={root}"
    proc, _ = postcurate("run", "--config", config, inside=fill)
    assert (proc.returncode, _lines(proc.stderr)) == (
        6,
        _storage_line(root / "out", "no space left on device; free space on that file system, or point output_root at a larger one"),
    ), proc.stderr
    assert _left(proc.stderr) == [f"{root}/filler", f"{root}/out"]  # the write check's probe file is gone


def test_an_output_root_the_user_may_not_write_exits_6_before_spark(tmp_path):
    root = tmp_path / "theirs"
    root.mkdir(mode=0o555)
    config = write_config(tmp_path, tmp_path / "lake", root / "out")
    # Root that cannot override file permissions: what a job's own user meets on a folder it does not own.
    proc = subprocess.run(
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "postcurate", "--log-format", "json", "run", "--config", str(config)],
        capture_output=True, text=True, timeout=60, env=_environ(),
    )
    assert (proc.returncode, _lines(proc.stderr)) == (
        6,
        _storage_line(root / "out", "permission denied; give the job's user access to it, or point output_root elsewhere"),
    ), proc.stderr


@pytest.mark.slow
def test_a_disk_that_fills_while_spark_writes_the_shards_exits_6_and_leaves_no_staging(tmp_path, small_lake, mounts):
    """The executors' ``java.io.IOException: No space left on device`` (inside a Py4JJavaError) is a storage error."""
    root = tmp_path / "small"
    root.mkdir()
    config = write_config(tmp_path, small_lake.root, root / "out", spark={"master": "local[2]", "conf": {"spark.ui.enabled": False, "spark.sql.shuffle.partitions": 2, **SHORT_JVM_CONF}})
    environ = {k: v for k, v in _environ().items() if k != "JAVA_HOME"}  # this one does reach Spark
    # Room for the lock and the write check, not for the shards.
    proc, _ = postcurate("run", "--config", config, "--as-of", REFERENCE_AS_OF, inside=f"mount -t tmpfs -o size=96k tmpfs {root}\nLEFT={root}", environ=environ, timeout=900)
    assert proc.returncode == 6, proc.stderr[-3000:]
    (line,) = [line for line in _lines(proc.stderr) if line.startswith("postcurate: error:")]
    assert line.startswith(f"postcurate: error: storage: {root}/out/_staging/") and line.endswith(
        ": no space left on device; free space on that file system, or point output_root at a larger one"
    ), line
    assert "Traceback" not in proc.stderr
    assert _left(proc.stderr) == [f"{root}/out", f"{root}/out/.lock"]  # staging removed; nothing published
