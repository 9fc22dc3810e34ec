"""The gate's parts: suites as data, the derived frames, and Great Expectations running them."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest
from pyspark.sql import functions as F

from postcurate.errors import ConfigError
from postcurate.quality import (
    RESIDUAL_TYPES,
    gate_parameters,
    load_suite_files,
    register_residual_check,
    residual_counts,
    run_gate,
)
from postcurate.quality import frames as derived
from postcurate.quality.gate import _add_suite, _context


def test_every_expectation_in_every_suite_file_is_loaded():
    suites = load_suite_files()
    assert {s.frame for s in suites} >= {"shard_facts", "shard_schema", "reconciliation", "objector_posts_in_shards", "excluded_posts_in_shards"}
    context = _context(None)
    for s in suites:
        loaded = _add_suite(context, s)
        assert [e.expectation_type for e in loaded.expectations] == s.expectation_types
        assert len(loaded.expectations) == len(json.loads(s.path.read_text())["expectations"])


def test_a_suite_with_an_unknown_expectation_is_refused(tmp_path):
    (tmp_path / "bad.json").write_text(
        json.dumps(
            {
                "name": "bad",
                "meta": {"postcurate": {"frame": "shard_facts"}},
                "expectations": [{"type": "expect_column_values_to_be_wonderful", "kwargs": {"column": "x"}}],
            }
        )
    )
    (suite,) = load_suite_files(tmp_path)
    with pytest.raises(ConfigError, match="bad.json"):
        _add_suite(_context(None), suite)


def test_a_suite_without_its_frame_is_refused(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps({"name": "s", "expectations": [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0}}]}))
    with pytest.raises(ConfigError, match="meta.postcurate.frame"):
        load_suite_files(tmp_path)


def test_shard_facts_name_every_type_the_gate_check_finds_and_ignore_placeholders(spark):
    texts = {
        "card": "pay with 4111 1111 1111 1111 please",
        "demo_card": "my card 413726589127415",  # 15 digits from 4: what the seed plants
        "iban": "my IBAN is DE89 3704 0044 0532 0130 00",
        "phone": "call me on +44 20 7946 0958 tonight",
        "two": "jo.smith@example.com or 4111 1111 1111 1111",
        "bad_luhn": "pay with 4111 1111 1111 1112 please",
        "look_alike": "order #4111111111111111 shipped",
        "in_a_link": "see https://example.com/p/4111111111111111 for more",
        "placeholders": "pay with <CARD>, <IBAN> or call <PHONE>, mail <EMAIL>",
        "no_text": None,
    }
    shards = spark.createDataFrame(
        [(k, "a", "instagram", "post", "en", dt.date(2025, 1, 1), "GB", "train", t) for k, t in texts.items()],
        "post_pid string, author_pid string, platform string, post_type string, lang string, created_period date, country string, split string, text string",
    )
    facts = derived.shard_facts(shards, register_residual_check(spark))
    assert {r["post_pid"]: r["residual_pii_type"] for r in facts.collect()} == {
        "card": "card", "demo_card": "card", "iban": "iban", "phone": "phone", "two": "card,email",
        "bad_luhn": None, "look_alike": None, "in_a_link": None, "placeholders": None, "no_text": None,
    }
    assert {r["post_pid"]: r["text_chars_left"] for r in facts.where(F.col("post_pid") == "placeholders").collect()} == {
        "placeholders": len("pay with ,  or call , mail")
    }
    counts = residual_counts(facts)
    assert counts.iloc[0][["card", "email", "iban", "phone", "ssn"]].tolist() == [3, 1, 1, 1, 0]


def test_the_residual_suite_names_each_type_and_its_count(spark, tmp_path):
    suite = [s for s in load_suite_files() if s.name == "residual_pii"][0]
    assert {e["kwargs"]["column"] for e in suite.raw["expectations"]} == set(RESIDUAL_TYPES)
    shutil.copy(suite.path, tmp_path)
    clean = pd.DataFrame([{t: 0 for t in RESIDUAL_TYPES}])
    assert run_gate({"residual_pii": clean}, {}, suites_dir=tmp_path).success
    dirty = clean.assign(card=33, email=2)
    result = run_gate({"residual_pii": dirty}, {}, suites_dir=tmp_path)
    assert sorted((o.column, o.observed) for o in result.failures) == [("card", 33), ("email", 2)]
    assert "residual_pii: expect_column_max_to_be_between(card): observed 33" in result.message()


def test_posts_read_counts_posts_not_versions(spark):
    t = dt.datetime(2025, 6, 1)
    posts = spark.createDataFrame(
        [
            ("p1", t - dt.timedelta(days=2), "x"),
            ("p1", t - dt.timedelta(days=1), "y"),  # a second version of p1
            ("p2", t + dt.timedelta(days=1), "z"),  # written after the cut-off: does not exist for the run
            ("p3", None, "w"),  # unusable timestamp: still read (and quarantined by the rules)
            (None, t, "v1"),  # no id: stands alone
            (" ", t, "v2"),
            (None, t, "v1"),  # the same row twice is one row
        ],
        "post_id string, updated_at timestamp, text string",
    )
    assert derived.posts_read(posts, t) == 4
    assert derived.posts_read(posts.where(F.col("post_id") != " "), t) == 2
    assert derived.posts_read(posts.limit(0), t) == 0


def test_leak_frames_keep_no_ids(spark):
    shards = spark.createDataFrame([("p1", "a1", "train", "GB"), ("p2", "a2", "train", "US")], "post_pid string, author_pid string, split string, country string")
    ledger = spark.createDataFrame([("p2", "a2", "objected")], "post_pid string, author_pid string, reason string")
    quarantine = spark.createDataFrame([], "post_pid string, author_pid string, reason string")
    excluded = derived.excluded_posts_in_shards(shards, ledger, quarantine)
    assert excluded.columns == ["reason"] and [r[0] for r in excluded.collect()] == ["objected"]
    objecting = spark.createDataFrame([("a1",), ("a1",), ("a9",)], "author_pid string")  # repeats: one row per objection
    leaked = derived.objector_posts_in_shards(shards, objecting)
    assert leaked.columns == ["split", "country"] and [tuple(r) for r in leaked.collect()] == [("train", "GB")]


def test_no_objector_in_the_shards_gives_an_empty_frame_the_objector_suite_passes(spark, tmp_path):
    shards = spark.createDataFrame([("p1", "a1", "train", "GB")], "post_pid string, author_pid string, split string, country string")
    clean = derived.objector_posts_in_shards(shards, spark.createDataFrame([("a2",), ("a3",)], "author_pid string"))
    assert list(clean.columns) == ["split", "country"] and len(clean) == 0  # pandas: no Spark job when the check runs
    suite = [s for s in load_suite_files() if s.name == "objector_leaks"][0]
    shutil.copy(suite.path, tmp_path)
    assert run_gate({"objector_posts_in_shards": clean}, {}, suites_dir=tmp_path).success
    leaked = derived.objector_posts_in_shards(shards, spark.createDataFrame([("a1",)], "author_pid string"))
    assert not run_gate({"objector_posts_in_shards": leaked}, {}, suites_dir=tmp_path).success


def test_a_post_in_two_shard_rows_fails_the_gate_and_a_clean_frame_costs_no_spark_job(spark, tmp_path):
    facts = spark.createDataFrame([("a" * 64,), ("a" * 64,), ("a" * 64,), ("b" * 64,), (None,), (None,)], "post_pid string")
    repeated = derived.repeated_posts(facts)
    assert repeated.columns == ["rows"] and [r[0] for r in repeated.collect()] == [3]  # how many rows, no id
    suite = [s for s in load_suite_files() if s.name == "repeated_posts"][0]
    shutil.copy(suite.path, tmp_path)
    result = run_gate({"repeated_posts": repeated}, {}, suites_dir=tmp_path)
    assert not result.success and [o.observed for o in result.failures] == [1]
    # Two null pseudonyms are not a repeat (not-null is its own check); without repeats the frame is pandas and empty.
    clean = derived.repeated_posts(facts.where(F.col("post_pid").isNull() | (F.col("post_pid") != "a" * 64)))
    assert list(clean.columns) == ["rows"] and len(clean) == 0
    assert run_gate({"repeated_posts": clean}, {}, suites_dir=tmp_path).success


def test_one_job_names_the_hashed_checks_that_found_a_row_and_their_exact_frames_agree(spark):
    facts = spark.createDataFrame(
        [("a" * 64, "x" * 64, "train"), ("a" * 64, "y" * 64, "train"), ("b" * 64, "y" * 64, "validation")], "post_pid string, author_pid string, split string"
    )
    clean = facts.where(F.col("post_pid") == "b" * 64)
    hashed = {
        "repeated_posts": derived.repeated_posts_suspects(facts),
        "authors_on_both_sides": derived.authors_on_both_sides_suspects(facts),
        "clean_repeats": derived.repeated_posts_suspects(clean),
        "clean_sides": derived.authors_on_both_sides_suspects(clean),
    }
    found = derived.suspected(hashed)
    assert found == {"repeated_posts", "authors_on_both_sides"} and derived.suspected({}) == set()
    # What ``suspected`` says is what each frame's own check says; the exact frames it lets through count the rows.
    assert found == {name for name, frame in hashed.items() if not frame.isEmpty()}
    assert [r["rows"] for r in derived.repeated_posts(facts, suspect=True).collect()] == [2]
    assert [r["sides"] for r in derived.authors_on_both_sides(facts, suspect=True).collect()] == [2]
    assert len(derived.repeated_posts(clean, suspect=False)) == 0


def test_the_pseudonym_expectation_agrees_with_the_regex_it_replaces(spark, tmp_path):
    """Spark and pandas alike, on values that differ from a pseudonym by one character, case, byte or length."""
    good = "0123456789abcdef" * 4
    values = [good, good.upper(), good[:-1], good + "0", good[:-1] + "g", good[:-1] + " ", good[:-2] + "é", "", "a" * 64, None]
    checks = [
        {"type": t, "kwargs": {"column": "pid", **extra}}
        for t, extra in (("expect_column_values_to_be_pseudonyms", {}), ("expect_column_values_to_match_regex", {"regex": "^[0-9a-f]{64}$"}))
    ]
    (tmp_path / "pids.json").write_text(json.dumps({"name": "pids", "meta": {"postcurate": {"frame": "pids"}}, "expectations": checks}))
    spark_frame = spark.createDataFrame([(v,) for v in values], "pid string")
    for frame in (spark_frame, spark_frame.toPandas()):
        result = run_gate({"pids": frame}, {}, suites_dir=tmp_path)
        counts = {o.expectation: (o.unexpected_count, o.element_count) for o in result.outcomes}
        assert counts["expect_column_values_to_be_pseudonyms"] == counts["expect_column_values_to_match_regex"] == (7, 10), counts


def test_an_author_on_both_sides_of_the_split_fails_the_gate_without_naming_them(spark, tmp_path):
    facts = spark.createDataFrame(
        [("a" * 64, "train"), ("a" * 64, "validation"), ("b" * 64, "train"), ("b" * 64, "train"), ("c" * 64, "validation")],
        "author_pid string, split string",
    )
    conflicts = derived.authors_on_both_sides(facts)
    assert conflicts.columns == ["sides"] and [r[0] for r in conflicts.collect()] == [2]
    suite = [s for s in load_suite_files() if s.name == "split_conflicts"][0]
    shutil.copy(suite.path, tmp_path)
    result = run_gate({"authors_on_both_sides": conflicts}, {}, suites_dir=tmp_path)
    assert not result.success and [o.expectation for o in result.failures] == ["expect_table_row_count_to_equal"]
    clean = derived.authors_on_both_sides(facts.where(F.col("author_pid") != "a" * 64))
    assert list(clean.columns) == ["sides"] and len(clean) == 0  # pandas: no Spark job when the suite runs
    assert run_gate({"authors_on_both_sides": clean}, {}, suites_dir=tmp_path).success
    # A null split is a side of its own, as a distinct count would have it.
    unsplit = facts.where(F.col("author_pid") == "b" * 64).limit(1).withColumn("split", F.lit(None).cast("string"))
    assert [r[0] for r in derived.authors_on_both_sides(facts.where(F.col("author_pid") != "a" * 64).unionByName(unsplit)).collect()] == [2]


def test_no_excluded_post_in_the_shards_gives_an_empty_frame_the_exclusion_suite_passes(spark, tmp_path):
    shards = spark.createDataFrame([("p1", "a1", "train", "GB")], "post_pid string, author_pid string, split string, country string")
    quarantine = spark.createDataFrame([("p3", "a3", "invalid")], "post_pid string, author_pid string, reason string")
    suite = [s for s in load_suite_files() if s.name == "exclusion_leaks"][0]
    shutil.copy(suite.path, tmp_path)
    clean = derived.excluded_posts_in_shards(shards, spark.createDataFrame([("p2", "a2", "deleted")], "post_pid string, author_pid string, reason string"), quarantine)
    assert list(clean.columns) == ["reason"] and len(clean) == 0  # pandas
    assert run_gate({"excluded_posts_in_shards": clean}, {}, suites_dir=tmp_path).success
    in_quarantine = shards.select("post_pid", "author_pid", F.lit("invalid").alias("reason"))
    cases = [([("p1", "a1", "deleted")], quarantine, "deleted"), ([], in_quarantine, "invalid")]  # leaked via the ledger, via the quarantine
    for ledger_rows, quarantined, reason in cases:
        frame = derived.excluded_posts_in_shards(shards, spark.createDataFrame(ledger_rows, "post_pid string, author_pid string, reason string"), quarantined)
        assert [r[0] for r in frame.collect()] == [reason]
        assert not run_gate({"excluded_posts_in_shards": frame}, {}, suites_dir=tmp_path).success


def test_gate_reports_counts_and_never_values(spark, tmp_path):
    """A real GE run on a tiny shard-facts frame: the failing expectations are named with their row counts."""
    facts = spark.createDataFrame(
        [
            ("a" * 64, "b" * 64, "facebook", "post", "en", dt.date(2025, 1, 1), "GB", "train", 40, None),
            ("a" * 64, "b" * 64, "facebook", "post", "en", dt.date(2025, 1, 1), "KP", "train", 40, "email"),
            ("c" * 64, "D" * 64, "facebook", "photo_caption", "en", dt.date(2025, 1, 1), "GB", "train", 3, None),
        ],
        "post_pid string, author_pid string, platform string, post_type string, lang string, created_period date, "
        "country string, split string, text_chars_left int, residual_pii_type string",
    )
    params = gate_parameters(allowed_countries=["GB"], allowed_post_types=["post", "comment"], min_text_length=20)
    for suite in load_suite_files():
        if suite.name in ("shards", "repeated_posts"):
            shutil.copy(suite.path, tmp_path)
    result = run_gate({"shard_facts": facts, "repeated_posts": derived.repeated_posts(facts)}, params, suites_dir=tmp_path)
    assert not result.success
    failed = {(o.expectation, o.column): o.unexpected_count or o.observed for o in result.failures}
    assert failed == {
        ("expect_table_row_count_to_equal", None): 1,  # one post in two rows
        ("expect_column_values_to_be_pseudonyms", "author_pid"): 1,  # upper case: not what the pipeline makes
        ("expect_column_values_to_be_in_set", "country"): 1,
        ("expect_column_values_to_be_null", "residual_pii_type"): 1,
        ("expect_column_values_to_be_in_set", "post_type"): 1,
        ("expect_column_values_to_be_between", "text_chars_left"): 1,
    }
    message = result.message()
    assert "residual_pii_type" in message and "1 of 3 rows" in message
    assert "a" * 64 not in message and "KP" not in message and "photo_caption" not in message
    assert "a" * 64 not in json.dumps(result.to_dict())


@pytest.mark.parametrize(
    "posts_read, kept, previous_kept, allowed, failed",
    [
        (24, 24, None, False, set()),  # the first snapshot: only the posts read are checked
        (24, 0, None, False, set()),  # posts read, none qualified, nothing to compare with: publishable
        (24, 12, 24, False, set()),  # a fall of exactly max_shrink (50%) is not more than it
        (24, 11, 24, False, {"shrink"}),
        (24, 11, 24, True, set()),  # --allow-shrink
        (24, 30, 24, False, set()),  # growth
        (24, 0, 0, False, set()),  # the previous snapshot kept nothing either
        (0, 0, None, False, {"posts_read"}),  # an empty posts table
        (0, 0, 24, True, {"posts_read"}),  # ... even with --allow-shrink
    ],
)
def test_the_publication_suite_refuses_an_empty_feed_and_a_fall_beyond_the_limit(posts_read, kept, previous_kept, allowed, failed):
    frame = derived.publication(posts_read=posts_read, kept=kept, previous_kept=previous_kept, shrink_allowed=allowed)
    params = gate_parameters(allowed_countries=["GB"], allowed_post_types=["post"], min_text_length=20, max_shrink=0.5)
    result = run_gate({"publication": frame}, params, scopes=("publish",))
    assert {o.suite for o in result.outcomes} == {"publication"} and len(result.outcomes) == 2
    assert {o.column for o in result.failures} == failed


def test_an_empty_feed_is_named_with_the_count_read():
    frame = derived.publication(posts_read=0, kept=0, previous_kept=None, shrink_allowed=False)
    params = gate_parameters(allowed_countries=["GB"], allowed_post_types=["post"], min_text_length=20, max_shrink=0.5)
    message = run_gate({"publication": frame}, params, scopes=("publish",)).message()
    assert "publication: expect_column_min_to_be_between(posts_read): observed 0 [the posts table gave no post" in message


def test_validate_and_the_default_scopes_leave_the_publication_suite_out():
    # Only a run builds its frame: the suites of the other scopes never ask for it.
    assert {s.name for s in load_suite_files() if s.scope == "publish"} == {"publication"}
    assert all(s.frame != "publication" for s in load_suite_files() if s.scope != "publish")
