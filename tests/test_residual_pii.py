"""The gate's own residual-PII check (quality.residual, jvm/.../quality/ResidualPii.java): independent of the
redactor, stricter than it, and bounded in time on adversarial input."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from postcurate.pii import default_detectors, with_redacted_text
from postcurate.pii.evaluation import LABELS_SCHEMA, value_survives
from postcurate.quality import RESIDUAL_TYPES, register_residual_check, residual_counts, residual_pii

ROOT = Path(__file__).resolve().parents[1]
V1, V2 = ROOT / "eval" / "pii_eval.jsonl", ROOT / "eval" / "pii_eval_v2.jsonl"
HOLDOUT = ROOT / "eval" / "pii_holdout.jsonl"


@pytest.fixture(scope="module")
def check(spark):
    return register_residual_check(spark)


@pytest.fixture(scope="module")
def types_of(spark, check):
    """The check's verdict on one text, straight from the JVM class (no Spark job)."""
    jvm = spark._jvm.org.postcurate.quality.ResidualPii
    return lambda text: jvm.typesOf(text)


def test_the_check_shares_no_code_with_the_redactor():
    for path in (ROOT / "lib" / "postcurate" / "quality").glob("*.py"):
        source = path.read_text()
        assert not re.search(r"(from|import)\s+postcurate\.pii\b", source), path.name
    java = (ROOT / "jvm" / "src" / "main" / "java" / "org" / "postcurate" / "quality" / "ResidualPii.java").read_text()
    assert "org.postcurate.pii" not in java.replace("{@code org.postcurate.pii}", "")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail me at jo.smith@example.com today", "email"),
        ("anna.smith at gmail dot com", "email"),
        ("anna.smith [@] gmail.com", "email"),
        ("user @ host . net", "email"),
        ("https://news.example.org/subscribe?email=anna%40gmail.com&src=ig", "email"),
        ("mailto:anna@web.de?subject=Hi", "email"),
        (".@LeaBernard you have to see this", "mention"),
        ("https://wa.me/447911123456", "phone"),
        ("https://api.whatsapp.com/send?phone=5511987654321&text=Oi", "phone"),
        ("tel:+442079460958", "phone"),
        ("call me on +44\u202f20\u00a07946\u20090958", "phone"),
        ("call me on +44 20\n7946 0958", "phone"),
        ("Handy: ０１７１－１２３４５６７", "phone"),
        ("मेरा नंबर +९१ ९८७६५ ४३२१० है", "phone"),
        ("call 0\u200b1\u200b5\u200b1 2\u200f345678", "phone"),
        ("my card 4111.1111.1111.1111", "card"),
        ("my card 𝟒𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏", "card"),
        ("my card 413726589127415", "card"),  # 15 digits from 4, Luhn-valid: the demo's kind
        ("my card 3742 6789 1234 5675", "card"),  # 16 digits from 37
        ("IBANES9121000418450200051332", "iban"),
        ("iban es91 2100 0418 4502 0005 1332", "iban"),
        ("ES 91 2100 0418 4502 0005 1332", "iban"),
        ("DE89  3704 0044  0532 0130 00", "iban"),
        ("DE89 3704 0044\n0532 0130 00", "iban"),
        ("social security no. is 536228417", "ssn"),
        ("SSN 536-22-8417", "ssn"),
        ("NI number AB 12 34 56 C", "nino"),
        ("my NHS number is 943 476 5919", "nhs"),
        ("N 51° 30.433 W 000° 07.650", "coords"),
        ("40°44'54.3\"N 73°59'09.9\"W", "coords"),
        ("https://www.openstreetmap.org/#map=17/51.50735/-0.12776", "coords"),
        ("https://www.google.com/maps/@51.5073509,-0.1277583,15z", "coords"),
        ("geo:51.5073,-0.1277", "coords"),
        ("51.50735, -0.12776", "coords"),
        ("27 The Parade, Leamington Spa CV32 4AN", "address"),
        ("27 The Parade\nLeamington Spa\nCV32 4AN", "address"),
        ("Im Winkel 3b, D-79098 Freiburg", "address"),
        ("hauptstraße 5, 10115 berlin", "address"),
        ("House No. 12, Sector 15, Noida 201301", "address"),
        ("14 Ashgrove, Tuam, Co. Galway, H54 A6X2", "address"),
        ("Unit 7/15 King St, Perth WA 6000", "address"),
        ("server 192.168.1.20 is down", "ip"),
        ("ssh into 2001:db8:faad::20b9:7381", "ip"),
    ],
)
def test_every_class_is_found(types_of, text, expected):
    assert expected in (types_of(text) or "").split(","), text


