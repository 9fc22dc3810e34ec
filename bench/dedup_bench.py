"""Benchmark: rule 10 (deduplication) on its own, in posts per second per core, on seeded lakes.

For each lake size N it seeds (or reuses) the lake of ``run_bench.py`` (``lake-N`` under ``--work``; the generator
plants copy clusters: most posts unique, clusters of 2 to 5 common, a few viral posts copied thousands of times),
runs rules 1 to 9 once and writes the redacted candidates to Parquet, then times ``postcurate.dedup.duplicates``
on them twice (the first run pays the JVM's warm-up; the second is the figure), with the time of each step. The
input is read from Parquet, so the time is dedup's own: no redaction or rule in it.

Published anchor: BigCode's Spark MinHash deduplication (text-dedup), about 110 documents per second per core.

    python bench/dedup_bench.py --posts 1000000 --json bench/results/<date>-<sha>-dedup-1m.json
    python bench/dedup_bench.py --posts 5000000,10000000 --json bench/results/<date>-<sha>-dedup-5m-10m.json

Each size runs in a fresh Python and JVM. The job's ratio to the copy baseline with and without dedup is
``run_bench.py --without-dedup``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))
sys.path.insert(0, str(REPO / "bench"))

from pyspark import StorageLevel  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from run_bench import KEY, _config, _session  # noqa: E402

import postcurate.dedup.clusters as clusters  # noqa: E402
from postcurate.config import load_config  # noqa: E402
from postcurate.dedup import cluster_sizes, register_near_duplicate_functions, register_normaliser  # noqa: E402
from postcurate.lake import read_pinned  # noqa: E402
from postcurate.pii import load_detectors  # noqa: E402
from postcurate.pipeline import decide, for_destinations, redact_candidates  # noqa: E402
from postcurate.pseudonyms import keyed_pseudonyms  # noqa: E402
from postcurate.rules.geo import load_geo_rules  # noqa: E402
from postcurate.seed import REFERENCE, seed_lake  # noqa: E402

STEPS = ("exact_duplicates", "candidate_pairs", "similar_pairs", "connected_components", "kept_in_order")


def _candidates(spark, lake: Path, work: Path, config, reuse: bool) -> Path:
    """Rules 1 to 9 once; the candidates that reach rule 10 written as Parquet (reused across runs of a size, until
    the lake is seeded again)."""
    target = work / f"dedup-candidates-{lake.name}"
    if reuse and (target / "_SUCCESS").is_file():
        return target
    tables = {t: read_pinned(spark, t, str(lake / t)).df for t in ("posts", "users", "objections")}
    decided = decide(
        tables["posts"], tables["users"], tables["objections"], as_of=REFERENCE, geo=load_geo_rules(config.geo_rules),
        rules=config.rules, pseudonyms=keyed_pseudonyms(spark, KEY),
    ).transform(for_destinations)
    redacted = redact_candidates(decided, detectors=load_detectors(config.detectors), rules=config.rules)
    redacted.where(F.col("reason").isNull()).select("post_pid", "created_at", "text").write.mode("overwrite").parquet(str(target))
    return target


@contextlib.contextmanager
def _timed_steps():
    """Wrap the steps of ``duplicates`` so each one's time is recorded (they run one after another)."""
    times: dict[str, float] = {}
    originals = {name: getattr(clusters, name) for name in STEPS}

    def timed(name, original):
        def step(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times[name] = round(times.get(name, 0.0) + time.perf_counter() - started, 2)

        return step

    for name, original in originals.items():
        setattr(clusters, name, timed(name, original))
    try:
        yield times
    finally:
        for name, original in originals.items():
            setattr(clusters, name, original)


def _require_copies(spark, lake: Path) -> None:
    """A lake seeded before the generator planted copies has none for rule 10 to find: timing it would flatter."""
    truth = spark.read.format("delta").load(str(lake / "_truth"))
    if truth.where(F.col("expected_reason") == "duplicate").isEmpty():
        raise SystemExit(f"{lake} has no planted copies (seeded by an older generator): run again with --fresh, or another --work")


def bench_one(spark, n: int, work: Path, reuse: bool) -> dict:
    lake = work / f"lake-{n}"
    seeded_s = None
    if not (reuse and (lake / "_truth" / "_delta_log").is_dir()):
        shutil.rmtree(lake, ignore_errors=True)
        started = time.perf_counter()
        seed_lake(spark, str(lake), posts=n, seed=1)
        seeded_s = round(time.perf_counter() - started, 1)
    _require_copies(spark, lake)
    config = load_config(_config(work, lake, work / f"out-dedup-{n}", 64.0))
    settings = config.dedup
    source = _candidates(spark, lake, work, config, reuse=seeded_s is None)
    register_normaliser(spark)
    near = register_near_duplicate_functions(spark, settings)
    runs = []
    for _ in range(2):
        candidates = spark.read.parquet(str(source)).persist(StorageLevel.MEMORY_AND_DISK)
        rows = candidates.count()
        with _timed_steps() as steps:
            started = time.perf_counter()
            found = clusters.duplicates(candidates, settings, near)
            seconds = time.perf_counter() - started
        sizes = cluster_sizes(found)
        found.unpersist()
        candidates.unpersist()
        runs.append((seconds, dict(steps), sizes, rows))
    (cold_s, cold_steps, _, _), (warm_s, steps, sizes, rows) = runs
    cores = int(spark.sparkContext.defaultParallelism)
    return {
        "posts": n,
        "candidates": rows,
        "seed_s": seeded_s,
        "cores": cores,
        "dedup_s": round(warm_s, 2),
        "dedup_cold_s": round(cold_s, 2),
        "candidates_per_s_per_core": round(rows / warm_s / cores),
        "steps_s": steps,
        "steps_cold_s": cold_steps,
        "dedup": sizes,
        "settings": dataclasses.asdict(settings),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", default="1000000", help="comma-separated lake sizes (posts)")
    parser.add_argument("--work", default=str(REPO / "var" / "bench"), help="folder for lakes and outputs (shared with run_bench.py)")
    parser.add_argument("--driver-memory", default="12g")
    parser.add_argument("--fresh", action="store_true", help="re-seed lakes even if present")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--one-to", default=None, help=argparse.SUPPRESS)  # internal: run one size, write its figures here
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("POSTCURATE_BENCH_KEY", KEY.decode())
    sizes = [int(n) for n in args.posts.split(",")]
    if args.one_to:
        spark = _session(args.driver_memory)
        figures = bench_one(spark, sizes[0], work, reuse=not args.fresh)
        Path(args.one_to).write_text(json.dumps({"spark": spark.version, "figures": figures}))
        spark.stop()
        return 0
    results, spark_version = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            out = Path(tmp) / f"{n}.json"
            child = [sys.executable, __file__, "--posts", str(n), "--work", str(work), "--driver-memory", args.driver_memory, "--one-to", str(out)]
            child += ["--fresh"] if args.fresh else []
            subprocess.run(child, check=True)
            one = json.loads(out.read_text())
            spark_version = one["spark"]
            results.append(one["figures"])
            print(json.dumps(one["figures"]), flush=True)
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "spark": spark_version,
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "anchor": {"bigcode_text_dedup_spark_docs_per_s_per_core": 110},
        "results": results,
    }
    if len(results) > 1:
        report["scaling"] = {
            "posts_factor": round(results[-1]["posts"] / results[0]["posts"], 2),
            "dedup_time_factor": round(results[-1]["dedup_s"] / results[0]["dedup_s"], 2),
        }
    for r in results:
        print(
            f"{r['posts']:>10} posts, {r['candidates']:>9} candidates: dedup {r['dedup_s']} s (first run {r['dedup_cold_s']} s), "
            f"{r['candidates_per_s_per_core']} candidates/s/core; removed {r['dedup']['removed']} in {r['dedup']['clusters']} clusters "
            f"(largest {r['dedup']['largest_cluster']}); steps " + ", ".join(f"{k} {v}" for k, v in r["steps_s"].items())
        )
    if "scaling" in report:
        print(f"scaling: {report['scaling']['posts_factor']}x posts -> {report['scaling']['dedup_time_factor']}x dedup time")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
