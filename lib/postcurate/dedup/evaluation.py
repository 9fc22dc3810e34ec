"""Scoring near-duplicate detection against a labelled set (eval/generate_dedup.py), with exact Jaccard as the truth.

Labelled posts are ``{"id", "group", "lang", "kind", "text", "changed", "jaccard"}``. A pair's truth is the exact
Jaccard similarity of its shingle sets, computed by the job's own function for every pair within a group and
every pair the method relates across groups. Scored:

- **linked pairs**: the pair is proposed by banding (shares a band key) and its exact Jaccard similarity is at
  least the threshold, or the two texts are equal after normalisation: the method's judgement of a pair;
- **rule 10's outcome**: a pair is *resolved* when at most one of its posts stays (recall: the share of true
  pairs resolved), and a *removal* is a post that goes with the post it duplicates (precision: the share of
  removals whose pair is similar enough);
- **clusters** (for information): pairs in one connected component, where a chain of edits joins posts less
  alike than the threshold (rule 10 keeps both ends of such a chain).

The S-curve is the share of pairs proposed by banding per bin of Jaccard similarity, beside the theory
``1 - (1 - J^rows)^bands``. Only aggregates (per bin, per kind) reach the driver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate.config import DedupSettings
from postcurate.dedup.clusters import candidate_pairs, duplicates, with_band_keys, with_normalised_text
from postcurate.dedup.functions import NearDuplicateFunctions

LABELS_SCHEMA = "id string, group string, lang string, kind string, text string, changed int, jaccard double"
# The targets: recall of pairs at least this far above the threshold, precision counting pairs down to this far
# below it: (offset from the threshold, target).
TARGETS = {"recall_above": (0.05, 0.95), "precision_below": (0.1, 0.99)}
BIN = 0.05


def as_candidates(labelled: DataFrame) -> DataFrame:
    """The labelled posts as rule 10's candidates: ``post_pid`` is the id, and all were written at one instant, so
    the keep order is the ids' (a group's original, its first id, is the post kept)."""
    written = F.lit(dt.datetime(2025, 1, 1).strftime("%Y-%m-%d %H:%M:%S")).cast("timestamp")
    return labelled.select(F.col("id").alias("post_pid"), "group", "kind", "lang", written.alias("created_at"), "text")


def _pairs_of(ids: DataFrame, key: str) -> DataFrame:
    """Every pair ``a < b`` of ``post_pid`` sharing ``key``."""
    left = ids.select(F.col(key).alias("_k"), F.col("post_pid").alias("a"))
    right = ids.select(F.col(key).alias("_k"), F.col("post_pid").alias("b"))
    return left.join(right, "_k").where(F.col("a") < F.col("b")).select("a", "b")


def scored_pairs(posts: DataFrame, settings: DedupSettings, near: NearDuplicateFunctions) -> DataFrame:
    """One row per pair worth scoring: ``a, b, same_group, jaccard, proposed, linked, clustered, removal,
    resolved``; persisted (unpersist when done).

    ``posts`` is ``as_candidates``' output. Scored: every pair within a group, and every pair that banding
    proposes, a cluster holds or a removal names across groups.
    """
    normalised = posts.transform(with_normalised_text).persist()
    bands = with_band_keys(normalised, near)
    nodes = normalised.select(F.xxhash64("post_pid").alias("node"), "post_pid", F.struct("created_at", "post_pid").alias("order"))
    proposed_nodes = candidate_pairs(bands, nodes.select("node", "order"), settings.max_bucket)
    a_ids = nodes.select(F.col("node").alias("na"), F.col("post_pid").alias("pa"))
    b_ids = nodes.select(F.col("node").alias("nb"), F.col("post_pid").alias("pb"))
    proposed = (
        proposed_nodes.join(a_ids, F.col("a") == F.col("na"))
        .join(b_ids, F.col("b") == F.col("nb"))
        .select(F.least("pa", "pb").alias("a"), F.greatest("pa", "pb").alias("b"))
        .distinct()
        .withColumn("proposed", F.lit(True))
    )
    found = duplicates(posts, settings, near)
    outcome = posts.select("post_pid").join(found, "post_pid", "left").select(
        "post_pid", F.coalesce("cluster", "post_pid").alias("cluster"), "duplicate_of"
    )
    clustered = _pairs_of(outcome, "cluster").withColumn("clustered", F.lit(True))
    removals = found.where(F.col("duplicate_of").isNotNull()).select(
        F.least("post_pid", "duplicate_of").alias("a"), F.greatest("post_pid", "duplicate_of").alias("b"), F.lit(True).alias("removal")
    )
    grouped = _pairs_of(posts, "group").withColumn("same_group", F.lit(True))
    universe = grouped.join(proposed, ["a", "b"], "full_outer").join(clustered, ["a", "b"], "full_outer").join(removals, ["a", "b"], "full_outer")
    gone_a = outcome.select(F.col("post_pid").alias("a"), F.col("duplicate_of").isNotNull().alias("a_goes"))
    gone_b = outcome.select(F.col("post_pid").alias("b"), F.col("duplicate_of").isNotNull().alias("b_goes"))
    text_a = normalised.select(F.col("post_pid").alias("a"), F.col("normalised").alias("ta"))
    text_b = normalised.select(F.col("post_pid").alias("b"), F.col("normalised").alias("tb"))
    equal = F.col("ta") == F.col("tb")
    jaccard = F.when(equal, F.lit(1.0)).otherwise(near.jaccard(F.col("ta"), F.col("tb")))
    flag = lambda name: F.coalesce(F.col(name), F.lit(False)).alias(name)  # noqa: E731
    scored = (
        universe.join(text_a, "a")
        .join(text_b, "b")
        .join(gone_a, "a")
        .join(gone_b, "b")
        .select(
            "a",
            "b",
            flag("same_group"),
            jaccard.alias("jaccard"),
            flag("proposed"),
            flag("clustered"),
            flag("removal"),
            (F.col("a_goes") | F.col("b_goes")).alias("resolved"),
            equal.alias("equal"),
        )
        .withColumn("linked", F.col("equal") | (F.col("proposed") & (F.col("jaccard") >= F.lit(settings.threshold))))
        .drop("equal")
    )
    result = scored.persist()
    result.count()
    found.unpersist()
    proposed_nodes.unpersist()
    normalised.unpersist()
    return result


def _rate(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def summary(scored: DataFrame, settings: DedupSettings) -> dict:
    """Precision and recall of the linked pairs and of rule 10's outcome, the targets, and the S-curve."""
    t = settings.threshold
    high, recall_target = round(t + TARGETS["recall_above"][0], 4), TARGETS["recall_above"][1]
    low, precision_target = round(t - TARGETS["precision_below"][0], 4), TARGETS["precision_below"][1]
    j = F.col("jaccard")

    def count(condition: Column) -> Column:
        return F.sum(condition.cast("int"))

    linked, removal, resolved, clustered = (F.col(c) for c in ("linked", "removal", "resolved", "clustered"))
    row = scored.agg(
        F.count(F.lit(1)).alias("pairs"),
        count(j >= t).alias("true_at"),
        count(j >= high).alias("true_high"),
        count(linked).alias("linked"),
        count(linked & (j >= t)).alias("linked_at"),
        count(linked & (j >= high)).alias("linked_high"),
        count(linked & (j >= low)).alias("linked_low"),
        count(removal).alias("removals"),
        count(removal & (j >= t)).alias("removals_at"),
        count(removal & (j >= low)).alias("removals_low"),
        count(resolved & (j >= t)).alias("resolved_at"),
        count(resolved & (j >= high)).alias("resolved_high"),
        count(clustered).alias("clustered"),
        count(clustered & (j >= low)).alias("clustered_low"),
    ).collect()[0]  # a global aggregate: always one row
    r = {k: int(v or 0) for k, v in row.asDict().items()}
    recall_key, precision_key = f"recall_jaccard_ge_{high:.2f}", f"precision_jaccard_ge_{low:.2f}"
    decisions = {
        "linked_pairs": {
            "pairs": r["linked"],
            "precision": _rate(r["linked_at"], r["linked"]),
            "recall": _rate(r["linked_at"], r["true_at"]),
            recall_key: _rate(r["linked_high"], r["true_high"]),
            precision_key: _rate(r["linked_low"], r["linked"]),
        },
        "rule_10": {
            "pairs": r["removals"],
            "precision": _rate(r["removals_at"], r["removals"]),
            "recall": _rate(r["resolved_at"], r["true_at"]),
            recall_key: _rate(r["resolved_high"], r["true_high"]),
            precision_key: _rate(r["removals_low"], r["removals"]),
        },
    }
    for d in decisions.values():
        d["meets_targets"] = bool((d[recall_key] or 0) >= recall_target and (d[precision_key] or 0) >= precision_target)
    bins = (
        scored.groupBy(F.least(F.floor(j / BIN), F.lit(int(round(1 / BIN)) - 1)).alias("bin"))
        .agg(
            F.count(F.lit(1)).alias("pairs"),
            count(F.col("proposed")).alias("proposed"),
            count(linked).alias("linked"),
            count(resolved).alias("resolved"),
        )
        .orderBy("bin")
        .collect()
    )
    curve = [
        {
            "jaccard": f"{b['bin'] * BIN:.2f}-{(b['bin'] + 1) * BIN:.2f}",
            "pairs": b["pairs"],
            "proposed": _rate(b["proposed"], b["pairs"]),
            "theory": round(1 - (1 - ((b["bin"] + 0.5) * BIN) ** settings.rows) ** settings.bands, 4),
            "linked": _rate(b["linked"], b["pairs"]),
            "resolved": _rate(b["resolved"], b["pairs"]),
        }
        for b in bins
    ]
    return {
        "settings": dataclasses.asdict(settings),
        "pairs": r["pairs"],
        "pairs_at_or_above_threshold": r["true_at"],
        "targets": {recall_key: recall_target, precision_key: precision_target},
        "decisions": decisions,
        "clusters": {"pairs": r["clustered"], precision_key: _rate(r["clustered_low"], r["clustered"])},
        "s_curve": curve,
    }


def merged_by_kind(posts: DataFrame, scored: DataFrame, by: str = "kind") -> dict:
    """For each kind of post (copy, edit, decoy; or each ``by`` value, e.g. ``lang``, of the edits): how many went
    as a duplicate of their group's original."""
    originals = posts.where(F.col("kind") == "original").select("group", F.col("post_pid").alias("original"))
    members = posts.where(F.col("kind") != "original" if by == "kind" else F.col("kind") == "edit").join(originals, "group")
    pair = members.select(
        F.col(by).alias("kind"),
        F.least("post_pid", "original").alias("a"),
        F.greatest("post_pid", "original").alias("b"),
    )
    rows = (
        pair.join(scored.select("a", "b", "removal"), ["a", "b"], "left")
        .groupBy("kind")
        .agg(F.count(F.lit(1)).alias("posts"), F.sum(F.coalesce(F.col("removal"), F.lit(False)).cast("int")).alias("merged"))
        .collect()
    )
    return {r["kind"]: {"posts": r["posts"], "removed_as_duplicate_of_original": r["merged"]} for r in sorted(rows, key=lambda r: r["kind"])}