@pytest.mark.parametrize(
    "text",
    [
        "Lotto: 03 11 19 27 38 45",
        "EuroMillions 01 02 08 20 48 ⭐ 04 08",
        "Tracking: UPS 1Z999AA10123456784",
        "n° de suivi : USPS 9400 1112 3456 7890 1234 56",
        "Sendungsnummer: DHL 3708635008",
        "EAN 4006381333931",
        "ISBN 978-3-16-148410-0 and ISBN 0306406152",
        "on 15.03.2024 at 14:30, posted 2024-03-15T14:30:00Z",
        "version 10.0.19041.1288, build 1.2.3.4",
        "final score 6-4 6-3, 110-104",
        "only £1,299.99 or 1.299,00 € or ¥12,800",
        "see https://twitter.com/i/status/1422155047618096137",
        "see you @5pm @ the station",
        "moved to the CV32 4AN area",
        "Baker Street is closed again",
        "Order #4111111111111111 shipped",
        "ran 10 km in 45 min, 12000 steps",
        "<EMAIL> <PHONE> <CARD> <IBAN> <ADDRESS>",
        "१५/०३/२०२४ को",
    ],
)
def test_look_alikes_pass(types_of, text):
    assert types_of(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "".join("0123456789"[i % 10] + " -./\n"[i % 5] for i in range(10_000)),
        "4" * 20_000,
        "@" * 20_000,
        "." * 20_000,
        ":" * 20_000,
        "a@" * 10_000,
        "1:" * 10_000,
        "\u200f\u200e\u200b" * 6_700,
        "1\u200b" * 10_000,
        "N 1° " * 4_000,
        "12 Main St, " * 1_700,
    ],
)
def test_adversarial_texts_cost_at_most_fifty_times_a_benign_one(types_of, text):
    """Against a benign text of the same length, fastest of three rounds each, timed here: a wall-clock bound
    failed on a loaded machine, backtracking costs thousands of times a linear scan (as the JVM's LinearTime)."""
    unit = "Thanks everyone for coming to the lake on 12 May, back at 7pm! Tickets were 15 EUR, see you soon. "
    benign = (unit * (len(text) // len(unit) + 1))[: len(text)]

    def fastest(t: str) -> float:
        types_of(t)  # warm
        times = []
        for _ in range(3):
            started = time.perf_counter()
            types_of(t)
            times.append(time.perf_counter() - started)
        return min(times)

    baseline = max(fastest(benign), 0.02)  # below 20 ms a call is py4j's round trip, not the scan
    assert fastest(text) <= 50 * baseline


def test_numbers_hidden_by_invisible_characters_or_broken_surrogates_are_found(spark, check):
    texts = [
        ("zw", "card 4\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1\u200b1"),
        ("rlm", "call \u200f+44\u200e 20\u200f 7946\u200e 0958"),
        ("surrogates", "\ud83d x \udc00 " * 500 + " mail jo.smith@example.com"),
        ("clean", "\ud83d x \udc00 " * 500),
    ]
    df = spark.createDataFrame(texts, "id string, text string")
    got = dict(df.select("id", residual_pii(F.col("text"), check).alias("t")).collect())
    assert got == {"zw": "card", "rlm": "phone", "surrogates": "email", "clean": None}


def _labelled(spark, path):
    return spark.read.schema(LABELS_SCHEMA).json(str(path))


def _oracle_redacted(labels):
    """Each labelled value replaced by a placeholder, in SQL: what a redactor that makes no mistake leaves."""
    return labels.withColumn(
        "text",
        F.aggregate("pii", F.col("text"), lambda acc, p: F.overlay(acc, F.concat(F.lit("<"), F.upper(p["type"]), F.lit(">")), F.instr(acc, p["value"]), F.length(p["value"]))),
    )


def test_the_raw_eval_sets_are_flagged_value_by_value(spark, check):
    for path, floor in ((V2, 0.995), (V1, 0.995)):
        values = (
            _labelled(spark, path)
            .select(residual_pii(F.col("text"), check).alias("found"), F.explode("pii").alias("p"))
            .select(F.coalesce("p.class", F.lit("plain")).alias("class"), F.array_contains(F.split(F.coalesce("found", F.lit("")), ","), F.col("p.type")).alias("hit"))
            .groupBy("class").agg(F.avg(F.col("hit").cast("double")).alias("rate"), F.count("*").alias("n"))
            .collect()
        )
        assert values and all(r["rate"] >= floor for r in values), [(r["class"], r["rate"]) for r in values if r["rate"] < floor]


# Measured on the oracle-redacted labelled records (docs/publishing.md, "Residual PII"): texts the check still
# flags although every labelled value is gone. v1's are its bare ISBN-10s, which are valid NHS (or phone) numbers too.
FLAGGED_ORACLE_V1 = 15
FLAGGED_ORACLE_V2 = 0


def test_a_perfectly_redacted_eval_set_passes_with_at_most_the_measured_flags(spark, check):
    for path, measured in ((V1, FLAGGED_ORACLE_V1), (V2, FLAGGED_ORACLE_V2)):
        texts = _oracle_redacted(_labelled(spark, path).where(~F.col("id").rlike("^[ar]")))
        flagged = texts.where(residual_pii(F.col("text"), check).isNotNull()).count()
        assert flagged <= measured, (path.name, flagged)


def test_the_held_out_set_is_flagged_value_by_value(spark, check):
    """The set the redactor's last forms came from (the check's own tests use other values): nearly every value.

    Measured: 2,196 of 2,250 values (1,985 before the check learned the redactor's second-generation forms). The
    rest: decimal coordinates after a hemisphere letter and map links joined by "~", IPs in some contexts, NI numbers
    written with dashes, Belgian addresses without a street word ("Meir 95, 1000 Bruxelles").
    """
    found = (
        _labelled(spark, HOLDOUT)
        .select(residual_pii(F.col("text"), check).alias("found"), F.explode("pii").alias("p"))
        .select(F.array_contains(F.split(F.coalesce("found", F.lit("")), ","), F.col("p.type")).cast("int").alias("hit"))
        .agg(F.sum("hit").alias("hits"), F.count("*").alias("n"))
        .first()
    )
    assert found["n"] == 2_250 and found["hits"] >= 2_190, found


# Measured on the three eval sets after the redactor (docs/publishing.md, "Residual PII"), adversarial records left
# out: texts the check flags although every labelled value is gone (v1's are bare ISBN-10s and an invalid SSN next
# to another number), and the labelled values the redactor left that the check does not find. The redactor left
# none of v1's, 1 of v2's (the check finds it) and 5 of the held-out set's (it finds 3; not the last 8 digits of a
# phone number the redactor cut short, nor "Meir 262, 2000 Antwerpen", whose code reads as a year).
FLAGGED_AFTER_REDACTION = {V1.name: 4, V2.name: 0, HOLDOUT.name: 0}
MISSED_AFTER_REDACTION = {V1.name: 0, V2.name: 0, HOLDOUT.name: 2}


def test_after_the_redactor_the_check_flags_what_it_left_and_no_look_alike(spark, check):
    detectors = default_detectors()
    for path in (V1, V2, HOLDOUT):
        redacted = (
            _labelled(spark, path)
            .where(~F.col("id").rlike("^[ar]"))
            .transform(with_redacted_text, detectors, "text")
            .select("pii", F.split(F.coalesce(residual_pii(F.col("text"), check), F.lit("")), ",").alias("found"), F.col("text"))
            .withColumn("left", F.filter("pii", lambda p: value_survives(F.col("text"), p["value"], p["type"])))
            .cache()
        )
        flagged_clean = redacted.where((F.size("left") == 0) & (F.col("found") != F.array(F.lit("")))).count()
        missed = redacted.select("found", F.explode("left").alias("p")).where(~F.array_contains("found", F.col("p.type"))).count()
        assert flagged_clean <= FLAGGED_AFTER_REDACTION[path.name], (path.name, flagged_clean)
        assert missed <= MISSED_AFTER_REDACTION[path.name], (path.name, missed)
        redacted.unpersist()


def test_residual_counts_name_each_type_and_count_texts(spark, check):
    facts = spark.createDataFrame([("card,email",), ("card",), (None,), ("phone",)], "residual_pii_type string")
    counts = residual_counts(facts)
    assert list(counts.columns) == list(RESIDUAL_TYPES) and len(counts) == 1
    assert counts.iloc[0].to_dict() == {t: {"card": 2, "email": 1, "phone": 1}.get(t, 0) for t in RESIDUAL_TYPES}
