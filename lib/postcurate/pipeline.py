"""The curation transform: raw post versions in, shard rows, ledger rows and quarantine rows out.

Pure DataFrame functions; no storage, no session. The job (``postcurate.job``) reads the tables, calls
``decide``, then ``redact_candidates`` (which it caches: shards and ledger both read it), ``find_duplicates`` and
``postcurate.dedup.with_duplicate_reason`` (rule 10, when deduplication is on) and ``destinations``, and writes
what they return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.config import DedupSettings, OutputSettings, RuleSettings
from postcurate.dedup import NearDuplicateFunctions, duplicates
from postcurate.pii import Detectors, strip_placeholders, with_redacted_text
from postcurate.pseudonyms import Pseudonyms
from postcurate.rules.eligibility import latest_accounts, latest_posts, objectors, with_exclusion_reason
from postcurate.rules.geo import GeoRules


@dataclass(frozen=True)
class Curated:
    """What a run produces: every post ends in exactly one of these three frames."""

    shards: DataFrame  # kept posts, in the shard schema
    ledger: DataFrame  # excluded posts: post_pid, author_pid, reason
    quarantine: DataFrame  # unusable posts: post_pid, author_pid, reason, detail, versions


def with_pseudonyms(df: DataFrame, pseudonyms: Pseudonyms) -> DataFrame:
    """Add ``post_pid`` and ``author_pid``: keyed pseudonyms of the post key and the author."""
    return df.withColumn("post_pid", pseudonyms.post(F.col("_post_key"))).withColumn("author_pid", pseudonyms.author(F.col("author_id")))


def split_of(author_pid: Column, validation_fraction: float) -> Column:
    """``train`` or ``validation``, decided by the author's pseudonym so all of an author's posts share a side."""
    bucket = F.conv(F.substring(author_pid, 1, 8), 16, 10).cast("long") % 10_000
    return F.when(bucket < F.lit(int(round(validation_fraction * 10_000))), "validation").otherwise("train")


def with_empty_check(df: DataFrame, min_text_length: int) -> DataFrame:
    """Rule 9: exclude a post as ``empty`` when, after redaction, less than ``min_text_length`` characters remain."""
    left = F.length(strip_placeholders(F.col("text")))
    return df.withColumn("reason", F.when(left < min_text_length, "empty").otherwise(F.col("reason")))


def to_shard_rows(df: DataFrame, output: OutputSettings) -> DataFrame:
    """Select and coarsen the columns that may leave the job (the shard schema); location never does."""
    shard = schemas.load("shard")
    columns = {
        "post_pid": F.col("post_pid"),
        "author_pid": F.col("author_pid"),
        "platform": F.col("platform"),
        "post_type": F.col("post_type"),
        "lang": F.col("lang"),
        "text": F.col("text"),
        "created_period": F.to_date(F.date_trunc(output.timestamp_granularity, F.col("created_at"))),
        "pii_counts": F.col("pii_counts"),
        "country": F.col("country"),
        "split": split_of(F.col("author_pid"), output.validation_fraction),
    }
    return df.select(*[columns[c.name].cast(c.type).alias(c.name) for c in shard.columns])


def decide(
    posts: DataFrame,
    users: DataFrame,
    objections: DataFrame,
    *,
    as_of: dt.datetime,
    geo: GeoRules,
    rules: RuleSettings,
    pseudonyms: Pseudonyms,
) -> DataFrame:
    """One row per post read, with its state, its author's account and ``reason`` from rules 1 to 8."""
    accounts = latest_accounts(users, as_of)
    objecting = objectors(objections, as_of)
    return (
        posts.transform(latest_posts, as_of, rules)
        .transform(with_exclusion_reason, accounts, objecting, geo, as_of, rules)
        .transform(with_pseudonyms, pseudonyms)
    )


# What ``redact_candidates`` and ``destinations`` read from the decided posts.
DESTINATION_COLUMNS = (
    "post_pid", "author_pid", "platform", "post_type", "lang", "text", "created_at", "country", "reason", "invalid_reason", "versions",
)


def for_destinations(decided: DataFrame) -> DataFrame:
    """Only what ``redact_candidates`` and ``destinations`` read, and the text only of posts rules 1 to 8 kept.

    For a job that caches the decided posts: a smaller cache (about half the posts are excluded, and their text
    is never read again), with no raw id or location in it.
    """
    text = F.when(F.col("reason").isNull(), F.col("text")).alias("text")
    return decided.select(*[text if c == "text" else c for c in DESTINATION_COLUMNS])


def redact_candidates(decided: DataFrame, *, detectors: Detectors, rules: RuleSettings) -> DataFrame:
    """The posts that passed rules 1 to 8, redacted, with rule 9 applied (``reason`` is "empty" or null).

    Redaction runs only on these: the other posts never reach a shard.
    """
    return (
        decided.where(F.col("reason").isNull())
        .transform(with_redacted_text, detectors, "text")
        .transform(with_empty_check, rules.min_text_length)
    )


def find_duplicates(candidates: DataFrame, settings: DedupSettings, near: NearDuplicateFunctions) -> DataFrame:
    """Rule 10's clusters among the candidates still kept after rule 9 (``postcurate.dedup.duplicates``: one row
    per post in a cluster, with the post it duplicates when it goes); persisted, unpersist when done.

    Pass the result to ``with_duplicate_reason`` to mark the posts that go as "duplicate".
    """
    return duplicates(candidates.where(F.col("reason").isNull()), settings, near)


def destinations(decided: DataFrame, candidates: DataFrame, output: OutputSettings) -> Curated:
    """Split all posts into shards, ledger and quarantine, from the decided posts and the redacted candidates
    (whose ``reason`` is null, "empty", or "duplicate" after rule 10)."""
    ledger_cols = ["post_pid", "author_pid", "reason"]
    ledger = decided.where(F.col("reason").isNotNull() & (F.col("reason") != "invalid")).select(*ledger_cols).unionByName(
        candidates.where(F.col("reason").isNotNull()).select(*ledger_cols)
    )
    quarantine = decided.where(F.col("reason") == "invalid").select(
        "post_pid", "author_pid", "reason", F.col("invalid_reason").alias("detail"), "versions"
    )
    shards = candidates.where(F.col("reason").isNull()).transform(to_shard_rows, output)
    return Curated(shards=shards, ledger=ledger, quarantine=quarantine)
