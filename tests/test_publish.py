"""Publishing: what a published snapshot holds, the audit tables, LATEST, staging clean-up, and re-runs."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REFERENCE_AS_OF, TEST_KEY

from postcurate import shards
from postcurate.cli import main
from postcurate.errors import EXIT_NOTHING_NEW, EXIT_QUALITY_GATE_FAILED, LockedError
from postcurate.snapshot import Manifest, layout, publish
from postcurate.snapshot.manifest import read_json


def _root(result) -> Path:
    return result.snapshot_path.parents[1]


def test_published_snapshot_is_complete(published_snapshot):
    snap = published_snapshot.snapshot_path
    root = _root(published_snapshot)
    m = read_json(snap)
    assert layout.latest(root) == m["snapshot_id"] == snap.name
    assert layout.published_snapshots(root) == [snap.name]
    assert not (root / "_staging").exists(), "a successful run leaves no staging behind"
    assert Manifest.from_dict(m).verify(snap) == []
    assert m["shards"] and all(len(s["sha256"]) == 64 and s["rows"] > 0 and s["bytes"] > 0 for s in m["shards"])
    assert sorted(p.name for p in snap.iterdir()) == ["README.md", "author_index", "ledger", "manifest.json", "quality", "quarantine", "report", "shards"]
    # Deterministic file names: the same rows always land in part-00000, part-00001, ...
    assert all(Path(s["path"]).name.startswith("part-") and Path(s["path"]).name.endswith(".parquet") for s in m["shards"])
    # The purge's author index keeps its _SUCCESS marker (a purge trusts only a complete index).
    assert not list(snap.rglob("*.crc")) and [p.parent.name for p in snap.rglob("_SUCCESS")] == ["author_index"]


def test_manifest_has_what_the_contract_asks_for(published_snapshot):
    m = read_json(published_snapshot.snapshot_path)
    c = m["counts"]
    assert m["run_id"] == published_snapshot.run_id
    assert set(m["inputs"]) == {"posts", "users", "objections"}
    assert all(isinstance(v["delta_version"], int) and v["delta_version"] >= 0 for v in m["inputs"].values())
    assert len(m["geo_rules"]["sha256"]) == 64 and m["code_version"] and len(m["key_fingerprint"]) == 16
    assert c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"]
    assert c["kept"] == sum(s["rows"] for s in m["shards"])
    assert c["by_country"] == {k: sum(v.values()) for k, v in c["by_country_split"].items()}
    assert c["by_split"] == {s: sum(v.get(s, 0) for v in c["by_country_split"].values()) for s in c["by_split"]}
    assert sum(c["by_lang"].values()) == c["kept"]
    assert set(c["by_country"]) <= set(m["geo_rules"]["countries_in_effect"])
    assert m["pii_redactions"]["email"] > 0 and m["pii_redactions"]["phone"] > 0
    q = m["quality"]
    assert q["success"] and q["failed"] == 0 and q["evaluated"] >= 20
    assert set(q["suites"]) == {"shards", "shard_schema", "reconciliation", "objector_leaks", "exclusion_leaks", "split_conflicts", "repeated_posts", "repeated_texts", "residual_pii", "publication"}
    assert q["data_docs"] is None  # not built: docs/publishing.md
    assert json.loads((published_snapshot.snapshot_path / "quality" / "results.json").read_text())["success"] is True


def test_audit_tables_hold_this_snapshot_with_its_run(spark, published_snapshot):
    root = _root(published_snapshot)
    m = published_snapshot.manifest
    ledger = spark.read.format("delta").load(str(root / "ledger"))
    quarantine = spark.read.format("delta").load(str(root / "quarantine"))
    for table, expected in ((ledger, m["counts"]["excluded"]), (quarantine, m["counts"]["quarantined"])):
        rows = {(r["snapshot_id"], r["run_id"]): r["count"] for r in table.groupBy("snapshot_id", "run_id").count().collect()}
        assert rows == {(m["snapshot_id"], m["run_id"]): expected}
    assert set(ledger.columns) == {"post_pid", "author_pid", "reason", "run_id", "snapshot_id"}
    by_reason = {r["reason"]: r["count"] for r in ledger.groupBy("reason").count().collect()}
    assert by_reason == {k: v for k, v in m["counts"]["by_reason"].items() if k != "invalid" and v}


def test_rerunning_the_same_inputs_publishes_nothing_new(published_snapshot, monkeypatch):
    before = read_json(published_snapshot.snapshot_path)
    config = _root(published_snapshot).parent / "config.yaml"
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--as-of", REFERENCE_AS_OF])
    assert result.exit_code == EXIT_NOTHING_NEW, result.output
    assert "nothing new" in result.output
    assert read_json(published_snapshot.snapshot_path) == before
    assert not (_root(published_snapshot) / "_staging").exists()


def test_validate_accepts_the_published_snapshot(published_snapshot, monkeypatch):
    result = CliRunner().invoke(main, ["validate", str(published_snapshot.snapshot_path)])
    assert result.exit_code == 0, result.output
    assert "match the manifest" in result.output and "quality gate passed" in result.output
    # With the config and key, the suites that need the inputs (objections, independent count) run too.
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    config = _root(published_snapshot).parent / "config.yaml"
    result = CliRunner().invoke(main, ["validate", "--config", str(config), published_snapshot.snapshot_id])
    assert result.exit_code == 0, result.output
    assert "snapshot and input expectations" in result.output


def test_validate_rejects_a_changed_or_added_shard_file(published_snapshot, tmp_path):
    copy = tmp_path / "snap"
    shutil.copytree(published_snapshot.snapshot_path, copy)
    first = copy / published_snapshot.manifest["shards"][0]["path"]
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    first.write_bytes(bytes(data))
    shutil.copy(copy / published_snapshot.manifest["shards"][1]["path"], first.parent / "part-99999.parquet")
    result = CliRunner().invoke(main, ["validate", str(copy)])
    assert result.exit_code == EXIT_QUALITY_GATE_FAILED
    assert "does not match its manifest (2 problem(s))" in result.output
    assert f"{published_snapshot.manifest['shards'][0]['path']}: SHA-256 differs" in result.output
    assert "part-99999.parquet: shard file not listed" in result.output


def test_validate_refuses_a_folder_that_is_not_a_snapshot(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "not a published snapshot" in result.output


# --- staging, locks and LATEST (no Spark) ---


def test_stale_staging_of_a_dead_run_is_removed_live_and_newer_staging_kept(tmp_path):
    root = tmp_path
    with publish.Staging.open(root, "snapA", "run1") as live:
        (live.path / "shards").mkdir()
        # A dead run: its folder and an unheld lock file.
        dead = root / "_staging" / "snapB.run0"
        (dead / "shards").mkdir(parents=True)
        (root / "_staging" / "snapB.run0.lock").write_text("")
        old = time.time() - 3600
        os.utime(root / "_staging" / "snapB.run0.lock", (old, old))
        removed = publish.clean_stale_staging(root, started_before=time.time() + 1)
        assert removed == ["snapB.run0"]
        assert not dead.exists() and live.path.is_dir(), "the live run's staging survives: its lock is held"
        # Debris newer than the cleaning run is left alone (it may belong to a run on another host).
        (root / "_staging" / "snapC.run9").mkdir()
        assert publish.clean_stale_staging(root, started_before=time.time() - 60) == []
    assert not live.path.exists(), "a run removes its own staging when it ends"


def test_a_staging_lock_is_released_when_the_run_ends_with_an_error(tmp_path):
    with pytest.raises(RuntimeError):
        with publish.Staging.open(tmp_path, "snapA", "run1") as staging:
            (staging.path / "half-written").write_text("x")
            raise RuntimeError("boom")
    assert not (tmp_path / "_staging").exists()


def _fake_staged(root: Path, snapshot_id: str, as_of: str) -> Path:
    staged = root / "_staging" / f"{snapshot_id}.r"
    staged.mkdir(parents=True)
    Manifest.from_dict({"snapshot_id": snapshot_id, "as_of": as_of}).write(staged)
    return staged


def test_latest_moves_forward_only_and_a_published_snapshot_is_never_replaced(tmp_path):
    assert publish.move_into_place(tmp_path, _fake_staged(tmp_path, "s2", "2025-06-01T00:00:00+00:00"), "s2")
    assert layout.latest(tmp_path) == "s2"
    # A backfill of an older cut-off is published but does not hide the newer snapshot.
    assert publish.move_into_place(tmp_path, _fake_staged(tmp_path, "s1", "2025-05-01T00:00:00+00:00"), "s1")
    assert layout.latest(tmp_path) == "s2"
    assert publish.move_into_place(tmp_path, _fake_staged(tmp_path, "s3", "2025-07-01T00:00:00+00:00"), "s3")
    assert layout.latest(tmp_path) == "s3"
    again = _fake_staged(tmp_path, "s3b", "2030-01-01T00:00:00+00:00")
    assert publish.move_into_place(tmp_path, again, "s3") is False
    assert read_json(layout.snapshot_dir(tmp_path, "s3"))["as_of"].startswith("2025-07-01")
    assert layout.published_snapshots(tmp_path) == ["s1", "s2", "s3"]


def test_a_staged_snapshot_without_manifest_is_never_published(tmp_path):
    staged = tmp_path / "_staging" / "s.r"
    staged.mkdir(parents=True)
    with pytest.raises(RuntimeError, match="without its manifest"):
        publish.move_into_place(tmp_path, staged, "s")
    assert layout.published_snapshots(tmp_path) == [] and layout.latest(tmp_path) is None


def test_publish_lock_times_out_with_locked_error(tmp_path):
    with publish.publish_lock(tmp_path):
        with pytest.raises(LockedError, match="another run"):
            with publish.publish_lock(tmp_path, timeout_s=0.6):
                pass
    with publish.publish_lock(tmp_path, timeout_s=0.6):
        pass


def test_new_run_ids_differ_for_the_same_instant():
    now = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    assert publish.new_run_id(now) != publish.new_run_id(now)


def test_a_retried_audit_append_replaces_the_dead_runs_rows(spark, tmp_path):
    """A crash between the Delta append and the rename leaves rows for an unpublished snapshot; the retry of the
    same snapshot replaces them instead of doubling them, and other snapshots' rows are untouched."""
    staging = tmp_path / "staging"
    ledger = spark.createDataFrame([("p1", "a1", "deleted"), ("p2", "a2", "age")], "post_pid string, author_pid string, reason string")
    ledger.write.parquet(str(staging / "ledger"))
    ledger.limit(0).withColumn("detail", ledger.reason).withColumn("versions", ledger.reason.cast("long").cast("int")).write.parquet(
        str(staging / "quarantine")
    )
    root = tmp_path / "out"
    publish.append_audit_tables(spark, root, staging, snapshot_id="s-old", run_id="r0")
    publish.append_audit_tables(spark, root, staging, snapshot_id="s-new", run_id="dead")
    publish.append_audit_tables(spark, root, staging, snapshot_id="s-new", run_id="retry")
    rows = spark.read.format("delta").load(str(root / "ledger")).groupBy("snapshot_id", "run_id").count().collect()
    assert {(r["snapshot_id"], r["run_id"]): r["count"] for r in rows} == {("s-old", "r0"): 2, ("s-new", "retry"): 2}


