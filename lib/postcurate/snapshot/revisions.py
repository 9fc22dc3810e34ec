"""Manifest revisions and the retention of replaced files.

``manifest.json`` is always the current revision; ``manifest.r<N>.json`` keeps each revision (``r0`` is the manifest
as first published). A purge writes ``manifest.r<N>.json`` and then switches ``manifest.json`` to it with one atomic
write, so a reader sees the old or the new revision, never a mix. Rewritten shards get new file names (never an
overwrite), and the files a revision replaced stay until its ``retain_until``, so a reader holding an older manifest
still finds every file it lists until then.

Files a purge creates are named ``part-purge-<purge_id>-...``: one whose purge id is not in the current manifest's
``purges`` history belongs to an interrupted purge and is removed by the next purge or ``--gc``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import uuid
from pathlib import Path

from postcurate.snapshot import layout
from postcurate.snapshot.files import atomic_write
from postcurate.snapshot.manifest import Manifest, read_json

log = logging.getLogger("postcurate.purge")


def new_purge_id(now: dt.datetime) -> str:
    """Sortable and unique: ``20261101t120000z<8 hex>`` (lower case, so file names stay simple)."""
    return f"{now:%Y%m%dt%H%M%Sz}{uuid.uuid4().hex[:8]}"


def read_current(snapshot_dir: Path) -> tuple[Manifest, str]:
    """The current manifest and the SHA-256 of its bytes (the next revision records it as its predecessor)."""
    read_json(snapshot_dir)  # the same errors as any reader for a missing or damaged manifest
    data = (Path(snapshot_dir) / layout.MANIFEST).read_bytes()
    return Manifest.read(snapshot_dir), hashlib.sha256(data).hexdigest()


def switch_to(snapshot_dir: Path, manifest: Manifest) -> None:
    """Make ``manifest`` the current revision: the one atomic step a purge publishes with."""
    manifest.write(snapshot_dir)


def publish_revision(snapshot_dir: Path, manifest: Manifest) -> Path:
    """Keep ``manifest.r<N>.json`` and make it current (``switch_to``). The first revision also keeps the original
    as ``manifest.r0.json``."""
    snapshot_dir = Path(snapshot_dir)
    original = snapshot_dir / layout.revision_file(0)
    if not original.exists():
        atomic_write(original, (snapshot_dir / layout.MANIFEST).read_bytes())
    revision_file = manifest.write(snapshot_dir, layout.revision_file(manifest.current_revision))
    switch_to(snapshot_dir, manifest)
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
    manifest = Manifest.read(snapshot_dir)
    current = {s.path for s in manifest.shards}
    history = manifest.history
    known_ids = {p.purge_id for p in history}
    removed: list[str] = []

    def drop(path: Path) -> None:
        rel = str(path.relative_to(snapshot_dir))
        if rel in current:  # belt and braces: a listed file is never garbage
            return
        if _remove(path):
            removed.append(rel)

    for entry in history:
        if entry.retain_until and dt.datetime.fromisoformat(entry.retain_until) <= now:
            for rel in entry.replaced or []:
                drop(snapshot_dir / rel)
    for folder in (layout.SHARDS, layout.LEDGER):
        for path in (snapshot_dir / folder).rglob(f"{layout.PURGE_FILE_PREFIX}*"):
            m = layout.PURGE_FILE.match(path.name)
            if m and m.group(1) not in known_ids:
                drop(path)
    staging = snapshot_dir / layout.PURGE_STAGING
    if staging.is_dir():
        drop(staging)
    current_index = manifest.author_index or layout.AUTHOR_INDEX
    for path in snapshot_dir.glob(f"{layout.AUTHOR_INDEX}*"):
        if path.name != current_index:
            drop(path)
    revision = manifest.current_revision
    for path in snapshot_dir.glob("manifest.r*.json"):
        m = layout.REVISION_FILE.match(path.name)
        if m and int(m.group(1)) > revision:
            drop(path)
    if removed:
        log.info("gc %s: removed %d file(s)", snapshot_dir.name, len(removed))
    return removed
