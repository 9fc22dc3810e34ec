"""Planted defects: the real gate (Great Expectations) on tampered snapshots, and a run whose defects block publishing."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REFERENCE_AS_OF, TEST_KEY, write_config
from pyspark.sql import functions as F

from postcurate import shards as shard_files
from postcurate.config import load_config
from postcurate.errors import EXIT_QUALITY_GATE_FAILED, QualityGateError
from postcurate.lake import read_pinned
from postcurate.pseudonyms import keyed_pseudonyms
from postcurate.quality import GateInputs, SnapshotFrames, run_gate
from postcurate.quality import frames as derived
from postcurate.quality.validate import naive_cutoff, validate_snapshot
from postcurate.snapshot import Manifest, layout
from postcurate.snapshot.manifest import describe_shards

LEAKED_EMAIL = "leak.test.person@example.com"
LEAKED_CARD = "4111 1111 1111 1111"  # issuer range and Luhn valid: only the checksum step redacts it
V2 = Path(__file__).resolve().parents[1] / "eval" / "pii_eval_v2.jsonl"


def one_value_per_class() -> dict[str, dict]:
    """The first labelled value of each class in the extended set, written as in its post."""
    out = {}
    for line in V2.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for p in record["pii"]:
            out.setdefault(p["class"], p)
    return out


def _inputs(spark, lake_root: str, manifest: Manifest) -> GateInputs:
    posts = read_pinned(spark, "posts", str(Path(lake_root) / "posts"))
    objections = read_pinned(spark, "objections", str(Path(lake_root) / "objections"))
    return GateInputs(posts=posts.df, objections=objections.df, as_of=naive_cutoff(manifest), pseudonyms=keyed_pseudonyms(spark, TEST_KEY))


@pytest.fixture(scope="module")
def tampered(spark, sample_lake, published_snapshot, tmp_path_factory):
    """A copy of the published snapshot whose shards were rewritten with six planted defects on six rows,
    and whose manifest was rewritten to match (so only the gate, not the checksums, can tell)."""
    src = published_snapshot.snapshot_path
    dest = tmp_path_factory.mktemp("tampered") / src.name
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("shards"))
    manifest = Manifest.read(src)
    shards = spark.read.parquet(str(src / "shards"))
    victims = [r["post_pid"] for r in shards.select("post_pid").orderBy("post_pid").limit(6).collect()]
    copied = shards.where(F.col("post_pid") == victims[4]).first()["text"]
    objector = derived.objector_pseudonyms(_inputs(spark, sample_lake.root, manifest).objections, naive_cutoff(manifest), keyed_pseudonyms(spark, TEST_KEY)).orderBy("author_pid").first()["author_pid"]
    deleted = spark.read.parquet(str(src / "ledger")).where(F.col("reason") == "deleted").orderBy("post_pid").first()
    pid = F.col("post_pid")
    bad = (
        shards
        # 1. a PII value the redaction missed
        .withColumn("text", F.when(pid == victims[0], F.concat(F.col("text"), F.lit(f" write to {LEAKED_EMAIL}"))).otherwise(F.col("text")))
        # 2. a post by an author who objected
        .withColumn("author_pid", F.when(pid == victims[1], F.lit(objector)).otherwise(F.col("author_pid")))
        # 3. a deleted post (it is in the ledger) that reached the shards
        .withColumn("post_pid", F.when(pid == victims[2], F.lit(deleted["post_pid"])).otherwise(pid))
        # 4. a duplicate post id
        .unionByName(shards.where(pid == victims[0]).limit(1))
        # 5. a card number the checksum step missed
        .withColumn("text", F.when(pid == victims[3], F.concat(F.col("text"), F.lit(f" card {LEAKED_CARD}"))).otherwise(F.col("text")))
        # 6. another post's text, re-spaced (the same text after normalisation: rule 10 keeps one)
        .withColumn("text", F.when(pid == victims[5], F.lit("  " + copied.replace(" ", "\u00a0 ", 1) + " ")).otherwise(F.col("text")))
    )
    shard_files.write_shards(bad, dest / "shards", rows_per_file=100_000)
    manifest.shards = describe_shards(dest / "shards")
    manifest.write(dest)
    return dest


def _rejected_run(spark, lake, tmp_path):
    """Run the whole job (with whatever was patched into it) and return its gate failure and output root."""
    import postcurate.job as job

    root = tmp_path / "out"
    config = load_config(write_config(tmp_path, lake.root, root))
    now = dt.datetime.now(dt.timezone.utc)
    with pytest.raises(QualityGateError) as failure:
        job.run(spark, config, key=TEST_KEY, as_of=job.parse_as_of(REFERENCE_AS_OF, now), now=now)
    return failure, root


def test_the_gate_names_each_planted_defect_with_its_row_count(spark, sample_lake, tampered):
    manifest = Manifest.read(tampered)
    with SnapshotFrames(spark, tampered) as snap:
        result = run_gate(snap.gate_frames(manifest, _inputs(spark, sample_lake.root, manifest)), manifest.quality["parameters"])
    assert not result.success
    failed = {(o.suite, o.expectation, o.column): (o.unexpected_count, o.observed) for o in result.failures}
    assert failed == {
        ("shards", "expect_column_values_to_be_null", "residual_pii_type"): (2, None),  # the email and the card (the duplicate is of a clean row)
        ("residual_pii", "expect_column_max_to_be_between", "email"): (None, 1),
        ("residual_pii", "expect_column_max_to_be_between", "card"): (None, 1),
        ("repeated_posts", "expect_table_row_count_to_equal", None): (None, 1),
        ("repeated_texts", "expect_table_row_count_to_equal", None): (None, 1),
        ("objector_leaks", "expect_table_row_count_to_equal", None): (None, 1),
        ("exclusion_leaks", "expect_table_row_count_to_equal", None): (None, 1),
        ("reconciliation", "expect_column_pair_values_to_be_equal", "posts_read=accounted"): (1, None),
    }
    message = result.message()
    assert "objector_leaks" in message and "observed 1" in message and "1 of" in message
    # Counts and names only: no raw text, no PII, no pseudonyms.
    assert "@" not in message and "leak.test" not in message and LEAKED_CARD not in message
    shards = spark.read.parquet(str(tampered / "shards"))
    pids = {r[0] for r in shards.select("post_pid").limit(200).collect()} | {r[0] for r in shards.select("author_pid").limit(200).collect()}
    dumped = json.dumps(result.to_dict())
    assert not any(p in message or p in dumped for p in pids)


def test_validate_catches_tampering_the_checksums_cannot(spark, tampered):
    # The manifest was rewritten to match, so only the gate can tell.
    assert Manifest.read(tampered).verify(tampered) == []
    with pytest.raises(QualityGateError) as failure:
        validate_snapshot(spark, tampered)
    assert failure.value.exit_code == EXIT_QUALITY_GATE_FAILED
    text = str(failure.value)
    assert "residual_pii_type" in text and "exclusion_leaks" in text and "repeated_posts" in text and "repeated_texts" in text
    assert LEAKED_EMAIL not in text


def test_a_run_with_planted_defects_publishes_nothing(spark, small_lake, tmp_path, monkeypatch):
    """The whole job, with two bugs planted in the pipeline: objections ignored, and an email the redaction missed."""
    import dataclasses

    import postcurate.job as job

    real_decide, real_destinations = job.decide, job.destinations

    def buggy_decide(*args, **kwargs):
        decided = real_decide(*args, **kwargs)
        return decided.withColumn("reason", F.when(F.col("reason") == "objected", F.lit(None)).otherwise(F.col("reason")))

    def buggy_destinations(decided, candidates, output):
        curated = real_destinations(decided, candidates, output)
        leaked = F.when(F.col("post_pid").startswith("a"), F.concat(F.col("text"), F.lit(f" write to {LEAKED_EMAIL}"))).otherwise(F.col("text"))
        return dataclasses.replace(curated, shards=curated.shards.withColumn("text", leaked))

    monkeypatch.setattr(job, "decide", buggy_decide)
    monkeypatch.setattr(job, "destinations", buggy_destinations)
    failure, root = _rejected_run(spark, small_lake, tmp_path)
    text = str(failure.value)
    assert failure.value.exit_code == EXIT_QUALITY_GATE_FAILED
    assert "nothing was published" in text
    assert "objector_leaks: expect_table_row_count_to_equal: observed" in text
    assert "shards: expect_column_values_to_be_null(residual_pii_type)" in text
    assert "@" not in text
    # Nothing visible to readers, nothing in the audit tables, no data left behind.
    assert layout.published_snapshots(root) == [] and layout.latest(root) is None
    assert not (root / "snapshots").exists() or not any((root / "snapshots").iterdir())
    assert not (root / "ledger").exists() and not (root / "quarantine").exists()
    assert not (root / "_staging").exists()
    (rejected,) = (root / "_rejected").iterdir()
    assert sorted(p.name for p in rejected.iterdir()) == ["quality", "report"]
    results = json.loads((rejected / "quality" / "results.json").read_text())
    assert results["success"] is False and results["suites"]["objector_leaks"]["failed"] == 1
    page = (rejected / "report" / "index.html").read_text()
    assert 'id="gate-status">failed' in page and "@" not in page
    # Nothing but the results: Great Expectations' Data Docs are not built (docs/publishing.md).
    assert sorted(p.name for p in (rejected / "quality").iterdir()) == ["results.json"]


def test_planted_values_of_every_class_fail_the_gate_by_type_and_count(spark, sample_lake, tmp_path, monkeypatch):
    """The whole job, with the redaction "missing" one value of each class of the extended set, each on its own rows."""
    import dataclasses

    import postcurate.job as job

    planted = one_value_per_class()
    real_destinations = job.destinations

    def leaky_destinations(decided, candidates, output):
        curated = real_destinations(decided, candidates, output)
        text = F.col("text")
        for i, p in enumerate(planted.values()):  # rows whose pseudonym starts with "0a", "0b", ...: a few each
            text = F.when(F.col("post_pid").startswith(f"{i:02x}"), F.concat(F.col("text"), F.lit(" and "), F.lit(p["value"]))).otherwise(text)
        return dataclasses.replace(curated, shards=curated.shards.withColumn("text", text))

    monkeypatch.setattr(job, "destinations", leaky_destinations)
    failure, root = _rejected_run(spark, sample_lake, tmp_path)
    text = str(failure.value)
    assert failure.value.exit_code == EXIT_QUALITY_GATE_FAILED and "nothing was published" in text
    named = dict(re.findall(r"residual_pii: expect_column_max_to_be_between\((\w+)\): observed ([0-9,]+)", text))
    assert set(named) == {p["type"] for p in planted.values()}, named
    assert all(int(n.replace(",", "")) >= 1 for n in named.values())
    # Names and counts only: no planted value, whole or in part, in the message or the kept results.
    (rejected,) = (root / "_rejected").iterdir()
    kept = text + (rejected / "quality" / "results.json").read_text() + (rejected / "report" / "index.html").read_text()
    for p in planted.values():
        assert p["value"] not in kept
        assert not any(len(chunk) >= 6 and chunk in kept for chunk in re.split(r"[^0-9A-Za-z@.]+", p["value"])), p["value"]
