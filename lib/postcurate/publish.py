"""Staged, atomic publishing of snapshots under an output root.

Layout of ``<output_root>``::

    _staging/<snapshot_id>.<run_id>/      a run's work in progress (never read by readers)
    _staging/<snapshot_id>.<run_id>.lock  held (flock) by that run for as long as it lives
    _rejected/<snapshot_id>.<run_id>/     quality results and report of a run the gate rejected (no data)
    snapshots/<snapshot_id>/              published snapshots; complete by construction (see below)
    LATEST                                the id of the newest published snapshot (by cut-off)
    ledger/, quarantine/                  Delta tables, one partition per published snapshot
    .publish.lock                         serialises the publishing step between runs

A snapshot becomes visible in one step: its staging folder, with ``manifest.json`` already inside, is renamed
into ``snapshots/`` (a rename within one file system is atomic), then ``LATEST`` is replaced atomically. A
reader that finds ``snapshots/<id>/manifest.json`` therefore sees the whole snapshot. A run that dies leaves only
its staging folder, which a later run removes once the dead run's lock is free.

The output root must be a local or POSIX file system (rename and flock); object stores need another publisher.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate.errors import InputError, LockedError

log = logging.getLogger("postcurate.publish")

STAGING = "_staging"
REJECTED = "_rejected"
SNAPSHOTS = "snapshots"
LATEST = "LATEST"
MANIFEST = "manifest.json"
AUDIT_TABLES = ("ledger", "quarantine")
PUBLISH_LOCK = ".publish.lock"

_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def new_run_id(now: dt.datetime) -> str:
    """A run's own id: when it started, plus randomness (two runs of one snapshot never share it)."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def snapshot_dir(root: str | Path, snapshot_id: str) -> Path:
    return Path(root) / SNAPSHOTS / snapshot_id


def is_published(root: str | Path, snapshot_id: str) -> bool:
    """A snapshot is published when its folder holds a manifest (written before the folder became visible)."""
    return (snapshot_dir(root, snapshot_id) / MANIFEST).is_file()


def latest(root: str | Path) -> str | None:
    """The id ``LATEST`` points at, or None before the first publication."""
    try:
        return (Path(root) / LATEST).read_text().strip() or None
    except FileNotFoundError:
        return None


def published_snapshots(root: str | Path) -> list[str]:
    """Ids of every published snapshot under ``root`` (the set readers should join the audit tables on)."""
    base = Path(root) / SNAPSHOTS
    return sorted(p.name for p in base.iterdir() if (p / MANIFEST).is_file()) if base.is_dir() else []


def _try_lock(path: Path) -> int | None:
    """Open ``path`` and take an exclusive flock without waiting; the fd, or None when someone holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@dataclass
class Staging:
    """A run's staging folder, locked for the life of the run (the lock dies with the process, even on SIGKILL).

    >>> with Staging.open(root, snapshot_id, run_id) as staging:
    ...     write_shards(shards, staging.path / "shards", rows_per_file)
    """

    root: Path
    snapshot_id: str
    run_id: str
    path: Path
    lock_path: Path
    _fd: int | None = None
    done: bool = False

    @classmethod
    @contextlib.contextmanager
    def open(cls, root: str | Path, snapshot_id: str, run_id: str) -> Iterator["Staging"]:
        for value in (snapshot_id, run_id):
            if not _ID.match(value):
                raise ValueError(f"not a safe id: {value!r}")
        base = Path(root) / STAGING
        base.mkdir(parents=True, exist_ok=True)
        name = f"{snapshot_id}.{run_id}"
        # Lock first, folder second: a cleaner never sees our folder without a held lock beside it.
        lock_path = base / f"{name}.lock"
        fd = _try_lock(lock_path)
        if fd is None:
            raise LockedError(f"staging lock {lock_path} is held by another process")
        staging = cls(Path(root), snapshot_id, run_id, base / name, lock_path, fd)
        staging.path.mkdir()
        try:
            yield staging
        finally:
            # Whatever ended the run (published, rejected, or an error), the staging folder is not needed any more.
            if staging.path.exists():
                shutil.rmtree(staging.path, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()
            _unlock(fd)
            with contextlib.suppress(OSError):  # other runs' staging may still be there; leave it
                base.rmdir()


def clean_stale_staging(root: str | Path, started_before: float) -> list[str]:
    """Remove staging left by dead runs: folders created before ``started_before`` (epoch seconds) whose lock is free.

    A folder whose lock is held belongs to a live run and is left alone; so is anything newer than the current
    run, which cannot be debris of a run that died before ours started. Returns the names removed.
    """
    base = Path(root) / STAGING
    if not base.is_dir():
        return []
    removed = []
    names = {p.name[: -len(".lock")] if p.name.endswith(".lock") else p.name for p in base.iterdir()}
    for name in sorted(names):
        folder, lock_path = base / name, base / f"{name}.lock"
        stamp_of = lock_path if lock_path.exists() else folder
        try:
            if stamp_of.stat().st_mtime >= started_before:
                continue
        except FileNotFoundError:
            continue
        fd = _try_lock(lock_path)
        if fd is None:
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()
        finally:
            _unlock(fd)
        removed.append(name)
    if removed:
        log.info("removed staging left by %d dead run(s)", len(removed))
    return removed


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
    rows = SIZING_SAMPLE_ROWS
    for _ in range(2):
        # The first slice of the folder's key range, as its first file will hold: the same rows however the frame
        # is partitioned (a limit takes whichever rows come first, so a cluster and local mode would differ).
        sample = partition.where(_key_position(F.col("post_pid")) < F.lit(rows / folders[(split, country)]))
        per_row = _bytes_per_row(sample, scratch)
        if per_row is None:
            break
        rows = max(1000, min(SIZING_MAX_ROWS, int(target_mb * 2**20 / per_row)))
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


def append_audit_tables(spark: SparkSession, root: str | Path, staging: Path, *, snapshot_id: str, run_id: str) -> None:
    """Add this snapshot's ledger and quarantine rows to the Delta tables under ``root``, tagged with the ids.

    Each snapshot is one partition written with ``replaceWhere``: a retry after a crash between this step and
    the rename replaces the dead run's rows instead of adding a second copy.
    """
    if not _ID.match(snapshot_id):
        raise ValueError(f"not a safe snapshot id: {snapshot_id!r}")
    for table in AUDIT_TABLES:
        rows = spark.read.parquet(str(staging / table)).select(
            "*", F.lit(run_id).alias("run_id"), F.lit(snapshot_id).alias("snapshot_id")
        )
        (
            rows.write.format("delta")
            .mode("overwrite")
            .option("replaceWhere", f"snapshot_id = '{snapshot_id}'")
            .partitionBy("snapshot_id")
            .save(str(Path(root) / table))
        )


@contextlib.contextmanager
def publish_lock(root: str | Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Hold the output root's publishing lock; wait up to ``timeout_s`` for another run to finish publishing."""
    path = Path(root) / PUBLISH_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_s
    while (fd := _try_lock(path)) is None:
        if time.monotonic() > deadline:
            raise LockedError(f"another run has been publishing to {root} for over {timeout_s:.0f} s (lock {path}); try again later")
        time.sleep(0.5)
    try:
        yield
    finally:
        _unlock(fd)


