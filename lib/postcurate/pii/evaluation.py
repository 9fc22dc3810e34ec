"""Scoring a redaction against labelled records: which PII values vanished, which look-alikes survived.

Labelled records look like ``{"id", "lang", "text", "pii": [{"type", "class", "value"}], "decoys": [{"kind",
"value"}]}`` (see eval/generate.py and eval/social.py; ``class`` is optional and defaults to ``plain``).
Everything here is a pure DataFrame or Column function; only per-type sums are collected.

How "vanished" is scored (docs/pii.md, "The evaluation"): a value leaked if it is still in the redacted text as
written, or if any of its *leak keys* is in the *normalised* redacted text. Normalising maps every Unicode decimal
digit to ASCII, full-width forms to ASCII, every space and line break to a plain space, drops invisible (format)
characters, lower-cases, and reads ``%40`` as ``@``: a phone number left in Devanagari digits, or re-joined by
zero-width spaces, is still a leak. The leak keys are the normalised value and its parts (``leak_keys``). A
look-alike survived only if it is still in the redacted text exactly as written, so a redactor that rewrites or
deletes digits wholesale loses the look-alikes (ASCII and Unicode ones alike) and cannot score well.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

LABELS_SCHEMA = (
    "id string, lang string, text string, pii array<struct<type:string,class:string,value:string>>, "
    "decoys array<struct<kind:string,value:string>>"
)

# The targets of issue #18: every PII type and every class, and every look-alike kind.
RECALL_TARGET = 0.995
SURVIVAL_TARGET = 0.99

_LINE_BREAKS = "\n\r\t\x0b\x0c\x85\u2028\u2029"


@functools.cache
def _translation() -> tuple[str, str]:
    """(from, to) for ``translate``: non-ASCII decimal digits, full-width ASCII, and Unicode spaces."""
    src, dst = [], []
    for cp in range(0x80, sys.maxunicode + 1):
        ch = chr(cp)
        if 0xFF01 <= cp <= 0xFF5E:
            src.append(ch)
            dst.append(chr(cp - 0xFEE0))
        elif unicodedata.category(ch) == "Nd":
            src.append(ch)
            dst.append(str(unicodedata.decimal(ch)))
        elif unicodedata.category(ch) == "Zs" or ch in _LINE_BREAKS:
            src.append(ch)
            dst.append(" ")
    for ch in _LINE_BREAKS:
        if ch < "\x80":
            src.append(ch)
            dst.append(" ")
    return "".join(src), "".join(dst)


# Local parts end where the @ (or a word standing for it) starts.
_EMAIL_AT = r"@| at | ät | arroba | chiocciola | arobase |\[at\]|\[ät\]|\(at\)|\{at\}|\[@\]|\(@\)|\s@"


def normalised(text: Column) -> Column:
    """The view the scorer compares in (see the module docstring).

    >>> df.select(normalised(F.lit("+९१ ९८७६५\u00a0४३२१०")))   # "+91 98765 43210"
    """
    t = F.regexp_replace(F.translate(text, *_translation()), r"\p{Cf}", "")
    return F.replace(F.replace(F.lower(t), F.lit("%40"), F.lit("@")), F.lit("%2b"), F.lit("+"))


def leak_keys(value: Column, pii_type: Column) -> Column:
    """The normalised strings whose survival means ``value`` leaked (an array).

    The whole value; each chunk (split at non-alphanumerics) of four or more characters with three or more digits
    ("<PHONE> 0958" leaked); for an address each comma- or line-separated part holding a digit (the house number
    and street survive on their own); for an e-mail its local part, for a mention its handle without the "@",
    when four characters or more. eval/social.py ``leak_keys`` is the same in plain Python.
    """
    n = normalised(value)
    chunks = F.filter(
        F.split(n, "[^0-9a-z]+"),
        lambda t: (F.length(t) >= 4) & (F.length(F.regexp_replace(t, "[^0-9]", "")) >= 3),
    )
    address_parts = F.filter(
        F.transform(F.split(normalised(F.regexp_replace(value, "[\r\n]", ",")), ",| {2,}"), lambda p: F.trim(p)),
        lambda p: (F.length(p) >= 4) & p.rlike("[0-9]"),
    )
    local = F.trim(F.split(n, _EMAIL_AT, 2)[0])
    handle = F.regexp_replace(n, "^[.@]+", "")
    empty = F.array().cast("array<string>")
    extra = (
        F.when(pii_type == "address", address_parts)
        .when((pii_type == "email") & (F.length(local) >= 4), F.array(local))
        .when((pii_type == "mention") & (F.length(handle) >= 4), F.array(handle))
        .otherwise(empty)
    )
    return F.filter(F.array_distinct(F.concat(F.array(n), chunks, extra)), lambda k: F.length(k) > 0)


def value_survives(text: Column, value: Column, pii_type: Column | None = None) -> Column:
    """True if ``value`` is still in ``text``: as written, or any of its leak keys in the normalised text."""
    pii_type = pii_type if pii_type is not None else F.lit(None).cast("string")
    seen = normalised(text)
    return (F.instr(text, value) > 0) | F.exists(leak_keys(value, pii_type), lambda k: F.instr(seen, k) > 0)


def scored_values(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """One row per labelled PII value: its type, class (``plain`` when unlabelled) and whether it vanished."""
    return redacted.select(F.col(text_col).alias("_text"), F.explode("pii").alias("p")).select(
        F.col("p.type").alias("type"),
        F.coalesce(F.col("p.class"), F.lit("plain")).alias("class"),
        (~value_survives(F.col("_text"), F.col("p.value"), F.col("p.type"))).alias("vanished"),
    )


def _recall(values: DataFrame, by: str) -> DataFrame:
    return (
        values.groupBy(by)
        .agg(F.count("*").alias("values"), F.sum(F.col("vanished").cast("int")).alias("vanished"))
        .withColumn("recall", F.col("vanished") / F.col("values"))
        .orderBy(by)
    )


def pii_recall(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """Per PII type: labelled values, how many vanished, and recall (vanished / values)."""
    return _recall(scored_values(redacted, text_col), "type")


def recall_by_class(redacted: DataFrame, text_col: str = "text") -> DataFrame:
    """Per class (the way a value is written: ``plain``, ``unicode_digits``, ``in_link``...): as ``pii_recall``."""
    return _recall(scored_values(redacted, text_col), "class")


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
        value_survives(F.col("redacted"), F.col("p.value"), F.col("p.type"))
    ).select(
        "id",
        F.lit("leaked").alias("what"),
        F.col("p.type").alias("type"),
        F.coalesce(F.col("p.class"), F.lit("plain")).alias("class"),
        F.col("p.value").alias("value"),
        "redacted",
    )
    lost = redacted.select("id", F.col(text_col).alias("redacted"), F.explode("decoys").alias("d")).where(
        F.instr("redacted", F.col("d.value")) == 0
    ).select(
        "id",
        F.lit("decoy_lost").alias("what"),
        F.col("d.kind").alias("type"),
        F.lit(None).cast("string").alias("class"),
        F.col("d.value").alias("value"),
        "redacted",
    )
    return leaked.unionByName(lost)
