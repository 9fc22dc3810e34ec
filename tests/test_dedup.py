"""Rule 10 on hand-built frames: normalising, shingles, band keys, candidate pairs, clusters, which post is kept."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import random
import unicodedata

import pyarrow.parquet as pq
import pytest
from chispa import assert_df_equality
from conftest import write_config
from factories import candidate, candidates
from pyspark.sql import functions as F

from postcurate.config import DedupSettings, load_config
from postcurate.dedup import (
    ComponentsDidNotConverge,
    candidate_pairs,
    cluster_sizes,
    clusters_in_one_task,
    connected_components,
    duplicates,
    kept_in_order,
    normalised_text,
    register_near_duplicate_functions,
    register_normaliser,
    with_band_keys,
    with_duplicate_reason,
)
from postcurate.lake import PinnedTable
from postcurate.rules.geo import load_geo_rules
from postcurate.snapshot import RunIdentity

SETTINGS = DedupSettings()

RIVER = "Lovely walk along the river this morning, the light was amazing and the herons were out fishing by the old mill"
BREAD = "Does anyone know a good recipe for sourdough bread without a starter? Mine keeps collapsing in the oven"


@pytest.fixture(scope="module")
def near(spark):
    register_normaliser(spark)
    return register_near_duplicate_functions(spark, SETTINGS)


def _one(spark, column):
    return spark.range(1).select(column.alias("v")).first()["v"]


def _shingles(text: str, size: int = 5) -> set[str]:
    """Python's reading of the character shingles, for comparison with the JVM's."""
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hello   World", "hello world"),
        ("\u00a0 Hello\u2003\tWorld \n", "hello world"),  # no-break, em and tab spaces, line breaks
        ("ＨＥＬＬＯ　ｗｏｒｌｄ１２３", "hello world123"),  # full-width forms (NFKC)
        ("ﬁne ﬂour", "fine flour"),  # ligatures
        ("zero\u200bwidth\u200djoin\u00adsoft", "zerowidthjoinsoft"),  # format characters are invisible
        ("Write to <EMAIL> now", "write to <email> now"),  # placeholders stay (lower-cased like the rest)
        ("ΚΑΛΗΜΈΡΑ Straße", "καλημέρα straße"),
        ("Cafe\u0301", "café"),  # combining accent composed
        ("", ""),
    ],
)
def test_normalised_text_folds_case_width_spaces_and_invisible_characters(spark, near, raw, expected):
    assert _one(spark, normalised_text(F.lit(raw))) == expected


def test_normalised_text_keeps_null(spark, near):
    assert _one(spark, normalised_text(F.lit(None).cast("string"))) is None


@pytest.mark.parametrize(
    "a, b",
    [
        (RIVER, RIVER + " today"),
        (RIVER, RIVER.replace("herons", "ducks")),
        (RIVER, BREAD),
        ("短い投稿です今日は晴れ", "短い投稿です今日は雨"),
        ("abc", "abc"),  # shorter than one shingle: the whole text is the shingle
        ("abc", "abd"),
    ],
)
def test_exact_jaccard_is_the_jaccard_of_the_character_shingle_sets(spark, near, a, b):
    na, nb = (unicodedata.normalize("NFKC", t).lower() for t in (a, b))
    sa, sb = _shingles(na), _shingles(nb)
    got = _one(spark, near.jaccard(normalised_text(F.lit(a)), normalised_text(F.lit(b))))
    assert got == pytest.approx(len(sa & sb) / len(sa | sb))


def test_band_keys_are_one_per_band_the_same_for_the_same_text_and_none_for_an_empty_text(spark, near):
    keys = spark.createDataFrame([(RIVER,), (RIVER,), (BREAD,), ("",)], "t string").select(near.band_keys(normalised_text(F.col("t"))).alias("k"))
    river, again, bread, empty = [r["k"] for r in keys.collect()]
    assert len(river) == SETTINGS.bands and river == again
    assert not set(river) & set(bread)
    assert empty == []


def test_band_keys_depend_on_the_seed(spark, near):
    other = register_near_duplicate_functions(spark, DedupSettings(seed=SETTINGS.seed + 1))
    text = normalised_text(F.lit(RIVER))
    assert not set(_one(spark, near.band_keys(text))) & set(_one(spark, other.band_keys(text)))


# A small world of posts: an exact group written three ways, near copies of it, a near pair of another text,
# and unrelated posts that share many words with them.
WORLD = [
    candidate("r1", RIVER, "2025-03-02"),
    candidate("r2", RIVER.upper(), "2025-03-01"),  # the earliest: kept for the whole river cluster
    candidate("r3", "  " + RIVER.replace(" ", "\u00a0 "), "2025-03-05"),
    candidate("r4", RIVER.replace("herons", "egrets"), "2025-03-04"),
    candidate("r5", RIVER + " #nofilter", "2025-03-06"),
    candidate("b1", BREAD, "2025-04-01"),
    candidate("b0", BREAD.replace("oven", "oven!!"), "2025-04-01"),  # same instant as b1: the smaller post_pid is kept
    candidate("u1", "Lovely walk along the beach this evening, the sunset was amazing and the gulls were loud", "2025-03-03"),
    candidate("u2", "Does anyone know a good dentist near the station? Mine retired last month", "2025-03-03"),
    candidate("u3", "Write to <EMAIL> for the recipe, it is a good one", "2025-03-03"),
]


@pytest.fixture(scope="module")
def world_duplicates(spark, near):
    found = duplicates(candidates(spark, WORLD), SETTINGS, near)
    yield found
    found.unpersist()


def _persisted(spark) -> set[int]:
    """Ids of the RDDs Spark holds cached (a cached frame's data once filled)."""
    return set(spark.sparkContext._jsc.getPersistentRDDs().keySet())


def test_finding_duplicates_leaves_nothing_cached_but_its_result(spark, near):
    # The stages' own frames (exact groups, candidate pairs, similar pairs, components) are released when the
    # result is filled: a cached frame also keeps its plan's broadcast tables alive, for the rest of the process.
    before = _persisted(spark)
    found = duplicates(candidates(spark, WORLD), SETTINGS, near)
    assert found.where(F.col("duplicate_of").isNotNull()).count() == 5  # the work ran: r1, r3, r4, r5 and b0 go
    assert len(_persisted(spark) - before) == 1  # the result itself
    found.unpersist()
    assert _persisted(spark) == before


def test_exact_and_near_duplicates_go_and_the_earliest_post_of_each_cluster_stays(spark, world_duplicates):
    expected = spark.createDataFrame(
        [
            ("r2", "r2", None, None),
            ("r1", "r2", "r2", "exact"),
            ("r3", "r2", "r2", "exact"),
            ("r4", "r2", "r2", "near"),
            ("r5", "r2", "r2", "near"),
            ("b0", "b0", None, None),
            ("b1", "b0", "b0", "near"),
        ],
        "post_pid string, cluster string, duplicate_of string, kind string",
    )
    assert_df_equality(world_duplicates, expected, ignore_row_order=True, ignore_nullable=True)


def _edited(words: list[str], start: int, count: int, tag: str) -> list[str]:
    return words[:start] + [f"{tag}{i:03d}" for i in range(count)] + words[start + count :]


def test_a_chain_of_edits_keeps_both_ends_when_they_are_not_near_duplicates(spark, near):
    """A ~ B and B ~ C, but A and C are further apart: B goes as a duplicate of A, and C stays, since the only
    earlier post it is a near-duplicate of has gone (the contract: a duplicate of a post that is kept)."""
    words = [f"word{i:03d}" for i in range(200)]
    a = words
    b = _edited(a, 170, 20, "late")
    c = _edited(b, 10, 20, "early")
    texts = {name: " ".join(w) for name, w in (("a", a), ("b", b), ("c", c))}

    def j(x, y):
        return _one(spark, near.jaccard(normalised_text(F.lit(texts[x])), normalised_text(F.lit(texts[y]))))

    assert j("a", "b") >= SETTINGS.threshold and j("b", "c") >= SETTINGS.threshold and j("a", "c") < SETTINGS.threshold
    rows = [candidate("a", texts["a"], "2025-01-01"), candidate("b", texts["b"], "2025-01-02"), candidate("c", texts["c"], "2025-01-03")]
    found = duplicates(candidates(spark, rows), SETTINGS, near)
    try:
        got = {r["post_pid"]: (r["cluster"], r["duplicate_of"], r["kind"]) for r in found.collect()}
        assert got == {"a": ("a", None, None), "b": ("a", "a", "near"), "c": ("a", None, None)}
        assert cluster_sizes(found)["kept_from_clusters"] == 2
    finally:
        found.unpersist()


@contextlib.contextmanager
def _spark_settings(spark, settings: dict):
    before = {k: spark.conf.get(k) for k in settings}
    for k, v in settings.items():
        spark.conf.set(k, v)
    try:
        yield
    finally:
        for k, v in before.items():
            spark.conf.set(k, v)


# Each layout changes how the input is partitioned and how Spark shuffles it: one partition and one shuffle
# partition; seven input partitions, 13 shuffle partitions, no adaptive coalescing, and the clusters found in
# distributed rounds instead of one task; rows reversed, hashed by text, and every join shuffled instead of broadcast.
LAYOUTS = {
    "one": (lambda df: df.coalesce(1), {"spark.sql.shuffle.partitions": "1"}, {}),
    "many": (lambda df: df.repartition(7), {"spark.sql.shuffle.partitions": "13", "spark.sql.adaptive.enabled": "false"}, {"ONE_TASK_LINKS": -1}),
    "reversed_shuffled": (lambda df: df.repartition(3, "text"), {"spark.sql.shuffle.partitions": "5"}, {"BROADCAST_ROWS": 0}),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_kept_posts_do_not_depend_on_the_partitioning_or_the_shuffle(spark, near, world_duplicates, layout, monkeypatch):
    import postcurate.dedup.clusters as clusters

    arrange, settings, constants = LAYOUTS[layout]
    for name, value in constants.items():
        monkeypatch.setattr(clusters, name, value)
    df = arrange(candidates(spark, WORLD if layout != "reversed_shuffled" else WORLD[::-1]))
    with _spark_settings(spark, settings):
        found = duplicates(df, SETTINGS, near)
        try:
            assert_df_equality(found, world_duplicates, ignore_row_order=True, ignore_nullable=True)
        finally:
            found.unpersist()


def test_rule_10_marks_duplicates_and_leaves_other_reasons_alone(spark, near, world_duplicates):
    rows = [*WORLD, candidate("e1", "ok", "2025-01-01", reason="empty")]
    marked = with_duplicate_reason(candidates(spark, rows), world_duplicates)
    got = {r["post_pid"]: r["reason"] for r in marked.collect()}
    assert got == {p["post_pid"]: None for p in WORLD} | {"r1": "duplicate", "r3": "duplicate", "r4": "duplicate", "r5": "duplicate", "b1": "duplicate", "e1": "empty"}


def test_cluster_sizes_count_posts_removed_and_clusters_by_size(world_duplicates):
    sizes = cluster_sizes(world_duplicates)
    assert (sizes["removed"], sizes["removed_exact"], sizes["removed_near"], sizes["removed_chain"]) == (5, 2, 3, 0)
    assert (sizes["clusters"], sizes["largest_cluster"], sizes["kept_from_clusters"]) == (2, 5, 2)
    assert {b["sizes"]: (b["clusters"], b["posts"]) for b in sizes["cluster_sizes"]}["2"] == (1, 2)
    assert {b["sizes"]: (b["clusters"], b["posts"]) for b in sizes["cluster_sizes"]}["3-5"] == (1, 5)


def test_no_duplicates_gives_an_empty_frame(spark, near):
    found = duplicates(candidates(spark, [candidate("x", RIVER), candidate("y", BREAD)]), SETTINGS, near)
    try:
        assert found.count() == 0 and cluster_sizes(found)["clusters"] == 0
    finally:
        found.unpersist()


def test_a_pair_below_the_threshold_is_proposed_by_banding_but_not_linked(spark, near):
    """Banding only proposes: a pair with Jaccard just under the threshold shares band keys yet stays apart."""
    long_text = " ".join(f"word{i:03d}" for i in range(120))
    edited = long_text[: int(len(long_text) * 0.75)] + " something else entirely here to change the ending of it"
    j = _one(spark, near.jaccard(normalised_text(F.lit(long_text)), normalised_text(F.lit(edited))))
    assert 0.6 < j < SETTINGS.threshold
    strict = DedupSettings(bands=64, rows=2)  # proposes almost any pair above 0.3
    near_strict = register_near_duplicate_functions(spark, strict)
    df = candidates(spark, [candidate("x", long_text), candidate("y", edited)])
    posts = df.select(F.col("post_pid"), normalised_text(F.col("text")).alias("normalised"))
    pairs = candidate_pairs(with_band_keys(posts, near_strict), posts.select(F.xxhash64("post_pid").alias("node"), F.lit(None).alias("order")), 50)
    try:
        assert pairs.count() == 1
    finally:
        pairs.unpersist()
    found = duplicates(df, strict, near_strict)
    try:
        assert found.count() == 0
    finally:
        found.unpersist()


def test_a_bucket_of_thousands_of_edited_copies_is_compared_with_its_earliest_text_only(spark, near):
    """A viral post copied 2,000 times, each copy with its own edit: one cluster, linear work.

    Copies share most band keys, so buckets hold up to 2,001 texts (40 times ``max_bucket``); all pairs would be
    about 2 million per band. Above ``max_bucket`` each text is paired with its bucket's earliest text instead: at
    most one pair per text and band, so a million copies cost at most 16 million pairs, not 5 x 10^11.
    """
    n = 2_000
    copies = spark.range(n).select(
        F.concat(F.lit("c"), F.lpad(F.col("id").cast("string"), 6, "0")).alias("post_pid"),
        F.lit("x").alias("author_pid"),
        (F.lit("2025-05-01 00:00:00").cast("timestamp") + F.make_interval(secs=F.col("id") + 1)).alias("created_at"),
        F.concat(F.lit(RIVER + " " + BREAD + " "), F.col("id").cast("string")).alias("text"),
        F.lit(None).cast("string").alias("reason"),
    )
    original = candidates(spark, [candidate("original", RIVER + " " + BREAD, "2025-05-01")])
    df = original.unionByName(copies).repartition(4)
    posts = df.select("post_pid", normalised_text(F.col("text")).alias("normalised"), F.struct("created_at", "post_pid").alias("order"))
    nodes = posts.select(F.xxhash64("post_pid").alias("node"), "order")
    bands = with_band_keys(posts, near)
    assert bands.groupBy("key").count().agg(F.max("count")).first()[0] > 20 * SETTINGS.max_bucket
    pairs = candidate_pairs(bands, nodes, SETTINGS.max_bucket)
    try:
        assert n <= pairs.count() <= SETTINGS.bands * n
    finally:
        pairs.unpersist()
    found = duplicates(df, SETTINGS, near)
    try:
        assert found.count() == n + 1
        assert found.where(F.col("cluster") != "original").count() == 0
        assert found.where(F.col("duplicate_of").isNull()).select("post_pid").collect() == [("original",)]
        assert cluster_sizes(found)["cluster_sizes"][-1] == {"sizes": "1001+", "clusters": 1, "posts": n + 1}
    finally:
        found.unpersist()


def _components(spark, edges, max_iterations=40) -> dict:
    frame = spark.createDataFrame(edges, "src long, dst long")
    result = connected_components(frame, max_iterations=max_iterations)
    try:
        return {r["vertex"]: r["component"] for r in result.collect()}
    finally:
        result.unpersist()


def test_connected_components_of_small_graphs(spark):
    edges = [(5, 3), (3, 9), (9, 5), (12, 11), (40, 20), (20, 30), (30, 10), (7, 7)]
    assert _components(spark, edges) == {3: 3, 5: 3, 9: 3, 11: 11, 12: 11, 10: 10, 20: 10, 30: 10, 40: 10}


def test_connected_components_of_a_long_chain_converge(spark):
    """A path of 3,000 vertices in scrambled order: min-label propagation alone would need 3,000 rounds."""
    order = [(i * 7919) % 3001 for i in range(1, 3001)]  # a permutation of 1..3000
    chain = list(zip(order, order[1:], strict=False))
    got = _components(spark, chain, max_iterations=40)
    assert set(got) == set(order) and set(got.values()) == {min(order)}


def test_connected_components_fail_loudly_when_they_do_not_settle(spark):
    order = [(i * 7919) % 3001 for i in range(1, 3001)]
    with pytest.raises(ComponentsDidNotConverge, match="dedup.max_iterations"):
        _components(spark, list(zip(order, order[1:], strict=False)), max_iterations=2)


VERTEX = "struct<created_at:timestamp,post_pid:string>"


def _random_graph(seed: int) -> list[tuple]:
    """Links between posts in the keep order's vertex type: random clusters with shared creation times (ties go by
    pseudonym), a chain of edits in scrambled order, one in the keep order (each post linked to the one before:
    it takes a round per two posts to decide) and a star."""
    rng = random.Random(seed)
    day = dt.datetime(2025, 3, 1)
    posts = sorted((day + dt.timedelta(hours=rng.randrange(8)), f"p{rng.randrange(10**6):06d}{i}") for i in range(36))
    rng.shuffle(head := posts[:22])
    links = [(rng.choice(head[:14]), rng.choice(head[:14])) for _ in range(16)]
    links += list(zip(head[14:22], head[15:22], strict=False))
    links += list(zip(posts[22:30], posts[23:30], strict=False))
    links += [(posts[35], p) for p in posts[30:35]]
    return [(a, b) for a, b in links if a != b]


@pytest.mark.parametrize("seed, max_rounds", [(1, 40), (2, 2)])
def test_clusters_in_one_task_are_the_distributed_rounds_rows(spark, seed, max_rounds):
    """The one-task path (a small graph) gives exactly the rows of connected components plus the keep rounds,
    including the "chain" posts that too few rounds leave undecided."""
    edges = spark.createDataFrame(_random_graph(seed), f"src {VERTEX}, dst {VERTEX}")
    components = connected_components(edges, max_iterations=40)
    distributed = kept_in_order(edges, components, max_rounds=max_rounds)
    try:
        one_task = clusters_in_one_task(edges, max_rounds=max_rounds)
        assert_df_equality(one_task, distributed, ignore_row_order=True, ignore_nullable=True)
        statuses = {r["status"] for r in distributed.select("status").distinct().collect()}
        assert {"kept", "removed"} <= statuses and (("chain" in statuses) == (max_rounds < 40))
    finally:
        distributed.unpersist()
        components.unpersist()


def test_clusters_in_one_task_of_plain_vertices_and_of_no_links(spark):
    edges = spark.createDataFrame([(5, 3), (3, 9), (9, 5), (12, 11), (40, 20), (20, 30), (30, 10)], "src long, dst long")
    got = {r["vertex"]: (r["component"], r["status"], r["duplicate_of"]) for r in clusters_in_one_task(edges, max_rounds=40).collect()}
    assert got == {
        3: (3, "kept", None), 5: (3, "removed", 3), 9: (3, "removed", 3), 11: (11, "kept", None), 12: (11, "removed", 11),
        10: (10, "kept", None), 30: (10, "removed", 10), 20: (10, "kept", None), 40: (10, "removed", 20),
    }
    assert clusters_in_one_task(edges.where("src < 0"), max_rounds=40).count() == 0


def test_the_gates_repeated_text_frame_counts_texts_equal_after_normalising(spark, near):
    from postcurate.quality.frames import repeated_texts

    shards = spark.createDataFrame(
        [(RIVER,), (RIVER.upper(),), ("  " + RIVER + "\u200b",), (BREAD,), (BREAD + "!",), (None,)], "text string"
    )
    assert sorted(r["rows"] for r in repeated_texts(shards).collect()) == [3]
    alone = repeated_texts(spark.createDataFrame([(RIVER,), (BREAD,)], "text string"))
    assert len(alone) == 0  # no hash counted twice: an empty (pandas) frame, no exact pass


def test_every_dedup_setting_is_part_of_the_snapshot_identity(tmp_path):
    """Changing any rule 10 setting builds another snapshot; the manifest's settings.dedup holds them all."""
    as_of = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)

    def snapshot_id(**dedup) -> str:
        config = load_config(write_config(tmp_path, tmp_path / "lake", tmp_path / "out", dedup=dedup))
        tables = {n: PinnedTable(n, str(tmp_path / "lake" / n), 3, as_of, None) for n in ("posts", "users", "objections")}
        geo = load_geo_rules(config.geo_rules)
        identity = RunIdentity.of_run(config, as_of=as_of, tables=tables, geo_sha256=geo.sha256, detectors_sha256="d" * 64, key_fingerprint="fp")
        assert identity.to_dict()["dedup"] == json.loads(json.dumps(dataclasses.asdict(config.dedup)))
        return identity.snapshot_id

    default = snapshot_id()
    assert snapshot_id(threshold=0.8, bands=16) == default  # the defaults written out are the defaults
    changed = [
        {"enabled": False},
        {"threshold": 0.85},
        {"shingle": {"unit": "words", "size": 3}},
        {"shingle": {"size": 4}},
        {"bands": 20},
        {"rows": 5},
        {"seed": 7},
        {"max_bucket": 100},
    ]
    ids = [snapshot_id(**c) for c in changed]
    assert default not in ids and len(set(ids)) == len(ids)


def test_with_dedup_off_copies_are_published_and_the_manifest_says_so(spark, tmp_path):
    """``dedup: {enabled: false}``: rule 10 is not applied, every copy is in the shards, and the gate (whose
    repeated-text check applies to snapshots built with dedup on) lets the snapshot through."""
    from purgekit import COPIES, publish_copies

    p = publish_copies(spark, tmp_path, dedup={"enabled": False})
    manifest = json.loads((p.snapshot_dir / "manifest.json").read_text())
    assert manifest["dedup"] == {"enabled": False} and manifest["settings"]["dedup"]["enabled"] is False
    assert manifest["counts"]["kept"] == len(COPIES) + 1 and manifest["counts"]["by_reason"]["duplicate"] == 0
    assert manifest["quality"]["success"] and "repeated_texts" in manifest["quality"]["suites"]
    texts = [t for s in manifest["shards"] for t in pq.read_table(p.snapshot_dir / s["path"], columns=["text"]).column(0).to_pylist()]
    assert len({t.lower().replace(" \U0001F44D", "") for t in texts}) == 2  # the three copies of one text, and the other
