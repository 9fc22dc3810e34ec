"""The checksum / number-plan step of the engine before the JVM scanner, in Python: digit runs and IBAN-shaped
tokens kept when they pass their check.

The redactor no longer runs it (the JVM scanner does all of it, ``postcurate.pii.scanner``). It stays only for the
quality gate's checksum residual check (``postcurate.pii.redact.checksum_residual_type``), which calls it from an
Arrow UDF on the shard texts a SQL prefilter flags, until the gate has detectors of its own.

A *digit run* is a stretch of digit groups joined by the separators people put in numbers (space, dot, dash,
slash, brackets), optionally led by ``+``. Every contiguous sub-span of a run is offered to each numeric check,
so "12/03 0151 2345678" still yields the phone number and "4111 1111 1111 1111 12/27" still yields the card.
Overlaps are resolved longest first, then by detector priority.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from postcurate.pii.checks import IBAN_LENGTHS, card_ok, iban_ok, isbn_ok, nhs_ok
from postcurate.pii.detectors import Context, Detectors, PhonePlan

# Digit groups joined by up to four separator characters; starts at a group boundary, never mid-number.
# Gaps: one or two spaces, a tight dot, dash or slash, or a bracket edge. Not ". " (a sentence ends there) nor
# " - " (a list separator), and a run never ends inside "10:54" or "3.5".
_GAP = r"(?: {1,2}|[.\-/]|[ ]?\([ ]?|[ ]?\)[ ]?[-.]?[ ]?)"  # = postcurate.pii.patterns.RUN_GAP
# The look-ahead goes first: one character test rejects most positions before the two look-behinds run.
_RUN = re.compile(
    r"(?=[+(0-9])(?<![0-9A-Za-z+])(?<![0-9][:.,])(?:\+\s?)?\(?[0-9]+(?:" + _GAP + r"[0-9]+){0,15}\)?(?![:.,]?[0-9]|[A-Za-z])"
)
_DIGITS = re.compile(r"[0-9]+")
# What may stand between two digit groups of one number: one separator, spaced or not, or a bracket pair edge.
_GAP_OK = re.compile(_GAP)
_LOOSE = re.compile(r"[\s()]")
# Matched only where _IBAN_HINT found two letters and two digits (see _iban_spans), so it needs no look-ahead.
_IBAN = re.compile(
    r"(?<![0-9A-Za-z])(" + "|".join(sorted(IBAN_LENGTHS)) + r")([0-9]{2})((?:[ \-]?[0-9A-Za-z]){8,32})",
    re.IGNORECASE,
)
_IBAN_HINT = re.compile(r"[A-Za-z]{2}[0-9]{2}")
_TAILS = r"(?:no|nr|number|num|nummer|numéro|numero|número|n[°º]|id)"


@lru_cache(maxsize=None)
def _context_regex(words: tuple[str, ...], suffix: str) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?i)(?<!\w)(?:" + alternatives + r")" + suffix)


def negative_regex(context: Context) -> re.Pattern | None:
    """A look-alike phrase right before a candidate (searched in the 30 characters before it)."""
    return _context_regex(context.negative, r"(?!\w)[^\w\n]{0,3}(?:" + _TAILS + r"(?!\w)[^\w\n]{0,3})?$")


def positive_regex(context: Context) -> re.Pattern | None:
    return _context_regex(context.positive, r"(?!\w)")


@lru_cache(maxsize=None)
def _plan_regexes(plan: PhonePlan) -> tuple[re.Pattern, tuple[tuple[re.Pattern, tuple[tuple[int, ...], ...]], ...]]:
    return re.compile(plan.nsn), tuple((re.compile(p), groups) for p, groups in plan.national)


@dataclass(frozen=True)
class Check:
    name: str
    placeholder: str
    priority: int
    context: Context = field(default_factory=Context)


@dataclass(frozen=True)
class ValidatedSettings:
    """Everything the Python step needs; small and picklable, shipped to the workers with the UDF."""

    checks: tuple[Check, ...]
    phone_plans: tuple[PhonePlan, ...] = ()
    generic_international: bool = True

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.checks]

    @cached_property
    def by_name(self) -> dict[str, Check]:
        return {c.name: c for c in self.checks}

    @cached_property
    def numeric(self) -> list[Check]:
        return [self.by_name[n] for n in ("card", "nhs", "phone") if n in self.by_name]

    @cached_property
    def national_phone_forms(self) -> tuple[re.Pattern | None, tuple[tuple[re.Pattern, tuple[tuple[int, ...], ...]], ...]]:
        """The national forms of every plan: those with no grouping rule as one alternation (any match will
        do), and the others, each with its groupings."""
        free = [p for plan in self.phone_plans for p, groups in plan.national if not groups]
        grouped = tuple((r, groups) for plan in self.phone_plans for r, groups in _plan_regexes(plan)[1] if groups)
        return (re.compile("|".join(f"(?:{p})" for p in free)) if free else None), grouped


class _Span:
    """One candidate number: its place in the text, digit groups and the gaps between them.

    A plain slotted class with its derived fields computed once: every check reads them, for every span.
    """

    __slots__ = ("text", "start", "end", "groups", "gaps", "plus", "double_zero", "paren_trunk", "digits", "sizes")

    def __init__(self, text: str, start: int, end: int, groups: list[str], gaps: list[str], plus: bool, double_zero: bool, paren_trunk: int):
        self.text, self.start, self.end = text, start, end
        self.groups, self.gaps = groups, gaps
        self.plus, self.double_zero = plus, double_zero
        self.paren_trunk = paren_trunk  # index of a "(0)" group, or -1
        self.digits = "".join(groups)
        self.sizes = tuple(len(g) for g in groups)


def _tokens(text: str, run: re.Match) -> tuple[list[int], list[int], list[str], list[str]]:
    """The run's digit groups: their starts, ends, strings, and the separators between them."""
    starts, ends, strings = [], [], []
    for m in _DIGITS.finditer(text, run.start(), run.end()):
        starts.append(m.start())
        ends.append(m.end())
        strings.append(m.group())
    gaps = [text[ends[k] : starts[k + 1]] for k in range(len(starts) - 1)]
    return starts, ends, strings, gaps


