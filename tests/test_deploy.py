"""The deployment files: the Airflow example parses and passes the schedule's cut-off; the cluster config loads."""

from __future__ import annotations

import ast
from pathlib import Path

from postcurate.config import load_config
from postcurate.errors import EXIT_NOTHING_NEW

REPO = Path(__file__).resolve().parents[1]


def _dag() -> ast.Module:
    return ast.parse((REPO / "deploy" / "airflow" / "postcurate_daily.py").read_text())


def _constant(tree: ast.Module, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found")


def test_dag_cuts_off_at_the_end_of_the_data_interval():
    command = _constant(_dag(), "SPARK_SUBMIT")
    assert '--as-of "{{ data_interval_end.isoformat() }}"' in command
    assert "{{ ts }}" not in command and "now" not in command
    assert "jobs/curate.py" in command and "--py-files" in command and "io.delta:delta-spark_4.1_2.13:4.4.0" in command


def test_dag_skips_on_nothing_new_and_never_overlaps():
    tree = _dag()
    assert _constant(tree, "EXIT_NOTHING_NEW") == EXIT_NOTHING_NEW
    keywords = {kw.arg: kw.value for node in ast.walk(tree) if isinstance(node, ast.Call) for kw in node.keywords}
    assert isinstance(keywords["skip_on_exit_code"], ast.Name) and keywords["skip_on_exit_code"].id == "EXIT_NOTHING_NEW"
    assert ast.literal_eval(keywords["max_active_runs"]) == 1


def test_cluster_config_leaves_master_and_delta_to_spark_submit():
    config = load_config(REPO / "conf" / "cluster.yaml")
    assert config.spark.delta_from_submit is True
    assert config.spark.master is None
