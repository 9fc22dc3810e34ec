"""Rounds of realistic daily changes to a seeded lake (postcurate.seed), for the incremental-vs-full equivalence test.

``apply_round`` reads the lake's current state, picks posts, accounts and objections with a ``random.Random`` seeded
by (seed, round), and writes new versions, hard deletes and withdrawals through delta-spark, so the tables' change
data feeds carry them as a platform's daily dumps would. Every kind of change the contract's rules react to is in
every round, at about 1% of the lake each (at least one), so an incremental run stays under its changed-posts
threshold. A kind the lake has nothing to choose for stops the round before it writes anything.

Timestamps go into Spark as epoch seconds cast to timestamp (as the seed writes them) and come back as epoch seconds,
so nothing here depends on the driver's local time zone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from postcurate import schemas
from postcurate.samples import BODY_WORDS, SENTENCES, decoys, pii_values
from postcurate.seed import ALLOWED_AT_REFERENCE, LANG_OF

HOUR = 3600
# Share of the lake's posts (or users) each kind of change touches per round, before ``scale``.
# A few hundred posts get the floor of each kind (one; seven new posts); together they re-decide 11-13% of a
# 300-post lake's posts (measured), under the incremental run's 25% threshold with room for a geo rule that moves
# a country (BR alone adds about 7 points).
POST_RATES = {"new_posts": 0.02, "edits": 0.01, "deletions": 0.007, "rescoped": 0.007, "late_versions": 0.007, "future_versions": 0.007}
USER_RATE = 0.005  # each account kind, and each kind of objection
# The countries the test's own geo rules move (and one no rule lists): new posts and account changes use them.
FOCUS_COUNTRIES = ("GB", "FR", "US", "BR")
UNLISTED = "ZZ"
LANGS = {**LANG_OF, "US": "en"}
TRAINABLE_TYPES = ("post", "comment", "photo_caption")
# Account and objection changes go to authors with at most this many posts while there are any: each re-decides
# all of its author's posts (posts that did not change themselves), while the posts decided again stay a small
# share of the lake (the test raises the incremental run's threshold too).
MAX_POSTS_PER_CHANGED_AUTHOR = 3


@dataclass
class _Post:
    post_id: str
    author_id: str | None
    post_type: str | None
    visibility: str | None
    lang: str | None
    text: str | None
    is_deleted: bool | None
    updated: int | None  # epoch seconds of the latest version
    created_day: dt.date | None
    valid: bool  # no version of it is unusable (rule 1 quarantines a post whole)


@dataclass
class _User:
    user_id: str
    status: str | None
    private: bool | None
    country: str | None
    birth: dt.date | None
    updated: int | None


def _epoch(t: dt.datetime) -> int:
    if t.tzinfo is None:
        raise ValueError(f"cut-offs must be timezone-aware (UTC): {t!r}")
    return int(t.timestamp())


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _read_posts(df: DataFrame) -> list[_Post]:
    enum = schemas.load("posts").enum
    unusable = (
        F.col("author_id").isNull()
        | ~F.col("platform").isin(*enum("platform"))
        | ~F.col("post_type").isin(*enum("post_type"))
        | ~F.col("visibility").isin(*enum("visibility"))
        | F.col("is_deleted").isNull()
        | F.col("updated_at").isNull()
        | F.col("created_at").isNull()
        | (F.col("created_at") > F.col("updated_at"))
        | (F.coalesce(F.length("text"), F.lit(0)) > 20_000)
        | (F.col("lang").isNotNull() & ~F.col("lang").rlike(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"))
        | ~F.coalesce(F.col("geo_lat").between(-90, 90), F.lit(True))
        | ~F.coalesce(F.col("geo_lon").between(-180, 180), F.lit(True))
    )
    state = F.struct(
        F.col("updated_at").cast("long").alias("updated"),
        "is_deleted", "visibility", "post_type", "author_id", "lang", "text",
        F.to_date("created_at").alias("created_day"),
    )
    rows = (
        df.where(F.col("post_id").isNotNull())
        .groupBy("post_id")
        .agg(F.max(state).alias("s"), F.max(F.coalesce(unusable, F.lit(True))).alias("bad"))
        .collect()
    )
    return sorted(
        (_Post(r["post_id"], r["s"]["author_id"], r["s"]["post_type"], r["s"]["visibility"], r["s"]["lang"], r["s"]["text"],
               r["s"]["is_deleted"], r["s"]["updated"], r["s"]["created_day"], not r["bad"]) for r in rows),
        key=lambda p: p.post_id,
    )


def _read_users(df: DataFrame) -> list[_User]:
    state = F.struct(F.col("updated_at").cast("long").alias("updated"), "account_status", "is_private_account", "country", "birth_date")
    rows = df.where(F.col("user_id").isNotNull()).groupBy("user_id").agg(F.max(state).alias("s")).collect()
    return sorted(
        (_User(r["user_id"], r["s"]["account_status"], r["s"]["is_private_account"], r["s"]["country"], r["s"]["birth_date"], r["s"]["updated"])
         for r in rows),
        key=lambda u: u.user_id,
    )


def _latest_rows(df: DataFrame, key: str, ids: list[str]) -> DataFrame:
    """The latest version of each of ``ids``: what a new version starts from."""
    newest = Window.partitionBy(key).orderBy(F.col("updated_at").desc_nulls_last())
    return df.where(F.col(key).isin(ids)).withColumn("_n", F.row_number().over(newest)).where("_n = 1").drop("_n")


def _conformed(df: DataFrame, table: DataFrame) -> DataFrame:
    """``df`` in the table's own column order and types, so the append never touches its schema."""
    return df.select(*[F.col(f.name).cast(f.dataType).alias(f.name) for f in table.schema.fields])


