"""A small lake and one published snapshot for the purge tests, built with the real job."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml
from conftest import TEST_KEY, write_config
from factories import frame, objection, post, ts, user
from pyspark.sql import functions as F

from postcurate.config import load_config
from postcurate.job import run
from postcurate.pseudonyms import keyed_pseudonyms

# Authors by country; u-objector-* object after the snapshot is published.
AUTHORS = {
    "us1": "US", "us2": "US", "us3": "US",
    "gb1": "GB", "gb2": "GB",
    "de1": "DE", "de2": "DE",
    "br1": "BR",
}
POSTS_PER_AUTHOR = 3
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Published:
    lake: Path
    out: Path
    config_path: Path
    snapshot_dir: Path
    folder: Path


def author_pid(spark, author_id: str) -> str:
    return spark.range(1).select(keyed_pseudonyms(spark, TEST_KEY).author(F.lit(author_id)).alias("p")).first()["p"]


def distinct_text(name: str) -> str:
    """A post text of its own for ``name``: ten words drawn by its hash, so no two posts are (near-)duplicates."""
    from postcurate.samples import BODY_WORDS

    h = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    return "Public post by someone, about " + " ".join(BODY_WORDS[(h >> (8 * k)) % len(BODY_WORDS)] for k in range(10))


def build_lake(spark, lake: Path) -> None:
    posts = [post(f"{a}-p{i}", a, text=distinct_text(f"{a}-p{i}")) for a in AUTHORS for i in range(POSTS_PER_AUTHOR)]
    users = [user(a, country=c) for a, c in AUTHORS.items()]
    # One objection already in effect at publish time, so the table is not empty and freshness is checked.
    objections = [objection("someone-else", objected_at=ts("2025-01-01"))]
    for name, rows in (("posts", posts), ("users", users), ("objections", objections)):
        frame(spark, name, rows).coalesce(1).write.format("delta").mode("overwrite").save(str(lake / name))


# A post by k1 copied twice by others (c1 upper-cased, c2 with an emoji), and an unrelated post by o1.
COPIES = {
    "original": ("k1", "2025-05-01", lambda t: t),
    "copy-upper": ("c1", "2025-05-02", str.upper),
    "copy-emoji": ("c2", "2025-05-03", lambda t: t + " \U0001F44D"),
}


def publish_copies(spark, folder: Path, **overrides) -> Published:
    """A lake of ``COPIES`` and one unrelated post, published once (rule 10 on unless ``overrides`` say otherwise)."""
    lake, out = folder / "lake", folder / "out"
    chain = distinct_text("a chain message")
    rows = {pid: (author, how(chain), day) for pid, (author, day, how) in COPIES.items()}
    rows["unrelated"] = ("o1", distinct_text("something else"), "2025-05-04")
    posts = [post(pid, author, text=text, created_at=ts(day), updated_at=ts(day)) for pid, (author, text, day) in rows.items()]
    tables = {"posts": posts, "users": [user(a) for a in ("k1", "c1", "c2", "o1")], "objections": [objection("someone-else")]}
    for name, data in tables.items():
        frame(spark, name, data).coalesce(1).write.format("delta").mode("overwrite").save(str(lake / name))
    config_path = write_config(folder, lake, out, **overrides)
    result = run(spark, load_config(config_path), key=TEST_KEY)
    assert result.published
    return Published(lake, out, config_path, result.snapshot_path, folder)


def add_objections(spark, lake: Path, author_ids: list[str], at: dt.datetime | None = None) -> None:
    at = at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(hours=1)
    rows = [objection(a, objected_at=at) for a in author_ids]
    frame(spark, "objections", rows).coalesce(1).write.format("delta").mode("append").save(str(lake / "objections"))


def publish(spark, folder: Path, **overrides) -> Published:
    """Build the small lake under ``folder`` and publish one snapshot of it with ``postcurate.job.run``."""
    lake, out = folder / "lake", folder / "out"
    build_lake(spark, lake)
    config_path = write_config(folder, lake, out, **overrides)
    result = run(spark, load_config(config_path), key=TEST_KEY)
    assert result.published
    return Published(lake, out, config_path, result.snapshot_path, folder)


def geo_rules_with_hold(folder: Path, country: str, until: dt.date) -> Path:
    """A copy of the shipped geo rules where ``country``'s period ends at ``until`` (a regulator's hold)."""
    raw = yaml.safe_load((REPO / "conf" / "geo_rules.yaml").read_text())
    groups = raw.get("groups") or {}
    for rule in raw["rules"]:
        members = [c for name in rule["countries"] for c in groups.get(name, [name])]
        if country in members:
            rule["until"] = until.isoformat()
    path = folder / "geo_rules_hold.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def checksums(snapshot_dir: Path, manifest: dict) -> dict[str, str]:
    return {s["path"]: hashlib.sha256((snapshot_dir / s["path"]).read_bytes()).hexdigest() for s in manifest["shards"]}


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def fresh_copy(published: Published, folder: Path, **overrides) -> Published:
    """A private copy of a published small lake and its output root, with its own config (tests modify both)."""
    lake = copy_tree(published.lake, folder / "lake")
    out = copy_tree(published.out, folder / "out")
    config_path = write_config(folder, lake, out, **overrides)
    return Published(lake, out, config_path, out / "snapshots" / published.snapshot_dir.name, folder)


def shard_authors(snapshot_dir: Path, manifest: dict) -> set[str]:
    """Every author pseudonym in the shards the manifest lists (read as a manifest reader would)."""
    import pyarrow.parquet as pq

    return {a for s in manifest["shards"] for a in pq.read_table(snapshot_dir / s["path"], columns=["author_pid"]).column(0).to_pylist()}
