"""Benchmark: an incremental run against a full run at the same cut-off, after changes of a given size.

Seeds (or reuses) a lake with the change data feed on, builds a full snapshot at the generator's reference time into
two output roots, then for each level of change (default 0.1%, 1%, 10% of posts, one day apart):
  1. writes a day of changes through delta-spark, as a platform's daily dump would: new versions of that share of
     the posts (70% edits, 20% deletions, 10% made non-public), new posts for half that share, new account versions
     for 0.1% of users (privacy flipped) and new objections for 0.05% of users, all dated inside the day;
  2. times ``postcurate.job.run`` incrementally (from the previous level's snapshot) and with ``full=True``, in the
     same process and Spark settings, one after the other, and checks both published the same snapshot and counts.
Rule 10 is off (with it on every run is full, docs/incremental.md) and the changed-posts threshold is 1.0, so every
level runs incrementally and the crossover can be read off the curve.

    python bench/incremental_bench.py --posts 1000000 --json bench/results/<date>-<commit>-incremental-1m.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))
sys.path.insert(0, str(REPO / "bench"))

from pyspark.sql import Column, DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.window import Window  # noqa: E402
from run_bench import KEY, _session, _StageEvents, write_report  # noqa: E402
from run_bench import _config as bench_config  # noqa: E402

from postcurate.config import load_config  # noqa: E402
from postcurate.job import run as run_job  # noqa: E402
from postcurate.seed import REFERENCE, seed_lake  # noqa: E402

LEVELS = (0.001, 0.01, 0.1)
USERS_CHANGED = 0.001
OBJECTORS_NEW = 0.0005


def _config(folder: Path, lake: Path, out: Path, shard_mb: float) -> Path:
    """The benchmark's config: rule 10 off, every level incremental (the threshold at 1.0)."""
    return bench_config(folder, lake, out, shard_mb, dedup=False, name=f"incremental-{out.name}.yaml",
                        extra={"incremental": {"enabled": True, "max_changed_fraction": 1.0}})


def _draw(salt: str, *cols: Column) -> Column:
    """A uniform number in [0, 1) from the columns: which rows a level picks, the same on every run."""
    return (F.abs(F.xxhash64(F.lit(salt), *cols)) % 1_000_000) / 1_000_000


def _in_day(salt: str, key: Column, since: dt.datetime, until: dt.datetime) -> Column:
    """A timestamp inside (since, until], spread by ``key``."""
    start = int(since.replace(tzinfo=dt.timezone.utc).timestamp())
    span = int((until - since).total_seconds()) - 1
    return (F.lit(start + 1) + (_draw(salt, key) * span).cast("long")).cast("timestamp")


def _latest(df: DataFrame, key: str) -> DataFrame:
    order = Window.partitionBy(key).orderBy(F.col("updated_at").desc_nulls_last())
    return df.withColumn("_n", F.row_number().over(order)).where(F.col("_n") == 1).drop("_n")


def apply_changes(spark: SparkSession, lake: Path, share: float, *, since: dt.datetime, until: dt.datetime, salt: str) -> dict:
    """One day of changes (see the module's docstring), appended to the three tables; the rows written."""
    posts = spark.read.format("delta").load(str(lake / "posts"))
    columns = posts.columns
    picked = _latest(posts.where(F.col("post_id").isNotNull() & (_draw(salt, F.col("post_id")) < share)), "post_id")
    kind = _draw(salt + "kind", F.col("post_id"))
    when = _in_day(salt + "when", F.col("post_id"), since, until)
    changed = (
        picked.withColumn("updated_at", when)
        .withColumn("is_deleted", F.when(kind < 0.2, F.lit(True)).otherwise(F.col("is_deleted")))
        .withColumn("visibility", F.when((kind >= 0.2) & (kind < 0.3), F.lit("friends")).otherwise(F.col("visibility")))
        .withColumn("text", F.when(kind >= 0.3, F.concat(F.col("text"), F.lit(" (edited)"))).otherwise(F.col("text")))
    )
    new = (
        posts.where(F.col("post_id").isNotNull() & (_draw(salt + "new", F.col("post_id")) < share / 2))
        .transform(lambda df: _latest(df, "post_id"))
        .withColumn("post_id", F.concat(F.col("post_id"), F.lit(f"-{salt}")))
        .withColumn("created_at", when)
        .withColumn("updated_at", when)
        .withColumn("is_deleted", F.lit(False))
    )
    rows = changed.select(*columns).unionByName(new.select(*columns)).withColumn("ingest_date", F.lit(until.date()))
    rows = rows.select(*[F.col(f.name).cast(f.dataType) for f in posts.schema.fields])
    rows.write.format("delta").mode("append").save(str(lake / "posts"))

    users = spark.read.format("delta").load(str(lake / "users"))
    accounts = _latest(users.where(_draw(salt + "user", F.col("user_id")) < USERS_CHANGED), "user_id")
    accounts = accounts.withColumn("is_private_account", ~F.col("is_private_account")).withColumn(
        "updated_at", _in_day(salt + "uwhen", F.col("user_id"), since, until)
    )
    accounts.select(*[F.col(f.name).cast(f.dataType) for f in users.schema.fields]).write.format("delta").mode("append").save(str(lake / "users"))

    objections = spark.read.format("delta").load(str(lake / "objections"))
    objectors = users.select("user_id").distinct().where(_draw(salt + "obj", F.col("user_id")) < OBJECTORS_NEW)
    made = objectors.select(
        "user_id",
        _in_day(salt + "owhen", F.col("user_id"), since, until).alias("objected_at"),
        F.lit("ai_training").alias("scope"),
        F.lit(None).alias("withdrawn_at"),
        F.lit("settings").alias("channel"),
    )
    made.select(*[F.col(f.name).cast(f.dataType) for f in objections.schema.fields]).write.format("delta").mode("append").save(str(lake / "objections"))
    return {"post_versions": rows.count(), "account_versions": accounts.count(), "objections": made.count()}


