"""Benchmark: what the gate's residual-PII check costs, on the shards of a published snapshot, in one run.

Reads the shard text once (cached), then times, alternating, in rounds:
  * the gate's facts without the check (ids, enums, characters left: the scan the facts need anyway), and
  * the same facts with the check (``quality.residual``: one JVM call per shard text),
each written to Spark's no-op sink. The difference is the check's own cost; the job's gate time and its share come
from ``bench/run_bench.py`` run on the same machine just before or after.

    python bench/residual_check.py var/bench/out-1000000 --rounds 3 --json bench/results/<date>-<sha>-residual-1m.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

from pyspark.sql import functions as F  # noqa: E402

from postcurate.quality import frames as derived  # noqa: E402
from postcurate.quality.residual import register_residual_check  # noqa: E402
from postcurate.session import build_spark  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output_root", help="a run's output_root (its LATEST snapshot is read)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    root = Path(args.output_root)
    snapshot = root / "snapshots" / (root / "LATEST").read_text().strip()
    spark = build_spark(app_name="residual-bench", master="local[2]", conf={"spark.ui.enabled": False, "spark.driver.memory": "8g"})
    shards = spark.read.parquet(str(snapshot / "shards")).cache()
    rows = shards.count()
    function = register_residual_check(spark)
    with_check = derived.shard_facts(shards, function)
    without = with_check.withColumn("residual_pii_type", F.lit(None).cast("string"))
    flagged = with_check.where(F.col("residual_pii_type").isNotNull()).count()  # also the warm-up
    without.write.format("noop").mode("overwrite").save()
    rounds = []
    for _ in range(args.rounds):
        timed = {}
        for name, frame in (("without_check_s", without), ("with_check_s", with_check)):
            started = time.perf_counter()
            frame.write.format("noop").mode("overwrite").save()
            timed[name] = round(time.perf_counter() - started, 2)
        rounds.append(timed)
        print(timed, flush=True)
    result = {
        "snapshot": snapshot.name,
        "shard_rows": rows,
        "flagged_rows": flagged,
        "rounds": rounds,
        "median_without_check_s": statistics.median(r["without_check_s"] for r in rounds),
        "median_with_check_s": statistics.median(r["with_check_s"] for r in rounds),
    }
    result["check_s"] = round(result["median_with_check_s"] - result["median_without_check_s"], 2)
    result["check_us_per_row"] = round(result["check_s"] / rows * 1e6 * 2, 2)  # two cores
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
