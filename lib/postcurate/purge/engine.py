"""Purging published snapshots: objections and regulators' holds that arrived after a snapshot was published.

For each published snapshot: find the shards holding rows of objectors (through the author index) and the country
partitions no geo rule covers any more, write new shard files without those rows, check them, and publish a new
manifest revision atomically. Shards that held none of those rows are not touched (same files, same checksums).
The files a revision replaces are removed once its retention has passed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StructType

import postcurate
from postcurate import report
from postcurate.card import CARD, write_card
from postcurate.config import Config, PurgeSettings
from postcurate.errors import PostcurateError, QualityGateError
from postcurate.lake import read_pinned
from postcurate.manifest import (
    by_country_split,
    describe_shard,
    primary_language,
    sha256_file,
    tally,
)
from postcurate.pseudonyms import Pseudonyms, key_fingerprint, keyed_pseudonyms
from postcurate.publish import write_empty_shards
from postcurate.purge import audit as audit_log
from postcurate.purge.checks import Rewrite, check_rewritten
from postcurate.purge.index import (
    INDEX_DIR,
    build_author_index,
    index_of,
    read_shards,
    read_valid_index,
    shard_relative_path,
)
from postcurate.purge.revisions import (
    MANIFEST,
    PURGE_FILE_PREFIX,
    STAGING_DIR,
    collect_garbage,
    new_purge_id,
    publish_revision,
    published_snapshots,
    read_manifest,
    revision_of,
)
from postcurate.report import REPORT_HTML, REPORT_JSON
from postcurate.rules.eligibility import objectors
from postcurate.rules.geo import load_geo_rules

log = logging.getLogger("postcurate.purge")

# Test hook: seconds to sleep after the new files are in place and before the manifest is switched, so a test can
# kill the process exactly there. Never set in production.
PAUSE_ENV = "POSTCURATE_PURGE_PAUSE_AFTER_WRITE"
PAUSE_MARKER = "purge: paused before the manifest switch"


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


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _naive_utc(ts: dt.datetime) -> dt.datetime:
    return ts.astimezone(dt.timezone.utc).replace(tzinfo=None)


def objector_pids(objections: DataFrame, now: dt.datetime, pseudonyms: Pseudonyms) -> DataFrame:
    """Pseudonyms (``author_pid``) of every author with an objection in effect at ``now`` (one row each)."""
    return objections.transform(objectors, _naive_utc(now)).select(pseudonyms.author(F.col("author_id")).alias("author_pid"))


def select_snapshots(output_root: Path, snapshot_ids: list[str] | None) -> list[Path]:
    """The snapshots to purge: the named ones (each must be published) or every published one."""
    published = published_snapshots(output_root)
    if not snapshot_ids:
        return published
    by_id = {p.name: p for p in published}
    missing = [s for s in snapshot_ids if s not in by_id]
    if missing:
        raise SnapshotNotFoundError(
            f"no published snapshot {', '.join(missing)} under {Path(output_root) / 'snapshots'}"
            + (f"; published: {', '.join(sorted(by_id))}" if by_id else "; nothing is published there")
        )
    return [by_id[s] for s in snapshot_ids]


def _country(entry: dict) -> str | None:
    if entry.get("country"):
        return entry["country"]
    for part in Path(entry["path"]).parts:
        if part.startswith("country="):
            return part.split("=", 1)[1]
    return None


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
    if name == "map" and not dtype.valueContainsNull:
        col = F.transform_values(col, lambda _k, v: _as_declared(v, dtype.valueType, False))
    elif name == "array" and not dtype.containsNull:
        col = F.transform(col, lambda v: _as_declared(v, dtype.elementType, False))
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


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print(PAUSE_MARKER, file=sys.stderr, flush=True)
        time.sleep(float(seconds))


class _Purger:
    """One purge run over some snapshots; keeps what every snapshot needs (objectors, holds, provenance)."""

    def __init__(self, spark: SparkSession, config: Config, key: bytes, now: dt.datetime, purge_id: str):
        self.spark, self.config, self.now, self.purge_id = spark, config, now, purge_id
        self.root = Path(config.output_root)
        self.settings = purge_settings(config)
        pseudonyms = keyed_pseudonyms(spark, key)
        self.fingerprint = pseudonyms.fingerprint
        geo = load_geo_rules(config.geo_rules)
        self.allowed = geo.in_effect(now)
        objections = read_pinned(spark, "objections", config.inputs.objections)
        self.objectors = objector_pids(objections.df, now, pseudonyms).persist(StorageLevel.MEMORY_AND_DISK)
        self.provenance = {
            "objections_version": objections.version,
            "geo_rules_sha256": geo.sha256,
            "key_fingerprint": self.fingerprint,
            "code_version": postcurate.__version__,
        }

    def close(self) -> None:
        self.objectors.unpersist()

    # -- the author index -------------------------------------------------------------------------------------
    def _index(self, snap: Path, manifest: dict) -> tuple[DataFrame, str]:
        """The snapshot's current author index, built first when it is missing or stale."""
        shards = manifest["shards"]
        name = manifest.get("author_index", INDEX_DIR)
        index = read_valid_index(self.spark, snap, name, shards)
        if index is not None:
            return index, name
        if "author_index" in manifest:
            name = f"{INDEX_DIR}.{self.purge_id}"  # the named one belongs to a revision: never rewrite it
        else:
            shutil.rmtree(snap / name, ignore_errors=True)  # unreferenced and unusable
        log.info("%s: building the author index (%d shards)", snap.name, len(shards))
        build_author_index(self.spark, snap, [s["path"] for s in shards if s.get("rows", 1) > 0], snap / name)
        return self.spark.read.parquet(str(snap / name)), name

    # -- one snapshot -----------------------------------------------------------------------------------------
    def purge_snapshot(self, snap: Path) -> SnapshotOutcome:
        manifest, manifest_sha = read_manifest(snap)
        self._recover_audit(snap, manifest)
        shards: list[dict] = manifest["shards"]
        revision = revision_of(manifest)
        # The zero-row files of a snapshot with no row belong to no country: nothing there to hold.
        holds = sorted({c for c in map(_country, shards) if c is not None and c not in self.allowed})
        held = [s for s in shards if _country(s) in holds]
        held_paths = {s["path"] for s in held}

        index, index_name = self._index(snap, manifest)
        hits = index.join(self.objectors, "author_pid", "left_semi").where(~F.col("shard").isin(*held_paths) if held_paths else F.lit(True))
        # One row per affected shard file: bounded by the number of shards, not by data.
        affected = {
            r["shard"]: (int(r["rows"]), int(r["authors"]))
            for r in hits.groupBy("shard").agg(F.sum("rows").alias("rows"), F.countDistinct("author_pid").alias("authors")).collect()
        }
        if not held and not affected:
            return SnapshotOutcome(snap.name, revision, False, shards_untouched=len(shards))

        new_revision = revision + 1
        staging = snap / STAGING_DIR / self.purge_id
        shutil.rmtree(staging, ignore_errors=True)
        by_path = {s["path"]: s for s in shards}
        rewritten_paths = sorted(affected)
        hit_authors = hits.select("author_pid").distinct()

        # Rows that go: objectors' rows in affected shards, every row of held shards. They become ledger rows.
        gone_parts = []
        if rewritten_paths:
            src = read_shards(self.spark, snap, rewritten_paths).withColumn("shard", shard_relative_path(F.col("_metadata.file_path")))
            gone_parts.append(src.join(hit_authors, "author_pid", "left_semi").withColumn("reason", F.lit("objected")))
            self._write_kept(snap, src, hit_authors, rewritten_paths, staging / "shards")
        if held:
            held_rows = read_shards(self.spark, snap, sorted(held_paths)).withColumn("shard", shard_relative_path(F.col("_metadata.file_path")))
            gone_parts.append(held_rows.withColumn("reason", F.lit("geo_blocked")))
        gone = gone_parts[0]
        for part in gone_parts[1:]:
            gone = gone.unionByName(part)
        gone = gone.persist(StorageLevel.MEMORY_AND_DISK)  # read three times below; grows with removed rows only
        try:
            gone.select("post_pid", "author_pid", "reason").write.parquet(str(staging / "ledger"))
            gone.where(F.col("reason") == "objected").groupBy("shard").agg(
                F.sort_array(F.collect_set("author_pid")).alias("author_pids")
            ).write.parquet(str(staging / "authors"))
            langs_removed = {r["lang"]: int(r["count"]) for r in gone.groupBy(primary_language(F.col("lang")).alias("lang")).count().collect()}
            pii_removed = {
                r["type"]: int(r["n"])
                for r in gone.select(F.explode("pii_counts").alias("type", "count")).groupBy("type").agg(F.sum("count").alias("n")).collect()
            }
        finally:
            gone.unpersist()

        # Move the new files into place (new names; nothing existing is overwritten).
        replaced_by: dict[str, list[dict]] = {}
        for i, path in enumerate(rewritten_paths):
            folder = staging / "shards" / f"sid={i}"
            files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
            entries = []
            for j, file in enumerate(files):
                target = (snap / path).parent / f"{PURGE_FILE_PREFIX}{self.purge_id}-{i:05d}-{j:03d}.snappy.parquet"
                os.rename(file, target)
                rel = str(target.relative_to(snap))
                entries.append(
                    by_path[path] | {"path": rel, "rows": pq.read_metadata(target).num_rows, "bytes": target.stat().st_size, "sha256": sha256_file(target)}
                )
            replaced_by[path] = entries
        ledger_files = []
        (snap / "ledger").mkdir(exist_ok=True)
        for j, file in enumerate(sorted((staging / "ledger").glob("*.parquet"))):
            target = snap / "ledger" / f"{PURGE_FILE_PREFIX}{self.purge_id}-{j:05d}.snappy.parquet"
            os.rename(file, target)
            ledger_files.append(str(target.relative_to(snap)))

        rows_removed = {p: affected[p][0] for p in rewritten_paths} | {s["path"]: s["rows"] for s in held}
        new_shards = [s for s in shards if s["path"] not in rows_removed] + [e for p in rewritten_paths for e in replaced_by[p]]
        if not new_shards:
            # Every row went: like a build that keeps none, the snapshot holds a zero-row file per split, so readers
            # still find its columns (the columns of the files it replaces).
            columns = read_shards(self.spark, snap, [shards[0]["path"]])
            name = f"{PURGE_FILE_PREFIX}{self.purge_id}-empty.snappy.parquet"
            files = write_empty_shards(columns, snap / "shards", name, scratch=staging / "empty")
            new_shards = [describe_shard(snap / "shards", f) for f in files]
        new_shards.sort(key=lambda s: s["path"])

        # The index of the new revision: unchanged shards keep their rows, rewritten ones are indexed afresh.
        new_index_name = f"{INDEX_DIR}.r{new_revision}"
        shutil.rmtree(snap / new_index_name, ignore_errors=True)
        kept_index = index.where(~F.col("shard").isin(*rows_removed))
        new_files = [e["path"] for entries in replaced_by.values() for e in entries]
        if new_files:
            kept_index = kept_index.unionByName(index_of(read_shards(self.spark, snap, new_files)))
        kept_index.repartition(1).write.parquet(str(snap / new_index_name))

        reasons: dict[str, int] = {}
        detail = []
        for p in rewritten_paths:
            reasons["objection"] = reasons.get("objection", 0) + affected[p][0]
            detail.append(
                {"path": p, "reason": "objection", "rows_removed": affected[p][0], "authors": affected[p][1], "replaced_by": [e["path"] for e in replaced_by[p]]}
            )
        for s in held:
            reason = f"hold:{_country(s)}"
            reasons[reason] = reasons.get(reason, 0) + s["rows"]
            detail.append({"path": s["path"], "reason": reason, "rows_removed": s["rows"], "authors": None, "replaced_by": []})
        retain_until = self.now + dt.timedelta(hours=self.settings.retention_hours)
        entry = {
            "purge_id": self.purge_id,
            "revision": new_revision,
            "purged_at": self.now.isoformat(),
            "rows_removed": reasons,
            "shards": detail,
            "replaced": sorted(rows_removed),
            "retain_until": retain_until.isoformat(),
            "ledger_files": ledger_files,
            "previous_manifest_sha256": manifest_sha,
            **self.provenance,
        }
        new_manifest = _revised(manifest, new_shards, reasons, pii_removed, langs_removed, entry, new_index_name)

        rewrite = Rewrite(snap, manifest, new_manifest, replaced_by, rows_removed, holds, self.objectors)
        failures = check_rewritten(self.spark, rewrite)
        if failures:
            collect_garbage(snap, self.now)  # the new files belong to no revision: remove them
            raise QualityGateError(f"purge of snapshot {snap.name} failed its checks; nothing changed: " + "; ".join(failures))

        publish_revision(snap, new_manifest, before_replace=_pause_for_tests)
        log.info("%s: revision %d published (%s)", snap.name, new_revision, ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
        rewrite_documents(snap, new_manifest, self.config, staging)
        self._audit(snap, new_manifest, entry, staging / "authors")
        shutil.rmtree(snap / STAGING_DIR, ignore_errors=True)
        return SnapshotOutcome(
            snap.name,
            new_revision,
            True,
            rows_removed=reasons,
            shards_rewritten=len(rewritten_paths),
            shards_dropped=len(held),
            shards_untouched=len(shards) - len(rows_removed),
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
    def _audit(self, snap: Path, manifest: dict, entry: dict, authors_dir: Path) -> None:
        base = audit_log.rows_from_history(self.spark, snap.name, entry, self.provenance).drop("author_pids").withColumn("recovered", F.lit(False))
        if (authors_dir / "_SUCCESS").is_file():
            authors = self.spark.read.parquet(str(authors_dir)).withColumnRenamed("shard", "_shard")
            base = base.join(authors, base["shard"] == authors["_shard"], "left").drop("_shard")
        else:
            base = base.withColumn("author_pids", F.lit(None).cast("array<string>"))
        audit_log.append(self.spark, self.root, base)

    def _recover_audit(self, snap: Path, manifest: dict) -> None:
        """Write audit rows for purges whose manifest switch happened but whose audit append did not."""
        history = manifest.get("purges") or []
        if not history:
            return
        done = audit_log.audited_purge_ids(self.spark, self.root, snap.name)
        for entry in history:
            if entry.get("purge_id") not in done:
                log.warning("%s: audit rows of purge %s were missing; rebuilt from the manifest", snap.name, entry.get("purge_id"))
                audit_log.append(self.spark, self.root, audit_log.rows_from_history(self.spark, snap.name, entry, self.provenance))


def _revised(
    manifest: dict,
    shards: list[dict],
    reasons: dict[str, int],
    pii_removed: dict[str, int],
    langs_removed: dict[str, int],
    entry: dict,
    index_name: str,
) -> dict:
    """The next manifest revision: the new shard list, counts that still reconcile, and the purge history."""
    m = copy.deepcopy(manifest)
    m["shards"] = shards
    m["revision"] = entry["revision"]
    m["revised_at"] = entry["purged_at"]
    m["author_index"] = index_name
    m["purges"] = list(m.get("purges") or []) + [entry]
    counts = m.get("counts")
    removed = sum(reasons.values())
    objected = reasons.get("objection", 0)
    held = removed - objected
    if isinstance(counts, dict):
        # Purged posts move from "kept" to "excluded" with the contract's reason, and the ledger gets their rows,
        # so posts_read = kept + excluded + quarantined still holds.
        if isinstance(counts.get("kept"), int):
            counts["kept"] = sum(s["rows"] for s in shards)
        if isinstance(counts.get("excluded"), int):
            counts["excluded"] += removed
        by_reason = counts.get("by_reason")
        if isinstance(by_reason, dict):
            by_reason["objected"] = by_reason.get("objected", 0) + objected
            by_reason["geo_blocked"] = by_reason.get("geo_blocked", 0) + held
        for key, field_ in (("by_country", "country"), ("by_split", "split")):
            if isinstance(counts.get(key), dict):
                counts[key] = tally(shards, field_)
        if isinstance(counts.get("by_country_split"), dict):
            counts["by_country_split"] = by_country_split(shards)
        if isinstance(counts.get("by_lang"), dict):
            left = {k: v - langs_removed.get(k, 0) for k, v in counts["by_lang"].items() if v - langs_removed.get(k, 0) > 0}
            counts["by_lang"] = dict(sorted(left.items(), key=lambda kv: (-kv[1], kv[0])))
        purged = dict(counts.get("purged") or {})
        for reason, n in reasons.items():
            purged[reason] = purged.get(reason, 0) + n
        counts["purged"] = dict(sorted(purged.items()))
    if isinstance(m.get("pii_redactions"), dict):
        m["pii_redactions"] = {k: v - pii_removed.get(k, 0) for k, v in m["pii_redactions"].items() if v - pii_removed.get(k, 0) > 0}
    return m


DOCUMENTS = (CARD, f"report/{REPORT_HTML}", f"report/{REPORT_JSON}")


def rewrite_documents(snapshot_dir: Path, manifest: dict, config: Config, scratch: Path) -> None:
    """Rewrite the dataset card (``README.md``) and the reviewer's report (``report/``) from ``manifest``, the
    revision just made current, each file replaced atomically (the report is rendered into ``scratch`` first).

    They follow the manifest switch, so they never describe a revision that is not published; a purge that dies in
    between leaves them older than the manifest, and the next purge or gc rewrites them (``refresh_documents``).
    """
    rendered = report.write_report(Path(scratch) / "report", manifest).parent
    (snapshot_dir / "report").mkdir(exist_ok=True)
    for file in sorted(rendered.iterdir()):
        os.replace(file, snapshot_dir / "report" / file.name)
    write_card(snapshot_dir, manifest, config)


def refresh_documents(snapshot_dir: Path, config: Config) -> bool:
    """Rewrite the card and the report of a purged snapshot when one of them is older than its manifest (a purge
    died between the manifest switch and the documents, or purged with a version that did not rewrite them)."""
    snapshot_dir = Path(snapshot_dir)
    manifest, _ = read_manifest(snapshot_dir)
    if revision_of(manifest) == 0:
        return False  # as published: the card and the report were written with the manifest
    switched = (snapshot_dir / MANIFEST).stat().st_mtime_ns
    stale = [d for d in DOCUMENTS if not (snapshot_dir / d).is_file() or (snapshot_dir / d).stat().st_mtime_ns < switched]
    if not stale:
        return False
    log.warning("%s: %s older than revision %d; rewritten", snapshot_dir.name, ", ".join(stale), revision_of(manifest))
    scratch = snapshot_dir / STAGING_DIR / f"documents-{uuid.uuid4().hex[:8]}"
    try:
        rewrite_documents(snapshot_dir, manifest, config, scratch)
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
        recorded = read_manifest(snap)[0].get("key_fingerprint")
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
    for snap in published_snapshots(Path(config.output_root)):
        refresh_documents(snap, config)
        removed += [f"{snap.name}/{g}" for g in collect_garbage(snap, now)]
    return removed
