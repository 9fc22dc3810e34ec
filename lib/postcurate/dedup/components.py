"""Connected components of a graph held as a DataFrame of edges, in Spark (no collect of the graph).

The alternating large-star / small-star algorithm (Kiveris et al., "Connected Components in MapReduce and Beyond",
SoCC 2014; the one GraphFrames uses): each round replaces every vertex's edges by edges to the smallest vertex in
its neighbourhood, so a component becomes a star around its smallest vertex in O(log^2 n) rounds, a long chain
included (plain min-label propagation needs as many rounds as the chain is long). Vertices are any orderable
column type (here a struct of the keep order: the component's label is the post to keep).
"""

from __future__ import annotations

from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from postcurate.errors import PostcurateError


class ComponentsDidNotConverge(PostcurateError):
    """Connected components did not settle within the configured number of rounds."""

    exit_code = 1


def _large_star(edges: DataFrame) -> DataFrame:
    """Every vertex's larger neighbours are linked to the smallest vertex of its neighbourhood (itself included)."""
    both = edges.select(F.col("src").alias("u"), F.col("dst").alias("v")).unionByName(edges.select(F.col("dst").alias("u"), F.col("src").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.col("u"), F.min("v")).alias("m"))
    return both.where(F.col("v") > F.col("u")).join(smallest, "u").select(F.col("v").alias("src"), F.col("m").alias("dst")).distinct()


def _small_star(edges: DataFrame) -> DataFrame:
    """Every vertex and its smaller neighbours are linked to the smallest of them."""
    down = edges.select(F.greatest("src", "dst").alias("u"), F.least("src", "dst").alias("v"))
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = down.join(smallest, "u").select(F.col("v").alias("src"), F.col("m").alias("dst")).unionByName(
        smallest.select(F.col("u").alias("src"), F.col("m").alias("dst"))
    )
    return linked.where(F.col("src") != F.col("dst")).distinct()


def detached(df: DataFrame) -> DataFrame:
    """The same rows as a frame whose plan is a leaf over ``df``'s RDD.

    Each round's frame refers to the previous round's several times; left in the plan, the rounds multiply into
    a plan that grows exponentially (planning a dozen rounds ran the driver out of memory). Unlike
    ``localCheckpoint``, the RDD keeps its lineage, so rows lost with an executor are recomputed.
    """
    spark = df.sparkSession
    return DataFrame(spark._jsparkSession.createDataFrame(df._jdf.rdd(), df._jdf.schema()), spark)


def connected_components(edges: DataFrame, *, max_iterations: int) -> DataFrame:
    """``vertex, component`` for every vertex of ``edges`` (columns ``src``, ``dst``, undirected); a component's
    label is its smallest vertex. Raises ``ComponentsDidNotConverge`` (loudly, never a partial answer) when the
    graph has not settled after ``max_iterations`` rounds.

    >>> connected_components(spark.createDataFrame([(1, 2), (2, 3), (7, 8)], "src long, dst long"), max_iterations=20)
    ... # (1, 1), (2, 1), (3, 1), (7, 7), (8, 7)
    """
    current = detached(
        edges.where(F.col("src") != F.col("dst"))
        .select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
        .distinct()
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        for _ in range(max_iterations):
            settled = detached(_small_star(_large_star(current))).persist(StorageLevel.MEMORY_AND_DISK)
            # A round that changes no edge is the fixed point: every component is a star around its smallest
            # vertex. One job compares the rounds (and fills the new round's cache: a count, not a limit).
            changed = (
                settled.withColumn("_new", F.lit(True))
                .join(current.withColumn("_old", F.lit(True)), ["src", "dst"], "full_outer")
                .where(F.col("_new").isNull() | F.col("_old").isNull())
                .count()
            )
            current.unpersist()
            current = settled
            if not changed:
                break
        else:
            raise ComponentsDidNotConverge(
                f"near-duplicate clusters did not settle in {max_iterations} rounds of connected components "
                "(dedup.max_iterations); nothing was published. Raise dedup.max_iterations or dedup.threshold"
            )
        stars = current.select(F.col("src").alias("vertex"), F.col("dst").alias("component"))
        centres = current.select(F.col("dst").alias("vertex"), F.col("dst").alias("component")).distinct()
        result = stars.unionByName(centres).persist(StorageLevel.MEMORY_AND_DISK)
        result.count()
        return result
    finally:
        current.unpersist()


def kept_in_order(edges: DataFrame, components: DataFrame, *, max_rounds: int) -> DataFrame:
    """Which vertices of a graph of near-duplicate links stay: ``vertex, component, status, duplicate_of``.

    The sequential rule, in the keep order: a vertex stays (``status`` "kept") unless it is linked to a vertex
    that stays before it; then it goes ("removed", ``duplicate_of`` the earliest such vertex). So every vertex that
    goes is a near-duplicate of one that stays, as the contract puts it, and a chain of edits (A~B, B~C, A and C
    apart) keeps A and C. Computed in rounds, in parallel: in each round every undecided vertex with no undecided
    neighbour before it stays, and its undecided neighbours go; that is exactly the sequential outcome, and a
    component's earliest vertex always stays in the first round. A cluster that is still undecided after
    ``max_rounds`` rounds (a chain of many edits, each a near-duplicate of the one before) loses its undecided
    vertices as "chain" duplicates of its earliest vertex: out rather than in, and counted.

    ``edges``: ``src, dst`` (undirected); ``components``: ``vertex, component`` for the same vertices.
    """
    both = detached(
        edges.select(F.col("src").alias("u"), F.col("dst").alias("v")).unionByName(edges.select(F.col("dst").alias("u"), F.col("src").alias("v"))).distinct()
    ).persist(StorageLevel.MEMORY_AND_DISK)
    state = detached(components.select("vertex", "component", F.lit(None).cast("string").alias("status"))).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        undecided_left = state.count()
        for _ in range(max_rounds):
            if not undecided_left:
                break
            undecided = state.where(F.col("status").isNull()).select("vertex")
            u_open = undecided.select(F.col("vertex").alias("u"))
            v_open = undecided.select(F.col("vertex").alias("v"))
            open_links = both.join(u_open, "u").join(v_open, "v")
            blocked = open_links.where(F.col("u") < F.col("v")).select(F.col("v").alias("vertex")).distinct()
            staying = undecided.join(blocked, "vertex", "left_anti")
            going = open_links.join(staying.select(F.col("vertex").alias("u")), "u").select(F.col("v").alias("vertex")).distinct()
            decided = staying.withColumn("_now", F.lit("kept")).unionByName(going.withColumn("_now", F.lit("removed")))
            updated = detached(
                state.join(decided, "vertex", "left").select("vertex", "component", F.coalesce("status", "_now").alias("status"))
            ).persist(StorageLevel.MEMORY_AND_DISK)
            undecided_left = updated.where(F.col("status").isNull()).count()
            state.unpersist()
            state = updated
        kept = state.where(F.col("status") == "kept").select(F.col("vertex").alias("u"))
        first_kept = both.join(kept, "u").groupBy(F.col("v").alias("vertex")).agg(F.min("u").alias("first_kept"))
        result = (
            state.join(first_kept, "vertex", "left")
            .select(
                "vertex",
                "component",
                F.coalesce("status", F.lit("chain")).alias("status"),
                F.when(F.col("status") == "removed", F.col("first_kept")).when(F.col("status").isNull(), F.col("component")).alias("duplicate_of"),
            )
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        result.count()
        return result
    finally:
        state.unpersist()
        both.unpersist()
