"""Time as a run sees it: now in UTC, the cut-off given on the command line, and the naive form Spark literals need."""

from __future__ import annotations

import datetime as dt

from postcurate.errors import ConfigError


def utc_now() -> dt.datetime:
    """Now, in UTC, to the second (manifests and ids carry whole seconds)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def naive_utc(ts: dt.datetime) -> dt.datetime:
    """``ts`` in UTC without its zone: the session runs in UTC, and Spark reads naive literals in the session's zone."""
    return ts.astimezone(dt.timezone.utc).replace(tzinfo=None)


def parse_as_of(value: str | None, now: dt.datetime) -> dt.datetime:
    """The run's cut-off: an ISO timestamp (UTC unless it says otherwise), default now; never in the future."""
    if value is None:
        return now
    try:
        as_of = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--as-of is not an ISO timestamp (e.g. 2025-06-01T00:00:00Z): {value!r}") from None
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=dt.timezone.utc)
    as_of = as_of.astimezone(dt.timezone.utc)
    if as_of > now:
        raise ConfigError(f"--as-of {as_of.isoformat()} is in the future; a snapshot can only be built of the past")
    return as_of
