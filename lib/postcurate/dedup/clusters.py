"""Rule 10: among posts whose redacted text is the same or nearly the same, one is kept.

Pure DataFrame functions over the redacted candidates (``post_pid``, ``created_at``, ``text``):

1. ``with_normalised_text``: the text as compared (``postcurate.dedup.functions.normalised_text``).
2. ``exact_duplicates``: posts whose normalised text another post also has. Grouped by 128 bits of hash of the
   text, so a post copied a million times is one group (one aggregate of fixed-width values), and only its keeper
   goes on to the near-duplicate search.
3. ``with_band_keys`` and ``candidate_pairs``: MinHash LSH over the keepers of step 2. Two texts sharing a band key
   are candidates. A bucket (texts sharing one key) of at most ``max_bucket`` texts yields all its pairs; a larger
   one yields each text paired with the bucket's earliest text only, so a viral text copied with edits a million
   times costs a million pairs, not half a trillion.
4. ``similar_pairs``: each candidate pair's exact Jaccard similarity, kept at or above the threshold (banding only
   proposes).
5. ``connected_components`` (``postcurate.dedup.components``) over the similar pairs: the clusters.
6. ``kept_in_order``: in the keep order, a post stays unless it is a near-duplicate of a post that stays before
   it; a cluster keeps its earliest post, and more than one only when it is a chain of edits whose ends are not
   near-duplicates of each other. Steps 5 and 6 run in distributed rounds; a graph of at most ``ONE_TASK_LINKS``
   links (most days' input) is clustered and decided in one task instead (``clusters_in_one_task``, same rows).
7. ``duplicates``: one row per post in a cluster, with the post it duplicates if it goes.

The keep order: the earliest ``created_at``, ties by ``post_pid``; the same whatever the partitioning.
"""

from __future__ import annotations

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate.config import DedupSettings
from postcurate.dedup.components import clusters_in_one_task, connected_components, detached, kept_in_order
from postcurate.dedup.functions import NearDuplicateFunctions, normalised_text

# Rows of a frame broadcast to every task rather than shuffled against a large one (a hash table of this many
# small rows is a few tens of MB); larger frames are joined by shuffling both sides.
BROADCAST_ROWS = 2_000_000

# Near-duplicate links that one Python worker clusters in one task (a few seconds and a few tens of MB for the
# largest); a larger graph runs the distributed rounds, whose fixed cost (a few Spark jobs a round, for dozens of
# rounds) is what a small input would otherwise pay.
ONE_TASK_LINKS = 200_000

# Why a post in a cluster goes (``duplicates``' ``kind``; null for a post that stays).
KINDS = ("exact", "near", "chain")

# Histogram bins of cluster sizes (posts per cluster, the kept one included) for the manifest and the report.
CLUSTER_SIZE_BINS = ((2, 2), (3, 5), (6, 10), (11, 100), (101, 1000), (1001, None))


def keep_order() -> Column:
    """The order in which posts are preferred: earliest ``created_at``, then smallest ``post_pid``."""
    return F.struct(F.col("created_at"), F.col("post_pid"))


def with_normalised_text(df: DataFrame, text: str = "text") -> DataFrame:
    """Add ``normalised``: the text duplicates are compared by (``register_normaliser`` must have run)."""
    return df.withColumn("normalised", normalised_text(F.col(text)))


def _text_key(normalised: Column) -> Column:
    # Two 64-bit hashes with different seeds (Spark's xxhash64 of the text, and of the text after a fixed prefix):
    # equal texts always share the key; two different texts share it with probability about 2^-128.
    return F.struct(F.xxhash64(normalised).alias("h1"), F.xxhash64(F.lit("postcurate-dedup"), normalised).alias("h2"))


def _maybe_broadcast(df: DataFrame, rows: int) -> DataFrame:
    return F.broadcast(df) if rows <= BROADCAST_ROWS else df


