"""The output root's owner: the typed manifest reads and writes what manifest.json always held, the run identity
gives the ids snapshots always had, and older manifests stay readable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from postcurate.snapshot import (
    Manifest,
    ManifestError,
    PurgeEntry,
    ShardFile,
    SnapshotError,
    atomic_write,
    layout,
)
from postcurate.snapshot.manifest import purge_reason, read_json


def test_the_typed_manifest_writes_back_exactly_what_the_run_wrote(published_snapshot):
    raw = read_json(published_snapshot.snapshot_path)
    typed = Manifest.read(published_snapshot.snapshot_path)
    assert json.dumps(typed.to_dict()) == json.dumps(raw)  # same keys, values and order
    assert typed.to_json() == (published_snapshot.snapshot_path / layout.MANIFEST).read_text()
    assert typed.counts.kept == raw["counts"]["kept"] == sum(s.rows for s in typed.shards)
    assert typed.verify(published_snapshot.snapshot_path) == []


def test_the_identity_read_back_from_the_manifest_gives_the_snapshot_id(published_snapshot):
    m = Manifest.read(published_snapshot.snapshot_path)
    identity = m.identity()
    assert identity.snapshot_id == m.snapshot_id == published_snapshot.snapshot_id
    later = dataclasses.replace(identity, as_of=identity.as_of + dt.timedelta(days=1), versions={k: v + 1 for k, v in identity.versions.items()})
    assert later.same_build_as(identity) and later.snapshot_id != identity.snapshot_id
    for changed in (
        dataclasses.replace(identity, rules=identity.rules | {"min_text_length": identity.rules["min_text_length"] + 1}),
        dataclasses.replace(identity, detectors_sha256="0" * 64),
        dataclasses.replace(identity, key_fingerprint="f" * 16),
        dataclasses.replace(identity, paths=identity.paths | {"posts": "/elsewhere/posts"}),
    ):
        assert not changed.same_build_as(identity)
    # The shrink limit is not part of what a snapshot holds.
    settings = json.loads(json.dumps(m.settings))
    settings["output"]["max_shrink"] = 0.99
    assert dataclasses.replace(m, settings=settings).identity() == identity


def test_an_identity_is_not_read_from_a_manifest_without_its_inputs_versions(published_snapshot):
    """Re-validating or purging against unpinned tables would read other data than the snapshot was built from."""
    m = Manifest.read(published_snapshot.snapshot_path)
    for damaged in ({"delta_version": None}, {"delta_version": "3"}, {"delta_version": True}, {"path": None}):
        inputs = json.loads(json.dumps(m.inputs))
        inputs["posts"] |= damaged
        with pytest.raises(ManifestError, match="input 'posts' has no path and Delta version"):
            dataclasses.replace(m, inputs=inputs).identity()


def test_an_old_manifest_keeps_its_keys_and_its_words(tmp_path):
    old = {
        "snapshot_id": "20250101T000000Z-aaaaaaaaaaaa",
        "as_of": "2025-01-01T00:00:00+00:00",
        "counts": {"kept": 3, "purged": {"objection": 2, "hold:GB": 1}},
        "shards": [{"path": "shards/split=train/country=GB/part-00000.parquet", "rows": 3, "bytes": 10, "sha256": "ab"}],
        "purges": [{"purge_id": "p1", "revision": 1, "rows_removed": {"objection": 2}, "shards": [], "replaced": ["shards/x.parquet"]}],
        "a_key_from_elsewhere": {"kept": True},
    }
    m = Manifest.from_dict(old)
    assert m.to_dict() == old  # nothing lost, added or renamed
    assert m.shards[0].partition_country == "GB" and m.current_revision == 0 and "shards/x.parquet" in m.expected_files()
    assert [purge_reason(w) for w in ("objection", "hold:GB", "objected", "geo_blocked")] == [
        ("objected", None), ("geo_blocked", "GB"), ("objected", None), ("geo_blocked", None)]
    entry = PurgeEntry(purge_id="p2", revision=2, purged_at="2025-02-01T00:00:00+00:00", rows_removed={"geo_blocked": 3})
    after = m.after_purge(entry, [], index_name="author_index.r2", pii_removed={}, langs_removed={})
    assert after.counts.purged == {"geo_blocked": 1 + 3, "objected": 2} and after.counts.kept == 0
    assert after.history[0].rows_removed == {"objection": 2}  # history is never rewritten
    assert m.counts.kept == 3  # the revision is a copy


def test_a_damaged_manifest_is_named_and_a_missing_one_is_not_found(tmp_path):
    with pytest.raises(SnapshotError, match="cannot read"):
        Manifest.read(tmp_path)
    for text in ("{broken", "[1, 2]", '{"shards": {}}'):
        (tmp_path / layout.MANIFEST).write_text(text)
        with pytest.raises(ManifestError):
            Manifest.read(tmp_path)


def test_the_atomic_writer_replaces_the_file_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "LATEST"
    atomic_write(target, "a\n")
    atomic_write(target, b"b\n")
    assert target.read_text() == "b\n" and [p.name for p in tmp_path.iterdir()] == ["LATEST"]
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path, "x")  # a folder cannot be replaced by a file
    assert [p.name for p in tmp_path.iterdir()] == ["LATEST"]


def test_shard_entries_keep_the_manifest_order_of_their_keys():
    entry = ShardFile(path="shards/split=train/part-00000.parquet", split="train", rows=0, bytes=1, sha256="c")
    assert list(entry.to_dict()) == ["path", "split", "country", "rows", "bytes", "sha256"] and entry.to_dict()["country"] is None
