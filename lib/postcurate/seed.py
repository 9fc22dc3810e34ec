"""A synthetic raw lake, generated as a Spark job so it scales (10 million posts in minutes), deterministic by seed.

Every post is given a scenario (the outcome the contract implies for it at the reference time), and the data is
built to realise that scenario: edits and deletions over several versions, visibility changes, accounts in many
countries, minors, objections in effect, withdrawn or out of scope, empty texts, invalid rows, PII and look-alikes.
The scenarios are written to a ``_truth`` table beside the three contract tables, so tests can compare what the
job decided with what the generator put in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from postcurate import schemas
from postcurate.samples import EMPTY_TEXTS, SENTENCES, decoys, pii_values

# The generator's "now": all versions are written before it, so a run as of REFERENCE sees the whole lake.
REFERENCE = dt.datetime(2026, 11, 1)
START = dt.datetime(2024, 1, 1)

# Where accounts live. (country, weight); None is an account with no country.
COUNTRIES = [
    ("GB", 14), ("DE", 8), ("FR", 7), ("IE", 3), ("ES", 4), ("IT", 4), ("NL", 3), ("PL", 2), ("SE", 2), ("NO", 1),
    ("CH", 2), ("US", 18), ("CA", 3), ("AU", 3), ("NZ", 1), ("IN", 5), ("BR", 7),
    ("JP", 3), ("MX", 3), ("NG", 2), ("KR", 2), ("RU", 1), (None, 2), ("gb", 1),
]
# Countries with a rule in effect at REFERENCE in the shipped geo rules (the generator's own copy, on purpose).
ALLOWED_AT_REFERENCE = {"GB", "DE", "FR", "IE", "ES", "IT", "NL", "PL", "SE", "NO", "CH", "US", "CA", "AU", "NZ", "IN", "BR"}
LANG_OF = {"GB": "en-GB", "DE": "de", "FR": "fr", "ES": "es", "IT": "it", "NL": "nl", "PL": "pl", "SE": "sv", "BR": "pt-BR", "MX": "es"}

INVALID_KINDS = [
    "null_author_id", "unknown_platform", "unknown_post_type", "unknown_visibility", "null_is_deleted",
    "bad_updated_at", "bad_created_at", "text_too_long", "bad_lang", "bad_geo",
]


@dataclass(frozen=True)
class SeedSummary:
    root: str
    posts: int
    post_versions: int
    users: int
    objections: int


def _ts(value: dt.datetime) -> Column:
    return F.lit(value.strftime("%Y-%m-%d %H:%M:%S")).cast("timestamp")


class _Dice:
    """Deterministic uniform draws in [0, 1) from (seed, salt, key columns): pure SQL, reproducible on any cluster."""

    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, salt: str, *cols: Column) -> Column:
        return (F.abs(F.xxhash64(F.lit(self.seed), F.lit(salt), *cols)) % F.lit(1_000_003)) / F.lit(1_000_003.0)

    def pick(self, salt: str, values: list, *cols: Column) -> Column:
        """One of ``values`` (literals), uniformly."""
        idx = (self(salt, *cols) * len(values)).cast("int")
        return F.element_at(F.array(*[F.lit(v) for v in values]), idx + 1)

    def weighted(self, salt: str, choices: list[tuple], *cols: Column) -> Column:
        """One of ``choices`` [(value, weight)], by weight."""
        total = float(sum(w for _, w in choices))
        r = self(salt, *cols)
        out = F.lit(choices[-1][0])
        acc = 0.0
        bounds = []
        for value, weight in choices:
            acc += weight / total
            bounds.append((acc, value))
        for bound, value in reversed(bounds[:-1]):
            out = F.when(r < bound, F.lit(value)).otherwise(out)
        return out


def _between(dice: _Dice, salt: str, start: dt.datetime, end: dt.datetime, *cols: Column) -> Column:
    span = int((end - start).total_seconds())
    return (F.lit(int(start.replace(tzinfo=dt.timezone.utc).timestamp())) + (dice(salt, *cols) * span).cast("long")).cast("timestamp")


def users_frame(spark: SparkSession, n_users: int, dice: _Dice) -> DataFrame:
    """Accounts with a profile each; about one in ten has an earlier version that differs."""
    u = F.col("id")
    profile = dice.weighted(
        "profile", [("adult", 80), ("minor", 5), ("turns18", 3), ("unknown_birth", 3), ("deactivated", 3), ("deleted", 2), ("private", 4)], u
    )
    birth = (
        F.when(profile == "minor", F.date_sub(F.lit(REFERENCE.date()), (F.lit(365 * 13) + dice("b1", u) * 365 * 4).cast("int")))
        # Their 18th birthday falls in 2025: posts before it are excluded for age, after it kept.
        .when(profile == "turns18", F.date_add(F.lit(dt.date(2007, 1, 1)), (dice("b2", u) * 365).cast("int")))
        .when(profile == "unknown_birth", F.lit(None).cast("date"))
        .otherwise(F.date_add(F.lit(dt.date(1950, 1, 1)), (dice("b3", u) * 365 * 55).cast("int")))
    )
    latest = spark.range(n_users).select(
        F.concat(F.lit("u"), u.cast("string")).alias("user_id"),
        dice.weighted("country", COUNTRIES, u).alias("country"),
        birth.alias("birth_date"),
        F.when(profile == "deactivated", "deactivated").when(profile == "deleted", "deleted").otherwise("active").alias("account_status"),
        (profile == "private").alias("is_private_account"),
        _between(dice, "u_upd", dt.datetime(2023, 6, 1), dt.datetime(2023, 12, 31), u).alias("updated_at"),
        u.alias("_uid"),
        profile.alias("_profile"),
    )
    # An earlier version that the latest one overrides: was private, or was deactivated, or lived elsewhere.
    earlier = latest.where(dice("has_old", F.col("_uid")) < 0.1).select(
        "user_id",
        F.lit("JP").alias("country"),
        "birth_date",
        dice.pick("old_status", ["active", "deactivated"], F.col("_uid")).alias("account_status"),
        (dice("old_priv", F.col("_uid")) < 0.5).alias("is_private_account"),
        (F.col("updated_at") - F.expr("INTERVAL 90 DAYS")).alias("updated_at"),
        "_uid",
        "_profile",
    )
    return latest.unionByName(earlier)


def objections_frame(spark: SparkSession, n_users: int, dice: _Dice) -> DataFrame:
    """About 8% of users object; some withdraw, some use a scope that does not cover AI training, some object twice."""
    u = F.col("id")
    base = spark.range(n_users).where(dice("objects", u) < 0.08)
    kind = dice.weighted("obj_kind", [("in_effect", 55), ("withdrawn", 20), ("other_scope", 15), ("all_scope", 10)], u)
    objected_at = _between(dice, "obj_at", START, REFERENCE - dt.timedelta(days=30), u)
    first = base.select(
        F.concat(F.lit("u"), u.cast("string")).alias("user_id"),
        objected_at.alias("objected_at"),
        F.when(kind == "other_scope", dice.pick("scope", ["marketing", "ads_personalization"], u))
        .when(kind == "all_scope", F.lit("all"))
        .otherwise(F.lit("ai_training"))
        .alias("scope"),
        F.when(kind == "withdrawn", objected_at + F.expr("INTERVAL 20 DAYS")).cast("timestamp").alias("withdrawn_at"),
        dice.pick("channel", ["form", "settings", "email"], u).alias("channel"),
    )
    # Some withdrawn objectors object again later, which puts them back out.
    again = first.where(F.col("withdrawn_at").isNotNull() & (dice("again", F.regexp_extract("user_id", r"\d+", 0)) < 0.3)).select(
        "user_id",
        (F.col("withdrawn_at") + F.expr("INTERVAL 5 DAYS")).alias("objected_at"),
        F.lit("ai_training").alias("scope"),
        F.lit(None).cast("timestamp").alias("withdrawn_at"),
        F.lit("settings").alias("channel"),
    )
    return first.unionByName(again)


def _post_text(dice: _Dice, p: Column, lang: Column, seed: int) -> Column:
    """A sentence in the post's language, sometimes with a PII value and/or a look-alike."""
    sentence = F.lit(SENTENCES["en"][0])
    for code, sentences in SENTENCES.items():
        sentence = F.when(lang == code, dice.pick(f"s_{code}", sentences, p)).otherwise(sentence)
    pii = pii_values(seed)
    pii_type = dice.pick("pii_type", sorted(pii), p)
    pii_text = F.lit(None).cast("string")
    for kind, values in pii.items():
        pii_text = F.when(pii_type == kind, dice.pick(f"pii_{kind}", values, p)).otherwise(pii_text)
    decoy = dice.pick("decoy", decoys(seed), p)
    return F.concat_ws(
        " ",
        sentence,
        F.when(dice("has_pii", p) < 0.3, pii_text),
        F.when(dice("has_decoy", p) < 0.25, decoy),
    )


