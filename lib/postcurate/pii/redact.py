"""The redaction transform: one call of the JVM scanner per text (``postcurate.pii.scanner``), in the query plan.

The scanner returns the redacted text and a count per detector, or null when a text holds nothing to replace (so
an unchanged text is not copied back). Counts are of the spans the scanner replaced, so a placeholder the author
typed ("<EMAIL>" in a post about templates) is not counted.

Also here, until the quality gate has detectors of its own: the gate's residual checks built from the engine
before the scanner (``sql_passes``, ``checksum_residual_type``, ``residual_pii``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from postcurate.pii import patterns as P
from postcurate.pii.detectors import PLACEHOLDER_PATTERN, Detector, Detectors, default_detectors
from postcurate.pii.scanner import register_scanner
from postcurate.pii.validated import ValidatedSettings, redact_validated, validated_settings

# Stands in for a protected link in the gate's checksum residual check (see _links_to_sentinels).
SENTINEL = "\ue000"
_FOUND = "__pii_found"


def strip_placeholders(text: Column) -> Column:
    """The text with every placeholder removed and trimmed: what is left to train on.

    >>> df.where(F.length(strip_placeholders(F.col("text"))) >= 20)
    """
    # Most texts hold no placeholder: a byte search for "<" spares them the regex.
    return F.trim(F.when(text.contains("<"), F.regexp_replace(text, PLACEHOLDER_PATTERN, "")).otherwise(text))


def sql_passes(detector: Detector) -> list[tuple[str, str, str | None]]:
    """(pattern, replacement, gate) per regex pass: rules that need no group of their own share one alternation.

    The gate is a cheap regex (or plain substring) every match needs; None when a rule has none. The quality
    gate's residual-PII check runs the same passes, so it is as fast as the redactor and finds what it would.
    """
    merged, passes = [], []
    for rule in detector.rules:
        if rule.keep_prefix or re.search(r"\\[1-9]", rule.pattern):
            passes.append((rule.pattern, ("$1" if rule.keep_prefix else "") + detector.placeholder, rule.gate))
        else:
            merged.append(rule)
    if merged:
        alternation = "|".join(f"(?:{r.pattern})" for r in merged)
        gates = {r.gate for r in merged}
        gate = None if None in gates else "|".join(sorted(gates))
        # One cheap test in front of the alternation: most positions fail it at once instead of trying every
        # alternative's own look-ahead.
        anchor = f"(?={detector.anchor})" if detector.anchor else ""
        passes.insert(0, (anchor + f"(?:{alternation})", detector.placeholder, gate))
    return passes


_PLAIN = re.compile(r"[\w@#:/ ]+")


def gate_matches(text: Column, gate: str) -> Column:
    """A detector's cheap pre-test: plain text as a substring search, anything else as one ``rlike``.

    A gate whose first alternative is plain text ("@|(?i)[\\[(]at[\\])]") searches for that text first and
    runs the rest as a regex only where it is missing.
    """
    # A plain substring ("@") is a byte-search; a regex is tried at every position of the text.
    if _PLAIN.fullmatch(gate):
        return text.contains(gate)
    head, bar, rest = gate.partition("|")
    if bar and _PLAIN.fullmatch(head):  # plain text has no brackets, so this "|" is a top-level one
        return text.contains(head) | gate_matches(text, rest)
    return text.rlike(gate)


def _gated(text: Column, gate: str | None, step: Column, gated: bool) -> Column:
    return F.when(gate_matches(text, gate), step).otherwise(text) if gated and gate else step


def _per_flagged_text(step: Callable[[str], str | None]):
    """An Arrow UDF (Spark 4.1) applying ``step`` to each text: batches arrive as pyarrow arrays, with no pandas
    conversion on the way in or out. Rows the prefilter did not flag arrive as nulls and leave as nulls, with no call."""

    @F.arrow_udf(T.StringType())
    def apply(texts: pa.Array) -> pa.Array:
        return pa.array([None if text is None else step(text) for text in texts.to_pylist()], type=pa.string())

    return apply


def _validated_candidate(text: Column) -> Column:
    # The prefilter is tried at every position of a text; a text without a digit, which it can never match, skips
    # it after one cheap test.
    return gate_matches(text, P.NEEDS_DIGIT) & text.rlike(P.VALIDATED_GATE)


def _residual_udf(settings: ValidatedSettings):
    def first_type(text: str) -> str | None:
        return next((name for name, n in redact_validated(text, settings)[1].items() if n), None)

    return _per_flagged_text(first_type)


def checksum_residual_type(text: Column, detectors: Detectors) -> Column:
    """The first checksum type (card, IBAN, NHS, phone) that the checksum step of the engine before the JVM
    scanner (``postcurate.pii.validated``) would replace in ``text``; null when it would replace nothing. For the
    quality gate, on finished shard text, until the gate has detectors of its own.

    Only texts that pass the step's prefilter cross into Python; null when ``detectors`` has no checksum type.

    >>> shards.select(checksum_residual_type(F.col("text"), default_detectors()).alias("t"))
    """
    if not detectors.in_stage("validated"):
        return F.lit(None).cast("string")
    # Public links are set aside while the step runs, as in the redaction.
    step_sees = _links_to_sentinels(text, gated=True) if detectors.protect_urls else text
    # The prefilter first, on the whole text (taking links out only removes digits): the link pattern is costly
    # and most texts never need it.
    flagged = F.when(_validated_candidate(text), step_sees)
    return _residual_udf(validated_settings(detectors))(flagged)


def _links_to_sentinels(text: Column, gated: bool) -> Column:
    """``text`` with every public link replaced by the sentinel: what the detectors after this stage see."""
    return _gated(text, P.URL_GATE, F.regexp_replace(text, P.URL_ANCHOR + P.URL, SENTINEL), gated)


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
