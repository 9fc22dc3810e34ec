"""Incremental runs publish what full runs publish: a seeded lake, rounds of generated changes (tests/rounds.py), and
after each round an incremental run and a full run at the same cut-off and key, compared row by row."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import REFERENCE_AS_OF, SHORT_JVM_CONF, TEST_KEY, kill_when_writing, write_config
from rounds import apply_round

from postcurate.config import load_config
from postcurate.job import run
from postcurate.snapshot import layout

REPO = Path(__file__).resolve().parents[1]
T0 = dt.datetime.fromisoformat(REFERENCE_AS_OF)
ROUNDS = 5
OWN_PROCESS = {"master": "local[2]", "conf": {"spark.sql.shuffle.partitions": 2, "spark.ui.enabled": False, "spark.driver.memory": "1g", **SHORT_JVM_CONF}}


def _geo_rules_that_move(folder: Path) -> Path:
    """The shipped geo rules, plus rules that start, end or change their minimum age between the rounds' cut-offs."""
    raw = yaml.safe_load((REPO / "conf" / "geo_rules.yaml").read_text())
    for rule in raw["rules"]:
        if rule["countries"] == ["BR"]:
            rule["until"] = dt.date(2026, 11, 3)  # a regulator's hold from round 2's cut-off on
        if rule["countries"] == ["CA"]:
            rule["until"] = dt.date(2026, 11, 2)
    raw["rules"] += [
        {"countries": ["CA"], "from": dt.date(2026, 11, 2), "min_age": 21, "legal_basis": "notice", "notes": "Test rule: the minimum age rises."},
        {"countries": ["JP"], "from": dt.date(2026, 11, 4), "min_age": 18, "legal_basis": "notice", "notes": "Test rule: a country starts."},
    ]
    path = folder / "geo_rules.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _rows(spark, snapshot: Path, part: str) -> dict[str, tuple]:
    """post_pid -> the whole row, of one part of a published snapshot."""
    df = spark.read.parquet(str(snapshot / part))
    rows = {}
    for r in df.collect():
        d = r.asDict(recursive=True)
        rows[d["post_pid"]] = tuple(sorted((k, repr(v)) for k, v in d.items()))
    return rows


@pytest.fixture(scope="module")
def rounds(spark, tmp_path_factory):
    """Round 0: a full build; then ROUNDS rounds of changes, each followed by an incremental and a full run."""
    from postcurate.seed import seed_lake

    folder = tmp_path_factory.mktemp("incremental")
    lake = seed_lake(spark, str(folder / "lake"), posts=300, seed=23)
    geo = _geo_rules_that_move(folder)

    def config(name: str):
        (folder / name).mkdir(exist_ok=True)
        # The spark section is for the killed run's own process; in this process the suite's session is used.
        return load_config(write_config(folder / name, lake.root, folder / name / "out", geo_rules=str(geo), dedup__enabled=False, spark=OWN_PROCESS,
                                        incremental__max_changed_fraction=0.9))

    incremental, full = config("incremental"), config("full")
    now = dt.datetime.now(dt.timezone.utc)
    first = run(spark, incremental, key=TEST_KEY, as_of=T0, now=now)
    run(spark, full, key=TEST_KEY, as_of=T0, now=now)  # each side follows a snapshot of T0 (their removed/ lists)
    results = []
    for k in range(1, ROUNDS + 1):
        prev, cutoff = T0 + dt.timedelta(days=k - 1), T0 + dt.timedelta(days=k)
        changes = apply_round(spark, lake.root, k, prev_cutoff=prev, cutoff=cutoff, seed=5)
        now = dt.datetime.now(dt.timezone.utc)
        inc = run(spark, incremental, key=TEST_KEY, as_of=cutoff, now=now)
        ful = run(spark, full, key=TEST_KEY, as_of=cutoff, now=now, full=True)
        results.append((k, changes, inc, ful))
    return first, results, lake, incremental


def test_the_first_run_builds_in_full_and_says_why(rounds):
    first, *_ = rounds
    assert first.published
    assert first.manifest["mode"] == "full"
    assert first.manifest["mode_info"]["reason"] == "no earlier published snapshot at or before this cut-off"
    assert "removed" not in first.manifest  # nothing before it to compare with


def test_every_round_is_incremental_and_publishes_the_full_builds_rows(spark, rounds):
    first, results, *_ = rounds
    base = first.snapshot_id
    for k, _changes, inc, ful in results:
        assert inc.published and ful.published, k  # both passed the gate
        assert inc.manifest["mode"] == "incremental", (k, inc.manifest["mode_info"])
        assert inc.manifest["mode_info"]["base"] == base, k
        assert 0 < inc.manifest["mode_info"]["changed_posts"] < inc.counts["posts_read"], k
        assert ful.manifest["mode"] == "full" and ful.manifest["mode_info"]["reason"] == "asked for (--full)"
        assert inc.snapshot_id == ful.snapshot_id, k  # same identity
        for part in (layout.SHARDS, layout.LEDGER, layout.QUARANTINE, layout.REMOVED):
            a, b = _rows(spark, inc.snapshot_path, part), _rows(spark, ful.snapshot_path, part)
            assert a.keys() == b.keys(), (k, part, len(a.keys() ^ b.keys()))
            assert a == b, (k, part, sum(a[p] != b[p] for p in a))
        assert inc.counts == ful.counts, k
        assert inc.manifest["removed"] == ful.manifest["removed"], k
        base = inc.snapshot_id


