"""The job's configuration: one YAML file, validated on load.

Every key the file may hold is declared once, on the dataclass of its section: a field made with
``setting(default, check)`` is a key (the field's name), its default, and the check its value must pass; a field made
with ``section(Cls)`` is a nested section. ``load_config`` walks the file against these declarations, so an unknown
key at any level, a section that is not a mapping, text where a list belongs, a number out of range or an unknown
choice is one ``ConfigError`` naming the file and the dotted key (with a "did you mean" when a known key is close).
Adding a key is one line on its section, e.g. in ``OutputSettings``::

    max_shrink: float = setting(0.2, number(0, 1))

and a new section is a dataclass of such lines plus one ``section(...)`` line on ``Config``.

Relative paths in the file are resolved against the folder that holds the file, so a config means the same
thing whatever the working directory of the process that reads it (a scheduler's, a test's, spark-submit's).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from postcurate.errors import ConfigError

GRANULARITIES = ("day", "week", "month")
NEVER_ALLOWED_POST_TYPES = frozenset({"message", "story"})

# A check turns a value from the file into the value kept, or raises Invalid saying what the value must be.
# ``base`` is the config file's folder (for relative paths).
Check = Callable[[Any, Path], Any]


class Invalid(ValueError):
    """What a value must be (the loader adds the file and the key)."""


def setting(default: Any, check: Check) -> Any:
    """A key of a section: its default (``MISSING``: required; ``None``: optional, unset) and its check. Defaults pass
    the check too."""
    if default.__class__.__hash__ is None:  # a mapping: each instance gets its own
        return field(default_factory=lambda: default, metadata={"check": check})
    return field(default=default, metadata={"check": check})


def section(cls: type, *, required: bool = False) -> Any:
    """A nested section, described by its own dataclass."""
    if required:
        return field(metadata={"section": cls})
    return field(default_factory=cls, metadata={"section": cls})


# --- checks ------------------------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    kind = {str: "the text", list: "a list", dict: "a mapping", bool: "the yes/no value"}.get(type(value))
    return f"{kind} {value!r}" if kind else repr(value)


def number(low: float, high: float) -> Check:
    def check(value, base):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise Invalid(f"must be a number between {low} and {high}, got {_shown(value)}")
        return value

    return check


def whole(low: int, high: int) -> Check:
    def check(value, base):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"must be a whole number between {low} and {high}, got {_shown(value)}")
        return value

    return check


def one_of(*choices: str) -> Check:
    def check(value, base):
        if value not in choices:
            raise Invalid(f"must be one of {', '.join(choices)}, got {_shown(value)}{_did_you_mean(value, choices)}")
        return value

    return check


def flag(value, base) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, got {_shown(value)}")
    return value


def text(value, base) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be text, got {_shown(value)} (quote it)")
    return value


def _resolve(base: Path, value: str) -> str:
    # URIs (s3a://, abfss://, file:/, hdfs://) are used as given.
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return value
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (base / p).resolve())


def location(value, base) -> str:
    """A folder or a table: a path (relative to the config's folder) or a URI."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"must be a path or a URI, got {_shown(value)}")
    return _resolve(base, value)


def existing_file(value, base) -> Path:
    path = Path(location(value, base))
    if not path.is_file():
        raise Invalid(f"names a file that does not exist: {path}")
    return path


def env_name(value, base) -> str:
    # Upper case only: a pasted key (hex or base64) is refused, and the value is never echoed (it may be the key).
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", value):
        raise Invalid(
            "must be an environment variable name (upper case letters, digits and _, e.g. POSTCURATE_HMAC_KEY), "
            "not the key itself; the value is not shown"
        )
    return value


def names_in(known: Callable[[], tuple[str, ...]], example: str) -> Check:
    """A list of names, each one of ``known()``; a bare name (text, not a list) is refused."""

    def check(value, base):
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"must be a list (e.g. {example}), got {_shown(value)}")
        if not value:
            raise Invalid(f"must name at least one of {', '.join(known())}")
        choices = known()
        bad = [v for v in value if v not in choices]
        if bad:
            hint = _did_you_mean(bad[0], choices) if len(bad) == 1 else ""
            raise Invalid(f"has unknown type(s) {', '.join(map(str, bad))} (known: {', '.join(choices)}){hint}")
        return tuple(dict.fromkeys(value))

    return check


