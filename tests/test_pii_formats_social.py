"""Forms a fresh draw of the held-out set found missing, tested on values written for these tests alone.

Phone numbers after Hindi business words ("बुकिंग के लिए", "ग्राहक सेवा"), Indian mobiles in 3-3-4, a plan's
digits in any grouping next to a phone word ("mob:415555-0123"), numbers in a plan's own groups broken over a line
at a dash or after one, a card across line breaks beside a shorter number in it. (Block letters, labelled PINs, five-line
addresses, short "+" numbers and bare Telegram links are in jvm/.../FormsTest.java, on a spec of their own.)
"""

from __future__ import annotations

import pytest
from piikit import redact_all

from postcurate.pii import default_detectors

CLASSES: dict[str, list[tuple[str, str]]] = {
    "phone_business_hindi": [
        ("टेबल बुकिंग के लिए 9812345670", "टेबल बुकिंग के लिए <PHONE>"),
        ("होम डिलीवरी संपर्क करें 8899001122 धन्यवाद", "होम डिलीवरी संपर्क करें <PHONE> धन्यवाद"),
        ("ग्राहक सेवा 1800 180 1234", "ग्राहक सेवा <PHONE>"),
        ("हेल्पलाइन: 1800-11-4000", "हेल्पलाइन: <PHONE>"),
        ("टोल फ्री 1800 209 8800 पर", "टोल फ्री <PHONE> पर"),
    ],
    "phone_grouping": [
        ("987-654-3210 (Ravi)", "<PHONE> (Ravi)"),
        ("➡️ 912-345-6789", "➡️ <PHONE>"),
        ("Ph:415555-0123 evenings", "Ph:<PHONE> evenings"),
        ("whatsapp: 213 9876543", "whatsapp: <PHONE>"),
        ("Cel:1198765-4321", "Cel:<PHONE>"),
    ],
    "phone_line_break_dashes": [
        ("1-415-555 \n0123 — Sam", "<PHONE> — Sam"),
        ("987-654\n3210 ask for Ravi", "<PHONE> ask for Ravi"),
        ("212-555-\r\n0187", "<PHONE>"),
        ("04.22.72.66.40\n247 mm", "<PHONE>\n247 mm"),  # the measurement on the next line stays
    ],
    "card_across_breaks": [
        ("número de tarjeta 3612 \n345678 \n9013", "número de tarjeta <CARD>"),
    ],
}

LOOK_ALIKES: list[str] = [
    "from 12-03\n2024-05 on",
    "बुकिंग 2024 में 1800 लोग",
    "scores 415-555 and 0123 later",
    "1-800\n2019-2020 season",
    "+12 345 678 points",
]


@pytest.fixture(scope="module")
def redacted(spark):
    texts = [t for cases in CLASSES.values() for t, _ in cases] + LOOK_ALIKES
    return redact_all(spark, default_detectors(), texts)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_class_is_caught(redacted, name):
    wrong = [(text, redacted[text][0], want) for text, want in CLASSES[name] if redacted[text][0] != want]
    assert not wrong, wrong


def test_look_alikes_survive(redacted):
    lost = [(text, redacted[text][0]) for text in LOOK_ALIKES if redacted[text][0] != text]
    assert not lost, lost
