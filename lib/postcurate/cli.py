"""The ``postcurate`` command line: a thin shell over the library."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import click

from postcurate import logs
from postcurate.errors import (
    EXIT_INTERNAL_ERROR,
    EXIT_IO_ERROR,
    EXIT_LOCKED,
    EXIT_NOTHING_NEW,
    EXIT_PUBLISHED,
    EXIT_QUALITY_GATE_FAILED,
    EXIT_USER_ERROR,
    PostcurateError,
)


class _Group(click.Group):
    """Ends every command with a documented exit code (``postcurate.errors``), whatever happened.

    A user's mistake is one line on stderr and its code; so is the file system refusing a write (a full disk, a
    read-only mount: exit 6, ``postcurate.storage``), whether Python or Spark's tasks met it. Our own bugs keep their
    stack trace and exit 1.
    """

    def invoke(self, ctx):
        try:
            super().invoke(ctx)
            code = EXIT_PUBLISHED
        except PostcurateError as exc:
            click.echo(f"postcurate: error: {exc}", err=True)
            code = exc.exit_code
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own usage errors (exit 2) and exits
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else EXIT_INTERNAL_ERROR
        except Exception as exc:
            from postcurate.storage import storage_error

            refused = storage_error(exc)
            if refused is not None:
                click.echo(f"postcurate: error: {refused}", err=True)
                code = refused.exit_code
            else:
                traceback.print_exc()
                click.echo("postcurate: internal error: a bug in postcurate, not in the config or the data (stack trace above)", err=True)
                code = EXIT_INTERNAL_ERROR
        _quiet_jvm(None)  # for callers that invoke the CLI in their own process (tests, a scheduler's Python operator)
        logs.event("run_end", command=ctx.invoked_subcommand, exit_code=code, outcome=OUTCOMES.get(code, "unknown"))
        sys.exit(code)


OUTCOMES = {
    EXIT_PUBLISHED: "ok",
    EXIT_NOTHING_NEW: "nothing_new",
    EXIT_USER_ERROR: "config_or_input_error",
    EXIT_QUALITY_GATE_FAILED: "quality_gate_failed",
    EXIT_LOCKED: "locked",
    EXIT_IO_ERROR: "storage_error",
    EXIT_INTERNAL_ERROR: "internal_error",
}


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log each stage, and show Spark's own output (Ivy, log4j, JVM warnings) here.")
@click.option(
    "--log-format",
    type=click.Choice(logs.FORMATS),
    default="auto",
    show_default=True,
    help="Run events on stderr: one JSON line per stage (json), progress lines (text), or text on a terminal and JSON otherwise (auto).",
)
@click.option(
    "--log-dir",
    envvar="POSTCURATE_LOG_DIR",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder for Spark's own output when not --verbose (default: var/log in a checkout, else ~/.local/state/postcurate/log).",
)
@click.pass_context
def main(ctx: click.Context, verbose: bool, log_format: str, log_dir: str | None) -> None:
    """Curate a platform's public posts into consent-clean, PII-free training shards."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    logs.configure(log_format)
    ctx.obj = {"verbose": verbose, "log_dir": log_dir}
    _quiet_jvm(None if verbose else Path(log_dir) if log_dir else _default_log_dir())


def _default_log_dir() -> Path:
    from postcurate.resources import checkout

    root = checkout()
    if root is not None:
        return root / "var" / "log"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "postcurate" / "log"


def _quiet_jvm(folder: Path | None) -> None:
    """Spark's JVM writes its start-up noise (Ivy's resolution report, log4j, JVM warnings) to a file in ``folder``;
    one line says which. None leaves it on the terminal."""
    from postcurate.session import quiet_jvm

    quiet_jvm(folder, lambda path: click.echo(f"postcurate: Spark's own output is in {path} (-v shows it here)", err=True))


@main.command()
@click.option("--out", "out", default="var/lake", show_default=True, type=click.Path(file_okay=False), help="Folder for the lake.")
@click.option("--posts", default=20_000, show_default=True, type=click.IntRange(min=1), help="Number of posts.")
@click.option("--users", default=None, type=click.IntRange(min=1), help="Number of users (default: posts / 8).")
@click.option(
    "--objection-rate", default=0.08, show_default=True, type=click.FloatRange(0, 1), help="Share of users who object to AI training use."
)
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed; the same seed gives the same lake.")
@click.option("--master", default="local[2]", show_default=True, help="Spark master.")
def seed(out: str, posts: int, users: int | None, objection_rate: float, seed: int, master: str) -> None:
    """Generate a synthetic raw lake (posts, users, objections as Delta tables)."""
    from postcurate.seed import seed_lake
    from postcurate.session import build_spark

    spark = build_spark("postcurate-seed", master=master, conf={"spark.sql.shuffle.partitions": 8})
    summary = seed_lake(spark, str(Path(out).resolve()), posts=posts, seed=seed, users=users, objection_rate=objection_rate)
    click.echo(
        f"seeded {summary.posts} posts ({summary.post_versions} versions), {summary.users} users, "
        f"{summary.objections} objections under {summary.root}"
    )


def _checked_before_spark(config):
    """The files a run reads besides its tables (geo rules, detectors) and the output root, checked before Spark
    starts: a mistake there fails in a second, not after a minute of JVM start-up and reading."""
    from postcurate.pii import load_detectors
    from postcurate.rules.geo import load_geo_rules
    from postcurate.storage import check_writable

    geo, detectors = load_geo_rules(config.geo_rules), load_detectors(config.detectors)
    check_writable(config.output_root)
    return geo, detectors