def posts_frame(spark: SparkSession, n_posts: int, n_users: int, dice: _Dice, seed: int) -> tuple[DataFrame, DataFrame]:
    """(post versions, post-level facts). Each post has one to three versions; its scenario shapes the last."""
    p = F.col("id")
    scenario = dice.weighted(
        "scenario",
        [("ok", 78), ("deleted", 4), ("not_public", 8), ("became_public", 2), ("type", 4), ("invalid", 1.5), ("empty", 2.5)],
        p,
    )
    # A few authors have no account row at all.
    author = F.when(dice("orphan", p) < 0.01, F.concat(F.lit("ghost"), p.cast("string"))).otherwise(
        F.concat(F.lit("u"), (F.pow(dice("author", p), 1.3) * n_users).cast("long").cast("string"))
    )
    created = _between(dice, "created", START, REFERENCE - dt.timedelta(days=60), p)
    n_versions = F.when(scenario.isin("deleted", "not_public", "became_public"), 2).otherwise(
        F.when(dice("versions", p) < 0.7, 1).when(dice("versions", p) < 0.9, 2).otherwise(3)
    )
    facts = spark.range(n_posts).select(
        p.alias("_pid"),
        F.concat(F.lit("p"), p.cast("string")).alias("post_id"),
        author.alias("author_id"),
        scenario.alias("_scenario"),
        dice.weighted("platform", [("facebook", 60), ("instagram", 40)], p).alias("platform"),
        F.when(scenario == "type", dice.pick("bad_type", ["story", "message"], p))
        .otherwise(dice.weighted("type", [("post", 60), ("comment", 27), ("photo_caption", 13)], p))
        .alias("post_type"),
        created.alias("created_at"),
        n_versions.alias("_versions"),
        dice.pick("invalid_kind", INVALID_KINDS, p).alias("_invalid_kind"),
        F.when(dice("geo", p) < 0.15, (dice("lat", p) * 120 - 60)).alias("geo_lat"),
        F.when(dice("geo", p) < 0.15, (dice("lon", p) * 240 - 120)).alias("geo_lon"),
    )
    v = F.col("version")
    last = v == F.col("_versions")
    lang = dice.weighted("lang", [(code, 1) for code in SENTENCES], F.col("_pid"))
    text = F.when(
        F.col("_scenario") == "empty", dice.pick("empty", EMPTY_TEXTS, F.col("_pid"))
    ).otherwise(_post_text(dice, F.col("_pid"), lang, seed))
    visibility = (
        F.when((F.col("_scenario") == "not_public") & last, dice.pick("vis", ["friends", "friends_of_friends", "only_me", "custom"], F.col("_pid")))
        .when((F.col("_scenario") == "became_public") & ~last, F.lit("friends"))
        .otherwise("public")
    )
    updated = (F.col("created_at").cast("long") + (v - 1) * (dice("edit_gap", F.col("_pid")) * 20 * 86400).cast("long")).cast("timestamp")
    versions = facts.withColumn("version", F.explode(F.sequence(F.lit(1), F.col("_versions")))).select(
        F.col("post_id"),
        F.col("author_id"),
        F.col("platform"),
        F.col("post_type"),
        visibility.alias("visibility"),
        F.when(v > 1, F.concat(text, F.lit(" (edited)"))).otherwise(text).alias("text"),
        F.when(dice("nolang", F.col("_pid")) < 0.05, F.lit(None)).otherwise(lang).alias("lang"),
        F.col("created_at"),
        updated.alias("updated_at"),
        ((F.col("_scenario") == "deleted") & last).alias("is_deleted"),
        F.col("geo_lat"),
        F.col("geo_lon"),
        F.to_date(updated).alias("ingest_date"),
        last.alias("_last"),
        F.col("_scenario"),
        F.col("_invalid_kind"),
    )
    return _break_invalid(versions), facts


