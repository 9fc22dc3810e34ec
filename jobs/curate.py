"""spark-submit entry point: the same job as ``postcurate run``, with the same config file and exit codes.

    make dist
    spark-submit --packages io.delta:delta-spark_4.1_2.13:4.4.0 --py-files dist/postcurate-0.1.0-py3-none-any.zip \
        jobs/curate.py --config conf/cluster.yaml [--as-of 2026-11-01T00:00:00Z]

Everything else comes from the shipped wheel (see docs/cluster.md).
"""

from postcurate.cli import main

if __name__ == "__main__":
    main(["run", *__import__("sys").argv[1:]])
