"""The deduplication functions in Spark's JVM (``jvm/src/main/java/org/postcurate/dedup``), registered per session.

Normalising, shingling, MinHash and exact Jaccard run in the JVM, next to the data: Spark SQL's higher-order
functions could express MinHash but hash every shingle once per hash function in generated code per row, and a
Python UDF would move every text through Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

from postcurate.config import DedupSettings

NORMALISER = "postcurate_normalised_text"
_JVM_CLASS = "org.postcurate.dedup.Dedup"


def _entry(spark: SparkSession):
    from postcurate.session import require_jvm_class

    return require_jvm_class(spark, _JVM_CLASS, "postcurate's JVM functions")


def register_normaliser(spark: SparkSession) -> str:
    """Register the text normaliser in ``spark`` (idempotent) and return its name."""
    _entry(spark).registerNormaliser(spark._jsparkSession, NORMALISER)
    return NORMALISER


def normalised_text(text: Column) -> Column:
    """The text duplicates are compared by: NFKC, lower case, no format characters, single spaces, trimmed.

    Needs ``register_normaliser(spark)`` first.
    """
    return F.call_function(NORMALISER, text)


@dataclass(frozen=True)
class NearDuplicateFunctions:
    """Handles on the MinHash band and Jaccard functions registered for one set of settings.

    >>> near = register_near_duplicate_functions(spark, settings)
    >>> texts.select(near.band_keys(F.col("normalised")))
    """

    prefix: str

    def band_keys(self, normalised: Column) -> Column:
        """An array of one 64-bit LSH key per band (empty for a text with no shingle)."""
        return F.call_function(f"{self.prefix}_bands", normalised)

    def jaccard(self, a: Column, b: Column) -> Column:
        """The exact Jaccard similarity of two normalised texts' shingle sets."""
        return F.call_function(f"{self.prefix}_jaccard", a, b)


def register_near_duplicate_functions(spark: SparkSession, settings: DedupSettings) -> NearDuplicateFunctions:
    """Register the band and Jaccard functions for ``settings`` (idempotent) and return their handle.

    The names carry a digest of the settings, so two settings in one session never shadow each other.
    """
    shingling = {"unit": settings.shingle.unit, "size": settings.shingle.size, "bands": settings.bands, "rows": settings.rows, "seed": settings.seed}
    prefix = "postcurate_minhash_" + hashlib.sha256(json.dumps(shingling, sort_keys=True).encode()).hexdigest()[:12]
    _entry(spark).registerNearDuplicates(
        spark._jsparkSession, prefix, settings.shingle.unit, settings.shingle.size, settings.bands, settings.rows, settings.seed
    )
    return NearDuplicateFunctions(prefix)
