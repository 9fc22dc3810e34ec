"""Checks on what a purge rewrote, run before the new manifest revision is published.

``check_rewritten`` is the seam for the data-quality gate: it takes the planned revision and returns the failures
(empty when all is well). The purge refuses to publish a revision with any failure. The objector check is the
gate's own (``quality.frames.objector_posts_in_shards``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession

from postcurate.purge.index import read_shards
from postcurate.quality.frames import objector_posts_in_shards, row_count
from postcurate.snapshot import Manifest, ShardFile, sha256_file


@dataclass
class Rewrite:
    """A purge's planned revision of one snapshot, as the checks see it."""

    snapshot_dir: Path
    old_manifest: Manifest
    new_manifest: Manifest
    replaced_by: dict[str, list[ShardFile]]  # old shard path -> new shard entries (empty: every row went)
    rows_removed: dict[str, int]  # old shard path -> rows removed
    hold_countries: list[str]
    objector_pids: DataFrame  # author_pid of every objector in effect (all of them, not only this snapshot's)
    extra: dict = field(default_factory=dict)


def check_rewritten(spark: SparkSession, rewrite: Rewrite) -> list[str]:
    """The failures of a planned revision: objector or held rows left, row counts off, schema changed, bad checksums.

    >>> failures = check_rewritten(spark, rewrite)
    >>> if failures: raise QualityGateError("; ".join(failures))
    """
    failures: list[str] = []
    snap = Path(rewrite.snapshot_dir)
    old = {s.path: s for s in rewrite.old_manifest.shards}
    new_files = [e for entries in rewrite.replaced_by.values() for e in entries]

    for path, entries in rewrite.replaced_by.items():
        expected = old[path].rows - rewrite.rows_removed.get(path, 0)
        got = sum(pq.read_metadata(snap / e.path).num_rows for e in entries)
        if got != expected:
            failures.append(f"{path}: {got} rows after the rewrite, expected {old[path].rows} - {rewrite.rows_removed.get(path, 0)} = {expected}")
        before = pq.read_schema(snap / path).remove_metadata()
        for e in entries:
            if not pq.read_schema(snap / e.path).remove_metadata().equals(before):
                failures.append(f"{e.path}: schema differs from the shard it replaces ({path})")

    for e in rewrite.new_manifest.shards:
        file = snap / e.path
        if not file.is_file():
            failures.append(f"{e.path}: listed in the new revision but missing")
        elif e in new_files and (sha256_file(file) != e.sha256 or file.stat().st_size != e.bytes):
            failures.append(f"{e.path}: checksum or size does not match its manifest entry")

    # By the file's partition, as the purge chose the files to drop (an older entry names its country only there).
    held = sorted({c for e in rewrite.new_manifest.shards if (c := e.partition_country) is not None and c in rewrite.hold_countries})
    if held:
        failures.append(f"countries under a hold still have shards: {', '.join(held)}")

    if new_files:
        rows = read_shards(spark, snap, [e.path for e in new_files])
        left = row_count(objector_posts_in_shards(rows, rewrite.objector_pids))
        if left:
            failures.append(f"{left} row(s) of objectors left in the rewritten shards")

    kept = rewrite.new_manifest.counts.kept if rewrite.new_manifest.counts else None
    if isinstance(kept, int) and kept != sum(e.rows for e in rewrite.new_manifest.shards):
        failures.append(f"counts.kept ({kept}) is not the sum of the shards' rows")
    return failures
