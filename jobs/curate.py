"""spark-submit entry point: the same job as ``postcurate run``.

    spark-submit --packages io.delta:delta-spark_4.1_2.13:4.4.0 --py-files postcurate.whl \
        jobs/curate.py --config conf/cluster.yaml [--as-of 2026-11-01T00:00:00Z]
"""

from postcurate.cli import main

if __name__ == "__main__":
    main(["run", *__import__("sys").argv[1:]])
