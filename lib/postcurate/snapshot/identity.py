"""A run's identity: everything that decides what a snapshot holds, and so its id.

Two runs with equal identities build the same rows, so they get the same snapshot id and the second publishes
nothing new. The identity is computed once per run (``RunIdentity.of_run``: the detectors file is read and hashed
once, by ``load_detectors``) and is recorded in the manifest in the fields it always had (``as_of``, ``inputs``,
``geo_rules.sha256``, ``detectors_sha256``, ``settings``, ``code_version``, ``key_fingerprint``); the purge and
later runs read it back with ``RunIdentity.from_manifest``.

An identity has two parts: the *build* (rules, geo rules, detectors, output settings, code version, key, which
tables) and the *position* (the cut-off and the tables' versions). ``same_build_as`` compares the first: a run
whose build matches a published snapshot's differs from it only in time, so it may start from that snapshot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postcurate.config import Config
    from postcurate.snapshot.manifest import Manifest

# The shrink limit decides whether a snapshot may be published, not what it holds: changing it makes no new id.
NOT_IN_IDENTITY = ("max_shrink",)


def _plain(value: Any) -> Any:
    """``value`` as JSON would give it back (tuples become lists), so identities compare as their JSON does."""
    return json.loads(json.dumps(value))


@dataclass(frozen=True)
class RunIdentity:
    """What a snapshot is built from. ``versions`` and ``paths``: the Delta tables, by name (posts, users, objections)."""

    as_of: dt.datetime
    versions: dict[str, int]
    paths: dict[str, str]
    geo_rules_sha256: str
    detectors_sha256: str
    rules: dict[str, Any]
    output: dict[str, Any]
    code_version: str
    key_fingerprint: str
    extra: dict[str, Any] = field(default_factory=dict)  # later parts of the build (e.g. dedup settings), by name

    @classmethod
    def of_run(cls, config: Config, *, as_of: dt.datetime, tables: dict, geo_sha256: str, detectors_sha256: str, key_fingerprint: str) -> RunIdentity:
        """The identity of a run of ``config`` at ``as_of`` over the pinned ``tables`` (``lake.PinnedTable`` by name)."""
        import postcurate

        return cls(
            as_of=as_of,
            versions={n: t.version for n, t in tables.items()},
            paths={n: t.path for n, t in tables.items()},
            geo_rules_sha256=geo_sha256,
            detectors_sha256=detectors_sha256,
            rules=_plain(config.rules.__dict__),
            output=_plain({k: v for k, v in config.output.__dict__.items() if k not in NOT_IN_IDENTITY}),
            code_version=postcurate.__version__,
            key_fingerprint=key_fingerprint,
            extra={"dedup": _plain(dataclasses.asdict(config.dedup))},
        )

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> RunIdentity:
        """The identity a snapshot was built with, read back from its manifest."""
        from postcurate.snapshot.manifest import ManifestError

        settings = manifest.settings or {}
        try:
            as_of = dt.datetime.fromisoformat(str(manifest.as_of))
        except ValueError:
            raise ManifestError(f"manifest of {manifest.snapshot_id}: 'as_of' is not a timestamp ({manifest.as_of!r}); the snapshot is damaged") from None
        inputs = manifest.inputs or {}
        for name, table in inputs.items():
            version = table.get("delta_version") if isinstance(table, dict) else None
            if not (isinstance(version, int) and not isinstance(version, bool) and isinstance(table.get("path"), str)):
                # Fail closed: a run re-read or compared without its pinned version would be of other data.
                raise ManifestError(f"manifest of {manifest.snapshot_id}: input {name!r} has no path and Delta version; the snapshot is damaged")
        return cls(
            as_of=as_of,
            versions={n: t["delta_version"] for n, t in inputs.items()},
            paths={n: t["path"] for n, t in inputs.items()},
            geo_rules_sha256=(manifest.geo_rules or {}).get("sha256", ""),
            detectors_sha256=manifest.detectors_sha256 or "",
            rules=_plain(settings.get("rules") or {}),
            output=_plain({k: v for k, v in (settings.get("output") or {}).items() if k not in NOT_IN_IDENTITY}),
            code_version=manifest.code_version or "",
            key_fingerprint=manifest.key_fingerprint or "",
            # Rule 10's settings, in the identity since it exists (older snapshots' ids were made without them).
            extra={"dedup": _plain(settings["dedup"])} if "dedup" in settings else {},
        )

    def to_dict(self) -> dict[str, Any]:
        """The identity as hashed into the snapshot id (this exact form: changing it changes every id)."""
        return {
            "as_of": self.as_of.isoformat(),
            "inputs": dict(self.versions),
            "paths": dict(self.paths),
            "geo_rules_sha256": self.geo_rules_sha256,
            "detectors_sha256": self.detectors_sha256,
            "rules": self.rules,
            "output": self.output,
            "code_version": self.code_version,
            "key_fingerprint": self.key_fingerprint,
            **self.extra,
        }

    @property
    def snapshot_id(self) -> str:
        """``<cut-off>-<digest>``: same inputs, rules, code and key give the same id, so re-running publishes nothing new."""
        digest = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]
        return f"{self.as_of:%Y%m%dT%H%M%SZ}-{digest}"

    def build(self) -> dict[str, Any]:
        """The part that does not move with time: everything but the cut-off and the tables' versions."""
        return {k: v for k, v in self.to_dict().items() if k not in ("as_of", "inputs")}

    def same_build_as(self, other: RunIdentity) -> bool:
        """Whether ``other`` was built the same way (same rules, detectors, geo rules, output, code, key and tables),
        whatever its cut-off and input versions."""
        return self.build() == other.build()
