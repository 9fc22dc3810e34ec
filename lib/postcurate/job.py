"""The curation job: extract (pinned Delta tables) -> transform (``pipeline``) -> check (``quality``) -> load (``publish``).

A snapshot is built in ``<output_root>/_staging/<snapshot_id>.<run_id>``, checked by the data-quality gate, and
becomes visible only by an atomic rename to ``<output_root>/snapshots/<snapshot_id>`` followed by an atomic update
of ``<output_root>/LATEST`` (see ``postcurate.publish``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import postcurate
from postcurate import manifest as manifests
from postcurate import publish as publishing
from postcurate import report
from postcurate.card import write_card
from postcurate.config import Config
from postcurate.errors import ConfigError, QualityGateError
from postcurate.lake import PinnedTable, check_fresh, read_pinned
from postcurate.logs import stage
from postcurate.pii import Detectors, load_detectors
from postcurate.pii.scanner import register_scanner
from postcurate.dedup import cluster_sizes, register_near_duplicate_functions, register_normaliser, with_duplicate_reason
from postcurate.pipeline import decide, destinations, find_duplicates, for_destinations, redact_candidates
from postcurate.pseudonyms import Pseudonyms, keyed_pseudonyms
from postcurate.purge import write_author_index
from postcurate.quality import GateInputs, SnapshotFrames, gate_parameters, run_gate
from postcurate.quality.frames import posts_read as count_posts_read
from postcurate.quality.frames import publication as publication_frame
from postcurate.quality.frames import shrink as publication_shrink
from postcurate.rules.eligibility import REASONS
from postcurate.rules.geo import GeoRules, load_geo_rules

log = logging.getLogger("postcurate.job")


@dataclass
class RunResult:
    snapshot_id: str
    snapshot_path: Path
    published: bool
    counts: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    run_id: str | None = None
    report_path: Path | None = None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


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


def _naive_utc(ts: dt.datetime) -> dt.datetime:
    # The session runs in UTC; Spark literals from naive datetimes are read in the session's zone.
    return ts.astimezone(dt.timezone.utc).replace(tzinfo=None)


def snapshot_identity(config: Config, tables: dict[str, PinnedTable], geo: GeoRules, *, as_of: dt.datetime, key_fingerprint: str) -> dict:
    """What a snapshot is built from: the input versions, the rules, PII detectors, output and dedup settings,
    the code and the key. Anything that changes what the shards hold is in it, so changing it builds a new snapshot."""
    return {
        "as_of": as_of.isoformat(),
        "inputs": {n: t.version for n, t in tables.items()},
        "paths": {n: t.path for n, t in tables.items()},
        "geo_rules_sha256": geo.sha256,
        "detectors_sha256": hashlib.sha256(config.detectors.read_bytes()).hexdigest(),
        "rules": config.rules.__dict__,
        # The shrink limit decides whether a snapshot may be published, not what it holds: changing it makes no new id.
        "output": {k: v for k, v in config.output.__dict__.items() if k != "max_shrink"},
        "dedup": dataclasses.asdict(config.dedup),
        "code_version": postcurate.__version__,
        "key_fingerprint": key_fingerprint,
    }


def snapshot_id_for(as_of: dt.datetime, identity: dict) -> str:
    """Same inputs, rules, code and key give the same id: re-running publishes nothing new."""
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:12]
    return f"{as_of:%Y%m%dT%H%M%SZ}-{digest}"


def read_inputs(spark: SparkSession, config: Config) -> dict[str, PinnedTable]:
    with stage("read") as s:
        tables = {name: read_pinned(spark, name, getattr(config.inputs, name)) for name in ("posts", "users", "objections")}
        s.count(**{f"{name}_delta_version": t.version for name, t in tables.items()})
    return tables


def stage_outputs(
    spark: SparkSession,
    staging: Path,
    tables: dict[str, PinnedTable],
    *,
    config: Config,
    geo: GeoRules,
    detectors: Detectors,
    cutoff: dt.datetime,
    pseudonyms: Pseudonyms,
) -> tuple[int, dict]:
    """Decide and curate every post, write shards, ledger and quarantine into ``staging``; the number of posts decided
    and rule 10's figures for the manifest (``{"enabled": False}`` when deduplication is off)."""
    decided = candidates = found = None
    dedup: dict = {"enabled": config.dedup.enabled}
    try:
        with stage("decide") as st:  # materialises the cache that the writes below read from
            # Inside the stage: planning the cached query already runs jobs (Delta's log replay, broadcasts).
            decided = (
                decide(tables["posts"].df, tables["users"].df, tables["objections"].df, as_of=cutoff, geo=geo, rules=config.rules, pseudonyms=pseudonyms)
                .transform(for_destinations)
                .persist(StorageLevel.MEMORY_AND_DISK)
            )
            posts_read = decided.count()
            st.count(posts_read=posts_read)
        # Shards and the ledger (its "empty" and "duplicate" rows) both read the redacted candidates: redact once.
        candidates = redact_candidates(decided, detectors=detectors, rules=config.rules).persist(StorageLevel.MEMORY_AND_DISK)
        rule_10 = candidates
        if config.dedup.enabled:
            with stage("redact") as st:  # fills the candidates' cache, so the dedup stage's time is its own
                st.count(candidates=candidates.count())
            with stage("dedup") as st:
                register_normaliser(spark)
                found = find_duplicates(candidates, config.dedup, register_near_duplicate_functions(spark, config.dedup))
                dedup |= cluster_sizes(found)
                st.count(removed=dedup["removed"], clusters=dedup["clusters"], largest_cluster=dedup["largest_cluster"])
            rule_10 = with_duplicate_reason(candidates, found)
        with stage("write"):
            curated = destinations(decided, rule_10, config.output)
            folders = publishing.folder_rows(curated.shards)  # sizes the files, then cuts each folder into them
            rows_per_file = publishing.rows_for_target(curated.shards, config.output.shard_target_mb, staging / "_sizing", folders)
            publishing.write_shards(curated.shards, staging / "shards", rows_per_file, folders)
            curated.ledger.write.parquet(str(staging / "ledger"))
            curated.quarantine.write.parquet(str(staging / "quarantine"))
            publishing.tidy(staging)
            # Lets a later purge find an author's shards without scanning them all (after tidy: it keeps its _SUCCESS).
            publishing.tidy(write_author_index(spark, staging), keep_success=True)
        return posts_read, dedup
    finally:
        for cached in (found, candidates, decided):
            if cached is not None:
                cached.unpersist()


