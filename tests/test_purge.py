"""Purging published snapshots: objections after release, regulators' holds, the audit trail, idempotence."""

from __future__ import annotations

import datetime as dt
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import TEST_KEY, write_config
from purgekit import (
    add_objections,
    checksums,
    fresh_copy,
    geo_rules_with_hold,
    shard_authors,
)
from pyspark.sql import functions as F

from postcurate.cli import main
from postcurate.config import load_config
from postcurate.errors import EXIT_QUALITY_GATE_FAILED, ConfigError
from postcurate.purge import (
    KeyMismatchError,
    SnapshotNotFoundError,
    gc,
    purge,
    read_audit,
)
from postcurate.purge.index import read_valid_index
from postcurate.reader import open_snapshot
from postcurate.snapshot import ShardFile


@pytest.fixture
def copy(small_published, tmp_path, monkeypatch):
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    return lambda **overrides: fresh_copy(small_published, tmp_path, **overrides)


def _manifest(snapshot_dir, name="manifest.json") -> dict:
    return json.loads((snapshot_dir / name).read_text())


def test_objections_after_release_leave_no_row_and_untouched_shards_keep_their_checksums(spark, copy):
    from purgekit import author_pid

    p = copy()
    before = _manifest(p.snapshot_dir)
    before_bytes = (p.snapshot_dir / "manifest.json").read_bytes()
    objectors = {author_pid(spark, a) for a in ("us1", "gb1")}
    assert objectors <= shard_authors(p.snapshot_dir, before)

    add_objections(spark, p.lake, ["us1", "gb1"])
    config = load_config(p.config_path)
    result = purge(spark, config, key=TEST_KEY)

    (outcome,) = result.snapshots
    assert outcome.changed and outcome.revision == 1 and outcome.rows_removed == {"objected": 6}
    after = _manifest(p.snapshot_dir)
    assert not objectors & shard_authors(p.snapshot_dir, after)
    # Shards that held none of their rows: same entry, same file, same bytes.
    (entry,) = after["purges"]
    untouched = [s for s in before["shards"] if s["path"] not in entry["replaced"]]
    assert untouched and all(s in after["shards"] for s in untouched)
    assert all(checksums(p.snapshot_dir, {"shards": untouched})[s["path"]] == s["sha256"] for s in untouched)
    # Every entry of the new revision matches its file.
    assert checksums(p.snapshot_dir, after) == {s["path"]: s["sha256"] for s in after["shards"]}
    assert all(pq.read_metadata(p.snapshot_dir / s["path"]).num_rows == s["rows"] for s in after["shards"])
    # Rewritten shards have new names and the old files stay for readers of revision 0 until the retention passes.
    assert all((p.snapshot_dir / old).is_file() for old in entry["replaced"])
    assert not {s["path"] for s in after["shards"]} & set(entry["replaced"])

    # Revisions: r0 is the original, r1 the current; history, counts and ledger reconcile.
    assert (p.snapshot_dir / "manifest.r0.json").read_bytes() == before_bytes
    assert _manifest(p.snapshot_dir, "manifest.r1.json") == after
    assert after["revision"] == 1 and entry["rows_removed"] == {"objected": 6}
    c = after["counts"]
    assert c["kept"] == before["counts"]["kept"] - 6 == sum(s["rows"] for s in after["shards"])
    assert c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"]
    assert c["by_reason"]["objected"] == before["counts"]["by_reason"]["objected"] + 6 and c["purged"] == {"objected": 6}
    ledger = spark.read.parquet(*[str(p.snapshot_dir / f) for f in entry["ledger_files"]])
    assert {(r["author_pid"], r["reason"]) for r in ledger.collect()} == {(a, "objected") for a in objectors}

    # A reader holding revision 0 learns from the revision's ledger files which posts to drop, and why.
    latest = open_snapshot(p.out)
    gone = latest.removed_since(p.snapshot_dir.name, revision=0)
    assert sorted(gone.column("post_pid").to_pylist()) == sorted(r["post_pid"] for r in ledger.collect())
    assert set(gone.column("reason").to_pylist()) == {"objected"} and set(gone.column("left_at_revision").to_pylist()) == {1}
    copy = pa.concat_tables([pq.read_table(p.snapshot_dir / s["path"]) for s in before["shards"]])
    assert set(latest.catch_up(copy, since=p.snapshot_dir.name).column("post_pid").to_pylist()) == set(latest.table(columns=["post_pid"]).column("post_pid").to_pylist())
    assert latest.removed_since(p.snapshot_dir.name, revision=1).num_rows == 0

    # The audit trail: pseudonymous ids only, rows by shard, the reason.
    audit = read_audit(spark, p.out)
    rows = audit.collect()
    assert {r["reason"] for r in rows} == {"objected"} and sum(r["rows_removed"] for r in rows) == 6
    assert {a for r in rows for a in r["author_pids"]} == objectors
    assert {r["shard"] for r in rows} == set(entry["replaced"]) and {r["snapshot_id"] for r in rows} == {p.snapshot_dir.name}

    # Idempotent: a second purge finds nothing, exits 0 and changes no byte.
    runner = CliRunner()
    second = runner.invoke(main, ["purge", "--config", str(p.config_path), "--all-published"])
    assert second.exit_code == 0, second.output
    assert "nothing to purge" in second.output
    assert (p.snapshot_dir / "manifest.json").read_bytes() == (p.snapshot_dir / "manifest.r1.json").read_bytes()
    assert read_audit(spark, p.out).count() == len(rows)

    # The reviewer's view.
    table = runner.invoke(main, ["audit", "--config", str(p.config_path)])
    assert table.exit_code == 0 and "objected" in table.output and p.snapshot_dir.name in table.output
    as_json = json.loads(runner.invoke(main, ["audit", "--config", str(p.config_path), "--json"]).stdout)
    assert {a for r in as_json for a in r["author_pids"]} == objectors

    # Once the retention has passed, the replaced files go; the current ones never do.
    removed = gc(config, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=169))
    assert {r.split("/", 1)[1] for r in removed} >= set(entry["replaced"])
    assert not any((p.snapshot_dir / old).exists() for old in entry["replaced"])
    assert checksums(p.snapshot_dir, after) == {s["path"]: s["sha256"] for s in after["shards"]}


