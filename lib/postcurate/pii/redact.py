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

import re
from collections.abc import Callable

import pyarrow as pa
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


def _with_sql_detector(df: DataFrame, detector: Detector, gated: bool) -> DataFrame:
    # One projection per pass. With ``gated``, a pass reads the text three times (gate, replace, otherwise); that
    # is only safe below the Python step, whose non-deterministic UDF stops the optimizer from pushing a filter
    # down or inlining projections through it: otherwise each pass would copy the whole chain below it and the
    # plan, and the regex work, would grow threefold per pass. Without the barrier every pass reads it once.
    for pattern, replacement, gate in sql_passes(detector):
        text = F.col(_TEXT)
        df = df.withColumn(_TEXT, _gated(text, gate, F.regexp_replace(text, pattern, replacement), gated))
    return df


def _per_flagged_text(step: Callable[[str], str | None]):
    """An Arrow UDF (Spark 4.1) applying ``step`` to each text: batches arrive as pyarrow arrays, with no pandas
    conversion on the way in or out. Rows the prefilter did not flag arrive as nulls and leave as nulls, with no call."""

    @F.arrow_udf(T.StringType())
    def apply(texts: pa.Array) -> pa.Array:
        return pa.array([None if text is None else step(text) for text in texts.to_pylist()], type=pa.string())

    return apply


def _validated_udf(settings: ValidatedSettings):
    def redacted_or_none(text: str) -> str | None:
        # A text with nothing to replace leaves as a null (the caller keeps its own copy), so it is not sent back.
        redacted = redact_validated(text, settings)[0]
        return None if redacted is text else redacted

    # Marked non-deterministic only so that Spark never copies it: a filter on the redacted text (the "empty"
    # rule) would otherwise be pushed below it with the UDF inlined, and every flagged row would cross into
    # Python twice. It is a barrier for the SQL chain below it too.
    return _per_flagged_text(redacted_or_none).asNondeterministic()


def _validated_candidate(text: Column) -> Column:
    # The prefilter is tried at every position of a text; a text without a digit, which it can never match, skips
    # it after one cheap test.
    return gate_matches(text, P.NEEDS_DIGIT) & text.rlike(P.VALIDATED_GATE)


def _with_validated(df: DataFrame, detectors: Detectors) -> DataFrame:
    flagged = F.when(_validated_candidate(F.col(_TEXT)), F.col(_TEXT))
    checked = _validated_udf(detectors.validated_settings())(flagged)
    return df.withColumn("__pii_checked", checked).withColumn(
        _TEXT, F.coalesce(F.col("__pii_checked"), F.col(_TEXT))
    ).drop("__pii_checked")


def _residual_udf(settings: ValidatedSettings):
    def first_type(text: str) -> str | None:
        return next((name for name, n in redact_validated(text, settings)[1].items() if n), None)

    return _per_flagged_text(first_type)


def checksum_residual_type(text: Column, detectors: Detectors) -> Column:
    """The first checksum type (card, IBAN, NHS, phone) that the redaction's Python step would still replace in
    ``text``; null when it would replace nothing. For the quality gate, on finished shard text.

    The very step the redactor runs, so the verdict is exact: its context rules (look-alike words, numbering
    plans, digits inside IBAN-shaped tokens) cannot be mirrored faithfully in SQL. Only texts that pass the step's
    own prefilter cross into Python, as in the redaction; null when ``detectors`` has no checksum type.

    >>> shards.select(checksum_residual_type(F.col("text"), default_detectors()).alias("t"))
    """
    if not detectors.in_stage("validated"):
        return F.lit(None).cast("string")
    # Public links are set aside while the step runs, as in the redaction.
    step_sees = _links_to_sentinels(text, gated=True) if detectors.protect_urls else text
    # The prefilter first, on the whole text (taking links out only removes digits): the link pattern is costly
    # and most texts never need it.
    flagged = F.when(_validated_candidate(text), step_sees)
    return _residual_udf(detectors.validated_settings())(flagged)


def _links_to_sentinels(text: Column, gated: bool) -> Column:
    """``text`` with every public link replaced by the sentinel: what the detectors after this stage see."""
    return _gated(text, P.URL_GATE, F.regexp_replace(text, P.URL_ANCHOR + P.URL, SENTINEL), gated)


