"""PII redaction: find personal data in text and replace each span with a typed placeholder.

First cut: emails and phone numbers, as Spark SQL regular expressions. The detectors file (conf/detectors.yaml)
says which types are on and their placeholders; the full engine (checksums, more types) plugs in behind the same
two functions: ``load_detectors`` and ``with_redacted_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from postcurate.errors import ConfigError

PLACEHOLDER_PATTERN = r"<[A-Z_]+>"

_BUILTIN = {
    "email": r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}",
    "phone": r"(?:\+|00)[1-9][0-9 ().-]{7,16}[0-9]|\(?0[0-9]{2,4}\)?[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}",
}


@dataclass(frozen=True)
class Detector:
    name: str
    placeholder: str
    pattern: str


@dataclass(frozen=True)
class Detectors:
    detectors: tuple[Detector, ...]

    @property
    def types(self) -> list[str]:
        return [d.name for d in self.detectors]


def load_detectors(path: str | Path) -> Detectors:
    """Read the detector settings (which types are on, their placeholders)."""
    raw = yaml.safe_load(Path(path).read_text()) or {}
    found = []
    for name, spec in (raw.get("detectors") or {}).items():
        spec = spec or {}
        if not spec.get("enabled", True):
            continue
        if name not in _BUILTIN:
            raise ConfigError(f"{Path(path).name}: unknown detector '{name}'; known: {', '.join(sorted(_BUILTIN))}")
        found.append(Detector(name, spec.get("placeholder", f"<{name.upper()}>"), _BUILTIN[name]))
    return Detectors(tuple(found))


def strip_placeholders(text: Column) -> Column:
    """The text with every placeholder removed: what is left to train on."""
    return F.trim(F.regexp_replace(text, PLACEHOLDER_PATTERN, ""))


def with_redacted_text(df: DataFrame, detectors: Detectors, text_col: str = "text") -> DataFrame:
    """Replace every detected PII span in ``text_col`` and add ``pii_counts`` (map of type -> redactions)."""
    text = F.coalesce(F.col(text_col), F.lit(""))
    counts = []
    for d in detectors.detectors:
        counts += [F.lit(d.name), F.size(F.regexp_extract_all(text, F.lit(f"({d.pattern})"), 1)).cast("int")]
        text = F.regexp_replace(text, d.pattern, d.placeholder)
    pii_counts = F.create_map(*counts) if counts else F.create_map().cast("map<string,int>")
    return df.withColumn("pii_counts", pii_counts).withColumn(text_col, text)
