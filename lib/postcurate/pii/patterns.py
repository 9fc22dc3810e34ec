"""Candidate regular expressions for the SQL (JVM) side, in Java regex syntax.

Every quantifier is bounded and every alternative is anchored on a character class that cannot overlap its
neighbour, so a 200k-character post costs linear time and never backtracks catastrophically.
"""

from __future__ import annotations

import re

from postcurate.pii.checks import IBAN_LENGTHS

# Letters and digits in any script (Java syntax); look-arounds use these so "josé@…" and "Müller" behave.
AN = r"\p{L}\p{N}"

EMAIL_AT = r"(?:@|\s?[\[({]\s?(?i:at)\s?[\])}]\s?)"
EMAIL_DOT = r"(?:\.|\s?[\[({]\s?(?i:dot)\s?[\])}]\s?)"
EMAIL = (
    rf"(?<![{AN}._%+\-])[{AN}_%+\-][{AN}._%+\-]{{0,63}}{EMAIL_AT}"
    rf"(?:[{AN}][{AN}\-]{{0,62}}{EMAIL_DOT}){{1,8}}\p{{L}}{{2,24}}(?![{AN}\-])"
)
EMAIL_GATE = r"@|(?i)[\[({]\s?at\s?[\])}]"

# Public web addresses whose host is a name (not an IP address): protected from the detectors that follow,
# so "/status/4155552671" or "medium.com/@author" survive. WhatsApp links carry a phone number: not protected.
URL = (
    rf"(?i)(?<![{AN}@.\-])(?:https?://|www\.)(?!(?:www\.)?wa\.me/|api\.whatsapp\.com/)"
    rf"(?:[{AN}][{AN}\-]{{0,62}}\.){{1,10}}\p{{L}}{{2,24}}(?::[0-9]{{1,5}})?"
    r"(?:[/?#](?:[^\s<>\"'\uE000]{0,2000}[^\s<>\"'\uE000.,;:!?)\]}])?)?"
)
URL_GATE = r"(?i)https?://|www\."
URL_ANCHOR = r"(?=[hHwW])"

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
IPV4 = rf"(?<![{AN}.])(?:{_OCTET}\.){{3}}{_OCTET}(?![0-9]|\.[0-9])"
_H = r"[0-9A-Fa-f]{1,4}"
_V4 = rf"(?:{_OCTET}\.){{3}}{_OCTET}"
_IPV6_FORMS = [
    rf"(?:{_H}:){{6}}{_V4}",
    rf"(?:{_H}:){{1,4}}:{_V4}",
    rf"::(?:[Ff]{{4}}(?::0{{1,4}})?:)?{_V4}",
    rf"(?:{_H}:){{7}}{_H}",
    rf"(?:{_H}:){{1,6}}:{_H}",
    rf"(?:{_H}:){{1,5}}(?::{_H}){{1,2}}",
    rf"(?:{_H}:){{1,4}}(?::{_H}){{1,3}}",
    rf"(?:{_H}:){{1,3}}(?::{_H}){{1,4}}",
    rf"(?:{_H}:){{1,2}}(?::{_H}){{1,5}}",
    rf"{_H}:(?::{_H}){{1,6}}",
    rf":(?::{_H}){{1,7}}",
    rf"(?:{_H}:){{1,7}}:",
]
# The lookahead for a digit keeps words like "dead::beef" out; the trailing one makes the match take the whole token.
IPV6 = rf"(?<![{AN}:.])(?=[0-9A-Fa-f:.]{{0,45}}[0-9])(?:{'|'.join(_IPV6_FORMS)})(?![{AN}:]|\.[0-9])"
IP_GATE = r"[0-9]\.[0-9]{1,3}\.|[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:"

