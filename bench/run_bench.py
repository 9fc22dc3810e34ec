"""Benchmark: the full curation job against Spark's own floor, in one run and one Spark configuration.

For each lake size N it seeds (or reuses) a lake of N posts, then times
  1. the baseline: read the posts table at the same pinned Delta version and write it as Parquet, partitioned
     into about as many folders as the job's shards (by platform and post type), and
  2. the full job (postcurate.job.run), with the time of each stage from its structured events.
It prints wall times, posts per second, the job/baseline ratio, driver peak memory (the Python driver's peak RSS
and the JVM's peak heap), how many shard files land within 20% of the target size, and writes the same as JSON.
With ``--without-dedup`` it also runs the job once more (warm) with rule 10 off, for the ratio without dedup.
With ``--components`` it also times the job's parts on their own (read and resolve, rules, PII), each written to
Spark's no-op sink, because inside the job Spark fuses them into the same tasks.

Several sizes run one after another, each in a fresh Python and JVM, so each size's peak memory is its own.

    python bench/run_bench.py --posts 1000000,5000000,10000000 --json bench/results/<date>-<commit>-job-1m-5m-10m.json
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

from pyspark import StorageLevel  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from postcurate.config import load_config  # noqa: E402
from postcurate.job import run as run_job  # noqa: E402
from postcurate.lake import read_pinned  # noqa: E402
from postcurate.pii import load_detectors, with_redacted_text  # noqa: E402
from postcurate.pipeline import decide  # noqa: E402
from postcurate.pseudonyms import keyed_pseudonyms  # noqa: E402
from postcurate.rules.eligibility import latest_posts  # noqa: E402
from postcurate.rules.geo import load_geo_rules  # noqa: E402
from postcurate.seed import REFERENCE, seed_lake  # noqa: E402
from postcurate.session import build_spark  # noqa: E402

KEY = b"bk-3e9a7c1f5d2b8e4a0c6f9d3b7e1a5c2f8d4b"  # random-looking: config.key() refuses weak keys


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


def _config(folder: Path, lake: Path, out: Path, shard_mb: float, dedup: bool = True, *, name: str | None = None, extra: dict | None = None) -> Path:
    """A bench config over ``lake`` into ``out``; ``extra`` adds or replaces top-level sections."""
    config = {
        "environment": "bench",
        "inputs": {t: str(lake / t) for t in ("posts", "users", "objections")},
        "output_root": str(out),
        "geo_rules": str(REPO / "conf" / "geo_rules.yaml"),
        "detectors": str(REPO / "conf" / "detectors.yaml"),
        "pseudonyms": {"key_env": "POSTCURATE_BENCH_KEY"},
        # The lake is seeded once and reused across benchmark runs: its objections feed is as fresh as the benchmark needs.
        "rules": {"objections_max_staleness_hours": 24 * 365},
        "output": {"shard_target_mb": shard_mb},
        "dedup": {"enabled": dedup},
    } | (extra or {})
    path = folder / (name or f"bench-{lake.name}{'' if dedup else '-nodedup'}.yaml")
    path.write_text(yaml.safe_dump(config))
    return path


def _baseline(spark, lake: Path, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    posts = read_pinned(spark, "posts", str(lake / "posts"))
    posts.df.repartition("platform", "post_type").write.partitionBy("platform", "post_type").parquet(str(out))
    return time.perf_counter() - started, posts.version


def _job(spark, config) -> tuple[float, dict[str, float], object]:
    """One full run of the job: its wall time, the time of each stage (from its events) and its result."""
    events = _StageEvents()
    logging.getLogger("postcurate.events").addHandler(events)
    try:
        now = dt.datetime.now(dt.timezone.utc)
        started = time.perf_counter()
        result = run_job(spark, config, key=KEY, as_of=REFERENCE.replace(tzinfo=dt.timezone.utc), now=now)
        return time.perf_counter() - started, events.stages, result
    finally:
        logging.getLogger("postcurate.events").removeHandler(events)


def _timed_noop(df) -> float:
    """Seconds to compute ``df`` in full and throw the rows away (Spark's no-op sink: no storage cost)."""
    started = time.perf_counter()
    df.write.format("noop").mode("overwrite").save()
    return time.perf_counter() - started


def _components(spark, lake: Path, config, as_of: dt.datetime) -> dict:
    """The job's parts timed alone: read and resolve, read to rules, and the PII stage over the kept posts."""
    tables = {t: read_pinned(spark, t, str(lake / t)).df for t in ("posts", "users", "objections")}
    cutoff = as_of.replace(tzinfo=None)
    geo = load_geo_rules(config.geo_rules)
    resolve_s = _timed_noop(latest_posts(tables["posts"], cutoff, config.rules))
    decided = decide(tables["posts"], tables["users"], tables["objections"], as_of=cutoff, geo=geo, rules=config.rules, pseudonyms=keyed_pseudonyms(spark, KEY))
    decide_s = _timed_noop(decided)
    kept = decided.where(F.col("reason").isNull()).select("text").persist(StorageLevel.MEMORY_AND_DISK)
    try:
        kept_rows = kept.count()
        scan_s = _timed_noop(kept)
        pii_s = _timed_noop(with_redacted_text(kept, load_detectors(config.detectors), "text"))
    finally:
        kept.unpersist()
    return {
        "read_resolve_s": round(resolve_s, 2),
        "rules_s": round(decide_s - resolve_s, 2),
        "pii_s": round(pii_s - scan_s, 2),
        "pii_rows": kept_rows,
    }


def shard_conformance(shards: list[dict], target_mb: float) -> dict:
    """Shard sizes against the target: how many files (not counting each partition's last) are within 20% of it."""
    target = target_mb * 2**20
    by_partition: dict[tuple, list[dict]] = {}
    for shard in shards:
        by_partition.setdefault((shard["split"], shard["country"]), []).append(shard)
    inner = [s["bytes"] for files in by_partition.values() for s in sorted(files, key=lambda f: f["path"])[:-1]]
    within = [b for b in inner if abs(b - target) <= 0.2 * target]
    sizes = [s["bytes"] for s in shards]
    return {
        "files": len(sizes),
        "partitions": len(by_partition),
        "target_mb": target_mb,
        "min_mb": round(min(sizes) / 2**20, 2) if sizes else 0,
        "max_mb": round(max(sizes) / 2**20, 2) if sizes else 0,
        "not_last": len(inner),
        "not_last_within_20pct": len(within),
        "not_last_mean_mb": round(sum(inner) / len(inner) / 2**20, 2) if inner else None,
    }


def bench_one(
    spark,
    n: int,
    work: Path,
    shard_mb: float,
    reuse: bool,
    *,
    users: int | None = None,
    objection_rate: float = 0.08,
    components: bool = False,
    without_dedup: bool = False,
    parts_only: bool = False,
) -> dict:
    lake = work / (f"lake-{n}" if users is None and objection_rate == 0.08 else f"lake-{n}-u{users}-o{objection_rate}")
    seeded_s = None
    if not (reuse and (lake / "_truth" / "_delta_log").is_dir()):
        shutil.rmtree(lake, ignore_errors=True)
        started = time.perf_counter()
        seed_lake(spark, str(lake), posts=n, seed=1, users=users, objection_rate=objection_rate)
        seeded_s = round(time.perf_counter() - started, 1)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    if parts_only:
        return _parts_only(spark, n, lake, out, shard_mb, work, seeded_s)

    # The baseline runs twice, before and after the job, and the second (warm) time is the one compared: a
    # fresh JVM's first job pays for class loading and JIT compilation, which would flatter the job's ratio
    # (the cold time is kept: ``ratio_cold`` compares it with the job's first run).
    _jvm_peak_heap_mb(spark, reset=True)
    baseline_cold_s, version = _baseline(spark, lake, out / "baseline-cold")
    baseline_heap = _jvm_peak_heap_mb(spark, reset=True)

    # The job runs twice as well, each time into a fresh output root (a second run into the same one would find
    # its snapshot published and do nothing): the first pays the JVM's warm-up of the job's own code paths, and
    # the ratio compares the warm runs of both. The cold pair is reported beside it (``ratio_cold``).
    runs = [_job(spark, load_config(_config(work, lake, out / name, shard_mb))) for name in ("job-cold", "job")]
    job_heap = _jvm_peak_heap_mb(spark, reset=True)
    (job_cold_s, cold_stages, _), (job_s, stages, result) = runs
    nodedup = _job(spark, load_config(_config(work, lake, out / "job-nodedup", shard_mb, dedup=False))) if without_dedup else None
    baseline_s, _ = _baseline(spark, lake, out / "baseline")
    counts = result.manifest["counts"]
    lake_tables = {t: read_pinned(spark, t, str(lake / t)).df for t in ("users", "objections")}
    figures = {
        "posts": n,
        "users": lake_tables["users"].select("user_id").distinct().count(),
        "objection_rows": lake_tables["objections"].count(),
        "posts_read": counts["posts_read"],
        "kept": counts["kept"],
        "by_reason": counts["by_reason"],
        "posts_version": version,
        "seed_s": seeded_s,
        "baseline_s": round(baseline_s, 2),
        "baseline_cold_s": round(baseline_cold_s, 2),
        "job_s": round(job_s, 2),
        "job_cold_s": round(job_cold_s, 2),
        "ratio": round(job_s / baseline_s, 2),
        "ratio_cold": round(job_cold_s / baseline_cold_s, 2),
        "baseline_posts_per_s": round(n / baseline_s),
        "job_posts_per_s": round(n / job_s),
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "stages_cold_s": {k: round(v, 2) for k, v in cold_stages.items()},
        "jvm_peak_heap_mb": {"baseline": round(baseline_heap), "job": round(job_heap)},
        "python_driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "shards": shard_conformance(result.manifest["shards"], shard_mb),
        "published": result.published,
    }
    if nodedup is not None:
        figures["job_without_dedup_s"] = round(nodedup[0], 2)
        figures["ratio_without_dedup"] = round(nodedup[0] / baseline_s, 2)
        figures["stages_without_dedup_s"] = {k: round(v, 2) for k, v in nodedup[1].items()}
    figures["dedup"] = result.manifest.get("dedup")
    if components:
        figures["components_s"] = _components(spark, lake, load_config(_config(work, lake, out / "job", shard_mb)), REFERENCE)
    return figures


def _parts_only(spark, n: int, lake: Path, out: Path, shard_mb: float, work: Path, seeded_s) -> dict:
    """The baseline (cold, then warm) and the job's parts alone, without the job: the PII stage against the copy
    baseline in a few minutes. Rounds alternate baseline and parts, so a change in the machine hits both alike."""
    config = load_config(_config(work, lake, out / "job", shard_mb))
    baseline_cold_s, version = _baseline(spark, lake, out / "baseline-cold")
    rounds = []
    for k in range(2):
        parts = _components(spark, lake, config, REFERENCE)
        baseline_s, _ = _baseline(spark, lake, out / f"baseline-{k}")
        rounds.append({**parts, "baseline_s": round(baseline_s, 2), "pii_x_baseline": round(parts["pii_s"] / baseline_s, 2)})
    return {
        "posts": n,
        "posts_version": version,
        "seed_s": seeded_s,
        "baseline_cold_s": round(baseline_cold_s, 2),
        "parts_rounds": rounds,
        "components_s": rounds[-1],
        "parts_only": True,
    }


def summarise(results: list[dict], spark_version: str) -> dict:
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "spark": spark_version,
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "results": results,
    }
    if len(results) > 1 and not any(r.get("parts_only") for r in results):
        small, large = results[0], results[-1]
        report["scaling"] = {
            "posts_factor": round(large["posts"] / small["posts"], 2),
            "job_time_factor": round(large["job_s"] / small["job_s"], 2),
            "python_driver_rss_mb": [r["python_driver_peak_rss_mb"] for r in results],
            "jvm_peak_heap_mb": [r["jvm_peak_heap_mb"]["job"] for r in results],
        }
    return report


