"""The curation job: a list of steps the runner walks, each reported as one run event (``postcurate.logs.stage``).

    read -> (changes) -> decide -> redact, dedup (rule 10, when on) -> write (shards, ledger, quarantine, author
         index, removals) -> manifest -> gate -> publish

``changes`` (reported by a ``build_mode`` event, not a stage line) chooses how to build (``postcurate.incremental``): from the last published snapshot, deciding again only
the posts the input tables' change feeds and the two cut-offs can have moved, or in full (and says why).

A snapshot is built in ``<output_root>/_staging/<snapshot_id>.<run_id>``, checked by the data-quality gate, and
becomes visible only by an atomic rename to ``<output_root>/snapshots/<snapshot_id>`` followed by an atomic update
of ``<output_root>/LATEST`` (``postcurate.snapshot.publish``). The steps share one ``Build``: what the run was given,
and what each step adds for the next. Each step is a plain function of the ``Build`` and its event's ``Stage``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from postcurate import incremental, report, resources, shards
from postcurate.card import write_card
from postcurate.clock import naive_utc, parse_as_of, utc_now
from postcurate.config import Config
from postcurate.dedup import cluster_sizes, register_near_duplicate_functions, register_normaliser, with_duplicate_reason
from postcurate.errors import QualityGateError
from postcurate.lake import PinnedTable, check_fresh, read_pinned
from postcurate.logs import Stage, event, stage
from postcurate.pii import Detectors, load_detectors
from postcurate.pii.scanner import register_scanner
from postcurate.pipeline import decide, destinations, find_duplicates, for_destinations, redact_candidates
from postcurate.pseudonyms import Pseudonyms, keyed_pseudonyms
from postcurate.purge import write_author_index
from postcurate.quality import (
    GateInputs,
    GateResult,
    SnapshotFrames,
    gate_parameters,
    run_gate,
)
from postcurate.quality.frames import posts_read as count_posts_read
from postcurate.quality.frames import publication as publication_frame
from postcurate.quality.frames import shrink as publication_shrink
from postcurate.report import recall
from postcurate.rules.eligibility import REASONS
from postcurate.rules.geo import GeoRules, load_geo_rules
from postcurate.snapshot import Counts, Manifest, RunIdentity, ShardFile, layout
from postcurate.snapshot import publish as publishing
from postcurate.snapshot.manifest import describe_shards, read_json

# What RunResult.counts holds: where the posts read went (the manifest's counts hold the breakdowns too).
RUN_COUNTS = ("posts_read", "kept", "excluded", "quarantined", "by_reason", "quarantine_by_check")

__all__ = ["Build", "RunResult", "STEPS", "Step", "parse_as_of", "publication_record", "run", "utc_now"]

log = logging.getLogger("postcurate.job")


@dataclass
class RunResult:
    """What a run did. ``manifest``: the snapshot's ``manifest.json`` as JSON; ``record``: the same, typed."""

    snapshot_id: str
    snapshot_path: Path
    published: bool
    counts: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    run_id: str | None = None
    report_path: Path | None = None
    record: Manifest | None = None


@dataclass
class Build:
    """One run's shared state: what it was given (top), and what the steps add for those after them (below)."""

    spark: SparkSession
    config: Config
    geo: GeoRules
    detectors: Detectors
    pseudonyms: Pseudonyms
    now: dt.datetime
    as_of: dt.datetime
    allow_shrink: bool
    full: bool = False  # --full: never start from an earlier snapshot
    started: float = field(default_factory=time.time)
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    tables: dict[str, PinnedTable] = field(default_factory=dict)
    identity: RunIdentity | None = None
    previous: Manifest | None = None  # the published snapshot this one follows
    run_id: str = ""
    staging: Path | None = None
    posts_read_counted: Future | None = None  # the gate's own count, made beside the pipeline
    plan: incremental.Plan | None = None  # how this run builds: in full, or from an earlier snapshot
    decided: DataFrame | None = None
    candidates: DataFrame | None = None  # redacted, with rule 10's reason when it is on
    dedup: dict = field(default_factory=dict)  # rule 10's figures for the manifest
    posts_read: int = 0
    built: float = 0.0
    frames: SnapshotFrames | None = None
    manifest: Manifest | None = None
    gate: GateResult | None = None
    gate_started: float = 0.0
    report_path: Path | None = None
    result: RunResult | None = None  # set by the step that ends the run

    @property
    def root(self) -> Path:
        return Path(self.config.output_root)

    @property
    def cutoff(self) -> dt.datetime:
        return naive_utc(self.as_of)

    @property
    def snapshot_id(self) -> str:
        assert self.identity is not None
        return self.identity.snapshot_id

    def cached(self, df: DataFrame) -> DataFrame:
        """``df`` persisted for the steps that read it again; released when the run ends, however it ends."""
        kept = df.persist(StorageLevel.MEMORY_AND_DISK)
        self.stack.callback(kept.unpersist)
        return kept

    def already_published(self) -> RunResult:
        published = layout.snapshot_dir(self.root, self.snapshot_id)
        raw = read_json(published)
        return RunResult(self.snapshot_id, published, False, manifest=raw, record=Manifest.from_dict(raw))


