"""Benchmark: what the gate's residual-PII check costs, on the shards of a published snapshot, in one run.

Reads the shard text once (cached), then times, alternating, in rounds:
  * the gate's facts without the check (ids, enums, characters left: the scan the facts need anyway),
  * the same facts with the check (``quality.residual``: one JVM call per shard text), and
  * the same facts with the reference check, the plain whole-text scans the check replaced
    (``ResidualPiiReference``, in the JVM tests' classes only: ``make jvm`` builds them),
each written to Spark's no-op sink. The differences are each check's own cost. It also counts the shard texts on
which the two disagree (it must be none). The job's gate time and its share come from ``bench/run_bench.py``.

    python bench/residual_check.py var/bench/out-1000000/job --rounds 3 --json bench/results/<date>-<sha>-residual-1m.json
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
from postcurate.quality.residual import register_residual_check, residual_pii  # noqa: E402
from postcurate.session import build_spark  # noqa: E402

# The check as it was before its prefilters (jvm/src/test/.../ResidualPiiReference.java): test classes, not the jar.
REFERENCE_CLASSES = REPO / "jvm" / "target" / "test-classes"
REFERENCE_FUNCTION = "postcurate_residual_pii_reference"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output_root", help="a run's output_root (its LATEST snapshot is read)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    root = Path(args.output_root)
    snapshot = root / "snapshots" / (root / "LATEST").read_text().strip()
    if not (REFERENCE_CLASSES / "org" / "postcurate" / "quality" / "ResidualPiiReference.class").is_file():
        sys.exit(f"residual_check: {REFERENCE_CLASSES} holds no ResidualPiiReference.class: run `make jvm` first")
    spark = build_spark(
        app_name="residual-bench",
        master="local[2]",
        conf={"spark.ui.enabled": False, "spark.driver.memory": "8g", "spark.driver.extraClassPath": str(REFERENCE_CLASSES)},
    )
    shards = spark.read.parquet(str(snapshot / "shards")).cache()
    rows = shards.count()
    function = register_residual_check(spark)
    spark._jvm.org.postcurate.quality.ResidualPiiReference.register(spark._jsparkSession, REFERENCE_FUNCTION)
    with_check = derived.shard_facts(shards, function)
    with_reference = derived.shard_facts(shards, REFERENCE_FUNCTION)
    without = with_check.withColumn("residual_pii_type", F.lit(None).cast("string"))
    flagged = with_check.where(F.col("residual_pii_type").isNotNull()).count()  # also the warm-up
    both = shards.select(residual_pii(F.col("text"), function).alias("now"), residual_pii(F.col("text"), REFERENCE_FUNCTION).alias("reference"))
    differing = both.where(~F.col("now").eqNullSafe(F.col("reference"))).count()
    without.write.format("noop").mode("overwrite").save()
    rounds = []
    for _ in range(args.rounds):
        timed = {}
        for name, frame in (("without_check_s", without), ("with_check_s", with_check), ("with_reference_s", with_reference)):
            started = time.perf_counter()
            frame.write.format("noop").mode("overwrite").save()
            timed[name] = round(time.perf_counter() - started, 2)
        rounds.append(timed)
        print(timed, flush=True)
    result = {
        "snapshot": snapshot.name,
        "shard_rows": rows,
        "flagged_rows": flagged,
        "rows_where_check_and_reference_differ": differing,
        "rounds": rounds,
        "median_without_check_s": statistics.median(r["without_check_s"] for r in rounds),
        "median_with_check_s": statistics.median(r["with_check_s"] for r in rounds),
        "median_with_reference_s": statistics.median(r["with_reference_s"] for r in rounds),
    }
    for name, median in (("check", "median_with_check_s"), ("reference", "median_with_reference_s")):
        result[f"{name}_s"] = round(result[median] - result["median_without_check_s"], 2)
        result[f"{name}_us_per_row"] = round(result[f"{name}_s"] / rows * 1e6 * 2, 2)  # two cores
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
