"""Small, readable builders for input rows in the contract's layouts."""

from __future__ import annotations

import datetime as dt

from postcurate import schemas

T0 = dt.datetime(2025, 1, 1)


def ts(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour)


def post(post_id="p1", author_id="u1", **kw) -> dict:
    row = {
        "post_id": post_id,
        "author_id": author_id,
        "platform": "facebook",
        "post_type": "post",
        "visibility": "public",
        "text": "A perfectly ordinary public post about the weather today",
        "lang": "en",
        "created_at": ts("2025-06-01"),
        "updated_at": ts("2025-06-01"),
        "is_deleted": False,
        "geo_lat": None,
        "geo_lon": None,
        "ingest_date": dt.date(2025, 6, 1),
    }
    row.update(kw)
    return row


def user(user_id="u1", **kw) -> dict:
    row = {
        "user_id": user_id,
        "country": "US",
        "birth_date": dt.date(1980, 5, 5),
        "account_status": "active",
        "is_private_account": False,
        "updated_at": ts("2024-01-01"),
    }
    row.update(kw)
    return row


def objection(user_id="u1", **kw) -> dict:
    row = {"user_id": user_id, "objected_at": ts("2025-01-01"), "scope": "ai_training", "withdrawn_at": None, "channel": "form"}
    row.update(kw)
    return row


def frame(spark, table: str, rows: list[dict]):
    schema = schemas.load(table)
    return spark.createDataFrame([tuple(r[c] for c in schema.names) for r in rows], schema.struct.__class__(
        [f.__class__(f.name, f.dataType, True) for f in schema.struct.fields]
    ))


def candidate(post_pid="p1", text="A perfectly ordinary public post about the weather today", created_at="2025-06-01", **kw) -> dict:
    """A redacted candidate as rule 10 sees it (``created_at`` an ISO date or datetime string)."""
    row = {"post_pid": post_pid, "author_pid": f"a-{post_pid}", "created_at": dt.datetime.fromisoformat(created_at), "text": text, "reason": None}
    row.update(kw)
    return row


def candidates(spark, rows: list[dict]):
    return spark.createDataFrame(
        [(r["post_pid"], r["author_pid"], r["created_at"], r["text"], r["reason"]) for r in rows],
        "post_pid string, author_pid string, created_at timestamp, text string, reason string",
    )