@dataclass(frozen=True)
class Step:
    """One step: ``work(build, stage)``; ``name`` is its run event (None: not one of its own), ``guard`` a context
    entered before the event (the publish lock)."""

    name: str | None
    work: Callable[[Build, Stage], None]
    guard: Callable[[Build], contextlib.AbstractContextManager[Any]] | None = None
    when: Callable[[Build], bool] | None = None  # the step runs only when this holds (rule 10: when it is on)


def read_step(b: Build, st: Stage) -> None:
    b.tables = {name: read_pinned(b.spark, name, getattr(b.config.inputs, name)) for name in ("posts", "users", "objections")}
    st.count(**{f"{name}_delta_version": t.version for name, t in b.tables.items()})


def plan_step(b: Build, _: Stage) -> None:
    """Freshness, identity, and the staging folder: nothing is built for a snapshot already published."""
    check_fresh(b.tables["objections"], b.config.rules.objections_max_staleness_hours, b.now)
    b.identity = RunIdentity.of_run(
        b.config, as_of=b.as_of, tables=b.tables, geo_sha256=b.geo.sha256, detectors_sha256=b.detectors.sha256, key_fingerprint=b.pseudonyms.fingerprint
    )
    if layout.is_published(b.root, b.snapshot_id):
        log.info("snapshot %s already published; nothing new", b.snapshot_id)
        b.result = b.already_published()
        return
    # Read before the build: a previous manifest that cannot be read stops the run before it costs anything.
    b.previous = publishing.previous_published(b.root, b.as_of, other_than=b.snapshot_id)
    b.run_id = publishing.new_run_id(b.now)
    publishing.clean_stale_staging(b.root, started_before=b.started)
    # The gate's independent count of posts read is a scan of its own; it runs beside the pipeline (on slots the
    # pipeline leaves idle) instead of after it. The gate's library is imported beside it too: the import takes
    # seconds in a fresh process, and the driver is idle while it waits on Spark (if it fails, the gate's own
    # import raises the error).
    background = b.stack.enter_context(ThreadPoolExecutor(max_workers=2, thread_name_prefix="postcurate-background"))
    b.staging = b.stack.enter_context(publishing.Staging.open(b.root, b.snapshot_id, b.run_id)).path
    background.submit(_preload_gate_library)
    b.posts_read_counted = background.submit(count_posts_read, b.tables["posts"].df, b.cutoff)


def changes_step(b: Build, _: Stage) -> None:
    """Full or incremental (``postcurate.incremental.plan``): one ``build_mode`` event says which, why, and how long
    choosing took (it reads the change feeds)."""
    assert b.identity is not None
    started = time.time()
    b.plan = incremental.plan(
        b.spark, identity=b.identity, previous=b.previous, tables=b.tables, geo=b.geo, pseudonyms=b.pseudonyms,
        dedup_enabled=b.config.dedup.enabled, max_changed_fraction=b.config.incremental.max_changed_fraction,
        root=b.root, full=b.full or not b.config.incremental.enabled, cache=b.cached,
    )
    if not b.config.incremental.enabled and not b.full:
        b.plan.reason = "incremental.enabled is false"
    event(
        "build_mode", mode=b.plan.mode, base=b.plan.base.snapshot_id if b.plan.base else None, reason=b.plan.reason,
        changed_posts=b.plan.changed_posts, duration_s=round(time.time() - started, 1),
    )


