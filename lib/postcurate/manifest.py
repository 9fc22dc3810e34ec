"""The snapshot manifest: what a snapshot holds and how it was made. Written last; its presence marks a complete snapshot."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

import postcurate
from postcurate.reader import unlisted_files

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks (shards and manifests can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe_shards(shards_dir: Path) -> list[dict]:
    """Every shard file under ``shards_dir`` with its partition, rows (from the Parquet footer), bytes and SHA-256."""
    return [describe_shard(shards_dir, path) for path in sorted(Path(shards_dir).rglob("*.parquet"))]


def describe_shard(shards_dir: Path, path: Path) -> dict:
    """The manifest entry of one shard file under ``shards_dir``: its path in the snapshot, partition, rows, bytes, SHA-256."""
    rel = Path(path).relative_to(shards_dir)
    partition = dict(part.split("=", 1) for part in rel.parts[:-1])
    return {
        "path": str(Path("shards") / rel),
        "split": partition.get("split"),
        "country": partition.get("country"),
        "rows": pq.read_metadata(path).num_rows,
        "bytes": Path(path).stat().st_size,
        "sha256": sha256_file(path),
    }


def verify_shards(snapshot_dir: Path, manifest: dict) -> list[str]:
    """What does not match the manifest: missing or changed shard files, and files that no revision lists (the
    files a purge replaced and keeps for readers of the older revision are expected). Empty when all is well.

    Messages name files (by their path in the snapshot) and sizes, never their contents.
    """
    snapshot_dir = Path(snapshot_dir)
    problems = []
    listed = {s["path"]: s for s in manifest["shards"]}
    for rel, expected in sorted(listed.items()):
        path = snapshot_dir / rel
        if not path.is_file():
            problems.append(f"{rel}: listed in the manifest but missing")
            continue
        size = path.stat().st_size
        if size != expected["bytes"]:
            problems.append(f"{rel}: {size} bytes, manifest says {expected['bytes']}")
        elif sha256_file(path) != expected["sha256"]:
            problems.append(f"{rel}: SHA-256 differs from the manifest")
    return problems + unlisted_files(snapshot_dir, manifest)


def primary_language(lang: Column) -> Column:
    """A language tag's primary subtag in lower case (en-GB and en are both English); "und" where there is none."""
    return F.coalesce(F.lower(F.split(lang, "-")[0]), F.lit("und"))


def by_country_split(shards: list[dict]) -> dict:
    """Rows by country, then split, of manifest shard entries (the zero-row files of an empty snapshot are in none)."""
    out: dict = {}
    for s in shards:
        if s.get("country") is not None:
            cell = out.setdefault(s["country"], {})
            cell[s["split"]] = cell.get(s["split"], 0) + s["rows"]
    return {c: dict(sorted(v.items())) for c, v in sorted(out.items())}


def shard_stats(shards: DataFrame) -> dict:
    """Counts by country x split and by language, and PII redactions by type, from the shard rows.

    Only aggregates reach the driver: their size grows with the number of countries and languages, not of rows.
    """
    cells = shards.groupBy("split", "country", primary_language(F.col("lang")).alias("lang")).count().collect()
    by_country_split: dict = {}
    by_lang: dict = {}
    for row in cells:
        split_counts = by_country_split.setdefault(row["country"], {})
        split_counts[row["split"]] = split_counts.get(row["split"], 0) + row["count"]
        # Counted by primary subtag (en-GB and en are both English); "und" where the platform gave none.
        by_lang[row["lang"]] = by_lang.get(row["lang"], 0) + row["count"]
    pii = shards.select(F.explode("pii_counts").alias("type", "n")).groupBy("type").agg(F.sum("n").alias("n")).collect()
    return {
        "by_country_split": {c: dict(sorted(v.items())) for c, v in sorted(by_country_split.items())},
        "by_lang": dict(sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        "pii_totals": {r["type"]: int(r["n"] or 0) for r in sorted(pii, key=lambda r: r["type"])},
    }


def tally(shards: list[dict], key: str) -> dict:
    """Rows by ``key`` (``split`` or ``country``) of manifest shard entries. The zero-row files of an empty snapshot
    sit in a split's folder but no country's: they count as the split's (with no row) and as no country."""
    out: dict = {}
    for s in shards:
        if s.get(key) is not None:
            out[s[key]] = out.get(s[key], 0) + s["rows"]
    return dict(sorted(out.items()))


def build(
    *, snapshot_id, run_id, as_of, created_at, tables, geo, config, key_fp, shards, counts, stats, allowed_countries, dedup=None
) -> dict:
    """The manifest of a staged snapshot (the gate's results are added under ``quality`` before it is written).

    ``dedup``: rule 10's figures (``postcurate.dedup.cluster_sizes`` and ``enabled``), counts only.
    """
    from postcurate import resources
    from postcurate.report import recall

    detectors_sha256 = hashlib.sha256(config.detectors.read_bytes()).hexdigest()
    return {
        "snapshot_id": snapshot_id,
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "created_at": created_at.isoformat(),
        "code_version": postcurate.__version__,
        "code_commit": resources.code_commit(),  # "<sha>", "<sha>-dirty" (a checkout with changes) or "unknown"
        "inputs": {name: {"path": t.path, "delta_version": t.version} for name, t in tables.items()},
        "geo_rules": {
            "path": str(config.geo_rules),
            "version": geo.version,
            "sha256": geo.sha256,
            "countries_in_effect": sorted(allowed_countries),
        },
        "detectors_sha256": detectors_sha256,
        # The detectors' measured recall, only if it was measured for these very detectors (eval/recall.json).
        "pii_recall": recall.for_detectors(detectors_sha256, resources.recall_file()),
        "settings": {
            "rules": config.rules.__dict__ | {"allowed_post_types": list(config.rules.allowed_post_types)},
            "output": config.output.__dict__,
            "dedup": dataclasses.asdict(config.dedup),
        },
        "key_fingerprint": key_fp,
        "counts": counts
        | {
            "by_country": tally(shards, "country"),
            "by_split": tally(shards, "split"),
            "by_country_split": stats["by_country_split"],
            "by_lang": stats["by_lang"],
        },
        "pii_redactions": dict(sorted(stats["pii_totals"].items())),
        "dedup": dedup if dedup is not None else {"enabled": config.dedup.enabled},
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