def _run(config_path: str, as_of: str | None, key: bytes | None = None, allow_shrink: bool = False, full: bool = False):
    from postcurate.clock import parse_as_of, utc_now
    from postcurate.config import load_config
    from postcurate.job import run
    from postcurate.session import build_spark_from_config
    from postcurate.snapshot.publish import run_lock

    config = load_config(config_path)
    geo, detectors = _checked_before_spark(config)
    now = utc_now()
    cutoff = parse_as_of(as_of, now)
    key = key or config.key()
    # Locked before Spark starts: a second run fails in a second, not after a minute of JVM start-up.
    with run_lock(config.output_root):
        logs.event("run_start", environment=config.environment, as_of=cutoff.isoformat())
        spark = build_spark_from_config(config)
        return run(spark, config, key=key, as_of=cutoff, now=now, geo=geo, detectors=detectors, allow_shrink=allow_shrink, full=full)


def _summary(result) -> str:
    m = result.manifest
    c = m["counts"]
    lines = [f"snapshot {m['snapshot_id']} (as of {m['as_of']})", ""]
    lines.append(f"  {'posts read':<22}{c['posts_read']:>10}")
    lines.append(f"  {'kept (in shards)':<22}{c['kept']:>10}")
    lines.append(f"  {'excluded (ledger)':<22}{c['excluded']:>10}")
    for reason, n in c["by_reason"].items():
        if reason != "invalid":
            lines.append(f"    {reason:<20}{n:>10}")
    lines.append(f"  {'quarantined (invalid)':<22}{c['quarantined']:>10}")
    total = c["kept"] + c["excluded"] + c["quarantined"]
    lines.append(f"  reconciliation: {c['kept']} + {c['excluded']} + {c['quarantined']} = {total} " + ("(matches posts read)" if total == c["posts_read"] else "(MISMATCH)"))
    if m.get("pii_redactions"):
        lines.append("  PII redacted: " + ", ".join(f"{k} {v}" for k, v in m["pii_redactions"].items()))
    lines.append(f"  shards: {len(m['shards'])} files under {result.snapshot_path / 'shards'}")
    if m.get("publication"):
        lines.append(f"  publication: {m['publication']['verdict']}")
    report = result.snapshot_path / "report" / "index.html"
    if report.is_file():
        lines.append(f"  report: {report}")
    return "\n".join(lines)


@main.command()
@click.option("--config", "config_path", required=True, type=click.Path(), help="The run's config file (e.g. conf/local.yaml).")
@click.option("--as-of", default=None, help="Cut-off timestamp (ISO 8601, UTC by default); default now.")
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Publish even if kept rows fall by more than output.max_shrink against the previous snapshot (recorded in the manifest). Never lets an empty posts table through.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Build from the input tables alone, even where the last snapshot and the tables' change feeds allow an incremental build (docs/incremental.md).",
)
def run(config_path: str, as_of: str | None, allow_shrink: bool, full: bool) -> None:
    """Build, check and publish one snapshot."""
    result = _run(config_path, as_of, allow_shrink=allow_shrink, full=full)
    click.echo(_summary(result))
    if not result.published:
        click.echo("nothing new: this snapshot is already published")
        sys.exit(EXIT_NOTHING_NEW)


@main.command()
@click.option("--config", "config_path", default=None, type=click.Path(), help="Config (default: the shipped conf/local.yaml).")
@click.option("--posts", default=20_000, show_default=True, type=click.IntRange(min=100), help="Posts in the sample lake.")
@click.pass_context
def demo(ctx: click.Context, config_path: str | None, posts: int) -> None:
    """Seed a sample lake if there is none, run the job on it, and show what was kept and excluded.

    Like a scheduled rerun on unchanged inputs, a second demo on the same lake publishes nothing new (and exits 0).
    """
    from postcurate import demo as demos
    from postcurate.config import load_config
    from postcurate.seed import seed_lake
    from postcurate.session import build_spark_from_config

    config_path = config_path or str(Path(__file__).resolve().parents[2] / "conf" / "local.yaml")
    config = load_config(config_path)
    _checked_before_spark(config)
    folder = demos.demo_folder(config)
    if not ctx.obj["verbose"] and not ctx.obj["log_dir"]:
        _quiet_jvm(folder / "log")  # the demo keeps everything of its own under one folder
    key_value = os.environ.get(config.key_env)
    if key_value:
        key = key_value.encode()
    else:
        path = demos.key_path(config)
        key, made = demos.demo_key(path)
        click.echo(
            f"demo: {config.key_env} is not set; "
            + (f"made a pseudonym key for the demo in {path} (mode 0600, never written into a snapshot)" if made else f"using the demo's key in {path}")
        )
    spark = build_spark_from_config(config, app_name="postcurate-demo")
    lake = Path(config.inputs.posts).parent
    as_of = demos.lake_as_of(spark, config)
    if as_of is None:
        click.echo(f"demo: seeding a sample lake of {posts} posts under {lake} ...")
        seed_lake(spark, str(lake), posts=posts)
        as_of = demos.lake_as_of(spark, config)
    # The cut-off is when the lake was last written: the same lake and key give the same snapshot.
    result = _run(config_path, as_of.isoformat() if as_of else None, key=key)
    click.echo(_summary(result))
    if not result.published:
        click.echo(f"nothing new: this lake's snapshot is already published (a new demo needs a new lake: delete {lake})")


def _register_commands() -> None:
    """Commands that live in their own modules, each a thin shell over its part of the library."""
    from postcurate.commands import dedup, inspect, pii, purge, quality

    for command in (pii.redact, pii.pii_eval, dedup.dedup_eval, inspect.inspect, inspect.removed, purge.purge, purge.audit, quality.validate):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
