"""The right to object after release: purge published snapshots, prove it, keep an audit trail.

- ``write_author_index(spark, snapshot_dir)``: the per-snapshot index from author pseudonym to shard files (publish time).
- ``purge(spark, config, key=...)``: remove objectors' rows and held countries' partitions from published snapshots.
- ``gc(config)``: remove replaced files whose retention has passed and leftovers of interrupted purges.
- ``read_audit(spark, output_root)``: the audit log (a Delta table at ``<output_root>/audit``).

See docs/purge.md for what a purge guarantees and what it does not.
"""

from postcurate.purge.audit import read_audit
from postcurate.purge.checks import Rewrite, check_rewritten
from postcurate.purge.engine import (
    KeyMismatchError,
    PurgeResult,
    PurgeSettings,
    SnapshotNotFoundError,
    gc,
    purge,
    purge_settings,
)
from postcurate.purge.index import write_author_index

__all__ = [
    "KeyMismatchError",
    "PurgeResult",
    "PurgeSettings",
    "Rewrite",
    "SnapshotNotFoundError",
    "check_rewritten",
    "gc",
    "purge",
    "purge_settings",
    "read_audit",
    "write_author_index",
]