def exact_duplicates(posts: DataFrame) -> DataFrame:
    """``post_pid, kept`` (the keep order of the post kept in its place) for every post whose normalised text an
    earlier post (in the keep order) also has; persisted (unpersist when done). ``posts`` has ``post_pid``,
    ``created_at``, ``normalised``."""
    keyed = posts.select("post_pid", keep_order().alias("order"), _text_key(F.col("normalised")).alias("text_key"))
    groups = (
        keyed.groupBy("text_key")
        .agg(F.count(F.lit(1)).alias("n"), F.min("order").alias("kept"))
        .where(F.col("n") > 1)
        .drop("n")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        joined = keyed.join(_maybe_broadcast(groups, groups.count()), "text_key")
        result = joined.where(F.col("order") != F.col("kept")).select(F.col("order.post_pid").alias("post_pid"), "kept")
        result = result.persist(StorageLevel.MEMORY_AND_DISK)
        result.count()
        return result
    finally:
        groups.unpersist()


def _node(post_pid: Column) -> Column:
    # A 64-bit handle on a post for the band shuffle, instead of its 64-character pseudonym. Two posts may share a
    # handle (about one pair in 2^64); the pairs are joined back to posts by handle, which then yields every post
    # holding it, so a shared handle costs a comparison, never a wrong link.
    return F.xxhash64(post_pid)


def with_band_keys(posts: DataFrame, near: NearDuplicateFunctions) -> DataFrame:
    """``node, key``: one row per post and LSH band key (``posts`` has ``post_pid``, ``normalised``)."""
    return posts.select(_node(F.col("post_pid")).alias("node"), F.explode(near.band_keys(F.col("normalised"))).alias("key"))


def candidate_pairs(bands: DataFrame, order: DataFrame, max_bucket: int) -> DataFrame:
    """``a, b`` (nodes, ``a < b``, distinct): the pairs whose texts share a band key, bounded per bucket; persisted
    (unpersist when done).

    ``bands`` is ``with_band_keys``' output; ``order`` maps ``node`` to the keep ``order`` (for the earliest text
    of a large bucket). A bucket of two is its pair; up to ``max_bucket`` texts, every pair; above it, each text
    with the bucket's earliest text.
    """
    # Most keys belong to one text: a fixed-width aggregate finds the shared ones, and a bucket of two (the common
    # case) is already its pair. Only texts in larger buckets are looked up again.
    buckets = (
        bands.groupBy("key")
        .agg(F.count(F.lit(1)).alias("n"), F.min("node").alias("lo"), F.max("node").alias("hi"))
        .where(F.col("n") > 1)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    cached = [buckets]
    try:
        pairs = buckets.where(F.col("n") == 2).select(F.col("lo").alias("a"), F.col("hi").alias("b"))
        crowded = buckets.where(F.col("n") > 2).select("key", "n").persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(crowded)
        # One job fills the cache and says both how many keys are crowded and whether any is above max_bucket.
        crowded_keys, largest = crowded.agg(F.count(F.lit(1)), F.max("n")).collect()[0]
        if crowded_keys:
            members = bands.join(_maybe_broadcast(crowded, crowded_keys), "key").persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(members)
            small = members.where(F.col("n") <= max_bucket)
            pairs = pairs.unionByName(
                small.alias("x")
                .join(small.alias("y"), "key")
                .where(F.col("x.node") < F.col("y.node"))
                .select(F.col("x.node").alias("a"), F.col("y.node").alias("b"))
            )
            if largest > max_bucket:
                large = members.where(F.col("n") > max_bucket).join(order, "node")
                earliest = large.groupBy("key").agg(F.min(F.struct("order", "node")).alias("first")).select("key", F.col("first.node").alias("first"))
                pairs = pairs.unionByName(
                    large.join(earliest, "key").select(F.least("node", "first").alias("a"), F.greatest("node", "first").alias("b"))
                )
        result = pairs.where(F.col("a") != F.col("b")).distinct().persist(StorageLevel.MEMORY_AND_DISK)
        result.count()
        return result
    finally:
        for df in cached:
            df.unpersist()


def similar_pairs(pairs: DataFrame, texts: DataFrame, near: NearDuplicateFunctions, threshold: float) -> DataFrame:
    """``src, dst`` (keep orders) of the candidate pairs whose exact Jaccard similarity is at least ``threshold``.

    ``texts``: ``node, order, normalised`` of the posts searched; only those in a pair are read back.
    """
    involved = pairs.select(F.col("a").alias("node")).unionByName(pairs.select(F.col("b").alias("node"))).distinct()
    involved = involved.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        wanted = texts.join(_maybe_broadcast(involved, involved.count()), "node", "left_semi").persist(StorageLevel.MEMORY_AND_DISK)
        wanted.count()
    finally:
        involved.unpersist()
    a = wanted.select(F.col("node").alias("a"), F.col("order").alias("order_a"), F.col("normalised").alias("text_a"))
    b = wanted.select(F.col("node").alias("b"), F.col("order").alias("order_b"), F.col("normalised").alias("text_b"))
    checked = pairs.join(a, "a").join(b, "b").where(F.col("order_a") != F.col("order_b"))
    similar = checked.where(near.jaccard(F.col("text_a"), F.col("text_b")) >= F.lit(threshold))
    result = similar.select(F.col("order_a").alias("src"), F.col("order_b").alias("dst")).persist(StorageLevel.MEMORY_AND_DISK)
    result.count()
    wanted.unpersist()
    return result


def duplicates(candidates: DataFrame, settings: DedupSettings, near: NearDuplicateFunctions) -> DataFrame:
    """``post_pid, cluster, duplicate_of, kind`` for every candidate in a cluster of two or more; persisted
    (unpersist when done).

    ``cluster`` is the cluster's earliest post (clusters are the connected components of exact and near-duplicate
    links). ``duplicate_of`` is null for a post that stays, else the post that stays of which it is a copy or a
    near-duplicate; ``kind`` says why it goes: "exact", "near" or "chain" (see ``kept_in_order``), null if it stays.
    ``candidates``: the posts that passed rules 1 to 9 (``post_pid``, ``created_at``, ``text``), redacted.
    """
    cached: list[DataFrame] = []

    def keep(df: DataFrame) -> DataFrame:
        # Each frame kept here is detached from the plan that built it: Spark prints a cached frame's whole plan
        # inside every plan that reads it, and these frames read each other several times over, so the printed
        # plans (which adaptive execution writes for every stage) grew until a 20,000-post demo ran the driver
        # out of memory.
        # The frame given may be persisted itself (the helpers return theirs filled): it is released with the
        # rest. Left cached, it kept its plan's broadcast tables alive after the run, about 140 MB a run.
        cached.append(df)
        df = detached(df).persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(df)
        return df

    posts = keep(candidates.select("post_pid", "created_at", "text").transform(with_normalised_text))

    try:
        exact = keep(exact_duplicates(posts))
        searched = posts.join(_maybe_broadcast(exact.select("post_pid"), exact.count()), "post_pid", "left_anti").select(
            _node(F.col("post_pid")).alias("node"), keep_order().alias("order"), "post_pid", "normalised"
        )
        pairs = keep(candidate_pairs(with_band_keys(searched, near), searched.select("node", "order"), settings.max_bucket))
        edges = keep(similar_pairs(pairs, searched, near, settings.threshold))
        if edges.count() <= ONE_TASK_LINKS:
            linked = keep(clusters_in_one_task(edges, max_rounds=settings.max_iterations))
        else:
            components = keep(connected_components(edges, max_iterations=settings.max_iterations))
            linked = keep(kept_in_order(edges, components, max_rounds=settings.max_iterations))
        near_posts = linked.select(
            F.col("vertex").alias("order"),
            F.col("component").alias("cluster"),
            "duplicate_of",
            F.when(F.col("status") != "kept", F.col("status")).alias("kind"),
        ).withColumn("kind", F.when(F.col("kind") == "removed", "near").otherwise(F.col("kind")))
        # An exact copy goes in favour of its text's kept post; when that text is itself a near-duplicate, in favour
        # of the post it duplicates (same text, same similarity).
        exact_keepers = exact.select(F.col("kept").alias("order")).distinct()
        keepers = exact_keepers.join(near_posts, "order", "left").select(
            "order", F.coalesce("cluster", "order").alias("cluster"), "duplicate_of", "kind"
        )
        copies = exact.join(
            keepers.select(F.col("order").alias("kept"), "cluster", F.col("duplicate_of").alias("keeper_duplicate_of")), "kept"
        ).select(
            F.struct(F.lit(None).cast("timestamp").alias("created_at"), F.col("post_pid")).alias("order"),
            "cluster",
            F.coalesce("keeper_duplicate_of", "kept").alias("duplicate_of"),
            F.lit("exact").alias("kind"),
        )
        everyone = near_posts.unionByName(keepers.join(near_posts.select("order"), "order", "left_anti")).unionByName(copies)
        result = everyone.select(
            F.col("order.post_pid").alias("post_pid"),
            F.col("cluster.post_pid").alias("cluster"),
            F.col("duplicate_of.post_pid").alias("duplicate_of"),
            "kind",
        ).persist(StorageLevel.MEMORY_AND_DISK)
        result.count()
        return result
    finally:
        for df in cached:
            df.unpersist()


def with_duplicate_reason(candidates: DataFrame, duplicates_found: DataFrame, removed: int | None = None) -> DataFrame:
    """Rule 10: ``reason`` becomes "duplicate" for the candidates ``duplicates_found`` says go, if still kept so far.

    ``duplicates_found`` should be persisted: its posts that go are counted to decide whether they are broadcast
    (a table of pseudonyms to every task) or shuffled against the candidates. ``removed``: that count when it is
    already known (``cluster_sizes``' "removed": a post goes exactly when it has a ``duplicate_of``).
    """
    gone = duplicates_found.where(F.col("duplicate_of").isNotNull()).select("post_pid", F.lit(True).alias("_duplicate"))
    return (
        candidates.join(_maybe_broadcast(gone, gone.count() if removed is None else removed), "post_pid", "left")
        .withColumn("reason", F.when(F.col("reason").isNull() & F.coalesce(F.col("_duplicate"), F.lit(False)), F.lit("duplicate")).otherwise(F.col("reason")))
        .drop("_duplicate")
    )


def _bin_name(low: int, high: int | None) -> str:
    return f"{low}" if low == high else f"{low}-{high}" if high else f"{low}+"


def cluster_sizes(duplicates_found: DataFrame) -> dict:
    """Posts removed (by kind) and the distribution of cluster sizes (posts per cluster, kept ones included),
    aggregated in Spark: only a row per distinct size (its clusters, and its posts of each kind) reaches the driver."""
    per_cluster = duplicates_found.groupBy("cluster").agg(
        F.count(F.lit(1)).alias("size"), *(F.count_if(F.col("kind") == kind).alias(kind) for kind in KINDS)
    )
    per_size = per_cluster.groupBy("size").agg(F.count(F.lit(1)).alias("count"), *(F.sum(kind).alias(kind) for kind in KINDS)).collect()
    removed = {kind: sum(int(r[kind]) for r in per_size) for kind in KINDS}
    bins = []
    for low, high in CLUSTER_SIZE_BINS:
        inside = [r for r in per_size if r["size"] >= low and (high is None or r["size"] <= high)]
        bins.append({"sizes": _bin_name(low, high), "clusters": sum(r["count"] for r in inside), "posts": sum(r["size"] * r["count"] for r in inside)})
    return {
        "removed": sum(removed.values()),
        "removed_exact": removed["exact"],
        "removed_near": removed["near"],
        "removed_chain": removed["chain"],
        "kept_from_clusters": sum(r["size"] * r["count"] for r in per_size) - sum(removed.values()),
        "clusters": sum(b["clusters"] for b in bins),
        "largest_cluster": max((r["size"] for r in per_size), default=0),
        "cluster_sizes": bins,
    }
