"""The small derived frames the gate hands to Great Expectations.

Great Expectations sees facts, never values: text is replaced by what the checks need (characters left, residual
PII type), leak checks see only the rows that leaked and only their reason or partition. Every function here is a
pure function of its inputs; the gate decides what to persist. Frames of a few rows known on the driver are
pandas frames: Great Expectations checks them without a Spark job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import reduce

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.pseudonyms import Pseudonyms
from postcurate.quality.residual import FUNCTION, residual_pii
from postcurate.rules.eligibility import objections_in_effect

# Placeholders are the one thing the gate shares with the redactor: the shape of what it leaves.
PLACEHOLDER = r"<[A-Z_]+>"


def text_left(text: Column) -> Column:
    """The text with every placeholder removed and trimmed: what is left to train on (rule 9 counts it)."""
    # Most texts hold no placeholder: a byte search for "<" spares them the regex.
    return F.trim(F.when(text.contains("<"), F.regexp_replace(text, PLACEHOLDER, "")).otherwise(text))


def shard_facts(shards: DataFrame, residual_function: str = FUNCTION) -> DataFrame:
    """One row per shard row: ids (pseudonyms), partition and enum columns, and facts derived from the text.

    ``residual_pii_type``: the PII types the gate's own check still finds in the text ("card,email"), null when
    none (``quality.residual``); ``residual_function`` must be registered in the session.
    """
    return shards.select(
        "post_pid",
        "author_pid",
        "platform",
        "post_type",
        "lang",
        "created_period",
        "country",
        "split",
        F.length(text_left(F.col("text"))).alias("text_chars_left"),
        residual_pii(F.col("text"), residual_function).alias("residual_pii_type"),
    )


def suspected(hashed: Mapping[str, DataFrame]) -> set[str]:
    """The names of the frames in ``hashed`` that hold a row: one Spark job for them all, where an ``isEmpty`` of
    each would run one each. For the hashed frames of ``*_suspects`` (a frame with no row: nothing was found).

    >>> suspected({"repeated_posts": repeated_posts_suspects(facts), "authors_on_both_sides": ...})
    set()
    """
    if not hashed:
        return set()
    firsts = [frame.limit(1).select(F.lit(name).alias("frame")) for name, frame in hashed.items()]
    return {row["frame"] for row in reduce(DataFrame.unionByName, firsts).collect()}


def _found(frame: DataFrame, known: bool | None) -> bool:
    """``known`` when the caller has it (from ``suspected``), else whether ``frame`` holds a row."""
    return (not frame.isEmpty()) if known is None else known


def authors_on_both_sides_suspects(facts: DataFrame) -> DataFrame:
    """Authors grouped by a 64-bit hash of their pseudonym whose group holds two splits (a conflict, or two authors
    whose hashes collide): one aggregate of fixed-width values, with the smallest and largest hash of the split."""
    side = F.xxhash64(F.col("split"))  # a null split is a side of its own, as in the exact frame
    hashed = facts.groupBy(F.xxhash64(F.col("author_pid"))).agg((F.min(side) != F.max(side)).alias("both"))
    return hashed.where(F.col("both"))


def authors_on_both_sides(facts: DataFrame, suspect: bool | None = None) -> DataFrame | pd.DataFrame:
    """One row per author found on both sides of the split, reduced to how many sides (no id).

    Authors are first grouped by a hash (``authors_on_both_sides_suspects``). Only if some group holds two splits
    is the exact frame built; otherwise it is an empty pandas frame, as in ``objector_posts_in_shards``.
    ``suspect``: whether the hashed frame holds a row, when already known (``suspected``).
    """
    if not _found(authors_on_both_sides_suspects(facts), suspect):
        return pd.DataFrame({"sides": pd.Series(dtype="int64")})
    return facts.select("author_pid", "split").distinct().groupBy("author_pid").count().where(F.col("count") > 1).select(
        F.col("count").alias("sides")
    )


def repeated_posts_suspects(facts: DataFrame) -> DataFrame:
    """Hashes of ``post_pid`` counted twice (a repeat, or two posts whose hashes collide): an aggregate of
    fixed-width keys, where Great Expectations' uniqueness check sorts every 64-character pseudonym in a window."""
    posts = facts.where(F.col("post_pid").isNotNull())
    return posts.groupBy(F.xxhash64(F.col("post_pid"))).count().where(F.col("count") > 1)


