"""Geo rules: which account jurisdictions may be trained on, from when, and from what age.

Loaded from YAML, validated strictly (an unknown key or country, an impossible date, a period that ends before it
starts, two rules for one country on the same day are errors, each naming the rule), and turned into
a small literal map for the rules stage, so the check costs one map lookup per row in the JVM.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column
from pyspark.sql import functions as F

from postcurate.errors import ConfigError

# ISO 3166-1 alpha-2 codes currently assigned (plus XK, widely used for Kosovo). A rule naming anything else is a typo.
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
    JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
    MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
    TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW""".split()
)


@dataclass(frozen=True)
class GeoRule:
    country: str
    start: dt.date
    end: dt.date | None
    min_age: int
    legal_basis: str = ""
    source: str = ""
    notes: str = ""

    def in_effect(self, at: dt.datetime) -> bool:
        day = at.date()
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class GeoRules:
    rules: tuple[GeoRule, ...]
    version: str
    sha256: str

    def in_effect(self, at: dt.datetime) -> dict[str, int]:
        """Country -> minimum age, for the rules in effect at ``at``."""
        return {r.country: r.min_age for r in self.rules if r.in_effect(at)}

    def min_age_column(self, country: Column, at: dt.datetime) -> Column:
        """The minimum age for ``country`` at ``at``; null where training is not allowed (or country is null)."""
        allowed = self.in_effect(at)
        if not allowed:
            return F.lit(None).cast("int")
        pairs = [x for code, age in sorted(allowed.items()) for x in (F.lit(code), F.lit(age))]
        return F.create_map(*pairs)[country]


RULE_KEYS = ("countries", "from", "until", "min_age", "legal_basis", "source", "notes")
FILE_KEYS = ("version", "defaults", "groups", "rules")
MIN_AGE_RANGE = (13, 99)  # nothing here may go below 13; the contract's defaults are 18 everywhere
# Codes people write that are not ISO 3166-1 alpha-2 (the EU writes EL for Greece).
_COMMON_MISTAKES = {"UK": "GB", "EL": "GR"}


def _unknown_keys(entry: dict, known: tuple[str, ...], where: str) -> None:
    for key in entry:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
            raise ConfigError(f"{where}unknown key {key!r}{hint}")


def _date(value, where: str) -> dt.date:
    # The file is read without YAML's own dates (postcurate.yamlfile), so every date arrives here as text.
    text = str(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ConfigError(f"{where} is not a date (YYYY-MM-DD): {value!r}")


def _min_age(value, where: str) -> int:
    low, high = MIN_AGE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}min_age must be a whole number between {low} and {high}, got {value!r}")
    return value


def _code(value, where: str, groups: dict) -> str:
    if isinstance(value, bool):
        raise ConfigError(f"{where}has a bare yes/no value among its countries; quote country codes such as \"NO\"")
    code = str(value)
    if code in ISO_COUNTRIES:
        return code
    meant = _COMMON_MISTAKES.get(code.upper()) or (code.upper() if code.upper() in ISO_COUNTRIES else None)
    if meant is None:
        close = difflib.get_close_matches(code, sorted(groups), n=1)
        meant = close[0] if close else None
    hint = f" (did you mean {meant!r}?)" if meant else ""
    raise ConfigError(f"{where}names unknown country code {code!r} (use ISO 3166-1 alpha-2, upper case, or a group){hint}")


def _groups(raw, name: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: 'groups' must be a mapping of group name to a list of country codes")
    groups: dict[str, tuple[str, ...]] = {}
    for group, members in raw.items():
        where = f"{name}: group {group!r}: "
        if not isinstance(group, str) or group in ISO_COUNTRIES:
            raise ConfigError(f"{where}a group's name must be text that is not a country code")
        if not isinstance(members, list) or not members:
            raise ConfigError(f"{where}must be a non-empty list of country codes, got {members!r}")
        codes = [_code(m, where, {}) for m in members]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ConfigError(f"{where}lists {', '.join(twice)} more than once")
        groups[group] = tuple(codes)
    return groups


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key, "")
    if value is None or not isinstance(value, str):
        raise ConfigError(f"{where}{key!r} must be text, got {value!r}")
    return value


def load_geo_rules(path: str | Path) -> GeoRules:
    """Load and validate the geo rules file: each mistake is a ``ConfigError`` naming the file and the rule.

    Fails closed: two rules covering the same country on the same day are an error even when they agree (which
    one applies would depend on the order of the file), and so is an unknown key anywhere.
    """
    from postcurate.yamlfile import load_yaml

    path = Path(path)
    raw, data = load_yaml(path, "geo rules file")
    name = path.name
    if isinstance(raw, dict):
        _unknown_keys(raw, FILE_KEYS, f"{name}: ")  # first: a misspelt 'rules' is named as such
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ConfigError(f"{name}: expected a mapping with a 'rules' list")
    version = raw.get("version", "")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)):
        raise ConfigError(f"{name}: 'version' must be text, got {version!r}")
    groups = _groups(raw.get("groups"), name)
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{name}: 'defaults' must be a mapping (min_age: 18)")
    _unknown_keys(defaults, ("min_age",), f"{name}: defaults: ")
    default_age = _min_age(defaults.get("min_age", 18), f"{name}: defaults: ")

    rules: list[GeoRule] = []
    covered: dict[str, list[tuple[dt.date, dt.date | None, str]]] = {}  # country -> its periods, with their rule
    for i, entry in enumerate(raw["rules"], start=1):
        where = f"{name}: rule {i}: "
        if not isinstance(entry, dict) or "countries" not in entry or "from" not in entry:
            raise ConfigError(f"{where}needs 'countries' (a list of country codes or groups) and 'from' (a date)")
        _unknown_keys(entry, RULE_KEYS, where)
        countries = entry["countries"]
        if not isinstance(countries, list) or not countries:
            raise ConfigError(f"{where}'countries' must be a non-empty list (e.g. [GB] or [EEA]), got {countries!r}")
        start = _date(entry["from"], f"{where}'from'")
        label = f"rule {i} ({', '.join(map(str, countries))} from {start})"
        where = f"{name}: {label}: "
        end = _date(entry["until"], f"{where}'until'") if entry.get("until") is not None else None
        if end is not None and end <= start:
            raise ConfigError(f"{where}ends ({end}) on or before it starts ({start})")
        age = _min_age(entry.get("min_age", default_age), where)
        texts = {key: _text(entry, key, where) for key in ("legal_basis", "source", "notes")}
        codes = [code for item in countries for code in (groups[item] if isinstance(item, str) and item in groups else (_code(item, where, groups),))]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ConfigError(f"{where}covers {', '.join(twice)} more than once (directly or through a group)")
        for code in codes:
            for other_start, other_end, other in covered.get(code, []):
                if start < (other_end or dt.date.max) and other_start < (end or dt.date.max):
                    raise ConfigError(
                        f"{name}: {other} and {label} overlap for {code} "
                        f"({other_start}..{other_end or 'open'} and {start}..{end or 'open'}); "
                        "end one with 'until' before the other starts"
                    )
            covered.setdefault(code, []).append((start, end, label))
            rules.append(GeoRule(code, start, end, age, **texts))
    return GeoRules(tuple(rules), str(version), hashlib.sha256(data).hexdigest())