def _with_links_set_aside(df: DataFrame, gated: bool) -> DataFrame:
    text = F.col(_TEXT)
    links = F.regexp_extract_all(text, F.lit(P.URL_ANCHOR + P.URL), 0)
    if gated:
        links = F.when(gate_matches(text, P.URL_GATE), links).otherwise(F.array().cast("array<string>"))
    return df.withColumn(_URLS, links).withColumn(_TEXT, _links_to_sentinels(text, gated))


def _with_links_restored(df: DataFrame, gated: bool) -> DataFrame:
    # Each sentinel, left to right, takes the next link back: overlay(instr(...)) is a replace-first.
    restored = F.aggregate(
        F.col(_URLS), F.col(_TEXT), lambda acc, url: F.overlay(acc, url, F.instr(acc, SENTINEL), F.lit(1))
    )
    if gated:  # most posts have no link: skip the (interpreted) higher-order function
        restored = F.when(F.size(_URLS) > 0, restored).otherwise(F.col(_TEXT))
    return df.withColumn(_TEXT, restored).drop(_URLS)


def with_redacted_text(df: DataFrame, detectors: Detectors, text_col: str = "text") -> DataFrame:
    """Replace every detected PII span in ``text_col`` with its placeholder and add ``pii_counts``.

    ``pii_counts`` is a ``map<string,int>`` with one key per enabled detector (zeros included), so sums over
    a table always have every type. A null text is treated as "" (it comes back as "").

    >>> posts.transform(with_redacted_text, load_detectors("conf/detectors.yaml"), "text")
    """
    text = F.translate(F.coalesce(F.col(text_col), F.lit("")), SENTINEL, "\ufffd")
    out = df.withColumn(_ORIGINAL, text).withColumn(_TEXT, F.col(_ORIGINAL))
    # Cheap gates ("has an @", "has a link") skip passes on most rows, but are only safe below the barrier the
    # Python step puts in the plan (see _with_sql_detector).
    gated = bool(detectors.in_stage("validated"))
    for detector in detectors.in_stage("before_urls"):
        out = _with_sql_detector(out, detector, gated)
    if detectors.protect_urls:
        out = _with_links_set_aside(out, gated)
    for detector in detectors.in_stage("sql"):
        out = _with_sql_detector(out, detector, gated)
    if gated:
        out = _with_validated(out, detectors)
    if detectors.protect_urls:
        out = _with_links_restored(out, gated)
    # Counts are taken once, from the finished text: placeholders added = placeholders now - placeholders before.
    # (No detector can match inside a placeholder, and each type has its own, so the difference is exact.)
    # Counting per stage instead would make every stage's text feed two expressions, and Catalyst's plans grow
    # with every such fork. Each type counts its placeholder by a literal search-and-delete: no regex, no lambda.
    if not detectors.detectors:
        counts = F.create_map().cast("map<string,int>")
        return out.withColumn(text_col, F.col(_TEXT)).withColumn("pii_counts", counts).drop(_TEXT, _ORIGINAL)
    text, original = F.col(_TEXT), F.col(_ORIGINAL)

    def added(placeholder: str) -> Column:
        # Placeholders typed by the author are rare: look for them only in texts that have a "<" at all.
        typed = F.when(original.contains("<"), _occurrences(original, placeholder)).otherwise(F.lit(0))
        # Likewise most redacted texts hold no placeholder: a byte search spares them the count.
        now = F.when(text.contains("<"), _occurrences(text, placeholder)).otherwise(F.lit(0))
        return (now - typed).cast("int")

    counts = F.map_from_arrays(
        F.array(*[F.lit(d.name) for d in detectors.detectors]),
        F.array(*[added(d.placeholder) for d in detectors.detectors]),
    )
    return out.withColumn(text_col, F.col(_TEXT)).withColumn("pii_counts", counts).drop(_TEXT, _ORIGINAL)


def _occurrences(text: Column, literal: str) -> Column:
    """How many times ``literal`` occurs in ``text`` (no overlaps): the bytes a plain replace removes.

    Bytes, not characters: a string knows its byte length, but counting its characters reads it all. The
    placeholders are ASCII (``<[A-Z_]+>``), so each occurrence is ``len(literal)`` bytes.
    """
    return F.floor((F.octet_length(text) - F.octet_length(F.replace(text, F.lit(literal), F.lit("")))) / len(literal))


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
