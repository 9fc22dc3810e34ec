"""The demo's own things: its sample lake, its pseudonym key and its cut-off, all under one folder (``var/``).

The demo behaves like a scheduled job rerun on the same inputs: the same lake and the same key give the same
snapshot, so a second ``make demo`` says "nothing new". Its key is made once and kept in ``var/demo.key`` (mode
0600), never in the lake, the output root or a snapshot; its cut-off is the time the lake was last written, not
the clock. A lake whose objections feed has gone stale is seeded again, and that is a new snapshot.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
from pathlib import Path

from pyspark.sql import SparkSession

from postcurate.config import Config
from postcurate.errors import ConfigError, InputError, SecretError

KEY_FILE = "demo.key"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def demo_folder(config: Config) -> Path:
    """The folder holding the demo's lake (``var/`` for the shipped ``conf/local.yaml``: its lake is ``var/lake``)."""
    return Path(config.inputs.posts).resolve().parent.parent


def key_path(config: Config) -> Path:
    """Where the demo keeps its key: ``<demo folder>/demo.key``, which must lie outside the output root."""
    path = demo_folder(config) / KEY_FILE
    root = Path(config.output_root).resolve()
    if path == root or root in path.parents:
        raise ConfigError(
            f"the demo keeps its key in {path}, inside the output root {root}: point output_root in {config.path.name} "
            "elsewhere (conf/local.yaml uses var/out beside var/lake)"
        )
    return path


def demo_key(path: Path) -> tuple[bytes, bool]:
    """The demo's pseudonym key from ``path``, made there (0600) if there is none; (key, whether it was made now).

    A key file that others can read, that is a link, or that holds a weak key is refused rather than used.
    """
    from postcurate.pseudonyms import MIN_KEY_CHARACTERS, weak_key_reason

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    else:
        key = secrets.token_hex(32)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
        return key.encode(), True
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        raise SecretError(f"the demo's key file {path} cannot be read ({exc.strerror}); delete it to make a new one") from None
    with os.fdopen(fd) as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode) or mode & 0o077:
            raise SecretError(f"the demo's key file {path} is readable by others (mode {stat.S_IMODE(mode):04o}): chmod 600 it, or delete it to make a new one")
        key = f.read().strip()
    if len(key) < MIN_KEY_CHARACTERS or weak_key_reason(key):
        raise SecretError(f"the demo's key file {path} holds no usable key (at least {MIN_KEY_CHARACTERS} characters, not guessable): delete it to make a new one")
    return key.encode(), False


def lake_as_of(spark: SparkSession, config: Config) -> dt.datetime | None:
    """The cut-off for the demo: when its lake was last written; None when there is no lake fit to run on (missing,
    unreadable, or its objections feed staler than the config allows)."""
    from postcurate.clock import utc_now
    from postcurate.lake import check_fresh, read_pinned

    try:
        tables = [read_pinned(spark, name, getattr(config.inputs, name)) for name in ("posts", "users", "objections")]
        check_fresh(tables[2], config.rules.objections_max_staleness_hours, utc_now())
    except InputError:
        return None
    return max(t.committed_at for t in tables)
