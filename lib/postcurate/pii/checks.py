"""Checksums and number-plan checks: plain Python, no Spark.

These run inside the vectorised PII step (see ``postcurate.pii.validated``) on the few rows whose text holds a
digit run or IBAN-shaped token. Each check takes the candidate as written and answers "is this really one?".
"""

from __future__ import annotations

import re

# Per-country IBAN lengths (ISO 13616 registry). A country missing here is not an IBAN country.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}


def luhn_ok(digits: str) -> bool:
    """Luhn (mod-10) check over a string of ASCII digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(compact: str) -> bool:
    """mod-97 check (ISO 7064) and registered length of an IBAN written without separators."""
    compact = compact.upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rotated = compact[4:] + compact[:4]
    remainder = 0
    for ch in rotated:
        # Letters count as two digits (A=10 .. Z=35); folding as we go keeps the numbers small.
        value = int(ch, 36)
        remainder = (remainder * (100 if value > 9 else 10) + value) % 97
    return remainder == 1


def nhs_ok(digits: str) -> bool:
    """UK NHS number: 10 digits, weights 10..2 on the first nine, mod-11 check digit (10 is never issued)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def isbn_ok(digits: str) -> bool:
    """ISBN-10 (mod-11, may end in X) or ISBN-13 (978/979, mod-10 weights 1,3)."""
    digits = digits.upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9])) + (10 if digits[9] == "X" else int(digits[9]))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit() and digits[:3] in ("978", "979"):
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    return False


# Issuer (IIN) prefixes of the card networks that matter: Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro,
# UnionPay. A Luhn-valid number outside these ranges is far more likely an order or tracking number.
_CARD_IIN = re.compile(
    r"(?:4[0-9]{12}(?:[0-9]{3}){0,2}"  # Visa 13/16/19
    r"|(?:5[1-5][0-9]{2}|222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}"  # Mastercard
    r"|3[47][0-9]{13}"  # Amex
    r"|3(?:0[0-5]|[68][0-9])[0-9]{11,16}"  # Diners
    r"|(?:6011|65[0-9]{2}|64[4-9][0-9])[0-9]{12,15}"  # Discover
    r"|35(?:2[89]|[3-8][0-9])[0-9]{12,15}"  # JCB
    r"|62[0-9]{14,17}"  # UnionPay
    r"|(?:50|5[6-9]|6[0-9])[0-9]{10,17})"  # Maestro
)


def card_ok(digits: str) -> bool:
    """A payment card number: a known issuer range, 13-19 digits, Luhn-valid."""
    return 13 <= len(digits) <= 19 and bool(_CARD_IIN.fullmatch(digits)) and luhn_ok(digits)
