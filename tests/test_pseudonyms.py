import hashlib
import hmac

import pytest
from pyspark.sql import functions as F

from postcurate.pseudonyms import key_fingerprint, keyed_pseudonyms


@pytest.mark.parametrize("key", [b"short-but-allowed-key-of-32-bytes!", b"x" * 64, b"y" * 100, "ключ-🔑-0123456789abcdefghijkl".encode()])
def test_jvm_hmac_matches_pythons(spark, key):
    values = ["u1", "", "日本語のID", "a" * 300]
    author = keyed_pseudonyms(spark, key).author
    got = spark.createDataFrame([(v,) for v in values], "v string").select(author(F.col("v")).alias("h")).collect()
    expected = [hmac.new(key, f"author:{v}".encode(), hashlib.sha256).hexdigest() for v in values]
    assert [r["h"] for r in got] == expected


def test_domains_and_keys_separate_pseudonyms(spark):
    df = spark.createDataFrame([("42",)], "v string")
    k, j = keyed_pseudonyms(spark, b"k" * 32), keyed_pseudonyms(spark, b"j" * 32)
    row = df.select(
        k.post(F.col("v")).alias("post"),
        k.author(F.col("v")).alias("author"),
        j.post(F.col("v")).alias("other_key"),
        k.post(F.lit(None).cast("string")).alias("null"),
    ).first()
    assert len({row["post"], row["author"], row["other_key"]}) == 3
    assert row["null"] is None


def test_plans_name_the_function_and_never_hold_the_key(spark):
    key = b"plan-secret-0123456789-abcdefghijklmnop"
    pseudonyms = keyed_pseudonyms(spark, key)
    df = spark.createDataFrame([("u1",)], "v string").select(pseudonyms.author(F.col("v")).alias("h"))
    plan = df._jdf.queryExecution().toString()  # parsed, analysed, optimised and physical plans
    assert pseudonyms.function in plan
    padded = key.ljust(64, b"\0")
    for secret in (key, bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded)):
        assert secret.hex() not in plan.lower() and secret.decode("latin-1") not in plan


def test_fingerprint_does_not_reveal_the_key():
    key = b"k" * 32
    assert key_fingerprint(key) == key_fingerprint(key)
    assert key_fingerprint(key) != key_fingerprint(b"j" * 32)
    assert key.decode() not in key_fingerprint(key)
