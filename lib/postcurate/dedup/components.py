"""Connected components of a graph held as a DataFrame of edges, in Spark (no collect of the graph).

The alternating large-star / small-star algorithm (Kiveris et al., "Connected Components in MapReduce and Beyond",
SoCC 2014; the one GraphFrames uses): each round replaces every vertex's edges by edges to the smallest vertex in
its neighbourhood, so a component becomes a star around its smallest vertex in O(log^2 n) rounds, a long chain
included (plain min-label propagation needs as many rounds as the chain is long). Vertices are any orderable
column type (here a struct of the keep order: the component's label is the post to keep).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

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


def _fields(vertex_type: T.DataType) -> list[tuple[str | None, T.DataType]]:
    # A struct vertex travels to pandas as one column per field (``None``: the vertex is a plain value).
    if isinstance(vertex_type, T.StructType):
        return [(f.name, f.dataType) for f in vertex_type.fields]
    return [(None, vertex_type)]


def _flat(vertex: str, fields: list[tuple[str | None, T.DataType]], prefix: str) -> list[Column]:
    return [F.col(f"{vertex}.{name}" if name else vertex).alias(f"{prefix}{i}") for i, (name, _) in enumerate(fields)]


def _rebuilt(prefix: str, fields: list[tuple[str | None, T.DataType]]) -> Column:
    if fields[0][0] is None:
        return F.col(f"{prefix}0")
    return F.struct(*(F.col(f"{prefix}{i}").alias(str(name)) for i, (name, _) in enumerate(fields)))


def _decide_in_order(links: pd.DataFrame, width: int, max_rounds: int) -> pd.DataFrame:
    """``kept_in_order`` of one whole graph, sequentially: ``links`` holds ``s0..``, ``d0..`` (the two ends)."""
    keys = [f"k{i}" for i in range(width)]
    ends = [links[[f"{side}{i}" for i in range(width)]].set_axis(keys, axis=1) for side in ("s", "d")]
    # Ranks in the keep order: Spark orders structs field by field with nulls first, and strings by code point
    # (their UTF-8 bytes), which is how pandas sorts them too.
    vertices = pd.concat(ends, ignore_index=True).drop_duplicates().sort_values(keys, na_position="first", kind="mergesort", ignore_index=True)
    ranked = vertices.assign(_rank=range(len(vertices)))
    a, b = (end.merge(ranked, on=keys, how="left")["_rank"].tolist() for end in ends)
    n = len(vertices)

    # Components: union-find, each set rooted at its smallest rank (the earliest post).
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    neighbours: list[list[int]] = [[] for _ in range(n)]
    for x, y in zip(a, b, strict=True):
        if x != y:
            neighbours[x].append(y)
            neighbours[y].append(x)
            rx, ry = root(x), root(y)
            parent[max(rx, ry)] = min(rx, ry)

    # The keep order, and the round in which ``kept_in_order``'s parallel rounds would decide each vertex: a vertex
    # stays one round after its last earlier neighbour went, and goes in the round its first staying earlier
    # neighbour stays. Vertices those rounds leave undecided after ``max_rounds`` go as "chain".
    kept = [False] * n
    decided_in = [0] * n
    for v in range(n):
        staying_before = [decided_in[w] for w in neighbours[v] if w < v and kept[w]]
        if staying_before:
            decided_in[v] = min(staying_before)
        else:
            kept[v] = True
            decided_in[v] = 1 + max((decided_in[w] for w in neighbours[v] if w < v), default=0)
    in_time = [r <= max_rounds for r in decided_in]
    status, duplicate_of = [], []
    for v in range(n):
        if not in_time[v]:
            status.append("chain")
            duplicate_of.append(root(v))
        elif kept[v]:
            status.append("kept")
            duplicate_of.append(-1)
        else:
            status.append("removed")
            duplicate_of.append(min(w for w in neighbours[v] if kept[w] and in_time[w]))
    component = np.array([root(v) for v in range(n)], dtype=np.int64)
    columns = {f"v{i}": vertices[k] for i, k in enumerate(keys)}
    columns |= {f"c{i}": vertices[k].iloc[component].reset_index(drop=True) for i, k in enumerate(keys)}
    pointer = np.array([max(d, 0) for d in duplicate_of], dtype=np.int64)
    columns |= {f"u{i}": vertices[k].iloc[pointer].reset_index(drop=True) for i, k in enumerate(keys)}
    return pd.DataFrame(columns).assign(status=status, has_duplicate_of=[d >= 0 for d in duplicate_of])


def clusters_in_one_task(edges: DataFrame, *, max_rounds: int) -> DataFrame:
    """``kept_in_order(edges, connected_components(edges, ...), max_rounds=...)``, computed in one task.

    For a graph small enough to hold in one Python worker (the caller bounds it), every distributed round of the
    two (a few Spark jobs each, their fixed cost dominating on a small input) is replaced by one grouped pandas
    function: union-find for the components, one pass in the keep order for who stays, with the round in which
    the distributed rounds would decide each vertex, so a cluster that ``max_rounds`` leaves undecided loses the
    same vertices as "chain". The same rows as the distributed functions (a test compares them on random graphs);
    the components themselves have no round limit here, so a small graph whose components would not settle in
    ``max_iterations`` distributed rounds is still clustered, exactly.
    """
    fields = _fields(edges.schema["src"].dataType)
    width = len(fields)
    links = edges.select(F.lit(0).alias("_graph"), *_flat("src", fields, "s"), *_flat("dst", fields, "d"))
    schema = T.StructType(
        [T.StructField(f"{p}{i}", t) for p in ("v", "c", "u") for i, (_, t) in enumerate(fields)]
        + [T.StructField("status", T.StringType()), T.StructField("has_duplicate_of", T.BooleanType())]
    )
    decided = links.groupBy("_graph").applyInPandas(lambda pdf: _decide_in_order(pdf, width, max_rounds), schema)
    return decided.select(
        _rebuilt("v", fields).alias("vertex"),
        _rebuilt("c", fields).alias("component"),
        "status",
        F.when(F.col("has_duplicate_of"), _rebuilt("u", fields)).alias("duplicate_of"),
    )
