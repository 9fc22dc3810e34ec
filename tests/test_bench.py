"""The benchmark harness works end to end on one tiny lake (the figures themselves come from full runs)."""

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
    """One size, once, with the parts timed too; then the parts alone on the same (reused) lake. The lake is seeded
    with a bigger objections table than the default, so the options reach the generator."""
    bench = _bench_module()
    report = bench.run_bench(spark, [200], tmp_path, shard_mb=1, users=400, objection_rate=0.5, components=True)
    (r,) = report["results"]
    assert r["posts_read"] == r["posts"] + max(3, r["posts"] // 5000)
    assert r["baseline_s"] > 0 and r["job_s"] > 0 and r["ratio"] == pytest.approx(r["job_s"] / r["baseline_s"], rel=0.02)  # from unrounded times
    assert r["ratio_cold"] == pytest.approx(r["job_cold_s"] / r["baseline_cold_s"], rel=0.02)
    assert {"decide", "write", "gate"} <= set(r["stages_s"]) and {"decide", "write", "gate"} <= set(r["stages_cold_s"])
    assert r["published"] and r["shards"]["files"] > 0
    assert r["jvm_peak_heap_mb"]["job"] > 0
    assert r["shards"]["files"] >= r["shards"]["partitions"] > 0
    assert r["seed_s"] is not None and (tmp_path / "lake-200-u400-o0.5" / "posts" / "_delta_log").is_dir()
    # A bigger objections table on request: half the users object; some of those who withdrew object a second time.
    assert r["users"] == 400
    assert 160 <= r["objection_rows"] <= 260
    parts = r["components_s"]
    # Redaction runs on every post rules 1-8 keep: those kept, empty (rule 9) or duplicate (rule 10) after it.
    assert parts["pii_rows"] == r["kept"] + r["by_reason"]["empty"] + r["by_reason"].get("duplicate", 0)
    assert parts["read_resolve_s"] > 0
    # The parts alone against the baseline, without the job: two rounds, each with its own baseline; and a second
    # run reuses the seeded lake instead of generating it again.
    quick = bench.run_bench(spark, [200], tmp_path, shard_mb=1, users=400, objection_rate=0.5, parts_only=True)["results"][0]
    assert quick["seed_s"] is None
    assert quick["parts_only"] and len(quick["parts_rounds"]) == 2 and "job_s" not in quick
    for q in quick["parts_rounds"]:
        assert q["pii_rows"] == parts["pii_rows"] and q["baseline_s"] > 0
        assert q["pii_x_baseline"] == pytest.approx(q["pii_s"] / q["baseline_s"], abs=0.01)
    # Several sizes are compared in a scaling summary (the figures of a size twice as large, as a second run gives).
    twice = {**r, "posts": 2 * r["posts"], "job_s": 3 * r["job_s"]}
    scaling = bench.summarise([r, twice], spark.version)["scaling"]
    assert scaling["posts_factor"] == 2.0 and scaling["job_time_factor"] == pytest.approx(3.0, rel=0.01)
    assert scaling["jvm_peak_heap_mb"] == [r["jvm_peak_heap_mb"]["job"]] * 2


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