def test_a_hold_removes_the_country_partition(spark, copy, tmp_path):
    from purgekit import author_pid

    yesterday = dt.date.today() - dt.timedelta(days=1)
    hold = geo_rules_with_hold(tmp_path, "GB", until=yesterday)
    p = copy(geo_rules=str(hold), purge__retention_hours=0)
    before = _manifest(p.snapshot_dir)
    gb = [s for s in before["shards"] if s["country"] == "GB"]
    assert gb

    result = purge(spark, load_config(p.config_path), key=TEST_KEY)

    (outcome,) = result.snapshots
    gb_rows = sum(s["rows"] for s in gb)
    assert outcome.rows_removed == {"geo_blocked": gb_rows} and outcome.shards_dropped == len(gb)
    after = _manifest(p.snapshot_dir)
    assert {s["country"] for s in after["shards"]} == {s["country"] for s in before["shards"]} - {"GB"}
    assert "GB" not in after["counts"]["by_country"]
    assert not {author_pid(spark, a) for a in ("gb1", "gb2")} & shard_authors(p.snapshot_dir, after)
    # Other countries' shards are untouched; with no retention the held files are already gone.
    assert [s for s in before["shards"] if s["country"] != "GB"] == after["shards"]
    assert checksums(p.snapshot_dir, after) == {s["path"]: s["sha256"] for s in after["shards"]}
    assert not any((p.snapshot_dir / s["path"]).exists() for s in gb)
    audit = read_audit(spark, p.out)
    assert {(r["reason"], r["rows_removed"]) for r in audit.collect()} == {("geo_blocked", s["rows"]) for s in gb}
    assert audit.where(F.col("author_pids").isNotNull()).count() == 0
    c = after["counts"]
    assert c["by_reason"]["geo_blocked"] == before["counts"]["by_reason"]["geo_blocked"] + gb_rows
    assert c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"]