def test_the_rounds_move_posts_every_way(spark, rounds):
    """The comparison above means something only if the rounds moved posts in and out of the shards."""
    first, results, *_ = rounds
    counts = [first.counts] + [ful.counts for _, _, _, ful in results]
    kept = [c["kept"] for c in counts]
    assert len(set(kept)) > 2, kept
    removed: dict[str, int] = {}
    for _, _, inc, _ in results:
        for reason, n in inc.manifest["removed"].items():
            removed[reason] = removed.get(reason, 0) + n
    # Posts left the shards for these reasons over the rounds (deleted, re-scoped, objected, account, geo, age, gone).
    for reason in ("deleted", "not_public", "objected", "account_not_eligible", "geo_blocked", "gone"):
        assert removed.get(reason, 0) > 0, removed


def test_a_country_whose_rule_changed_moves_its_posts(spark, rounds):
    """BR's hold starts at round 2's cut-off (2026-11-03): its kept posts leave then, as geo_blocked, whether or not
    any of their rows changed."""
    _, results, *_ = rounds
    by_round = {k: ful for k, _, _, ful in results}
    before = _rows(spark, by_round[1].snapshot_path, layout.SHARDS)
    after = _rows(spark, by_round[2].snapshot_path, layout.SHARDS)
    br_before = {p for p, row in before.items() if ("country", "'BR'") in row}
    assert br_before and not any(("country", "'BR'") in row for row in after.values())
    removed = _rows(spark, results[1][2].snapshot_path, layout.REMOVED)
    assert {p for p in br_before if p in removed} == br_before - after.keys()
    reasons = [dict(removed[p])["reason"] for p in br_before if p in removed]
    # Most leave as geo_blocked; a BR post the round also changed may leave for an earlier rule (never a later one).
    assert "'geo_blocked'" in reasons and max(reasons, key=reasons.count) == "'geo_blocked'", reasons
    assert set(reasons) <= {"'deleted'", "'not_public'", "'type_not_allowed'", "'account_not_eligible'", "'geo_blocked'", "'invalid'", "'gone'"}, reasons


def test_a_run_builds_in_full_when_too_many_posts_changed_or_rule_10_is_on(spark, rounds):
    """``incremental.plan`` on the last round's snapshot, for a later cut-off that brings the future-dated versions
    in: incremental under the threshold, full (with the reason) at one post fewer, with rule 10 on, or with --full."""
    from postcurate import incremental
    from postcurate.lake import read_pinned
    from postcurate.pii import load_detectors
    from postcurate.pseudonyms import keyed_pseudonyms
    from postcurate.rules.geo import load_geo_rules
    from postcurate.snapshot import Manifest, RunIdentity

    _, results, _, config = rounds
    last = Manifest.read(results[-1][2].snapshot_path)
    tables = {n: read_pinned(spark, n, getattr(config.inputs, n)) for n in ("posts", "users", "objections")}
    geo, detectors, pseudonyms = load_geo_rules(config.geo_rules), load_detectors(config.detectors), keyed_pseudonyms(spark, TEST_KEY)
    identity = RunIdentity.of_run(
        config, as_of=T0 + dt.timedelta(days=60), tables=tables, geo_sha256=geo.sha256, detectors_sha256=detectors.sha256,
        key_fingerprint=pseudonyms.fingerprint,
    )

    def plan(**kw):
        settings = {"dedup_enabled": False, "max_changed_fraction": 1.0, "full": False} | kw
        return incremental.plan(spark, identity=identity, previous=last, tables=tables, geo=geo, pseudonyms=pseudonyms,
                                root=Path(config.output_root), cache=lambda df: df, **settings)

    within = plan()
    assert within.incremental and within.base is not None and within.changed_posts > 0, within.reason
    read = last.counts.posts_read
    over = plan(max_changed_fraction=(within.changed_posts - 1) / read)
    assert over.mode == "full" and "incremental.max_changed_fraction" in over.reason and over.keys is None
    assert plan(dedup_enabled=True).reason.startswith("rule 10 is on")
    assert plan(full=True).reason == "asked for (--full)"


