"""The manifest's statistics of the shard rows: only aggregates reach the driver."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def primary_language(lang: Column) -> Column:
    """A language tag's primary subtag in lower case (en-GB and en are both English); "und" where there is none."""
    return F.coalesce(F.lower(F.split(lang, "-")[0]), F.lit("und"))


def shard_stats(shards: DataFrame) -> dict:
    """Counts by country x split and by language, and PII redactions by type, from the shard rows.

    Their size grows with the number of countries and languages, not of rows.
    """
    none = F.lit(None).cast("string")
    cells = shards.groupBy("split", "country", primary_language(F.col("lang")).alias("lang")).agg(F.count(F.lit(1)).alias("n"))
    pii = shards.select(F.explode("pii_counts").alias("type", "n")).groupBy("type").agg(F.sum("n").alias("n"))
    # Both aggregates in one Spark job: the cells (a type of null) and the PII totals (a split, country and
    # language of null).
    rows = (
        cells.select(F.lit("cell").alias("kind"), "split", "country", "lang", none.alias("type"), F.col("n").cast("long"))
        .unionByName(pii.select(F.lit("pii").alias("kind"), none.alias("split"), none.alias("country"), none.alias("lang"), "type", F.col("n").cast("long")))
        .collect()
    )
    cells_found = [r for r in rows if r["kind"] == "cell"]
    pii_found = [r for r in rows if r["kind"] == "pii"]
    by_country_split: dict = {}
    by_lang: dict = {}
    for row in cells_found:
        split_counts = by_country_split.setdefault(row["country"], {})
        split_counts[row["split"]] = split_counts.get(row["split"], 0) + row["n"]
        # Counted by primary subtag (en-GB and en are both English); "und" where the platform gave none.
        by_lang[row["lang"]] = by_lang.get(row["lang"], 0) + row["n"]
    return {
        "by_country_split": {c: dict(sorted(v.items())) for c, v in sorted(by_country_split.items())},
        "by_lang": dict(sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        "pii_totals": {r["type"]: int(r["n"] or 0) for r in sorted(pii_found, key=lambda r: r["type"])},
    }
