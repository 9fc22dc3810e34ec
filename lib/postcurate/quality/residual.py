"""Residual PII: text that still matches a PII pattern after redaction.

The patterns are data: a mapping of PII type -> Java regular expressions, taken from the PII package's
built-in detectors (all of them, whatever the run's detectors file switched off: the contract says none of
these types may survive, so the gate fails closed). A new PII type in the PII package reaches the gate
without a change here. The checksum types (card, IBAN, NHS, phone) are not regexes; the gate checks them
with the redaction's own checksum step (``postcurate.pii.checksum_residual_type``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import or_

from pyspark.sql import Column
from pyspark.sql import functions as F

from postcurate.pii.detectors import Detectors
from postcurate.pii.redact import gate_matches

# A rule is a Java regex, or (regex, gate): the gate is a cheap regex every match needs, tested first so that
# the costly pattern runs only on the few texts that pass it. Most shard texts are clean.
Rule = str | tuple[str, str | None]
ResidualRules = Mapping[str, Sequence[Rule]]


def default_residual_rules(builtin: Detectors | None = None) -> dict[str, tuple[tuple[str, str | None], ...]]:
    """PII type -> (pattern, gate) per pass of the built-in SQL detectors, exactly as the redactor runs them.

    ``builtin``: the built-in detectors, when the caller has parsed them already (``default_detectors()``).
    """
    from postcurate.pii import default_detectors
    from postcurate.pii.redact import sql_passes

    rules = {}
    for detector in (builtin or default_detectors()).detectors:
        passes = tuple((pattern, gate) for pattern, _, gate in sql_passes(detector))
        if passes:
            rules[detector.name] = passes
    return rules


def default_residual_needs(builtin: Detectors | None = None) -> dict[str, str]:
    """PII type -> a cheap regex every match of its default rules holds (types without one are left out)."""
    from postcurate.pii import default_detectors

    return {d.name: d.needs for d in (builtin or default_detectors()).detectors if d.needs}


def residual_pii_type(text: Column, rules: ResidualRules, needs: Mapping[str, str] | None = None) -> Column:
    """The first PII type (in ``rules`` order) whose pattern still matches ``text``; null when the text is clean.

    ``needs``: PII type -> a cheap regex every match of its rules holds (``default_residual_needs()``).
    Neighbouring types that need the same test it once: a text without a digit skips every digit-bound
    pattern at the cost of one test. Placeholders such as ``<EMAIL>`` never match: they hold no digits and no ``@``.

    >>> shards.select(residual_pii_type(F.col("text"), {"email": [EMAIL_RE]}).alias("residual_pii_type"))
    """
    text = F.coalesce(text, F.lit(""))
    needs = needs or {}
    groups: list[tuple[str | None, list[str]]] = []  # runs of neighbouring types with the same need, in order
    for pii_type in rules:
        need = needs.get(pii_type)
        if groups and groups[-1][0] == need:
            groups[-1][1].append(pii_type)
        else:
            groups.append((need, [pii_type]))
    first_found = []
    for need, types in groups:
        found = F.lit(None).cast("string")
        for pii_type in reversed(types):
            found = F.when(_any_rule_matches(text, rules[pii_type]), F.lit(pii_type)).otherwise(found)
        first_found.append(F.when(gate_matches(text, need), found) if need else found)
    # (One alternation of all the gates in front was measured slower than the gates one by one; a shared
    # one-character need is not: it costs one gate and spares three posts in four the gates behind it.)
    return F.coalesce(*first_found) if first_found else F.lit(None).cast("string")


def _any_rule_matches(text: Column, rules: Sequence[Rule]) -> Column:
    # Rules that share a gate test it once (a detector's rules mostly do).
    by_gate: dict[str | None, list[str]] = {}
    for rule in rules:
        pattern, gate = (rule, None) if isinstance(rule, str) else rule
        by_gate.setdefault(gate, []).append(pattern)
    conditions = []
    for gate, patterns in by_gate.items():
        hit = reduce(or_, [text.rlike(p) for p in patterns])
        conditions.append(gate_matches(text, gate) & hit if gate else hit)
    return reduce(or_, conditions)
