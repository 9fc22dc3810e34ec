"""Dump a published snapshot's rows (shards, ledger, quarantine) sorted, as JSON lines, and print their digest.

Two builds of the same lake with the same key and cut-off must give the same dump: ``diff`` the two files.

    python bench/snapshot_rows.py /tmp/rowdiff/before /tmp/rowdiff/before.jsonl
    python bench/snapshot_rows.py /tmp/rowdiff/after /tmp/rowdiff/after.jsonl && diff /tmp/rowdiff/before.jsonl /tmp/rowdiff/after.jsonl

The first argument is an output root (its LATEST snapshot) or a snapshot folder. Shard rows are read through the
manifest, with ``split`` and ``country`` from it; ledger and quarantine from the snapshot's own Parquet folders.
The dump holds pseudonymised, redacted rows only (what the snapshot publishes); keep it out of the repository.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from postcurate.reader import open_snapshot  # noqa: E402


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return sorted((_plain(v) for v in value), key=json.dumps) if value and isinstance(value[0], tuple) else [_plain(v) for v in value]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    return value


def _lines(kind: str, rows) -> list[str]:
    return [json.dumps({"in": kind, **{k: _plain(v) for k, v in sorted(r.items())}}, sort_keys=True, ensure_ascii=False) for r in rows]


def dump(location: str) -> dict[str, list[str]]:
    """Sorted JSON lines of each part of the snapshot at ``location``."""
    snap = open_snapshot(location)
    parts = {"shards": _lines("shards", snap.table().to_pylist())}
    for name in ("ledger", "quarantine"):
        parts[name] = _lines(name, pq.read_table(snap.path / name).to_pylist()) if (snap.path / name).is_dir() else []
    return {k: sorted(v) for k, v in parts.items()}


def main(location: str, out: str) -> None:
    parts = dump(location)
    text = "".join(line + "\n" for lines in parts.values() for line in lines)
    Path(out).write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    counts = {k: len(v) for k, v in parts.items()}
    lines = [line for v in parts.values() for line in v]
    print(f"{digest}  {len(lines)} rows ({', '.join(f'{k} {v}' for k, v in counts.items())}) -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
