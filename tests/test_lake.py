"""Reading the input lake: Delta round trip, pinned versions, schema checks, freshness."""

from __future__ import annotations

import datetime as dt

import pytest
from chispa import assert_df_equality
from click.testing import CliRunner
from conftest import TEST_KEY, write_config
from factories import frame, objection, post, user
from pyspark.sql import functions as F

from postcurate.cli import main
from postcurate.errors import InputError
from postcurate.lake import check_fresh, read_pinned


def _write(df, path, mode="overwrite"):
    df.write.format("delta").mode(mode).option("overwriteSchema", "true").save(str(path))


def test_delta_round_trip_reads_the_pinned_version(spark, tmp_path):
    table = tmp_path / "posts"
    _write(frame(spark, "posts", [post("p1")]), table)
    _write(frame(spark, "posts", [post("p2"), post("p3")]), table, mode="append")
    newest = read_pinned(spark, "posts", str(table))
    assert newest.version == 1
    # Every value of every row comes back as written, in the contract's column order.
    assert_df_equality(newest.df, frame(spark, "posts", [post("p1"), post("p2"), post("p3")]), ignore_row_order=True, ignore_nullable=True)
    first = read_pinned(spark, "posts", str(table), version=0)
    assert_df_equality(first.df, frame(spark, "posts", [post("p1")]), ignore_nullable=True)


def test_extra_columns_are_dropped_and_order_follows_the_contract(spark, tmp_path):
    df = frame(spark, "users", [user()]).withColumn("shoe_size", F.lit(44))
    _write(df.select("updated_at", *[c for c in df.columns if c != "updated_at"]), tmp_path / "users")
    pinned = read_pinned(spark, "users", str(tmp_path / "users"))
    assert pinned.df.columns == ["user_id", "country", "birth_date", "account_status", "is_private_account", "updated_at"]


def test_missing_column_names_table_and_column(spark, tmp_path):
    _write(frame(spark, "objections", [objection()]).drop("withdrawn_at"), tmp_path / "objections")
    with pytest.raises(InputError, match="input table 'objections' has no column 'withdrawn_at'"):
        read_pinned(spark, "objections", str(tmp_path / "objections"))


def test_wrong_type_names_table_and_column(spark, tmp_path):
    df = frame(spark, "users", [user()]).withColumn("birth_date", F.col("birth_date").cast("string"))
    _write(df, tmp_path / "users")
    with pytest.raises(InputError, match="'users', column 'birth_date' is string, expected date"):
        read_pinned(spark, "users", str(tmp_path / "users"))


def test_missing_table_is_a_clear_error(spark, tmp_path):
    with pytest.raises(InputError, match="input table 'posts' is not a Delta table"):
        read_pinned(spark, "posts", str(tmp_path / "nothing-here"))


def test_stale_objections_stop_the_run(spark, tmp_path):
    _write(frame(spark, "objections", [objection()]), tmp_path / "objections")
    pinned = read_pinned(spark, "objections", str(tmp_path / "objections"))
    check_fresh(pinned, 24, pinned.committed_at + dt.timedelta(hours=23))
    with pytest.raises(InputError, match="last updated 25.0 hours ago.*objections_max_staleness_hours"):
        check_fresh(pinned, 24, pinned.committed_at + dt.timedelta(hours=25))


def test_cli_names_the_bad_column_without_a_stack_trace(spark, tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    _write(frame(spark, "posts", [post()]).withColumn("is_deleted", F.lit("no")), lake / "posts")
    _write(frame(spark, "users", [user()]), lake / "users")
    _write(frame(spark, "objections", [objection()]), lake / "objections")
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    result = CliRunner().invoke(main, ["run", "--config", str(write_config(tmp_path, lake, tmp_path / "out"))])
    assert result.exit_code == 2, result.output
    assert "input table 'posts', column 'is_deleted' is string, expected boolean" in result.output
    assert "Traceback" not in result.output and "py4j" not in result.output