def decide_step(b: Build, st: Stage) -> None:
    """Decide every post, or in an incremental build the changed ones (materialises the cache the writes read
    from). Inside the event: planning the cached query already runs jobs (Delta's log replay, broadcasts)."""
    assert b.plan is not None
    t = b.tables
    posts = incremental.only(t["posts"].df, b.plan.keys) if b.plan.incremental and b.plan.keys is not None else t["posts"].df
    decided = decide(posts, t["users"].df, t["objections"].df, as_of=b.cutoff, geo=b.geo, rules=b.config.rules, pseudonyms=b.pseudonyms)
    b.decided = b.cached(decided.transform(for_destinations))
    b.posts_read = b.decided.count()
    st.count(**{"posts_decided" if b.plan.incremental else "posts_read": b.posts_read})


def redact_step(b: Build, st: Stage) -> None:
    """Redact the candidates, once: shards and the ledger (its "empty" and "duplicate" rows) both read them. With
    rule 10 off the redaction is left lazy, to run in the write step's jobs (and be timed there)."""
    assert b.decided is not None
    b.candidates = b.cached(redact_candidates(b.decided, detectors=b.detectors, rules=b.config.rules))
    b.dedup = {"enabled": b.config.dedup.enabled}
    if b.config.dedup.enabled:
        st.count(candidates=b.candidates.count())  # fills the cache, so the dedup step's time is its own


def dedup_step(b: Build, st: Stage) -> None:
    """Rule 10: duplicates of a kept post get the reason ``duplicate``."""
    assert b.candidates is not None
    register_normaliser(b.spark)
    found = b.cached(find_duplicates(b.candidates, b.config.dedup, register_near_duplicate_functions(b.spark, b.config.dedup)))
    b.dedup |= cluster_sizes(found)
    st.count(removed=b.dedup["removed"], clusters=b.dedup["clusters"], largest_cluster=b.dedup["largest_cluster"])
    b.candidates = with_duplicate_reason(b.candidates, found, removed=b.dedup["removed"])


def write_step(b: Build, _: Stage) -> None:
    """Write shards, ledger, quarantine and the author index into the staging folder."""
    assert b.staging is not None and b.decided is not None and b.candidates is not None and b.plan is not None
    curated = destinations(b.decided, b.candidates, b.config.output)
    if b.plan.incremental:
        curated, carried = incremental.merged(b.spark, b.root, b.plan, curated)
        b.posts_read += carried
    folders = shards.folder_rows(curated.shards)  # sizes the files, then cuts each folder into them
    rows_per_file = shards.rows_for_target(curated.shards, b.config.output.shard_target_mb, b.staging / "_sizing", folders)
    shards.write_shards(curated.shards, b.staging / layout.SHARDS, rows_per_file, folders)
    curated.ledger.write.parquet(str(b.staging / layout.LEDGER))
    curated.quarantine.write.parquet(str(b.staging / layout.QUARANTINE))
    shards.tidy(b.staging)
    # Lets a later purge find an author's shards without scanning them all (after tidy: it keeps its _SUCCESS).
    shards.tidy(write_author_index(b.spark, b.staging, schema=curated.shards.schema), keep_success=True)
    # The post pseudonyms that left the shards since the previous snapshot, for readers holding a copy of it.
    removed = incremental.removals(b.spark, b.root, b.previous, b.staging, b.pseudonyms.fingerprint)
    if removed is not None:
        removed.coalesce(1).write.parquet(str(b.staging / layout.REMOVED))
        written = b.spark.read.parquet(str(b.staging / layout.REMOVED))
        b.plan.removed = {r["reason"]: r["count"] for r in written.groupBy("reason").count().collect()}
        assert b.previous is not None
        b.plan.removed_since = {"snapshot_id": b.previous.snapshot_id, "revision": b.previous.revision or 0}
        shards.tidy(b.staging / layout.REMOVED)
    b.built = time.time()


