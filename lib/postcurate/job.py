"""The curation job: extract (pinned Delta tables) -> transform (``pipeline``) -> load (a published snapshot).

A snapshot is built in ``<output_root>/_staging/<run_id>`` and becomes visible only by an atomic rename to
``<output_root>/snapshots/<snapshot_id>`` followed by an atomic update of ``<output_root>/LATEST``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import postcurate
from postcurate import manifest as manifests
from postcurate.card import write_card
from postcurate.config import Config
from postcurate.errors import ConfigError
from postcurate.lake import PinnedTable, check_fresh, read_pinned
from postcurate.logs import stage
from postcurate.pii import load_detectors
from postcurate.pipeline import curate, decide
from postcurate.pseudonyms import key_fingerprint
from postcurate.rules.eligibility import REASONS
from postcurate.rules.geo import load_geo_rules

log = logging.getLogger("postcurate.job")


@dataclass
class RunResult:
    snapshot_id: str
    snapshot_path: Path
    published: bool
    counts: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def parse_as_of(value: str | None, now: dt.datetime) -> dt.datetime:
    """The run's cut-off: an ISO timestamp (UTC unless it says otherwise), default now; never in the future."""
    if value is None:
        return now
    try:
        as_of = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--as-of is not an ISO timestamp (e.g. 2025-06-01T00:00:00Z): {value!r}") from None
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=dt.timezone.utc)
    as_of = as_of.astimezone(dt.timezone.utc)
    if as_of > now:
        raise ConfigError(f"--as-of {as_of.isoformat()} is in the future; a snapshot can only be built of the past")
    return as_of


def _naive_utc(ts: dt.datetime) -> dt.datetime:
    # The session runs in UTC; Spark literals from naive datetimes are read in the session's zone.
    return ts.astimezone(dt.timezone.utc).replace(tzinfo=None)


def snapshot_id_for(as_of: dt.datetime, identity: dict) -> str:
    """Same inputs, rules, code and key give the same id: re-running publishes nothing new."""
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:12]
    return f"{as_of:%Y%m%dT%H%M%SZ}-{digest}"


def read_inputs(spark: SparkSession, config: Config) -> dict[str, PinnedTable]:
    with stage("read") as s:
        tables = {name: read_pinned(spark, name, getattr(config.inputs, name)) for name in ("posts", "users", "objections")}
        s.count(**{f"{name}_delta_version": t.version for name, t in tables.items()})
    return tables


def _rows_per_file(kept: DataFrame, target_mb: float) -> int:
    """How many rows make a shard of about ``target_mb``, from the kept rows' average size on disk."""
    avg_text = kept.select(F.avg(F.length("text"))).first()[0] or 0.0
    # Parquet with Snappy stores text at roughly half its length; ids and the other columns add ~60 bytes a row.
    per_row = 0.5 * avg_text + 60.0
    return max(1000, int(target_mb * 1024 * 1024 / per_row))


