"""Shard files of a measured size, each a slice of its ``split=/country=`` folder's ``post_pid`` range."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def tidy(folder: Path, keep_success: bool = False) -> None:
    """Remove Spark's side files (checksums, success markers) from a written folder: a snapshot holds data only.

    ``keep_success`` keeps ``_SUCCESS`` markers, for folders whose readers use them (the purge's author index).
    """
    for path in list(Path(folder).rglob("*")):
        if path.is_file() and (path.name.endswith(".crc") or (path.name == "_SUCCESS" and not keep_success)):
            path.unlink()


# Pseudonyms are written plain, not dictionary-encoded: post ids never repeat, and author ids repeat only in a
# partition small enough for an author's posts to share a file, so a dictionary would make a file's bytes per row
# depend on its partition's size, and shard sizes unpredictable.
SHARD_PARQUET_OPTIONS = {"parquet.enable.dictionary#post_pid": "false", "parquet.enable.dictionary#author_pid": "false"}
SIZING_SAMPLE_ROWS = 20_000
SIZING_MAX_ROWS = 500_000


_FILE = "shard_file"


def _key_position(post_pid: Column) -> Column:
    """A post's place in the key range, in [0, 1). Pseudonyms are HMAC-SHA256 digests, uniform over the key space,
    so the first 12 hex digits (48 bits, exact in a double) order posts as ``post_pid`` does and spread them evenly."""
    return F.conv(F.substring(post_pid, 1, 12), 16, 10).cast("double") / float(16**12)


def folder_rows(shards: DataFrame) -> dict[tuple[str, str], int]:
    """Rows per ``split=/country=`` folder: one small aggregate (a row per split and country), read on the driver."""
    return {(r["split"], r["country"]): r["count"] for r in shards.groupBy("split", "country").count().collect()}


def rows_for_target(shards: DataFrame, target_mb: float, scratch: Path, folders: dict[tuple[str, str], int] | None = None) -> int:
    """How many rows make a shard file of about ``target_mb``, measured rather than guessed.

    Samples are taken from the largest ``split=/country=`` partition, where most files are (a file holds one
    partition's rows, and text length varies with the country's languages). A first sample gives a size; a second
    of one file's worth (capped) is measured again, because bytes per row also depend on a file's size (footer,
    the dictionaries of the low-cardinality columns). ``folders``: ``folder_rows(shards)`` when already counted.
    """
    folders = folder_rows(shards) if folders is None else folders
    if not folders:
        return SIZING_SAMPLE_ROWS
    split, country = max(folders, key=lambda k: (folders[k], str(k)))
    partition = shards.where(F.col("split").eqNullSafe(split) & F.col("country").eqNullSafe(country))
    in_folder = folders[(split, country)]
    rows = SIZING_SAMPLE_ROWS
    for _ in range(2):
        whole_folder = rows >= in_folder
        # The first slice of the folder's key range, as its first file will hold: the same rows however the frame
        # is partitioned (a limit takes whichever rows come first, so a cluster and local mode would differ).
        sample = partition.where(_key_position(F.col("post_pid")) < F.lit(rows / in_folder))
        per_row = _bytes_per_row(sample, scratch)
        if per_row is None:
            break
        rows = max(1000, min(SIZING_MAX_ROWS, int(target_mb * 2**20 / per_row)))
        if whole_folder and rows >= in_folder:
            break  # the second sample would be the whole folder again: the same file, the same size
    return rows


def _bytes_per_row(sample: DataFrame, scratch: Path) -> float | None:
    # Ordered as write_shards orders the files: sorted ids compress better than shuffled ones. repartition, not
    # coalesce: the filter that picks the sample then still scans in parallel.
    sample.repartition(1).sortWithinPartitions("post_pid").write.options(**SHARD_PARQUET_OPTIONS).mode("overwrite").parquet(str(scratch))
    try:
        files = list(scratch.glob("*.parquet"))
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        size = sum(f.stat().st_size for f in files)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return size / rows if rows else None


def shard_layout(shards: DataFrame, folders: dict[tuple[str, str], int], rows_per_file: int) -> DataFrame:
    """Shard rows as ``write_shards`` writes them: each with its file number (``shard_file``) within its
    ``split=/country=`` folder, spread over tasks by file and sorted by ``post_pid`` within each.

    A folder's key range is cut into slices of about ``rows_per_file`` rows, in ``post_pid`` order (the last slice
    takes the rest). A rank would need each folder's rows sorted in one task, and a country holding most posts
    would be one long task; a slice of the key range is a plain expression, so every file can have a task of its
    own. A slice holds ``rows_per_file`` rows give or take about its square root (0.3% for 100,000 rows).
    """
    pairs = [F.lit(x) for (split, country), n in sorted(folders.items(), key=str) for x in (f"{split}/{country}", n)]
    # Typed: with no shard rows the map is empty, and an untyped empty map cannot be looked up.
    rows_in_folder = F.create_map(*pairs).cast("map<string,bigint>")[F.concat_ws("/", F.col("split"), F.col("country"))]
    file = F.floor(_key_position(F.col("post_pid")) * rows_in_folder / F.lit(rows_per_file)).cast("int")
    return (
        shards.withColumn(_FILE, F.coalesce(file, F.lit(0)))
        .repartition("split", "country", _FILE)
        .sortWithinPartitions("split", "country", _FILE, "post_pid")
    )


def write_shards(shards: DataFrame, target: Path, rows_per_file: int, folders: dict[tuple[str, str], int] | None = None) -> None:
    """Write shard rows as Parquet partitioned by split and country, deterministically (see ``shard_layout``).

    Files are named ``part-00000.parquet``, ... in slice order, so the same rows always land in the same files in
    the same order, and a folder's files read in name order give its posts in ``post_pid`` order. (Not always the
    same bytes: parquet-mr lists each column chunk's encodings in a JVM-dependent order.) ``folders``:
    ``folder_rows(shards)`` when already counted.
    """
    folders = folder_rows(shards) if folders is None else folders
    if not folders:
        write_empty_shards(shards, target, EMPTY_SHARD, scratch=target.parent / "_empty_shards")
        return
    (
        shard_layout(shards, folders, rows_per_file)
        .write.options(**SHARD_PARQUET_OPTIONS)
        .option("maxRecordsPerFile", 0)  # one file per slice: a session default must not cut it
        .partitionBy("split", "country", _FILE)
        .parquet(str(target))
    )
    # Checksum side files name Spark's file names; they mean nothing after the move.
    tidy(target)
    for folder in sorted({p.parent.parent for p in target.glob(f"*/*/{_FILE}=*/*.parquet")}):
        slices = sorted(folder.glob(f"{_FILE}=*"), key=lambda d: int(d.name.split("=", 1)[1]))
        for i, slice_dir in enumerate(slices):  # numbered from 0 again: a slice with no rows leaves no gap
            files = list(slice_dir.glob("*.parquet"))
            if len(files) != 1:
                raise RuntimeError(f"expected one Parquet file in {slice_dir.relative_to(target)}, Spark wrote {len(files)}")
            files[0].rename(folder / f"part-{i:05d}.parquet")
            slice_dir.rmdir()


EMPTY_SHARD = "part-00000.parquet"


def write_empty_shards(shards: DataFrame, target: Path, name: str, *, scratch: Path) -> list[Path]:
    """For a snapshot that keeps no row: one zero-row file per split, ``<target>/split=<s>/<name>``, with the shard
    columns (``country`` inside the file, as no folder holds it). The files written.

    With no file at all, pyarrow, pandas, DuckDB and Polars cannot tell a snapshot's columns and refuse to read it;
    these files give every reader the columns and no row, read through the manifest like any shard.
    """
    from postcurate import schemas

    empty = shards.where(F.lit(False)).drop("split").coalesce(1)
    written = []
    for split in schemas.load("shard").enum("split"):
        folder = scratch / split
        empty.write.options(**SHARD_PARQUET_OPTIONS).mode("overwrite").parquet(str(folder))  # one file with the schema
        (file,) = folder.glob("*.parquet")
        (target / f"split={split}").mkdir(parents=True, exist_ok=True)
        written.append(file.rename(target / f"split={split}" / name))
    shutil.rmtree(scratch, ignore_errors=True)
    return written