def _post_types() -> tuple[str, ...]:
    from postcurate.schemas import load as load_schema

    return load_schema("posts").enum("post_type")


def post_types(value, base) -> tuple[str, ...]:
    types = names_in(_post_types, "[post, comment]")(value, base)
    # message and story are never training data, whatever the config says (contract rule 4).
    allowed = tuple(t for t in types if t not in NEVER_ALLOWED_POST_TYPES)
    if not allowed:
        usable = [t for t in _post_types() if t not in NEVER_ALLOWED_POST_TYPES]
        raise Invalid(f"names only types that are never training data ({', '.join(types)}); name at least one of {', '.join(usable)}")
    return allowed


_MASTER = re.compile(r"local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?|local-cluster\[[0-9]+,[0-9]+,[0-9]+\]|yarn|(spark|k8s)://\S+")


def spark_master(value, base) -> str:
    if not isinstance(value, str) or not _MASTER.fullmatch(value):
        raise Invalid(f"must be a Spark master URL (local[2], local[*], spark://host:7077, yarn, k8s://https://host:443), got {_shown(value)}")
    return value


def jar_files(value, base) -> str:
    """Comma-separated jar files (relative to the config's folder) or URIs; local files must exist."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"must be comma-separated jar paths, got {_shown(value)}")
    jars = [_resolve(base, part.strip()) for part in value.split(",") if part.strip()]
    missing = [j for j in jars if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", j) and not Path(j).is_file()]
    if missing:
        raise Invalid(f"names a jar that does not exist: {missing[0]}")
    return ",".join(jars)


# Spark settings that have their own key in the spark section: set there, they are checked and combined correctly.
_OWN_SPARK_KEYS = {"spark.master": "spark.master", "spark.jars": "spark.jars"}


def spark_settings(value, base) -> Mapping[str, Any]:
    """Spark's own settings, passed to the session as given. Spark's key space is open (and grows with every release),
    so unknown ``spark.*`` keys cannot be checked here; a key without the ``spark.`` prefix is never read by Spark
    (Hadoop's go in as ``spark.hadoop.*``), so it is refused as a mistake."""
    if not isinstance(value, Mapping):
        raise Invalid(f"must be a mapping of Spark settings (spark.sql.shuffle.partitions: 8), got {_shown(value)}")
    for key, setting_value in value.items():
        if not isinstance(key, str) or not key.startswith("spark."):
            hint = f" (did you mean 'spark.{key}'?)" if isinstance(key, str) and not key.startswith("spark") else ""
            raise Invalid(f"has the key {key!r}, which Spark would ignore: Spark's settings start with 'spark.' (Hadoop's with 'spark.hadoop.'){hint}")
        if key in _OWN_SPARK_KEYS:
            raise Invalid(f"sets {key}: use the key '{_OWN_SPARK_KEYS[key]}' of the spark section instead")
        # The value is not echoed: spark.conf may hold credentials (spark.hadoop.fs.s3a.secret.key).
        if isinstance(setting_value, (dict, list)) or setting_value is None or setting_value == "":
            raise Invalid(f"key {key!r} must have one value (text, a number or true/false)")
    return MappingProxyType(dict(value))


# --- the sections ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    posts: str = setting(MISSING, location)
    users: str = setting(MISSING, location)
    objections: str = setting(MISSING, location)


@dataclass(frozen=True)
class Pseudonyms:
    key_env: str = setting(MISSING, env_name)


@dataclass(frozen=True)
class RuleSettings:
    max_text_length: int = setting(20_000, whole(1, 10_000_000))
    min_text_length: int = setting(20, whole(0, 100_000))
    allowed_post_types: tuple[str, ...] = setting(("post", "comment", "photo_caption"), post_types)
    objections_max_staleness_hours: float = setting(24.0, number(0, 24 * 365))


@dataclass(frozen=True)
class OutputSettings:
    shard_target_mb: float = setting(128.0, number(0.001, 100_000))
    validation_fraction: float = setting(0.05, number(0, 0.5))
    timestamp_granularity: str = setting("day", one_of(*GRANULARITIES))
    # The gate fails when kept rows fall by more than this share against the previous snapshot (--allow-shrink).
    max_shrink: float = setting(0.5, number(0, 1))


@dataclass(frozen=True)
class ShingleSettings:
    """What Jaccard similarity is measured on: runs of ``size`` characters or words of the normalised text."""

    unit: str = setting("characters", one_of("characters", "words"))
    size: int = setting(5, whole(1, 32))


@dataclass(frozen=True)
class DedupSettings:
    """Rule 10 (docs/dedup.md, with the measured S-curve behind the defaults). Two redacted texts are
    near-duplicates when the Jaccard similarity of their shingle sets is at least ``threshold``; candidates come
    from MinHash with ``bands`` bands of ``rows`` values (``seed`` draws the hash functions) and each is checked
    by its exact similarity. A band bucket of more than ``max_bucket`` texts is compared with its earliest text
    only; clusters must settle within ``max_iterations`` rounds."""

    enabled: bool = setting(True, flag)
    threshold: float = setting(0.8, number(0.5, 1))
    shingle: ShingleSettings = section(ShingleSettings)
    bands: int = setting(16, whole(1, 512))
    rows: int = setting(8, whole(1, 64))
    seed: int = setting(20260101, whole(0, 2**63 - 1))
    max_bucket: int = setting(50, whole(2, 100_000))
    max_iterations: int = setting(40, whole(1, 1000))


@dataclass(frozen=True)
class IncrementalSettings:
    """Runs that start from the last published snapshot and the input tables' change feeds (docs/incremental.md).
    Not part of a snapshot's identity: an incremental build publishes what a full build would."""

    enabled: bool = setting(True, flag)
    # Above this share of the base snapshot's posts decided again, the run builds in full (docs/incremental.md).
    max_changed_fraction: float = setting(0.25, number(0, 1))


@dataclass(frozen=True)
class PurgeSettings:
    """How long files replaced by a purge stay for readers of the previous revision."""

    retention_hours: float = setting(168.0, number(0, 24 * 366))


@dataclass(frozen=True)
class SparkSettings:
    """The SparkSession (``postcurate.session.build_spark_from_config``). No master: spark-submit's, or Spark's default."""

    master: str | None = setting(None, spark_master)
    conf: Mapping[str, Any] = setting(MappingProxyType({}), spark_settings)
    jars: str | None = setting(None, jar_files)
    delta_from_submit: bool = setting(False, flag)


@dataclass(frozen=True)
class Config:
    path: Path  # the file itself (not a key)
    inputs: Inputs = section(Inputs, required=True)
    output_root: str = setting(MISSING, location)
    geo_rules: Path = setting(MISSING, existing_file)
    pseudonyms: Pseudonyms = section(Pseudonyms, required=True)
    environment: str = setting("", text)  # "": the file's name without .yaml
    detectors: Path = setting("detectors.yaml", existing_file)
    rules: RuleSettings = section(RuleSettings)
    output: OutputSettings = section(OutputSettings)
    dedup: DedupSettings = section(DedupSettings)
    incremental: IncrementalSettings = section(IncrementalSettings)
    spark: SparkSettings = section(SparkSettings)
    purge: PurgeSettings = section(PurgeSettings)

    @property
    def key_env(self) -> str:
        return self.pseudonyms.key_env

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


# --- loading -----------------------------------------------------------------------------------------------------


def _keys(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls) if f.metadata}


