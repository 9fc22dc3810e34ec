"""Purging published snapshots: objections and regulators' holds that arrived after a snapshot was published.

For each published snapshot: find the shards holding rows of objectors (through the author index) and the country
partitions no geo rule covers any more, write new shard files without those rows, check them, and publish a new
manifest revision atomically. Shards that held none of those rows are not touched (same files, same checksums).
The files a revision replaces are removed once its retention has passed.

Rows a purge removes are recorded under the ledger's reasons (the contract's words): ``objected`` and
``geo_blocked`` (a held shard's entry also names its country). Manifests and audit rows written with the first
purge's words (``objection``, ``hold:<CC>``) are read as those (``snapshot.manifest.purge_reason``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, MapType, StructType

import postcurate
from postcurate import report
from postcurate.card import write_card
from postcurate.clock import naive_utc, utc_now
from postcurate.config import Config, PurgeSettings
from postcurate.errors import ConfigError, PostcurateError, QualityGateError
from postcurate.lake import read_pinned
from postcurate.pseudonyms import Pseudonyms, key_fingerprint, keyed_pseudonyms
from postcurate.purge import audit as audit_log
from postcurate.purge.checks import Rewrite, check_rewritten
from postcurate.purge.index import (
    build_author_index,
    index_of,
    read_shards,
    read_valid_index,
    shard_relative_path,
)
from postcurate.quality.frames import objector_pseudonyms
from postcurate.report import REPORT_HTML, REPORT_JSON
from postcurate.rules.geo import load_geo_rules
from postcurate.shards import primary_language, write_empty_shards
from postcurate.snapshot import Manifest, PurgeEntry, ShardFile, layout
from postcurate.snapshot.revisions import (
    collect_garbage,
    new_purge_id,
    publish_revision,
    read_current,
)

log = logging.getLogger("postcurate.purge")

OBJECTED, GEO_BLOCKED = "objected", "geo_blocked"


class SnapshotNotFoundError(PostcurateError):
    """A snapshot named on the command line is not published under the output root."""


class KeyMismatchError(PostcurateError):
    """The run's key is not the key a snapshot's pseudonyms were made with: its objectors cannot be found."""


def purge_settings(config: Config) -> PurgeSettings:
    """The ``purge:`` section of the config (validated with the rest of it by ``postcurate.config.load_config``)."""
    return config.purge


@dataclass
class SnapshotOutcome:
    snapshot_id: str
    revision: int  # the current revision after the purge
    changed: bool
    rows_removed: dict[str, int] = field(default_factory=dict)  # reason -> rows
    shards_rewritten: int = 0
    shards_dropped: int = 0
    shards_untouched: int = 0


@dataclass
class PurgeResult:
    purge_id: str
    snapshots: list[SnapshotOutcome]
    garbage: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.snapshots)


def objector_pids(objections: DataFrame, now: dt.datetime, pseudonyms: Pseudonyms) -> DataFrame:
    """Pseudonyms (``author_pid``) of every author with an objection in effect at ``now`` (the gate's own definition)."""
    return objector_pseudonyms(objections, naive_utc(now), pseudonyms)


def select_snapshots(output_root: Path, snapshot_ids: list[str] | None) -> list[Path]:
    """The snapshots to purge: the named ones (each must be published) or every published one."""
    published = layout.published_snapshots(output_root)
    if not snapshot_ids:
        return [layout.snapshot_dir(output_root, s) for s in published]
    missing = [s for s in snapshot_ids if s not in published]
    if missing:
        raise SnapshotNotFoundError(
            f"no published snapshot {', '.join(missing)} under {Path(output_root) / layout.SNAPSHOTS}"
            + (f"; published: {', '.join(published)}" if published else "; nothing is published there")
        )
    return [layout.snapshot_dir(output_root, s) for s in snapshot_ids]


_NON_NULL_DEFAULTS = {
    "string": "",
    "date": dt.date(1970, 1, 1),
    "timestamp": dt.datetime(1970, 1, 1),
    "boolean": False,
    "binary": bytearray(),
}


def _as_declared(col: Column, dtype: DataType, nullable: bool) -> Column:
    """``col`` with the nullability the shard file declares.

    Spark reads every file column as nullable, and would write the rewrite that way; the coalesce never fires on
    data that met the original declaration, it only carries the declaration over, so the schema stays identical.
    """
    name = dtype.typeName()
    if isinstance(dtype, MapType) and not dtype.valueContainsNull:
        values = dtype.valueType
        col = F.transform_values(col, lambda _k, v: _as_declared(v, values, False))
    elif isinstance(dtype, ArrayType) and not dtype.containsNull:
        elements = dtype.elementType
        col = F.transform(col, lambda v: _as_declared(v, elements, False))
    if nullable:
        return col
    if name == "map":
        return F.coalesce(col, F.create_map().cast(dtype))
    if name == "array":
        return F.coalesce(col, F.array().cast(dtype))
    if name in _NON_NULL_DEFAULTS:
        return F.coalesce(col, F.lit(_NON_NULL_DEFAULTS[name]).cast(dtype))
    if name in ("byte", "short", "integer", "long", "float", "double") or name.startswith("decimal"):
        return F.coalesce(col, F.lit(0).cast(dtype))
    return col  # other types: left as read; check_rewritten reports a schema change if it matters


def _file_schema(path: Path, fallback: StructType) -> StructType:
    """The Spark schema a shard file was written with (kept in its footer), else what Spark reads."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"org.apache.spark.sql.parquet.row.metadata")
    return StructType.fromJson(json.loads(raw)) if raw else fallback


@dataclass
class _Plan:
    """What a purge removes from one snapshot: objectors' rows in ``affected`` shards, every row of ``held`` ones."""

    manifest: Manifest
    manifest_sha: str
    index: DataFrame
    holds: list[str]  # countries no geo rule covers any more
    held: list[ShardFile]
    affected: dict[str, tuple[int, int]]  # shard path -> (objectors' rows, objectors)
    hit_authors: DataFrame

    @property
    def rewritten(self) -> list[str]:
        return sorted(self.affected)

    @property
    def rows_removed(self) -> dict[str, int]:
        return {p: self.affected[p][0] for p in self.rewritten} | {s.path: s.rows for s in self.held}


class _Purger:
    """One purge run over some snapshots; keeps what every snapshot needs (objectors, holds, provenance)."""

    def __init__(self, spark: SparkSession, config: Config, key: bytes, now: dt.datetime, purge_id: str):
        self.spark, self.config, self.now, self.purge_id = spark, config, now, purge_id
        self.root = Path(config.output_root)
        self.settings = purge_settings(config)
        pseudonyms = keyed_pseudonyms(spark, key)
        self.fingerprint = pseudonyms.fingerprint
        self.geo = load_geo_rules(config.geo_rules)
        self.detectors = _detectors_for_card(config)
        self.allowed = self.geo.in_effect(now)
        objections = read_pinned(spark, "objections", config.inputs.objections)
        self.objectors = objector_pids(objections.df, now, pseudonyms).persist(StorageLevel.MEMORY_AND_DISK)
        self.provenance: dict[str, Any] = {  # the purge entry's and the audit rows' provenance fields
            "objections_version": objections.version,
            "geo_rules_sha256": self.geo.sha256,
            "key_fingerprint": self.fingerprint,
            "code_version": postcurate.__version__,
        }

    def close(self) -> None:
        self.objectors.unpersist()

    def _index(self, snap: Path, manifest: Manifest) -> DataFrame:
        """The snapshot's current author index, built first when it is missing or stale."""
        name = manifest.author_index or layout.AUTHOR_INDEX
        index = read_valid_index(self.spark, snap, name, manifest.shards)
        if index is not None:
            return index
        if manifest.author_index is not None:
            name = f"{layout.AUTHOR_INDEX}.{self.purge_id}"  # the named one belongs to a revision: never rewrite it
        else:
            shutil.rmtree(snap / name, ignore_errors=True)  # unreferenced and unusable
        log.info("%s: building the author index (%d shards)", snap.name, len(manifest.shards))
        build_author_index(self.spark, snap, [s.path for s in manifest.shards if s.rows > 0], snap / name)
        return self.spark.read.parquet(str(snap / name))

    def purge_snapshot(self, snap: Path) -> SnapshotOutcome:
        """Plan, write the new files, check them, publish the revision, then its documents and audit rows."""
        manifest, manifest_sha = read_current(snap)
        self._recover_audit(snap, manifest)
        plan = self._plan(snap, manifest, manifest_sha)
        if not plan.held and not plan.affected:
            return SnapshotOutcome(snap.name, manifest.current_revision, False, shards_untouched=len(manifest.shards))
        staging = snap / layout.PURGE_STAGING / self.purge_id
        shutil.rmtree(staging, ignore_errors=True)
        removed_stats = self._write_removed(snap, plan, staging)
        replaced_by, ledger_files = self._place_files(snap, plan, staging)
        shards = self._new_shard_list(snap, plan, replaced_by, staging)
        revision = manifest.current_revision + 1
        index_name = self._write_index(snap, plan, replaced_by, revision)
        entry = self._entry(plan, replaced_by, ledger_files, revision)
        new_manifest = manifest.after_purge(entry, shards, index_name=index_name, **removed_stats)

        failures = check_rewritten(self.spark, Rewrite(snap, manifest, new_manifest, replaced_by, plan.rows_removed, plan.holds, self.objectors))
        if failures:
            collect_garbage(snap, self.now)  # the new files belong to no revision: remove them
            raise QualityGateError(f"purge of snapshot {snap.name} failed its checks; nothing changed: " + "; ".join(failures))
        publish_revision(snap, new_manifest)
        log.info("%s: revision %d published (%s)", snap.name, revision, ", ".join(f"{k} {v}" for k, v in sorted(entry.rows_removed.items())))
        rewrite_documents(snap, new_manifest, staging, geo=self.geo, detectors=self.detectors)
        self._audit(snap, entry, staging / "authors")
        shutil.rmtree(snap / layout.PURGE_STAGING, ignore_errors=True)
        return SnapshotOutcome(
            snap.name,
            revision,
            True,
            rows_removed=entry.rows_removed,
            shards_rewritten=len(plan.rewritten),
            shards_dropped=len(plan.held),
            shards_untouched=len(manifest.shards) - len(plan.rows_removed),
        )

    def _plan(self, snap: Path, manifest: Manifest, manifest_sha: str) -> _Plan:
        # The zero-row files of a snapshot with no row belong to no country: nothing there to hold.
        countries = [s.partition_country for s in manifest.shards]
        holds = sorted({c for c in countries if c is not None and c not in self.allowed})
        held = [s for s in manifest.shards if s.partition_country in holds]
        held_paths = {s.path for s in held}
        index = self._index(snap, manifest)
        hits = index.join(self.objectors, "author_pid", "left_semi").where(~F.col("shard").isin(*held_paths) if held_paths else F.lit(True))
        # One row per affected shard file: bounded by the number of shards, not by data.
        affected = {
            r["shard"]: (int(r["rows"]), int(r["authors"]))
            for r in hits.groupBy("shard").agg(F.sum("rows").alias("rows"), F.countDistinct("author_pid").alias("authors")).collect()
        }
        return _Plan(manifest, manifest_sha, index, holds, held, affected, hits.select("author_pid").distinct())

    def _write_removed(self, snap: Path, plan: _Plan, staging: Path) -> dict[str, dict[str, int]]:
        """The rows that stay (``staging/shards``), and the rows that go as ledger rows (``staging/ledger``), with the
        authors per shard (``staging/authors``); the languages and PII counts of what went."""
        gone_parts = []
        if plan.rewritten:
            src = read_shards(self.spark, snap, plan.rewritten).withColumn("shard", shard_relative_path(F.col("_metadata.file_path")))
            gone_parts.append(src.join(plan.hit_authors, "author_pid", "left_semi").withColumn("reason", F.lit(OBJECTED)))
            self._write_kept(snap, src, plan.hit_authors, plan.rewritten, staging / "shards")
        if plan.held:
            held_rows = read_shards(self.spark, snap, sorted(s.path for s in plan.held)).withColumn("shard", shard_relative_path(F.col("_metadata.file_path")))
            gone_parts.append(held_rows.withColumn("reason", F.lit(GEO_BLOCKED)))
        gone = gone_parts[0]
        for part in gone_parts[1:]:
            gone = gone.unionByName(part)
        gone = gone.persist(StorageLevel.MEMORY_AND_DISK)  # read three times below; grows with removed rows only
        try:
            gone.select("post_pid", "author_pid", "reason").write.parquet(str(staging / layout.LEDGER))
            gone.where(F.col("reason") == OBJECTED).groupBy("shard").agg(F.sort_array(F.collect_set("author_pid")).alias("author_pids")).write.parquet(
                str(staging / "authors")
            )
            langs = {r["lang"]: int(r["count"]) for r in gone.groupBy(primary_language(F.col("lang")).alias("lang")).count().collect()}
            pii = {
                r["type"]: int(r["n"])
                for r in gone.select(F.explode("pii_counts").alias("type", "count")).groupBy("type").agg(F.sum("count").alias("n")).collect()
            }
        finally:
            gone.unpersist()
        return {"langs_removed": langs, "pii_removed": pii}

    def _place_files(self, snap: Path, plan: _Plan, staging: Path) -> tuple[dict[str, list[ShardFile]], list[str]]:
        """Move the new files into place under new names (nothing existing is overwritten)."""
        by_path = {s.path: s for s in plan.manifest.shards}
        prefix = f"{layout.PURGE_FILE_PREFIX}{self.purge_id}"
        replaced_by: dict[str, list[ShardFile]] = {}
        for i, path in enumerate(plan.rewritten):
            folder = staging / "shards" / f"sid={i}"
            entries = []
            for j, file in enumerate(sorted(folder.glob("*.parquet")) if folder.is_dir() else []):
                target = (snap / path).parent / f"{prefix}-{i:05d}-{j:03d}.snappy.parquet"
                os.rename(file, target)
                described = ShardFile.describe(snap / layout.SHARDS, target)
                entries.append(dataclasses.replace(by_path[path], path=described.path, rows=described.rows, bytes=described.bytes, sha256=described.sha256))
            replaced_by[path] = entries
        ledger_files = []
        (snap / layout.LEDGER).mkdir(exist_ok=True)
        for j, file in enumerate(sorted((staging / layout.LEDGER).glob("*.parquet"))):
            target = snap / layout.LEDGER / f"{prefix}-{j:05d}.snappy.parquet"
            os.rename(file, target)
            ledger_files.append(str(target.relative_to(snap)))
        return replaced_by, ledger_files

    def _new_shard_list(self, snap: Path, plan: _Plan, replaced_by: dict[str, list[ShardFile]], staging: Path) -> list[ShardFile]:
        removed = plan.rows_removed
        shards = [s for s in plan.manifest.shards if s.path not in removed] + [e for p in plan.rewritten for e in replaced_by[p]]
        if not shards:
            # Every row went: like a build that keeps none, the snapshot holds a zero-row file per split, so readers
            # still find its columns (the columns of the files it replaces).
            columns = read_shards(self.spark, snap, [plan.manifest.shards[0].path])
            name = f"{layout.PURGE_FILE_PREFIX}{self.purge_id}-empty.snappy.parquet"
            files = write_empty_shards(columns, snap / layout.SHARDS, name, scratch=staging / "empty")
            shards = [ShardFile.describe(snap / layout.SHARDS, f) for f in files]
        return sorted(shards, key=lambda s: s.path)

    def _write_index(self, snap: Path, plan: _Plan, replaced_by: dict[str, list[ShardFile]], revision: int) -> str:
        """The index of the new revision: unchanged shards keep their rows, rewritten ones are indexed afresh."""
        name = f"{layout.AUTHOR_INDEX}.r{revision}"
        shutil.rmtree(snap / name, ignore_errors=True)
        kept_index = plan.index.where(~F.col("shard").isin(*plan.rows_removed))
        new_files = [e.path for entries in replaced_by.values() for e in entries]
        if new_files:
            kept_index = kept_index.unionByName(index_of(read_shards(self.spark, snap, new_files)))
        kept_index.repartition(1).write.parquet(str(snap / name))
        return name

    def _entry(self, plan: _Plan, replaced_by: dict[str, list[ShardFile]], ledger_files: list[str], revision: int) -> PurgeEntry:
        reasons: dict[str, int] = {}
        detail = []
        for p in plan.rewritten:
            rows, authors = plan.affected[p]
            reasons[OBJECTED] = reasons.get(OBJECTED, 0) + rows
            detail.append({"path": p, "reason": OBJECTED, "rows_removed": rows, "authors": authors, "replaced_by": [e.path for e in replaced_by[p]]})
        for s in plan.held:
            reasons[GEO_BLOCKED] = reasons.get(GEO_BLOCKED, 0) + s.rows
            detail.append({"path": s.path, "reason": GEO_BLOCKED, "country": s.partition_country, "rows_removed": s.rows, "authors": None, "replaced_by": []})
        return PurgeEntry(
            purge_id=self.purge_id,
            revision=revision,
            purged_at=self.now.isoformat(),
            rows_removed=reasons,
            shards=detail,
            replaced=sorted(plan.rows_removed),
            retain_until=(self.now + dt.timedelta(hours=self.settings.retention_hours)).isoformat(),
            ledger_files=ledger_files,
            previous_manifest_sha256=plan.manifest_sha,
            **self.provenance,
        )

    def _write_kept(self, snap: Path, src: DataFrame, hit_authors: DataFrame, paths: list[str], target: Path) -> None:
        """The rows that stay in each affected shard, one output folder per source shard (``sid=<i>``)."""
        declared = _file_schema(snap / paths[0], src.drop("split", "country", "shard").schema)
        sids = self.spark.createDataFrame(list(enumerate(paths)), "sid int, shard string")
        kept = src.join(hit_authors, "author_pid", "left_anti").join(F.broadcast(sids), "shard")
        columns = [_as_declared(F.col(f.name), f.dataType, f.nullable).alias(f.name) for f in declared.fields]
        # All rows of one source shard in one task, so each gets exactly one new file.
        kept.select(*columns, "sid").repartition("sid").write.partitionBy("sid").parquet(str(target))

    # -- the audit log ----------------------------------------------------------------------------------------
    def _audit(self, snap: Path, entry: PurgeEntry, authors_dir: Path) -> None:
        base = audit_log.rows_from_history(self.spark, snap.name, entry, self.provenance).drop("author_pids").withColumn("recovered", F.lit(False))
        if (authors_dir / "_SUCCESS").is_file():
            authors = self.spark.read.parquet(str(authors_dir)).withColumnRenamed("shard", "_shard")
            base = base.join(authors, base["shard"] == authors["_shard"], "left").drop("_shard")
        else:
            base = base.withColumn("author_pids", F.lit(None).cast("array<string>"))
        audit_log.append(self.spark, self.root, base)

    def _recover_audit(self, snap: Path, manifest: Manifest) -> None:
        """Write audit rows for purges whose manifest switch happened but whose audit append did not."""
        if not manifest.history:
            return
        done = audit_log.audited_purge_ids(self.spark, self.root, snap.name)
        for entry in manifest.history:
            if entry.purge_id not in done:
                log.warning("%s: audit rows of purge %s were missing; rebuilt from the manifest", snap.name, entry.purge_id)
                audit_log.append(self.spark, self.root, audit_log.rows_from_history(self.spark, snap.name, entry, self.provenance))


def _detectors_for_card(config: Config):
    """The detectors file, for the card's list of detectors in force; None (the card says n/a) when it cannot be read."""
    from postcurate.pii import load_detectors

    try:
        return load_detectors(config.detectors)
    except (ConfigError, OSError, UnicodeDecodeError):
        return None


DOCUMENTS = (layout.CARD, f"{layout.REPORT_DIR}/{REPORT_HTML}", f"{layout.REPORT_DIR}/{REPORT_JSON}")


def rewrite_documents(snapshot_dir: Path, manifest: Manifest, scratch: Path, *, geo=None, detectors=None) -> None:
    """Rewrite the dataset card (``README.md``) and the reviewer's report (``report/``) from ``manifest``, the
    revision just made current, each file replaced atomically (the report is rendered into ``scratch`` first).

    They follow the manifest switch, so they never describe a revision that is not published; a purge that dies in
    between leaves them older than the manifest, and the next purge or gc rewrites them (``refresh_documents``).
    """
    rendered = report.write_report(Path(scratch) / layout.REPORT_DIR, manifest).parent
    (snapshot_dir / layout.REPORT_DIR).mkdir(exist_ok=True)
    for file in sorted(rendered.iterdir()):
        os.replace(file, snapshot_dir / layout.REPORT_DIR / file.name)
    write_card(snapshot_dir, manifest, geo=geo, detectors=detectors)


def refresh_documents(snapshot_dir: Path, config: Config) -> bool:
    """Rewrite the card and the report of a purged snapshot when one of them is older than its manifest (a purge
    died between the manifest switch and the documents, or purged with a version that did not rewrite them)."""
    snapshot_dir = Path(snapshot_dir)
    manifest = Manifest.read(snapshot_dir)
    if manifest.current_revision == 0:
        return False  # as published: the card and the report were written with the manifest
    switched = (snapshot_dir / layout.MANIFEST).stat().st_mtime_ns
    stale = [d for d in DOCUMENTS if not (snapshot_dir / d).is_file() or (snapshot_dir / d).stat().st_mtime_ns < switched]
    if not stale:
        return False
    log.warning("%s: %s older than revision %d; rewritten", snapshot_dir.name, ", ".join(stale), manifest.current_revision)
    scratch = snapshot_dir / layout.PURGE_STAGING / f"documents-{uuid.uuid4().hex[:8]}"
    try:
        geo = load_geo_rules(config.geo_rules)
    except ConfigError:
        geo = None  # the card then reads the rules from the path the manifest records
    try:
        rewrite_documents(snapshot_dir, manifest, scratch, geo=geo, detectors=_detectors_for_card(config))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return True


def purge(
    spark: SparkSession,
    config: Config,
    *,
    key: bytes,
    snapshot_ids: list[str] | None = None,
    now: dt.datetime | None = None,
) -> PurgeResult:
    """Remove, from published snapshots, the rows of authors who object now and of countries under a hold now.

    ``snapshot_ids`` None purges every published snapshot under the config's output root.

    >>> result = purge(spark, config, key=config.key())
    >>> [(s.snapshot_id, s.revision, s.rows_removed) for s in result.snapshots if s.changed]
    """
    now = now or utc_now()
    root = Path(config.output_root)
    snapshots = select_snapshots(root, snapshot_ids)
    fingerprint = key_fingerprint(key)
    for snap in snapshots:
        recorded = Manifest.read(snap).identity().key_fingerprint
        if recorded != fingerprint:
            raise KeyMismatchError(
                f"snapshot {snap.name} was made with a different pseudonymisation key (fingerprint {recorded or 'missing'}, "
                f"this run's key {fingerprint}); set {config.key_env} to the key it was built with"
            )
    purge_id = new_purge_id(now)
    purger = _Purger(spark, config, key, now, purge_id)
    try:
        garbage: list[str] = []
        outcomes = []
        for snap in snapshots:
            refresh_documents(snap, config)  # documents a purge that died after its switch left behind the manifest
            garbage += [f"{snap.name}/{g}" for g in collect_garbage(snap, now)]
            outcomes.append(purger.purge_snapshot(snap))
            garbage += [f"{snap.name}/{g}" for g in collect_garbage(snap, now)]
        return PurgeResult(purge_id, outcomes, garbage)
    finally:
        purger.close()


def gc(config: Config, *, now: dt.datetime | None = None) -> list[str]:
    """Only remove what has expired or was left by interrupted purges, in every published snapshot."""
    now = now or utc_now()
    removed = []
    for snapshot_id in layout.published_snapshots(Path(config.output_root)):
        snap = layout.snapshot_dir(config.output_root, snapshot_id)
        refresh_documents(snap, config)
        removed += [f"{snap.name}/{g}" for g in collect_garbage(snap, now)]
    return removed
