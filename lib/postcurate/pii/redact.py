"""The redaction transform: one call of the JVM scanner per text (``postcurate.pii.scanner``), in the query plan.

The scanner returns the redacted text and a count per detector, or null when a text holds nothing to replace (so
an unchanged text is not copied back). Counts are of the spans the scanner replaced, so a placeholder the author
typed ("<EMAIL>" in a post about templates) is not counted.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate.pii.detectors import PLACEHOLDER_PATTERN, Detectors
from postcurate.pii.scanner import register_scanner

_FOUND = "__pii_found"


def strip_placeholders(text: Column) -> Column:
    """The text with every placeholder removed and trimmed: what is left to train on.

    >>> df.where(F.length(strip_placeholders(F.col("text"))) >= 20)
    """
    # Most texts hold no placeholder: a byte search for "<" spares them the regex.
    return F.trim(F.when(text.contains("<"), F.regexp_replace(text, PLACEHOLDER_PATTERN, "")).otherwise(text))


def with_redacted_text(df: DataFrame, detectors: Detectors, text_col: str = "text") -> DataFrame:
    """Replace every detected PII span in ``text_col`` with its placeholder and add ``pii_counts``.

    ``pii_counts`` is a ``map<string,int>`` with one key per enabled detector (zeros included), so sums over
    a table always have every type. A null text is treated as "" (it comes back as ""). Registers the scanner in
    the frame's session (a ``ConfigError`` for a pattern Java cannot compile).

    >>> posts.transform(with_redacted_text, load_detectors("conf/detectors.yaml"), "text")
    """
    text = F.coalesce(F.col(text_col), F.lit(""))
    if not detectors.detectors:
        return df.withColumn(text_col, text).withColumn("pii_counts", F.create_map().cast("map<string,int>"))
    function = register_scanner(df.sparkSession, detectors)
    names = [d.name for d in detectors.detectors]
    zeros = F.create_map(*[x for name in names for x in (F.lit(name), F.lit(0))])
    found = F.col(_FOUND)
    # The function's result has a projection of its own; both fields are read from it there. (It is marked
    # non-deterministic, so the optimizer neither inlines it into both fields nor pushes a filter on the
    # redacted text below it: either would run the scanner twice.)
    return (
        df.withColumn(_FOUND, F.call_function(function, text))
        .withColumn(text_col, F.coalesce(found["text"], text))
        .withColumn(
            "pii_counts",
            F.when(found.isNull(), zeros).otherwise(F.map_from_arrays(F.array(*[F.lit(n) for n in names]), found["counts"])),
        )
        .drop(_FOUND)
    )


def pii_totals(df: DataFrame, counts_col: str = "pii_counts") -> dict[str, int]:
    """Redactions per type over a whole frame, aggregated by Spark (only the per-type sums reach the driver).

    >>> pii_totals(redacted)
    {'email': 12, 'phone': 40, ...}
    """
    # explode_outer, not explode: for explode Spark infers a filter size(pii_counts) > 0 and pushes it below the
    # redaction, where it would copy (and run) the whole chain of regexes a second time.
    rows = (
        df.select(F.explode_outer(F.col(counts_col)).alias("type", "n"))
        .where(F.col("type").isNotNull())
        .groupBy("type")
        .agg(F.sum("n").alias("n"))
        .collect()
    )
    return {r["type"]: int(r["n"] or 0) for r in sorted(rows, key=lambda r: r["type"])}