def _dotted(where: str, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)


def _all_keys(cls: type = Config, where: str = "") -> dict[str, str]:
    """Every key's dotted name, by its own name (``{"key_env": "pseudonyms.key_env", ...}``)."""
    found: dict[str, str] = {}
    for name, f in _keys(cls).items():
        dotted = _dotted(where, name)
        found.setdefault(name, dotted)
        if "section" in f.metadata:
            for inner, inner_dotted in _all_keys(f.metadata["section"], dotted).items():
                found.setdefault(inner, inner_dotted)
                found.setdefault(inner_dotted, inner_dotted)
    return found


def _did_you_mean(value: Any, choices, prefix: str = "") -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
    return f" (did you mean '{prefix}{close[0]}'?)" if close else ""


def _unknown(where: str, key: Any, known: list[str]) -> str:
    dotted = _dotted(where, key)
    everywhere = _all_keys()
    if isinstance(key, str) and key in everywhere:
        meant = everywhere[key]
        if "." in key:  # written flat ("rules.max_text_length: 5") instead of nested
            head, _, tail = meant.rpartition(".")
            return f"unknown key {dotted!r} (write it nested: {tail!r} under {head!r})"
        return f"unknown key {dotted!r} (did you mean {meant!r}?)"
    hint = _did_you_mean(key, known, f"{where}." if where else "")
    if hint:
        return f"unknown key {dotted!r}{hint}"
    return f"unknown key {dotted!r} (the keys of {where!r} are {', '.join(known)})" if where else f"unknown key {dotted!r} (known keys: {', '.join(known)})"


