"""Re-checking a published snapshot: its files against the manifest's checksums, then the data-quality gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from postcurate.clock import naive_utc
from postcurate.errors import InputError, QualityGateError
from postcurate.quality.gate import GateResult, run_gate
from postcurate.quality.snapshot import GateInputs, SnapshotFrames, gate_parameters
from postcurate.snapshot import Manifest, ManifestError, layout
from postcurate.snapshot.manifest import read_json

# What re-running the gate reads from a manifest (beside its shards).
REQUIRED_KEYS = ("snapshot_id", "as_of", "counts", "geo_rules", "settings")


@dataclass
class Validation:
    snapshot_id: str
    files_checked: int
    gate: GateResult


def _parameters(manifest: Manifest) -> dict:
    recorded = (manifest.quality or {}).get("parameters")
    if recorded:
        return dict(recorded)
    # A manifest written before the gate recorded its parameters: rebuild them from the run's settings.
    rules = (manifest.settings or {})["rules"]
    return gate_parameters(
        allowed_countries=(manifest.geo_rules or {}).get("countries_in_effect") or sorted((manifest.counts.by_country if manifest.counts else None) or {}),
        allowed_post_types=rules["allowed_post_types"],
        min_text_length=rules["min_text_length"],
    )


def naive_cutoff(manifest: Manifest) -> dt.datetime:
    """The manifest's cut-off as the naive UTC datetime the rules use."""
    return naive_utc(dt.datetime.fromisoformat(str(manifest.as_of)))


def validate_snapshot(spark: SparkSession, snapshot_dir: str | Path, inputs: GateInputs | None = None) -> Validation:
    """Verify every shard's size and SHA-256 against the manifest, then re-run the gate on the published files.

    Without ``inputs`` the suites of scope ``snapshot`` run (reconciliation uses the manifest's posts read);
    with them, the ``inputs`` suites too. Raises ``QualityGateError`` naming what does not match.
    Nothing is written into the snapshot: a published snapshot is never modified.
    """
    snapshot_dir = Path(snapshot_dir)
    manifest = read_published(snapshot_dir)
    problems = manifest.verify(snapshot_dir)
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise QualityGateError(f"snapshot {manifest.snapshot_id} does not match its manifest ({len(problems)} problem(s)):\n{shown}{more}")
    scopes = ("snapshot", "inputs") if inputs is not None else ("snapshot",)
    # The files the manifest lists, not the folder: after a purge it also holds the files kept for older readers.
    with SnapshotFrames(spark, snapshot_dir, files=[s.path for s in manifest.shards]) as snap:
        gate = run_gate(snap.gate_frames(manifest, inputs), _parameters(manifest), scopes=scopes)
    if not gate.success:
        raise QualityGateError(gate.message().replace("; nothing was published", f" in published snapshot {manifest.snapshot_id}"))
    return Validation(str(manifest.snapshot_id), len(manifest.shards), gate)


def read_published(snapshot_dir: Path) -> Manifest:
    """The manifest of a published snapshot, with what re-running the gate needs: ``InputError`` when the folder is
    not a snapshot, ``ManifestError`` (exit 4) when its manifest is damaged or lacks a key the gate reads."""
    if not (snapshot_dir / layout.MANIFEST).is_file():
        raise InputError(f"{snapshot_dir} is not a published snapshot (no {layout.MANIFEST}); pass the folder under <output_root>/snapshots/")
    raw = read_json(snapshot_dir)
    if not isinstance(raw.get("shards"), list):
        raise ManifestError(f"{snapshot_dir / layout.MANIFEST} has no 'shards' list; is this a postcurate snapshot? (a damaged manifest: do not train on it)")
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise ManifestError(f"{snapshot_dir / layout.MANIFEST} has no {', '.join(missing)}: the snapshot is damaged; do not train on it")
    return Manifest.from_dict(raw)
