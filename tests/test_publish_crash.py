"""A run killed (SIGKILL) while it writes publishes nothing; the next run cleans up and publishes the same snapshot.

The killed run is a real ``python -m postcurate run`` process with its own JVM (``POSTCURATE_SPARK_JARS`` is passed
through when set, so it starts fast here; without it Spark resolves Delta from Maven Central as in CI). The next run
is the same command line run in the suite's process (a JVM start saved; the kill is what needs a process of its own).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REFERENCE_AS_OF, SHORT_JVM_CONF, TEST_KEY, cli_in_this_process, kill_when_writing, write_config

from postcurate.errors import EXIT_PUBLISHED
from postcurate.quality.validate import validate_snapshot
from postcurate.snapshot import layout
from postcurate.snapshot.manifest import read_json

LIB = Path(__file__).resolve().parents[1] / "lib"
SPARK = {
    "master": "local[2]",
    "conf": {"spark.sql.shuffle.partitions": 2, "spark.ui.enabled": False, "spark.driver.memory": "1g", **SHORT_JVM_CONF},
}


def _start_run(config: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, POSTCURATE_TEST_KEY=TEST_KEY.decode(), PYTHONPATH=str(LIB))
    with open(log, "ab") as out:
        # A session of its own, so the kill reaches the JVM that PySpark started as well.
        return subprocess.Popen(
            [sys.executable, "-m", "postcurate", "run", "--config", str(config), "--as-of", REFERENCE_AS_OF],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:])


@pytest.fixture(scope="module")
def crashed_then_recovered(spark, small_lake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    root = folder / "out"
    config = write_config(folder, small_lake.root, root, spark=SPARK)
    log = folder / "runs.log"

    killed = _start_run(config, log)
    kill_when_writing(killed, root, log)
    after_kill = {
        "returncode": killed.returncode,
        "staging": sorted(p.name for p in (root / "_staging").iterdir()),
        "published": layout.published_snapshots(root),
        "latest": layout.latest(root),
        "ledger": (root / "ledger").exists(),
    }

    args = ["run", "--config", str(config), "--as-of", REFERENCE_AS_OF]
    recovered = cli_in_this_process(spark, args, env={"POSTCURATE_TEST_KEY": TEST_KEY.decode()})
    with open(log, "a") as out:
        out.write(recovered.output)
    return root, after_kill, recovered.exit_code, log


def test_a_killed_run_leaves_only_staging_debris(crashed_then_recovered):
    root, after_kill, _, _ = crashed_then_recovered
    assert after_kill["returncode"] == -signal.SIGKILL
    assert after_kill["published"] == [] and after_kill["latest"] is None, "a reader would have seen a snapshot"
    assert not after_kill["ledger"], "audit tables are written only after the gate passed"
    assert any(not name.endswith(".lock") for name in after_kill["staging"]), "the kill landed mid-write"


def test_the_next_run_cleans_up_and_publishes_a_complete_snapshot(spark, crashed_then_recovered):
    root, after_kill, returncode, log = crashed_then_recovered
    assert returncode == EXIT_PUBLISHED, _tail(log)
    assert "report: " in log.read_text()
    (snapshot_id,) = layout.published_snapshots(root)
    assert layout.latest(root) == snapshot_id
    assert not (root / "_staging").exists(), "the dead run's staging was removed"
    validation = validate_snapshot(spark, layout.snapshot_dir(root, snapshot_id))
    assert validation.gate.success and validation.files_checked > 0


def test_shards_are_deterministic_across_runs(crashed_then_recovered, small_lake_snapshot):
    """Same inputs, rules and key: the same rows, in the same order, in the same files, whatever the Spark settings
    (the recovered run had adaptive execution on, as the command line sets it; the fixture's run did not. The
    cluster test compares runs in JVMs of their own).

    The files' bytes may still differ: parquet-mr writes each column chunk's set of encodings in hash order,
    which varies between JVMs. So rows are compared, not checksums.
    """
    import pyarrow.parquet as pq

    root, _, _, _ = crashed_then_recovered
    (snapshot_id,) = layout.published_snapshots(root)
    assert snapshot_id == small_lake_snapshot.snapshot_id
    ours_dir = layout.snapshot_dir(root, snapshot_id)
    ours = read_json(ours_dir)
    theirs = small_lake_snapshot.manifest

    def files(m):
        return [(s["path"], s["rows"]) for s in m["shards"]]

    assert files(ours) == files(theirs)
    for shard in ours["shards"]:
        assert pq.read_table(ours_dir / shard["path"]).equals(pq.read_table(small_lake_snapshot.snapshot_path / shard["path"])), shard["path"]
    assert ours["counts"] == theirs["counts"] and ours["run_id"] != theirs["run_id"]
