"""The output root and what is published under it: layout and names, the typed manifest, revisions, staging,
atomic publishing, the one lock and the one atomic writer. Nothing else in postcurate touches published files.

- ``layout``: the names (``MANIFEST``, ``LATEST``, ``_staging``, ``_rejected``, ``part-purge-``...) and lookups
  (``snapshot_dir``, ``published_snapshots``, ``latest``).
- ``manifest``: ``Manifest`` (``build``, ``read``, ``write``, ``verify``), ``ShardFile``, ``Counts``, ``PurgeEntry``.
- ``identity``: ``RunIdentity``, what a snapshot is built from (its id), recorded in the manifest.
- ``publish``: ``run_lock``, ``Staging``, ``move_into_place``, ``reject``, ``previous_published``.
- ``revisions``: a purge's new revision, and the garbage collection of what no revision needs.
- ``files``: ``atomic_write`` (fsync of file and folder) and ``locked`` (flock).

The package reads without Spark (the reader uses it); only ``publish.append_audit_tables`` takes a session.
"""

from postcurate.snapshot import layout
from postcurate.snapshot.files import atomic_write, locked, sha256_file
from postcurate.snapshot.identity import RunIdentity
from postcurate.snapshot.manifest import (
    Counts,
    Manifest,
    ManifestError,
    PurgeEntry,
    ShardFile,
    SnapshotError,
)

__all__ = [
    "Counts",
    "Manifest",
    "ManifestError",
    "PurgeEntry",
    "RunIdentity",
    "ShardFile",
    "SnapshotError",
    "atomic_write",
    "layout",
    "locked",
    "sha256_file",
]
