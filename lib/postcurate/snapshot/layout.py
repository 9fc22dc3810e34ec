"""The output root's layout: every name a run, a purge or a reader gives to a file or folder under it.

``<output_root>``::

    _staging/<snapshot_id>.<run_id>/      a run's work in progress (never read by readers)
    _staging/<snapshot_id>.<run_id>.lock  held (flock) by that run for as long as it lives
    _rejected/<snapshot_id>.<run_id>/     quality results and report of a run the gate rejected (no data)
    snapshots/<snapshot_id>/              published snapshots; complete by construction (``postcurate.snapshot.publish``)
    LATEST                                the id of the newest published snapshot (by cut-off)
    ledger/, quarantine/                  Delta tables, one partition per published snapshot
    audit/                                the purge's audit log (a Delta table)
    .lock                                 one run or purge at a time (``run_lock``)
    .publish.lock                         serialises the publishing step between runs

``snapshots/<snapshot_id>/``::

    manifest.json                         the current revision (its presence marks a published snapshot)
    manifest.r<N>.json                    each revision a purge made (r0: as first published)
    shards/split=<s>/country=<CC>/part-*.parquet
    ledger/, quarantine/                  this snapshot's excluded and quarantined posts (Parquet)
    author_index[.r<N>]/                  author pseudonym -> shard files, for the purge
    removed/                              post pseudonyms that left the shards since the previous snapshot, and why
    quality/results.json, report/, README.md
    _purge/<purge_id>/                    a purge's work in progress
"""

from __future__ import annotations

import re
from pathlib import Path

MANIFEST = "manifest.json"
LATEST = "LATEST"
SNAPSHOTS = "snapshots"
STAGING = "_staging"
REJECTED = "_rejected"
RUN_LOCK = ".lock"
PUBLISH_LOCK = ".publish.lock"
AUDIT_TABLES = ("ledger", "quarantine")
AUDIT_LOG = "audit"

SHARDS = "shards"
LEDGER = "ledger"
QUARANTINE = "quarantine"
AUTHOR_INDEX = "author_index"
REMOVED = "removed"
CARD = "README.md"
QUALITY_RESULTS = "quality/results.json"
REPORT_DIR = "report"
PURGE_STAGING = "_purge"
# Files a purge writes are named part-purge-<purge_id>-...; one whose id is in no revision's history was left by a
# purge that was interrupted.
PURGE_FILE_PREFIX = "part-purge-"
PURGE_FILE = re.compile(r"^part-purge-([0-9a-z]+)-")
REVISION_FILE = re.compile(r"^manifest\.r(\d+)\.json$")

SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_CUTOFF = re.compile(r"^(\d{8}T\d{6}Z)-")


def check_id(value: str) -> str:
    """``value`` if it is safe as a file name and in SQL (``replaceWhere``), else ``ValueError``."""
    if not SAFE_ID.match(value):
        raise ValueError(f"not a safe id: {value!r}")
    return value


def revision_file(revision: int) -> str:
    return f"manifest.r{revision}.json"


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
    """Ids of every published snapshot under ``root``, in id order (oldest cut-off first); ``snapshot_dir`` gives
    each one's folder."""
    base = Path(root) / SNAPSHOTS
    return sorted(p.name for p in base.iterdir() if (p / MANIFEST).is_file()) if base.is_dir() else []


def cutoff_stamp(snapshot_id: str) -> str | None:
    """The cut-off an id starts with (``20261201T000000Z``), or None for an id of another form."""
    m = _CUTOFF.match(snapshot_id)
    return m.group(1) if m else None