def _break_invalid(versions: DataFrame) -> DataFrame:
    """Damage the last version of each 'invalid' post in one of the ways a real dump goes wrong."""
    broken = (F.col("_scenario") == "invalid") & F.col("_last")

    def damage(kind: str, column: str, value: Column) -> Column:
        return F.when(broken & (F.col("_invalid_kind") == kind), value).otherwise(F.col(column))

    return versions.select(
        "post_id",
        damage("null_author_id", "author_id", F.lit(None).cast("string")).alias("author_id"),
        damage("unknown_platform", "platform", F.lit("tiktok")).alias("platform"),
        damage("unknown_post_type", "post_type", F.lit("reel")).alias("post_type"),
        damage("unknown_visibility", "visibility", F.lit("Public")).alias("visibility"),
        damage("text_too_long", "text", F.repeat(F.lit("lorem ipsum "), 2000)).alias("text"),
        damage("bad_lang", "lang", F.lit("english!")).alias("lang"),
        damage("bad_created_at", "created_at", F.col("updated_at") + F.expr("INTERVAL 3 DAYS")).alias("created_at"),
        damage("bad_updated_at", "updated_at", F.lit(None).cast("timestamp")).alias("updated_at"),
        damage("null_is_deleted", "is_deleted", F.lit(None).cast("boolean")).alias("is_deleted"),
        damage("bad_geo", "geo_lat", F.lit(123.4)).alias("geo_lat"),
        "geo_lon",
        "ingest_date",
    )


