"""The residual-PII check for the data-quality gate: JVM-only Column expressions, no Python step.

It mirrors the redactor where that can be done in SQL: every SQL detector's own pattern; card numbers with the
issuer ranges and the Luhn check, and IBANs with the country length and the mod-97 check, both computed with
Spark's higher-order functions; international (``+``) phone numbers against the configured numbering plans.
Bare national phone numbers and NHS numbers depend on context the Python step weighs, so they are left out:
the check never flags what the redactor would keep.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from postcurate.pii import patterns as P
from postcurate.pii.checks import IBAN_LENGTHS, _CARD_IIN
from postcurate.pii.detectors import Detectors

_CARD_CANDIDATE = r"(?<![0-9])[0-9](?:[ \-]?[0-9]){12,18}(?![0-9])"
_IBAN_CANDIDATE = (
    r"(?i)(?<![0-9a-z])(?:" + "|".join(sorted(IBAN_LENGTHS)) + r")[0-9]{2}(?:[ \-]?[0-9a-z]){8,32}"
)
_INTL_CANDIDATE = r"(?<![0-9A-Za-z+])\+\s?[0-9](?:[ .\-/()]{0,3}[0-9]){7,16}(?![0-9])"


def _chars(s: Column) -> Column:
    return F.split(s, "")


def luhn_valid(digits: Column) -> Column:
    """Luhn check of a digits-only string, in SQL."""
    doubled = F.transform(
        F.reverse(_chars(digits)),
        lambda c, i: F.when(i % 2 == 1, F.when(c.cast("int") * 2 > 9, c.cast("int") * 2 - 9).otherwise(c.cast("int") * 2)).otherwise(
            c.cast("int")
        ),
    )
    return F.aggregate(doubled, F.lit(0), lambda acc, d: acc + d) % 10 == 0


def iban_valid(compact: Column) -> Column:
    """Country length and mod-97 check of an upper-case IBAN without separators, in SQL."""
    lengths = F.create_map(*[x for k, v in sorted(IBAN_LENGTHS.items()) for x in (F.lit(k), F.lit(v))])
    rotated = F.concat(F.substring(compact, 5, 40), F.substring(compact, 1, 4))
    remainder = F.aggregate(
        _chars(rotated),
        F.lit(0),
        lambda acc, c: F.when(c.rlike("[0-9]"), (acc * 10 + c.cast("int")) % 97).otherwise((acc * 100 + F.ascii(c) - 55) % 97),
    )
    return (F.length(compact) == lengths[F.substring(compact, 1, 2)]) & (remainder == 1)


def _card_residual(text: Column, look_alike_words: tuple[str, ...]) -> Column:
    pattern = P.not_after(look_alike_words) + _CARD_CANDIDATE
    candidates = F.transform(F.regexp_extract_all(text, F.lit(pattern), 0), lambda c: F.regexp_replace(c, "[^0-9]", ""))
    return F.exists(candidates, lambda d: d.rlike("^" + _CARD_IIN.pattern + "$") & luhn_valid(d))


def _iban_residual(text: Column) -> Column:
    def cut(c: Column) -> Column:
        compact = F.upper(F.regexp_replace(c, "[ \\-]", ""))
        lengths = F.create_map(*[x for k, v in sorted(IBAN_LENGTHS.items()) for x in (F.lit(k), F.lit(v))])
        return F.substring(compact, F.lit(1), lengths[F.substring(compact, 1, 2)])

    candidates = F.transform(F.regexp_extract_all(text, F.lit(_IBAN_CANDIDATE), 0), cut)
    return F.exists(candidates, lambda c: iban_valid(c))


def _phone_residual(text: Column, detectors: Detectors) -> Column:
    plans = detectors.phone_plans
    known = "|".join(f"{p.code}0?(?:{p.nsn})" for p in plans)
    codes = "|".join(p.code for p in plans)
    # Known calling code: its plan decides. Any other: 9 to 15 digits, as the redactor accepts.
    valid = rf"^(?:(?:{known})|(?!(?:{codes}))[1-9][0-9]{{8,14}})$" if plans else r"^[1-9][0-9]{8,14}$"
    candidates = F.transform(
        F.regexp_extract_all(text, F.lit(_INTL_CANDIDATE), 0),
        # "(0)" is the trunk prefix printed for national callers; it is not dialled from abroad.
        lambda c: F.regexp_replace(F.regexp_replace(c, r"\(\s?0\s?\)", ""), "[^0-9]", ""),
    )
    return F.exists(candidates, lambda d: d.rlike(valid))


def residual_conditions(text: Column, detectors: Detectors) -> list[Column]:
    """One boolean Column per check; ``residual_pii`` ORs them."""
    text = F.coalesce(text, F.lit(""))
    # Public links are protected by the redactor, so they are left out here too (after the detectors that
    # run before links are set aside).
    without_links = F.regexp_replace(text, P.URL, " ") if detectors.protect_urls else text
    conditions = []
    for d in detectors.detectors:
        subject = text if d.stage == "before_urls" else without_links
        conditions += [subject.rlike(rule.pattern) for rule in d.rules]
    names = set(detectors.types)
    if "card" in names:
        card = next(d for d in detectors.detectors if d.name == "card")
        conditions.append(_card_residual(without_links, card.context.negative))
    if "iban" in names:
        conditions.append(_iban_residual(without_links))
    if "phone" in names:
        conditions.append(_phone_residual(without_links, detectors))
    return conditions
