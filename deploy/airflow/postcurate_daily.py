"""Airflow DAG: curate one snapshot a day with spark-submit (see docs/cluster.md, "Scheduling").

The cut-off of each run is the end of its data interval, ``{{ data_interval_end }}``, not the wall clock and not
``{{ ts }}``/``logical_date``:
- it is fixed per DAG run, so a retry, a clear-and-rerun or a backfill of 2026-03-14 builds the snapshot as of the same
  instant, with the same snapshot id, and exits 3 if it already exists;
- in Airflow 2 (and Airflow 3 with ``CronDataIntervalTimetable``) ``ts`` is the *start* of the interval, so a run
  dated 2026-03-14 would cut off at 2026-03-14T00:00, a day short of the data it exists for; the end of the interval is
  the latest instant the run is about. In Airflow 3's default ``CronTriggerTimetable`` both are the trigger time, so
  ``data_interval_end`` is right under either timetable.

Exit codes (``postcurate.errors``): 0 published -> success; 3 nothing new (this snapshot already exists) -> skipped,
not failed (``skip_on_exit_code``); 5 another run holds the lock -> failed, and retried after ``retry_delay``;
2 configuration or input error, 4 quality gate failed, 6 storage error (output root full, read-only or not writable),
1 internal error -> failed (retries will not fix 2 or 4: someone has to look; 6 needs space freed or the mount fixed
first, after which a retry or a clear-and-rerun succeeds).

Deployment-specific values come from Airflow Variables so this file needs no edits:
``postcurate_spark_master`` (spark://host:7077), ``postcurate_home`` (where dist/, jobs/curate.py and the config
live), and the pseudonymisation key in ``postcurate_pseudonym_secret`` (the word "secret" makes Airflow mask it in
logs and the rendered-template view).
"""

from __future__ import annotations

import datetime as dt

from airflow import DAG

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

EXIT_NOTHING_NEW = 3

SPARK_SUBMIT = """
set -euo pipefail
home="{{ var.value.postcurate_home }}"
exec spark-submit \\
  --master "{{ var.value.postcurate_spark_master }}" \\
  --deploy-mode client \\
  --name "postcurate-{{ ds }}" \\
  --packages io.delta:delta-spark_4.1_2.13:4.4.0 \\
  --jars "$home/dist/postcurate-jvm-0.1.0.jar" \\
  --py-files "$home/dist/postcurate-0.1.0-py3-none-any.zip" \\
  --conf spark.pyspark.python="$home/venv/bin/python" \\
  --conf spark.pyspark.driver.python="$home/venv/bin/python" \\
  "$home/jobs/curate.py" \\
  --config "$home/conf/cluster.yaml" \\
  --as-of "{{ data_interval_end.isoformat() }}"
"""

with DAG(
    dag_id="postcurate_daily",
    description="Consent-clean training shards as of the end of each day",
    schedule="@daily",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,  # backfill on purpose: airflow dags backfill postcurate_daily -s 2026-03-01 -e 2026-03-14
    max_active_runs=1,  # runs on one output root never overlap (the job's lock would refuse the second: exit 5)
    default_args={"retries": 2, "retry_delay": dt.timedelta(minutes=15)},
    tags=["postcurate", "spark"],
) as dag:
    BashOperator(
        task_id="curate",
        bash_command=SPARK_SUBMIT,
        env={"POSTCURATE_HMAC_KEY": "{{ var.value.postcurate_pseudonym_secret }}"},
        append_env=True,  # keep PATH, JAVA_HOME, SPARK_HOME of the worker
        skip_on_exit_code=EXIT_NOTHING_NEW,
        execution_timeout=dt.timedelta(hours=6),
    )
