"""Scoring a redaction against labelled records: which PII values vanished, which look-alikes survived.

Labelled records look like ``{"id", "text", "pii": [{"type", "value"}], "decoys": [{"kind", "value"}]}``
(see eval/generate.py). Everything here is a pure DataFrame or Column function; only per-type sums are collected.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

LABELS_SCHEMA = (
    "id string, text string, pii array<struct<type:string,value:string>>, "
    "decoys array<struct<kind:string,value:string>>"
)


def value_survives(text: Column, value: Column) -> Column:
    """True if ``value`` is still in ``text``, whole or in part.

    "In part" means any chunk of the value (split at non-alphanumerics) of four or more characters with at least
    three digits: a phone number redacted down to "<PHONE> 0958" has leaked its last four digits.
    """
    chunks = F.filter(
        F.split(value, "[^0-9A-Za-z]+"),
        lambda t: (F.length(t) >= 4) & (F.length(F.regexp_replace(t, "[^0-9]", "")) >= 3),
    )
    return (F.instr(text, value) > 0) | F.exists(chunks, lambda t: F.instr(text, t) > 0)


def pii_recall(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """Per PII type: labelled values, how many vanished, and recall (vanished / values)."""
    return (
        redacted.select(F.col(text_col).alias("_text"), F.explode("pii").alias("p"))
        .groupBy(F.col("p.type").alias("type"))
        .agg(
            F.count("*").alias("values"),
            F.sum((~value_survives(F.col("_text"), F.col("p.value"))).cast("int")).alias("vanished"),
        )
        .withColumn("recall", F.col("vanished") / F.col("values"))
        .orderBy("type")
    )


def decoy_survival(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """Per decoy kind: labelled look-alikes, how many survived verbatim, and the survival rate."""
    return (
        redacted.select(F.col(text_col).alias("_text"), F.explode("decoys").alias("d"))
        .groupBy(F.col("d.kind").alias("kind"))
        .agg(F.count("*").alias("values"), F.sum((F.instr("_text", F.col("d.value")) > 0).cast("int")).alias("survived"))
        .withColumn("survival", F.col("survived") / F.col("values"))
        .orderBy("kind")
    )


def misses(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """The records behind the numbers: leaked values and redacted decoys (for debugging on synthetic data only)."""
    leaked = redacted.select("id", F.col(text_col).alias("redacted"), F.explode("pii").alias("p")).where(
        value_survives(F.col("redacted"), F.col("p.value"))
    ).select("id", F.lit("leaked").alias("what"), F.col("p.type").alias("type"), F.col("p.value").alias("value"), "redacted")
    lost = redacted.select("id", F.col(text_col).alias("redacted"), F.explode("decoys").alias("d")).where(
        F.instr("redacted", F.col("d.value")) == 0
    ).select("id", F.lit("decoy_lost").alias("what"), F.col("d.kind").alias("type"), F.col("d.value").alias("value"), "redacted")
    return leaked.unionByName(lost)