def _timed(spark, config_path: Path, as_of: dt.datetime, *, full: bool) -> dict:
    events = _StageEvents()
    logging.getLogger("postcurate.events").addHandler(events)
    try:
        started = time.perf_counter()
        result = run_job(spark, load_config(config_path), key=KEY, as_of=as_of, now=dt.datetime.now(dt.timezone.utc), full=full)
        wall = time.perf_counter() - started
    finally:
        logging.getLogger("postcurate.events").removeHandler(events)
    m = result.manifest
    return {
        "wall_s": round(wall, 2),
        "stages_s": {k: round(v, 2) for k, v in events.stages.items()},
        "mode": m.get("mode"),
        "mode_info": m.get("mode_info"),
        "snapshot_id": result.snapshot_id,
        "published": result.published,
        "counts": {k: m["counts"][k] for k in ("posts_read", "kept", "excluded", "quarantined")},
        "removed": m.get("removed"),
    }


def bench(spark, n: int, work: Path, shard_mb: float, levels: tuple[float, ...]) -> dict:
    lake = work / f"lake-{n}-feed"  # seeded afresh: the levels' changes are written into it
    shutil.rmtree(lake, ignore_errors=True)
    started = time.perf_counter()
    seed_lake(spark, str(lake), posts=n, seed=1)
    seed_s = round(time.perf_counter() - started, 1)
    inc_root, full_root = work / f"inc-{n}", work / f"full-{n}"
    for root in (inc_root, full_root):
        shutil.rmtree(root, ignore_errors=True)
    configs = {"incremental": _config(work, lake, inc_root, shard_mb), "full": _config(work, lake, full_root, shard_mb)}
    t0 = REFERENCE.replace(tzinfo=dt.timezone.utc)
    # The first snapshot in both roots (both later runs then list removed/ against it); the second is warm.
    first = [_timed(spark, configs[name], t0, full=True) for name in ("incremental", "full")]
    results = []
    for k, share in enumerate(levels, start=1):
        since, until = t0 + dt.timedelta(days=k - 1), t0 + dt.timedelta(days=k)
        started = time.perf_counter()
        written = apply_changes(spark, lake, share, since=since.replace(tzinfo=None), until=until.replace(tzinfo=None), salt=f"level{k}")
        changes_s = round(time.perf_counter() - started, 2)
        inc = _timed(spark, configs["incremental"], until, full=False)
        ful = _timed(spark, configs["full"], until, full=True)
        same = inc["snapshot_id"] == ful["snapshot_id"] and inc["counts"] == ful["counts"] and inc["removed"] == ful["removed"]
        results.append({
            "posts_changed_share": share,
            "written": written,
            "changes_s": changes_s,
            "incremental": inc,
            "full": ful,
            "incremental_over_full": round(inc["wall_s"] / ful["wall_s"], 3),
            "same_snapshot_and_counts": same,
        })
        print(json.dumps(results[-1]), flush=True)
    return {"posts": n, "seed_s": seed_s, "first_builds": first, "levels": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--levels", default=",".join(str(x) for x in LEVELS), help="shares of posts changed, one level per day")
    parser.add_argument("--work", default=str(REPO / "var" / "bench"))
    parser.add_argument("--shard-mb", type=float, default=64.0)
    parser.add_argument("--driver-memory", default="12g")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("POSTCURATE_BENCH_KEY", KEY.decode())
    spark = _session(args.driver_memory)
    try:
        figures = bench(spark, args.posts, work, args.shard_mb, tuple(float(x) for x in args.levels.split(",")))
        report = {
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "spark": spark.version,
            "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **figures,
        }
    finally:
        spark.stop()
    print(f"{'changed':>8} {'decided again':>14} {'incremental s':>14} {'full s':>8} {'inc/full':>9}  same")
    for level in report["levels"]:
        inc, ful = level["incremental"], level["full"]
        print(f"{level['posts_changed_share']:>8.1%} {(inc['mode_info'] or {}).get('changed_posts', '-'):>14} {inc['wall_s']:>14} "
              f"{ful['wall_s']:>8} {level['incremental_over_full']:>9}  {level['same_snapshot_and_counts']}")
    write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
