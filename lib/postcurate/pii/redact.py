"""The redaction transform: Spark SQL expressions first, a vectorised Python step only where a checksum is needed.

Stages, in order (see ``postcurate.pii.detectors.STAGES``):

1. emails and coordinates (SQL ``regexp_replace``);
2. public links are set aside: each is replaced by a private-use sentinel and kept in an array column;
3. the other SQL detectors (IP, SSN, NINO, address, @-mention, regex detectors from the config);
4. rows whose text still holds a nine-digit run or an IBAN-shaped token (a SQL ``rlike``) go through one
   Arrow-batched pandas UDF that checks Luhn, mod-97, mod-11 and phone numbering plans; every other row
   reaches it as a null and costs nothing;
5. links are put back, in order.

Counts per type come from the number of placeholders each stage added, so they stay right when a post already
contains a literal "<EMAIL>".
"""

from __future__ import annotations

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from postcurate.pii import patterns as P
from postcurate.pii.detectors import PLACEHOLDER_PATTERN, Detector, Detectors, default_detectors
from postcurate.pii.validated import ValidatedSettings, redact_validated

# Stands in for a protected link while the detectors run. It is neither a digit, a letter nor a separator, so no
# detector can match across it; any copy already in a post is replaced first so it cannot be mistaken for one.
SENTINEL = "\ue000"
_TEXT = "__pii_text"
_URLS = "__pii_urls"
_ORIGINAL = "__pii_original"


def strip_placeholders(text: Column) -> Column:
    """The text with every placeholder removed and trimmed: what is left to train on.

    >>> df.where(F.length(strip_placeholders(F.col("text"))) >= 20)
    """
    return F.trim(F.regexp_replace(text, PLACEHOLDER_PATTERN, ""))


def _occurrences(text: Column, placeholder: str) -> Column:
    # Literal (not regex) replace: counting placeholders costs a memchr-speed pass, not another regex scan.
    removed = F.length(text) - F.length(F.replace(text, F.lit(placeholder), F.lit("")))
    return (removed / F.lit(len(placeholder))).cast("int")


def _with_sql_detector(df: DataFrame, detector: Detector) -> DataFrame:
    # Each rule reads the text exactly once. An expression that reads it twice (say, when(rlike(t), f(t))) lets
    # the optimizer, when it inlines projections, copy the whole chain below: the plan, and the regex work,
    # would double per rule.
    text = F.col(_TEXT)
    for rule in detector.rules:
        text = F.regexp_replace(text, rule.pattern, ("$1" if rule.keep_prefix else "") + detector.placeholder)
    return df.withColumn(_TEXT, text)


def _validated_udf(settings: ValidatedSettings):
    @F.pandas_udf(T.StringType())
    def check(texts: pd.Series) -> pd.Series:
        # Rows the prefilter did not flag arrive as nulls and leave as nulls: no regex, no copy.
        return pd.Series(
            [redact_validated(t, settings)[0] if isinstance(t, str) else None for t in texts], dtype=object
        )

    return check


def _with_validated(df: DataFrame, detectors: Detectors) -> DataFrame:
    flagged = F.when(F.col(_TEXT).rlike(P.VALIDATED_GATE), F.col(_TEXT))
    checked = _validated_udf(detectors.validated_settings())(flagged)
    return df.withColumn("__pii_checked", checked).withColumn(
        _TEXT, F.coalesce(F.col("__pii_checked"), F.col(_TEXT))
    ).drop("__pii_checked")


def _with_links_set_aside(df: DataFrame) -> DataFrame:
    return df.withColumn(_URLS, F.regexp_extract_all(F.col(_TEXT), F.lit(P.URL), 0)).withColumn(
        _TEXT, F.regexp_replace(F.col(_TEXT), P.URL, SENTINEL)
    )


def _with_links_restored(df: DataFrame) -> DataFrame:
    # Each sentinel, left to right, takes the next link back: overlay(instr(...)) is a replace-first.
    restored = F.aggregate(
        F.col(_URLS), F.col(_TEXT), lambda acc, url: F.overlay(acc, url, F.instr(acc, SENTINEL), F.lit(1))
    )
    return df.withColumn(_TEXT, restored).drop(_URLS)


def with_redacted_text(df: DataFrame, detectors: Detectors, text_col: str = "text") -> DataFrame:
    """Replace every detected PII span in ``text_col`` with its placeholder and add ``pii_counts``.

    ``pii_counts`` is a ``map<string,int>`` with one key per enabled detector (zeros included), so sums over
    a table always have every type. A null text is treated as "" (it comes back as "").

    >>> posts.transform(with_redacted_text, load_detectors("conf/detectors.yaml"), "text")
    """
    text = F.regexp_replace(F.coalesce(F.col(text_col), F.lit("")), SENTINEL, "\ufffd")
    out = df.withColumn(_ORIGINAL, text).withColumn(_TEXT, F.col(_ORIGINAL))
    for detector in detectors.in_stage("before_urls"):
        out = _with_sql_detector(out, detector)
    if detectors.protect_urls:
        out = _with_links_set_aside(out)
    for detector in detectors.in_stage("sql"):
        out = _with_sql_detector(out, detector)
    if detectors.in_stage("validated"):
        out = _with_validated(out, detectors)
    if detectors.protect_urls:
        out = _with_links_restored(out)
    # Counts are taken once, from the finished text: placeholders added = placeholders now - placeholders before.
    # (No detector can match inside a placeholder, and each type has its own, so the difference is exact.)
    # Counting per stage instead would make every stage's text feed two expressions, and Catalyst's plans grow
    # with every such fork.
    names = detectors.types
    counts = (
        F.create_map(
            *[
                x
                for d in detectors.detectors
                for x in (F.lit(d.name), _occurrences(F.col(_TEXT), d.placeholder) - _occurrences(F.col(_ORIGINAL), d.placeholder))
            ]
        )
        if names
        else F.create_map().cast("map<string,int>")
    )
    return out.withColumn(text_col, F.col(_TEXT)).withColumn("pii_counts", counts).drop(_TEXT, _ORIGINAL)


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


def residual_pii(text: Column, detectors: Detectors | None = None) -> Column:
    """True where ``text`` still holds something the redactor would replace: a cheap, JVM-only check for the
    data-quality gate on finished shards (no Python step).

    Covers every SQL detector exactly, card numbers (issuer range + Luhn), IBANs (length + mod-97) and
    international phone numbers (numbering plans); bare national phone numbers and NHS numbers need context
    only the Python step weighs, so they are not checked here. Placeholders and public links never count.

    >>> shards.where(residual_pii(F.col("text"))).count() == 0
    """
    from functools import reduce

    from postcurate.pii.residual import residual_conditions

    conditions = residual_conditions(text, detectors or default_detectors())
    return reduce(lambda a, b: a | b, conditions) if conditions else F.lit(False)
