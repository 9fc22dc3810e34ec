"""Every recipe in docs/reading.md and in the README's "Reading a snapshot" section runs against a published snapshot,
against one that kept no row, and against one a purge emptied.

The recipes are extracted from the Markdown (each fenced block after a ``<!-- recipe: NAME -->`` marker) and run
verbatim, in a folder where ``var/out`` is the snapshot's output root, so the docs and the tests cannot drift.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import TEST_KEY
from purgekit import REPO as PURGEKIT_REPO
from purgekit import fresh_copy

from postcurate.config import load_config
from postcurate.purge import purge

REPO = Path(__file__).resolve().parents[1]
_RECIPE = re.compile(r"<!-- recipe: ([a-z_]+) -->\s*```python\n(.*?)```", re.S)


def recipes(doc: Path) -> dict[str, str]:
    found = _RECIPE.findall(doc.read_text())
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"{doc.name}: duplicate recipe names {names}"
    return dict(found)


def _docs() -> list[Path]:
    return [REPO / "docs" / "reading.md", REPO / "README.md"]


# What each recipe must have read: a check on the namespace it leaves behind, against the manifest.
def _rows(counts: dict) -> dict:
    """Counts by split or country without the zero entries (a reader that groups rows sees only those with rows)."""
    return {k: v for k, v in counts.items() if v}


def _check_reader(ns, m):
    assert ns["table"].num_rows == m["counts"]["kept"]
    assert ns["rows"] == m["counts"]["by_split"]["train"]
    assert {"text", "split", "country"} <= set(ns["table"].column_names)


def _check_pyarrow(ns, m):
    assert ns["table"].num_rows == m["counts"]["kept"]
    assert sorted(set(ns["table"]["country"].to_pylist())) == sorted(m["counts"]["by_country"])
    assert ns["train"].num_rows == m["counts"]["by_split"]["train"]


def _check_pandas(ns, m):
    assert len(ns["df"]) == m["counts"]["kept"]
    assert ns["df"]["split"].astype(str).value_counts().to_dict() == _rows(m["counts"]["by_split"])


def _check_duckdb(ns, m):
    assert ns["n"] == m["counts"]["kept"]


def _check_polars(ns, m):
    assert ns["df"].height == m["counts"]["kept"]
    assert dict(ns["df"]["split"].value_counts().iter_rows()) == _rows(m["counts"]["by_split"])


def _check_datasets(ns, m):
    ds = ns["ds"]
    assert {split: len(ds[split]) for split in ds} == m["counts"]["by_split"]
    assert sum(len(ds[split]) for split in ds) == m["counts"]["kept"]
    assert "text" in ds["train"].column_names


# What docs/reading.md's longer recipes read besides.
def _check_pandas_validation(ns, m):
    assert len(ns["validation"]) == m["counts"]["by_split"]["validation"]


def _check_duckdb_by_country(ns, m):
    assert dict(ns["by_country"]) == _rows(m["counts"]["by_country"])


def _check_polars_train_text(ns, m):
    assert ns["train_text"].height == m["counts"]["by_split"]["train"]
    assert ns["train_text"].columns == ["text", "lang"]


CHECKS = {
    "reader": _check_reader,
    "pyarrow": _check_pyarrow,
    "pandas": _check_pandas,
    "duckdb": _check_duckdb,
    "polars": _check_polars,
    "datasets": _check_datasets,
}
EXTRA_CHECKS = {
    "reading.md": {"pandas": _check_pandas_validation, "duckdb": _check_duckdb_by_country, "polars": _check_polars_train_text},
    "README.md": {},
}
SPECIAL = {"setup", "distributed"}


@pytest.fixture(scope="module")
def purged_empty_snapshot(spark, small_published, tmp_path_factory):
    """A copy of the small published lake whose every country went under a hold after it was published, then purged."""
    folder = tmp_path_factory.mktemp("purged-empty")
    rules = yaml.safe_load((PURGEKIT_REPO / "conf" / "geo_rules.yaml").read_text())
    for rule in rules["rules"]:
        rule["until"] = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    (folder / "holds.yaml").write_text(yaml.safe_dump(rules, sort_keys=False))
    copy = fresh_copy(small_published, folder / "copy", geo_rules=str(folder / "holds.yaml"))
    (outcome,) = purge(spark, load_config(copy.config_path), key=TEST_KEY).snapshots
    assert outcome.changed and outcome.shards_dropped > 0
    return copy.snapshot_dir


# The snapshots every recipe must read: one with rows, one that kept no row (conftest's empty_snapshot: every post
# of the sample lake read, none long enough), one a purge emptied.
SNAPSHOT_DIRS = {
    "published": lambda request: request.getfixturevalue("published_snapshot").snapshot_path,
    "empty": lambda request: request.getfixturevalue("empty_snapshot").snapshot_path,
    "purged to empty": lambda request: request.getfixturevalue("purged_empty_snapshot"),
}


@pytest.fixture(params=list(SNAPSHOT_DIRS))
def in_reader_folder(request, tmp_path, monkeypatch):
    """A working folder where ``var/out`` is a snapshot's output root (as after `postcurate demo`); its manifest."""
    import json

    snapshot_dir = SNAPSHOT_DIRS[request.param](request)
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    if request.param != "published":
        assert manifest["counts"]["kept"] == 0 and manifest["counts"]["posts_read"] > 0
        assert [s["rows"] for s in manifest["shards"]] == [0, 0]  # the zero-row file of each split
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "out").symlink_to(snapshot_dir.parent.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return manifest


def _run(code: str, setup: str) -> dict:
    ns: dict = {"__name__": "recipe"}
    exec(compile(setup, "<setup>", "exec"), ns)
    exec(compile(code, "<recipe>", "exec"), ns)
    return ns


def test_every_recipe_is_checked():
    assert _docs(), "docs/reading.md is missing"
    for doc in _docs():
        names = set(recipes(doc))
        assert names == set(CHECKS) | SPECIAL, f"{doc.name}: recipes {sorted(names)} vs checks {sorted(set(CHECKS) | SPECIAL)}"
        assert set(EXTRA_CHECKS[doc.name]) <= names


@pytest.mark.parametrize("doc", _docs(), ids=lambda d: d.name)
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_recipe_reads_the_whole_snapshot(doc, name, in_reader_folder):
    found = recipes(doc)
    ns = _run(found[name], found["setup"])
    CHECKS[name](ns, in_reader_folder)
    if name in EXTRA_CHECKS[doc.name]:
        EXTRA_CHECKS[doc.name][name](ns, in_reader_folder)


@pytest.mark.parametrize("doc", _docs(), ids=lambda d: d.name)
def test_distributed_recipe_gives_each_rank_its_own_part(doc, in_reader_folder, monkeypatch):
    found = recipes(doc)
    seen, shards = [], []
    for rank in range(2):
        monkeypatch.setenv("RANK", str(rank))
        monkeypatch.setenv("WORLD_SIZE", "2")
        ns = _run(found["distributed"], found["setup"])
        seen.append(ns["seen"])
        shards.append({s.path for s in ns["mine"].shards})
    assert shards[0].isdisjoint(shards[1])
    assert sum(seen) == in_reader_folder["counts"]["by_split"]["train"]
    assert shards[0] | shards[1] == {s["path"] for s in in_reader_folder["shards"] if s["split"] == "train"}


@pytest.mark.parametrize("kind", ["empty", "purged to empty"])
def test_an_empty_snapshot_inspects_validates_and_reads_through_the_reader(kind, request):
    from click.testing import CliRunner

    from postcurate.cli import main
    from postcurate.reader import open_snapshot

    snapshot_dir = SNAPSHOT_DIRS[kind](request)
    shown = CliRunner().invoke(main, ["inspect", str(snapshot_dir)])
    assert shown.exit_code == 0, shown.output
    assert "rows       0\n" in shown.output and "all 2 shards match the manifest" in shown.output
    checked = CliRunner().invoke(main, ["validate", str(snapshot_dir)])
    assert checked.exit_code == 0, checked.output
    # A selection with no file has no column; with the zero-row file it has the snapshot's.
    snap = open_snapshot(snapshot_dir)
    assert snap.select(split="validation").table(columns=["text", "country"]).column_names == ["text", "country"]
    assert snap.select(countries=["GB"]).table().num_columns == 0