def run(
    spark: SparkSession,
    config: Config,
    *,
    key: bytes,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> RunResult:
    """Build, check and publish one snapshot as of ``as_of`` (default: now)."""
    now = now or utc_now()
    as_of = as_of or now
    geo = load_geo_rules(config.geo_rules)
    detectors = load_detectors(config.detectors)
    tables = read_inputs(spark, config)
    check_fresh(tables["objections"], config.rules.objections_max_staleness_hours, now)

    identity = {
        "as_of": as_of.isoformat(),
        "inputs": {n: t.version for n, t in tables.items()},
        "paths": {n: t.path for n, t in tables.items()},
        "geo_rules_sha256": geo.sha256,
        "detectors_sha256": hashlib.sha256(config.detectors.read_bytes()).hexdigest(),
        "rules": config.rules.__dict__,
        "output": config.output.__dict__,
        "code_version": postcurate.__version__,
        "key_fingerprint": key_fingerprint(key),
    }
    snapshot_id = snapshot_id_for(as_of, identity)
    root = Path(config.output_root)
    published = root / "snapshots" / snapshot_id
    if (published / "manifest.json").is_file():
        log.info("snapshot %s already published; nothing new", snapshot_id)
        return RunResult(snapshot_id, published, False, manifest=json.loads((published / "manifest.json").read_text()))

    cutoff = _naive_utc(as_of)
    decided = decide(
        tables["posts"].df, tables["users"].df, tables["objections"].df, as_of=cutoff, geo=geo, rules=config.rules, key=key
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        with stage("decide") as st:  # materialises the cache the writes below read from
            posts_read = decided.count()
            st.count(posts_read=posts_read)
        with stage("write"):
            curated = curate(decided, detectors=detectors, rules=config.rules, output=config.output)
            staging = root / "_staging" / f"{snapshot_id}-{uuid.uuid4().hex[:8]}"
            staging.mkdir(parents=True)
            rows_per_file = _rows_per_file(curated.shards, config.output.shard_target_mb)
            (
                curated.shards.repartition("split", "country")
                .write.option("maxRecordsPerFile", rows_per_file)
                .partitionBy("split", "country")
                .parquet(str(staging / "shards"))
            )
            curated.ledger.write.parquet(str(staging / "ledger"))
            curated.quarantine.write.parquet(str(staging / "quarantine"))
    finally:
        decided.unpersist()

    with stage("manifest") as st:
        ledger = spark.read.parquet(str(staging / "ledger"))
        by_reason = {r: 0 for r in REASONS}
        by_reason.update({row["reason"]: row["count"] for row in ledger.groupBy("reason").count().collect()})
        by_reason["invalid"] = spark.read.parquet(str(staging / "quarantine")).count()
        shard_files = manifests.describe_shards(staging / "shards")
        kept = sum(s["rows"] for s in shard_files)
        pii_totals = {
            row["type"]: int(row["n"])
            for row in spark.read.parquet(str(staging / "shards"))
            .select(F.explode("pii_counts").alias("type", "count"))
            .groupBy("type")
            .agg(F.sum("count").alias("n"))
            .collect()
        }
        counts = {
            "posts_read": posts_read,
            "kept": kept,
            "excluded": sum(v for r, v in by_reason.items() if r != "invalid"),
            "quarantined": by_reason["invalid"],
            "by_reason": by_reason,
        }
        manifest = manifests.build(
            snapshot_id=snapshot_id,
            as_of=as_of,
            created_at=now,
            tables=tables,
            geo=geo,
            config=config,
            key_fp=identity["key_fingerprint"],
            shards=shard_files,
            counts=counts,
            pii_totals=pii_totals,
        )
        if counts["posts_read"] != counts["kept"] + counts["excluded"] + counts["quarantined"]:
            # Our own invariant: a post lost or counted twice is a bug, never published.
            raise RuntimeError(f"reconciliation failed: {counts}")
        st.count(kept=counts["kept"], excluded=counts["excluded"], quarantined=counts["quarantined"], shard_files=len(shard_files))
        manifests.write(staging, manifest)
        write_card(staging, manifest, config)  # the dataset card (README.md), from the manifest and the rules in force
    with stage("publish"):
        publish(root, staging, snapshot_id)
    return RunResult(snapshot_id, published, True, counts=counts, manifest=manifest)


def publish(root: Path, staging: Path, snapshot_id: str) -> Path:
    """Make a complete staged snapshot visible: rename it into place, then point LATEST at it (both atomic)."""
    target = root / "snapshots" / snapshot_id
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staging, target)
    pointer = root / f".LATEST.{uuid.uuid4().hex[:8]}"
    pointer.write_text(snapshot_id + "\n")
    os.replace(pointer, root / "LATEST")
    with contextlib.suppress(OSError):  # other runs' staging may still be there; leave it
        (root / "_staging").rmdir()
    return target
