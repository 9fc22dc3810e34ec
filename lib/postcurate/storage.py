"""The output root's file system: checked before a run starts, and its refusals named when they come mid-run.

A full disk, a read-only mount, a missing permission or a path under a regular file is the operator's to fix, not a
bug in postcurate: each ends the command with ``StorageError`` (exit 6), one line naming the path and the cause, never
data. The refusal comes from Python (the run lock, the manifest, the report) as an ``OSError``, or from Spark's tasks
writing Parquet and Delta as a JVM exception whose chain of causes holds it::

    SparkException [TASK_WRITE_FAILED] Task failed while writing rows to file:/out/_staging/...
      caused by ... FSError: java.io.IOException: No space left on device

Anything else (our own bugs among it) is left alone, to end with its stack trace and exit 1.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from postcurate.errors import StorageError

_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

# errno -> (the cause, what to do about it)
_REFUSALS = {
    errno.ENOSPC: ("no space left on device", "free space on that file system, or point output_root at a larger one"),
    errno.EDQUOT: ("disk quota exceeded", "raise the quota or free space on that file system"),
    errno.EFBIG: ("file too large for the file system", "point output_root at a file system that takes large files"),
    errno.EROFS: ("read-only file system", "mount it read-write, or point output_root elsewhere"),
    errno.EACCES: ("permission denied", "give the job's user access to it, or point output_root elsewhere"),
    errno.EPERM: ("operation not permitted", "give the job's user access to it, or point output_root elsewhere"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "point output_root at a folder"),
    errno.EIO: ("input/output error (the device failed)", "check the disk or the mount"),
}
_CANNOT_CREATE = ("cannot create a folder there", "check that the path is a writable folder (permissions, mount, free space)")

# How the JVM says the same things: by exception class, or by the text the OS error became.
_JAVA_CLASSES = {
    "java.nio.file.AccessDeniedException": errno.EACCES,
    "org.apache.hadoop.security.AccessControlException": errno.EACCES,
    "java.nio.file.ReadOnlyFileSystemException": errno.EROFS,
    "java.nio.file.NotDirectoryException": errno.ENOTDIR,
    "org.apache.hadoop.fs.ParentNotDirectoryException": errno.ENOTDIR,
}
_JAVA_MESSAGES = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "File too large": errno.EFBIG,
    "Read-only file system": errno.EROFS,
    "Permission denied": errno.EACCES,
    "Not a directory": errno.ENOTDIR,
}
# Hadoop's and Delta's words for a folder they could not make (read-only mount, permission, a file in the way).
_JAVA_CANNOT_CREATE = ("Mkdirs failed to create", "DELTA_CANNOT_CREATE_LOG_PATH")
_JAVA_PATH = re.compile(r"file:(/[^\s,;()]*[^\s,;().])")


def _message(path: str | None, cause: str, fix: str) -> StorageError:
    where = path or "a path the file system did not name (under output_root, or Spark's local folders)"
    return StorageError(f"storage: {where}: {cause}; {fix}")


def from_os_error(exc: OSError, path: str | None = None) -> StorageError | None:
    """The storage error an ``OSError`` stands for, or None when it is not the file system refusing a write."""
    if exc.errno not in _REFUSALS:
        return None
    return _message(exc.filename or path, *_REFUSALS[exc.errno])


def _java_chain(exc: BaseException):
    """(class names with their superclasses, message) for each JVM exception in ``exc``'s chain of causes."""
    java = getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)
    seen = 0
    while java is not None and seen < 32:
        names, cls = [], java.getClass()
        while cls is not None:
            names.append(cls.getName())
            cls = cls.getSuperclass()
        yield names, java.getMessage() or ""
        java, seen = java.getCause(), seen + 1


def from_java_error(exc: BaseException) -> StorageError | None:
    """The storage error a Spark failure stands for, when its causes hold a file system's refusal."""
    try:
        chain = list(_java_chain(exc))
    except Exception:  # a dead gateway, or not a JVM exception after all: leave the error as it is
        return None
    paths = [m.group(1) for _, message in chain for m in [_JAVA_PATH.search(message)] if m]
    path = paths[0] if paths else None
    for names, message in reversed(chain):  # the deepest cause is the most precise
        for name in names:
            if name in _JAVA_CLASSES:
                return _message(path, *_REFUSALS[_JAVA_CLASSES[name]])
        for text, code in _JAVA_MESSAGES.items():
            if text in message:
                return _message(path, *_REFUSALS[code])
    if any(marker in message for _, message in chain for marker in _JAVA_CANNOT_CREATE):
        return _message(path, *_CANNOT_CREATE)
    return None


def storage_error(exc: BaseException) -> StorageError | None:
    """The ``StorageError`` that ``exc`` (or the error it was raised from) stands for, or None."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, StorageError):
            return cause
        found = from_os_error(cause) if isinstance(cause, OSError) else from_java_error(cause)
        if found is not None:
            return found
        cause = cause.__cause__
    return None


def check_writable(root: str | os.PathLike) -> None:
    """Fail in a second, before Spark starts, when ``root`` cannot take a write (a probe file is written and removed).

    URIs are left to the commands that refuse them (a run needs a POSIX file system to lock and publish on).
    """
    if _URI.match(str(root)):
        return
    path = Path(root)
    if path.exists() and not path.is_dir():
        raise StorageError(f"storage: {path}: a file, not a folder; point output_root at a folder")
    probe = path / f".postcurate-write-check.{os.getpid()}"
    try:
        with refusals_named(path):
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"\0" * 4096)  # one block: a file system with no space left refuses it
                os.fsync(fd)
            finally:
                os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


@contextlib.contextmanager
def refusals_named(path: str | os.PathLike) -> Iterator[None]:
    """Turn the file system refusing a write inside the block into a ``StorageError`` naming ``path`` (when the
    error names no file itself); other ``OSError``s pass through."""
    try:
        yield
    except OSError as exc:
        refused = from_os_error(exc, str(path))
        if refused is None:
            raise
        raise refused from None
