"""The author index of a published snapshot: which shard files hold each pseudonymous author's rows.

A small Parquet table beside the shards (``author_index/``: ``author_pid``, ``shard``, ``rows``), so a purge finds
the shards an objection touches with one join instead of a scan of every shard. ``shard`` is the path relative to the
snapshot folder, exactly as the manifest lists it.

The index is checked against the manifest before use: it must name exactly the manifest's shard files. Rewritten
shards get new names, so an index left from an earlier revision (or an interrupted purge) never passes for current.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from postcurate.snapshot import ShardFile, layout

INDEX_DIR = layout.AUTHOR_INDEX

# The part of a file URI that the manifest lists: shards/split=<s>/country=<CC>/<file>. The last match wins, so an
# output root that itself contains "shards/" in its path does not confuse it.
_SHARD_PATH = r"^.*/(shards/[^/]+=[^/]+/[^/]+=[^/]+/[^/]+)$"


def shard_relative_path(file_uri):
    """The manifest's relative shard path of a Spark file URI column (``_metadata.file_path``)."""
    return F.regexp_extract(file_uri, _SHARD_PATH, 1)


def index_of(shards: DataFrame) -> DataFrame:
    """Index rows (``author_pid``, ``shard``, ``rows``) of shard rows read with their ``_metadata`` column.

    >>> index_of(spark.read.parquet(*files))
    """
    return (
        shards.select("author_pid", shard_relative_path(F.col("_metadata.file_path")).alias("shard"))
        .groupBy("author_pid", "shard")
        .agg(F.count(F.lit(1)).alias("rows"))
    )


def read_shards(spark: SparkSession, snapshot_dir: Path, paths: list[str], schema: StructType | None = None) -> DataFrame:
    """The rows of the given shard files (relative paths), with partition columns ``split`` and ``country``.

    ``schema``: the files' columns when known (the frame the job just wrote), which spares the Spark job that reads
    it from a footer."""
    snapshot_dir = Path(snapshot_dir)
    reader = spark.read.option("basePath", str(snapshot_dir / "shards"))
    if schema is not None:
        reader = reader.schema(schema)
    return reader.parquet(*[str(snapshot_dir / p) for p in paths])


def build_author_index(spark: SparkSession, snapshot_dir: Path, paths: list[str], target: Path, schema: StructType | None = None) -> Path:
    """Write the index of the given shard files to ``target`` (a new folder); ``schema`` as in ``read_shards``."""
    if paths:
        index_of(read_shards(spark, snapshot_dir, paths, schema)).repartition(1).write.mode("overwrite").parquet(str(target))
    else:
        empty_index(spark).write.mode("overwrite").parquet(str(target))
    return target


def empty_index(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame([], "author_pid string, shard string, rows long")


def write_author_index(spark: SparkSession, snapshot_dir: str | Path, shards: list[ShardFile] | None = None, schema: StructType | None = None) -> Path:
    """Write ``<snapshot_dir>/author_index/`` for the shards of a snapshot; call it at publish time, before the manifest.

    ``shards`` are the manifest's shard entries (``path`` relative to ``snapshot_dir``); by default every Parquet file
    under ``<snapshot_dir>/shards`` (the staged snapshot, before any purge). ``schema``: as in ``read_shards``.

    >>> write_author_index(spark, staging)            # in the job, after the shards are written
    >>> manifest = Manifest.build(...)                # then the manifest, last
    """
    snapshot_dir = Path(snapshot_dir)
    if shards is None:
        paths = sorted(str(p.relative_to(snapshot_dir)) for p in (snapshot_dir / "shards").rglob("*.parquet"))
    else:
        paths = [s.path for s in shards]
    return build_author_index(spark, snapshot_dir, paths, snapshot_dir / INDEX_DIR, schema)


def read_valid_index(spark: SparkSession, snapshot_dir: Path, index_dir: str, shards: list[ShardFile]) -> DataFrame | None:
    """The index at ``index_dir`` if it names exactly the manifest's (non-empty) shard files; None otherwise."""
    folder = Path(snapshot_dir) / index_dir
    if not (folder / "_SUCCESS").is_file():
        return None
    index = spark.read.parquet(str(folder))
    if set(index.columns) != {"author_pid", "shard", "rows"}:
        return None
    indexed = {r["shard"] for r in index.select("shard").distinct().collect()}  # one row per shard file, not per post
    expected = {s.path for s in shards if s.rows > 0}
    return index if indexed == expected else None
