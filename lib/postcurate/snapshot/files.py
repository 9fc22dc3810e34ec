"""The two file-system operations everything under the output root is built from: an atomic write and a lock.

``atomic_write`` writes a temporary file beside the target, flushes it to the disk, renames it over the target and
flushes the folder, so after a crash (or a power cut) the target holds the old content or the new, never a mix or
nothing. ``locked`` takes an exclusive ``flock``: the kernel drops it when the process that holds it ends, however
it ends (exit, crash, SIGKILL, OOM kill), so a dead holder never blocks anyone and there is no staleness rule.
Both need a POSIX file system (local disks; NFSv4); object stores have neither.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks (shards and manifests can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: str | Path, content: str | bytes) -> Path:
    """Replace ``target`` with ``content`` atomically and durably (temp file, fsync, rename, fsync of the folder)."""
    target = Path(target)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)
    return target


def try_lock(path: str | Path) -> int | None:
    """Open ``path`` (created if missing) and take an exclusive flock without waiting: the fd, or None when another
    process holds it. Release with ``unlock``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


def unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


class Busy(Exception):
    """The lock is held by another process (and stayed held for as long as the caller was willing to wait)."""

    def __init__(self, path: Path, holder: str):
        super().__init__(f"{path} is held by {holder}")
        self.path, self.holder = path, holder


def _holder(path: Path) -> str:
    try:
        return path.read_text().strip() or "a process that left no details"
    except OSError:
        return "a process that left no details"


@contextlib.contextmanager
def locked(path: str | Path, *, wait_s: float = 0.0, holder: str | None = None) -> Iterator[int]:
    """Hold an exclusive flock on ``path`` for the block; wait up to ``wait_s`` for it, else raise ``Busy``.

    ``holder``: a line saying who holds it (pid, host, time), written into the file while the lock is held, for the
    message the next process prints; the file itself stays (unlinking it would let a waiting process lock a file a
    third one can no longer see).

    >>> with locked(root / ".publish.lock", wait_s=600):
    ...     publish()
    """
    path = Path(path)
    deadline = time.monotonic() + wait_s
    while (fd := try_lock(path)) is None:
        if time.monotonic() >= deadline:
            raise Busy(path, _holder(path))
        time.sleep(0.5)
    try:
        if holder is not None:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (holder + "\n").encode(), 0)
        yield fd
    finally:
        if holder is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        unlock(fd)