def _preload_gate_library() -> None:
    """Import Great Expectations while Spark builds the snapshot: the import takes 4-15 s in a fresh process (as a
    scheduled run always is), and the driver's Python is idle while it waits on Spark."""
    import great_expectations  # noqa: F401


def _counts(snap: SnapshotFrames, posts_read: int) -> dict:
    by_reason = {r: 0 for r in REASONS}
    by_reason.update({row["reason"]: row["count"] for row in snap.ledger.groupBy("reason").count().collect()})
    # The quarantine by the check each post failed (a fixed set of names): one small aggregate.
    by_check = {row["check"]: row["count"] for row in snap.quarantine.groupBy(F.coalesce("detail", F.lit("unknown")).alias("check")).count().collect()}
    by_reason["invalid"] = sum(by_check.values())
    return {
        "posts_read": posts_read,
        "kept": snap.shards.count(),  # from the Parquet footers
        "excluded": sum(v for r, v in by_reason.items() if r != "invalid"),
        "quarantined": by_reason["invalid"],
        "by_reason": by_reason,
        "quarantine_by_check": dict(sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def publication_record(posts_read: int, kept: int, previous: dict | None, max_shrink: float, allow_shrink: bool) -> dict:
    """What the publication checks compare, and their verdict in words (the manifest's ``publication``).

    ``previous``: the manifest of the previous published snapshot (``publish.previous_published``), whose current
    revision's ``counts.kept`` is compared, so rows a purge removed from it since are not counted as this run's fall.
    """
    before = None
    if previous is not None:
        c = previous.get("counts") or {}
        before = {
            "snapshot_id": previous.get("snapshot_id"),
            "as_of": previous.get("as_of"),
            "revision": previous.get("revision", 0),
            "kept": int(c["kept"]) if isinstance(c.get("kept"), int) else sum(int(s.get("rows", 0)) for s in previous.get("shards") or []),
        }
    shrink = publication_shrink(kept, before["kept"] if before else None)
    if posts_read == 0:
        verdict = "the posts table gave no post at the cut-off: an empty feed is never published, even with --allow-shrink; check inputs.posts and the feed that fills it"
    elif before is None:
        verdict = "no earlier published snapshot to compare with: only the posts read were checked"
    else:
        moved = f"kept {kept:,} rows where the previous published snapshot {before['snapshot_id']} keeps {before['kept']:,} ({-shrink:+.1%})"
        if shrink <= max_shrink:
            verdict = f"{moved}: within output.max_shrink ({max_shrink:.0%})"
        elif allow_shrink:
            verdict = f"{moved}: a fall of more than output.max_shrink ({max_shrink:.0%}), let through by --allow-shrink"
        else:
            verdict = (
                f"{moved}: a fall of more than output.max_shrink ({max_shrink:.0%}). If that is expected (a wave of "
                "objections, a new rule), run again with --allow-shrink"
            )
    return {
        "posts_read": int(posts_read),
        "kept": int(kept),
        "previous": before,
        "shrink": round(shrink, 6),
        "max_shrink": max_shrink,
        "shrink_allowed": bool(allow_shrink),
        "verdict": verdict,
    }


def run(
    spark: SparkSession,
    config: Config,
    *,
    key: bytes,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
    geo: GeoRules | None = None,
    detectors: Detectors | None = None,
    allow_shrink: bool = False,
) -> RunResult:
    """Build, check and publish one snapshot as of ``as_of`` (default: now).

    ``geo`` and ``detectors`` are the config's files, loaded by the caller before it started Spark (default: load them).
    Raises ``QualityGateError`` (nothing published) when an expectation fails, among them: no post read, or kept
    rows fallen by more than ``output.max_shrink`` against the previous published snapshot (``allow_shrink`` lets
    that fall through, and the manifest says so).
    """
    started = time.time()
    now = now or utc_now()
    as_of = as_of or now
    geo = geo if geo is not None else load_geo_rules(config.geo_rules)
    detectors = detectors if detectors is not None else load_detectors(config.detectors)
    # Compiled in the JVM now, in Java's regex dialect: a pattern Java cannot read stops the run before any work.
    register_scanner(spark, detectors)
    pseudonyms = keyed_pseudonyms(spark, key)  # the key goes to the JVM function that holds it; not kept here
    tables = read_inputs(spark, config)
    check_fresh(tables["objections"], config.rules.objections_max_staleness_hours, now)

    identity = snapshot_identity(config, tables, geo, as_of=as_of, key_fingerprint=pseudonyms.fingerprint)
    snapshot_id = snapshot_id_for(as_of, identity)
    root = Path(config.output_root)
    if publishing.is_published(root, snapshot_id):
        log.info("snapshot %s already published; nothing new", snapshot_id)
        published = publishing.snapshot_dir(root, snapshot_id)
        return RunResult(snapshot_id, published, False, manifest=manifests.read(published))

    # Read before the build: a previous manifest that cannot be read stops the run before it costs anything.
    previous = publishing.previous_published(root, as_of, other_than=snapshot_id)
    run_id = publishing.new_run_id(now)
    publishing.clean_stale_staging(root, started_before=started)
    cutoff = _naive_utc(as_of)
    allowed_countries = sorted(geo.in_effect(as_of))
    # The gate's independent count of posts read is a scan of its own; it runs beside the pipeline (on slots the
    # pipeline leaves idle) instead of after it. Its result is only used by the gate. The gate's library is
    # imported beside it too (if that fails, the gate's own import raises the error).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="postcurate-background") as background, publishing.Staging.open(
        root, snapshot_id, run_id
    ) as staging:
        background.submit(_preload_gate_library)
        posts_read_counted = background.submit(count_posts_read, tables["posts"].df, cutoff)
        posts_read, dedup = stage_outputs(spark, staging.path, tables, config=config, geo=geo, detectors=detectors, cutoff=cutoff, pseudonyms=pseudonyms)
        built = time.time()
        with SnapshotFrames(spark, staging.path) as snap:
            with stage("manifest") as st:
                counts = _counts(snap, posts_read)
                shard_files = manifests.describe_shards(staging.path / "shards")
                manifest = manifests.build(
                    snapshot_id=snapshot_id,
                    run_id=run_id,
                    as_of=as_of,
                    created_at=now,
                    tables=tables,
                    geo=geo,
                    config=config,
                    key_fp=identity["key_fingerprint"],
                    shards=shard_files,
                    counts=counts,
                    # Plain columns of the files: the gate's facts (text scans) are left to the gate.
                    stats=manifests.shard_stats(snap.shards),
                    allowed_countries=allowed_countries,
                    dedup=dedup,
                )
                # The published snapshot this one follows, for the report's side-by-side view (None for the first).
                manifest["previous"] = report.previous_summary(previous)
                st.count(kept=counts["kept"], excluded=counts["excluded"], quarantined=counts["quarantined"], shard_files=len(shard_files))
            gate_started = time.time()
            inputs = GateInputs(
                posts=tables["posts"].df, objections=tables["objections"].df, as_of=cutoff, pseudonyms=pseudonyms, posts_read=posts_read_counted.result()
            )
            record = manifest["publication"] = publication_record(inputs.posts_read, counts["kept"], previous, config.output.max_shrink, allow_shrink)
            publication = publication_frame(
                posts_read=record["posts_read"], kept=record["kept"], previous_kept=(record["previous"] or {}).get("kept"), shrink_allowed=allow_shrink
            )
            with stage("gate") as gst:
                gate = run_gate(
                    snap.gate_frames(manifest, inputs) | {"publication": publication},
                    gate_parameters(
                        allowed_countries=allowed_countries,
                        allowed_post_types=config.rules.allowed_post_types,
                        min_text_length=config.rules.min_text_length,
                        max_shrink=config.output.max_shrink,
                    ),
                    scopes=("snapshot", "inputs", "publish"),
                )
                gst.count(failed=0 if gate.success else 1)
        gate_s = time.time() - gate_started
        manifest["quality"] = gate.to_dict()
        manifest["timings_s"] = {
            "build": round(built - started, 1),
            "gate": round(gate_s, 1),
            "total": round(time.time() - started, 1),
        }
        log.info("quality gate: %s in %.1f s (build took %.1f s)", "passed" if gate.success else "FAILED", gate_s, built - started)
        (staging.path / "quality").mkdir(exist_ok=True)
        (staging.path / "quality" / "results.json").write_text(json.dumps(manifest["quality"], indent=2) + "\n")
        report_path = report.write_report(staging.path / "report", manifest)
        if not gate.success:
            kept = publishing.reject(root, staging.path)
            why = [f"  {manifest['publication']['verdict']}"] if any(o.suite == "publication" for o in gate.failures) else []
            raise QualityGateError("\n".join([gate.message(), *why, f"  results and report kept in {kept}"]))
        with publishing.publish_lock(root), stage("publish"):
            if publishing.is_published(root, snapshot_id):
                # Another run published the same snapshot while we built ours; it is identical, keep theirs.
                published = publishing.snapshot_dir(root, snapshot_id)
                return RunResult(snapshot_id, published, False, manifest=manifests.read(published))
            publishing.append_audit_tables(spark, root, staging.path, snapshot_id=snapshot_id, run_id=run_id)
            manifests.write(staging.path, manifest)
            write_card(staging.path, manifest, config)  # the dataset card (README.md), from the manifest and the rules in force
            publishing.move_into_place(root, staging.path, snapshot_id)
    published = publishing.snapshot_dir(root, snapshot_id)
    return RunResult(
        snapshot_id,
        published,
        True,
        counts=counts,
        manifest=manifest,
        run_id=run_id,
        report_path=published / report_path.relative_to(staging.path),
    )
