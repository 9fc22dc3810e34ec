"""The job on a real Spark standalone cluster (master + two workers on 127.0.0.1), submitted as in production.

- the wheel carries the schemas and default rules, whether pip-installed or zipped for --py-files;
- a spark-submit run publishes exactly what the same run in local mode published (same lake, key and as-of);
- the second submit of the same run exits 3 (nothing new) through spark-submit;
- losing a worker (SIGKILL of the worker and its executor) in the middle of the job changes nothing in the result.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from cluster_fixtures import (
    REPO,
    SPARK_HOME,
    build_dist,
    kill_group,
    prefetched_delta_jars,
    running_tasks,
    runtime_python,
    standalone_cluster,
    wait_for,
)
from conftest import REFERENCE_AS_OF, TEST_KEY, write_config

from postcurate.errors import EXIT_NOTHING_NEW, EXIT_PUBLISHED
from postcurate.resources import checkout_commit
from postcurate.session import delta_package

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

JOB = REPO / "jobs" / "curate.py"
SUBMIT_TIMEOUT = 600


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """(wheel, --py-files zip, JVM functions' jar, a Python without postcurate) built once for the module."""
    folder = tmp_path_factory.mktemp("dist")
    wheel, zipped, jar = build_dist(folder)
    return wheel, zipped, jar, runtime_python(folder)


@pytest.fixture(scope="module")
def cluster(dist, spark, tmp_path_factory):
    """The cluster, one for the module. Delta's jars: the files the suite's session resolved (its first submit of
    the job takes them as --packages instead, the other documented way)."""
    _, zipped, jar, python = dist
    with standalone_cluster(tmp_path_factory.mktemp("cluster"), python, zipped, jar, delta_jars=prefetched_delta_jars(spark)) as c:
        yield c


def _wait(proc: subprocess.Popen, log: Path, timeout: float = SUBMIT_TIMEOUT) -> int:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        pytest.fail(f"spark-submit did not finish in {timeout}s; log tail:\n{log.read_text()[-4000:]}")


# A small job (300 or 3,000 posts) on two one-core executors: one shuffle partition per core; the lake's many small
# files read in a few tasks, not ~30 (Spark counts 4 MB to open each file and cuts at 128 MB); no 3 s wait for a busy
# executor that holds a cached block when the other one is idle; no code generation for frames this small (as the
# test session).
SMALL_JOB_CONF = {
    "spark.sql.shuffle.partitions": 2,
    "spark.sql.files.maxPartitionBytes": "1g",
    "spark.locality.wait": "0s",
    "spark.sql.codegen.wholeStage": False,
}


def _cluster_config(folder: Path, lake: str, out: Path, **spark_conf) -> Path:
    # The cluster example's shape: Delta comes from spark-submit, no master (spark-submit decides).
    return write_config(folder, lake, out, spark={"delta_from_submit": True, "conf": {**SMALL_JOB_CONF, **spark_conf}})


def _job_args(config: Path) -> list[str]:
    return ["--config", str(config), "--as-of", REFERENCE_AS_OF]


def _with_key(cluster):
    cluster.env["POSTCURATE_TEST_KEY"] = TEST_KEY.decode()
    return cluster


def _published(out: Path) -> Path:
    return out / "snapshots" / (out / "LATEST").read_text().strip()


def _rows(folder: Path, columns: list[str]) -> list[tuple]:
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=columns)
    return sorted(zip(*(table.column(c).to_pylist() for c in columns), strict=True))


def assert_same_snapshot(got: Path, expected: Path) -> None:
    """Same snapshot id and counts, and the same rows in shards, ledger and quarantine: nothing lost, nothing twice."""
    m_got, m_exp = (json.loads((p / "manifest.json").read_text()) for p in (got, expected))
    assert m_got["snapshot_id"] == m_exp["snapshot_id"]
    assert m_got["counts"] == m_exp["counts"]
    assert m_got["inputs"] == m_exp["inputs"]
    assert sum(s["rows"] for s in m_got["shards"]) == m_got["counts"]["kept"]
    for folder, columns in (("shards", ["post_pid", "author_pid", "text", "country", "split", "created_period"]),
                            ("ledger", ["post_pid", "reason"]), ("quarantine", ["post_pid", "reason"])):
        rows_got, rows_exp = _rows(got / folder, columns), _rows(expected / folder, columns)
        assert len(rows_got) == len(rows_exp), f"{folder}: {len(rows_got)} rows on the cluster, {len(rows_exp)} locally"
        assert rows_got == rows_exp, f"{folder}: different rows"
    post_pids = [r[0] for r in _rows(got / "shards", ["post_pid"])]
    assert len(post_pids) == len(set(post_pids)), "a post is in the shards twice"


