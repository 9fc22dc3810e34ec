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


@click.command()
@click.argument("snapshot", required=False)
@click.option("--since", "since", required=True, metavar="SNAPSHOT_ID[@REVISION]", help="The snapshot (and revision, default 0) your copy was taken from.")
@click.option("--root", type=click.Path(file_okay=False), help="The output root; SNAPSHOT is then a snapshot id (default: its LATEST).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="With neither SNAPSHOT nor --root: this config's output_root.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the list (post_pid, reason, left_in, left_at_revision) to this Parquet file.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def removed(snapshot, since, root, config_path, out, as_json) -> None:
    """What left since the snapshot a copy was taken from: the post pseudonyms to drop from it, by reason.

    Follows the chain of snapshots from --since to SNAPSHOT (default: the latest) through each one's removal list
    and purge revisions; prints counts only (the pseudonyms go to --out). Exit 2 when no chain leads back to
    --since: then read the new snapshot instead of updating the copy.
    """
    import pyarrow.parquet as pq

    held, _, revision = since.partition("@")
    if revision and not revision.isdigit():
        raise click.BadParameter(f"{since!r}: expected SNAPSHOT_ID or SNAPSHOT_ID@REVISION (a whole number)", param_hint="--since")
    snap = open_snapshot(_locate(snapshot, root, config_path))
    gone = snap.removed_since(held, int(revision or 0))
    by_reason: dict[str, int] = {}
    for reason in gone.column("reason").to_pylist():
        by_reason[reason] = by_reason.get(reason, 0) + 1
    if out:
        pq.write_table(gone, out)
    summary = {"snapshot_id": snap.snapshot_id, "since": held, "since_revision": int(revision or 0), "posts": gone.num_rows,
               "by_reason": dict(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))), "out": out}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"{gone.num_rows:,} post(s) left between {held}@{int(revision or 0)} and {snap.snapshot_id}" + (f"; list in {out}" if out else ""))
    for reason, n in summary["by_reason"].items():
        click.echo(f"  {reason:<22}{n:>10,}")