def test_shard_files_land_near_the_target_size(spark, tmp_path):
    """Sized from a written sample: every file but a partition's last is within 20% of the target."""
    from pyspark.sql import functions as F

    rows = spark.range(120_000).select(
        F.sha2(F.col("id").cast("string"), 256).alias("post_pid"),
        F.sha2(F.concat(F.lit("a"), (F.col("id") % 5000).cast("string")), 256).alias("author_pid"),
        # Split and country independent of the text's length, as in the job (the split comes from the author's hash).
        F.when(F.pmod(F.xxhash64("id", F.lit("split")), F.lit(10)) == 0, "validation").otherwise("train").alias("split"),
        F.when(F.pmod(F.xxhash64("id", F.lit("country")), F.lit(3)) == 0, "US").otherwise("GB").alias("country"),
        # Text of varied length and content, as posts are.
        F.expr("repeat(concat('post ', cast(id * 7919 % 100003 as string), ' about the weather '), 1 + cast(id % 5 as int))").alias("text"),
    )
    target_mb = 0.5
    per_file = shards.rows_for_target(rows, target_mb, tmp_path / "sizing")
    assert not (tmp_path / "sizing").exists()
    # The sample is a slice of the key range, not whichever rows come first: partitioned otherwise (as on a
    # cluster), the same rows give the same file size.
    assert shards.rows_for_target(rows.repartition(7), target_mb, tmp_path / "sizing") == per_file
    shards.write_shards(rows, tmp_path / "shards", per_file)
    for folder in {p.parent for p in (tmp_path / "shards").rglob("*.parquet")}:
        files = sorted(folder.glob("part-*.parquet"))
        for f in files[:-1]:
            assert abs(f.stat().st_size - target_mb * 2**20) <= 0.2 * target_mb * 2**20, (f, f.stat().st_size)
    assert sum(len(list(folder.glob("*.parquet"))) > 1 for folder in (tmp_path / "shards").glob("*/*")) >= 2
    # Files are numbered in the order they were written: read in that order, a folder's rows are sorted by post.
    import pyarrow.parquet as pq

    for folder in {p.parent for p in (tmp_path / "shards").rglob("*.parquet")}:
        pids = [pid for f in sorted(folder.glob("part-*.parquet")) for pid in pq.read_table(f, columns=["post_pid"]).column(0).to_pylist()]
        assert pids == sorted(pids), folder