def test_wheel_carries_schemas_and_default_conf(dist, tmp_path):
    wheel, _, _, python = dist
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    code = (
        "import postcurate.resources as r, postcurate.schemas as s;"
        "print(r.data_dir('schemas')); print(s.load('shard').names[0]);"
        "print(sorted(p.name for p in r.data_dir('conf').iterdir())); print(r.jvm_jar()); print(r.code_commit());"
        "import postcurate.pii as pii; print(pii.default_detectors().types[-1])"
    )
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": os.environ["PATH"], "PYTHONPATH": str(target)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    where, first_column, conf, jar, commit, last_type = proc.stdout.splitlines()
    # No checkout beside the installed wheel: the commit is the one baked in when the wheel was built.
    assert commit == checkout_commit(REPO) and re.fullmatch(r"[0-9a-f]{40}(-dirty)?", commit)
    assert last_type == "phone"  # the built-in detectors are the wheel's own conf/detectors.yaml
    assert where == str(target / "postcurate" / "_data" / "schemas")
    assert jar == str(target / "postcurate" / "_data" / "jars" / "postcurate-jvm-0.1.0.jar")
    assert first_column == "post_pid"
    assert conf == "['detectors.yaml', 'geo_rules.yaml']"  # environment configs (local.yaml, cluster.yaml) stay out


@pytest.mark.parametrize("leave_out, fix", [("--packages", "--packages io.delta:delta-spark_4.1_2.13:4.4.0"), ("--jars", "--jars dist/postcurate-jvm-0.1.0.jar")])
def test_spark_submit_without_the_jvm_classes_says_what_to_pass(dist, tmp_path, leave_out, fix):
    """Delta's or postcurate's jar left off the spark-submit line: exit 2, one line naming what to pass, no JVM trace."""
    _, zipped, jar, python = dist
    config = _cluster_config(tmp_path, str(tmp_path / "lake"), tmp_path / "out")
    args = {"--packages": ["--jars", str(jar)], "--jars": ["--packages", delta_package()]}[leave_out]
    cmd = [str(SPARK_HOME / "bin" / "spark-submit"), "--master", "local[1]", *args, "--py-files", str(zipped),
           "--conf", f"spark.pyspark.python={python}", "--conf", f"spark.pyspark.driver.python={python}",
           "--conf", "spark.ui.enabled=false", str(JOB), *_job_args(config)]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_", "SPARK_")) and k != "PYTHONPATH"},
           "POSTCURATE_TEST_KEY": TEST_KEY.decode(), "SPARK_LOCAL_IP": "127.0.0.1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-3000:]
    # spark-submit runs the Python driver with its stderr merged into its own stdout.
    output = proc.stdout + proc.stderr
    errors = [line for line in output.splitlines() if line.startswith("postcurate: error:")]
    assert len(errors) == 1 and fix in errors[0], output[-3000:]
    assert "Traceback" not in output and "JavaPackage" not in output and "Exception" not in output, output[-3000:]
    assert "Spark's own output is in" not in output  # spark-submit's JVM was already there: its output is left alone


def test_driver_and_executors_run_the_shipped_wheel(cluster, dist, tmp_path):
    _, zipped, _, _ = dist
    log = tmp_path / "probe.log"
    found = tmp_path / "probe.json"
    proc = cluster.submit(REPO / "tests" / "cluster_probe.py", [str(found)], log=log)
    assert _wait(proc, log, 300) == 0, log.read_text()[-4000:]
    probe = json.loads(found.read_text())
    for where in [probe["driver"], *probe["executors"]]:
        assert zipped.name in where["module"], where  # imported from the --py-files zip, not a checkout
        assert where["schemas"] == ["post_id", "author_id"]
        assert where["conf"] == ["detectors.yaml", "geo_rules.yaml"]
        assert where["detectors"] == ["email", "coords"]


