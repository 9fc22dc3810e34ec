"""The ``dedup:`` section of the config: whether duplicates leave the shards, and how near-duplicates are found."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from postcurate.errors import ConfigError

SHINGLE_UNITS = ("characters", "words")


@dataclass(frozen=True)
class DedupSettings:
    """Rule 10's settings (docs/dedup.md has the measured S-curve behind the defaults).

    Two redacted texts are near-duplicates when the Jaccard similarity of their shingle sets (runs of
    ``shingle_size`` characters or words of the normalised text) is at least ``threshold``. Candidates come from
    MinHash with ``bands`` bands of ``rows`` values (``seed`` draws the hash functions); every candidate pair is
    checked by its exact Jaccard similarity. A band bucket of more than ``max_bucket`` texts is compared with its
    earliest text only; connected components must settle within ``max_iterations`` rounds or the run stops.
    """

    enabled: bool = True
    threshold: float = 0.8
    shingle_unit: str = "characters"
    shingle_size: int = 5
    bands: int = 16
    rows: int = 8
    seed: int = 20260101
    max_bucket: int = 50
    max_iterations: int = 40

    def __post_init__(self) -> None:
        if self.shingle_unit not in SHINGLE_UNITS:
            raise ValueError(f"shingle_unit must be one of {SHINGLE_UNITS}, got {self.shingle_unit!r}")
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold!r}")
        if self.bands * self.rows > 4096 or min(self.bands, self.rows, self.shingle_size, self.max_bucket, self.max_iterations) < 1:
            raise ValueError("bands, rows, shingle_size, max_bucket and max_iterations must be positive (bands x rows at most 4096)")

    def to_dict(self) -> dict[str, Any]:
        """As recorded in the snapshot identity and the manifest."""
        return asdict(self)


def _integer(raw: dict, key: str, default: int, name: str, *, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name}: 'dedup.{key}' must be a whole number between {low} and {high}, got {value!r}")
    return value


def dedup_settings(raw: Any, source: Path | str) -> DedupSettings:
    """Validate the ``dedup:`` mapping of a config file (missing keys take the defaults).

    >>> dedup_settings({"threshold": 0.85, "shingle": {"unit": "words", "size": 3}}, "local.yaml").shingle_unit
    'words'
    """
    name = Path(source).name
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: 'dedup' must be a mapping")
    known = {"enabled", "threshold", "shingle", "bands", "rows", "seed", "max_bucket", "max_iterations"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{name}: unknown key(s) dedup.{', dedup.'.join(unknown)}; known: dedup.{', dedup.'.join(sorted(known))}")
    d = DedupSettings()
    enabled = raw.get("enabled", d.enabled)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{name}: 'dedup.enabled' must be true or false, got {enabled!r}")
    threshold = raw.get("threshold", d.threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.5 <= threshold <= 1:
        raise ConfigError(f"{name}: 'dedup.threshold' must be a number between 0.5 and 1, got {threshold!r}")
    shingle = raw.get("shingle", {}) or {}
    if not isinstance(shingle, dict) or set(shingle) - {"unit", "size"}:
        raise ConfigError(f"{name}: 'dedup.shingle' must be a mapping with 'unit' ({' or '.join(SHINGLE_UNITS)}) and 'size'")
    unit = shingle.get("unit", d.shingle_unit)
    if unit not in SHINGLE_UNITS:
        raise ConfigError(f"{name}: 'dedup.shingle.unit' must be one of {', '.join(SHINGLE_UNITS)}, got {unit!r}")
    size = shingle.get("size", d.shingle_size)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 32:
        raise ConfigError(f"{name}: 'dedup.shingle.size' must be a whole number between 1 and 32, got {size!r}")
    bands = _integer(raw, "bands", d.bands, name, low=1, high=512)
    rows = _integer(raw, "rows", d.rows, name, low=1, high=64)
    if bands * rows > 4096:
        raise ConfigError(f"{name}: 'dedup.bands' x 'dedup.rows' must be at most 4096 hash values, got {bands * rows}")
    return DedupSettings(
        enabled=enabled,
        threshold=float(threshold),
        shingle_unit=unit,
        shingle_size=size,
        bands=bands,
        rows=rows,
        seed=_integer(raw, "seed", d.seed, name, low=0, high=2**63 - 1),
        max_bucket=_integer(raw, "max_bucket", d.max_bucket, name, low=2, high=100_000),
        max_iterations=_integer(raw, "max_iterations", d.max_iterations, name, low=1, high=1000),
    )
