"""The whole job on a seeded lake: outcomes match what the generator put in, nothing lost, nothing leaked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import REFERENCE_AS_OF, TEST_KEY, write_config
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.config import load_config
from postcurate.job import parse_as_of, run
from postcurate.pseudonyms import keyed_pseudonyms
from postcurate.rules.eligibility import REASONS


def _outcomes(spark, snapshot: Path):
    shards = spark.read.parquet(str(snapshot / "shards")).select("post_pid", F.lit(None).cast("string").alias("reason"))
    ledger = spark.read.parquet(str(snapshot / "ledger")).select("post_pid", "reason")
    quarantine = spark.read.parquet(str(snapshot / "quarantine")).select("post_pid", "reason")
    return shards.unionByName(ledger).unionByName(quarantine)


def test_every_post_gets_the_outcome_the_generator_put_in(spark, sample_lake, published_snapshot):
    truth = spark.read.format("delta").load(f"{sample_lake.root}/_truth")
    named = truth.where(~F.col("post_id").startswith("row:")).withColumn("post_pid", keyed_pseudonyms(spark, TEST_KEY).post(F.col("post_id")))
    outcomes = _outcomes(spark, published_snapshot.snapshot_path)
    joined = named.join(outcomes, "post_pid", "left")
    mismatches = joined.where(~F.col("expected_reason").eqNullSafe(F.col("reason")))
    assert mismatches.groupBy("expected_reason", "reason").count().collect() == []
    # Rows without a post id cannot be matched by id: they are each one quarantined post.
    unnamed = truth.where(F.col("post_id").startswith("row:")).count()
    assert outcomes.count() == named.count() + unnamed
    assert outcomes.select("post_pid").distinct().count() == outcomes.count()


def test_counts_reconcile_and_cover_every_reason(spark, sample_lake, published_snapshot):
    counts = published_snapshot.manifest["counts"]
    assert counts["posts_read"] == sample_lake.posts
    assert counts["posts_read"] == counts["kept"] + counts["excluded"] + counts["quarantined"]
    truth = {r["expected_reason"]: r["count"] for r in spark.read.format("delta").load(f"{sample_lake.root}/_truth").groupBy("expected_reason").count().collect()}
    assert counts["kept"] == truth[None]
    assert counts["by_reason"] == {r: truth.get(r, 0) for r in REASONS}
    assert all(counts["by_reason"][r] > 0 for r in REASONS), counts["by_reason"]


def test_shards_carry_only_pseudonymous_coarsened_redacted_data(spark, published_snapshot):
    snapshot = published_snapshot.snapshot_path
    shards = spark.read.parquet(str(snapshot / "shards"))
    assert sorted(shards.columns) == sorted(schemas.load("shard").names)
    assert not {"geo_lat", "geo_lon", "post_id", "author_id", "created_at", "updated_at"} & set(shards.columns)
    row = shards.first()
    assert re.fullmatch(r"[0-9a-f]{64}", row["post_pid"]) and re.fullmatch(r"[0-9a-f]{64}", row["author_pid"])
    assert shards.where(F.col("text").rlike(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}")).count() == 0
    assert shards.where(F.col("text").contains("<EMAIL>")).count() > 0
    # The raw ids of the generator (p<n>, u<n>) appear nowhere in the output: not as ids, not inside text.
    raw_id = r"\b[pu][0-9]+\b"
    for part in ("ledger", "quarantine"):
        frame = spark.read.parquet(str(snapshot / part))
        assert frame.where(F.col("post_pid").rlike(raw_id) | F.col("author_pid").rlike(raw_id)).count() == 0, part
    assert shards.where(F.col("text").rlike(raw_id) | F.col("post_pid").rlike(raw_id) | F.col("author_pid").rlike(raw_id)).count() == 0


def test_one_author_one_split_and_partitions_by_country(spark, published_snapshot):
    shards = spark.read.parquet(str(published_snapshot.snapshot_path / "shards"))
    assert shards.groupBy("author_pid").agg(F.countDistinct("split").alias("n")).where("n > 1").count() == 0
    assert {r["split"] for r in shards.select("split").distinct().collect()} == {"train", "validation"}
    manifest = published_snapshot.manifest
    assert sum(s["rows"] for s in manifest["shards"]) == manifest["counts"]["kept"]
    for s in manifest["shards"]:
        assert f"split={s['split']}/country={s['country']}/" in s["path"]
        assert pq.read_metadata(published_snapshot.snapshot_path / s["path"]).num_rows == s["rows"]


def test_manifest_records_versions_rules_and_key_fingerprint(published_snapshot):
    m = published_snapshot.manifest
    assert {t["delta_version"] for t in m["inputs"].values()} == {0}
    assert len(m["geo_rules"]["sha256"]) == 64 and m["key_fingerprint"]
    assert TEST_KEY.decode() not in str(m)
    assert (published_snapshot.snapshot_path.parent.parent / "LATEST").read_text().strip() == m["snapshot_id"]


def test_rerunning_the_same_inputs_publishes_nothing_new(spark, published_snapshot):
    config = load_config(Path(published_snapshot.snapshot_path).parents[2] / "config.yaml")
    now = dt.datetime.now(dt.timezone.utc)
    again = run(spark, config, key=TEST_KEY, as_of=parse_as_of(REFERENCE_AS_OF, now), now=now)
    assert not again.published and again.snapshot_id == published_snapshot.snapshot_id


def test_two_cut_offs_give_the_outcomes_each_implies(spark, sample_lake, published_snapshot, tmp_path):
    """Before the EU roll-out (2025-05-27) no EEA or Swiss account may be in a shard; after it they are."""
    config = load_config(write_config(tmp_path, sample_lake.root, tmp_path / "out"))
    now = dt.datetime.now(dt.timezone.utc)
    early = run(spark, config, key=TEST_KEY, as_of=parse_as_of("2025-03-01T00:00:00Z", now), now=now)
    early_countries = set(early.manifest["counts"]["by_country"])
    late_countries = set(published_snapshot.manifest["counts"]["by_country"])
    eea = {"DE", "FR", "IE", "ES", "IT", "NL", "CH"}
    assert not early_countries & eea
    assert eea <= late_countries
    assert {"GB", "US", "BR"} <= early_countries
    # Only posts that existed at the early cut-off were read.
    posts = spark.read.format("delta").load(f"{sample_lake.root}/posts")
    existed = posts.where(F.col("updated_at") <= F.lit("2025-03-01 00:00:00").cast("timestamp")).select("post_id").distinct().count()
    assert early.manifest["counts"]["posts_read"] <= existed + sample_lake.posts // 1000
    assert early.manifest["counts"]["posts_read"] < published_snapshot.manifest["counts"]["posts_read"]
    assert early.counts["posts_read"] == early.counts["kept"] + early.counts["excluded"] + early.counts["quarantined"]


def test_stale_objections_stop_the_run_before_any_output(spark, sample_lake, tmp_path):
    from postcurate.errors import InputError

    config = load_config(write_config(tmp_path, sample_lake.root, tmp_path / "out"))
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    with pytest.raises(InputError, match="objections"):
        run(spark, config, key=TEST_KEY, as_of=parse_as_of(REFERENCE_AS_OF, later), now=later)
    assert not (tmp_path / "out").exists()


def test_a_run_where_no_post_qualifies_publishes_an_empty_snapshot_that_accounts_for_every_post(spark, empty_snapshot, published_snapshot):
    """The snapshot then holds one zero-row file per split, so every reader (and the gate) finds its columns."""
    from postcurate.quality.validate import validate_snapshot

    # conftest's empty_snapshot: no text is 100,000 characters long, so every post that reaches rule 9 is "empty".
    result = empty_snapshot
    assert result.published
    counts = result.manifest["counts"]
    assert counts["kept"] == 0 and counts["by_reason"]["empty"] > 0
    assert counts["excluded"] + counts["quarantined"] == counts["posts_read"] == published_snapshot.manifest["counts"]["posts_read"]
    assert result.manifest["quality"]["success"]
    # Was: no shard at all (`shards: []`), which pyarrow, pandas, DuckDB and Polars cannot read (no schema).
    assert [(s["path"], s["split"], s["country"], s["rows"]) for s in result.manifest["shards"]] == [
        ("shards/split=train/part-00000.parquet", "train", None, 0),
        ("shards/split=validation/part-00000.parquet", "validation", None, 0),
    ]
    assert counts["by_split"] == {"train": 0, "validation": 0} and counts["by_country"] == {}
    assert validate_snapshot(spark, result.snapshot_path).gate.success
