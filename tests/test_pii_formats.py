"""The formats people really write (issue #18's classes), each through the job's transform, in several languages.

Every text here goes through ``with_redacted_text`` in one Spark job (``tests/piikit.py``); each class then has its
own test. Expected outputs are the original text with the PII replaced: whatever the normalised view reads (Unicode
digits, spaces, invisible characters), the published text keeps the author's characters around the placeholder.
These cases are written apart from eval/ (whose texts the scanner must also pass): other wording, other values.
"""

from __future__ import annotations

import pytest
from piikit import redact_all

from postcurate.pii import default_detectors

NBSP, NNBSP, THIN, FIGURE = "\u00a0", "\u202f", "\u2009", "\u2007"
ZWSP, ZWJ, LRM, RLM, RLO = "\u200b", "\u200d", "\u200e", "\u200f", "\u202e"


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def digits_in(s: str, zero: int) -> str:
    """``s`` with its ASCII digits written in another script's digits (zero: the code point of its 0)."""
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in s)


BOLD = 0x1D7CE  # MATHEMATICAL BOLD DIGIT ZERO
DEVANAGARI, ARABIC_INDIC, BENGALI = 0x0966, 0x0660, 0x09E6

CLASSES: dict[str, list[tuple[str, str]]] = {
    "unicode_separator": [
        (f"Ruf mich an: 0170{NBSP}1234567, danke", "Ruf mich an: <PHONE>, danke"),
        (f"Mon numéro : 06{NNBSP}12{NNBSP}34{NNBSP}56{NNBSP}78 !", "Mon numéro : <PHONE> !"),
        (f"tel{THIN}+44{THIN}7700{THIN}900123", f"tel{THIN}<PHONE>"),
        (f"call +1{FIGURE}415{FIGURE}555{FIGURE}2671 today", "call <PHONE> today"),
        (f"Karte 4111{NBSP}1111{NBSP}1111{NBSP}1111 gesperrt", "Karte <CARD> gesperrt"),
        (f"IBAN:{NBSP}GB82{NBSP}WEST{NBSP}1234{NBSP}5698{NBSP}7654{NBSP}32", f"IBAN:{NBSP}<IBAN>"),
        ("ligue\u3000(11)\u300091234-5678", "ligue\u3000<PHONE>"),
    ],
    "dot_slash_separator": [
        ("card 5555.5555.5555.4444 exp 09/27", "card <CARD> exp 09/27"),
        ("cartão 5555/5555/5555/4444", "cartão <CARD>"),
        ("llámame 612.34.56.78 o 612/345/678", "llámame <PHONE> o <PHONE>"),
        ("Überweisung an DE89.3704.0044.0532.0130.00", "Überweisung an <IBAN>"),
        ("IBAN NL91/ABNA/0417/1643/00", "IBAN <IBAN>"),
    ],
    "line_break": [
        ("call me\n+44 20\n7946 0958\nthanks", "call me\n<PHONE>\nthanks"),
        ("my card is 4111 1111\n1111 1111", "my card is <CARD>"),
        ("my card is 4111 1111\r\n1111 1111", "my card is <CARD>"),
        ("IBAN FR14 2004 1010\n0505 0001 3M02 606", "IBAN <IBAN>"),
        ("Handy 0151\r\n2345678", "Handy <PHONE>"),
        # a number on one line and a measurement on the next are two things
        ("appelle-moi au 04.22.72.66.40\n247 mm", "appelle-moi au <PHONE>\n247 mm"),
    ],
    "unicode_digits": [
        (f"Handy {fullwidth('0170 1234567')}", "Handy <PHONE>"),
        (f"電話は{fullwidth('+44-7700-900123')}まで", "電話は<PHONE>まで"),
        (f"मेरा नंबर {digits_in('+91 98765 43210', DEVANAGARI)} है", "मेरा नंबर <PHONE> है"),
        (f"رقمي {digits_in('07911 123456', ARABIC_INDIC)}", "رقمي <PHONE>"),
        (f"card {digits_in('4111 1111 1111 1111', BOLD)}", "card <CARD>"),
        (f"আমার কার্ড {digits_in('5555 5555 5555 4444', BENGALI)}", "আমার কার্ড <CARD>"),
        (f"SSN {fullwidth('536-22-8417')}", "SSN <SSN>"),
    ],
    "invisible_separator": [
        (f"call 0{ZWSP}1{ZWSP}5{ZWSP}1 2345{ZWSP}678", "call <PHONE>"),
        (f"Konto DE89{LRM}3704{LRM}0044{LRM}0532{LRM}0130{LRM}00", "Konto <IBAN>"),
        (f"SSN 536{ZWJ}-22-8417", "SSN <SSN>"),
        (f"card 4111{RLM}1111{RLM}1111{RLM}1111", "card <CARD>"),
        (f"{RLO}+49 30 901820", f"{RLO}<PHONE>"),  # invisible, so kept: only what it stood before goes
        (f"mail anna{ZWSP}@{ZWSP}example.org", "mail <EMAIL>"),
    ],
    "in_link": [
        ("text me: https://wa.me/447700900123?text=hi", "text me: https://wa.me/<PHONE>?text=hi"),
        ("WhatsApp: wa.me/+34612345678", "WhatsApp: wa.me/<PHONE>"),
        ("https://api.whatsapp.com/send?text=hola&phone=5491123456789", "https://api.whatsapp.com/send?text=hola&phone=<PHONE>"),
        ('<a href="tel:+49-30-901820">Anrufen</a>', '<a href="tel:<PHONE>">Anrufen</a>'),
        ("sms:07700900123", "sms:<PHONE>"),
        ('<a href="mailto:anna.schmidt@gmx.de">mail</a>', '<a href="mailto:<EMAIL>">mail</a>'),
        ("https://example.org/signup?ref=x&mail=paul%40example.com", "https://example.org/signup?ref=x&mail=<EMAIL>"),
        ("https://example.org/signup?mail=Paul%40Example.com", "https://example.org/signup?mail=<EMAIL>"),
    ],
    "obfuscated_email": [
        ("scrivimi: mario punto rossi at libero punto it", "scrivimi: <EMAIL>"),
        ("contact: jane dot doe at example dot co dot uk", "contact: <EMAIL>"),
        ("mail MARIE AT ORANGE DOT FR", "mail <EMAIL>"),
        ("write lukas [@] gmx.de", "write <EMAIL>"),
        ("write lukas (@) gmx.de", "write <EMAIL>"),
        ("paul @ example . net is my mail", "<EMAIL> is my mail"),
        ("pedro.s at gmail.com", "<EMAIL>"),
        ("escreva para joao arroba gmail ponto com", "escreva para <EMAIL>"),
        ("schreib an lena [ät] web.de", "schreib an <EMAIL>"),
        ("anna {at} example {dot} org", "<EMAIL>"),
    ],
    "iban_irregular": [
        ("IBAN DE 89 3704 0044 0532 0130 00", "IBAN <IBAN>"),
        ("IBAN NL91  ABNA  0417 1643 00", "IBAN <IBAN>"),
        ("iban it60x0542811101000000123456", "iban <IBAN>"),
        ("Bankverbindung:IBANDE89370400440532013000", "Bankverbindung:IBAN<IBAN>"),
        ("IBAN FR14 2004 1010 0505\n0001 3M02 606", "IBAN <IBAN>"),
        ("IBAN de89 3704 0044 0532 0130 00", "IBAN <IBAN>"),
        ("IBAN ES91 2100-0418-4502-0005-1332", "IBAN <IBAN>"),
    ],
    "coords_dm": [
        ("GC1234 at N 48° 51.396 E 002° 17.658", "GC1234 at <COORDS>"),
        ("S 33° 52.076 E 151° 12.439 cache", "<COORDS> cache"),
        ("N51 30.433 W000 07.650", "<COORDS>"),
        ("at 51°30.433'N 0°07.650'W", "at <COORDS>"),
    ],
    "coords_dms": [
        ('48°51\'23.8"N 2°17\'40.2"E', "<COORDS>"),
        ("48° 51′ 23.8″ N, 2° 17′ 40.2″ E", "<COORDS>"),
        ("40d 44m 54.3s N, 73d 59m 9.9s W", "<COORDS>"),
        ("51º30'26''N 0º7'39''W", "<COORDS>"),
    ],
    "coords_map_link": [
        ("https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=17/48.8584/2.2945",
         "https://www.openstreetmap.org/?mlat=<COORDS>#map=17/<COORDS>"),
        ("https://www.google.com/maps/place/Eiffel/@48.8583701,2.2944813,17z", "https://www.google.com/maps/place/Eiffel/@<COORDS>,17z"),
        ("geo:48.8584,2.2945?z=18", "geo:<COORDS>?z=18"),
        ("https://maps.google.com/?q=51.5074,-0.1278", "https://maps.google.com/?q=<COORDS>"),
        ("https://maps.apple.com/?ll=40.7484,-73.9857", "https://maps.apple.com/?ll=<COORDS>"),
    ],
    "address": [
        ("221B Baker Street\nLondon\nNW1 6XE", "<ADDRESS>"),
        ("12 rue de la paix, 75002 paris", "<ADDRESS> paris"),
        ("3 The Crescent, Bath BA1 2LR", "<ADDRESS>"),
        ("27 The Parade, Leamington Spa CV32 4AN", "<ADDRESS>"),
        ("Im Winkel 3b, D-79098 Freiburg", "<ADDRESS> Freiburg"),
        ("Flat 4, 22 MG Road, Sector 14, Gurugram 122001", "<ADDRESS>"),
        ("H.No. 8-2-293, Road No. 12, Hyderabad 500034", "<ADDRESS>"),
        ("Apartment 5, The Maltings, Bray, A98 K2X9", "<ADDRESS>"),
        ("Unit 7/15 King St, Perth WA 6000", "<ADDRESS>"),
        ("7/15 King Street, Perth WA 6000", "<ADDRESS>"),
        ("ich wohne am ring 12, 10115 berlin", "ich wohne <ADDRESS> berlin"),
        ("1600 pennsylvania ave nw, washington, dc 20500", "<ADDRESS>"),
    ],
    "mention_dot": [
        (".@jane_doe that is not true", ".<MENTION> that is not true"),
        (".@Marie.Dupont et @paul", ".<MENTION> et <MENTION>"),
        ("hey\n.@someone_else look", "hey\n.<MENTION> look"),
    ],
    "ssn_compact": [
        ("my social security number is 536228417", "my social security number is <SSN>"),
        ("SSN no. is 536228417", "SSN no. is <SSN>"),
        ("número de seguro social: 536228417", "número de seguro social: <SSN>"),
        ("mon numéro de sécurité sociale américain : 536228417", "mon numéro de sécurité sociale américain : <SSN>"),
    ],
    "card_any_brand_length": [
        # Luhn-valid, 13 to 19 digits, whatever a brand's own length rule says (the demo plants 15 x "4", 16 x "37")
        ("my card 494580730215732 was charged", "my card <CARD> was charged"),
        ("card 3768193036426210", "card <CARD>"),
        ("5299722003327 is my card", "<CARD> is my card"),
        ("card 6245383236405622418", "card <CARD>"),
        ("Kartennummer 25499095145475278", "Kartennummer <CARD>"),
    ],
}

