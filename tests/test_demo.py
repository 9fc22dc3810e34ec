"""A newcomer's ``make demo``: quiet by default, the same key on every demo, and "nothing new" the second time."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import SHORT_JVM_CONF

from postcurate.config import load_config
from postcurate.demo import demo_key, key_path
from postcurate.errors import ConfigError, SecretError

REPO = Path(__file__).resolve().parents[1]
LIB = str(REPO / "lib")
KEY_ENV = "POSTCURATE_DEMO_TEST_KEY"  # never set: the demo makes its own key


def _demo_config(folder: Path, **output) -> Path:
    """A config like conf/local.yaml, with everything of the demo's under ``folder / "var"``."""
    conf = folder / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    config = {
        "environment": "demo-test",
        "inputs": {t: f"../var/lake/{t}" for t in ("posts", "users", "objections")},
        "output_root": output.get("root", "../var/out"),
        "geo_rules": str(REPO / "conf" / "geo_rules.yaml"),
        "detectors": str(REPO / "conf" / "detectors.yaml"),
        "pseudonyms": {"key_env": KEY_ENV},
        "rules": {"objections_max_staleness_hours": 24},
        "output": {"shard_target_mb": 1},
        "spark": {"master": "local[2]", "conf": {"spark.ui.enabled": False, "spark.sql.shuffle.partitions": 4, "spark.driver.memory": "1g", **SHORT_JVM_CONF}},
    }
    path = conf / "local.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _demo(config: Path, *flags: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, "POSTCURATE_LOG_DIR")} | {"PYTHONPATH": LIB} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "postcurate", *flags, "demo", "--config", str(config), "--posts", "100"],
        capture_output=True, text=True, timeout=1500, env=environ,
    )


def _ours(line: str) -> bool:
    """A line postcurate wrote: a JSON run event or a ``postcurate:`` message."""
    return line.startswith("postcurate: ") or (line.startswith("{") and json.loads(line).get("logger") == "postcurate")


def _published(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "snapshots").iterdir() if (p / "manifest.json").is_file())


@pytest.mark.slow
def test_two_demos_on_one_lake_are_quiet_and_the_second_says_nothing_new(tmp_path):
    config = _demo_config(tmp_path)
    var = tmp_path / "var"

    first = _demo(config)
    assert first.returncode == 0, first.stderr[-3000:]
    # Quiet: only our own lines on stderr (the run's events and one line naming Spark's log), a handful of them.
    lines = first.stderr.splitlines()
    assert all(_ours(line) for line in lines), [line for line in lines if not _ours(line)][:5]
    assert len(lines) <= 12, len(lines)
    (named,) = [line for line in lines if "Spark's own output is in" in line]
    log = Path(re.search(r"is in (\S+) \(", named).group(1))
    assert log.parent == var / "log" and re.fullmatch(r"spark-\d{8}T\d{6}Z-\d+\.log", log.name)
    text = log.read_text()
    assert ":: resolving dependencies ::" in text or "Using Spark's default log4j profile" in text  # Ivy's report, or Spark's start-up
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    # The key: made once, 0600, said where; nowhere in the lake or the output root.
    key_file = var / "demo.key"
    assert f"made a pseudonym key for the demo in {key_file}" in first.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip().encode()
    for path in (p for p in (var / "out").rglob("*") if p.is_file()):
        assert key not in path.read_bytes(), path
    assert len(_published(var / "out")) == 1 and "report: " in first.stdout

    # A second demo on the same lake: the same key and cut-off, so the same snapshot; it says so and exits 0
    # (the Makefile must not fail). -v shows Spark's own output here again.
    second = _demo(config, "-v")
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"using the demo's key in {key_file}" in second.stdout
    assert "nothing new: this lake's snapshot is already published" in second.stdout
    assert len(_published(var / "out")) == 1
    assert not [line for line in second.stderr.splitlines() if "Spark's own output is in" in line]
    assert len([line for line in second.stderr.splitlines() if not _ours(line)]) > 20  # Ivy's report, log4j, JVM warnings
    assert key_file.read_text().strip().encode() == key

    # The objections feed goes stale: the demo seeds its lake again, and that is a new snapshot.
    day_ago = time.time() - 2 * 86400
    for commit in (var / "lake" / "objections" / "_delta_log").glob("*.json"):
        os.utime(commit, (day_ago, day_ago))
    third = _demo(config)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "seeding a sample lake" in third.stdout and "nothing new" not in third.stdout
    assert len(_published(var / "out")) == 2
    assert len(list((var / "log").glob("spark-*.log"))) == 2  # the verbose demo wrote none


def test_a_failed_start_up_is_one_line_naming_the_log(tmp_path):
    config = _demo_config(tmp_path)
    proc = _demo(config, env={"JAVA_HOME": str(tmp_path / "no-java")})
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    (error,) = [line for line in proc.stderr.splitlines() if line.startswith("postcurate: error:")]
    assert error.startswith("postcurate: error: Spark did not start: ")
    assert "(the JVM said: " in error and "no-java/bin/java: No such file or directory" in error
    log = Path(re.search(r"its output is in (\S+) \(", error).group(1))
    assert "no-java" in log.read_text()  # the launcher's own complaint, kept in the log


def test_the_demo_key_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "demo.key"
    key, made = demo_key(path)
    assert made and len(key) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_key(path) == (key, False)


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda p: p.chmod(0o644), "readable by others (mode 0644)"),
        (lambda p: p.write_text("password" * 5), "holds no usable key"),
        (lambda p: p.write_text("short"), "holds no usable key"),
    ],
)
def test_a_spoilt_demo_key_is_refused(tmp_path, spoil, message):
    path = tmp_path / "demo.key"
    demo_key(path)
    spoil(path)
    with pytest.raises(SecretError, match=re.escape(message)):
        demo_key(path)


def test_a_demo_key_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    demo_key(elsewhere)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo.key").symlink_to(elsewhere)
    with pytest.raises(SecretError, match="cannot be read"):
        demo_key(tmp_path / "var" / "demo.key")


def test_the_demo_key_never_goes_into_the_output_root(tmp_path):
    assert key_path(load_config(_demo_config(tmp_path))) == (tmp_path / "var" / "demo.key").resolve()
    with pytest.raises(ConfigError, match="inside the output root"):
        key_path(load_config(_demo_config(tmp_path, root="../var")))
