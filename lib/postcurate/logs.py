"""Structured run logs: one JSON line per stage of a run, with counts and durations, for a scheduler's log store.

Only numbers and a few fixed identifiers ever go into these lines (stage names, the snapshot id, exit codes): never
post text, raw ids or any other value that came out of the data. ``Stage.count`` refuses anything but numbers.

    with stage("read") as s:
        tables = read_inputs(spark, config)
        s.count(posts_version=tables["posts"].version)

On a terminal the same events are printed as short progress lines instead (``configure(fmt="auto")``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import numbers
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

LOGGER = "postcurate.events"
FORMATS = ("auto", "json", "text")

_log = logging.getLogger(LOGGER)
_log.propagate = False  # the events have their own handler and format; never duplicated into the root logger
_log.setLevel(logging.INFO)
# Until configure() is called (a library user, a test), events are dropped rather than printed.
_log.addHandler(logging.NullHandler())

# One id per process, so the lines of one run can be told apart when runs interleave in a log store.
RUN_ID = uuid.uuid4().hex[:12]


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": "postcurate",
            "run_id": RUN_ID,
            **record.event,  # type: ignore[attr-defined]
        }
        return json.dumps(event, sort_keys=False)


class _TextFormatter(logging.Formatter):
    """Progress lines for a person at a terminal: ``[postcurate] read ........ ok 3.2s  posts_version=4``."""

    def format(self, record: logging.LogRecord) -> str:
        e = dict(record.event)  # type: ignore[attr-defined]
        kind = e.pop("event")
        if kind == "stage":
            counts = "  ".join(f"{k}={v}" for k, v in e.get("counts", {}).items())
            return f"[postcurate] {e['stage']:<10} {e['status']:<6} {e['duration_s']:>7.1f}s  {counts}".rstrip()
        if kind == "stage_start":
            return f"[postcurate] {e['stage']:<10} ..."
        return f"[postcurate] {kind} " + "  ".join(f"{k}={v}" for k, v in e.items())


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the event (click's test runner and pytest swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        pass


def configure(fmt: str = "auto", stream: IO[str] | None = None) -> str:
    """Send run events to ``stream`` (default stderr) as JSON lines, or as text lines when ``fmt`` is ``text``
    (``auto``: text on a terminal, JSON otherwise). Returns the format chosen."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}, got {fmt!r}")
    if fmt == "auto":
        fmt = "text" if (stream or sys.stderr).isatty() else "json"
    for handler in list(_log.handlers):
        _log.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(_TextFormatter() if fmt == "text" else _JsonFormatter())
    _log.addHandler(handler)
    return fmt


def _number(name: str, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        # Our own bug, caught by tests: a log line must never carry a value taken from the data.
        raise TypeError(f"log count {name!r} must be a number, got {type(value).__name__}")
    return int(value) if isinstance(value, numbers.Integral) else round(float(value), 3)


def event(name: str, **fields: int | float | str | None) -> None:
    """One event line (``run_start``, ``run_end``, ...). Fields are fixed identifiers and numbers chosen by the caller."""
    _log.info(name, extra={"event": {"event": name, **fields}})


@dataclass
class Stage:
    name: str
    counts: dict[str, int | float] = field(default_factory=dict)

    def count(self, **numbers_: object) -> None:
        """Record counts for this stage's line (numbers only)."""
        for key, value in numbers_.items():
            self.counts[key] = _number(key, value)


@contextlib.contextmanager
def stage(name: str, **counts: object) -> Iterator[Stage]:
    """Time one stage of a run; log one line when it ends (``status`` ``ok`` or ``failed``, with the error's type)."""
    s = Stage(name)
    s.count(**counts)
    if any(isinstance(h.formatter, _TextFormatter) for h in _log.handlers):
        _log.info(name, extra={"event": {"event": "stage_start", "stage": name}})
    started = time.perf_counter()
    try:
        yield s
    except BaseException as exc:
        # The error's type only: messages can quote values, and the CLI prints the message once anyway.
        _log.error(name, extra={"event": _stage_event(s, "failed", started) | {"error": type(exc).__name__}})
        raise
    _log.info(name, extra={"event": _stage_event(s, "ok", started)})


def _stage_event(s: Stage, status: str, started: float) -> dict:
    return {"event": "stage", "stage": s.name, "status": status, "duration_s": round(time.perf_counter() - started, 3), "counts": s.counts}