def _parse(cls: type, raw: Any, where: str, base: Path, **extra) -> Any:
    """An instance of ``cls`` from the mapping ``raw`` (the section at ``where``), or Invalid/ConfigError text."""
    if raw is None:
        raw = {}  # an empty section (every line commented out) takes the defaults
    if not isinstance(raw, dict):
        raise ConfigError(f"{where!r} must be a mapping of settings (key: value), got {_shown(raw)}")
    keys = _keys(cls)
    for key in raw:
        if key not in keys:
            raise ConfigError(_unknown(where, key, list(keys)))
    values = dict(extra)
    for name, f in keys.items():
        dotted = _dotted(where, name)
        inner = f.metadata.get("section")
        required = f.default is MISSING and f.default_factory is MISSING
        if name not in raw and required:
            raise ConfigError(f"missing required key {dotted!r}")
        if inner is not None:
            values[name] = _parse(inner, raw.get(name), dotted, base)
            continue
        if name in raw:
            value = raw[name]
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ConfigError(f"{dotted!r} has no value: give one, or remove the key to use the default")
        elif f.default is None:
            values[name] = None  # optional, and not set
            continue
        else:
            value = f.default_factory() if f.default_factory is not MISSING else f.default
        try:
            values[name] = f.metadata["check"](value, base)
        except Invalid as exc:
            raise ConfigError(f"{dotted!r} {exc}") from None
    return cls(**values)


def _check_consistency(config: Config) -> None:
    # min_text_length above max_text_length is allowed: it excludes every post (fail closed, and a way to publish an
    # empty snapshot on purpose); the publishing guards, not the config, judge a snapshot that shrank.
    if config.dedup.bands * config.dedup.rows > 4096:
        raise ConfigError(f"'dedup.bands' x 'dedup.rows' must be at most 4096 hash values, got {config.dedup.bands * config.dedup.rows}")
    tables = {name: getattr(config.inputs, name) for name in ("posts", "users", "objections")}
    seen: dict[str, str] = {}
    for name, where in tables.items():
        if where in seen:
            raise ConfigError(f"'inputs.{name}' and 'inputs.{seen[where]}' name the same table ({where})")
        seen[where] = name
    root = config.output_root.rstrip("/")
    for name, where in tables.items():
        if root == where.rstrip("/") or root.startswith(where.rstrip("/") + "/"):
            raise ConfigError(f"'output_root' ({config.output_root}) is inside the input table 'inputs.{name}': publish somewhere else")


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate a config file. Every mistake ends in one ConfigError naming the file and the key to fix.

    >>> load_config("conf/local.yaml").rules.objections_max_staleness_hours
    24
    """
    from postcurate.yamlfile import load_yaml

    path = Path(path)
    raw, _ = load_yaml(path, "config file")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    try:
        config = _parse(Config, raw, "", path.resolve().parent, path=path.resolve())
        _check_consistency(config)
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None
    if not config.environment:
        config = dataclasses.replace(config, environment=path.stem)
    return config
