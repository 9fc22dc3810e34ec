"""The benchmark harness works end to end on a tiny lake (the figures themselves come from full runs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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
        assert r["baseline_s"] > 0 and r["job_s"] > 0 and r["ratio"] == pytest.approx(r["job_s"] / r["baseline_s"], rel=0.02)  # from unrounded times
        assert r["ratio_cold"] == pytest.approx(r["job_cold_s"] / r["baseline_cold_s"], rel=0.02)
        assert {"decide", "write", "gate"} <= set(r["stages_s"]) and {"decide", "write", "gate"} <= set(r["stages_cold_s"])
        assert r["published"] and r["shards"]["files"] > 0
        assert r["jvm_peak_heap_mb"]["job"] > 0
        assert r["shards"]["files"] >= r["shards"]["partitions"] > 0
    assert report["scaling"]["posts_factor"] == 2.0
    assert (tmp_path / "lake-3000" / "posts" / "_delta_log").is_dir()
    # A second run reuses the seeded lake instead of generating it again.
    again = _bench_module().run_bench(spark, [1500], tmp_path, shard_mb=1, components=True)
    assert again["results"][0]["seed_s"] is None
    parts = again["results"][0]["components_s"]
    assert parts["pii_rows"] == again["results"][0]["kept"] + again["results"][0]["by_reason"]["empty"]
    assert parts["read_resolve_s"] > 0
    # The parts alone against the baseline, without the job: two rounds, each with its own baseline.
    quick = _bench_module().run_bench(spark, [1500], tmp_path, shard_mb=1, parts_only=True)["results"][0]
    assert quick["parts_only"] and len(quick["parts_rounds"]) == 2 and "job_s" not in quick
    for r in quick["parts_rounds"]:
        assert r["pii_rows"] == parts["pii_rows"] and r["baseline_s"] > 0
        assert r["pii_x_baseline"] == pytest.approx(r["pii_s"] / r["baseline_s"], abs=0.01)


def test_a_bigger_objections_table_is_seeded_on_request(spark, tmp_path):
    report = _bench_module().run_bench(spark, [1000], tmp_path, shard_mb=1, users=400, objection_rate=0.5)
    r = report["results"][0]
    assert r["users"] == 400
    # Half the users object; some of those who withdrew object a second time.
    assert 160 <= r["objection_rows"] <= 260


def test_shard_conformance_ignores_each_partitions_last_file():
    mb = 2**20
    shards = [
        {"path": "shards/split=train/country=GB/part-00000.parquet", "split": "train", "country": "GB", "bytes": 10 * mb},
        {"path": "shards/split=train/country=GB/part-00001.parquet", "split": "train", "country": "GB", "bytes": 7 * mb},
        {"path": "shards/split=train/country=GB/part-00002.parquet", "split": "train", "country": "GB", "bytes": 1 * mb},
        {"path": "shards/split=train/country=US/part-00000.parquet", "split": "train", "country": "US", "bytes": 3 * mb},
    ]
    c = _bench_module().shard_conformance(shards, target_mb=10)
    assert (c["files"], c["partitions"], c["not_last"], c["not_last_within_20pct"]) == (4, 2, 2, 1)
    assert c["min_mb"] == 1 and c["max_mb"] == 10