def run_bench(spark, sizes: list[int], work: Path, shard_mb: float = 64.0, fresh: bool = False, **options) -> dict:
    """Benchmark each lake size in ``sizes`` with the given session; the figures as a dict."""
    os.environ.setdefault("POSTCURATE_BENCH_KEY", KEY.decode())
    results = [bench_one(spark, n, work, shard_mb, reuse=not fresh, **options) for n in sizes]
    return summarise(results, spark.version)


def _print(report: dict) -> None:
    results = report["results"]
    for r in results:
        if r.get("parts_only"):
            for k, parts in enumerate(r["parts_rounds"]):
                print(f"{r['posts']:>10} round {k + 1}: baseline {parts['baseline_s']} s; parts alone (s): "
                      + ", ".join(f"{key} {v}" for key, v in parts.items() if key != "baseline_s"))
    results = [r for r in results if not r.get("parts_only")]
    print(f"{'posts':>10} {'baseline s':>11} {'job s':>8} {'ratio':>6} {'job posts/s':>12} {'JVM heap MB':>12} {'py RSS MB':>10}  stages (s)")
    for r in results:
        stages = ", ".join(f"{k} {v}" for k, v in r["stages_s"].items())
        print(
            f"{r['posts']:>10} {r['baseline_s']:>11} {r['job_s']:>8} {r['ratio']:>6} {r['job_posts_per_s']:>12} "
            f"{r['jvm_peak_heap_mb']['job']:>12} {r['python_driver_peak_rss_mb']:>10}  {stages}"
        )
        print(
            f"{'':>10} first (cold) runs: baseline {r['baseline_cold_s']} s, job {r['job_cold_s']} s, ratio {r['ratio_cold']}; "
            "stages " + ", ".join(f"{k} {v}" for k, v in r["stages_cold_s"].items())
        )
        gate = r["stages_s"].get("gate")
        if gate is not None:
            print(f"{'':>10} gate share of job: {gate / r['job_s']:.1%}")
        sh = r["shards"]
        print(
            f"{'':>10} shards: {sh['files']} files in {sh['partitions']} partitions, {sh['min_mb']}-{sh['max_mb']} MB; "
            f"{sh['not_last_within_20pct']} of {sh['not_last']} non-last files within 20% of {sh['target_mb']} MB"
        )
        if "job_without_dedup_s" in r:
            print(f"{'':>10} without dedup: job {r['job_without_dedup_s']} s, ratio {r['ratio_without_dedup']}")
        if "components_s" in r:
            print(f"{'':>10} parts alone (s): " + ", ".join(f"{k} {v}" for k, v in r["components_s"].items()))
    if "scaling" in report:
        sc = report["scaling"]
        print(f"scaling: {sc['posts_factor']}x posts -> {sc['job_time_factor']}x job time; JVM peak heap MB {sc['jvm_peak_heap_mb']}")


