"""Geo rules: which account jurisdictions may be trained on, from when, and from what age.

Loaded from YAML, validated strictly (unknown country, bad date, overlapping periods are errors), and turned into
a small literal map for the rules stage, so the check costs one map lookup per row in the JVM.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
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


def _date(value, where: str, path: Path) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{path.name}: {where} is not a date (YYYY-MM-DD): {value!r}") from None


def load_geo_rules(path: str | Path) -> GeoRules:
    """Load and validate the geo rules file."""
    path = Path(path)
    try:
        data = path.read_bytes()
        raw = yaml.safe_load(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read geo rules {path}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ConfigError(f"{path.name}: expected a mapping with a 'rules' list")
    groups = raw.get("groups") or {}
    default_age = (raw.get("defaults") or {}).get("min_age", 18)
    rules: list[GeoRule] = []
    for i, entry in enumerate(raw["rules"], start=1):
        where = f"rule {i}"
        if not isinstance(entry, dict) or "countries" not in entry or "from" not in entry:
            raise ConfigError(f"{path.name}: {where} needs 'countries' and 'from'")
        start = _date(entry["from"], f"{where} 'from'", path)
        end = _date(entry["until"], f"{where} 'until'", path) if entry.get("until") else None
        if end is not None and end <= start:
            raise ConfigError(f"{path.name}: {where} ends ({end}) on or before it starts ({start})")
        age = entry.get("min_age", default_age)
        if isinstance(age, bool) or not isinstance(age, int) or age < 13:
            # Nothing here may go below 13; the contract's defaults are 18 everywhere.
            raise ConfigError(f"{path.name}: {where} min_age must be a whole number of at least 13, got {age!r}")
        for name in entry["countries"]:
            for code in groups.get(name, [name]):
                if isinstance(code, bool):
                    raise ConfigError(f"{path.name}: {where} has a bare yes/no value among its countries; quote country codes such as \"NO\"")
                code = str(code)
                if code not in ISO_COUNTRIES:
                    raise ConfigError(f"{path.name}: {where} names unknown country code {code!r} (use ISO 3166-1 alpha-2, upper case)")
                rules.append(
                    GeoRule(code, start, end, age, str(entry.get("legal_basis", "")), str(entry.get("source", "")), str(entry.get("notes", "")))
                )
    by_country: dict[str, list[GeoRule]] = {}
    for rule in rules:
        by_country.setdefault(rule.country, []).append(rule)
    for code, periods in by_country.items():
        periods.sort(key=lambda r: r.start)
        for before, after in zip(periods, periods[1:]):
            if before.end is None or before.end > after.start:
                raise ConfigError(f"{path.name}: rules for {code} overlap ({before.start}..{before.end or 'open'} and {after.start}..)")
    return GeoRules(tuple(rules), str(raw.get("version", "")), hashlib.sha256(data).hexdigest())