LOOK_ALIKES: dict[str, list[str]] = {
    "lottery": [
        "Lotto: 03 11 19 27 38 45",
        "Eurojackpot 5 12 23 34 45 + 2 9",
        "Ziehung vom Samstag: 06 13 21 32 40 47",
        "las cifras 02 14 25 31 40 44 ganaron",
        "Mega-Sena: 06 07 23 43 45 47",
    ],
    "tracking": [
        "DHL Sendungsnummer 1234567890",
        "tracking: 0034 1234 5678 9012 3456",
        "FedEx 771234567890 arrives Monday",
        "colis 6A12345678901",
        "UPS 1Z999AA10123456784",
        "Royal Mail AB123456789GB",
        "your parcel 00340434161234567890 is on its way",
    ],
    "ean13": [
        "EAN 4006381333931",
        "barcode: 5901234123457",
        "4006381333931 on the label",
        "Strichcode 4 006381 333931",
    ],
    "everyday": [
        "see https://www.example.org/articles/4155552671 and medium.com/@author",
        "we met at noon. Then lunch",
        "deals at amazon.com today",
        "it means a lot.. 4130 0680 2297 8046",
        "score 3-1, 6-4 6-3, at 10:30 on 15.03.2024",
        "last seen 20240914055940",
        "1920x1080, 3840 x 2160",
        "Main Street is closed",
    ],
}