def test_author_index_written_at_publish_is_used_and_names_every_shard(spark, copy):
    p = copy()
    manifest = _manifest(p.snapshot_dir)
    assert (p.snapshot_dir / "author_index" / "_SUCCESS").is_file()  # written by the job, before the manifest
    index = read_valid_index(spark, p.snapshot_dir, "author_index", [ShardFile.from_dict(s) for s in manifest["shards"]])
    assert index is not None
    rows = {(r["shard"], r["rows"]) for r in index.groupBy("shard").agg(F.sum("rows").alias("rows")).collect()}
    assert rows == {(s["path"], s["rows"]) for s in manifest["shards"]}
    # An index that does not match the manifest's files is not used.
    assert read_valid_index(spark, p.snapshot_dir, "author_index", [ShardFile.from_dict(s) for s in manifest["shards"][1:]]) is None


def test_user_mistakes_end_in_one_clear_message(spark, copy):
    p = copy()
    config = load_config(p.config_path)
    with pytest.raises(KeyMismatchError, match="different pseudonymisation key"):
        purge(spark, config, key=b"another-key-0123456789abcdef0123456789")
    with pytest.raises(SnapshotNotFoundError, match="no published snapshot nope"):
        purge(spark, config, key=TEST_KEY, snapshot_ids=["nope"])
    (p.folder / "bad").mkdir()  # not p.folder: its config.yaml is the one the commands below use
    with pytest.raises(ConfigError, match="purge.retention_hours"):
        load_config(write_config(p.folder / "bad", p.lake, p.out, purge__retention_hours=-1))
    result = CliRunner().invoke(main, ["purge", "--config", str(p.config_path), "--snapshot", "x", "--all-published"])
    assert result.exit_code == 2 and "either --snapshot ID or --all-published" in result.output
    result = CliRunner().invoke(main, ["purge", "--config", str(p.config_path), "--gc"])
    assert result.exit_code == 0 and "gc: removed 0" in result.output


@pytest.fixture(scope="module")
def copies_published(spark, tmp_path_factory):
    """A post (by k1) copied twice by others (c1, c2), and an unrelated post; published once with rule 10 on."""
    from purgekit import publish_copies

    return publish_copies(spark, tmp_path_factory.mktemp("purge-copies"))


def test_when_the_kept_post_of_a_cluster_is_purged_its_duplicates_stay_out(spark, copies_published, tmp_path, monkeypatch):
    """A purge never brings a post back: the copies left as duplicates of a post whose author later objects stay
    out of the shards (they come back only with a rebuild, if rule 10 then keeps one of them)."""
    from postcurate.pseudonyms import keyed_pseudonyms

    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    p = fresh_copy(copies_published, tmp_path)
    pids = {name: spark.range(1).select(keyed_pseudonyms(spark, TEST_KEY).post(F.lit(name))).first()[0] for name in ("original", "copy-upper", "copy-emoji", "unrelated")}

    def shard_posts(manifest):
        return {r for s in manifest["shards"] for r in pq.read_table(p.snapshot_dir / s["path"], columns=["post_pid"]).column(0).to_pylist()}

    def ledger():
        files = [str(f) for f in (p.snapshot_dir / "ledger").glob("*.parquet")]
        return {r["post_pid"]: r["reason"] for r in spark.read.parquet(*files).collect()}

    before = _manifest(p.snapshot_dir)
    assert shard_posts(before) == {pids["original"], pids["unrelated"]}
    assert ledger() == {pids["copy-upper"]: "duplicate", pids["copy-emoji"]: "duplicate"}
    assert before["dedup"]["removed"] == 2 and before["dedup"]["clusters"] == 1

    add_objections(spark, p.lake, ["k1"])
    result = purge(spark, load_config(p.config_path), key=TEST_KEY)
    assert result.snapshots[0].rows_removed == {"objected": 1}  # the ledger's word (docs/decisions.md, one reason vocabulary)
    after = _manifest(p.snapshot_dir)
    assert shard_posts(after) == {pids["unrelated"]}
    assert ledger() == {pids["copy-upper"]: "duplicate", pids["copy-emoji"]: "duplicate", pids["original"]: "objected"}
    c = after["counts"]
    assert c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"] == 4


