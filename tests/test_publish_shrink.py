"""Nothing empty or shrunken gets published: an empty posts table, or kept rows fallen by more than output.max_shrink
against the previous published snapshot, fail the gate (exit 4, nothing published, results kept under _rejected/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TEST_KEY, write_config
from factories import frame
from purgekit import (
    AUTHORS,
    POSTS_PER_AUTHOR,
    add_objections,
    build_lake,
    fresh_copy,
)

import postcurate.job
import postcurate.session
from postcurate.cli import main
from postcurate.clock import utc_now
from postcurate.config import load_config
from postcurate.errors import (
    EXIT_QUALITY_GATE_FAILED,
    ConfigError,
    InputError,
    QualityGateError,
)
from postcurate.job import RunResult, run
from postcurate.purge import purge
from postcurate.snapshot import layout
from postcurate.snapshot import publish as publishing

LIB = str(Path(__file__).resolve().parents[1] / "lib")
ALL_POSTS = len(AUTHORS) * POSTS_PER_AUTHOR
FIVE = ["us1", "us2", "us3", "gb1", "gb2"]  # 15 of the 24 posts: kept falls by 62.5%


@pytest.fixture
def first(small_published):
    """The small lake published once (every post kept). Read-only: copy it."""
    assert json.loads((small_published.snapshot_dir / "manifest.json").read_text())["counts"]["kept"] == ALL_POSTS
    return small_published


def _rejected_results(out: Path) -> dict:
    (results,) = (out / "_rejected").glob("*/quality/results.json")
    assert (results.parent.parent / "report" / "index.html").is_file()
    return json.loads(results.read_text())


def _suite(results: dict, name: str) -> list[dict]:
    return [e for e in results["expectations"] if e["suite"] == name]


def test_a_fall_beyond_the_limit_fails_the_gate_and_allow_shrink_lets_it_through(spark, first, tmp_path):
    p = fresh_copy(first, tmp_path)
    add_objections(spark, p.lake, FIVE)
    config = load_config(p.config_path)
    cutoff = utc_now()

    with pytest.raises(QualityGateError) as failed:
        run(spark, config, key=TEST_KEY, as_of=cutoff)
    assert failed.value.exit_code == EXIT_QUALITY_GATE_FAILED
    message = str(failed.value)
    assert "publication: expect_column_values_to_be_between(shrink): 1 of 1 rows unexpected" in message
    assert f"kept 9 rows where the previous published snapshot {first.snapshot_dir.name} keeps 24 (-62.5%)" in message
    assert "more than output.max_shrink (50%)" in message and "--allow-shrink" in message
    # Nothing published: LATEST and the snapshots are as they were; the results and the report are kept.
    assert layout.latest(p.out) == first.snapshot_dir.name and layout.published_snapshots(p.out) == [first.snapshot_dir.name]
    (shrink,) = [e for e in _suite(_rejected_results(p.out), "publication") if e["column"] == "shrink"]
    assert shrink["success"] is False and shrink["unexpected_count"] == 1

    result = run(spark, config, key=TEST_KEY, as_of=cutoff, allow_shrink=True)
    assert result.published and layout.latest(p.out) == result.snapshot_id
    record = result.manifest["publication"]
    assert record["shrink_allowed"] is True and record["shrink"] == 0.625 and record["max_shrink"] == 0.5
    assert record["previous"] == {"snapshot_id": first.snapshot_dir.name, "as_of": record["previous"]["as_of"], "revision": 0, "kept": 24}
    assert record["verdict"].endswith("let through by --allow-shrink")
    assert all(e["success"] for e in _suite(result.manifest["quality"], "publication"))
    assert result.manifest["quality"]["parameters"]["max_shrink"] == 0.5
    # The rejected run and the allowed one are the same snapshot: the flag is not part of its identity.
    assert [d.name.split(".")[0] for d in (p.out / "_rejected").iterdir()] == [result.snapshot_id]

    # Nor is the limit: another output.max_shrink gives the same id, already published.
    (tmp_path / "relaxed").mkdir()
    relaxed = load_config(write_config(tmp_path / "relaxed", p.lake, p.out, output__max_shrink=0.9))
    again = run(spark, relaxed, key=TEST_KEY, as_of=cutoff)
    assert not again.published and again.snapshot_id == result.snapshot_id


def test_the_fall_is_measured_against_the_previous_snapshot_after_its_purges(spark, first, tmp_path, monkeypatch):
    p = fresh_copy(first, tmp_path)
    add_objections(spark, p.lake, FIVE)
    config = load_config(p.config_path)
    purge(spark, config, key=TEST_KEY)  # the published snapshot now keeps 9 rows (revision 1)

    result = run(spark, config, key=TEST_KEY)  # 9 kept against 9: no fall, though revision 0 kept 24
    assert result.published
    record = result.manifest["publication"]
    assert record["previous"]["revision"] == 1 and record["previous"]["kept"] == 9 and record["shrink"] == 0
    assert record["shrink_allowed"] is False and "within output.max_shrink (50%)" in record["verdict"]


def test_an_empty_posts_table_fails_the_gate_even_with_allow_shrink(spark, tmp_path):
    lake, out = tmp_path / "lake", tmp_path / "out"
    build_lake(spark, lake)
    frame(spark, "posts", []).write.format("delta").mode("overwrite").save(str(lake / "posts"))
    config = load_config(write_config(tmp_path, lake, out))
    for allow_shrink in (False, True):
        with pytest.raises(QualityGateError) as failed:
            run(spark, config, key=TEST_KEY, allow_shrink=allow_shrink)
        message = str(failed.value)
        assert "publication: expect_column_min_to_be_between(posts_read): observed 0" in message
        assert "an empty feed is never published, even with --allow-shrink" in message
        assert layout.published_snapshots(out) == [] and layout.latest(out) is None
    results = [json.loads(f.read_text()) for f in (out / "_rejected").glob("*/quality/results.json")]
    assert len(results) == 2
    assert all([e["success"] for e in _suite(r, "publication") if e["column"] == "posts_read"] == [False] for r in results)


def test_the_previous_snapshot_is_the_newest_at_or_before_the_cut_off(tmp_path):
    import datetime as dt

    def snapshot(snapshot_id: str, created_at: str, text: str | None = None) -> None:
        folder = tmp_path / "snapshots" / snapshot_id
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(text or json.dumps({"snapshot_id": snapshot_id, "created_at": created_at, "counts": {"kept": 1}}))

    at = lambda s: dt.datetime.fromisoformat(s)  # noqa: E731
    assert publishing.previous_published(tmp_path, at("2026-11-01T00:00:00+00:00")) is None
    snapshot("20261001T000000Z-aaaaaaaaaaaa", "2026-10-01T01:00:00+00:00")
    snapshot("20261101T000000Z-bbbbbbbbbbbb", "2026-11-01T01:00:00+00:00")
    snapshot("20261101T000000Z-cccccccccccc", "2026-11-02T01:00:00+00:00")  # same cut-off, built later
    snapshot("20261201T000000Z-dddddddddddd", "2026-12-01T01:00:00+00:00", text="{broken")  # newer: never read
    assert publishing.previous_published(tmp_path, at("2026-11-15T00:00:00+00:00")).snapshot_id == "20261101T000000Z-cccccccccccc"
    assert publishing.previous_published(tmp_path, at("2026-11-01T00:00:00+00:00")).snapshot_id == "20261101T000000Z-cccccccccccc"
    # A backfill is compared with what came before it; a rebuild of a cut-off is not compared with itself.
    assert publishing.previous_published(tmp_path, at("2026-10-15T00:00:00+00:00")).snapshot_id == "20261001T000000Z-aaaaaaaaaaaa"
    other = publishing.previous_published(tmp_path, at("2026-11-01T00:00:00+00:00"), other_than="20261101T000000Z-cccccccccccc")
    assert other.snapshot_id == "20261101T000000Z-bbbbbbbbbbbb"
    assert publishing.previous_published(tmp_path, at("2026-09-01T00:00:00+00:00")) is None
    # The one to compare with cannot be read: fail closed.
    with pytest.raises(InputError, match="20261201T000000Z-dddddddddddd/manifest.json"):
        publishing.previous_published(tmp_path, at("2026-12-02T00:00:00+00:00"))


def test_max_shrink_is_a_share_between_0_and_1(tmp_path):
    assert load_config(write_config(tmp_path, tmp_path, tmp_path / "out")).output.max_shrink == 0.5
    assert load_config(write_config(tmp_path, tmp_path, tmp_path / "out", output__max_shrink=0)).output.max_shrink == 0
    for bad in (-0.1, 1.5, "half", True):
        with pytest.raises(ConfigError, match="output.max_shrink"):
            load_config(write_config(tmp_path, tmp_path, tmp_path / "out", output__max_shrink=bad))


def test_allow_shrink_reaches_the_job_from_the_cli_and_the_spark_submit_entry(tmp_path, monkeypatch):
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    monkeypatch.setattr(postcurate.session, "build_spark_from_config", lambda config, **_: None)
    seen = []
    manifest = {"snapshot_id": "s", "as_of": "2026-11-01T00:00:00+00:00", "shards": [],
                "counts": {"posts_read": 0, "kept": 0, "excluded": 0, "quarantined": 0, "by_reason": {}}}

    def fake_run(spark, config, **kwargs):
        seen.append(kwargs["allow_shrink"])
        return RunResult("s", tmp_path, True, manifest=manifest)

    monkeypatch.setattr(postcurate.job, "run", fake_run)
    env = {"POSTCURATE_TEST_KEY": TEST_KEY.decode()}
    for args in ([], ["--allow-shrink"]):
        result = CliRunner().invoke(main, ["run", "--config", str(config), *args], env=env)
        assert result.exit_code == 0, result.output
    assert seen == [False, True]
    # jobs/curate.py is the same command: it knows the flag (and fails on the missing config, not on the option).
    script = Path(__file__).resolve().parents[1] / "jobs" / "curate.py"
    proc = subprocess.run([sys.executable, str(script), "--config", str(tmp_path / "missing.yaml"), "--allow-shrink"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": LIB})
    assert proc.returncode == 2 and "config file not found" in proc.stderr, proc.stderr