_CUTOFF = re.compile(r"^(\d{8}T\d{6}Z)-")


def previous_published(root: str | Path, as_of: dt.datetime, *, other_than: str | None = None) -> dict | None:
    """The manifest of the published snapshot a run at cut-off ``as_of`` follows, or None when there is none.

    That is the one with the newest cut-off at or before ``as_of`` (the newest built among equal cut-offs), other
    than ``other_than``: for a run going forward, the one ``LATEST`` names; a backfill is compared with what came
    before it, not with a newer snapshot that had more time to collect posts. Cut-offs are read from the snapshot
    ids (``<cut-off>-<digest>``), so only the candidates' manifests are read. A candidate whose manifest cannot be
    read stops the run (``InputError``): it could be the snapshot to compare with.
    """
    stamp = f"{as_of.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}"
    earlier: dict[str, list[str]] = {}
    for snapshot_id in published_snapshots(root):
        m = _CUTOFF.match(snapshot_id)
        if m and m.group(1) <= stamp and snapshot_id != other_than:
            earlier.setdefault(m.group(1), []).append(snapshot_id)
    if not earlier:
        return None
    candidates = []
    for snapshot_id in earlier[max(earlier)]:
        path = snapshot_dir(root, snapshot_id) / MANIFEST
        try:
            manifest = json.loads(path.read_text())
            candidates.append((str(manifest.get("created_at", "")), snapshot_id, manifest))
        except (OSError, ValueError, AttributeError) as exc:
            raise InputError(
                f"cannot read {path} ({type(exc).__name__}), the published snapshot this run is compared with; "
                "check it with `postcurate validate`, then repair or remove it"
            ) from None
    return max(candidates, key=lambda c: c[:2])[2]


def _as_of(root: Path, snapshot_id: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(json.loads((snapshot_dir(root, snapshot_id) / MANIFEST).read_text())["as_of"])
    except (OSError, ValueError, KeyError):
        return None


def move_into_place(root: str | Path, staging: Path, snapshot_id: str) -> bool:
    """Rename a complete staged snapshot (manifest inside) into ``snapshots/`` and point ``LATEST`` at it.

    Call with the publish lock held. False when the snapshot was already published (by a run that got there
    first): the staged copy is then discarded and nothing changes. ``LATEST`` only moves forward in cut-off
    time, so a backfill of an older cut-off never hides the newest snapshot.
    """
    root = Path(root)
    if not (staging / MANIFEST).is_file():
        raise RuntimeError("refusing to publish a staged snapshot without its manifest")
    target = snapshot_dir(root, snapshot_id)
    if (target / MANIFEST).is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        # A folder without a manifest is not a snapshot (a hand copy, or a foreign tool): move it out of the way.
        os.rename(target, root / STAGING / f"{snapshot_id}.orphan-{uuid.uuid4().hex[:8]}")
    os.rename(staging, target)
    current = latest(root)
    mine, theirs = _as_of(root, snapshot_id), (_as_of(root, current) if current else None)
    if theirs is None or mine is None or mine >= theirs:
        pointer = root / f".{LATEST}.{uuid.uuid4().hex[:8]}"
        pointer.write_text(snapshot_id + "\n")
        os.replace(pointer, root / LATEST)
    else:
        log.info("published %s (a backfill); LATEST stays at the newer %s", snapshot_id, current)
    return True


def reject(root: str | Path, staging: Path, keep: tuple[str, ...] = ("quality", "report")) -> Path:
    """Keep a rejected run's quality results and report under ``_rejected/`` for the operator; drop its data."""
    target = Path(root) / REJECTED / staging.name
    target.mkdir(parents=True, exist_ok=True)
    for name in keep:
        if (staging / name).exists():
            os.rename(staging / name, target / name)
    return target
