"""Hostile input: 20,000 characters built to make a scanner backtrack or loop, each in bounded time, through Spark.

Runs of digits and separators, of "@", "." and ":", unpaired surrogates, direction marks and zero-width characters
between digits (which hide a number: it is caught), repeated postcodes, links, coordinates and IBAN starts. Each text
also carries real PII around the noise, which must still be found. The JVM's own unit test holds each text to a
second on its own (jvm/src/test/.../EngineTest.java); here the whole set goes through the job's transform.
"""

from __future__ import annotations

import random
import time

import pytest

from postcurate.pii import default_detectors, with_redacted_text
from postcurate.pii.scanner import redact_text

SIZE = 20_000
UNITS = [
    "1 ", "12 ", "123 ", "+1 ", "(1)", "1-", "1.", "1/", "0 ", "4111 ", "+44 20 7946 0958 ", "12.3456, ", "51.50735, -0.12776 ",
    "@", ".", ":", "@.", "a@", "a.", "::1", "1:", "a@b.", ".@a ", "a.a.a.", "1.1.1.1.", "ff:", "at ", "at dot ", "[at]",
    "\ud800", "\udc00", "\ud800 1 ", "1\u200f", "1\u200b", "\u202e1", "N 51° ", "51°30.433'N ", "lat 51.5 ", "DE89 ", "GB82 WEST ",
    "AB 12 ", "NW1 6XE ", "12345 Berlin ", "IL 62704 ", "D-79098 ", "Unit 7/15 ", "12 Main St, ", "H.No. 1-2-3, ",
    "https://", "www.", "wa.me/", "tel:", "geo:1,", "@1.1,1.1,", "Lotto 1 2 3 ", "123-45-6789 ", "123456789 ",
]
ALPHABETS = ["0123456789 ", "01 ", "0123456789 .-/()\n+", "0123456789 \u00a0\u202f", "0123456789\u200b\u200f", "0123456789.,:"]
# Real PII around the noise; the phone number is hidden by invisible characters and written with digits the noise
# does not use, so its survival is unambiguous.
HEAD = "mail ana.silva@example.org now "
TAIL = " call \uff10\u200f\uff17\u200f\uff17\u200f\uff10\u200f\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 thanks"


def _hostile() -> list[str]:
    rng = random.Random(3)
    texts = [(u * (SIZE // len(u) + 1))[:SIZE] for u in UNITS]
    texts += ["".join(rng.choice(a) for _ in range(SIZE)) for a in ALPHABETS]
    texts += ["a" * SIZE + "@example.com", "x@" + "b." * (SIZE // 2) + "com", "https://example.com/" + "a" * SIZE]
    return [HEAD + t + TAIL for t in texts]


@pytest.fixture(scope="module")
def hostile():
    return _hostile()


def test_every_hostile_text_is_redacted_in_bounded_time_through_spark(spark, hostile):
    df = spark.createDataFrame([(i, t) for i, t in enumerate(hostile)], "id int, text string").repartition(2)
    started = time.perf_counter()
    rows = df.transform(with_redacted_text, default_detectors(), "text").select("id", "text").collect()
    elapsed = time.perf_counter() - started
    assert len(rows) == len(hostile)
    # ~70 texts of 20,000 characters; the bound leaves room for a shared machine (it takes a few seconds alone).
    assert elapsed < 120, elapsed
    for row in rows:
        assert row.text.startswith("mail <EMAIL> now "), hostile[row.id][:40]
        assert row.text.endswith(" call <PHONE> thanks"), (hostile[row.id][-80:], row.text[-80:])


@pytest.mark.parametrize("index", range(0, len(UNITS) + len(ALPHABETS) + 3, 9))
def test_one_hostile_text_on_its_own_takes_well_under_a_second(spark, hostile, index):
    # On the driver, no Spark job: the scanner alone (its spec is compiled inside the call, measured once untimed).
    detectors = default_detectors()
    redact_text(spark, detectors, hostile[index])
    started = time.perf_counter()
    out = redact_text(spark, detectors, hostile[index])
    assert time.perf_counter() - started < 2.0  # a second of scanning, and the compile, on a shared machine
    assert out.endswith(" call <PHONE> thanks")
