"""The labelled sets and their scorer: labels that can be scored, a scorer that cannot be gamed, the record format."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyspark.sql import functions as F

from postcurate.commands.pii import TargetsNotMet, pii_eval
from postcurate.errors import EXIT_QUALITY_GATE_FAILED
from postcurate.pii.evaluation import LABELS_SCHEMA, decoy_survival, leak_keys, normalised, pii_recall, recall_by_class

EVAL = Path(__file__).resolve().parents[1] / "eval"
V1, V2 = EVAL / "pii_eval.jsonl", EVAL / "pii_eval_v2.jsonl"
V1_SHA256 = "2fb9e92965819026f221c51eaff61e6977a8ad00fbaab7188ef0eb541058615c"
sys.path.insert(0, str(EVAL))
import social  # noqa: E402  (eval/social.py: the generator's own normalisation and leak keys)

CLASSES = set(social.CLASSES)
TYPES = {"email", "phone", "card", "iban", "ip", "ssn", "nino", "nhs", "address", "coords", "mention"}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def v2(spark):
    return spark.read.schema(LABELS_SCHEMA).json(str(V2)).cache()


def redacted_by(df, fn):
    """The labelled frame with its text replaced by ``fn(text, pii)`` (a stand-in redactor, in Python: tests only)."""
    rows = [(r["id"], fn(r["text"], r["pii"])) for r in df.select("id", "text", "pii").collect()]
    texts = df.sparkSession.createDataFrame(rows, "id string, new_text string")
    return df.join(texts, "id").drop("text").withColumnRenamed("new_text", "text")


def oracle(text: str, pii) -> str:
    for p in pii:
        text = text.replace(p["value"], f"<{p['type'].upper()}>", 1)
    return text


def rates(df):
    recall = {r["type"]: r["recall"] for r in pii_recall(df).collect()}
    by_class = {r["class"]: r["recall"] for r in recall_by_class(df).collect()}
    survival = {r["kind"]: r["survival"] for r in decoy_survival(df).collect()}
    return recall, by_class, survival


def test_the_first_set_is_unchanged_and_the_generator_writes_both_sets_again(tmp_path):
    assert hashlib.sha256(V1.read_bytes()).hexdigest() == V1_SHA256
    subprocess.run(
        [sys.executable, str(EVAL / "generate.py"), "--out", str(tmp_path / "v1.jsonl"), "--out-v2", str(tmp_path / "v2.jsonl")],
        check=True, capture_output=True, timeout=300,
    )
    assert (tmp_path / "v1.jsonl").read_bytes() == V1.read_bytes()
    assert (tmp_path / "v2.jsonl").read_bytes() == V2.read_bytes()


def test_the_second_set_covers_every_class_type_and_kind_with_enough_values():
    recs = records(V2)
    classes, kinds, types, langs = {}, {}, {}, set()
    for r in recs:
        langs.add(r["lang"])
        for p in r["pii"]:
            classes[p["class"]] = classes.get(p["class"], 0) + 1
            types[p["type"]] = types.get(p["type"], 0) + 1
        for d in r["decoys"]:
            kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    assert set(classes) == CLASSES and min(classes.values()) >= 100
    assert set(types) == TYPES and min(types.values()) >= 100
    assert set(kinds) == set(social.KINDS) and min(kinds.values()) >= 100
    assert {"lottery", "tracking", "ean13", "isbn", "order", "price_format", "unicode_number"} <= set(kinds)
    assert {"en", "de", "fr", "es", "pt", "it", "hi", "ar", "ja"} <= langs
    long_posts = [r for r in recs if r["id"].startswith("s") and len(r["text"]) > 800]
    assert len(long_posts) > 300 and max(len(r["text"].encode("utf-8")) for r in long_posts) <= 3000
    adversarial = [r for r in recs if r["id"][0] in "ar"]
    assert sum(len(r["text"]) >= 19_900 for r in adversarial) >= 40


def test_each_record_is_scorable_as_built():
    """Each value is in its text once, nothing the scorer looks for is elsewhere, each decoy lies outside the values."""
    for r in records(V2):
        assert social.check(r["text"], r["pii"], r["decoys"]), r["id"]


def test_the_spark_scorer_and_the_generator_agree_on_what_leaks(spark, v2):
    sample = v2.where(F.col("id").startswith("s")).limit(800).select(F.explode("pii").alias("p")).select("p.type", "p.value")
    got = sample.select("type", "value", leak_keys(F.col("value"), F.col("type")).alias("keys")).collect()
    assert len(got) > 800
    for row in got:
        assert set(row["keys"]) == social.leak_keys(row["value"], row["type"]), row["value"]
    digits = "".join(ch for cp in range(0x80, 0x20000) if unicodedata.category(ch := chr(cp)) == "Nd")
    probe = spark.createDataFrame([(digits + "\u200b\u00a0\u202f\uff21%40",)], "t string").select(normalised(F.col("t"))).first()[0]
    assert probe == social.normalise(digits + "\u200b\u00a0\u202f\uff21%40")
    assert set(probe[:-4]) <= set("0123456789")


def test_a_redactor_that_removes_exactly_the_labelled_values_scores_one(v2):
    recall, by_class, survival = rates(redacted_by(v2, oracle))
    assert set(by_class) == CLASSES
    assert all(v == 1.0 for v in recall.values()), recall
    assert all(v == 1.0 for v in by_class.values()), by_class
    assert all(v == 1.0 for v in survival.values()), survival


def test_no_redaction_leaks_every_value(v2):
    recall, by_class, survival = rates(v2)
    assert all(v == 0.0 for v in by_class.values()), by_class
    assert all(v == 1.0 for v in survival.values())


def test_rewriting_digits_or_dropping_invisible_characters_is_still_a_leak(v2):
    def to_ascii(text, pii):  # a "redactor" that only normalises: every value is still there
        return "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text)

    def strip_invisible(text, pii):
        return "".join(c for c in text if unicodedata.category(c) != "Cf")

    for fn in (to_ascii, strip_invisible):
        _, by_class, _ = rates(redacted_by(v2, fn))
        assert by_class["unicode_digits"] == 0.0 and by_class["invisible_separator"] == 0.0, (fn.__name__, by_class)


def test_wiping_every_digit_loses_the_look_alikes(v2):
    def every_digit(text, pii):
        return "".join("#" if unicodedata.category(c) == "Nd" else c for c in text)

    _, _, survival = rates(redacted_by(v2, every_digit))
    numeric = ["lottery", "tracking", "ean13", "date", "price", "isbn", "order", "timestamp", "unicode_number", "card_bad_luhn"]
    assert all(survival[k] < 0.05 for k in numeric), survival


def test_a_partial_redaction_is_a_leak(spark):
    rows = [
        ("1", "call <PHONE> 0958", [("phone", "plain", "+44 20 7946 0958")]),
        ("2", "I live at 27 The Parade, <ADDRESS>", [("address", "address_no_street_word", "27 The Parade, Leamington Spa CV32 4AN")]),
        ("3", "write to anna.smith<EMAIL>", [("email", "plain", "anna.smith@gmail.com")]),
        ("4", "hi anna_smith", [("mention", "mention_dot", "@anna_smith")]),
        ("5", "call +९१ ९८७६५ <PHONE>", [("phone", "unicode_digits", "+९१ ९८७६५ ४३२१०")]),
        ("6", "all gone: <PHONE> and <ADDRESS>", [("phone", "plain", "+44 20 7946 0958"), ("address", "plain", "27 The Parade, Leamington Spa CV32 4AN")]),
    ]
    df = spark.createDataFrame(
        [(i, t, [{"type": a, "class": b, "value": c} for a, b, c in p], []) for i, t, p in rows],
        "id string, text string, pii array<struct<type:string,class:string,value:string>>, decoys array<struct<kind:string,value:string>>",
    )
    got = dict(pii_recall(df.where(F.col("id") != "6")).select("type", "vanished").collect())
    assert got == {"phone": 0, "address": 0, "email": 0, "mention": 0}
    assert {r["type"]: r["recall"] for r in pii_recall(df.where(F.col("id") == "6")).collect()} == {"phone": 1.0, "address": 1.0}


def write_lines(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_pii_eval_records_the_measurement_and_exits_4_when_a_target_is_missed(spark, tmp_path):
    met = write_lines(tmp_path / "met.jsonl", [
        {"id": "1", "text": "mail a.person@example.com on 15.03.2024", "pii": [{"type": "email", "class": "plain", "value": "a.person@example.com"}],
         "decoys": [{"kind": "date", "value": "15.03.2024"}]},
    ])
    # A "value" no redactor can know is one: whatever the engine, this class stays below its target.
    missed = write_lines(tmp_path / "missed.jsonl", [
        {"id": "1", "text": "see you at the old mill tomorrow", "pii": [{"type": "address", "class": "address_multiline", "value": "the old mill"}],
         "decoys": []},
    ])
    out = tmp_path / "rec" / "m.json"
    ok = CliRunner().invoke(pii_eval, [str(met), "--record", str(out), "--require-targets"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert "targets met" in ok.output and "(target 0.995)" in ok.output
    rec = json.loads(out.read_text())
    assert rec["format"] == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["measured_at"])
    assert rec["eval_set"] == {"path": str(met), "sha256": hashlib.sha256(met.read_bytes()).hexdigest(), "records": 1}
    assert re.fullmatch(r"[0-9a-f]{64}", rec["detectors_sha256"])
    assert rec["code_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", rec["code_commit"])
    assert rec["recall"]["email"] == {"values": 1, "vanished": 1, "recall": 1.0, "target": 0.995, "meets_target": True}
    assert rec["recall_by_class"]["plain"]["values"] == 1 and rec["survival"]["date"]["survived"] == 1
    assert rec["overall"]["targets_met"] is True and rec["targets"] == {"recall": 0.995, "survival": 0.99}

    bad = CliRunner().invoke(pii_eval, [str(missed), "--require-targets"])
    assert isinstance(bad.exception, TargetsNotMet) and bad.exception.exit_code == EXIT_QUALITY_GATE_FAILED
    assert "class address_multiline" in str(bad.exception) and "mill" not in str(bad.exception)
    assert "below target" in bad.output
    # Without the flag the same measurement exits 0: a report, not a verdict.
    assert CliRunner().invoke(pii_eval, [str(missed)], catch_exceptions=False).exit_code == 0
