"""spark-submit probe: where do the driver and the executors import postcurate from, and do they find its data files?"""

import json
import sys
from pathlib import Path

from pyspark.sql import SparkSession


def where(_=None):
    import postcurate
    from postcurate import resources, schemas
    from postcurate.pii import default_detectors

    return {
        "module": postcurate.__file__,
        "schemas": schemas.load("posts").names[:2],
        "conf": sorted(p.name for p in resources.data_dir("conf").iterdir()),
        "detectors": default_detectors().types[:2],  # the shipped conf/detectors.yaml, read from the zip
    }


if __name__ == "__main__":
    spark = SparkSession.builder.appName("postcurate-probe").getOrCreate()
    executors = spark.sparkContext.parallelize(range(4), 4).map(where).collect()
    # To a file of its own (the driver runs here, in client mode): on stdout, the JVM's log lines, which go to the
    # same file, were once written into the middle of it.
    Path(sys.argv[1]).write_text(json.dumps({"driver": where(), "executors": executors}))
    spark.stop()
