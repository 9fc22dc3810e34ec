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
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate.errors import LockedError

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


# Spark names files part-<task>-<job uuid>.c<counter>.<codec>.parquet. The counter is read at the end of the name:
# a uuid can hold "-c" and digits itself ("...-c4a1-..."), and a match there would give every file the same counter.
_SPARK_FILE = re.compile(r"^part-(\d+)-.*[.-]c(\d+)(?:\.\w+)*\.parquet$")


def _part_number(path: Path) -> tuple[int, int, str]:
    """Order of Spark's files in a folder: by task, then by the task's file counter, both as numbers."""
    m = _SPARK_FILE.match(path.name)
    if m is None:
        raise RuntimeError(f"unexpected file name from Spark's writer: {path.name}")
    return int(m.group(1)), int(m.group(2)), path.name


# Pseudonyms are written plain, not dictionary-encoded: post ids never repeat, and author ids repeat only in a
# partition small enough for an author's posts to share a file, so a dictionary would make a file's bytes per row
# depend on its partition's size, and shard sizes unpredictable.
SHARD_PARQUET_OPTIONS = {"parquet.enable.dictionary#post_pid": "false", "parquet.enable.dictionary#author_pid": "false"}
SIZING_SAMPLE_ROWS = 20_000
SIZING_MAX_ROWS = 500_000


def rows_for_target(shards: DataFrame, target_mb: float, scratch: Path) -> int:
    """How many rows make a shard file of about ``target_mb``, measured rather than guessed.

    Samples are taken from the largest ``split=/country=`` partition, where most files are (a file holds one
    partition's rows, and text length varies with the country's languages). A first sample gives a size; a second
    of one file's worth (capped) is measured again, because bytes per row also depend on a file's size (footer,
    the dictionaries of the low-cardinality columns).
    """
    largest = shards.groupBy("split", "country").count().orderBy(F.desc("count")).first()
    if largest is None:
        return SIZING_SAMPLE_ROWS
    partition = shards.where(F.col("split").eqNullSafe(largest["split"]) & F.col("country").eqNullSafe(largest["country"]))
    rows = SIZING_SAMPLE_ROWS
    for _ in range(2):
        per_row = _bytes_per_row(partition.limit(rows), scratch)
        if per_row is None:
            break
        rows = max(1000, min(SIZING_MAX_ROWS, int(target_mb * 2**20 / per_row)))
    return rows


def _bytes_per_row(sample: DataFrame, scratch: Path) -> float | None:
    # Ordered as write_shards orders the files: sorted ids compress better than shuffled ones.
    sample.coalesce(1).sortWithinPartitions("post_pid").write.options(**SHARD_PARQUET_OPTIONS).mode("overwrite").parquet(str(scratch))
    try:
        files = list(scratch.glob("*.parquet"))
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        size = sum(f.stat().st_size for f in files)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return size / rows if rows else None


def write_shards(shards: DataFrame, target: Path, rows_per_file: int) -> None:
    """Write shard rows as Parquet partitioned by split and country, deterministically.

    Rows are sorted by ``post_pid`` within each partition and files are renamed ``part-00000.parquet``, ... in
    the order Spark wrote them, so the same rows always land in the same files in the same order. (Not always
    the same bytes: parquet-mr lists each column chunk's encodings in a JVM-dependent order.)
    """
    (
        shards.repartition("split", "country")
        .sortWithinPartitions("split", "country", "post_pid")
        .write.options(**SHARD_PARQUET_OPTIONS)
        .option("maxRecordsPerFile", rows_per_file)
        .partitionBy("split", "country")
        .parquet(str(target))
    )
    # Checksum side files name Spark's file names; they mean nothing after the rename.
    tidy(target)
    for folder in sorted({p.parent for p in target.rglob("*.parquet")}):
        for i, path in enumerate(sorted(folder.glob("part-*.parquet"), key=_part_number)):
            path.rename(folder / f"part-{i:05d}.parquet")


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