def manifest_step(b: Build, st: Stage) -> None:
    assert b.staging is not None and b.identity is not None
    b.frames = b.stack.enter_context(SnapshotFrames(b.spark, b.staging))
    shard_files = describe_shards(b.staging / layout.SHARDS)
    counts = _counts(b.frames, b.posts_read, shard_files)
    b.manifest = Manifest.build(
        b.identity,
        snapshot_id=b.snapshot_id,
        run_id=b.run_id,
        created_at=b.now,
        code_commit=resources.code_commit(),
        geo=b.geo,
        geo_rules_path=b.config.geo_rules,
        settings={
            "rules": b.config.rules.__dict__ | {"allowed_post_types": list(b.config.rules.allowed_post_types)},
            "output": b.config.output.__dict__,
            "dedup": dataclasses.asdict(b.config.dedup),
        },
        countries_in_effect=list(b.geo.in_effect(b.as_of)),
        # The detectors' measured recall, only if it was measured for these very detectors (eval/recall.json).
        pii_recall=recall.for_detectors(b.detectors.sha256, resources.recall_file()),
        counts=counts,
        # Plain columns of the files: the gate's facts (text scans) are left to the gate.
        stats=shards.shard_stats(b.frames.shards),
        shards=shard_files,
        dedup=b.dedup,  # rule 10's figures (postcurate.dedup.cluster_sizes and enabled), counts only
    )
    assert b.plan is not None
    b.plan.record(b.manifest)
    # The published snapshot this one follows, for the report's side-by-side view (None for the first).
    b.manifest.previous = report.previous_summary(b.previous)
    st.count(kept=counts.kept, excluded=counts.excluded, quarantined=counts.quarantined, shard_files=len(shard_files))


def gate_step(b: Build, st: Stage) -> None:
    assert b.manifest is not None and b.manifest.geo_rules is not None and b.frames is not None and b.posts_read_counted is not None
    b.gate_started = time.time()
    posts_read = b.posts_read_counted.result()
    inputs = GateInputs(posts=b.tables["posts"].df, objections=b.tables["objections"].df, as_of=b.cutoff, pseudonyms=b.pseudonyms, posts_read=posts_read)
    record = b.manifest.publication = publication_record(posts_read, b.manifest.kept, b.previous, b.config.output.max_shrink, b.allow_shrink)
    publication = publication_frame(
        posts_read=record["posts_read"], kept=record["kept"], previous_kept=(record["previous"] or {}).get("kept"), shrink_allowed=b.allow_shrink
    )
    parameters = gate_parameters(
        allowed_countries=b.manifest.geo_rules["countries_in_effect"],
        allowed_post_types=b.config.rules.allowed_post_types,
        min_text_length=b.config.rules.min_text_length,
        max_shrink=b.config.output.max_shrink,
    )
    b.gate = run_gate(b.frames.gate_frames(b.manifest, inputs) | {"publication": publication}, parameters, scopes=("snapshot", "inputs", "publish"))
    st.count(failed=0 if b.gate.success else 1)


def verdict_step(b: Build, _: Stage) -> None:
    """Record the gate's results and the report in the staging folder; a failed gate keeps them in ``_rejected/``."""
    assert b.manifest is not None and b.manifest.publication is not None and b.gate is not None and b.frames is not None and b.staging is not None
    b.frames.close()
    gate_s = time.time() - b.gate_started
    b.manifest.quality = b.gate.to_dict()
    b.manifest.timings_s = {"build": round(b.built - b.started, 1), "gate": round(gate_s, 1), "total": round(time.time() - b.started, 1)}
    log.info("quality gate: %s in %.1f s (build took %.1f s)", "passed" if b.gate.success else "FAILED", gate_s, b.built - b.started)
    (b.staging / "quality").mkdir(exist_ok=True)
    (b.staging / layout.QUALITY_RESULTS).write_text(json_text(b.manifest.quality))
    b.report_path = report.write_report(b.staging / layout.REPORT_DIR, b.manifest)
    if not b.gate.success:
        kept = publishing.reject(b.root, b.staging)
        why = [f"  {b.manifest.publication['verdict']}"] if any(o.suite == "publication" for o in b.gate.failures) else []
        raise QualityGateError("\n".join([b.gate.message(), *why, f"  results and report kept in {kept}"]))


def publish_step(b: Build, _: Stage) -> None:
    assert b.manifest is not None and b.staging is not None and b.report_path is not None
    if layout.is_published(b.root, b.snapshot_id):
        # Another run published the same snapshot while we built ours; it is identical, keep theirs.
        b.result = b.already_published()
        return
    staged = {"ledger": b.frames.ledger, "quarantine": b.frames.quarantine} if b.frames is not None else None
    publishing.append_audit_tables(b.spark, b.root, b.staging, snapshot_id=b.snapshot_id, run_id=b.run_id, staged=staged)
    b.manifest.write(b.staging)
    write_card(b.staging, b.manifest, geo=b.geo, detectors=b.detectors)  # the dataset card (README.md)
    publishing.move_into_place(b.root, b.staging, b.snapshot_id)
    published = layout.snapshot_dir(b.root, b.snapshot_id)
    counts = {k: v for k, v in b.manifest.counts.to_dict().items() if k in RUN_COUNTS} if b.manifest.counts else {}
    b.result = RunResult(
        b.snapshot_id, published, True, counts=counts, manifest=b.manifest.to_dict(), run_id=b.run_id,
        report_path=published / b.report_path.relative_to(b.staging), record=b.manifest,
    )


