"""The contract's rules: which post versions may become training data, and why the others may not.

Rules 1 to 8 are here; 9 (``empty``) runs after redaction (``postcurate.pipeline``) and 10 (``duplicate``) after
that (``postcurate.dedup``).

Every post gets at most one reason code, the first that applies in the contract's order. Rules fail closed:
a value we cannot read is treated as the one that excludes the post.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.config import NEVER_ALLOWED_POST_TYPES, RuleSettings
from postcurate.rules.geo import GeoRules

REASONS = (
    "invalid",
    "deleted",
    "not_public",
    "type_not_allowed",
    "account_not_eligible",
    "geo_blocked",
    "age",
    "objected",
    "empty",
    "duplicate",
)

OBJECTION_SCOPES = ("ai_training", "all")

# A BCP-47 tag in the shape platforms emit (language, optional script/region/variants); anything else is unusable.
_BCP47 = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


def cutoff_literal(value: dt.datetime) -> Column:
    # A string literal is read in the session's time zone (UTC); a datetime literal would go through the
    # driver's local zone first.
    return F.lit(value.strftime("%Y-%m-%d %H:%M:%S")).cast("timestamp")


def invalid_reason(settings: RuleSettings) -> Column:
    """Why a post row is unusable (a short check name), or null when it is usable.

    >>> posts.withColumn("invalid_reason", invalid_reason(settings))
    """
    posts = schemas.load("posts")

    def blank(name: str) -> Column:
        return F.col(name).isNull() | (F.trim(F.col(name)) == "")

    def outside(name: str) -> Column:
        return F.col(name).isNull() | ~F.col(name).isin(*posts.enum(name))

    checks: list[tuple[str, Column]] = [
        ("null_post_id", blank("post_id")),
        ("null_author_id", blank("author_id")),
        ("unknown_platform", outside("platform")),
        ("unknown_post_type", outside("post_type")),
        ("unknown_visibility", outside("visibility")),
        ("null_is_deleted", F.col("is_deleted").isNull()),
        ("bad_updated_at", F.col("updated_at").isNull()),
        ("bad_created_at", F.col("created_at").isNull() | (F.col("created_at") > F.col("updated_at"))),
        ("text_too_long", F.coalesce(F.length("text"), F.lit(0)) > settings.max_text_length),
        ("bad_lang", F.col("lang").isNotNull() & ~F.col("lang").rlike(_BCP47)),
        (
            "bad_geo",
            (F.col("geo_lat").isNotNull() & ~F.col("geo_lat").between(-90, 90))
            | (F.col("geo_lon").isNotNull() & ~F.col("geo_lon").between(-180, 180)),
        ),
    ]
    result = F.lit(None).cast("string")
    for name, failed in reversed(checks):
        result = F.when(F.coalesce(failed, F.lit(True)), F.lit(name)).otherwise(result)
    return result


def post_key(columns: list[str]) -> Column:
    """What a post's versions are grouped by: its id, or for a row with no usable id (the ``null_post_id`` check) a
    hash of the whole row (of ``columns``, the posts table's), so such a row stands alone."""
    blank = F.col("post_id").isNull() | (F.trim(F.col("post_id")) == "")
    return F.when(blank, F.concat(F.lit("row:"), F.sha2(F.to_json(F.struct(*columns)), 256))).otherwise(F.col("post_id"))


def latest_posts(posts: DataFrame, as_of: dt.datetime, settings: RuleSettings) -> DataFrame:
    """One row per post: its state as of ``as_of`` and, if any of its versions is unusable, why.

    Versions written after ``as_of`` do not exist for the run. A post any of whose versions is unusable is
    quarantined whole: an unreadable version may be the deletion or the change of visibility that matters.
    Rows with no post id cannot be grouped and stand alone (keyed by a hash of the row).
    Among versions written at the same instant, the most restrictive wins (deleted, then not public).
    """
    scoped = posts.where(F.col("updated_at").isNull() | (F.col("updated_at") <= cutoff_literal(as_of)))
    with_checks = scoped.withColumn("_invalid", invalid_reason(settings)).withColumn("_post_key", post_key(posts.columns))
    # max(struct) is a sort aggregate (a struct holding strings is no fixed-width buffer). A window with
    # row_number() sorts once instead of twice but was measured slower here (posts of the 5M lake, warm: 19.1-19.5 s
    # against 23.2-26.5 s) and no faster for the 22M account rows of the 20M-user lake; both stay aggregates.
    state = F.struct(
        F.col("updated_at"),
        F.col("is_deleted"),
        (F.col("visibility") != "public").alias("_not_public"),
        *[F.col(c) for c in posts.columns if c not in ("updated_at", "is_deleted")],
    )
    return (
        with_checks.groupBy("_post_key")
        .agg(F.max(state).alias("_s"), F.min("_invalid").alias("invalid_reason"), F.count(F.lit(1)).alias("versions"))
        .select("_post_key", "_s.*", "invalid_reason", "versions")
        .drop("_not_public")
    )


def latest_accounts(users: DataFrame, as_of: dt.datetime) -> DataFrame:
    """One row per account with ``account_eligible`` and its ``country`` as of ``as_of``.

    An account is eligible only if its latest version is active and not private, and none of its versions
    is unreadable (a version we cannot place in time may be the one that closed the account).
    """
    statuses = schemas.load("users").enum("account_status")
    scoped = users.where(F.col("user_id").isNotNull() & (F.col("updated_at").isNull() | (F.col("updated_at") <= cutoff_literal(as_of))))
    unusable = F.col("updated_at").isNull() | F.col("account_status").isNull() | ~F.col("account_status").isin(*statuses) | F.col(
        "is_private_account"
    ).isNull()
    state = F.struct(
        F.col("updated_at"),
        (F.col("account_status") != "active").alias("_inactive"),
        F.col("is_private_account"),
        F.col("account_status"),
        F.col("country"),
        F.col("birth_date"),
    )
    latest = scoped.groupBy("user_id").agg(F.max(state).alias("_s"), F.max(F.coalesce(unusable, F.lit(True))).alias("_unusable"))
    eligible = ~F.col("_unusable") & (F.col("_s.account_status") == "active") & ~F.col("_s.is_private_account")
    country = F.col("_s.country")
    return latest.select(
        F.col("user_id").alias("author_id"),
        F.coalesce(eligible, F.lit(False)).alias("account_eligible"),
        # Only a well-formed upper-case code counts; anything else is treated as unknown, which is blocked.
        F.when(country.rlike("^[A-Z]{2}$"), country).alias("country"),
        F.col("_s.birth_date").alias("birth_date"),
    )


def objections_in_effect(objections: DataFrame, as_of: dt.datetime) -> DataFrame:
    """``author_id`` of every objection row in effect at ``as_of`` (an author who objected twice appears twice).

    In scope: ``ai_training`` or ``all`` (case and spaces ignored). An objection with no time is taken as in
    effect; a withdrawal counts only if it is dated, at or before the cut-off, and not before the objection.
    """
    t = cutoff_literal(as_of)
    scope = F.lower(F.trim(F.col("scope")))
    withdrawn = (
        F.col("withdrawn_at").isNotNull()
        & (F.col("withdrawn_at") <= t)
        & (F.col("objected_at").isNull() | (F.col("withdrawn_at") >= F.col("objected_at")))
    )
    in_effect = scope.isin(*OBJECTION_SCOPES) & (F.col("objected_at").isNull() | (F.col("objected_at") <= t)) & ~withdrawn
    return objections.where(F.col("user_id").isNotNull() & in_effect).select(F.col("user_id").alias("author_id"))


def objectors(objections: DataFrame, as_of: dt.datetime) -> DataFrame:
    """Authors with an objection in effect at ``as_of`` (one row each)."""
    return objections_in_effect(objections, as_of).distinct()


def with_exclusion_reason(
    posts: DataFrame,
    accounts: DataFrame,
    objecting: DataFrame,
    geo: GeoRules,
    as_of: dt.datetime,
    settings: RuleSettings,
) -> DataFrame:
    """Join each latest post to its author's account and objections, and add ``reason`` (rules 1 to 8; null = kept so far)."""
    joined = posts.join(accounts, on="author_id", how="left").join(
        objecting.withColumn("_objected", F.lit(True)), on="author_id", how="left"
    )
    min_age = geo.min_age_column(F.col("country"), as_of)
    too_young = F.add_months(F.col("birth_date"), min_age * 12) > F.to_date(F.col("created_at"))
    reason = (
        F.when(F.col("invalid_reason").isNotNull(), "invalid")
        .when(F.col("is_deleted"), "deleted")
        .when(F.col("visibility") != "public", "not_public")
        .when(~F.col("post_type").isin(*settings.allowed_post_types) | F.col("post_type").isin(*NEVER_ALLOWED_POST_TYPES), "type_not_allowed")
        .when(~F.coalesce(F.col("account_eligible"), F.lit(False)), "account_not_eligible")
        .when(min_age.isNull(), "geo_blocked")
        .when(F.col("birth_date").isNull() | too_young, "age")
        .when(F.coalesce(F.col("_objected"), F.lit(False)), "objected")
    )
    return joined.withColumn("min_age", min_age).withColumn("reason", reason).drop("_objected")