def truth_frame(facts: DataFrame, users: DataFrame, objections: DataFrame) -> DataFrame:
    """The outcome each post's scenario implies at REFERENCE, from the generator's own facts."""
    newest = F.max("updated_at").over(Window.partitionBy("user_id"))
    u = users.withColumn("_newest", newest).where(F.col("updated_at") == F.col("_newest")).drop("_newest")
    ref = _ts(REFERENCE)
    objecting = (
        objections.where(F.col("scope").isin("ai_training", "all") & (F.col("objected_at") <= ref) & (F.col("withdrawn_at").isNull() | (F.col("withdrawn_at") > ref)))
        .select(F.col("user_id").alias("author_id"))
        .distinct()
        .withColumn("_objects", F.lit(True))
    )
    joined = facts.join(u.withColumnRenamed("user_id", "author_id"), "author_id", "left").join(objecting, "author_id", "left")
    eligible = (F.col("account_status") == "active") & ~F.col("is_private_account")
    adult = F.col("birth_date").isNotNull() & (F.add_months(F.col("birth_date"), 18 * 12) <= F.to_date("created_at"))
    reason = (
        F.when(F.col("_scenario") == "invalid", "invalid")
        .when(F.col("_scenario") == "deleted", "deleted")
        .when(F.col("_scenario") == "not_public", "not_public")
        .when(F.col("_scenario") == "type", "type_not_allowed")
        .when(~F.coalesce(eligible, F.lit(False)), "account_not_eligible")
        .when(~F.coalesce(F.col("country").isin(*sorted(ALLOWED_AT_REFERENCE)), F.lit(False)), "geo_blocked")
        .when(~adult, "age")
        .when(F.coalesce(F.col("_objects"), F.lit(False)), "objected")
        .when(F.col("_scenario") == "empty", "empty")
    )
    return joined.select("post_id", reason.alias("expected_reason"))


def seed_lake(spark: SparkSession, root: str, posts: int = 20_000, seed: int = 7, users: int | None = None) -> SeedSummary:
    """Write posts, users, objections (and ``_truth``) as Delta tables under ``root``; overwrite what is there.

    >>> seed_lake(spark, "/tmp/lake", posts=10_000, seed=1)
    """
    n_users = users or max(200, posts // 8)
    dice = _Dice(seed)
    user_rows = users_frame(spark, n_users, dice)
    objection_rows = objections_frame(spark, n_users, dice)
    versions, facts = posts_frame(spark, posts, n_users, dice, seed)
    # A handful of rows with no post id at all: each is its own quarantined post.
    orphans = versions.limit(max(3, posts // 5000)).withColumn("post_id", F.lit(None).cast("string"))

    post_schema = schemas.load("posts")
    post_rows = versions.unionByName(orphans).select(*[F.col(c.name).cast(c.type) for c in post_schema.columns])

    def save(df: DataFrame, name: str, partition: str | None = None) -> None:
        writer = df.write.format("delta").mode("overwrite").option("overwriteSchema", "true")
        if partition:
            writer = writer.partitionBy(partition)
        writer.save(f"{root}/{name}")

    save(post_rows, "posts", "ingest_date")
    users_schema, objections_schema = schemas.load("users"), schemas.load("objections")
    save(user_rows.select(*users_schema.names), "users")
    save(objection_rows.select(*objections_schema.names), "objections")
    truth = truth_frame(facts, user_rows, objection_rows).unionByName(
        spark.range(max(3, posts // 5000)).select(F.concat(F.lit("row:"), F.col("id").cast("string")).alias("post_id"), F.lit("invalid").alias("expected_reason"))
    )
    save(truth, "_truth")
    read = spark.read.format("delta")
    return SeedSummary(
        root=root,
        posts=posts + max(3, posts // 5000),
        post_versions=read.load(f"{root}/posts").count(),
        users=n_users,
        objections=read.load(f"{root}/objections").count(),
    )