def _sub_spans(text: str, run: re.Match, tokens, min_digits: int = 9) -> list[_Span]:
    """Every window of whole digit groups in the run with ``min_digits`` to 19 digits, as a ``_Span``."""
    starts, ends, strings, gaps = tokens
    # A number starts at the run's start or after a space/bracket, never inside "12/03" or "12.03.2024";
    # and likewise ends at one.
    loose = [" " in g or "(" in g or ")" in g for g in gaps]
    run_start, count = run.start(), len(starts)
    spans = []
    for i in range(count):
        if i and not loose[i - 1]:
            continue
        if i == 0:
            start, plus = run_start, "+" in text[run_start : starts[0]]
        else:
            lead = gaps[i - 1]
            start, plus = (ends[i - 1] + lead.index("("), False) if "(" in lead else (starts[i], False)
        total = 0
        for j in range(i, count):
            total += len(strings[j])
            if total > 19:
                break
            if total < min_digits or (j + 1 < count and not loose[j]):
                continue
            groups, inner = strings[i : j + 1], gaps[i:j]
            end = ends[j]
            joined = "".join(inner)
            if "(" in joined or "(" in text[start : starts[i]]:
                if text[end : end + 1] == ")" and (text[start : starts[i]] + joined).count("(") > joined.count(")"):
                    end += 1
            paren_trunk = -1
            if "(" in joined:
                for k in range(1, len(groups)):
                    after = inner[k] if k < len(inner) else text[end - 1 : end]
                    if groups[k] == "0" and "(" in inner[k - 1] and ")" in after:
                        paren_trunk = k
            spans.append(
                _Span(text[start:end], start, end, groups, inner, plus, not plus and groups[0].startswith("00"), paren_trunk)
            )
    return spans


def _clean(sep: str) -> str:
    return sep.strip()


def _looks_like_isbn(span: _Span) -> bool:
    """ISBN-10 printed in 4 groups or ISBN-13 in 5, joined by dashes or spaces, or either one compact.

    A compact ISBN-10 is a hard case: its check is the NHS mod-11 check, and a random 10-digit phone number
    passes it one time in eleven; the callers weigh the context.
    """
    if len(span.digits) not in (10, 13) or not {ch for gap in span.gaps for ch in gap} <= {"-", " "}:
        return False
    return len(span.groups) in (1, 4 if len(span.digits) == 10 else 5) and isbn_ok(span.digits)


def _ssn_shaped(span: _Span) -> bool:
    # 3-2-4 with dashes is how SSNs are written; a valid one is gone by now (SQL stage), the rest are look-alikes.
    return span.sizes == (3, 2, 4) and all(g == "-" for g in span.gaps)


def _atomic(tokens) -> bool:
    """A run printed in even blocks of four ("4130 0680 2297 8046") is one number: never split it."""
    _, _, strings, gaps = tokens
    return (
        len(strings) >= 4
        and all(len(g) == 4 for g in strings[:-1])
        and 1 <= len(strings[-1]) <= 4
        and len(set(gaps)) == 1
    )


