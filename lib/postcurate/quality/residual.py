"""Residual PII: what a shard text still holds after redaction, found by the gate's own detectors.

The check is written apart from the redactor on purpose (``jvm/.../quality/ResidualPii.java``; nothing here or
there imports ``postcurate.pii`` or its Java): a defect in the redactor cannot hide in the check that is meant to
catch it. Only the placeholder shape ``<[A-Z_]+>`` is shared. It runs in the JVM as a function registered in the
session (like the pseudonym function), one call per shard text, and is stricter than the redactor: it reads a
normalised view of the text (Unicode digits and spaces, line breaks, zero-width and bidi characters) and excuses a
look-alike only when a label stands right before it (docs/publishing.md, "Residual PII").

>>> function = register_residual_check(spark)
>>> shards.select(residual_pii(F.col("text"), function).alias("residual_pii_type"))   # "card,email" or null
"""

from __future__ import annotations

import pandas as pd
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

# Every PII type of the contract, as the check names them (docs/contract.md, "PII that must not survive").
RESIDUAL_TYPES = ("address", "card", "coords", "email", "iban", "ip", "mention", "nhs", "nino", "phone", "ssn")
FUNCTION = "postcurate_residual_pii"
_JVM_CLASS = "org.postcurate.quality.ResidualPii"


def register_residual_check(spark: SparkSession) -> str:
    """Register the check in ``spark`` (idempotent) and return the function's name."""
    from postcurate.session import require_jvm_class

    require_jvm_class(spark, _JVM_CLASS, "postcurate's JVM functions").register(spark._jsparkSession, FUNCTION)
    return FUNCTION


def residual_pii(text: Column, function: str = FUNCTION) -> Column:
    """The PII types still in ``text``, comma-separated in alphabetical order ("card,email"); null when none.

    ``function`` must be registered in the session first (``register_residual_check``).
    """
    return F.call_function(function, F.coalesce(text, F.lit("")))


def residual_aggregates(column: str = "residual_pii_type") -> list[Column]:
    """Aggregate columns, one per PII type (named after it): how many of the ``column`` values name that type
    (a text with two types counts in both). For ``residual_counts``, or beside other aggregates of the same rows."""
    types = F.split(F.col(column), ",")

    def times_named(pii_type: str) -> Column:  # a null value names none (size(null) would be -1)
        return F.when(F.col(column).isNotNull(), F.size(F.filter(types, lambda found: found == F.lit(pii_type)))).otherwise(0)

    return [F.coalesce(F.sum(times_named(t)), F.lit(0)).alias(t) for t in RESIDUAL_TYPES]


def residual_frame(row) -> pd.DataFrame:
    """The one-row frame the ``residual_pii`` suite checks, from a row holding ``residual_aggregates``' columns."""
    return pd.DataFrame([{t: int(row[t]) for t in RESIDUAL_TYPES}], columns=list(RESIDUAL_TYPES)).astype("int64")


def residual_counts(facts: DataFrame, column: str = "residual_pii_type") -> pd.DataFrame:
    """One row, one column per PII type: how many shard texts hold that type (a text with two types counts in
    both). Counts only, no text: a frame the gate's ``residual_pii`` suite checks without a Spark job.

    One aggregate of a row, whatever the number of shard rows.
    """
    (counted,) = facts.agg(*residual_aggregates(column)).collect()  # a global aggregate: one row
    return residual_frame(counted)
