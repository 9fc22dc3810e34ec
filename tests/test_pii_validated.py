"""The checksum and numbering-plan types through the JVM scanner: phones, cards, IBANs, NHS numbers.

Every text of this module goes through the job's transform in one Spark job (``tests/piikit.py``); each test then
asserts on its own texts. (These cases were the Python checksum step's; the scanner holds to each of them.)
"""

import inspect
import sys

import pytest
from piikit import redact_all

from postcurate.pii import default_detectors

CHECKSUM_TYPES = ("iban", "card", "nhs", "phone")
_RESULTS: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _redacted(spark):
    texts = [t for values in _texts_of_this_module() for t in values]
    _RESULTS.update(redact_all(spark, default_detectors(), texts))


def _texts_of_this_module():
    """Every text the tests below redact: the parametrized values in their contexts, and the literal cases."""
    module = sys.modules[__name__]
    for name, test in inspect.getmembers(module, inspect.isfunction):
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "parametrize":
                yield [CONTEXTS.get(name, "{}").format(v) for v in mark.args[1]]
    yield LITERAL


def redact(text):
    out, counts = _RESULTS[text]
    return out, {k: v for k, v in counts.items() if k in CHECKSUM_TYPES}


@pytest.mark.parametrize(
    "number",
    [
        # GB
        "+44 20 7946 0958", "020 7946 0958", "(020) 7946 0958", "+44 (0)20 7946 0958", "07911 123456", "+447911123456",
        "07911123456",
        # US
        "(415) 555-2671", "415-555-2671", "415.555.2671", "+1 415 555 2671", "1-415-555-2671", "+1 (415) 555-2671",
        # DE
        "030 12345678", "+49 30 12345678", "0151 23456789", "+49 (0)151 23456789", "030/1234567", "0049 30 1234567",
        # FR
        "06 12 34 56 78", "+33 6 12 34 56 78", "06.12.34.56.78", "0612345678", "+33 (0)1 23 45 67 89",
        # IE
        "087 123 4567", "+353 87 123 4567", "01 234 5678", "+353 1 234 5678",
        # IN
        "+91 98765 43210", "98765 43210", "098765 43210", "+91-98765-43210",
        # BR
        "(11) 91234-5678", "+55 11 91234-5678", "11 91234-5678", "(21) 3456-7890",
        # AU
        "0412 345 678", "+61 412 345 678", "(02) 9876 5432", "+61 2 9876 5432",
        # elsewhere, international format
        "+34 612 34 56 78", "+7 912 345 67 89",
    ],
)
def test_phone_numbers_in_national_and_international_formats(number):
    out, counts = redact(CONTEXTS["test_phone_numbers_in_national_and_international_formats"].format(number))
    assert out == "call me on <PHONE>!"
    assert counts["phone"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "Ruf mich an: 0151 23456789.",
        "Appelle-moi au 06 12 34 56 78 ce soir",
        "me liga no (11) 91234-5678, valeu",
        "llámame al +34 612 34 56 78 mañana",
        "chiamami al +39 347 123 4567",
    ],
)
def test_phone_in_non_english_context(text):
    out, counts = redact(text)
    assert counts["phone"] == 1
    assert not any(ch.isdigit() for ch in out.replace("<PHONE>", ""))


@pytest.mark.parametrize(
    "text",
    [
        "on 12.03.2024 at 10:30",  # date and time
        "2024-01-15 and 2023-12-31",  # two ISO dates
        "dates 12.03.2024/15.03.2024",  # a date range: mixed separators
        "score 3-1, 6-4 6-3, 102-98",
        "ISBN 978-3-16-148410-0",
        "ISBN 0-306-40615-2",
        "version 10.0.19041.1288",
        "price 12.99 13.99 14.99 15.99",
        "Order #0151234567",  # shaped like a German mobile, but labelled as an order number
        "Bestellnummer 0151 2345 6789",
        "2125550123",  # ten bare digits, no phone word: could be anything
        "+44 12",  # too short
        "1920x1080 and 3840 x 2160",
        "(415) 155-2671",  # US exchange may not start with 1
    ],
)
def test_phone_look_alikes_survive(text):
    out, counts = redact(text)
    assert out == text
    assert counts == {"iban": 0, "card": 0, "nhs": 0, "phone": 0}


def test_bare_ten_digits_count_as_phone_with_a_phone_word():
    assert redact("text me 2125550123")[0] == "text me <PHONE>"


