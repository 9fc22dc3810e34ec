"""``postcurate inspect``: what is in a published snapshot, without Spark."""

from __future__ import annotations

import json
from pathlib import Path

import click

from postcurate.reader import SPLITS, SnapshotError, open_snapshot, resolve_snapshot_dir, summarize

_SHIPPED_CONFIG = Path(__file__).resolve().parents[3] / "conf" / "local.yaml"


def _locate(snapshot: str | None, root: str | None, config_path: str | None) -> Path:
    """SNAPSHOT (a snapshot folder or an output root), else --root's LATEST, else the config's output root's LATEST."""
    if root is not None:
        if snapshot is not None and not Path(snapshot).is_dir():
            return resolve_snapshot_dir(root, snapshot_id=snapshot)  # `inspect --root R <snapshot_id>`
        if snapshot is None:
            return resolve_snapshot_dir(root)
    if snapshot is not None:
        return resolve_snapshot_dir(snapshot)
    from postcurate.config import load_config

    config = load_config(config_path or _SHIPPED_CONFIG)
    try:
        return resolve_snapshot_dir(config.output_root)
    except SnapshotError:
        raise SnapshotError(
            f"no published snapshot under {config.output_root} (the output_root of {config.path.name}); "
            "publish one (`postcurate demo`), or give a snapshot folder or --root"
        ) from None


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _table(title: str, counts: dict, total: int) -> list[str]:
    lines = [title]
    for key, n in counts.items():
        share = f"{100 * n / total:5.1f}%" if total else "    -"
        lines.append(f"  {key:<12}{n:>12,}  {share}")
    return lines


def render(summary: dict) -> str:
    """The human-readable form of ``postcurate.reader.summarize``."""
    s = summary
    rows = s["rows"]
    lines = [
        f"snapshot   {s['snapshot_id']}  (as of {s['as_of']})",
        f"path       {s['path']}",
        f"rows       {rows:,}" + ("" if rows == s["rows_in_manifest"] else f"  (MISMATCH: the manifest says {s['rows_in_manifest']:,})"),
        f"tokens     ≈ {s['approx_tokens']:,}  (estimate: {s['token_estimate']}; {s['characters']:,} characters)",
        "checksums  " + (f"all {len(s['shards'])} shards match the manifest (SHA-256)" if s["checksums_verified"] else "not verified (--no-verify)"),
        "",
    ]
    lines += _table("by split", s["by_split"], rows) + [""]
    lines += _table("by country", s["by_country"], rows) + [""]
    lines += _table("by language", s["by_language"], rows) + [""]
    lines.append(f"shards     {len(s['shards'])} files, {_size(s['bytes'])}")
    for shard in s["shards"]:
        lines.append(f"  {shard['split']:<11}{shard['country'] or '-':<4}{shard['rows']:>10,} rows {_size(shard['bytes']):>10}  {shard['path']}")
    if s["samples"]:
        lines += ["", f"samples    {len(s['samples'])} rows (redacted text; ids are truncated pseudonyms)"]
        for row in s["samples"]:
            lines.append(
                f"  [{row['post']}] {row['split']}/{row['country']} {row['lang'] or '?'} {row['platform']} "
                f"{row['post_type']} {row['created_period']}"
            )
            lines.append(f"      {row['text']}")
    return "\n".join(lines)


@click.command("inspect")
@click.argument("snapshot", required=False)
@click.option("--root", type=click.Path(file_okay=False), help="An output root: inspect its LATEST snapshot (or SNAPSHOT given as an id).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="With neither SNAPSHOT nor --root: the latest snapshot under this config's output_root (default: the shipped conf/local.yaml, i.e. var/out).",
)
@click.option("--split", type=click.Choice(SPLITS), help="Only this split.")
@click.option("--country", "countries", multiple=True, help="Only this country (ISO alpha-2); repeatable.")
@click.option("--samples", default=5, show_default=True, type=click.IntRange(0, 50), help="Sample rows to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--no-verify", is_flag=True, help="Skip the SHA-256 check of each shard (faster; not for training runs).")
def inspect(snapshot, root, config_path, split, countries, samples, as_json, no_verify) -> None:
    """Show what a published snapshot holds: rows, tokens, splits, countries, languages, shards and a few rows.

    SNAPSHOT is a snapshot folder or an output root (its LATEST). With neither SNAPSHOT nor --root, the latest
    snapshot under the output root of --config (by default the shipped conf/local.yaml: var/out, where
    `postcurate demo` publishes). Every shard's SHA-256 is checked against the manifest, and the folder for shard
    files no revision lists, unless --no-verify. Exit 4 when they do not match (as `postcurate validate`), 2 when
    there is no snapshot there.
    """
    snap = open_snapshot(_locate(snapshot, root, config_path)).select(split=split, countries=countries or None)
    summary = summarize(snap, samples=samples, verify=not no_verify)
    click.echo(json.dumps(summary, indent=2, ensure_ascii=False) if as_json else render(summary))
