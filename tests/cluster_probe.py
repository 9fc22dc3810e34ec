"""spark-submit probe: where do the driver and the executors import postcurate from, and do they find its data files?"""

import json

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
    # Flushed at once: the JVM writes its log to the same file, and a buffered line can be split by it.
    print("PROBE " + json.dumps({"driver": where(), "executors": executors}), flush=True)
    spark.stop()
