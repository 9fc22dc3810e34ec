"""The sample-lake generator: deterministic by seed, and it puts in the variety the contract's rules need."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.seed import seed_lake


def _table(spark, root, name):
    return spark.read.format("delta").load(f"{root}/{name}")


def test_same_seed_same_lake_other_seed_other_lake(spark, tmp_path):
    a = seed_lake(spark, str(tmp_path / "a"), posts=100, seed=5)
    b = seed_lake(spark, str(tmp_path / "b"), posts=100, seed=5)
    c = seed_lake(spark, str(tmp_path / "c"), posts=100, seed=6)
    for name in ("posts", "users", "objections", "_truth"):
        assert_df_equality(_table(spark, a.root, name), _table(spark, b.root, name), ignore_row_order=True)
    assert _table(spark, a.root, "posts").exceptAll(_table(spark, c.root, "posts")).count() > 0


def test_the_lake_has_the_variety_the_rules_need(spark, sample_lake):
    posts = _table(spark, sample_lake.root, "posts")
    users = _table(spark, sample_lake.root, "users")
    objections = _table(spark, sample_lake.root, "objections")
    assert posts.columns == schemas.load("posts").names
    assert posts.groupBy("post_id").count().where("count > 1").count() > 100  # edited and deleted over time
    assert {r[0] for r in posts.select("platform").distinct().collect()} >= {"facebook", "instagram"}
    assert {r[0] for r in posts.select("post_type").distinct().collect()} >= {"post", "comment", "photo_caption", "story", "message"}
    assert posts.select("lang").distinct().count() >= 8
    assert posts.where(F.col("is_deleted")).count() > 0 and posts.where(F.col("geo_lat").isNotNull()).count() > 0
    assert users.select("country").distinct().count() >= 15 and users.where(F.col("country").isNull()).count() > 0
    assert users.where(F.col("birth_date").isNull()).count() > 0
    assert {r[0] for r in users.select("account_status").distinct().collect()} == {"active", "deactivated", "deleted"}
    assert {r[0] for r in objections.select("scope").distinct().collect()} >= {"ai_training", "all", "marketing"}
    assert objections.where(F.col("withdrawn_at").isNotNull()).count() > 0
    for marker in ("@", "IBAN", "NHS", "SSN", "ISBN", "order #", "version "):
        assert posts.where(F.col("text").contains(marker)).count() > 0, marker