def _spark_setting(text: str) -> tuple[str, str]:
    """``--conf KEY=VALUE`` as a pair; argparse turns the ValueError into a usage error."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(text)
    return key, value


def _session(driver_memory: str, conf: dict[str, str] | None = None):
    return build_spark(
        "postcurate-bench",
        master="local[2]",
        conf={"spark.driver.memory": driver_memory, "spark.sql.shuffle.partitions": 16, "spark.ui.enabled": False, **(conf or {})},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", default="1000000", help="comma-separated lake sizes (posts)")
    parser.add_argument("--users", type=int, default=None, help="users in each lake (default: posts / 8)")
    parser.add_argument("--objection-rate", type=float, default=0.08, help="share of users who object")
    parser.add_argument("--work", default=str(REPO / "var" / "bench"), help="folder for lakes and outputs")
    parser.add_argument("--shard-mb", type=float, default=64.0, help="target shard size")
    parser.add_argument("--driver-memory", default="12g")
    parser.add_argument("--components", action="store_true", help="also time read/resolve, rules and PII on their own")
    parser.add_argument("--parts-only", action="store_true",
                        help="only the baseline and the parts alone (read/resolve, rules, PII), in two alternating rounds; no job")
    parser.add_argument("--fresh", action="store_true", help="re-seed lakes even if present")
    parser.add_argument("--without-dedup", action="store_true", help="also run the job with rule 10 off (ratio without dedup)")
    parser.add_argument("--conf", action="append", default=[], type=_spark_setting, metavar="KEY=VALUE",
                        help="a Spark setting for baseline and job alike (repeatable), e.g. to compare a setting's effect")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--one-to", default=None, help=argparse.SUPPRESS)  # internal: run one size, write its figures here
    args = parser.parse_args(argv)

    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("POSTCURATE_BENCH_KEY", KEY.decode())
    sizes = [int(n) for n in args.posts.split(",")]
    options = {"users": args.users, "objection_rate": args.objection_rate, "components": args.components,
               "without_dedup": args.without_dedup, "parts_only": args.parts_only}

    if args.one_to:
        spark = _session(args.driver_memory, dict(args.conf))
        figures = bench_one(spark, sizes[0], work, args.shard_mb, reuse=not args.fresh, **options)
        Path(args.one_to).write_text(json.dumps({"spark": spark.version, "figures": figures}))
        spark.stop()
        return 0

    # Each size in a fresh driver, so its peak memory is its own and no cache or JIT state carries over.
    results, spark_version = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            out = Path(tmp) / f"{n}.json"
            child = [sys.executable, __file__, "--posts", str(n), "--work", str(work), "--shard-mb", str(args.shard_mb),
                     "--driver-memory", args.driver_memory, "--objection-rate", str(args.objection_rate), "--one-to", str(out)]
            child += (["--users", str(args.users)] if args.users else []) + (["--components"] if args.components else [])
            child += ["--parts-only"] if args.parts_only else []
            child += ["--fresh"] if args.fresh else []
            child += ["--without-dedup"] if args.without_dedup else []
            child += [a for key, value in args.conf for a in ("--conf", f"{key}={value}")]
            subprocess.run(child, check=True)
            one = json.loads(out.read_text())
            spark_version = one["spark"]
            results.append(one["figures"])
            print(json.dumps(one["figures"]), flush=True)
    report = summarise(results, spark_version)
    report["spark_conf_overrides"] = dict(args.conf)
    _print(report)
    write_report(args.json, report)
    return 0


def write_report(path: str | None, report: dict) -> None:
    """The figures as JSON at ``path`` (a result file, ``bench/results/<date>-<commit>-<what>.json``), if given."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