def test_phone_after_a_date_in_the_same_digit_run():
    assert redact("12/03 0151 2345678")[0] == "12/03 <PHONE>"
    assert redact("2024 0151 2345678")[0] == "2024 <PHONE>"


def test_phone_does_not_swallow_a_following_time():
    assert redact("cellulare 0412 345 678 10:54:34")[0] == "cellulare <PHONE> 10:54:34"


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555 5555 5555 4444", "3782 822463 10005",
     "6011 1111 1111 1117", "2223 0031 2200 3222"],
)
def test_cards_with_or_without_separators(card):
    assert redact(CONTEXTS["test_cards_with_or_without_separators"].format(card)) == (
        "my card (<CARD>) was declined",
        {"iban": 0, "card": 1, "nhs": 0, "phone": 0},
    )


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn fails
        "4130 0680 2297 8046",  # Luhn fails, and no phone number hides inside an even 4-4-4-4 block
        "1234 5678 1234 5670",  # Luhn passes, no issuer starts with 1
        "order #4111111111111111",  # a Luhn-valid order number
        "Rechnung 5555555555554444",
        "4111 1111 1111 11112",  # groups do not fit a card
    ],
)
def test_card_look_alikes_survive(text):
    assert redact(text)[0] == text


def test_card_followed_by_expiry_date():
    assert redact("4111111111111111 12/27")[0] == "<CARD> 12/27"


@pytest.mark.parametrize(
    "iban",
    ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "gb82west12345698765432",
     "FR14 2004 1010 0505 0001 3M02 606", "ES91 2100 0418 4502 0005 1332", "IE29 AIBK 9311 5212 3456 78"],
)
def test_ibans_compact_or_grouped(iban):
    assert redact(CONTEXTS["test_ibans_compact_or_grouped"].format(iban))[0] == "Überweisung an <IBAN>, danke"


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01",  # mod-97 fails
        "NL34 QOLE 0557 2623 02",  # mod-97 fails, and the digits inside are not a phone number
        "DE89370400440532013000X",  # runs on into a letter
        "XX89 3704 0044 0532 0130 00",  # no such country
    ],
)
def test_iban_look_alikes_survive(text):
    assert redact(text)[0] == text


def test_iban_followed_by_a_phone_number():
    assert redact("IBAN DE89 3704 0044 0532 0130 00 call 0151 2345678")[0] == "IBAN <IBAN> call <PHONE>"


@pytest.mark.parametrize("nhs", ["943 476 5919", "943-476-5919", "9434765919"])
def test_nhs_numbers_labelled(nhs):
    out, counts = redact(CONTEXTS["test_nhs_numbers_labelled"].format(nhs))
    assert out == "my NHS number is <NHS>."
    assert counts["nhs"] == 1


def test_nhs_number_unlabelled_from_an_issued_range():
    assert redact("the letter says 401 023 2137")[0] == "the letter says <NHS>"


def test_nhs_look_alikes():
    assert redact("NHS number 943 476 5918")[0] == "NHS number 943 476 5918"  # mod-11 fails (and not a phone: labelled NHS)
    # A 3-3-4 number next to "call" is a US phone number even when it passes mod-11.
    assert redact("call 943 476 5919")[0] == "call <PHONE>"


def test_several_types_in_one_text_are_counted_apart():
    out, counts = redact("IBAN DE89370400440532013000, card 4111 1111 1111 1111, tel +44 20 7946 0958, NHS 943 476 5919")
    assert out == "IBAN <IBAN>, card <CARD>, tel <PHONE>, NHS <NHS>"
    assert counts == {"iban": 1, "card": 1, "nhs": 1, "phone": 1}


CONTEXTS = {
    "test_phone_numbers_in_national_and_international_formats": "call me on {}!",
    "test_cards_with_or_without_separators": "my card ({}) was declined",
    "test_ibans_compact_or_grouped": "Überweisung an {}, danke",
    "test_nhs_numbers_labelled": "my NHS number is {}.",
}

LITERAL = [
    "text me 2125550123",
    "12/03 0151 2345678",
    "2024 0151 2345678",
    "cellulare 0412 345 678 10:54:34",
    "4111111111111111 12/27",
    "IBAN DE89 3704 0044 0532 0130 00 call 0151 2345678",
    "the letter says 401 023 2137",
    "NHS number 943 476 5918",
    "call 943 476 5919",
    "IBAN DE89370400440532013000, card 4111 1111 1111 1111, tel +44 20 7946 0958, NHS 943 476 5919",
]