_LAT = r"(?:[1-8]?[0-9]|90)"
_LON = r"(?:1[0-7][0-9]|[1-9]?[0-9]|180)"
_SIGN = r"[-+\u2212]?"
_DMS_TAIL = r"\s?[0-5]?[0-9]\s?['\u2032\u2019]\s?(?:[0-5]?[0-9](?:[.,][0-9]{1,4})?\s?(?:[\"\u2033\u201d]|'')\s?)?"
COORDS = [
    # 51.50735, -0.12776  (four or more decimals: prices and scores have two)
    rf"(?<![{AN}.,$€£¥]|[$€£¥]\s){_SIGN}{_LAT}\.[0-9]{{4,10}}(?:\s{{0,3}}[,;]\s{{0,3}}|\s{{1,3}}){_SIGN}{_LON}\.[0-9]{{4,10}}(?![0-9]|\.[0-9])",
    # lat: 51.507, lon: -0.128  (a label admits fewer decimals)
    rf"(?i)(?<![\p{{L}}])(?:lat(?:itude)?|breite(?:ngrad)?)\s{{0,3}}[:=]?\s{{0,3}}{_SIGN}[0-9]{{1,2}}[.,][0-9]{{2,10}}\s?°?\s{{0,3}}[,;/]?\s{{0,3}}"
    rf"(?:lon(?:g(?:itude)?)?|lng|länge(?:ngrad)?)\s{{0,3}}[:=]?\s{{0,3}}{_SIGN}[0-9]{{1,3}}[.,][0-9]{{2,10}}°?",
    # 51.5074° N, 0.1278° W  and  48,8584 N 2,2945 E  (a hemisphere letter or degree sign admits any precision)
    rf"(?<![{AN}.]){_LAT}(?:[.,][0-9]{{1,10}}\s?°?|\s?°)\s?[NS](?![\p{{L}}])\.?\s{{0,3}}[,;/]?\s{{0,3}}{_LON}(?:[.,][0-9]{{1,10}}\s?°?|\s?°)\s?[EWO](?![\p{{L}}])",
    rf"(?<![{AN}])[NS]\s?{_LAT}(?:[.,][0-9]{{1,10}}°?|°)\s{{0,3}}[,;/]?\s{{0,3}}[EWO]\s?{_LON}(?:[.,][0-9]{{1,10}}°?|°)(?![0-9])",
    # 40°44'54.3"N 73°59'09.9"W
    rf"(?<![{AN}]){_LAT}\s?°{_DMS_TAIL}[NS]\s{{0,3}}[,;/]?\s{{0,3}}{_LON}\s?°{_DMS_TAIL}[EWO](?![\p{{L}}])",
]
COORDS_GATE = r"[0-9](?:[.,][0-9]|\s?°)"
# Java tries a pattern at every position and has no first-character scan of its own: a cheap look-ahead for
# the first character(s) stops it before the costly look-behinds (context words) run at every position.
COORDS_ANCHORS = [
    rf"(?<![{AN}.,])(?=[-+\u2212]?[0-9]{{1,2}}\.[0-9]{{4}})",
    r"(?<![\p{L}])(?=(?i:lat|breite))",
    rf"(?<![{AN}.])(?=[0-9]{{1,2}}(?:[.,][0-9]{{1,10}})?\s?°?\s?[NS])",
    rf"(?<![{AN}])(?=[NS]\s?[0-9])",
    rf"(?<![{AN}])(?=[0-9]{{1,2}}\s?°)",
]
# (A one-character look-behind is as cheap: where a pattern starts with one, it goes first.)
IPV4_ANCHOR = rf"(?<![{AN}.])(?=[0-9]{{1,3}}\.[0-9]{{1,3}}\.[0-9]{{1,3}}\.[0-9])"
IPV6_ANCHOR = rf"(?<![{AN}:.])(?=[0-9A-Fa-f]{{0,4}}::?[0-9A-Fa-f]{{0,4}}:)"
SSN_ANCHOR = r"(?=[0-9]{3}[\- ][0-9]{2}[\- ][0-9]{4})"
NINO_ANCHOR = rf"(?<![{AN}])(?=[A-Za-z]{{2}}[ \-]?[0-9]{{2}}[ \-]?[0-9]{{2}})"
MENTION_ANCHOR = r"(?=@)"
ADDRESS_ANCHORS = [r"(?<![\p{L}\p{N}.,:/\-])(?=[0-9])", rf"(?<![{AN}])", rf"(?<![{AN}])", rf"(?<![{AN}])(?=\p{{Lu}})"]
# An e-mail's local part is read once, possessively, and only a token followed by "@" or "[at]" goes further.
EMAIL_ANCHOR = rf"(?<![{AN}._%+\-])(?=[{AN}._%+\-]{{1,64}}+(?:@|\s?[\[({{]))"

SSN_DASHED = (
    rf"(?<![{AN}\-+./]|[0-9] )(?!000|666|9[0-9]{{2}})[0-9]{{3}}(?:-(?!00)[0-9]{{2}}-| (?!00)[0-9]{{2}} )(?!0000)[0-9]{{4}}"
    rf"(?![{AN}]|[\-. /][0-9])"
)
SSN_COMPACT_ANCHOR = r"(?=[0-9]{9}(?![0-9]))"
SSN_BODY_COMPACT = r"(?!000|666|9[0-9]{2})[0-9]{3}(?!00)[0-9]{2}(?!0000)[0-9]{4}(?![0-9])"
SSN_GATE = r"[0-9]{3}[\- ]?[0-9]{2}[\- ]?[0-9]{4}"

# UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O never second; BG GB KN NK NT TN ZZ
# never issued), six digits, suffix A-D.
NINO_PREFIX = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
_NINO_DIGITS = r"[ \-]?[0-9]{2}(?:[0-9]{4}| [0-9]{2} [0-9]{2}|-[0-9]{2}-[0-9]{2})"  # the last two gaps alike
NINO = rf"(?i)(?<![{AN}]){NINO_PREFIX}{_NINO_DIGITS}[ \-]?[A-D](?![{AN}])"
NINO_BODY_NO_SUFFIX = rf"(?i){NINO_PREFIX}{_NINO_DIGITS}(?![{AN}])"
# Six digits right after a two-letter word: not after "call" or "Tel", so half as many texts reach the pattern.
NINO_GATE = rf"(?=[0-9]{{2}})(?<=(?<![{AN}])[A-Za-z]{{2}}[ \-]?)[0-9]{{2}}[ \-]?[0-9]{{2}}[ \-]?[0-9]{{2}}"

MENTION = (
    rf"(?<![{AN}_.@/:+#&=\\\-])@"
    # "@5pm", "@ 10:30", "@10h" are times, not accounts.
    rf"(?!(?i:[0-9]{{1,2}}(?:[:.h][0-9]{{2}})?\s?(?:am|pm|h|uhr)?)(?![{AN}_]))"
    rf"[{AN}_](?:[{AN}_.]{{0,62}}[{AN}_])?"
)
MENTION_GATE = "@"

# --- street addresses: a house number, a street (recognised by its type word), and a postcode close by -------
_STREET_TYPES_AFTER = (  # written after the street name: "Baker Street", "Main St."
    "street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|close|court|ct|crescent|cres|place|pl|way|boulevard|blvd|"
    "terrace|gardens|gdns|square|sq|highway|hwy|parkway|pkwy|row|mews|grove|walk|parade|circle|cir|hill|"
    "green|rise|wharf|quay|esplanade|broadway|marg|nagar|layout|cross"
)
_STREET_TYPES_BEFORE = (  # written before the name: "rue de la Paix", "Calle Mayor", "Rua Augusta", "Via Roma"
    "rue|avenue|av|bd|boulevard|place|chemin|allée|allee|impasse|quai|route|cours|passage|"
    "calle|c/|avenida|avda|plaza|paseo|camino|carrera|carretera|ronda|"
    "rua|r\\.|travessa|praça|praca|largo|estrada|alameda|rodovia|"
    "via|viale|piazza|corso|vicolo"
)
_STREET_SUFFIXES = (  # glued to the name: "Hauptstraße", "Keizersgracht"
    "straße|strasse|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|"
    "straat|laan|plein|gracht|kade|dijk"
)
_US_STATES = (
    "A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]"
)
POSTCODES = "|".join(
    [
        r"(?-i:[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2})",  # GB
        rf"(?-i:{_US_STATES})\.?\s{{1,2}}[0-9]{{5}}(?:-[0-9]{{4}})?",  # US state + ZIP
        r"(?-i:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s{1,2}[0-9]{4}",  # AU state + postcode
        r"(?-i:[AC-FHKNPRTV-Y][0-9]{2}|D6W)\s?(?-i:[0-9AC-FHKNPRTV-Y]{4})",  # IE Eircode
        r"[0-9]{5}-[0-9]{3}",  # BR CEP
        r"[0-9]{4}-[0-9]{3}",  # PT
        r"[1-9][0-9]{3}\s?(?-i:[A-Z]{2})(?=\s{1,3}\p{Lu})",  # NL, before the town
        r"[0-9]{5}(?=\s{1,3}\p{Lu})",  # DE, FR, ES, IT: before the town
        r"(?<![0-9][ \-])[1-9][0-9]{2}\s?[0-9]{3}(?![ \-]?[0-9])",  # IN PIN, not a piece of a longer number
    ]
)
# A house number starts a token: not the "1991" of "17.12.1991", the "48" of "8:48" or the "00" of "3-00".
_NUMBER = r"(?<![\p{L}\p{N}.,:/\-])[0-9]{1,5}[A-Za-z]?(?:[\-/][0-9]{1,5}[A-Za-z]?)?(?:\s(?:bis|ter|quater))?"
# After the street name (DE, ES, IT, PT) the house number has at most four digits: five is a postcode.
_HOUSE = r"(?<![\p{L}\p{N}.,:/\-])[0-9]{1,4}[A-Za-z]?(?:[\-/][0-9]{1,4}[A-Za-z]?)?(?![0-9])"
# A word of a street name starts with a letter ("Baker", "King's") or is an ordinal ("5th").
_NAME = r"(?:\p{L}[\p{L}\p{N}'\u2019.\-]{0,29}|[0-9]{1,3}(?:st|nd|rd|th))"
_TO_POSTCODE = rf"[^\n\r<>@\uE000]{{0,80}}?(?<![{AN}])(?:{POSTCODES})(?![{AN}])"
ADDRESS = [
    # 221B Baker Street, London NW1 6XE / 1600 Pennsylvania Ave NW, Washington, DC 20500 / 12 rue de la Paix, 75002 Paris
    rf"(?i){_NUMBER},?\s{{1,3}}(?:(?:{_NAME}\s{{1,3}}){{0,4}}?(?:{_STREET_TYPES_AFTER})\.?(?![\p{{L}}])|(?:{_STREET_TYPES_BEFORE})\.?(?=\s))"
    + _TO_POSTCODE,
    # Rua Augusta, 1500 - São Paulo, 01310-100 / Calle Mayor 10, 28013 Madrid / Via Roma 5, 00184 Roma
    rf"(?i)(?<![{AN}])(?:{_STREET_TYPES_BEFORE})\.?\s{{1,3}}(?:{_NAME}\s{{1,3}}){{0,4}}?{_NAME}"
    rf",?\s{{1,3}}(?:n[º°o]\.?\s?)?{_HOUSE}(?![{AN}])" + _TO_POSTCODE,
    # Hauptstraße 5, 10115 Berlin / Keizersgracht 123, 1015 CJ Amsterdam. Only a word followed by a house number
    # is read; it is read possessively and its ending checked by looking back, so no letter is tried twice.
    rf"(?i)(?<![{AN}])(?=[\p{{L}}\-]{{2,31}}+\.?,?\s{{1,3}}(?:n[º°o]\.?\s?)?[0-9])"
    rf"\p{{L}}[\p{{L}}\-]{{0,30}}+(?:(?<={_STREET_SUFFIXES})|(?<=str)\.)"
    rf",?\s{{1,3}}(?:n[º°o]\.?\s?)?{_HOUSE}(?![{AN}])" + _TO_POSTCODE,
    # Unter den Linden 77, 10117 Berlin: no type word, so number, comma, five-digit code and a town are required
    rf"(?<![{AN}])\p{{Lu}}[\p{{L}}'\u2019.\-]{{1,30}}(?:\s{{1,3}}[\p{{L}}'\u2019.\-]{{1,30}}){{0,3}}\s{{1,3}}[0-9]{{1,4}}[a-zA-Z]?,\s{{0,3}}[0-9]{{5}}(?=\s{{1,3}}\p{{Lu}}\p{{L}}{{2}})",
]
# Every address above ends in a postcode (the last one in a five-digit one), so a text without anything
# postcode-shaped skips the address pass. Most posts have a digit; few have a postcode. Every postcode starts
# with a capital or a digit: that one-character look-ahead goes first, so most positions cost a single test.
# The postcodes are read case-insensitively, as inside the address patterns, where (?i) also lets \p{Lu} match
# any letter: the gate must pass every text the patterns can match.
ADDRESS_GATE = rf"(?=[A-Z0-9])(?<![{AN}])(?i:{POSTCODES})(?![{AN}])"
# Every address starts a word with a letter or a digit.
ADDRESS_ANCHOR = rf"(?<![{AN}])[{AN}]"

