"""Expectation suites as data: JSON files in the project's ``expectations/`` folder, one suite per derived frame.

Each file is a Great Expectations suite (``name``, ``expectations``, ``meta``) whose ``meta.postcurate`` says which
frame it checks (``frame``) and what it needs (``scope``: ``snapshot`` = the snapshot's own files are enough,
``inputs`` = also the run's pinned inputs and key, ``publish`` = the run's decision to publish, against the snapshots
already published: checked by the run only, never by ``postcurate validate``, since what was published since changes
the answer).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from postcurate.errors import ConfigError

SCOPES = ("snapshot", "inputs", "publish")

def expectations_dir():
    """The ``expectations/`` folder: the checkout's, or the copy inside the installed package (also in a zip)."""
    from postcurate.resources import data_dir

    return data_dir("expectations")


@dataclass(frozen=True)
class SuiteFile:
    """One suite as read from disk, before Great Expectations sees it."""

    path: Path
    name: str
    frame: str
    scope: str
    raw: dict

    @property
    def expectation_types(self) -> list[str]:
        return [e["type"] for e in self.raw["expectations"]]

    @property
    def parameters(self) -> set[str]:
        """Names of the ``{"$PARAMETER": ...}`` values the suite needs at run time."""
        return set(re.findall(r'"\$PARAMETER":\s*"([^"]+)"', json.dumps(self.raw)))


def load_suite_files(directory: str | Path | None = None) -> list[SuiteFile]:
    """Every ``*.json`` suite in ``directory`` (default: the project's ``expectations/``), sorted by file name."""
    directory = Path(directory) if directory else expectations_dir()
    suites = []
    for path in sorted((p for p in directory.iterdir() if p.name.endswith(".json")), key=lambda p: p.name):
        try:
            raw = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ConfigError(f"expectation suite {path.name} is not valid JSON: {exc}") from None
        meta = (raw.get("meta") or {}).get("postcurate") or {}
        if not raw.get("name") or not isinstance(raw.get("expectations"), list) or not raw["expectations"]:
            raise ConfigError(f"expectation suite {path.name} needs a 'name' and a non-empty 'expectations' list")
        if not meta.get("frame"):
            raise ConfigError(f"expectation suite {path.name} needs meta.postcurate.frame (the derived frame it checks)")
        scope = meta.get("scope", "snapshot")
        if scope not in SCOPES:
            raise ConfigError(f"expectation suite {path.name}: meta.postcurate.scope must be one of {', '.join(SCOPES)}, got {scope!r}")
        suites.append(SuiteFile(path, raw["name"], meta["frame"], scope, raw))
    if not suites:
        raise ConfigError(f"no expectation suites (*.json) in {directory}")
    names = [s.name for s in suites]
    if len(set(names)) != len(names):
        raise ConfigError(f"expectation suites in {directory} have duplicate names: {sorted(names)}")
    return suites
