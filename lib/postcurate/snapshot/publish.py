"""Staged, atomic publishing of snapshots under an output root (the layout: ``postcurate.snapshot.layout``).

A snapshot becomes visible in one step: its staging folder, with ``manifest.json`` already inside, is renamed
into ``snapshots/`` (a rename within one file system is atomic), then ``LATEST`` is replaced atomically. A
reader that finds ``snapshots/<id>/manifest.json`` therefore sees the whole snapshot. A run that dies leaves only
its staging folder, which a later run removes once the dead run's lock is free.

The output root must be a local or POSIX file system (rename and flock); object stores need another publisher.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcurate.errors import ConfigError, InputError, LockedError
from postcurate.snapshot import layout
from postcurate.snapshot.files import Busy, atomic_write, locked, try_lock, unlock
from postcurate.snapshot.manifest import Manifest
from postcurate.storage import refusals_named

log = logging.getLogger("postcurate.publish")

_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def new_run_id(now: dt.datetime) -> str:
    """A run's own id: when it started, plus randomness (two runs of one snapshot never share it)."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def run_lock(output_root: str | os.PathLike) -> Iterator[Path]:
    """One run (or purge) at a time per output root: hold ``<output_root>/.lock`` for the block, or raise
    ``LockedError`` (exit 5) at once, naming who holds it.

    >>> with run_lock(config.output_root):
    ...     run(spark, config, key=key)
    """
    root = str(output_root)
    if _URI.match(root):
        raise ConfigError(f"output_root {root} is not a file system path; a run needs a POSIX file system to lock and publish on")
    path = Path(root) / layout.RUN_LOCK
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with refusals_named(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = locked(path, holder=f"pid {os.getpid()} on {socket.gethostname()}, started {started}")
        try:
            lock.__enter__()
        except Busy as busy:
            raise LockedError(
                f"another run is publishing to {root} ({busy.holder}); this run did nothing. "
                f"Retry after it ends; the lock frees itself when that process exits"
            ) from None
    try:
        yield path
    finally:
        lock.__exit__(None, None, None)


@contextlib.contextmanager
def publish_lock(root: str | Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Hold the output root's publishing lock; wait up to ``timeout_s`` for another run to finish publishing."""
    path = Path(root) / layout.PUBLISH_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with locked(path, wait_s=timeout_s):
            yield
    except Busy:
        raise LockedError(f"another run has been publishing to {root} for over {timeout_s:.0f} s (lock {path}); try again later") from None


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

    @classmethod
    @contextlib.contextmanager
    def open(cls, root: str | Path, snapshot_id: str, run_id: str) -> Iterator[Staging]:
        name = f"{layout.check_id(snapshot_id)}.{layout.check_id(run_id)}"
        base = Path(root) / layout.STAGING
        base.mkdir(parents=True, exist_ok=True)
        # Lock first, folder second: a cleaner never sees our folder without a held lock beside it.
        lock_path = base / f"{name}.lock"
        fd = try_lock(lock_path)
        if fd is None:
            raise LockedError(f"staging lock {lock_path} is held by another process")
        staging = cls(Path(root), snapshot_id, run_id, base / name, lock_path)
        staging.path.mkdir()
        try:
            yield staging
        finally:
            # Whatever ended the run (published, rejected, or an error), the staging folder is not needed any more.
            if staging.path.exists():
                shutil.rmtree(staging.path, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()
            unlock(fd)
            with contextlib.suppress(OSError):  # other runs' staging may still be there; leave it
                base.rmdir()


def clean_stale_staging(root: str | Path, started_before: float) -> list[str]:
    """Remove staging left by dead runs: folders created before ``started_before`` (epoch seconds) whose lock is free.

    A folder whose lock is held belongs to a live run and is left alone; so is anything newer than the current
    run, which cannot be debris of a run that died before ours started. Returns the names removed.
    """
    base = Path(root) / layout.STAGING
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
        fd = try_lock(lock_path)
        if fd is None:
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()
        finally:
            unlock(fd)
        removed.append(name)
    if removed:
        log.info("removed staging left by %d dead run(s)", len(removed))
    return removed


def previous_published(root: str | Path, as_of: dt.datetime, *, other_than: str | None = None) -> Manifest | None:
    """The manifest of the published snapshot a run at cut-off ``as_of`` follows, or None when there is none.

    That is the one with the newest cut-off at or before ``as_of`` (the newest built among equal cut-offs), other
    than ``other_than``: for a run going forward, the one ``LATEST`` names; a backfill is compared with what came
    before it, not with a newer snapshot that had more time to collect posts. Cut-offs are read from the snapshot
    ids (``<cut-off>-<digest>``), so only the candidates' manifests are read. A candidate whose manifest cannot be
    read stops the run (``InputError``): it could be the snapshot to compare with.
    """
    stamp = f"{as_of.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}"
    earlier: dict[str, list[str]] = {}
    for snapshot_id in layout.published_snapshots(root):
        cut = layout.cutoff_stamp(snapshot_id)
        if cut and cut <= stamp and snapshot_id != other_than:
            earlier.setdefault(cut, []).append(snapshot_id)
    if not earlier:
        return None
    candidates = []
    for snapshot_id in earlier[max(earlier)]:
        path = layout.snapshot_dir(root, snapshot_id) / layout.MANIFEST
        try:
            manifest = Manifest.read(path.parent)
        except Exception as exc:  # noqa: BLE001 - any reason it cannot be read stops the run, named
            raise InputError(
                f"cannot read {path} ({type(exc).__name__}), the published snapshot this run is compared with; "
                "check it with `postcurate validate`, then repair or remove it"
            ) from None
        candidates.append((str(manifest.created_at or ""), snapshot_id, manifest))
    return max(candidates, key=lambda c: c[:2])[2]


def _as_of(root: Path, snapshot_id: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(Manifest.read(layout.snapshot_dir(root, snapshot_id)).as_of))
    except Exception:  # noqa: BLE001 - an unreadable neighbour never blocks publishing; LATEST then moves
        return None


def move_into_place(root: str | Path, staging: Path, snapshot_id: str) -> bool:
    """Rename a complete staged snapshot (manifest inside) into ``snapshots/`` and point ``LATEST`` at it.

    Call with the publish lock held. False when the snapshot was already published (by a run that got there
    first): the staged copy is then discarded and nothing changes. ``LATEST`` only moves forward in cut-off
    time, so a backfill of an older cut-off never hides the newest snapshot.
    """
    root = Path(root)
    if not (staging / layout.MANIFEST).is_file():
        raise RuntimeError("refusing to publish a staged snapshot without its manifest")
    target = layout.snapshot_dir(root, snapshot_id)
    if (target / layout.MANIFEST).is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        # A folder without a manifest is not a snapshot (a hand copy, or a foreign tool): move it out of the way.
        os.rename(target, root / layout.STAGING / f"{snapshot_id}.orphan-{uuid.uuid4().hex[:8]}")
    os.rename(staging, target)
    current = layout.latest(root)
    mine, theirs = _as_of(root, snapshot_id), (_as_of(root, current) if current else None)
    if theirs is None or mine is None or mine >= theirs:
        atomic_write(root / layout.LATEST, snapshot_id + "\n")
    else:
        log.info("published %s (a backfill); LATEST stays at the newer %s", snapshot_id, current)
    return True


def reject(root: str | Path, staging: Path, keep: tuple[str, ...] = ("quality", layout.REPORT_DIR)) -> Path:
    """Keep a rejected run's quality results and report under ``_rejected/`` for the operator; drop its data."""
    target = Path(root) / layout.REJECTED / staging.name
    target.mkdir(parents=True, exist_ok=True)
    for name in keep:
        if (staging / name).exists():
            os.rename(staging / name, target / name)
    return target


def append_audit_tables(spark, root: str | Path, staging: Path, *, snapshot_id: str, run_id: str, staged: Mapping[str, Any] | None = None) -> None:
    """Add this snapshot's ledger and quarantine rows to the Delta tables under ``root``, tagged with the ids.

    Each snapshot is one partition written with ``replaceWhere``: a retry after a crash between this step and
    the rename replaces the dead run's rows instead of adding a second copy. ``staged``: the staged folders
    already read (``SnapshotFrames``' ``ledger`` and ``quarantine``), which spares reading their schema again.
    """
    from pyspark.sql import functions as F

    layout.check_id(snapshot_id)
    for table in layout.AUDIT_TABLES:
        read = staged[table] if staged is not None else spark.read.parquet(str(staging / table))
        rows = read.select("*", F.lit(run_id).alias("run_id"), F.lit(snapshot_id).alias("snapshot_id"))
        (
            rows.write.format("delta")
            .mode("overwrite")
            .option("replaceWhere", f"snapshot_id = '{snapshot_id}'")
            .partitionBy("snapshot_id")
            .save(str(Path(root) / table))
        )
