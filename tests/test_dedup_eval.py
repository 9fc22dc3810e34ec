"""The labelled near-duplicate set and ``postcurate dedup-eval``: the truth agrees with the job's own measure, and
the command scores and reports what the issue targets."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyspark.sql import functions as F

from postcurate.cli import main
from postcurate.config import DedupSettings
from postcurate.dedup import normalised_text, register_near_duplicate_functions, register_normaliser
from postcurate.dedup.evaluation import LABELS_SCHEMA

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "eval" / "dedup_eval.jsonl"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_dedup", REPO / "eval" / "generate_dedup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    path = tmp_path_factory.mktemp("dedup-eval") / "small.jsonl"
    gen = _generator()
    import random

    r = random.Random(5)
    with path.open("w", encoding="utf-8") as f:
        for g in range(40):
            for row in gen.group(r, g):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def test_the_generators_jaccard_is_the_jobs_jaccard_on_the_shipped_set(spark):
    """Python's shingles (the generator, independent code) and the JVM's give the same similarity for every post."""
    register_normaliser(spark)
    near = register_near_duplicate_functions(spark, DedupSettings())
    rows = spark.read.schema(LABELS_SCHEMA).json(str(SHIPPED))
    originals = rows.where(F.col("kind") == "original").select("group", F.col("text").alias("original"))
    measured = rows.join(originals, "group").select(
        "jaccard", near.jaccard(normalised_text(F.col("original")), normalised_text(F.col("text"))).alias("jvm")
    )
    assert rows.count() > 5000
    assert measured.where(F.abs(F.col("jaccard") - F.col("jvm")) > 1e-6).count() == 0


def test_the_shipped_set_has_what_the_issue_asks_for():
    rows = [json.loads(line) for line in SHIPPED.read_text(encoding="utf-8").splitlines()]
    kinds = {r["kind"] for r in rows}
    assert kinds == {"original", "copy", "edit", "decoy"}
    assert len({r["lang"] for r in rows}) >= 10
    assert any("<EMAIL>" in r["text"] for r in rows)
    edits = [r["jaccard"] for r in rows if r["kind"] == "edit"]
    # Edits at known levels on both sides of the threshold, and decoys that share words but are not near-duplicates.
    assert sum(j >= 0.85 for j in edits) > 500 and sum(0.4 <= j < 0.7 for j in edits) > 500
    assert all(r["jaccard"] < 0.8 for r in rows if r["kind"] == "decoy")
    assert all(r["jaccard"] == 1.0 for r in rows if r["kind"] == "copy")


def test_dedup_eval_reports_precision_recall_and_the_s_curve_and_meets_the_targets(small_set):
    result = CliRunner().invoke(main, ["dedup-eval", str(small_set), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert set(report["targets"]) == {"recall_jaccard_ge_0.85", "precision_jaccard_ge_0.70"}
    for name in ("linked_pairs", "rule_10"):
        d = report["decisions"][name]
        assert d["meets_targets"], (name, d)
        assert d["precision"] == 1.0  # every link and every removal is verified at the threshold
    curve = {b["jaccard"]: b for b in report["s_curve"]}
    assert curve["0.95-1.00"]["proposed"] == 1.0 and curve["0.00-0.05"]["proposed"] == 0.0
    assert report["kinds"]["copy"]["removed_as_duplicate_of_original"] == report["kinds"]["copy"]["posts"]
    assert report["kinds"]["decoy"]["removed_as_duplicate_of_original"] == 0
    assert "ja" in report["edits_by_lang"]


def test_dedup_eval_tables_and_a_stricter_threshold(small_set):
    table = CliRunner().invoke(main, ["dedup-eval", str(small_set), "--threshold", "0.9", "--bands", "12", "--rows", "10"])
    assert table.exit_code == 0, table.output
    assert "12 bands x 10 rows, threshold 0.9" in table.output and "recall_jaccard_ge_0.95" in table.output


@pytest.mark.parametrize(
    "content, args, message",
    [
        ("", [], "is empty"),
        ("not json\n", [], "not valid JSON"),
        ('{"id": "a", "text": "x"}\n', [], "lack an id, group or text"),
        ('{"id": "a", "group": "g", "text": "x"}\n', ["--bands", "512", "--rows", "64"], "at most 4096"),
    ],
)
def test_dedup_eval_refuses_bad_input_with_one_message(tmp_path, content, args, message):
    path = tmp_path / "labels.jsonl"
    path.write_text(content)
    result = CliRunner().invoke(main, ["dedup-eval", str(path), *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