def test_a_purged_snapshot_validates_and_its_card_and_report_follow_the_new_revision(spark, copy):
    p = copy()
    assert "Removed after publication" not in (p.snapshot_dir / "README.md").read_text()
    add_objections(spark, p.lake, ["us1", "gb1"])
    config = load_config(p.config_path)
    purge(spark, config, key=TEST_KEY)
    after = _manifest(p.snapshot_dir)
    (entry,) = after["purges"]
    assert entry["replaced"] and all((p.snapshot_dir / old).is_file() for old in entry["replaced"])  # for revision 0's readers

    # validate passes on the purged snapshot (the replaced files are expected: revision 0 lists them), with the
    # snapshot's own files and with the inputs at their pinned versions.
    runner = CliRunner()
    for args in ([str(p.snapshot_dir)], ["--config", str(p.config_path), p.snapshot_dir.name]):
        result = runner.invoke(main, ["validate", *args])
        assert result.exit_code == 0, result.output
        assert f"{len(after['shards'])} shard files match the manifest" in result.output
    # ... and still fails, naming it, on a file that no revision lists; inspect says the same.
    foreign = (p.snapshot_dir / after["shards"][0]["path"]).parent / "part-77777.parquet"
    foreign.write_bytes((p.snapshot_dir / entry["replaced"][0]).read_bytes())
    rel = str(foreign.relative_to(p.snapshot_dir))
    for command in ("validate", "inspect"):
        result = runner.invoke(main, [command, str(p.snapshot_dir)])
        assert result.exit_code == EXIT_QUALITY_GATE_FAILED, result.output
        assert f"{rel}: shard file not listed" in result.output
    assert not any(old in result.output for old in entry["replaced"])
    foreign.unlink()

    # The card and the report give the new revision's rows, shards and purge history.
    kept, shards = after["counts"]["kept"], after["shards"]
    card = (p.snapshot_dir / "README.md").read_text()
    assert f"**Rows:** {kept:,} in {len(shards)} Parquet shards" in card
    assert "#### Removed after publication" in card and "revision 1 of the snapshot" in card
    assert f"| 1 | {entry['purged_at']} | `objected` | 6 |" in card
    assert "| 8 | `objected` |" in card and f"| {after['counts']['by_reason']['objected']:,} |" in card.split("| 8 | `objected` |")[1].splitlines()[0]
    figures = json.loads((p.snapshot_dir / "report" / "report.json").read_text())
    assert figures["counts"]["kept"] == kept and figures["by_reason"] == after["counts"]["by_reason"]
    assert [s["path"] for s in figures["shards"]["list"]] == [s["path"] for s in shards]
    assert figures["by_country"] == after["counts"]["by_country"]
    page = (p.snapshot_dir / "report" / "index.html").read_text()
    assert all(s["path"] in page for s in shards) and not any(old in page for old in entry["replaced"])

    # A purge that died between the manifest switch and the documents left them stale: the next gc rewrites them.
    (p.snapshot_dir / "README.md").write_text("stale card")
    switched = (p.snapshot_dir / "manifest.json").stat().st_mtime
    os.utime(p.snapshot_dir / "README.md", (switched - 60, switched - 60))
    gc(config)
    assert (p.snapshot_dir / "README.md").read_text() == card
