"""postcurate.reader: open by manifest, verify checksums, select, split by rank. No Spark in the code under test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pytest

from postcurate.reader import ChecksumError, SnapshotError, open_snapshot


def _copy(published, tmp_path) -> Path:
    """A private copy of the shared, read-only published snapshot (safe to corrupt)."""
    target = tmp_path / "snapshots" / published.snapshot_path.name
    shutil.copytree(published.snapshot_path, target)
    return target


def _fake_snapshot(tmp_path, rows: list[int]) -> Path:
    """A manifest-only snapshot with shards of the given row counts (enough for selection and rank assignment)."""
    shards = [
        {
            "path": f"shards/split={'train' if i % 4 else 'validation'}/country=C{i % 3}/part-{i:05d}.parquet",
            "split": "train" if i % 4 else "validation",
            "country": f"C{i % 3}",
            "rows": n,
            "bytes": 100 + n,
            "sha256": "0" * 64,
        }
        for i, n in enumerate(rows)
    ]
    folder = tmp_path / "fake"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"snapshot_id": "fake", "as_of": "2026-01-01T00:00:00+00:00", "shards": shards}))
    return folder


# --- against the published snapshot -------------------------------------------------------------------------------


def test_reads_every_row_the_manifest_promises(published_snapshot):
    manifest = published_snapshot.manifest
    snap = open_snapshot(published_snapshot.snapshot_path.parent.parent)  # the output root: LATEST
    assert snap.snapshot_id == manifest["snapshot_id"]
    assert snap.rows == manifest["counts"]["kept"]
    table = snap.table()
    assert table.num_rows == manifest["counts"]["kept"] == sum(s["rows"] for s in manifest["shards"])
    assert set(table.schema.names) >= {"post_pid", "author_pid", "text", "lang", "created_period", "split", "country"}
    by_country = {e["values"]: e["counts"] for e in pc.value_counts(table["country"]).to_pylist()}
    assert by_country == manifest["counts"]["by_country"]


def test_select_by_split_and_country(published_snapshot):
    manifest = published_snapshot.manifest
    snap = open_snapshot(published_snapshot.snapshot_path)
    for split, expected in manifest["counts"]["by_split"].items():
        part = snap.select(split=split)
        table = part.table(columns=["split", "text"])
        assert table.num_rows == expected == part.rows
        assert table.schema.names == ["split", "text"]
        assert set(table["split"].to_pylist()) == {split}
    country, expected = max(manifest["counts"]["by_country"].items(), key=lambda kv: kv[1])
    table = snap.select(countries=[country.lower()]).table(columns=["country"])
    assert table.num_rows == expected and set(table["country"].to_pylist()) == {country}
    assert snap.select(countries=["ZZ"]).table().num_rows == 0
    with pytest.raises(SnapshotError, match="unknown split 'test'"):
        snap.select(split="test")


def test_two_ranks_see_disjoint_shards_that_cover_the_snapshot(published_snapshot):
    snap = open_snapshot(published_snapshot.snapshot_path)
    ranks = [snap.for_rank(r, 2) for r in range(2)]
    paths = [{s.path for s in r.shards} for r in ranks]
    assert paths[0] and paths[1]
    assert paths[0].isdisjoint(paths[1])
    assert paths[0] | paths[1] == {s["path"] for s in published_snapshot.manifest["shards"]}
    # The rows actually read, not just the manifest's word for them.
    read = [sum(b.num_rows for b in r.batches(columns=["post_pid"])) for r in ranks]
    assert sum(read) == published_snapshot.manifest["counts"]["kept"]
    ids = [set(r.table(columns=["post_pid"])["post_pid"].to_pylist()) for r in ranks]
    assert ids[0].isdisjoint(ids[1])
    # A second process computes the same plan.
    again = open_snapshot(published_snapshot.snapshot_path)
    assert [s.path for s in again.for_rank(0, 2).shards] == [s.path for s in ranks[0].shards]


def test_a_corrupted_shard_fails_verification(published_snapshot, tmp_path):
    copy = _copy(published_snapshot, tmp_path)
    victim = max(published_snapshot.manifest["shards"], key=lambda s: s["rows"])
    data = bytearray((copy / victim["path"]).read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])  # same size, different bytes
    (copy / victim["path"]).write_bytes(bytes(data))

    snap = open_snapshot(copy)
    with pytest.raises(ChecksumError, match="fails its checksum") as caught:
        snap.verify()
    assert victim["path"] in str(caught.value) and victim["sha256"] in str(caught.value)
    with pytest.raises(ChecksumError):
        list(snap.batches())  # reading verifies too: no row of a bad shard is handed out
    # The other shards are still readable on their own.
    others = snap.select(countries=[c for c in published_snapshot.manifest["counts"]["by_country"] if c != victim["country"]])
    assert others.verify().table().num_rows == others.rows


def test_a_truncated_or_missing_shard_fails_verification(published_snapshot, tmp_path):
    copy = _copy(published_snapshot, tmp_path)
    first, second = published_snapshot.manifest["shards"][:2]
    (copy / first["path"]).write_bytes((copy / first["path"]).read_bytes()[:-10])
    (copy / second["path"]).unlink()
    snap = open_snapshot(copy)
    with pytest.raises(ChecksumError, match="truncated or changed"):
        snap.select(split=first["split"], countries=[first["country"]]).verify()
    with pytest.raises(ChecksumError, match="missing"):
        list(snap.select(split=second["split"], countries=[second["country"]]).batches(verify=False))


def test_opening_by_output_root_snapshot_id_or_folder(published_snapshot, tmp_path):
    root = published_snapshot.snapshot_path.parent.parent
    sid = published_snapshot.snapshot_id
    assert open_snapshot(root, snapshot_id=sid).path == open_snapshot(root).path == published_snapshot.snapshot_path.resolve()
    with pytest.raises(SnapshotError, match="no published snapshot 'nope'"):
        open_snapshot(root, snapshot_id="nope")
    with pytest.raises(SnapshotError, match="neither a snapshot folder"):
        open_snapshot(tmp_path)
    with pytest.raises(SnapshotError, match="does not exist"):
        open_snapshot(tmp_path / "missing")
    (tmp_path / "LATEST").write_text("gone\n")
    with pytest.raises(SnapshotError, match="names snapshot 'gone'"):
        open_snapshot(tmp_path)


# --- manifest-only, no data needed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("world_size", [1, 2, 3, 5, 8])
def test_rank_assignment_is_disjoint_covering_balanced_and_deterministic(tmp_path, world_size):
    rows = [900, 850, 400, 390, 120, 110, 100, 95, 60, 40, 30, 10]
    snap = open_snapshot(_fake_snapshot(tmp_path, rows))
    plan = snap.assignment(world_size)
    assert len(plan) == world_size
    flat = [s.path for part in plan for s in part]
    assert len(flat) == len(set(flat)) == len(rows)
    loads = [sum(s.rows for s in part) for part in plan]
    assert sum(loads) == sum(rows)
    # Greedy largest-first: no rank exceeds the lightest one by more than the largest shard.
    assert max(loads) - min(loads) <= max(rows)
    assert [tuple(s.path for s in snap.for_rank(r, world_size).shards) for r in range(world_size)] == [
        tuple(s.path for s in part) for part in plan
    ]
    # Independent of the order in which the manifest lists the shards.
    manifest = json.loads((snap.path / "manifest.json").read_text())
    manifest["shards"].reverse()
    (snap.path / "manifest.json").write_text(json.dumps(manifest))
    assert open_snapshot(snap.path).assignment(world_size) == plan


def test_rank_assignment_balances_rows(tmp_path):
    snap = open_snapshot(_fake_snapshot(tmp_path, [100] * 8 + [50] * 4))
    assert [sum(s.rows for s in part) for part in snap.assignment(4)] == [250, 250, 250, 250]


def test_more_ranks_than_shards_and_bad_arguments(tmp_path):
    snap = open_snapshot(_fake_snapshot(tmp_path, [10, 20]))
    plan = snap.assignment(3)
    assert sorted(len(p) for p in plan) == [0, 1, 1]
    with pytest.raises(SnapshotError, match="rank must be in 0..1"):
        snap.for_rank(2, 2)
    with pytest.raises(SnapshotError, match="world_size"):
        snap.for_rank(0, 0)


def test_a_manifest_cannot_point_outside_its_snapshot(tmp_path):
    folder = _fake_snapshot(tmp_path, [1])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["shards"][0]["path"] = "../../etc/passwd"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="outside the snapshot folder"):
        open_snapshot(folder)
    (folder / "manifest.json").write_text(json.dumps({"snapshot_id": "x"}))
    with pytest.raises(SnapshotError, match="no 'shards' list"):
        open_snapshot(folder)
