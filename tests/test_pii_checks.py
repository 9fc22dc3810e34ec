"""Checksums and issuer rules, in plain Python (no Spark)."""

import pytest

from postcurate.pii.checks import card_ok, iban_ok, isbn_ok, luhn_ok, nhs_ok


@pytest.mark.parametrize("digits", ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "79927398713"])
def test_luhn_accepts_valid_numbers(digits):
    assert luhn_ok(digits)


@pytest.mark.parametrize("digits", ["4111111111111112", "5555555555554440", "79927398710"])
def test_luhn_rejects_a_wrong_check_digit(digits):
    assert not luhn_ok(digits)


@pytest.mark.parametrize(
    "digits, ok",
    [
        ("4111111111111111", True),  # Visa
        ("5555555555554444", True),  # Mastercard
        ("2223003122003222", True),  # Mastercard 2-series
        ("378282246310005", True),  # Amex
        ("3530111333300000", True),  # JCB
        ("79927398713", False),  # Luhn-valid but 11 digits and no issuer
        ("1234567812345670", False),  # Luhn-valid, no issuer starts with 1
        ("9999999999999995", False),  # Luhn-valid, no issuer starts with 9
        ("4111111111111112", False),  # issuer fine, Luhn wrong
    ],
)
def test_card_needs_issuer_range_and_luhn(digits, ok):
    assert card_ok(digits) is ok


@pytest.mark.parametrize(
    "iban",
    ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606", "ES9121000418450200051332",
     "IE29AIBK93115212345678", "NL91ABNA0417164300", "BE68539007547034", "gb82west12345698765432"],
)
def test_iban_accepts_valid(iban):
    assert iban_ok(iban)


@pytest.mark.parametrize(
    "iban",
    ["DE89370400440532013001", "GB82WEST1234569876543", "XX89370400440532013000", "DE8937040044053201300"],
)
def test_iban_rejects_bad_check_length_or_country(iban):
    assert not iban_ok(iban)


def test_nhs_mod11():
    assert nhs_ok("9434765919")
    assert nhs_ok("4010232137")
    assert not nhs_ok("9434765918")
    assert not nhs_ok("943476591")  # nine digits


def test_isbn_10_and_13():
    assert isbn_ok("0306406152")
    assert isbn_ok("080442957X")
    assert isbn_ok("9783161484100")
    assert not isbn_ok("9783161484101")
    assert not isbn_ok("1234567890123")  # not 978/979
