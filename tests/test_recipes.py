"""Every recipe in docs/reading.md and in the README's "Reading a snapshot" section runs against a published snapshot.

The recipes are extracted from the Markdown (each fenced block after a ``<!-- recipe: NAME -->`` marker) and run
verbatim, in a folder where ``var/out`` is the snapshot's output root, so the docs and the tests cannot drift.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
def _check_reader(ns, m):
    assert ns["table"].num_rows == m["counts"]["kept"]
    assert ns["rows"] == m["counts"]["by_split"]["train"]


def _check_pyarrow(ns, m):
    assert ns["table"].num_rows == m["counts"]["kept"]
    assert sorted(set(ns["table"]["country"].to_pylist())) == sorted(m["counts"]["by_country"])
    assert ns["train"].num_rows == m["counts"]["by_split"]["train"]


def _check_pandas(ns, m):
    assert len(ns["df"]) == m["counts"]["kept"]
    assert ns["df"]["split"].astype(str).value_counts().to_dict() == m["counts"]["by_split"]
    if "validation" in ns:
        assert len(ns["validation"]) == m["counts"]["by_split"]["validation"]


def _check_duckdb(ns, m):
    assert ns["n"] == m["counts"]["kept"]
    if "by_country" in ns:
        assert dict(ns["by_country"]) == m["counts"]["by_country"]


def _check_polars(ns, m):
    assert ns["df"].height == m["counts"]["kept"]
    assert dict(ns["df"]["split"].value_counts().iter_rows()) == m["counts"]["by_split"]
    if "train_text" in ns:
        assert ns["train_text"].height == m["counts"]["by_split"]["train"]


def _check_datasets(ns, m):
    ds = ns["ds"]
    assert {split: len(ds[split]) for split in ds} == m["counts"]["by_split"]
    assert sum(len(ds[split]) for split in ds) == m["counts"]["kept"]
    assert "text" in ds["train"].column_names


CHECKS = {
    "reader": _check_reader,
    "pyarrow": _check_pyarrow,
    "pandas": _check_pandas,
    "duckdb": _check_duckdb,
    "polars": _check_polars,
    "datasets": _check_datasets,
}
SPECIAL = {"setup", "distributed"}


@pytest.fixture
def in_reader_folder(published_snapshot, tmp_path, monkeypatch):
    """A working folder where ``var/out`` is the published snapshot's output root (as after `postcurate demo`)."""
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "out").symlink_to(published_snapshot.snapshot_path.parent.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return published_snapshot.manifest


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


@pytest.mark.parametrize("doc", _docs(), ids=lambda d: d.name)
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_recipe_reads_the_whole_snapshot(doc, name, in_reader_folder):
    found = recipes(doc)
    ns = _run(found[name], found["setup"])
    CHECKS[name](ns, in_reader_folder)


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
