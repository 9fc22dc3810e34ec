"""The purge audit log: an append-only Delta table at ``<output_root>/audit``.

One row per (purge, snapshot, shard, reason): when, which snapshot and revision, which shard file was replaced (and
by which), how many rows went, why (``objection`` or ``hold:<CC>``), and the pseudonymous ids of the authors whose
rows went (objections only; a hold is about a country). Pseudonymous ids only: the raw ids never reach this table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

AUDIT_DIR = "audit"

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
    return spark.read.format("delta").load(path)


def audited_purge_ids(spark: SparkSession, output_root: str | Path, snapshot_id: str) -> set[str]:
    audit = read_audit(spark, output_root)
    if audit is None:
        return set()
    # One row per purge of this snapshot: bounded by the number of purges, not by data.
    return {r["purge_id"] for r in audit.where(F.col("snapshot_id") == snapshot_id).select("purge_id").distinct().collect()}


def rows_from_history(spark: SparkSession, snapshot_id: str, entry: dict, common: dict) -> DataFrame:
    """Audit rows rebuilt from a manifest's ``purges`` entry, for a purge interrupted after its manifest switch.

    The manifest keeps which shards, why and how many rows, but not the authors' ids: those stay null here.
    """
    records = [
        (
            entry["purge_id"],
            dt.datetime.fromisoformat(entry["purged_at"]).astimezone(dt.timezone.utc),  # aware: not read in local time
            snapshot_id,
            int(entry["revision"]),
            s["reason"],
            s["path"],
            list(s.get("replaced_by") or []),
            int(s["rows_removed"]),
            s.get("authors"),
            None,
            entry.get("objections_version", common.get("objections_version")),
            entry.get("geo_rules_sha256", common.get("geo_rules_sha256")),
            entry.get("key_fingerprint", common.get("key_fingerprint")),
            entry.get("code_version", common.get("code_version")),
            True,
        )
        for s in entry.get("shards", [])
    ]
    return spark.createDataFrame(records, AUDIT_SCHEMA)


def summary(audit: DataFrame) -> DataFrame:
    """One row per purge, snapshot and reason: what a reviewer reads first."""
    return (
        audit.groupBy("purged_at", "purge_id", "snapshot_id", "revision", "reason")
        .agg(F.count(F.lit(1)).alias("shards"), F.sum("rows_removed").alias("rows_removed"), F.sum("authors").alias("authors"))
        .orderBy("purged_at", "snapshot_id", "reason")
    )
