"""The detectors' measured recall, as ``postcurate pii-eval LABELS --record FILE`` writes it (``eval/recall.json``).

One format, pii-eval's (``"format": 1``, docs/pii.md "Recorded measurements"); the fields read here::

    {"format": 1, "measured_at": "2026-12-01T14:00:00Z", "code_commit": "3f2a...", "code_dirty": false,
     "eval_set": {"path": "eval/pii_eval_v2.jsonl", "sha256": "...", "records": 5400},
     "detectors_sha256": "...",
     "recall": {"email": {"values": 400, "vanished": 398, "recall": 0.995, ...}, ...},
     "recall_by_class": {"ascii": {"values": ..., "vanished": ..., "recall": ...}, ...},
     "survival": {"date": {"values": 300, "survived": 297, "survival": 0.99, ...}, ...},
     "overall": {"recall": 0.987, ...}}

A measurement holds for one detector configuration: the run records it in the manifest only when its
``detectors_sha256`` is the run's, so the report and the card never show another configuration's figures as this
snapshot's. The reader is tolerant: a missing, unreadable or partial file, or a format it does not know, is "no
recall measured", never an error (a run must not fail over its report). Only names and numbers are kept from the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

FORMAT = 1  # what pii-eval --record writes (postcurate.commands.pii.measurement)
MEASURED = "measured"
OTHER_DETECTORS = "other_detectors"
NONE = "none"


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _share(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
        return None
    return float(value)


def _text(value: Any, limit: int = 200) -> str | None:
    return str(value)[:limit] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _table(raw: Any, hit: str, rate: str) -> dict[str, dict]:
    """``{name: {"values", hit, rate}}`` with only well-formed numbers; the rate is recomputed when it is missing."""
    out: dict[str, dict] = {}
    if not isinstance(raw, dict):
        return out
    for name, row in sorted(raw.items()):
        if not isinstance(row, dict) or not isinstance(name, str):
            continue
        values, hits = _count(row.get("values")), _count(row.get(hit))
        share = _share(row.get(rate))
        if share is None and values and hits is not None and hits <= values:
            share = hits / values
        if share is not None:
            out[name[:40]] = {"values": values, hit: hits, rate: round(share, 4)}
    return out


def parse(raw: Any) -> dict | None:
    """The measurement in ``raw`` (a decoded recall file), reduced to names and numbers; None when it holds no recall."""
    if not isinstance(raw, dict) or raw.get("format", FORMAT) != FORMAT:
        return None
    recall = _table(raw.get("recall"), "vanished", "recall")
    if not recall:
        return None
    eval_set = raw.get("eval_set")
    if not isinstance(eval_set, dict):
        eval_set = {}
    values = [r["values"] for r in recall.values()]
    vanished = [r["vanished"] for r in recall.values()]
    overall = _share((raw.get("overall") or {}).get("recall")) if isinstance(raw.get("overall"), dict) else None
    if overall is None and None not in values and None not in vanished and sum(values):
        overall = sum(vanished) / sum(values)
    commit = _text(raw.get("code_commit"), 64)
    if commit and raw.get("code_dirty") is True and not commit.endswith("-dirty"):
        commit += "-dirty"
    return {
        "measured_at": _text(raw.get("measured_at"), 40),
        "code_commit": commit,
        "eval_set": {
            "path": _text(eval_set.get("path")),
            "sha256": _text(eval_set.get("sha256"), 64),
            "records": _count(eval_set.get("records")),
        },
        "detectors_sha256": _text(raw.get("detectors_sha256"), 64),
        "recall": recall,
        "overall_recall": round(overall, 4) if overall is not None else None,
        "lowest": min(recall.items(), key=lambda kv: kv[1]["recall"])[0],
        "recall_by_class": _table(raw.get("recall_by_class"), "vanished", "recall"),
        "survival": _table(raw.get("survival"), "survived", "survival"),
    }


def read(path) -> dict | None:
    """The measurement in the file at ``path``; None when there is none or it cannot be read."""
    if path is None:
        return None
    source = path if hasattr(path, "read_text") else Path(path)  # a Path, or a Traversable inside an installed wheel
    try:
        return parse(json.loads(source.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):  # missing, unreadable, not JSON (a zip raises KeyError for a missing member)
        return None


def for_detectors(detectors_sha256: str | None, path) -> dict:
    """What the manifest records about recall for a run with these detectors: ``status`` (``measured``,
    ``other_detectors`` or ``none``) and, when measured, the measurement itself."""
    found = read(path)
    if found is None:
        return {"status": NONE}
    if not detectors_sha256 or found["detectors_sha256"] != detectors_sha256:
        return {"status": OTHER_DETECTORS, "measured_for": found["detectors_sha256"], "measured_at": found["measured_at"]}
    return {"status": MEASURED, **found}


def recorded(manifest) -> dict:
    """The recall block of a manifest (a ``Manifest``, or its JSON form), read defensively: older manifests have none."""
    block = manifest.get("pii_recall") if isinstance(manifest, dict) else manifest.pii_recall
    if not isinstance(block, dict) or block.get("status") not in (MEASURED, OTHER_DETECTORS, NONE):
        return {"status": NONE}
    if block["status"] == MEASURED and not isinstance(block.get("recall"), dict):
        return {"status": NONE}
    return block


NOT_MEASURED = "no recall measured for these detectors"


def sentence(block: dict) -> str:
    """One line a person reads: when, on what, and the overall figure; or that there is none."""
    if block.get("status") == OTHER_DETECTORS:
        return f"{NOT_MEASURED} (the measurement on file, {block.get('measured_at') or 'undated'}, is of another detector configuration)"
    if block.get("status") != MEASURED:
        return f"{NOT_MEASURED} (no measurement on file)"
    es = block.get("eval_set") or {}
    records = f"{es['records']:,} records" if isinstance(es.get("records"), int) else "records not stated"
    overall = f"{block['overall_recall']:.1%} of PII values removed overall" if block.get("overall_recall") is not None else "no overall figure"
    return (
        f"measured {block.get('measured_at') or '(undated)'} on {es.get('path') or 'an unnamed evaluation set'} "
        f"({records}): {overall}; lowest type {block.get('lowest')} at {block['recall'][block['lowest']]['recall']:.1%}"
    )
