"""The benchmark harness works end to end on a tiny lake (the figures themselves come from full runs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _bench_module():
    spec = importlib.util.spec_from_file_location("run_bench", REPO / "bench" / "run_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_harness_times_baseline_and_job_and_reports_figures(spark, tmp_path):
    report = _bench_module().run_bench(spark, [1500, 3000], tmp_path, shard_mb=1)
    small, large = report["results"]
    for r in (small, large):
        assert r["posts_read"] == r["posts"] + max(3, r["posts"] // 5000)
        assert r["baseline_s"] > 0 and r["job_s"] > 0 and r["ratio"] == round(r["job_s"] / r["baseline_s"], 2)
        assert r["published"] and r["shards"]["files"] > 0
        assert r["jvm_peak_heap_mb"]["job"] > 0
    assert report["scaling"]["posts_factor"] == 2.0
    assert (tmp_path / "lake-3000" / "posts" / "_delta_log").is_dir()
    # A second run reuses the seeded lake instead of generating it again.
    again = _bench_module().run_bench(spark, [1500], tmp_path, shard_mb=1)
    assert again["results"][0]["seed_s"] is None