# What every match of a detector holds, whatever its form: a digit (coordinates, IP addresses, SSN, NINO,
# addresses: every address ends in a postcode). Three posts in four have no digit at all; the residual-PII
# check of the quality gate tests this once for all of these detectors instead of each of their gates.
NEEDS_DIGIT = "[0-9]"

# Rows the Python step must see: a digit run with nine or more digits, or an IBAN-shaped token.
# The same gaps as the Python step's digit runs (postcurate.pii.validated._GAP), so the two agree on "9 digits".
RUN_GAP = r"(?: {1,2}|[.\-/]|[ ]?\([ ]?|[ ]?\)[ ]?[-.]?[ ]?)"
VALIDATED_GATE = (
    # Possessive gaps: separators and digits never overlap, so there is nothing to backtrack into. This is a
    # superset of the Python step's runs (any gap of up to four separator characters).
    r"[0-9](?:[ .()/\-]{0,4}+[0-9]){8}"
    r"|(?=[A-Za-z]{2}[0-9]{2})(?i:(?<![a-z0-9])(?:" + "|".join(sorted(IBAN_LENGTHS)) + r")[0-9]{2}[ \-]?[0-9a-z]{4})"
)


def not_after(words: tuple[str, ...] | list[str]) -> str:
    """A Java look-behind that refuses a match right after one of ``words`` (e.g. "order #", "ISBN:")."""
    if not words:
        return ""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    tail = r"(?:\s?(?:no|nr|number|num|nummer|n[°º]|id)\.?)?"
    return rf"(?<!(?i:(?<![{AN}])(?:{alternatives}){tail}[^{AN}\n]{{0,3}}))"


def after_words(words: tuple[str, ...] | list[str]) -> str:
    """A Java look-behind that admits a match only right after one of ``words`` (e.g. "SSN:", "NINO")."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?<=(?i:(?<![{AN}])(?:{alternatives})\s{{0,3}}[:#.]?\s{{0,3}}))"