STEPS: tuple[Step, ...] = (
    Step("read", read_step),
    Step(None, plan_step),
    Step(None, changes_step),  # its own event: build_mode
    Step("decide", decide_step),
    Step("redact", redact_step, when=lambda b: b.config.dedup.enabled),
    Step(None, redact_step, when=lambda b: not b.config.dedup.enabled),
    Step("dedup", dedup_step, when=lambda b: b.config.dedup.enabled),
    Step("write", write_step),
    Step("manifest", manifest_step),
    Step("gate", gate_step),
    Step(None, verdict_step),
    Step("publish", publish_step, guard=lambda b: publishing.publish_lock(b.root)),
)


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
    full: bool = False,
) -> RunResult:
    """Build, check and publish one snapshot as of ``as_of`` (default: now), walking ``STEPS``.

    ``geo`` and ``detectors`` are the config's files, loaded by the caller before it started Spark (default: load them).
    Raises ``QualityGateError`` (nothing published) when an expectation fails, among them: no post read, or kept
    rows fallen by more than ``output.max_shrink`` against the previous published snapshot (``allow_shrink`` lets
    that fall through, and the manifest says so). ``full``: build from the inputs alone, even when an earlier
    snapshot and the tables' change feeds would allow an incremental build.
    """
    started = time.time()
    now = now or utc_now()
    detectors = detectors if detectors is not None else load_detectors(config.detectors)
    # Compiled in the JVM now, in Java's regex dialect: a pattern Java cannot read stops the run before any work.
    register_scanner(spark, detectors)
    b = Build(
        spark, config, geo if geo is not None else load_geo_rules(config.geo_rules), detectors,
        keyed_pseudonyms(spark, key),  # the key goes to the JVM function that holds it; not kept here
        now, as_of or now, allow_shrink, full=full, started=started,
    )
    with b.stack:
        for step in (s for s in STEPS if s.when is None or s.when(b)):
            with step.guard(b) if step.guard else contextlib.nullcontext(), stage(step.name) if step.name else _unreported() as st:
                step.work(b, st)
            if b.result is not None:
                return b.result
    raise RuntimeError("the run's steps ended without a result")  # a bug: publish_step always sets one


@contextlib.contextmanager
def _unreported():
    yield Stage("")


def json_text(value: Any) -> str:
    import json

    return json.dumps(value, indent=2) + "\n"


def _preload_gate_library() -> None:
    import great_expectations  # noqa: F401


def _counts(snap: SnapshotFrames, posts_read: int, shard_files: list[ShardFile]) -> Counts:
    # The ledger by reason and the quarantine by the check each post failed: one small aggregate of both, which
    # the gate's reconciliation reads again.
    destinations = snap.destination_counts()
    by_reason: dict = {r: 0 for r in REASONS}
    by_reason.update(destinations["ledger"])
    by_check: dict = destinations["quarantine"]
    by_reason["invalid"] = sum(by_check.values())
    return Counts(
        posts_read=posts_read,
        kept=sum(s.rows for s in shard_files),  # from the Parquet footers (the gate counts the rows themselves)
        excluded=sum(v for r, v in by_reason.items() if r != "invalid"),
        quarantined=by_reason["invalid"],
        by_reason=by_reason,
        quarantine_by_check=dict(sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def publication_record(posts_read: int, kept: int, previous: Manifest | None, max_shrink: float, allow_shrink: bool) -> dict:
    """What the publication checks compare, and their verdict in words (the manifest's ``publication``).

    ``previous``: the manifest of the previous published snapshot (``previous_published``), whose current revision's
    kept rows are compared, so rows a purge removed from it since are not counted as this run's fall.
    """
    before = None
    if previous is not None:
        before = {"snapshot_id": previous.snapshot_id, "as_of": previous.as_of, "revision": previous.revision or 0, "kept": previous.kept}
    shrink = publication_shrink(kept, previous.kept if previous is not None else None)
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
