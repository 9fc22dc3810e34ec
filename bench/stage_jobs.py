"""Benchmark: the fixed cost of a run on a small lake, per stage: wall time and the number of Spark jobs.

On a few thousand posts a run's time is mostly per-job overhead (scheduling, planning, adaptive re-planning), not
data, so the number of Spark jobs each stage runs is the figure to cut. This seeds a lake of N posts, runs the job
in-process twice (the first run pays the JVM's warm-up; the second is the figure) and prints, per stage, its wall
time (from the run's stage events) and how many Spark jobs were submitted while it ran (Spark's job ids are
sequential: the jobs of a stage are the ids handed out between the end of the stage before it and its own end).

Steps without an event of their own are counted with the stage after them: the plan step (freshness, the
previous manifest, and the background count of posts read, submitted beside the pipeline) with ``decide``, the
verdict (report) with ``publish``.

    python bench/stage_jobs.py --posts 3000
    python bench/stage_jobs.py --posts 300 --conf spark.sql.adaptive.enabled=false --conf spark.sql.shuffle.partitions=2

``--conf key=value`` (repeatable) is passed to the session's conf, after the defaults: the test suite's settings
(tests/conftest.py: AQE off, whole-stage codegen off, 2 shuffle partitions) give the figures its runs see.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))
sys.path.insert(0, str(REPO / "bench"))

from run_bench import KEY, _config  # noqa: E402

from postcurate.config import load_config  # noqa: E402
from postcurate.job import run as run_job  # noqa: E402
from postcurate.seed import REFERENCE, seed_lake  # noqa: E402
from postcurate.session import build_spark  # noqa: E402


def _last_job_id(spark) -> int:
    """The newest Spark job's id (-1 before the first): jobs outside a job group, which is every job of a run."""
    return max(spark.sparkContext.statusTracker().getJobIdsForGroup(None), default=-1)


class _StageJobs(logging.Handler):
    """Per stage event (postcurate.logs): its duration and the Spark jobs submitted since the previous event."""

    def __init__(self, spark) -> None:
        super().__init__()
        self.spark = spark
        self.last = _last_job_id(spark)
        self.stages: list[tuple[str, float, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        if isinstance(event, dict) and event.get("event") == "stage":
            now = _last_job_id(self.spark)
            self.stages.append((event["stage"], float(event["duration_s"]), now - self.last))
            self.last = now


def measure(spark, config) -> tuple[float, list[tuple[str, float, int]]]:
    """One run of the job: its wall time and ``(stage, seconds, spark jobs)`` per stage event."""
    events = _StageJobs(spark)
    logger = logging.getLogger("postcurate.events")
    logger.addHandler(events)
    try:
        started = time.perf_counter()
        run_job(spark, config, key=KEY, as_of=REFERENCE.replace(tzinfo=dt.timezone.utc), now=dt.datetime.now(dt.timezone.utc))
        return time.perf_counter() - started, events.stages
    finally:
        logger.removeHandler(events)


def _setting(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    return key.strip(), value.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=3000, help="posts in the seeded lake")
    parser.add_argument("--shuffle-partitions", type=int, default=4)
    parser.add_argument(
        "--conf", type=_setting, action="append", default=[], metavar="KEY=VALUE", help="a Spark setting for the session (repeatable)"
    )
    parser.add_argument("--work", default=None, help="folder for the lake and the outputs (default: a temporary one)")
    args = parser.parse_args(argv)

    os.environ["POSTCURATE_BENCH_KEY"] = KEY.decode()
    work = Path(args.work or tempfile.mkdtemp(prefix="postcurate-stage-jobs-"))
    conf = {"spark.sql.shuffle.partitions": args.shuffle_partitions, "spark.ui.enabled": False, **dict(args.conf)}
    spark = build_spark("postcurate-stage-jobs", master="local[2]", conf=conf)
    try:
        lake = work / f"lake-{args.posts}"
        seed_lake(spark, str(lake), posts=args.posts)
        for label in ("warm-up", "measured"):
            # A fresh output root each time: the second run must build its snapshot, not find the first's.
            config = load_config(_config(work, lake, work / f"out-{label}", shard_mb=64.0))
            total, stages = measure(spark, config)
        settings = ", ".join(f"{k}={v}" for k, v in args.conf) or "no --conf"
        print(f"{args.posts} posts, local[2], {conf['spark.sql.shuffle.partitions']} shuffle partitions ({settings}); the {label} run of two:")
        print(f"{'stage':<10} {'seconds':>8} {'jobs':>5}")
        for name, seconds, jobs in stages:
            print(f"{name:<10} {seconds:>8.1f} {jobs:>5}")
        print(f"{'total':<10} {total:>8.1f} {sum(j for _, _, j in stages):>5}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
