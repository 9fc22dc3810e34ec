import hashlib
import hmac

import pytest
from pyspark.sql import functions as F

from postcurate.pseudonyms import hmac_sha256_hex, key_fingerprint


@pytest.mark.parametrize("key", [b"short-but-allowed-key-of-32-bytes!", b"x" * 64, b"y" * 100, "ключ-🔑-0123456789abcdefghijkl".encode()])
def test_spark_hmac_matches_pythons(spark, key):
    values = ["u1", "", "日本語のID", "a" * 300]
    got = spark.createDataFrame([(v,) for v in values], "v string").select(hmac_sha256_hex(F.col("v"), key, "author").alias("h")).collect()
    expected = [hmac.new(key, f"author:{v}".encode(), hashlib.sha256).hexdigest() for v in values]
    assert [r["h"] for r in got] == expected


def test_domains_and_keys_separate_pseudonyms(spark):
    df = spark.createDataFrame([("42",)], "v string")
    row = df.select(
        hmac_sha256_hex(F.col("v"), b"k" * 32, "post").alias("post"),
        hmac_sha256_hex(F.col("v"), b"k" * 32, "author").alias("author"),
        hmac_sha256_hex(F.col("v"), b"j" * 32, "post").alias("other_key"),
        hmac_sha256_hex(F.lit(None).cast("string"), b"k" * 32, "post").alias("null"),
    ).first()
    assert len({row["post"], row["author"], row["other_key"]}) == 3
    assert row["null"] is None


def test_fingerprint_does_not_reveal_the_key():
    key = b"k" * 32
    assert key_fingerprint(key) == key_fingerprint(key)
    assert key_fingerprint(key) != key_fingerprint(b"j" * 32)
    assert key.decode() not in key_fingerprint(key)