def test_spark_submit_publishes_what_local_mode_publishes(cluster, small_lake, small_lake_snapshot, tmp_path):
    # The 300-post lake: what is compared is every row, whatever their number; the lost worker below needs the
    # 3,000-post lake's longer run to be caught mid-write.
    cluster = _with_key(cluster)
    out = tmp_path / "out"
    config = _cluster_config(tmp_path, small_lake.root, out)
    started = time.monotonic()
    log = tmp_path / "submit.log"
    rc = _wait(cluster.submit(JOB, _job_args(config), log=log, delta_package=True), log)
    assert rc == EXIT_PUBLISHED, log.read_text()[-4000:]
    print(f"cluster run: {time.monotonic() - started:.0f}s")
    assert_same_snapshot(_published(out), small_lake_snapshot.snapshot_path)
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith('{"ts"')]
    # Rule 10 is on by default: redaction and deduplication are stages of their own.
    stages = ["read", "decide", "redact", "dedup", "write", "manifest", "gate", "publish"]
    assert [e["stage"] for e in events if e["event"] == "stage"] == stages
    (mode,) = [e for e in events if e["event"] == "build_mode"]
    assert mode["mode"] == "full" and mode["reason"] == "no earlier published snapshot at or before this cut-off"
    assert events[-1] | {"ts": 0, "run_id": 0} == {"ts": 0, "run_id": 0, "level": "info", "logger": "postcurate",
                                                      "event": "run_end", "command": "run", "exit_code": 0, "outcome": "ok"}

    # The scheduler's retry of a finished run: nothing new, exit 3, through spark-submit (Delta from the pre-fetched
    # jars this time: how Delta reaches the cluster is no part of the snapshot's identity).
    log = tmp_path / "again.log"
    rc = _wait(cluster.submit(JOB, _job_args(config), log=log), log)
    assert rc == EXIT_NOTHING_NEW, log.read_text()[-4000:]
    assert len(list((out / "snapshots").iterdir())) == 1


def _task_ends(events_dir: Path) -> list[dict]:
    events = []
    for path in (p for p in events_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            if event.get("Event") == "SparkListenerTaskEnd":
                events.append(event)
    return events


def test_a_lost_worker_changes_nothing(cluster, sample_lake, published_snapshot, tmp_path):
    cluster = _with_key(cluster)
    out = tmp_path / "out"
    events_dir = tmp_path / "events"
    events_dir.mkdir()
    # Two tasks per core in every shuffle, none coalesced: both executors have work in hand all through the job, so
    # one can be lost mid-way (the event log below proves a task was).
    config = _cluster_config(tmp_path, sample_lake.root, out, **{"spark.sql.shuffle.partitions": 4, "spark.sql.adaptive.enabled": False})
    log = tmp_path / "submit.log"
    proc = cluster.submit(JOB, _job_args(config), log=log,
                          conf={"spark.eventLog.enabled": "true", "spark.eventLog.dir": events_dir.as_uri(),
                                "spark.eventLog.compress": "false", "spark.eventLog.rolling.enabled": "false"})
    try:
        # Wait until the job is writing its staged output (past reading and deciding) and one executor is in a task.
        def victim():
            if proc.poll() is not None or not list(out.glob("_staging/*")):
                return None
            for worker in cluster.workers:
                if worker.alive and any(running_tasks(d) > 0 for d in cluster.executor_dirs(worker)):
                    return worker
            return None

        worker = wait_for(lambda: victim() or proc.poll() is not None, SUBMIT_TIMEOUT, "the job to be writing", interval=0.05)
        assert proc.poll() is None, f"the job ended before a worker could be lost:\n{log.read_text()[-4000:]}"
        executor_dirs = cluster.executor_dirs(worker)
        kill_group(worker.proc, grace=0)  # SIGKILL the worker JVM, its executor and the executor's Python workers
        print(f"killed {worker.name} with executor(s) {[f'{d.parent.name}/{d.name}' for d in executor_dirs]} while it ran tasks")
        rc = _wait(proc, log)
    finally:
        if proc.poll() is None:
            kill_group(proc, grace=5)
    assert rc == EXIT_PUBLISHED, log.read_text()[-4000:]
    lost = [e for e in _task_ends(events_dir) if e["Task End Reason"]["Reason"] == "ExecutorLostFailure"]
    assert lost, "no task was lost with the executor: the kill came too late to test anything"
    assert_same_snapshot(_published(out), published_snapshot.snapshot_path)
