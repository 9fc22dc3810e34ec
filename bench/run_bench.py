"""Benchmark: the full curation job against Spark's own floor, in one run and one Spark configuration.

For each lake size N it seeds (or reuses) a lake of N posts, then times
  1. the baseline: read the posts table at the same pinned Delta version and write it as Parquet, partitioned
     into about as many folders as the job's shards (by platform and post type), and
  2. the full job (postcurate.job.run), with the time of each stage from its structured events.
It prints wall times, posts per second, the job/baseline ratio, driver peak memory (the Python driver's peak RSS
and the JVM's peak heap), and writes the same as JSON.

    python bench/run_bench.py --posts 1000000,5000000,10000000 --json docs/bench/results.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import resource
import shutil
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

from postcurate.config import load_config  # noqa: E402
from postcurate.job import run as run_job  # noqa: E402
from postcurate.lake import read_pinned  # noqa: E402
from postcurate.seed import REFERENCE, seed_lake  # noqa: E402
from postcurate.session import build_spark  # noqa: E402

KEY = b"benchmark-key-0123456789abcdef0123456789"


class _StageEvents(logging.Handler):
    """Collects the job's stage events (postcurate.logs) as they are emitted."""

    def __init__(self) -> None:
        super().__init__()
        self.stages: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        if isinstance(event, dict) and event.get("event") == "stage":
            self.stages[event["stage"]] = self.stages.get(event["stage"], 0.0) + float(event["duration_s"])


def _jvm_peak_heap_mb(spark, reset: bool = False) -> float:
    """The JVM's peak heap use since the last reset (the driver JVM: in local mode it also runs the tasks)."""
    pools = spark._jvm.java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
    total = 0
    for pool in pools:
        if str(pool.getType().toString()) == "Heap memory":
            total += pool.getPeakUsage().getUsed()
            if reset:
                pool.resetPeakUsage()
    return total / 2**20


def _config(folder: Path, lake: Path, out: Path, shard_mb: float) -> Path:
    config = {
        "environment": "bench",
        "inputs": {t: str(lake / t) for t in ("posts", "users", "objections")},
        "output_root": str(out),
        "geo_rules": str(REPO / "conf" / "geo_rules.yaml"),
        "detectors": str(REPO / "conf" / "detectors.yaml"),
        "pseudonyms": {"key_env": "POSTCURATE_BENCH_KEY"},
        # The lake is seeded once and reused across sessions: its objections feed is as fresh as the benchmark needs.
        "rules": {"objections_max_staleness_hours": 24 * 365},
        "output": {"shard_target_mb": shard_mb},
    }
    path = folder / f"bench-{lake.name}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _baseline(spark, lake: Path, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    posts = read_pinned(spark, "posts", str(lake / "posts"))
    posts.df.repartition("platform", "post_type").write.partitionBy("platform", "post_type").parquet(str(out))
    return time.perf_counter() - started, posts.version


def bench_one(spark, n: int, work: Path, shard_mb: float, reuse: bool) -> dict:
    lake = work / f"lake-{n}"
    seeded_s = None
    if not (reuse and (lake / "_truth" / "_delta_log").is_dir()):
        shutil.rmtree(lake, ignore_errors=True)
        started = time.perf_counter()
        seed_lake(spark, str(lake), posts=n, seed=1)
        seeded_s = time.perf_counter() - started
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    _jvm_peak_heap_mb(spark, reset=True)
    baseline_s, version = _baseline(spark, lake, out / "baseline")
    baseline_heap = _jvm_peak_heap_mb(spark, reset=True)

    config = load_config(_config(work, lake, out / "job", shard_mb))
    events = _StageEvents()
    logging.getLogger("postcurate.events").addHandler(events)
    try:
        now = dt.datetime.now(dt.timezone.utc)
        started = time.perf_counter()
        result = run_job(spark, config, key=KEY, as_of=REFERENCE.replace(tzinfo=dt.timezone.utc), now=now)
        job_s = time.perf_counter() - started
    finally:
        logging.getLogger("postcurate.events").removeHandler(events)
    job_heap = _jvm_peak_heap_mb(spark, reset=True)
    counts = result.manifest["counts"]
    sizes = [s["bytes"] for s in result.manifest["shards"]]
    return {
        "posts": n,
        "posts_read": counts["posts_read"],
        "posts_version": version,
        "seed_s": seeded_s,
        "baseline_s": round(baseline_s, 2),
        "job_s": round(job_s, 2),
        "ratio": round(job_s / baseline_s, 2),
        "baseline_posts_per_s": round(n / baseline_s),
        "job_posts_per_s": round(n / job_s),
        "stages_s": {k: round(v, 2) for k, v in events.stages.items()},
        "jvm_peak_heap_mb": {"baseline": round(baseline_heap), "job": round(job_heap)},
        "python_driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "shards": {"files": len(sizes), "target_mb": shard_mb, "min_mb": round(min(sizes) / 2**20, 2) if sizes else 0,
                   "max_mb": round(max(sizes) / 2**20, 2) if sizes else 0},
        "published": result.published,
    }


def run_bench(spark, sizes: list[int], work: Path, shard_mb: float = 64.0, fresh: bool = False) -> dict:
    """Benchmark each lake size in ``sizes`` with the given session; the figures as a dict."""
    os.environ.setdefault("POSTCURATE_BENCH_KEY", KEY.decode())
    results = [bench_one(spark, n, work, shard_mb, reuse=not fresh) for n in sizes]
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "spark": spark.version,
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "results": results,
    }
    if len(results) > 1:
        small, large = results[0], results[-1]
        report["scaling"] = {
            "posts_factor": round(large["posts"] / small["posts"], 2),
            "job_time_factor": round(large["job_s"] / small["job_s"], 2),
            "python_driver_rss_mb": [r["python_driver_peak_rss_mb"] for r in results],
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", default="1000000", help="comma-separated lake sizes (posts)")
    parser.add_argument("--work", default=str(REPO / "var" / "bench"), help="folder for lakes and outputs")
    parser.add_argument("--shard-mb", type=float, default=64.0, help="target shard size")
    parser.add_argument("--driver-memory", default="12g")
    parser.add_argument("--fresh", action="store_true", help="re-seed lakes even if present")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)

    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    spark = build_spark(
        "postcurate-bench",
        master="local[2]",
        conf={"spark.driver.memory": args.driver_memory, "spark.sql.shuffle.partitions": 16, "spark.ui.enabled": False},
    )
    report = run_bench(spark, [int(n) for n in args.posts.split(",")], work, args.shard_mb, fresh=args.fresh)
    results = report["results"]
    print(f"{'posts':>10} {'baseline s':>11} {'job s':>8} {'ratio':>6} {'job posts/s':>12} {'JVM heap MB':>12}  stages (s)")
    for r in results:
        stages = ", ".join(f"{k} {v}" for k, v in r["stages_s"].items())
        print(f"{r['posts']:>10} {r['baseline_s']:>11} {r['job_s']:>8} {r['ratio']:>6} {r['job_posts_per_s']:>12} {r['jvm_peak_heap_mb']['job']:>12}  {stages}")
    if "scaling" in report:
        print(f"scaling: {report['scaling']['posts_factor']}x posts -> {report['scaling']['job_time_factor']}x job time")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
