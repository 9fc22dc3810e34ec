"""Incremental snapshots: a run that starts from the last published snapshot and the input tables' change feeds.

Which posts a change can move, and why deciding those again gives a full build's answer: docs/incremental.md.

    plan(...)    -> Plan: "incremental" with the base snapshot and the posts to decide again, or "full" and why
    only(posts, plan.keys)            the raw versions of those posts (the job decides and redacts only these)
    merged(spark, plan, curated)      the base snapshot's rows of every other post, plus the new decisions
    removals(spark, previous, staged) the post pseudonyms that left the shards since the previous snapshot

A run falls back to a full build, and says why, whenever it cannot show the base plus the changes is enough: no
earlier snapshot, a different build, a table without its change feed or whose feed is gone, a schema change, rule 10
on, or more changed posts than ``incremental.max_changed_fraction`` of the base. A full build never reads the base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.clock import naive_utc
from postcurate.lake import PinnedTable
from postcurate.pipeline import Curated
from postcurate.pseudonyms import Pseudonyms
from postcurate.rules.eligibility import cutoff_literal, latest_accounts, post_key
from postcurate.rules.geo import GeoRules
from postcurate.snapshot import Manifest, RunIdentity, layout

__all__ = ["FullBuild", "Plan", "affected_posts", "changed_rows", "merged", "only", "plan", "removals"]

INPUTS = ("posts", "users", "objections")
CHANGE_FEED_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")
KEY = "_post_key"


class FullBuild(Exception):
    """Why this run cannot start from the earlier snapshot (one line, recorded in the manifest and the run's events)."""


@dataclass
class Plan:
    """How the run builds: ``mode`` "incremental" (from ``base``, deciding again the posts in ``keys``) or "full"."""

    mode: str
    reason: str
    base: Manifest | None = None
    keys: DataFrame | None = None  # _post_key and post_pid of every post to decide again
    changed_posts: int = 0
    removed: dict[str, int] | None = None  # post pseudonyms that left the shards (removed/), by reason; None: no list
    removed_since: dict | None = None  # the snapshot (and its revision) that removed/ is counted from

    @property
    def incremental(self) -> bool:
        return self.mode == "incremental"

    def record(self, manifest: Manifest) -> None:
        """Fill the manifest's ``mode``, ``mode_info`` and ``removed``."""
        manifest.mode = self.mode
        manifest.mode_info = {"reason": self.reason}
        if self.base is not None:
            manifest.mode_info |= {"base": self.base.snapshot_id, "base_revision": self.base.revision or 0, "changed_posts": self.changed_posts}
        manifest.removed = dict(sorted(self.removed.items())) if self.removed is not None else None
        manifest.removed_since = self.removed_since if self.removed is not None else None


def plan(
    spark: SparkSession,
    *,
    identity: RunIdentity,
    previous: Manifest | None,
    tables: dict[str, PinnedTable],
    geo: GeoRules,
    pseudonyms: Pseudonyms,
    dedup_enabled: bool,
    max_changed_fraction: float,
    root: Path,
    full: bool,
    cache: Callable[[DataFrame], DataFrame],
) -> Plan:
    """Decide how this run builds. ``cache`` persists a frame for the rest of the run (``job.Build.cached``)."""
    try:
        base = _base(identity, previous, root, dedup_enabled, full)
        base_identity = RunIdentity.from_manifest(base)
        changes = {name: changed_rows(spark, tables[name], base_identity.versions[name]) for name in INPUTS}
        keys = affected_posts(
            tables, changes, geo, since=naive_utc(base_identity.as_of), until=naive_utc(identity.as_of)
        ).withColumn("post_pid", pseudonyms.post(F.col(KEY)))
        keys = cache(keys)
        try:
            changed = keys.count()  # reads the change feeds: a feed whose files were vacuumed fails here
        except Exception as exc:  # noqa: BLE001 - only a change feed that cannot be read is a reason to build in full
            if not _unreadable_feed(exc):
                raise
            raise FullBuild("the input tables' change data since the earlier snapshot cannot be read (files vacuumed?)") from None
        read = (base.counts.posts_read if base.counts else None) or 0
        if changed > max_changed_fraction * read:
            raise FullBuild(
                f"{changed} of the {read} posts of {base.snapshot_id} would be decided again, more than "
                f"incremental.max_changed_fraction ({max_changed_fraction:.0%}): a full build costs less"
            )
    except FullBuild as why:
        return Plan("full", str(why))
    return Plan("incremental", f"from {base.snapshot_id}: {changed} posts decided again", base, keys, changed)


def _base(identity: RunIdentity, previous: Manifest | None, root: Path, dedup_enabled: bool, full: bool) -> Manifest:
    """The snapshot to start from, or ``FullBuild``."""
    if full:
        raise FullBuild("asked for (--full)")
    if previous is None:
        raise FullBuild("no earlier published snapshot at or before this cut-off")
    if dedup_enabled:
        # Rule 10 can move posts that did not change (docs/incremental.md); that part is not built yet.
        raise FullBuild("rule 10 is on (dedup.enabled): incremental builds do not re-cluster duplicates yet")
    try:
        before = RunIdentity.from_manifest(previous)
    except Exception:  # noqa: BLE001 - a base we cannot read back is no base
        raise FullBuild(f"the manifest of {previous.snapshot_id} does not record its inputs") from None
    differs = sorted(k for k in set(identity.build()) | set(before.build()) if identity.build().get(k) != before.build().get(k))
    if differs:
        raise FullBuild(f"{previous.snapshot_id} was built differently ({', '.join(differs)})")
    for name in INPUTS:
        if name not in before.versions:
            raise FullBuild(f"the manifest of {previous.snapshot_id} does not pin inputs.{name}")
    folder = layout.snapshot_dir(root, str(previous.snapshot_id))
    for entry in previous.shards:
        path = folder / entry.path
        if not path.is_file() or path.stat().st_size != entry.bytes:
            raise FullBuild(f"{previous.snapshot_id} does not match its manifest ({entry.path}); check it with `postcurate validate`")
    return previous


def changed_rows(spark: SparkSession, table: PinnedTable, since: int) -> DataFrame:
    """Every row of ``table`` written, removed or updated (both images) after version ``since`` up to its pinned
    version, conformed to the table's schema. ``FullBuild`` when the change feed cannot give them."""
    from delta.tables import DeltaTable

    name, path = table.name, table.path
    if since > table.version:
        raise FullBuild(f"inputs.{name} is at version {table.version}, older than the version {since} the earlier snapshot read (table replaced?)")
    if since == table.version:
        return table.df.where(F.lit(False))
    detail = DeltaTable.forPath(spark, path).detail().select("properties").first()
    properties = (detail[0] if detail is not None else None) or {}
    if str(properties.get("delta.enableChangeDataFeed", "false")).lower() != "true":
        raise FullBuild(f"inputs.{name} does not record its change data feed (delta.enableChangeDataFeed; README, 'Incremental runs')")
    reader = spark.read.format("delta")
    try:
        before = _columns(reader.option("versionAsOf", since).load(path))
        now = _columns(reader.option("versionAsOf", table.version).load(path))
        if before != now:
            raise FullBuild(f"the schema of inputs.{name} changed between versions {since} and {table.version}")
        rows = (
            spark.read.format("delta").option("readChangeFeed", "true")
            .option("startingVersion", since + 1).option("endingVersion", table.version).load(path)
        )
    except AnalysisException as exc:
        first = (exc.getMessage() or "").splitlines()[0][:200]
        raise FullBuild(f"the change data of inputs.{name} versions {since + 1} to {table.version} cannot be read: {first}") from None
    return schemas.conform(rows.drop(*CHANGE_FEED_COLUMNS), name)


def _columns(df: DataFrame) -> list[tuple[str, str]]:
    return [(f.name, f.dataType.simpleString()) for f in df.schema.fields]


def _unreadable_feed(exc: Exception) -> bool:
    text = str(exc)
    return any(s in text for s in ("FileNotFoundException", "DELTA_CHANGE_DATA_FILE_NOT_FOUND", "FAILED_READ_FILE", "does not exist"))


def _between(column: str, since: dt.datetime, until: dt.datetime) -> Column:
    """``since < column <= until``: what one cut-off counts and the other does not (read as the rules read a cut-off)."""
    return (F.col(column) > cutoff_literal(since)) & (F.col(column) <= cutoff_literal(until))


def affected_authors(tables: dict[str, PinnedTable], changes: dict[str, DataFrame], geo: GeoRules, *, since: dt.datetime, until: dt.datetime) -> DataFrame:
    """``author_id`` of every author whose account, objections or country's rule may read differently at ``until``
    than at ``since``: rows changed in the users and objections tables, account versions dated between the two
    cut-offs, objections made or withdrawn between them, and authors in a country whose rule changed between them."""
    users, objections = tables["users"].df, tables["objections"].df
    parts = [
        changes["users"].select("user_id"),
        users.where(_between("updated_at", since, until)).select("user_id"),
        changes["objections"].select("user_id"),
        objections.where(_between("objected_at", since, until) | _between("withdrawn_at", since, until)).select("user_id"),
    ]
    before, after = geo.in_effect(since), geo.in_effect(until)
    countries = sorted(c for c in set(before) | set(after) if before.get(c) != after.get(c))
    if countries:
        parts.append(latest_accounts(users, until).where(F.col("country").isin(*countries)).select(F.col("author_id").alias("user_id")))
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    return union.where(F.col("user_id").isNotNull()).select(F.col("user_id").alias("author_id")).distinct()


def affected_posts(tables: dict[str, PinnedTable], changes: dict[str, DataFrame], geo: GeoRules, *, since: dt.datetime, until: dt.datetime) -> DataFrame:
    """``_post_key`` of every post whose outcome may differ between the two cut-offs (docs/incremental.md): rows
    changed in the posts table, versions dated between the cut-offs (written earlier with a later time), and every
    post with a version by an affected author."""
    posts = tables["posts"].df
    key = post_key(posts.columns).alias(KEY)
    authors = affected_authors(tables, changes, geo, since=since, until=until)
    return (
        changes["posts"].select(key)
        .unionByName(posts.where(_between("updated_at", since, until)).select(key))
        .unionByName(posts.join(authors, "author_id", "left_semi").select(key))
        .distinct()
    )


def only(posts: DataFrame, keys: DataFrame) -> DataFrame:
    """The raw versions of the posts in ``keys`` (all their versions: the job resolves each post's state as usual)."""
    return posts.withColumn(KEY, post_key(posts.columns)).join(keys.select(KEY), KEY, "left_semi").drop(KEY)


def _snapshot_frames(spark: SparkSession, folder: Path, manifest: Manifest) -> Curated:
    """The shard, ledger and quarantine rows of a published snapshot (its current revision's shard files)."""
    shard = schemas.load("shard")
    files = [str(folder / s.path) for s in manifest.shards]
    shards = spark.read.option("basePath", str(folder / layout.SHARDS)).parquet(*files) if files else spark.createDataFrame([], shard.struct)
    return Curated(
        shards=shards.select(*[F.col(c.name).cast(c.type) for c in shard.columns]),
        ledger=spark.read.parquet(str(folder / layout.LEDGER)),
        quarantine=spark.read.parquet(str(folder / layout.QUARANTINE)),
    )


def merged(spark: SparkSession, root: Path, built: Plan, decided: Curated) -> tuple[Curated, int]:
    """The base snapshot's rows of every post not decided again, with ``decided`` (the new decisions) added; and how
    many base rows were carried over (for the count of posts read)."""
    assert built.base is not None and built.keys is not None
    base = _snapshot_frames(spark, layout.snapshot_dir(root, str(built.base.snapshot_id)), built.base)
    gone = built.keys.select("post_pid")

    def carried(df: DataFrame) -> DataFrame:
        return df.join(gone, "post_pid", "left_anti")

    kept = Curated(carried(base.shards), carried(base.ledger), carried(base.quarantine))
    carried_rows = sum(df.count() for df in (kept.shards, kept.ledger, kept.quarantine))
    return (
        Curated(
            shards=kept.shards.unionByName(decided.shards),
            ledger=kept.ledger.select(*decided.ledger.columns).unionByName(decided.ledger),
            quarantine=kept.quarantine.select(*decided.quarantine.columns).unionByName(decided.quarantine),
        ),
        carried_rows,
    )


def removals(spark: SparkSession, root: Path, previous: Manifest | None, staging: Path, key_fingerprint: str) -> DataFrame | None:
    """``post_pid`` and ``reason`` of every post in the previous snapshot's shards that is not in the staged ones:
    its ledger reason, ``invalid`` when quarantined, ``gone`` when the input no longer holds it. None without a
    previous snapshot under the same key (its pseudonyms would mean other posts)."""
    if previous is None or previous.key_fingerprint != key_fingerprint:
        return None
    before = _snapshot_frames(spark, layout.snapshot_dir(root, str(previous.snapshot_id)), previous).shards.select("post_pid")
    now = Curated(
        shards=spark.read.parquet(str(staging / layout.SHARDS)).select("post_pid"),
        ledger=spark.read.parquet(str(staging / layout.LEDGER)),
        quarantine=spark.read.parquet(str(staging / layout.QUARANTINE)),
    )
    where = now.ledger.select("post_pid", "reason").unionByName(now.quarantine.select("post_pid", F.lit("invalid").alias("reason")))
    return (
        before.join(now.shards, "post_pid", "left_anti")
        .join(where, "post_pid", "left")
        .select("post_pid", F.coalesce(F.col("reason"), F.lit("gone")).alias("reason"))
    )
