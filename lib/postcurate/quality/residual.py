"""Residual PII: text that still matches a PII pattern after redaction.

The patterns are data: a mapping of PII type -> Java regular expressions, taken from the PII package's
built-in detectors (all of them, whatever the run's detectors file switched off: the contract says none of
these types may survive, so the gate fails closed). A new PII type in the PII package reaches the gate
without a change here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import or_

from pyspark.sql import Column
from pyspark.sql import functions as F

from postcurate.pii.redact import gate_matches

# A rule is a Java regex, or (regex, gate): the gate is a cheap regex every match needs, tested first so that
# the costly pattern runs only on the few texts that pass it. Most shard texts are clean.
Rule = str | tuple[str, str | None]
ResidualRules = Mapping[str, Sequence[Rule]]


def default_residual_rules() -> dict[str, tuple[str, ...]]:
    """PII type -> patterns, from ``postcurate.pii``.

    The full engine exposes its built-in detectors as ``default_detectors()`` (each with SQL ``rules``);
    the first cut keeps one pattern per type. Either shape is read here so the gate works before and after.
    """
    import postcurate.pii as pii

    defaults = getattr(pii, "default_detectors", None)
    if defaults is not None:
        rules: dict[str, tuple[str, ...]] = {}
        for detector in defaults().detectors:
            patterns = tuple((r.pattern, r.gate) for r in getattr(detector, "rules", ()) if getattr(r, "pattern", None))
            if not patterns and getattr(detector, "pattern", None):
                patterns = (detector.pattern,)
            if patterns:
                rules[detector.name] = patterns
        return rules
    return {name: (pattern,) for name, pattern in pii._BUILTIN.items()}


def residual_pii_type(text: Column, rules: ResidualRules) -> Column:
    """The first PII type (in ``rules`` order) whose pattern still matches ``text``; null when the text is clean.

    Placeholders such as ``<EMAIL>`` never match: they hold no digits and no ``@``.

    >>> shards.select(residual_pii_type(F.col("text"), {"email": [EMAIL_RE]}).alias("residual_pii_type"))
    """
    text = F.coalesce(text, F.lit(""))
    found = F.lit(None).cast("string")
    for pii_type, type_rules in reversed(list(rules.items())):
        found = F.when(_any_rule_matches(text, type_rules), F.lit(pii_type)).otherwise(found)
    # (One alternation of all the gates in front of this was measured slower than the gates one by one.)
    return found


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