def test_a_copy_of_an_older_snapshot_is_brought_up_to_date_from_the_removal_lists(rounds, tmp_path):
    """An ML engineer holds a copy of the first snapshot: following the removal lists to the last round's snapshot
    drops exactly the posts that left the shards in some later snapshot, and keeps the rest."""
    from click.testing import CliRunner

    from postcurate.cli import main
    from postcurate.reader import SnapshotError, open_snapshot

    first, results, _, config = rounds
    root = Path(config.output_root)
    ids = [first.snapshot_id] + [inc.snapshot_id for _, _, inc, _ in results]
    snaps = [open_snapshot(root, snapshot_id=i) for i in ids]
    pids = [set(s.table(columns=["post_pid"]).column("post_pid").to_pylist()) for s in snaps]
    latest = snaps[-1]
    assert latest.manifest["removed_since"] == {"snapshot_id": ids[-2], "revision": 0}

    gone = latest.removed_since(first.snapshot_id)
    left = {p for p in pids[0] if any(p not in later for later in pids[1:])}
    assert left and set(gone.column("post_pid").to_pylist()) & pids[0] == left
    for row in gone.to_pylist():  # each is absent from the snapshot it is said to have left in, present before it
        at = ids.index(row["left_in"])
        assert row["post_pid"] not in pids[at] and row["post_pid"] in set().union(*pids[:at]), row
        assert row["left_at_revision"] == 0 and row["reason"]
    assert gone.num_rows == len(set(gone.column("post_pid").to_pylist()))  # one row per post: where it first left

    copy = snaps[0].table()
    brought = latest.catch_up(copy, since=first.snapshot_id)
    assert set(brought.column("post_pid").to_pylist()) == pids[0] - left
    assert set(brought.column("post_pid").to_pylist()) <= pids[-1]  # the copy holds nothing the newer snapshot does not
    assert brought.schema == copy.schema
    # From a snapshot in the middle of the chain; from itself, nothing.
    mid = latest.removed_since(ids[2])
    assert set(mid.column("post_pid").to_pylist()) & pids[2] == {p for p in pids[2] if any(p not in later for later in pids[3:])}
    assert latest.removed_since(ids[-1]).num_rows == 0

    # What cannot be followed says so: a snapshot that is not an earlier one, a revision that never was.
    with pytest.raises(SnapshotError, match="records no earlier snapshot"):
        latest.removed_since("20260101T000000Z-0000000000")
    with pytest.raises(SnapshotError, match="has revisions 0..0"):
        latest.removed_since(first.snapshot_id, revision=1)
    with pytest.raises(SnapshotError, match="post_pid"):
        latest.catch_up(copy.drop(["post_pid"]), since=first.snapshot_id)

    # The command line: counts on stdout, the pseudonyms in the file only.
    out = tmp_path / "gone.parquet"
    cli = CliRunner().invoke(main, ["removed", "--root", str(root), ids[-1], "--since", first.snapshot_id, "--out", str(out), "--json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["posts"] == gone.num_rows and pq.read_table(out).equals(gone)
    assert not any(p in cli.output for p in gone.column("post_pid").to_pylist())
    bad = CliRunner().invoke(main, ["removed", "--root", str(root), "--since", f"{first.snapshot_id}@x"])
    assert bad.exit_code == 2 and "SNAPSHOT_ID@REVISION" in bad.output


def test_a_killed_incremental_run_leaves_the_previous_snapshot_and_the_next_run_completes(spark, rounds):
    """One more round; its run, in a process of its own, is killed (SIGKILL) once it writes shards. The last
    snapshot stays published and LATEST; the next run cleans up and publishes incrementally from it."""
    _, results, lake, config = rounds
    root = Path(config.output_root)
    last = results[-1][2]
    k = ROUNDS + 1
    cutoff = T0 + dt.timedelta(days=k)
    apply_round(spark, lake.root, k, prev_cutoff=cutoff - dt.timedelta(days=1), cutoff=cutoff, seed=5)
    env = dict(os.environ, POSTCURATE_TEST_KEY=TEST_KEY.decode(), PYTHONPATH=str(REPO / "lib"))
    log = root.parent / "killed.log"
    with open(log, "ab") as out:
        killed = subprocess.Popen(
            [sys.executable, "-m", "postcurate", "run", "--config", str(config.path), "--as-of", cutoff.isoformat()],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,  # the kill reaches its JVM too
        )
    kill_when_writing(killed, root, log)
    assert '"mode": "incremental"' in log.read_text(), "the killed run was building incrementally"
    assert layout.latest(root) == last.snapshot_id
    assert not any(cut == f"{cutoff:%Y%m%dT%H%M%SZ}" for cut in map(layout.cutoff_stamp, layout.published_snapshots(root)))

    now = dt.datetime.now(dt.timezone.utc)
    again = run(spark, config, key=TEST_KEY, as_of=cutoff, now=now)
    assert again.published and layout.latest(root) == again.snapshot_id
    assert again.manifest["mode"] == "incremental" and again.manifest["mode_info"]["base"] == last.snapshot_id
    assert not (root / "_staging").exists() or not any(p for p in (root / "_staging").iterdir() if not p.name.endswith(".lock"))
