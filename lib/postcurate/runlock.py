"""One run at a time per output root: an exclusive ``flock`` on ``<output_root>/.lock``, held for the whole run.

The kernel drops the lock when the process that holds it ends, however it ends (exit, crash, SIGKILL, OOM kill),
so a dead run never blocks the next one and there is no staleness rule to get wrong. The file itself stays; its
content (pid, host, start time) only says who holds it, for the message a second run prints.

The output root must be on a file system with working ``flock`` (local disks; NFSv4, where Linux maps ``flock`` to
byte-range locks). Object stores have no locks: run there through a scheduler that never overlaps runs.

    with run_lock(config.output_root):
        run(spark, config, key=key)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import socket
from pathlib import Path
from typing import Iterator

from postcurate.errors import ConfigError, LockedError
from postcurate.storage import refusals_named

LOCK_FILE = ".lock"


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
        return f"pid {info['pid']} on {info['host']}, started {info['started_at']}"
    except (ValueError, KeyError, OSError):
        return "a process that left no details"


@contextlib.contextmanager
def run_lock(output_root: str | os.PathLike) -> Iterator[Path]:
    """Hold ``<output_root>/.lock`` for the duration of the block, or raise ``LockedError`` (exit 5) at once."""
    root = str(output_root)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", root):
        raise ConfigError(f"output_root {root} is not a file system path; a run needs a POSIX file system to lock and publish on")
    path = Path(root) / LOCK_FILE
    with refusals_named(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another run is publishing to {root} ({_holder(fd)}); this run did nothing. "
                f"Retry after it ends; the lock frees itself when that process exits"
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        try:
            yield path
        finally:
            # Leave the file (unlinking it would let a waiting run lock a file a third run can no longer see).
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