def _card(span: _Span) -> bool:
    if span.plus or span.paren_trunk >= 0 or not 13 <= len(span.digits) <= 19:
        return False
    seps = {_clean(g) or " " for g in span.gaps}
    if len(seps) > 1 or any(len(g) > 1 for g in span.gaps) or (seps and seps - {" ", "-"}):
        return False
    sizes = span.sizes
    grouped_ok = (
        len(sizes) == 1
        or (all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4)
        or sizes in ((4, 6, 5), (4, 6, 4), (4, 4, 5), (4, 4, 4, 4, 3), (4, 5, 5))
    )
    return grouped_ok and card_ok(span.digits)


# NHS numbers are issued from 300-399 (Northern Ireland), 400-499 and 600-799 million (England and Wales).
_NHS_FIRST = "3467"


def _nhs(span: _Span, near_phone_word: Callable[[], bool], near_nhs_word: Callable[[], bool]) -> bool:
    if span.plus or span.sizes not in ((10,), (3, 3, 4)):
        return False
    if {_clean(g) or " " for g in span.gaps} - {" ", "-"}:
        return False
    if not nhs_ok(span.digits):
        return False
    # Unlabelled: only from the issued ranges, and a bare 3-3-4 next to "call"/"tel" is a US phone number.
    return near_nhs_word() or (span.digits[0] in _NHS_FIRST and not near_phone_word())


def _phone(span: _Span, settings: ValidatedSettings, near_positive: Callable[[], bool]) -> bool:
    groups = list(span.groups)
    if span.paren_trunk >= 0:
        del groups[span.paren_trunk]
    sizes = tuple(len(g) for g in groups)
    digits = "".join(groups)
    international = span.plus or span.double_zero
    # A lone digit is a country code (+1, +7), the first digit after it (+33 6 .., +353 1 ..) or the US "1-";
    # anywhere else it marks a date, score or ISBN rather than a phone number.
    singles = [k for k, size in enumerate(sizes) if size == 1]
    allowed = {0, 1} if international else ({0} if len(sizes) == 4 else set())
    if any(k not in allowed for k in singles):
        return False
    # One number uses one kind of separator (spaces and brackets aside): "03.2024/15.03" is two dates.
    if len({ch for gap in span.gaps for ch in gap if ch in "-./"}) > 1:
        return False
    if international:
        if span.double_zero:
            digits = digits[2:]
        for plan in settings.phone_plans:
            if digits.startswith(plan.code):
                nsn = digits[len(plan.code) :]
                # "+44 (0)20 ..." is handled above; "+44 020 ..." is a common mistake that still dials.
                nsn_regex = _plan_regexes(plan)[0]
                return bool(nsn_regex.fullmatch(nsn) or (nsn[:1] == "0" and nsn_regex.fullmatch(nsn[1:])))
        return settings.generic_international and 9 <= len(digits) <= 15 and digits[0] != "0"
    free, grouped = settings.national_phone_forms
    if free is not None and free.fullmatch(digits):
        return True
    for pattern, formats in grouped:
        if pattern.fullmatch(digits) and (sizes in formats or (len(sizes) == 1 and near_positive())):
            return True
    return False


def _iban_spans(text: str) -> list[tuple[int, int, bool]]:
    """IBAN-shaped tokens cut to their country's length: (start, end, passes mod-97)."""
    found, after = [], 0
    # Only where the quick hint ("two letters, two digits") is: most texts have none, and the full pattern's
    # look-ahead would otherwise be tried at every position. An IBAN starts at a word's start, which a hint
    # match cannot have skipped (it is all letters and digits). As with finditer, matches do not overlap.
    for hint in _IBAN_HINT.finditer(text):
        m = _IBAN.match(text, hint.start()) if hint.start() >= after else None
        if m is None:
            continue
        after = m.end()
        want = IBAN_LENGTHS[m.group(1).upper()] - 4
        body = _iban_body(want).match(text, m.start(3))
        # Too short, or running on into a letter or digit ("DE89...3000X"): not an IBAN at all.
        if body is None or (body.end() < len(text) and text[body.end()].isalnum()):
            continue
        compact = _IBAN_SEPARATORS.sub("", body.group())
        found.append((m.start(), body.end(), iban_ok(m.group(1) + m.group(2) + compact)))
    return found


_IBAN_SEPARATORS = re.compile(r"[ \-]")


@lru_cache(maxsize=None)
def _iban_body(length: int) -> re.Pattern:
    """The first ``length`` letters and digits of an IBAN's body, each optionally after one separator."""
    return re.compile(r"(?:[ \-]?[0-9A-Za-z]){%d}" % length)


