"""The snapshot manifest: what a snapshot holds and how it was made. Written last; its presence marks a complete snapshot."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pyarrow.parquet as pq

import postcurate

MANIFEST = "manifest.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe_shards(shards_dir: Path) -> list[dict]:
    """Every shard file under ``shards_dir`` with its partition, rows (from the Parquet footer), bytes and SHA-256."""
    files = []
    for path in sorted(shards_dir.rglob("*.parquet")):
        rel = path.relative_to(shards_dir)
        partition = dict(part.split("=", 1) for part in rel.parts[:-1])
        files.append(
            {
                "path": str(Path("shards") / rel),
                "split": partition.get("split"),
                "country": partition.get("country"),
                "rows": pq.read_metadata(path).num_rows,
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
            }
        )
    return files


def _tally(shards: list[dict], key: str) -> dict:
    out: dict = {}
    for s in shards:
        out[s[key]] = out.get(s[key], 0) + s["rows"]
    return dict(sorted(out.items()))


def build(*, snapshot_id, as_of, created_at, tables, geo, config, key_fp, shards, counts, pii_totals) -> dict:
    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "created_at": created_at.isoformat(),
        "code_version": postcurate.__version__,
        "inputs": {name: {"path": t.path, "delta_version": t.version} for name, t in tables.items()},
        "geo_rules": {"path": str(config.geo_rules), "version": geo.version, "sha256": geo.sha256},
        "detectors_sha256": hashlib.sha256(config.detectors.read_bytes()).hexdigest(),
        "settings": {"rules": config.rules.__dict__ | {"allowed_post_types": list(config.rules.allowed_post_types)}, "output": config.output.__dict__},
        "key_fingerprint": key_fp,
        "counts": counts | {"by_country": _tally(shards, "country"), "by_split": _tally(shards, "split")},
        "pii_redactions": dict(sorted(pii_totals.items())),
        "shards": shards,
    }


def write(snapshot_dir: Path, manifest: dict) -> Path:
    """Write the manifest atomically (temp file + rename), so a reader sees all of it or none."""
    target = snapshot_dir / MANIFEST
    tmp = snapshot_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(tmp, target)
    return target


def read(snapshot_dir: Path) -> dict:
    return json.loads((Path(snapshot_dir) / MANIFEST).read_text())
