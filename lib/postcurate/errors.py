"""Errors a user can cause, with the exit codes a scheduler can act on."""

from __future__ import annotations

# Exit codes are part of the job's interface with schedulers: keep them stable.
EXIT_PUBLISHED = 0
EXIT_NOTHING_NEW = 3
EXIT_QUALITY_GATE_FAILED = 4
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_LOCKED = 5
EXIT_IO_ERROR = 6


class PostcurateError(Exception):
    """Base of every error that ends a run with one clear message and no stack trace."""

    exit_code = EXIT_USER_ERROR


class ConfigError(PostcurateError):
    """The configuration (or a file it names) is missing, malformed or inconsistent."""


class InputError(PostcurateError):
    """An input table is missing, unreadable, stale, or does not match its schema."""


class SecretError(PostcurateError):
    """A secret the run needs (the pseudonymisation key) is missing or too weak."""


class SparkStartError(PostcurateError):
    """Spark's JVM did not start (no Java, no route to fetch Delta's jars, a bad Spark setting)."""


class QualityGateError(PostcurateError):
    """The data-quality gate rejected the snapshot; nothing was published."""

    exit_code = EXIT_QUALITY_GATE_FAILED


class LockedError(PostcurateError):
    """Another run holds the output root's lock."""

    exit_code = EXIT_LOCKED


class StorageError(PostcurateError):
    """The file system refused a write: disk full, read-only, no permission, or a path under a regular file.

    Not a bug and not a mistake in the config's values: the operator fixes the storage (``postcurate.storage``).
    """

    exit_code = EXIT_IO_ERROR
