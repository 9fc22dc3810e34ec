"""Manifest revisions and the retention of replaced files.

``manifest.json`` is always the current revision; ``manifest.r<N>.json`` keeps each revision (``r0`` is the manifest
as first published). A purge writes ``manifest.r<N>.json`` and then replaces ``manifest.json`` with one ``os.replace``,
so a reader sees the old or the new revision, never a mix. Rewritten shards get new file names (never an overwrite),
and the files a revision replaced stay until its ``retain_until``, so a reader holding an older manifest still finds
every file it lists until then.

Files a purge creates are named ``part-purge-<purge_id>-...``: one whose purge id is not in the current manifest's
``purges`` history belongs to an interrupted purge and is removed by the next purge or ``--gc``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from pathlib import Path

log = logging.getLogger("postcurate.purge")

MANIFEST = "manifest.json"
PURGE_FILE_PREFIX = "part-purge-"
STAGING_DIR = "_purge"
_REVISION_FILE = re.compile(r"^manifest\.r(\d+)\.json$")


# One checksum for the whole project: the manifest's; one name for a purge's files: the reader's.
from postcurate.reader import PURGE_FILE  # noqa: E402


def new_purge_id(now: dt.datetime) -> str:
    """Sortable and unique: ``20261101t120000z<8 hex>`` (lower case, so file names stay simple)."""
    return f"{now:%Y%m%dt%H%M%Sz}{uuid.uuid4().hex[:8]}"


def published_snapshots(output_root: Path) -> list[Path]:
    """Every complete snapshot under ``output_root`` (a folder with a manifest), oldest id first."""
    folder = Path(output_root) / "snapshots"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / MANIFEST).is_file())


def read_manifest(snapshot_dir: Path) -> tuple[dict, str]:
    """The current manifest and the SHA-256 of its bytes (the next revision records it as its predecessor)."""
    data = (Path(snapshot_dir) / MANIFEST).read_bytes()
    return json.loads(data), hashlib.sha256(data).hexdigest()


def revision_of(manifest: dict) -> int:
    """A manifest that never went through a purge is revision 0."""
    value = manifest.get("revision", 0)
    return value if isinstance(value, int) and value >= 0 else 0


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def publish_revision(snapshot_dir: Path, manifest: dict, before_replace=None) -> Path:
    """Keep ``manifest.r<N>.json`` and make it current by replacing ``manifest.json`` atomically.

    The first revision also keeps the original as ``manifest.r0.json``. ``before_replace`` runs just before the
    switch (the test hook that pauses there).
    """
    snapshot_dir = Path(snapshot_dir)
    original = snapshot_dir / "manifest.r0.json"
    if not original.exists():
        shutil.copyfile(snapshot_dir / MANIFEST, original)
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    revision_file = snapshot_dir / f"manifest.r{manifest['revision']}.json"
    _write_atomic(revision_file, text)
    if before_replace is not None:
        before_replace()
    _write_atomic(snapshot_dir / MANIFEST, text)
    return revision_file


def _remove(path: Path) -> bool:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
            # Hadoop's local checksum file beside a Spark-written file; meaningless once the file is gone.
            (path.parent / f".{path.name}.crc").unlink(missing_ok=True)
        return True
    except FileNotFoundError:
        return False


def collect_garbage(snapshot_dir: Path, now: dt.datetime) -> list[str]:
    """Remove, in one snapshot, what no current or retained revision needs; return what was removed.

    - files replaced by a purge whose ``retain_until`` has passed;
    - files of interrupted purges (``part-purge-<id>-*`` with an id not in the current history),
      their staging folder, author indexes and manifest revisions newer than the current one;
    - author indexes other than the current one.
    Never touches a file the current manifest lists.
    """
    snapshot_dir = Path(snapshot_dir)
    manifest, _ = read_manifest(snapshot_dir)
    current = {s["path"] for s in manifest.get("shards", [])}
    history = manifest.get("purges") or []
    known_ids = {p.get("purge_id") for p in history}
    removed: list[str] = []

    def drop(path: Path) -> None:
        rel = str(path.relative_to(snapshot_dir))
        if rel in current:  # belt and braces: a listed file is never garbage
            return
        if _remove(path):
            removed.append(rel)

    for entry in history:
        until = entry.get("retain_until")
        if until and dt.datetime.fromisoformat(until) <= now:
            for rel in entry.get("replaced", []):
                drop(snapshot_dir / rel)
    for folder in ("shards", "ledger"):
        for path in (snapshot_dir / folder).rglob(f"{PURGE_FILE_PREFIX}*"):
            m = PURGE_FILE.match(path.name)
            if m and m.group(1) not in known_ids:
                drop(path)
    staging = snapshot_dir / STAGING_DIR
    if staging.is_dir():
        drop(staging)
    current_index = manifest.get("author_index", "author_index")
    for path in snapshot_dir.glob("author_index*"):
        if path.name != current_index:
            drop(path)
    revision = revision_of(manifest)
    for path in snapshot_dir.glob("manifest.r*.json"):
        m = _REVISION_FILE.match(path.name)
        if m and int(m.group(1)) > revision:
            drop(path)
    if removed:
        log.info("gc %s: removed %d file(s)", snapshot_dir.name, len(removed))
    return removed
