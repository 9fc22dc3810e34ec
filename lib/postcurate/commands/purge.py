"""``postcurate purge`` and ``postcurate audit``: thin click shells over ``postcurate.purge``."""

from __future__ import annotations

import json

import click

from postcurate.errors import ConfigError


@click.command()
@click.option("--config", "config_path", required=True, type=click.Path(), help="The run's config file (e.g. conf/local.yaml).")
@click.option("--snapshot", "snapshot_ids", multiple=True, metavar="ID", help="Purge only this published snapshot (repeatable).")
@click.option("--all-published", is_flag=True, help="Purge every published snapshot under the output root (the default).")
@click.option("--gc", "gc_only", is_flag=True, help="Only remove replaced files whose retention has passed and leftovers of interrupted purges.")
def purge(config_path: str, snapshot_ids: tuple[str, ...], all_published: bool, gc_only: bool) -> None:
    """Remove the rows of authors who object now, and of countries under a hold now, from published snapshots.

    Each changed snapshot gets a new manifest revision (published atomically) and rows in the audit log.
    Running it again with nothing new to remove changes nothing and exits 0.
    """
    from postcurate.config import load_config
    from postcurate.purge import gc
    from postcurate.purge import purge as run_purge
    from postcurate.rules.geo import load_geo_rules
    from postcurate.session import build_spark_from_config
    from postcurate.snapshot.publish import run_lock
    from postcurate.storage import check_writable

    if snapshot_ids and all_published:
        raise ConfigError("give either --snapshot ID or --all-published, not both")
    config = load_config(config_path)
    check_writable(config.output_root)
    if gc_only:
        if snapshot_ids:
            raise ConfigError("--gc cleans every published snapshot; it takes no --snapshot")
        with run_lock(config.output_root):
            removed = gc(config)
        click.echo(f"gc: removed {len(removed)} file(s) or folder(s)")
        return
    key = config.key()
    load_geo_rules(config.geo_rules)  # checked before Spark starts (the purge reads it again)
    # A purge rewrites published snapshots: it must not interleave with a run (or another purge) on the same root.
    # Locked before Spark starts, as a run is: a second purge is refused in a second, not after the JVM's start-up.
    with run_lock(config.output_root):
        spark = build_spark_from_config(config, app_name="postcurate-purge")
        result = run_purge(spark, config, key=key, snapshot_ids=list(snapshot_ids) or None)
    for s in result.snapshots:
        if s.changed:
            why = ", ".join(f"{n} rows ({reason})" for reason, n in sorted(s.rows_removed.items()))
            click.echo(
                f"{s.snapshot_id}: revision {s.revision}: removed {why}; "
                f"{s.shards_rewritten} shard(s) rewritten, {s.shards_dropped} dropped, {s.shards_untouched} untouched"
            )
        else:
            click.echo(f"{s.snapshot_id}: nothing to purge (revision {s.revision})")
    if not result.snapshots:
        click.echo("nothing to purge: no published snapshot under the output root")
    elif not result.changed:
        click.echo("nothing to purge: no published row belongs to an objector or a country under a hold")
    else:
        click.echo(f"purge {result.purge_id} done; see `postcurate audit --config {config_path}`")
    if result.garbage:
        click.echo(f"removed {len(result.garbage)} expired or leftover file(s)")


@click.command()
@click.option("--config", "config_path", required=True, type=click.Path(), help="The run's config file.")
@click.option("--snapshot", "snapshot_id", default=None, metavar="ID", help="Only this snapshot.")
@click.option("--json", "as_json", is_flag=True, help="Every audit row as JSON (one per shard and reason, with author pseudonyms).")
def audit(config_path: str, snapshot_id: str | None, as_json: bool) -> None:
    """Print the purge audit log for a reviewer: when, which snapshot and shards, how many rows, why."""
    from pyspark.sql import functions as F

    from postcurate.config import load_config
    from postcurate.purge import audit as audit_log
    from postcurate.session import build_spark_from_config

    config = load_config(config_path)
    spark = build_spark_from_config(config, app_name="postcurate-audit")
    table = audit_log.read_audit(spark, config.output_root)
    if table is None:
        click.echo("[]" if as_json else f"no purges recorded under {config.output_root}")
        return
    if snapshot_id:
        table = table.where(F.col("snapshot_id") == snapshot_id)
    if as_json:
        # The audit log grows with purges and shards, not with data: printing it whole is what a reviewer asks for.
        records = [r.asDict(recursive=True) for r in table.orderBy("purged_at", "snapshot_id", "shard").collect()]
        click.echo(json.dumps(records, indent=2, default=str))
        return
    rows = audit_log.summary(table).collect()
    header = f"{'purged at (UTC)':<20} {'snapshot':<32} {'rev':>3}  {'reason':<12} {'shards':>6} {'rows':>8} {'authors':>7}"
    click.echo(header)
    click.echo("-" * len(header))
    for r in rows:
        authors = "" if r["authors"] is None else r["authors"]
        click.echo(
            f"{r['purged_at']:%Y-%m-%d %H:%M:%S}  {r['snapshot_id']:<32} {r['revision']:>3}  {r['reason']:<12} {r['shards']:>6} {r['rows_removed']:>8} {authors:>7}"
        )
