"""One SparkSession for the whole suite: small shuffles, no UI, Delta enabled."""

from __future__ import annotations

import pytest

from postcurate.session import build_spark


@pytest.fixture(scope="session")
def spark():
    session = build_spark(
        app_name="postcurate-tests",
        master="local[2]",
        conf={
            "spark.sql.shuffle.partitions": 2,
            "spark.default.parallelism": 2,
            "spark.ui.enabled": False,
            "spark.sql.adaptive.enabled": False,
            "spark.databricks.delta.snapshotPartitions": 2,
            "spark.sql.sources.parallelPartitionDiscovery.parallelism": 2,
        },
    )
    yield session
    session.stop()