def test_a_country_holding_most_posts_is_cut_into_files_each_with_its_own_task(spark):
    """Slices of the key range: about rows_per_file rows each, in post order, spread over tasks by file, not by folder."""
    from pyspark.sql import functions as F

    rows = spark.range(40_000).select(
        F.sha2(F.col("id").cast("string"), 256).alias("post_pid"),
        F.lit("train").alias("split"),
        # Skew: nine posts in ten are in one country.
        F.when(F.col("id") % 10 == 0, "GB").otherwise("US").alias("country"),
    )
    folders = shards.folder_rows(rows)
    assert folders == {("train", "US"): 36_000, ("train", "GB"): 4_000}
    # The suite's 2 shuffle partitions would cap the tasks at 2, and adaptive execution (which the CLI tests switch on
    # in this shared session) would merge such tiny ones into 1.
    settings = {"spark.sql.shuffle.partitions": "8", "spark.sql.adaptive.enabled": "false"}
    before = {k: spark.conf.get(k) for k in settings}
    for k, v in settings.items():
        spark.conf.set(k, v)
    try:
        laid_out = shards.shard_layout(rows, folders, rows_per_file=5_000).withColumn("task", F.spark_partition_id())
        files = {
            (r["country"], r["shard_file"]): r
            for r in laid_out.groupBy("country", "shard_file")
            .agg(F.count(F.lit(1)).alias("rows"), F.min("post_pid").alias("first"), F.max("post_pid").alias("last"), F.collect_set("task").alias("tasks"))
            .collect()
        }
        in_task_order = laid_out.select("task", "country", "shard_file", "post_pid").collect()
    finally:
        for k, v in before.items():
            spark.conf.set(k, v)
    us = [files[("US", i)] for i in range(8)]  # 36,000 rows: 7 full files and the rest
    assert sorted(k for k in files if k[0] == "US") == [("US", i) for i in range(8)]
    assert sorted(k for k in files if k[0] == "GB") == [("GB", 0)]
    assert all(abs(f["rows"] - 5_000) <= 0.05 * 5_000 for f in us[:-1]), [f["rows"] for f in us]
    assert sum(f["rows"] for f in us) == 36_000
    # In post order across files, and each file whole in one task.
    assert all(a["last"] < b["first"] for a, b in itertools.pairwise(us))
    assert all(len(f["tasks"]) == 1 for f in files.values())
    # The large folder is written by several tasks, not one.
    assert len({f["tasks"][0] for f in us}) >= 4
    # Within each task, rows come sorted as the files are.
    assert in_task_order == sorted(in_task_order)
