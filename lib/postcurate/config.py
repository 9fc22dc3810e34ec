"""The job's configuration: one YAML file, validated on load.

Relative paths in the file are resolved against the folder that holds the file, so a config means the same
thing whatever the working directory of the process that reads it (a scheduler's, a test's, spark-submit's).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from postcurate.dedup.settings import DedupSettings, dedup_settings
from postcurate.errors import ConfigError

GRANULARITIES = ("day", "week", "month")
NEVER_ALLOWED_POST_TYPES = frozenset({"message", "story"})


@dataclass(frozen=True)
class Inputs:
    posts: str
    users: str
    objections: str


@dataclass(frozen=True)
class RuleSettings:
    max_text_length: int = 20_000
    min_text_length: int = 20
    allowed_post_types: tuple[str, ...] = ("post", "comment", "photo_caption")
    objections_max_staleness_hours: float = 24.0


@dataclass(frozen=True)
class OutputSettings:
    shard_target_mb: float = 128.0
    validation_fraction: float = 0.05
    timestamp_granularity: str = "day"


@dataclass(frozen=True)
class Config:
    path: Path
    environment: str
    inputs: Inputs
    output_root: str
    geo_rules: Path
    detectors: Path
    key_env: str
    rules: RuleSettings = field(default_factory=RuleSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    spark: dict[str, Any] = field(default_factory=dict)
    purge: dict[str, Any] = field(default_factory=dict)  # validated by postcurate.purge.purge_settings

    def key(self) -> bytes:
        """The pseudonymisation key, read from the environment variable the config names."""
        from postcurate.errors import SecretError

        value = os.environ.get(self.key_env)
        if not value:
            raise SecretError(
                f"the pseudonymisation key is missing: set the environment variable {self.key_env} "
                f"(named by pseudonyms.key_env in {self.path.name}) to a secret of at least 32 characters"
            )
        from postcurate.pseudonyms import MIN_KEY_CHARACTERS, weak_key_reason

        if len(value) < MIN_KEY_CHARACTERS:
            raise SecretError(f"the pseudonymisation key in {self.key_env} is too short: use at least {MIN_KEY_CHARACTERS} characters")
        weakness = weak_key_reason(value)
        if weakness:
            raise SecretError(
                f"the pseudonymisation key in {self.key_env} is too weak ({weakness}); make one with `openssl rand -hex 32`"
            )
        return value.encode("utf-8")


def _resolve(base: Path, value: str) -> str:
    # URIs (s3a://, abfss://, file:/, hdfs://) are used as given.
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return value
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (base / p).resolve())


def _require(section: dict, key: str, where: str, path: Path) -> Any:
    if not isinstance(section, dict) or key not in section or section[key] in (None, ""):
        raise ConfigError(f"{path.name}: missing required key '{where}{key}'")
    return section[key]


def _number(section: dict, key: str, default: float, where: str, path: Path, *, low: float, high: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (low <= value <= high):
        raise ConfigError(f"{path.name}: '{where}{key}' must be a number between {low} and {high}, got {value!r}")
    return value


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate a config file. Every mistake ends in one ConfigError naming the key to fix."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    known = {"environment", "inputs", "output_root", "geo_rules", "detectors", "pseudonyms", "rules", "output", "dedup", "spark", "purge"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{path.name}: unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(known))}")
    base = path.resolve().parent

    inputs_raw = _require(raw, "inputs", "", path)
    inputs = Inputs(**{t: _resolve(base, str(_require(inputs_raw, t, "inputs.", path))) for t in ("posts", "users", "objections")})

    geo_rules = Path(_resolve(base, str(_require(raw, "geo_rules", "", path))))
    if not geo_rules.is_file():
        raise ConfigError(f"{path.name}: geo_rules file not found: {geo_rules}")
    detectors = Path(_resolve(base, str(raw.get("detectors", "detectors.yaml"))))
    if not detectors.is_file():
        raise ConfigError(f"{path.name}: detectors file not found: {detectors}")

    pseudonyms = raw.get("pseudonyms") or {}
    key_env = str(_require(pseudonyms, "key_env", "pseudonyms.", path))
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key_env):
        raise ConfigError(f"{path.name}: pseudonyms.key_env must be an environment variable name, got {key_env!r}")

    rules_raw = raw.get("rules") or {}
    allowed = tuple(rules_raw.get("allowed_post_types", RuleSettings.allowed_post_types))
    from postcurate.schemas import load as load_schema

    known_types = set(load_schema("posts").enum("post_type"))
    bad = sorted(set(allowed) - known_types)
    if bad:
        raise ConfigError(f"{path.name}: rules.allowed_post_types has unknown type(s) {', '.join(bad)}")
    rules = RuleSettings(
        max_text_length=int(_number(rules_raw, "max_text_length", RuleSettings.max_text_length, "rules.", path, low=1, high=10_000_000)),
        min_text_length=int(_number(rules_raw, "min_text_length", RuleSettings.min_text_length, "rules.", path, low=0, high=100_000)),
        # message and story are never training data, whatever the config says (contract rule 4).
        allowed_post_types=tuple(t for t in allowed if t not in NEVER_ALLOWED_POST_TYPES),
        objections_max_staleness_hours=_number(
            rules_raw, "objections_max_staleness_hours", RuleSettings.objections_max_staleness_hours, "rules.", path, low=0, high=24 * 365
        ),
    )

    out_raw = raw.get("output") or {}
    granularity = out_raw.get("timestamp_granularity", OutputSettings.timestamp_granularity)
    if granularity not in GRANULARITIES:
        raise ConfigError(f"{path.name}: output.timestamp_granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")
    output = OutputSettings(
        shard_target_mb=_number(out_raw, "shard_target_mb", OutputSettings.shard_target_mb, "output.", path, low=0.001, high=100_000),
        validation_fraction=_number(out_raw, "validation_fraction", OutputSettings.validation_fraction, "output.", path, low=0, high=0.5),
        timestamp_granularity=granularity,
    )

    spark = raw.get("spark") or {}
    if not isinstance(spark, dict):
        raise ConfigError(f"{path.name}: 'spark' must be a mapping")
    return Config(
        path=path.resolve(),
        environment=str(raw.get("environment", path.stem)),
        inputs=inputs,
        output_root=_resolve(base, str(_require(raw, "output_root", "", path))),
        geo_rules=geo_rules,
        detectors=detectors,
        key_env=key_env,
        rules=rules,
        output=output,
        dedup=dedup_settings(raw.get("dedup"), path),
        spark=spark,
        purge=raw.get("purge") or {},
    )