def _ts(epoch_col: str) -> Column:
    return F.col(epoch_col).cast("timestamp")


class _Picker:
    """Draws without replacement across all kinds of a round, so each post or account changes once per round."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, n: int, *pools: list) -> list:
        """``n`` items from the first pools that have them (later pools are fall-backs), none already taken."""
        out: list = []
        for pool in pools:
            free = [x for x in pool if _key(x) not in self.used]
            got = self.rng.sample(free, min(n - len(out), len(free)))
            self.used.update(_key(x) for x in got)
            out += got
            if len(out) >= n:
                break
        return out


def _key(x) -> str:
    return x.post_id if isinstance(x, _Post) else x.user_id


def apply_round(
    spark: SparkSession,
    lake_root: str,
    round_no: int,
    *,
    prev_cutoff: dt.datetime,
    cutoff: dt.datetime,
    seed: int = 0,
    scale: float = 1.0,
) -> dict[str, int]:
    """Write one day's changes to the lake's posts, users and objections; return how many of each kind.

    New versions are mostly dated in (``prev_cutoff``, ``cutoff``]; the late ones before ``prev_cutoff``, the future
    ones after ``cutoff``. Deterministic for (lake, ``seed``, ``round_no``). ``scale`` multiplies the numbers.
    """
    lo, hi = _epoch(prev_cutoff), _epoch(cutoff)
    if hi - lo < 2:
        raise ValueError(f"the round's window ({prev_cutoff} to {cutoff}) is empty")
    rng = random.Random(f"rounds:{seed}:{round_no}")
    pick = _Picker(rng)
    paths = {t: f"{lake_root}/{t}" for t in ("posts", "users", "objections")}
    read = spark.read.format("delta")
    posts_df, users_df, objections_df = (read.load(paths[t]) for t in ("posts", "users", "objections"))
    posts, users = _read_posts(posts_df), _read_users(users_df)
    objections = objections_df.select(
        "user_id", "scope", F.unix_micros("objected_at").alias("om"), F.unix_micros("withdrawn_at").alias("wm")
    ).collect()
    objections = sorted(objections, key=lambda r: (r["user_id"] or "", r["om"] or 0, r["scope"] or ""))

    def window() -> int:
        return rng.randint(lo + 1, hi)

    def late() -> int:  # arrived now, written up to two days before the last cut-off
        return rng.randint(lo - 47 * HOUR, lo - HOUR)

    def future() -> int:
        return rng.randint(hi + HOUR, hi + 72 * HOUR)

    def n_of(rate: float, size: int, floor: int = 1) -> int:
        return max(floor, round(rate * size * scale))

    # --- who is who at the last cut-off -------------------------------------------------------------------------
    account = {u.user_id: u for u in users}
    lo_us = lo * 1_000_000
    objecting = {
        r["user_id"] for r in objections
        if r["scope"] in ("ai_training", "all") and (r["om"] is None or r["om"] <= lo_us) and (r["wm"] is None or r["wm"] > lo_us)
    }

    def eligible(u: _User | None) -> bool:
        return u is not None and u.status == "active" and u.private is False and u.country in ALLOWED_AT_REFERENCE and u.birth is not None

    settled = [p for p in posts if p.valid and p.updated is not None and p.updated <= lo]  # no version pending in the future
    live = [p for p in settled if not p.is_deleted]

    def likely_kept(p: _Post) -> bool:
        # Changing a post that is in the shards is what moves rows; this is the contract's rules 2-9, roughly.
        u = account.get(p.author_id or "")
        return (
            p.visibility == "public" and p.post_type in TRAINABLE_TYPES and eligible(u) and p.author_id not in objecting
            and len((p.text or "").strip()) >= 20 and p.created_day is not None
            and u is not None and u.birth is not None and _years_after(u.birth, 18) <= p.created_day
        )

    kept = [p for p in live if likely_kept(p)]
    posts_of: dict[str, list[_Post]] = {}
    for p in live:
        posts_of.setdefault(p.author_id or "", []).append(p)
    kept_of: dict[str, list[_Post]] = {}
    for p in kept:
        kept_of.setdefault(p.author_id or "", []).append(p)
    written: dict[str, int] = {}  # every post counts here: the incremental run re-decides deleted and invalid ones too
    for p in posts:
        written[p.author_id or ""] = written.get(p.author_id or "", 0) + 1
    few = {a for a, n in written.items() if n <= MAX_POSTS_PER_CHANGED_AUTHOR}

    def accounts_where(cond, *, of=kept_of, before: int = lo) -> tuple[list[_User], ...]:
        """Pools of accounts, best first: authors in the focus countries with few posts, then with few, then any."""
        base = [u for u in users if u.updated is not None and u.updated <= before and u.user_id in of and cond(u)]
        small = [u for u in base if u.user_id in few]
        return [u for u in small if u.country in FOCUS_COUNTRIES], small, base

    n_posts, n_users = len(posts), len(users)
    counts: dict[str, int] = {}
    versions: list[tuple] = []  # (post_id, updated, text, visibility, is_deleted) over the post's latest version
    accounts: list[tuple] = []  # (user_id, updated, status, private, country, birth)
    pii = pii_values(seed + round_no)
    looks_alike = decoys(seed + round_no)

    def sentence(lang: str | None) -> str:
        words = " ".join(rng.choice(BODY_WORDS) for _ in range(rng.randint(6, 12)))
        return f"{rng.choice(SENTENCES.get(lang or 'en', SENTENCES['en']))} {words}"

    def edited_text(p: _Post) -> str:
        extra = f" {rng.choice(pii['phone'])}" if rng.random() < 0.3 else ""
        return f"{sentence(p.lang)}{extra} (edited)"

    # --- 9. accounts, first: the new posts below use the account moved to an unlisted country ------------------
    def account_change(name: str, n: int, pools: tuple, *, when=window, status=None, private=None, country=None, birth=None) -> list[_User]:
        got = pick.take(n, *pools)
        for u in got:
            new_country = country(u) if callable(country) else country
            new_birth = birth(u) if callable(birth) else birth
            accounts.append((u.user_id, when(), status, private, new_country, new_birth))
        counts[name] = len(got)
        return got

    n_acc = n_of(USER_RATE, n_users)
    account_change("deactivated", n_acc, accounts_where(lambda u: u.status == "active"), status="deactivated")
    account_change("reactivated", n_acc, accounts_where(lambda u: u.status == "deactivated", of=posts_of), status="active")
    account_change("made_private", n_acc, accounts_where(lambda u: u.private is False), private=True)
    account_change("made_public", n_acc, accounts_where(lambda u: u.private is True, of=posts_of), private=False)
    moved_out = account_change("to_blocked_country", n_acc, accounts_where(lambda u: True), country=UNLISTED)
    account_change(
        "to_allowed_country", n_acc,
        accounts_where(lambda u: u.country not in ALLOWED_AT_REFERENCE and u.status == "active", of=posts_of),
        country=lambda u: rng.choice(FOCUS_COUNTRIES),
    )
    # 17 at the author's first kept post: that post (and any in the year after) now fails rule 7.
    account_change(
        "birth_date_changes", n_acc, accounts_where(lambda u: True),
        birth=lambda u: _years_after(min(p.created_day for p in kept_of[u.user_id] if p.created_day), -17),
    )
    account_change(
        "late_accounts", n_acc, accounts_where(lambda u: u.status == "active", before=lo - 48 * HOUR), when=late, status="deactivated"
    )

    # --- 2-6, 8. new versions of existing posts -------------------------------------------------------------------
    def post_change(name: str, n: int, pools: tuple, make) -> list[_Post]:
        got = pick.take(n, *pools)
        for p in got:
            versions.append((p.post_id, *make(p)))
        counts[name] = len(got)
        return got

    post_change("edits", n_of(POST_RATES["edits"], n_posts), (kept, live), lambda p: (window(), edited_text(p), None, None))
    post_change("deletions", n_of(POST_RATES["deletions"], n_posts), (kept, live), lambda p: (window(), None, None, True))
    n_scope = n_of(POST_RATES["rescoped"] / 2, n_posts)
    post_change("rescoped_private", n_scope, (kept, [p for p in live if p.visibility == "public"]), lambda p: (window(), None, "friends", None))
    post_change(
        "rescoped_public", n_scope,
        ([p for p in live if p.visibility in ("friends", "only_me")], [p for p in live if p.visibility != "public"]),
        lambda p: (window(), None, "public", None),
    )
    # Late: dated after the post's own latest version (so it is its state), before the last cut-off.
    old = [p for p in live if p.updated is not None and p.updated < lo - 48 * HOUR]
    post_change(
        "late_versions", n_of(POST_RATES["late_versions"], n_posts), ([p for p in old if p in kept], old),
        lambda p: (late(), edited_text(p), None, None) if rng.random() < 0.5 else (late(), None, None, True),
    )
    post_change(
        "future_versions", n_of(POST_RATES["future_versions"], n_posts), (kept, live),
        lambda p: rng.choice([(future(), edited_text(p), None, None), (future(), None, None, True), (future(), None, "only_me", None)]),
    )
    post_change("unknown_enum_versions", 1, (kept, live), lambda p: (window(), None, "everyone", None))

    # --- 1. new posts -------------------------------------------------------------------------------------------
    def author_in(country: str) -> str:
        pool = [u for u in users if u.country == country]
        best = [u for u in pool if eligible(u)] or pool or users
        return rng.choice(best).user_id

    originals = kept or live
    new_rows: list[tuple] = []
    n_new = n_of(POST_RATES["new_posts"], n_posts, floor=7)
    for i in range(n_new):
        at = window()
        post_type, visibility = rng.choice(TRAINABLE_TYPES), "public"
        if i < len(FOCUS_COUNTRIES):
            country = FOCUS_COUNTRIES[i]
            author = author_in(country)
        elif i == len(FOCUS_COUNTRIES):  # the account just moved to an unlisted country posts again
            country, author = UNLISTED, (moved_out[0].user_id if moved_out else author_in(UNLISTED))
        else:
            author = rng.choice([u for u in users if eligible(u)] or users).user_id
            country = account[author].country or ""
            if i == len(FOCUS_COUNTRIES) + 2:
                post_type, visibility = "story", "friends"
            elif i > len(FOCUS_COUNTRIES) + 2:
                post_type = rng.choices(["post", "comment", "photo_caption", "story", "message"], [50, 25, 10, 8, 7])[0]
                visibility = rng.choices(["public", "friends", "friends_of_friends", "only_me", "custom"], [70, 12, 6, 7, 5])[0]
        lang = LANGS.get(country) or rng.choice(list(SENTENCES))
        if i == len(FOCUS_COUNTRIES) + 1:  # a re-post: word for word another post's text
            text = rng.choice(originals).text
            counts["copies"] = 1
        else:
            text = sentence(lang)
            if i in (0, 1) or rng.random() < 0.25:
                kind = "email" if i == 0 else "phone" if i == 1 else rng.choice(sorted(pii))
                text += " " + rng.choice(pii[kind])
                counts["new_posts_with_pii"] = counts.get("new_posts_with_pii", 0) + 1
            if rng.random() < 0.25:
                text += " " + rng.choice(looks_alike)
        geo = (round(rng.uniform(-60, 60), 5), round(rng.uniform(-120, 120), 5)) if rng.random() < 0.15 else (None, None)
        new_rows.append((f"r{round_no}p{i}", author, rng.choice(["facebook", "instagram"]), post_type, visibility, text, lang, at, at, False, *geo))
    counts["new_posts"] = n_new
    # 8. A row with no post id: the platform's dump lost it.
    at = window()
    new_rows.append((None, rng.choice(users).user_id, "facebook", "post", "public", sentence("en"), "en", at, at, False, None, None))
    counts["null_post_id_rows"] = 1

    # --- 7. erasure at the source: every row of one or two posts ---------------------------------------------------
    n_hard = max(rng.choice([1, 2]), round(0.002 * n_posts * scale))
    erased = [p.post_id for p in pick.take(n_hard, kept, live)]
    counts["hard_deleted_posts"] = len(erased)

    # --- 10. objections --------------------------------------------------------------------------------------------
    objection_rows: list[tuple] = []  # (user_id, objected_at, scope, channel)
    n_obj = n_of(USER_RATE, n_users)
    fresh_objectors = accounts_where(lambda u: u.user_id not in objecting)

    def objection(name: str, n: int, when, scope=None) -> None:
        got = pick.take(n, *fresh_objectors)
        for u in got:
            objection_rows.append((u.user_id, when(), scope or rng.choice(["ai_training", "ai_training", "all"]), rng.choice(["form", "settings", "email"])))
        counts[name] = len(got)

    objection("objections", n_obj, window)
    objection("late_objections", n_obj, late)
    objection("future_objections", n_obj, future)
    objection("out_of_scope_objections", n_obj, window, scope="marketing")
    # Withdrawals of objections in effect, made long enough ago that a late withdrawal still comes after them.
    standing = [
        r for r in objections
        if r["user_id"] in objecting and r["scope"] in ("ai_training", "all") and r["wm"] is None and r["om"] is not None
        and r["om"] < (lo - 48 * HOUR) * 1_000_000
    ]
    by_author = [r for r in standing if r["user_id"] in posts_of and r["user_id"] in few]
    withdrawals: list[tuple[str, int, int]] = []  # (user_id, objected_at in µs, withdrawn_at in s)
    for name, when in (("withdrawals", window), ("late_withdrawals", late)):
        got: list = []
        for pool in (by_author, standing):
            free = [r for r in pool if r["user_id"] not in pick.used]
            got += rng.sample(free, min(n_obj - len(got), len(free)))
            pick.used.update(r["user_id"] for r in got)
        withdrawals += [(r["user_id"], r["om"], when()) for r in got]
        counts[name] = len(got)

    missing = sorted(k for k, n in counts.items() if n == 0)
    if missing:  # before any write: a round without every kind would test less than it claims
        raise RuntimeError(f"round {round_no}: the lake has nothing to choose for {missing}")

    # --- writes: one append per table, then the hard delete and the withdrawals ------------------------------------
    _append_posts(spark, posts_df, paths["posts"], versions, new_rows)
    if erased:
        DeltaTable.forPath(spark, paths["posts"]).delete(F.col("post_id").isin(erased))
    _append_accounts(spark, users_df, paths["users"], accounts)
    objections_new = spark.createDataFrame(objection_rows, "user_id string, _at long, scope string, channel string").select(
        "user_id", _ts("_at").alias("objected_at"), "scope", F.lit(None).alias("withdrawn_at"), "channel"
    )
    # Always at least the in-window objection: the job refuses an objections table older than a day.
    objections_new = _conformed(objections_new, objections_df)
    objections_new.write.format("delta").mode("append").save(paths["objections"])
    if withdrawals:
        def match(uid: str, om: int) -> Column:
            return (F.col("user_id") == uid) & (F.unix_micros("objected_at") == om) & F.col("withdrawn_at").isNull()

        withdrawn_at = F.lit(None).cast("timestamp")
        for uid, om, at in withdrawals:
            withdrawn_at = F.when(match(uid, om), F.lit(at).cast("timestamp")).otherwise(withdrawn_at)
        condition = F.lit(False)
        for uid, om, _ in withdrawals:
            condition = condition | match(uid, om)
        DeltaTable.forPath(spark, paths["objections"]).update(condition, {"withdrawn_at": withdrawn_at})
    return counts


def _append_posts(spark: SparkSession, table: DataFrame, path: str, versions: list[tuple], new_rows: list[tuple]) -> None:
    """New versions of existing posts (their latest version, changed) and new posts, in one commit."""
    changes = spark.createDataFrame(versions, "post_id string, _at long, _text string, _visibility string, _is_deleted boolean")
    base = _latest_rows(table, "post_id", [v[0] for v in versions]).join(changes, "post_id")
    updated = base.select(
        "post_id", "author_id", "platform", "post_type",
        F.coalesce("_visibility", "visibility").alias("visibility"),
        F.coalesce("_text", "text").alias("text"),
        "lang", "created_at", _ts("_at").alias("updated_at"),
        F.coalesce("_is_deleted", "is_deleted").alias("is_deleted"),
        "geo_lat", "geo_lon",
    )
    fresh = spark.createDataFrame(
        new_rows,
        "post_id string, author_id string, platform string, post_type string, visibility string, text string, lang string, "
        "_created long, _at long, is_deleted boolean, geo_lat double, geo_lon double",
    ).select(
        "post_id", "author_id", "platform", "post_type", "visibility", "text", "lang",
        _ts("_created").alias("created_at"), _ts("_at").alias("updated_at"), "is_deleted", "geo_lat", "geo_lon",
    )
    # As the seed files them: one dump folder per month, named by its last day, of the version's own date.
    rows = updated.unionByName(fresh).withColumn("ingest_date", F.last_day(F.to_date("updated_at")))
    _conformed(rows, table).write.format("delta").mode("append").save(path)


def _append_accounts(spark: SparkSession, table: DataFrame, path: str, accounts: list[tuple]) -> None:
    """New versions of accounts: their latest version with the changed fields, in one commit."""
    if not accounts:
        return
    changes = spark.createDataFrame(
        accounts, "user_id string, _at long, _status string, _private boolean, _country string, _birth date"
    )
    base = _latest_rows(table, "user_id", [a[0] for a in accounts]).join(changes, "user_id")
    rows = base.select(
        "user_id",
        F.coalesce("_country", "country").alias("country"),
        F.coalesce("_birth", "birth_date").alias("birth_date"),
        F.coalesce("_status", "account_status").alias("account_status"),
        F.coalesce("_private", "is_private_account").alias("is_private_account"),
        _ts("_at").alias("updated_at"),
    )
    _conformed(rows, table).write.format("delta").mode("append").save(path)