def repeated_posts(facts: DataFrame, suspect: bool | None = None) -> DataFrame | pd.DataFrame:
    """One row per post found in more than one shard row, reduced to how many rows (no id).

    Posts are first counted by a hash (``repeated_posts_suspects``). Only if some hash is counted twice is the
    exact frame built; otherwise it is an empty pandas frame, as in ``objector_posts_in_shards``. A null pseudonym
    is not a repeat (``post_pid`` not null is checked on its own). ``suspect``: as in ``authors_on_both_sides``.
    """
    posts = facts.where(F.col("post_pid").isNotNull())
    if not _found(repeated_posts_suspects(facts), suspect):
        return pd.DataFrame({"rows": pd.Series(dtype="int64")})
    return posts.groupBy("post_pid").count().where(F.col("count") > 1).select(F.col("count").alias("rows"))


def _normalised_texts(shards: DataFrame) -> DataFrame:
    from postcurate.dedup import normalised_text

    return shards.select(normalised_text(F.col("text")).alias("normalised")).where(F.col("normalised").isNotNull())


def repeated_texts_suspects(shards: DataFrame) -> DataFrame:
    """Hashes of the normalised texts counted twice (a repeat, or two texts whose hashes collide)."""
    return _normalised_texts(shards).groupBy(F.xxhash64("normalised")).count().where(F.col("count") > 1)


def repeated_texts(shards: DataFrame, suspect: bool | None = None) -> DataFrame | pd.DataFrame:
    """One row per normalised text found in more than one shard row, reduced to how many rows (no text).

    Rule 10 leaves one post per text: texts are first counted by a 64-bit hash of their normalised form
    (``postcurate.dedup.normalised_text``: NFKC, lower case, spaces collapsed; ``repeated_texts_suspects``), and
    only if some hash is counted twice are the normalised texts themselves grouped. Needs
    ``postcurate.dedup.register_normaliser`` to have run in the session. ``suspect``: as in
    ``authors_on_both_sides``.
    """
    texts = _normalised_texts(shards)
    if not _found(repeated_texts_suspects(shards), suspect):
        return pd.DataFrame({"rows": pd.Series(dtype="int64")})
    return texts.groupBy("normalised").count().where(F.col("count") > 1).select(F.col("count").alias("rows"))


def shard_schema(shards: DataFrame) -> pd.DataFrame:
    """One row per column name found in the files or declared in ``schemas/shard.yaml``, with both types.

    A handful of rows known on the driver: a pandas frame, so checking it costs no Spark job.
    """
    expected = {c.name: c.data_type.simpleString() for c in schemas.load("shard").columns}
    found = {f.name: f.dataType.simpleString() for f in shards.schema.fields}
    rows = [(name, expected.get(name), found.get(name)) for name in sorted(set(expected) | set(found))]
    return pd.DataFrame(rows, columns=["column", "expected_type", "found_type"], dtype="object")


def posts_read(posts: DataFrame, as_of: dt.datetime) -> int:
    """How many posts exist as of ``as_of``, counted straight from the pinned posts table.

    Deliberately not derived from the pipeline's output: a post is a distinct non-blank ``post_id``; a version
    with a blank id cannot be grouped and counts once per distinct row. The common case reads two columns; the
    whole row is hashed only when blank ids exist (then only those rows are kept past the filter).
    """
    blank = F.col("post_id").isNull() | (F.trim(F.col("post_id")) == "")
    in_scope = posts.where(F.col("updated_at").isNull() | (F.col("updated_at") <= F.lit(as_of).cast("timestamp")))
    # One plain distinct (blank ids become one null key) and a count of its rows: a distinct count beside another
    # aggregate would make Spark expand every row into two.
    key = F.when(~blank, F.col("post_id")).alias("key")
    keys, blanks = in_scope.select(key).distinct().agg(F.count(F.lit(1)), F.max(F.col("key").isNull())).collect()[0]
    if not blanks:
        return int(keys)
    row_hash = F.sha2(F.to_json(F.struct(*[F.col(c) for c in posts.columns])), 256)
    # The null key stood for every blank id; those rows count once per distinct row instead.
    return int(keys) - 1 + in_scope.where(blank).select(row_hash.alias("h")).distinct().count()


def reconciliation(*, posts_read: int, in_shards: int, in_ledger: int, in_quarantine: int, in_manifest: int) -> pd.DataFrame:
    """The one-row reconciliation frame: posts read against the rows found in each destination (pandas: one row)."""
    return pd.DataFrame(
        [
            {
                "posts_read": posts_read,
                "in_shards": in_shards,
                "in_ledger": in_ledger,
                "in_quarantine": in_quarantine,
                "accounted": in_shards + in_ledger + in_quarantine,
                "in_manifest": in_manifest,
            }
        ]
    )