@pytest.fixture(scope="module")
def redacted(spark):
    texts = [t for cases in CLASSES.values() for t, _ in cases] + [t for texts in LOOK_ALIKES.values() for t in texts]
    return redact_all(spark, default_detectors(), texts)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_class_is_caught(redacted, name):
    wrong = [(text, redacted[text][0], want) for text, want in CLASSES[name] if redacted[text][0] != want]
    assert not wrong, wrong


@pytest.mark.parametrize("kind", sorted(LOOK_ALIKES))
def test_look_alikes_survive(redacted, kind):
    lost = [(text, redacted[text][0]) for text in LOOK_ALIKES[kind] if redacted[text][0] != text]
    assert not lost, lost


def test_counts_are_of_what_was_replaced(redacted):
    out, counts = redacted[CLASSES["coords_map_link"][0][0]]
    assert counts["coords"] == 2 and sum(counts.values()) == 2
    out, counts = redacted[CLASSES["unicode_digits"][0][0]]
    assert counts["phone"] == 1 and sum(counts.values()) == 1


def test_every_card_the_demo_plants_is_redacted(spark):
    # The seed generator's cards: Luhn-valid, 15 digits starting with 4 and 16 starting with 37 or 51, compact or
    # in fours. Before the scanner about a third of them reached the demo's shards.
    from postcurate.samples import pii_values

    texts = [t for seed in range(8) for t in pii_values(seed)["card"]]
    assert any(len("".join(c for c in t if c.isdigit())) == 15 for t in texts)
    results = redact_all(spark, default_detectors(), texts)
    leaked = [(t, out) for t, (out, counts) in results.items() if out != "my card <CARD>" or counts["card"] != 1]
    assert not leaked, leaked[:5]
