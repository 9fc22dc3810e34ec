"""Detectors as data: a registry of kinds keyed by name, configured from conf/detectors.yaml.

Every detector runs in the JVM scanner (``jvm/src/main/java/org/postcurate/pii``, see ``postcurate.pii.scanner``):
the built-in kinds (email, coords, ip, ssn, nino, address, mention, iban, card, nhs, phone) by name, and a detector
with a ``pattern`` as a Java regular expression, with no code. A new built-in kind is a function registered with
``@detector_kind("name")`` that turns its YAML settings into a ``Detector`` (a pattern, or one of the scanner's kinds).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from postcurate.errors import ConfigError

PLACEHOLDER_PATTERN = r"<[A-Z_]+>"


@dataclass(frozen=True)
class Context:
    """Words near a candidate that change the verdict.

    ``negative``: a phrase right before the candidate (e.g. "order #", "ISBN") marks a look-alike.
    ``positive``: a phrase within ``window`` characters (e.g. "call", "Tel.") admits a weaker form.
    """

    negative: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    window: int = 40


@dataclass(frozen=True)
class PhonePlan:
    """One country's numbering plan, as Java regexes over digits only.

    ``nsn``: the national significant number, as dialled after ``+code``.
    ``national``: forms written without ``+code``; each a digits regex plus, optionally, the digit-group sizes
    that must be used (for countries without a trunk ``0``, where the grouping is what tells a phone number
    from any other 10-digit number). A compact number with no trunk needs a positive context word.
    """

    country: str
    code: str
    nsn: str
    national: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...] = ()


@dataclass(frozen=True)
class Detector:
    """One type: its name (the key in ``pii_counts``), placeholder, the scanner's kind, and its context words.

    ``kind`` is one of the scanner's built-in kinds, or "pattern" for a Java regex detector (``pattern``). ``order``
    decides overlaps among the shape types (and is the order of ``Detectors.types``).
    """

    name: str
    placeholder: str
    order: int
    context: Context = field(default_factory=Context)
    kind: str = "pattern"
    pattern: str | None = None


@dataclass(frozen=True)
class Detectors:
    """The enabled detectors, in the order they run, and the settings of the Python step."""

    detectors: tuple[Detector, ...]
    phone_plans: tuple[PhonePlan, ...] = ()
    protect_urls: bool = True
    lottery_words: tuple[str, ...] = ()  # a list of small numbers after one of these is a draw, not a phone number
    source: str = "detectors.yaml"  # the file they came from, for error messages
    sha256: str = ""  # of the file's bytes, as read once: the run identity and the recall measurement name them by it

    @property
    def types(self) -> list[str]:
        return [d.name for d in self.detectors]


# --- the registry ---------------------------------------------------------------------------------------------

KindBuilder = Callable[[str, str, Context, dict], Detector]
_KINDS: dict[str, tuple[int, str, KindBuilder]] = {}


def detector_kind(name: str, order: int, placeholder: str):
    """Register a built-in detector kind: ``builder(name, placeholder, context, settings) -> Detector``."""

    def register(builder: KindBuilder) -> KindBuilder:
        _KINDS[name] = (order, placeholder, builder)
        return builder

    return register


def known_kinds() -> list[str]:
    return sorted(_KINDS)


def _builtin(order: int, kind: str):
    def build(name, placeholder, context, settings):
        return Detector(name, placeholder, order, context, kind)

    return build


# The scanner's kinds. Overlaps are decided by kind first (e-mail and coordinates; then IBAN and card, proven by a
# check digit; then the other shapes in this order; then NHS and phone numbers), see Engine.java.
for _kind, _order, _placeholder in (
    ("email", 10, "<EMAIL>"), ("coords", 20, "<COORDS>"), ("ip", 30, "<IP>"), ("ssn", 40, "<SSN>"),
    ("nino", 50, "<NINO>"), ("address", 60, "<ADDRESS>"), ("mention", 70, "<MENTION>"), ("iban", 100, "<IBAN>"),
    ("card", 110, "<CARD>"), ("nhs", 120, "<NHS>"), ("phone", 130, "<PHONE>"),
):
    detector_kind(_kind, _order, _placeholder)(_builtin(_order, _kind))


# --- loading --------------------------------------------------------------------------------------------------

_DETECTOR_KEYS = {"enabled", "placeholder", "context", "plans", "pattern", "order"}
_TOP_KEYS = {"detectors", "protect_urls", "vocabulary", "lottery_words"}


def _words(value: Any, where: str, file: str) -> tuple[str, ...]:
    if value is None:
        return ()
    # Nested lists are flattened, so a detector can combine shared lists: [*look_alikes, [nhs, nhs number]].
    flat = [w for item in value for w in (item if isinstance(item, list) else [item])] if isinstance(value, list) else None
    if flat is None or not all(isinstance(w, str) and w.strip() for w in flat):
        raise ConfigError(f"{file}: '{where}' must be a list of words")
    return tuple(dict.fromkeys(w.strip() for w in flat))


def _context(spec: dict, where: str, file: str) -> Context:
    raw = spec.get("context") or {}
    if not isinstance(raw, dict) or set(raw) - {"negative", "positive", "window"}:
        raise ConfigError(f"{file}: '{where}.context' may only have the keys negative, positive, window")
    window = raw.get("window", 40)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 200:
        raise ConfigError(f"{file}: '{where}.context.window' must be a whole number of characters from 1 to 200")
    return Context(
        negative=_words(raw.get("negative"), f"{where}.context.negative", file),
        positive=_words(raw.get("positive"), f"{where}.context.positive", file),
        window=window,
    )


def _phone_plans(raw: Any, where: str, file: str) -> tuple[PhonePlan, ...]:
    if raw is None:
        raise ConfigError(f"{file}: missing required key '{where}' (the numbering plans of the phone detector)")
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{file}: '{where}' must map country codes to numbering plans")
    plans = []
    for country, plan in raw.items():
        at = f"{where}.{country}"
        if not isinstance(plan, dict):
            raise ConfigError(f"{file}: '{at}' must be a mapping with code, nsn and national")
        unknown = set(plan) - {"code", "nsn", "national"}
        if unknown:
            raise ConfigError(f"{file}: unknown key(s) {', '.join(sorted(unknown))} in '{at}'")
        code = str(plan.get("code", ""))
        if not re.fullmatch(r"[1-9][0-9]{0,2}", code):
            raise ConfigError(f"{file}: '{at}.code' must be a country calling code (1-3 digits), got {plan.get('code')!r}")
        nsn = _regex(plan.get("nsn"), f"{at}.nsn", file)
        national = []
        for k, form in enumerate(plan.get("national") or []):
            fat = f"{at}.national[{k}]"
            if not isinstance(form, dict) or "pattern" not in form or set(form) - {"pattern", "groups"}:
                raise ConfigError(f"{file}: '{fat}' must be a mapping with pattern and, optionally, groups")
            groups = form.get("groups") or []
            if not isinstance(groups, list) or not all(
                isinstance(g, list) and g and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in g)
                for g in groups
            ):
                raise ConfigError(f"{file}: '{fat}.groups' must be a list of digit-group sizes, e.g. [[3, 3, 4]]")
            national.append((_regex(form["pattern"], f"{fat}.pattern", file), tuple(tuple(g) for g in groups)))
        plans.append(PhonePlan(str(country), code, nsn, tuple(national)))
    # Longest calling code first: "+353" must not be read as "+35" and a rest.
    return tuple(sorted(plans, key=lambda p: -len(p.code)))


def _regex(value: Any, where: str, file: str) -> str:
    # Whether it compiles is asked of Java's own regex dialect, where it runs: when the scanner is built
    # (postcurate.pii.scanner.register_scanner), right after the session starts.
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{file}: '{where}' must be a regular expression")
    return value


def parse_detectors(raw: Any, file: str = "detectors.yaml") -> Detectors:
    """Build ``Detectors`` from the parsed YAML document (see ``load_detectors``)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: expected a mapping with a 'detectors' key at the top level")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{file}: unknown key(s) {', '.join(sorted(unknown))}; known keys are {', '.join(sorted(_TOP_KEYS))}")
    specs = raw.get("detectors")
    if not isinstance(specs, dict) or not specs:
        raise ConfigError(f"{file}: missing required key 'detectors' (a mapping of detector name to settings)")
    protect_urls = raw.get("protect_urls", True)
    if not isinstance(protect_urls, bool):
        raise ConfigError(f"{file}: 'protect_urls' must be true or false")

    found: list[Detector] = []
    plans: tuple[PhonePlan, ...] = ()
    for name, spec in specs.items():
        where = f"detectors.{name}"
        spec = {} if spec is None else spec
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ConfigError(f"{file}: detector name {name!r} must be lower-case letters, digits and underscores")
        if not isinstance(spec, dict):
            raise ConfigError(f"{file}: '{where}' must be a mapping of settings")
        unknown = set(spec) - _DETECTOR_KEYS
        if unknown:
            raise ConfigError(f"{file}: unknown key(s) {', '.join(sorted(unknown))} in '{where}'")
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{file}: '{where}.enabled' must be true or false")
        if name not in _KINDS and "pattern" not in spec:
            raise ConfigError(
                f"{file}: unknown detector '{name}' in 'detectors'; known: {', '.join(known_kinds())} "
                f"(or give it a 'pattern' to define a regex detector)"
            )
        order, default_placeholder, builder = _KINDS.get(name, (500, f"<{name.upper()}>", None))
        placeholder = spec.get("placeholder", default_placeholder)
        if not isinstance(placeholder, str) or not re.fullmatch(PLACEHOLDER_PATTERN, placeholder):
            raise ConfigError(f"{file}: '{where}.placeholder' must look like <UPPER_CASE>, got {placeholder!r}")
        context = _context(spec, where, file)
        if name == "phone" and enabled:
            plans = _phone_plans(spec.get("plans"), f"{where}.plans", file)
        if not enabled:
            continue
        if builder is None or "pattern" in spec:
            pattern = spec.get("pattern")
            if not isinstance(pattern, str) or not pattern:
                raise ConfigError(f"{file}: '{where}.pattern' must be a (Java) regular expression")
            detector = Detector(name, placeholder, order, context, "pattern", pattern)
        else:
            detector = builder(name, placeholder, context, spec)
        if "order" in spec:
            if isinstance(spec["order"], bool) or not isinstance(spec["order"], int):
                raise ConfigError(f"{file}: '{where}.order' must be a whole number")
            detector = replace(detector, order=spec["order"])
        found.append(detector)

    placeholders = [d.placeholder for d in found]
    dupes = sorted({p for p in placeholders if placeholders.count(p) > 1})
    if dupes:
        raise ConfigError(f"{file}: placeholder(s) {', '.join(dupes)} used by more than one detector; each type needs its own")
    found.sort(key=lambda d: d.order)
    lottery = _words(raw.get("lottery_words"), "lottery_words", file)
    return Detectors(tuple(found), plans, protect_urls, lottery, file)


def load_detectors(path: str | Path) -> Detectors:
    """Read the detector settings: which types are on, their placeholders, context words and phone plans.

    >>> detectors = load_detectors("conf/detectors.yaml")
    >>> detectors.types[:3]
    ['email', 'coords', 'ip']
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"detectors file not found: {path}")
    data = path.read_bytes()
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {exc}") from None
    return replace(parse_detectors(raw, path.name), sha256=hashlib.sha256(data).hexdigest())


def default_detectors() -> Detectors:
    """The shipped settings: ``conf/detectors.yaml`` from the checkout, or the copy an installed package carries
    (a wheel, or a ``--py-files`` zip)."""
    from postcurate.resources import data_dir

    shipped = data_dir("conf") / "detectors.yaml"
    data = shipped.read_bytes()
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"the shipped detectors.yaml is not valid YAML: {exc}") from None
    return replace(parse_detectors(raw, "detectors.yaml"), sha256=hashlib.sha256(data).hexdigest())