def publication(*, posts_read: int, kept: int, previous_kept: int | None, shrink_allowed: bool) -> pd.DataFrame:
    """The one-row frame of the publication checks (pandas: one row): posts read, rows kept, and ``shrink``, the share
    by which kept rows fell against the previous published snapshot's (0 when there is none, or it kept none;
    negative when they grew).

    >>> publication(posts_read=20_004, kept=3_100, previous_kept=10_342, shrink_allowed=False)["shrink"][0]
    0.7002...
    """
    row = {"posts_read": int(posts_read), "kept": int(kept), "previous_kept": previous_kept, "shrink": shrink(kept, previous_kept), "shrink_allowed": bool(shrink_allowed)}
    return pd.DataFrame([row]).astype({"previous_kept": "Int64"})


def shrink(kept: int, previous_kept: int | None) -> float:
    """The share by which kept rows fell against the previous snapshot's: 0 when there is none or it kept none,
    negative when they grew."""
    return (previous_kept - kept) / previous_kept if previous_kept else 0.0


def objector_pseudonyms(objections: DataFrame, as_of: dt.datetime, pseudonyms: Pseudonyms) -> DataFrame:
    """``author_pid`` of every objection in effect at ``as_of``: an author who objected twice appears twice.

    No distinct: the only use is a semi join, which keeps a shard row once however often its author appears, and
    a distinct would shuffle every objection row's raw id (docs/benchmarks.md, "Notes from the code").
    """
    return objections_in_effect(objections, as_of).select(pseudonyms.author(F.col("author_id")).alias("author_pid"))


def _hashed_keys_in(left: DataFrame, right: DataFrame, column: str) -> DataFrame:
    """The hashes of ``column`` in ``left`` that are also in ``right``, compared by a 64-bit hash of each.

    The join then shuffles 8-byte keys instead of 64-character pseudonyms. No row is exact (equal values have
    equal hashes); a row may be a hash collision, so the caller builds the exact frame.
    """
    key = F.xxhash64(F.col(column)).alias("_key")
    return left.select(key).join(right.select(key), on="_key", how="left_semi")


def objector_posts_suspects(shards: DataFrame, objector_pids: DataFrame) -> DataFrame:
    """Hashes of the shard rows' ``author_pid`` also found among the objectors' (a leak, or a hash collision)."""
    return _hashed_keys_in(shards, objector_pids, "author_pid")


def objector_posts_in_shards(shards: DataFrame, objector_pids: DataFrame, suspect: bool | None = None) -> DataFrame | pd.DataFrame:
    """Shard rows whose author objected, reduced to their partition (the count is what matters).

    Pseudonyms are first compared by hash (``objector_posts_suspects``): 8-byte keys shuffle faster than
    64-character ones. Only if a key matches (a leak, or a hash collision) is the exact frame built, and the suite
    counts it; otherwise nothing leaked and the frame is an empty pandas frame, which Great Expectations checks
    without another Spark job. The hashed comparison runs here, when the frame is built, unless ``suspect`` says
    its outcome (``suspected``).
    """
    if not _found(objector_posts_suspects(shards, objector_pids), suspect):
        return pd.DataFrame({"split": pd.Series(dtype="object"), "country": pd.Series(dtype="object")})
    return shards.join(objector_pids, on="author_pid", how="left_semi").select("split", "country")


def row_count(frame: DataFrame | pd.DataFrame) -> int:
    """Rows in a frame this module built (a pandas frame when nothing was found, else a Spark frame)."""
    return len(frame) if isinstance(frame, pd.DataFrame) else frame.count()


def _excluded(ledger: DataFrame, quarantine: DataFrame) -> DataFrame:
    return ledger.select("post_pid", "reason").unionByName(quarantine.select("post_pid", "reason"))


def excluded_posts_suspects(shards: DataFrame, ledger: DataFrame, quarantine: DataFrame) -> DataFrame:
    """Hashes of the shard rows' ``post_pid`` also found in the ledger or the quarantine."""
    return _hashed_keys_in(shards, _excluded(ledger, quarantine), "post_pid")


def excluded_posts_in_shards(shards: DataFrame, ledger: DataFrame, quarantine: DataFrame, suspect: bool | None = None) -> DataFrame | pd.DataFrame:
    """Shard rows whose post is also excluded or quarantined, reduced to the exclusion reason.

    Compared by hash first, exactly when a hash matches (see ``objector_posts_in_shards``).
    """
    excluded = _excluded(ledger, quarantine)
    if not _found(excluded_posts_suspects(shards, ledger, quarantine), suspect):
        return pd.DataFrame({"reason": pd.Series(dtype="object")})
    return shards.select("post_pid").join(excluded, on="post_pid", how="inner").select("reason")
