"""A purge killed part-way (SIGKILL, a real process) leaves readers a consistent snapshot; the next purge finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SHORT_JVM_CONF, TEST_KEY
from purgekit import (
    add_objections,
    author_pid,
    checksums,
    fresh_copy,
    shard_authors,
)

from postcurate.config import load_config
from postcurate.purge import purge, read_audit

REPO = Path(__file__).resolve().parents[1]
PAUSE_MARKER = "purge: paused before the manifest switch"
# A real purge process that stops at the one step that matters: its new files are in place, and the manifest is
# about to be switched to the new revision. The test kills it there.
PAUSED_PURGE = f"""
import sys, time
from postcurate.snapshot import revisions

def paused(*args, **kwargs):
    print({PAUSE_MARKER!r}, file=sys.stderr, flush=True)
    time.sleep(600)

revisions.switch_to = paused
from postcurate.cli import main
main(prog_name="postcurate")
"""
SMALL_SPARK = {"master": "local[1]", "conf": {"spark.sql.shuffle.partitions": 2, "spark.ui.enabled": False, "spark.sql.codegen.wholeStage": False, **SHORT_JVM_CONF}}


def _wait_for(marker: str, log: Path, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.is_file() and marker in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            pytest.fail(f"purge exited ({proc.returncode}) before reaching the pause:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"purge did not reach the pause in {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_purge_killed_before_the_manifest_switch_leaves_the_old_revision_whole(spark, small_published, tmp_path, monkeypatch):
    p = fresh_copy(small_published, tmp_path, spark=SMALL_SPARK)
    snap = p.snapshot_dir
    before_bytes = (snap / "manifest.json").read_bytes()
    before = json.loads(before_bytes)
    add_objections(spark, p.lake, ["us2", "de1"])

    env = {**os.environ, "POSTCURATE_TEST_KEY": TEST_KEY.decode(), "PYTHONPATH": str(REPO / "lib")}
    log = tmp_path / "purge.log"
    with open(log, "w") as out:
        # Own session (process group), so the kill reaches the Spark JVM the purge started too.
        proc = subprocess.Popen(
            [sys.executable, "-c", PAUSED_PURGE, "purge", "--config", str(p.config_path), "--all-published"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
        try:
            _wait_for(PAUSE_MARKER, log, proc, timeout=900)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # The new shard files were written ...
    orphans = sorted(snap.glob("shards/*/*/part-purge-*.parquet"))
    assert orphans, "the purge was killed before writing its files; the test proves nothing"
    # ... but a reader sees the old revision, whole: its manifest, every file it lists, valid checksums.
    assert (snap / "manifest.json").read_bytes() == before_bytes
    assert checksums(snap, before) == {s["path"]: s["sha256"] for s in before["shards"]}
    assert all(pq.read_metadata(snap / s["path"]).num_rows == s["rows"] for s in before["shards"])
    assert read_audit(spark, p.out) is None

    # The next purge finishes the work and clears what the killed one left.
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    (outcome,) = purge(spark, load_config(p.config_path), key=TEST_KEY).snapshots
    assert outcome.changed and outcome.revision == 1
    after = json.loads((snap / "manifest.json").read_text())
    assert not {author_pid(spark, a) for a in ("us2", "de1")} & shard_authors(snap, after)
    assert checksums(snap, after) == {s["path"]: s["sha256"] for s in after["shards"]}
    assert not any(o.exists() for o in orphans)
    assert not (snap / "_purge").exists()
    assert {r["purge_id"] for r in read_audit(spark, p.out).collect()} == {after["purges"][0]["purge_id"]}
