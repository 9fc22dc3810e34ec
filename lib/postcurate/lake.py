"""Reading the input lake: Delta tables at pinned versions, checked against the contract's schemas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.errors import InputError


@dataclass(frozen=True)
class PinnedTable:
    """A Delta table read at one version; the version is recorded in the manifest."""

    name: str
    path: str
    version: int
    committed_at: dt.datetime
    df: DataFrame


def _latest_commit(spark: SparkSession, name: str, path: str) -> tuple[int, dt.datetime]:
    from delta.tables import DeltaTable

    try:
        if not DeltaTable.isDeltaTable(spark, path):
            raise InputError(f"input table '{name}' is not a Delta table (or does not exist) at {path}; check inputs.{name} in the config")
        row = (
            DeltaTable.forPath(spark, path).history(1)
            .select("version", F.col("timestamp").cast("long").alias("epoch")).first()
        )
    except AnalysisException as exc:
        raise InputError(f"input table '{name}' at {path} cannot be read: {exc.getMessage().splitlines()[0]}") from None
    if row is None:
        raise InputError(f"input table '{name}' at {path} has no commits")
    # Epoch seconds: Python datetimes from Spark are in the driver's local zone, which we do not trust.
    return int(row["version"]), dt.datetime.fromtimestamp(row["epoch"], tz=dt.timezone.utc)


def read_pinned(spark: SparkSession, name: str, path: str, version: int | None = None) -> PinnedTable:
    """Read Delta table ``name`` at ``version`` (its newest when None), conformed to the contract's schema.

    >>> posts = read_pinned(spark, "posts", "/lake/posts")
    >>> posts.version, posts.df.columns[:2]
    (12, ['post_id', 'author_id'])
    """
    latest, committed_at = _latest_commit(spark, name, path)
    pinned = latest if version is None else version
    try:
        df = spark.read.format("delta").option("versionAsOf", pinned).load(path)
    except AnalysisException as exc:
        raise InputError(f"input table '{name}' at {path} version {pinned} cannot be read: {exc.getMessage().splitlines()[0]}") from None
    return PinnedTable(name, path, pinned, committed_at, schemas.conform(df, name))


def check_fresh(table: PinnedTable, max_staleness_hours: float, now: dt.datetime) -> None:
    """Stop the run when ``table`` was last written longer ago than allowed (a stale objections feed)."""
    age_hours = (now - table.committed_at).total_seconds() / 3600
    if age_hours > max_staleness_hours:
        raise InputError(
            f"input table '{table.name}' was last updated {age_hours:.1f} hours ago, more than the allowed "
            f"{max_staleness_hours:g} (rules.objections_max_staleness_hours); refresh it before building a snapshot"
        )
