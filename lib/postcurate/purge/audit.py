"""The purge audit log: an append-only Delta table at ``<output_root>/audit``.

One row per (purge, snapshot, shard, reason): when, which snapshot and revision, which shard file was replaced (and
by which), how many rows went, why (the ledger's reasons: ``objected`` or ``geo_blocked``), and the pseudonymous ids
of the authors whose rows went (objections only; a geo block is about a country, named by the shard's folder).
Pseudonymous ids only: the raw ids never reach this table. Rows the first purges wrote with their own words
(``objection``, ``hold:<CC>``) are read in the ledger's (``read_audit``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate.snapshot import PurgeEntry, layout

AUDIT_DIR = layout.AUDIT_LOG

AUDIT_SCHEMA = (
    "purge_id string, purged_at timestamp, snapshot_id string, revision int, reason string, shard string, "
    "replaced_by array<string>, rows_removed long, authors long, author_pids array<string>, "
    "objections_version long, geo_rules_sha256 string, key_fingerprint string, code_version string, recovered boolean"
)
COLUMNS = [part.strip().split(" ")[0] for part in AUDIT_SCHEMA.split(",")]


def audit_path(output_root: str | Path) -> str:
    return str(Path(output_root) / AUDIT_DIR)


def append(spark: SparkSession, output_root: str | Path, rows: DataFrame) -> None:
    """Append audit rows (one Delta commit). ``rows`` must have the audit columns."""
    rows.select(*COLUMNS).write.format("delta").mode("append").save(audit_path(output_root))


def read_audit(spark: SparkSession, output_root: str | Path) -> DataFrame | None:
    """The audit log, or None when no purge has ever written to it."""
    from delta.tables import DeltaTable

    path = audit_path(output_root)
    if not Path(path).is_dir() or not DeltaTable.isDeltaTable(spark, path):
        return None
    reason = F.col("reason")
    in_ledger_words = F.when(reason == "objection", F.lit("objected")).when(reason.startswith("hold:"), F.lit("geo_blocked")).otherwise(reason)
    return spark.read.format("delta").load(path).withColumn("reason", in_ledger_words)


def audited_purge_ids(spark: SparkSession, output_root: str | Path, snapshot_id: str) -> set[str]:
    audit = read_audit(spark, output_root)
    if audit is None:
        return set()
    # One row per purge of this snapshot: bounded by the number of purges, not by data.
    return {r["purge_id"] for r in audit.where(F.col("snapshot_id") == snapshot_id).select("purge_id").distinct().collect()}


def rows_from_history(spark: SparkSession, snapshot_id: str, entry: PurgeEntry, common: dict) -> DataFrame:
    """Audit rows rebuilt from a manifest's ``purges`` entry, for a purge interrupted after its manifest switch.

    The manifest keeps which shards, why and how many rows, but not the authors' ids: those stay null here.
    """
    def provenance(name: str):
        value = getattr(entry, name)
        return common.get(name) if value is None else value

    records = [
        (
            entry.purge_id,
            dt.datetime.fromisoformat(str(entry.purged_at)).astimezone(dt.timezone.utc),  # aware: not read in local time
            snapshot_id,
            int(entry.revision or 0),
            s["reason"],
            s["path"],
            list(s.get("replaced_by") or []),
            int(s["rows_removed"]),
            s.get("authors"),
            None,
            provenance("objections_version"),
            provenance("geo_rules_sha256"),
            provenance("key_fingerprint"),
            provenance("code_version"),
            True,
        )
        for s in entry.shards or []
    ]
    return spark.createDataFrame(records, AUDIT_SCHEMA)


def summary(audit: DataFrame) -> DataFrame:
    """One row per purge, snapshot and reason: what a reviewer reads first."""
    return (
        audit.groupBy("purged_at", "purge_id", "snapshot_id", "revision", "reason")
        .agg(F.count(F.lit(1)).alias("shards"), F.sum("rows_removed").alias("rows_removed"), F.sum("authors").alias("authors"))
        .orderBy("purged_at", "snapshot_id", "reason")
    )