def redact_validated(text: str, settings: ValidatedSettings) -> tuple[str, dict[str, int]]:
    """Replace every checksum-valid card, IBAN, NHS number and plan-valid phone number in ``text``.

    >>> s = validated_settings(default_detectors())
    >>> redact_validated("card 4111 1111 1111 1111, thanks", s)[0]
    'card <CARD>, thanks'
    """
    checks = settings.by_name
    counts = dict.fromkeys(checks, 0)
    candidates: list[tuple[int, int, int, str]] = []  # (start, end, priority, name)

    def vetoed(check: Check, start: int) -> bool:
        neg = negative_regex(check.context)
        return bool(neg and neg.search(text, max(0, start - 30), start))

    def near(check: Check, start: int, end: int) -> bool:
        pos = positive_regex(check.context)
        return bool(pos and (pos.search(text, max(0, start - check.context.window), start) or pos.search(text, end, end + 20)))

    iban_shaped = _iban_spans(text) if "iban" in checks else []
    for s, e, valid in iban_shaped:
        if valid and not vetoed(checks["iban"], s):
            candidates.append((s, e, checks["iban"].priority, "iban"))

    numeric = settings.numeric
    phone = checks.get("phone")
    for run in _RUN.finditer(text) if numeric else ():
        if run.end() - run.start() < 9:
            continue  # cannot hold nine digits: most runs are a year, a price or a time
        if any(s < run.end() and run.start() < e for s, e, _ in iban_shaped):
            continue  # digits inside an IBAN-shaped token are that token's, valid or not
        tokens = _tokens(text, run)
        spans = [sp for sp in _sub_spans(text, run, tokens) if not _ssn_shaped(sp)]
        if not spans:
            continue
        if _atomic(tokens):
            spans = [sp for sp in spans if sp.start == run.start() and sp.end >= run.end() - 1]
        # Context is read once per run ("Order 0034 5678 9012 3456" vetoes every number inside the run), and
        # only when a check asks for it: the word lists are long and most runs never need them.
        memo: dict[tuple[str, str], bool] = {}

        def run_veto(c: Check) -> bool:
            key = ("veto", c.name)
            if key not in memo:
                memo[key] = vetoed(c, run.start())
            return memo[key]

        def run_near(c: Check) -> bool:
            key = ("near", c.name)
            if key not in memo:
                memo[key] = near(c, run.start(), run.end())
            return memo[key]

        for span in spans:
            isbn = _looks_like_isbn(span)
            if isbn and len(span.groups) > 1:
                continue
            for check in numeric:
                if check.name == "card":
                    ok = _card(span)
                elif check.name == "nhs":
                    ok = _nhs(span, lambda: bool(phone) and run_near(phone), lambda: run_near(check))
                else:
                    # A compact ISBN-10 that is also a dialable number counts as a phone only if called one.
                    ok = (not isbn or run_near(check)) and _phone(span, settings, lambda: run_near(check))
                if ok and (span.plus and check is phone or not (
                    run_veto(check) or (span.start != run.start() and vetoed(check, span.start))
                )):
                    s, e = _unbracketed(text, span, check is phone)
                    candidates.append((s, e, check.priority, check.name))

    if not candidates:
        return text, counts
    # Longest first, then priority: "4111 1111 1111 1111" is one card, not a phone number and some digits.
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    starts: list[int] = []
    taken: list[tuple[int, int, str]] = []
    for s, e, _, name in candidates:
        k = bisect.bisect_right(starts, s)
        if (k and taken[k - 1][1] > s) or (k < len(taken) and taken[k][0] < e):
            continue
        starts.insert(k, s)
        taken.insert(k, (s, e, name))
    out, last = [], 0
    for s, e, name in taken:
        out.append(text[last:s])
        out.append(checks[name].placeholder)
        counts[name] += 1
        last = e
    out.append(text[last:])
    return "".join(out), counts


def _unbracketed(text: str, span: _Span, is_phone: bool) -> tuple[int, int]:
    """Leave brackets around a number in place: "(4111 1111 1111 1111)" -> "(<CARD>)".

    A phone number keeps brackets that are part of it, as in "(020) 7946 0958".
    """
    s, e = span.start, span.end
    if text[s] == "(" and (not is_phone or text.find(")", s, e) == e - 1):
        s += 1
        while text[s] == " ":
            s += 1
    if text[e - 1] == ")" and "(" not in text[s : e - 1]:
        e -= 1
    return s, e


def validated_settings(detectors: Detectors) -> ValidatedSettings:
    """The checksum types of ``detectors`` (IBAN, card, NHS, phone), their context and the phone plans."""
    checks = tuple(Check(d.name, d.placeholder, d.order, d.context) for d in detectors.in_stage("validated"))
    return ValidatedSettings(checks=checks, phone_plans=detectors.phone_plans)


Validator = Callable[[str, ValidatedSettings], tuple[str, dict[str, int]]]
