"""The second labelled set, eval/pii_eval_v2.jsonl: PII and look-alikes as people write them on social platforms.

Written by ``python eval/generate.py`` (beside the first set, which it leaves byte-identical). Standard library
only; every checksum comes from ``generate.py`` (written independently of ``postcurate.pii``).

Each line: ``{"id", "lang", "text", "pii": [{"type", "class", "value"}], "decoys": [{"kind", "value"}]}``.

* ``type`` is the contract's PII type (email, phone, card, iban, ip, ssn, nino, nhs, address, coords, mention).
* ``class`` is the way it is written (the classes of issue #18, docs/pii.md "The evaluation"): ``plain`` for the
  classic forms, and ``unicode_separator``, ``dot_slash_separator``, ``line_break``, ``unicode_digits``,
  ``invisible_separator``, ``in_link``, ``obfuscated_email``, ``iban_irregular``, ``coords_dm``, ``coords_dms``,
  ``coords_map_link``, ``address_multiline``, ``address_lowercase``, ``address_no_street_word``,
  ``address_country_prefix``, ``address_in``, ``address_eircode``, ``address_au_unit``, ``mention_dot``,
  ``ssn_compact``, ``card_any_brand_length``.
* ``value`` is the exact span of the text that must vanish (it may hold Unicode digits, spaces, line breaks and
  invisible characters, as written). ``decoys`` are look-alikes that must survive verbatim.

Labels come from how each text was built, never from a redactor. Every record is checked as it is built: each
value is in the text, no part of a value that the scorer looks for (``leak_keys``) occurs anywhere else in the
text, and each decoy is outside every value, so a redactor that removes exactly the labelled spans scores 1.0
recall and 1.0 survival (tests/test_pii_eval.py holds the Spark scorer to this).

Adversarial records (ids ``a...``): 20,000 characters of digits and separators, long runs of ``@ . :``, unpaired
surrogates, right-to-left marks. A run of thousands of digits is no number of any PII type, so it is labelled
neither PII nor decoy: what a redactor does with it is not scored, only that it finishes; the real values placed
around it (an e-mail, a phone number written with digits the run does not hold) are scored as usual. A number
split by zero-width characters or bidi marks is PII (class ``invisible_separator``).
"""

from __future__ import annotations

import random
import re
import string
import unicodedata

import generate as g

LANGS = ["en", "de", "fr", "es", "pt", "it"]
SCRIPT_LANGS = ["hi", "ar", "ja"]

# --- normalisation and the scorer's leak keys (the Spark scorer, postcurate.pii.evaluation, does the same) ------

SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u2028\u2029\x85\t\n\r\x0b\x0c"


def normalise(s: str) -> str:
    """What the scorer compares: Unicode digits as ASCII, fullwidth forms as ASCII, every space and line break a
    plain space, invisible (format) characters dropped, lower case, %40 as @."""
    out = []
    for ch in s:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        cat = unicodedata.category(ch)
        if cat == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif cat == "Cf":
            continue
        elif ch in SPACES:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out).lower().replace("%40", "@").replace("%2b", "+")


def leak_keys(value: str, pii_type: str) -> set[str]:
    """The normalised strings whose survival means the value leaked: the whole value; each chunk (split at
    non-alphanumerics) of four or more characters with three or more digits; for an address, each comma- or
    line-separated part holding a digit (the house number and street); for an e-mail its local part and for a
    mention its handle, when four characters or more. ``postcurate.pii.evaluation.leak_keys`` is the same in Spark."""
    n = normalise(value)
    keys = {n}
    keys |= {t for t in re.split(r"[^0-9a-z]+", n) if len(t) >= 4 and sum(c in string.digits for c in t) >= 3}
    if pii_type == "address":
        parts = re.split(r",| {2,}", normalise(value.replace("\r", ",").replace("\n", ",")))
        keys |= {p.strip() for p in parts if len(p.strip()) >= 4 and re.search(r"[0-9]", p)}
    if pii_type == "email":
        local = re.split(EMAIL_AT, n, maxsplit=1)[0].strip()
        if len(local) >= 4:
            keys.add(local)
    if pii_type == "mention" and len(n.lstrip(".@")) >= 4:
        keys.add(n.lstrip(".@"))
    return {k for k in keys if k}


EMAIL_AT = r"@| at | ät | arroba | chiocciola | arobase |\[at\]|\[ät\]|\(at\)|\{at\}|\[@\]|\(@\)|\s@"


# --- digits in other scripts, separators, invisible characters -------------------------------------------------

DIGIT_ZERO = {
    "fullwidth": 0xFF10, "devanagari": 0x0966, "arabic_indic": 0x0660, "persian": 0x06F0, "bengali": 0x09E6,
    "math_bold": 0x1D7CE, "math_double_struck": 0x1D7D8, "math_monospace": 0x1D7F6, "thai": 0x0E50,
}
SCRIPT_FOR_LANG = {"hi": ["devanagari", "devanagari", "bengali"], "ar": ["arabic_indic", "arabic_indic", "persian"],
                   "ja": ["fullwidth"]}
UNICODE_SPACES = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u2002", "\u2003", "\u2005", "\u200a", "\u3000", "\u2006"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u00ad", "\ufeff", "\u061c", "\u2066", "\u2069"]


def in_script(s: str, script: str) -> str:
    zero = DIGIT_ZERO[script]
    out = "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in s)
    if script == "fullwidth":  # Japanese input writes the whole number full width, letters and signs too
        out = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and not c.isdigit() else c for c in out)
    return out


def regroup(compact: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(compact[i:i + size])
        i += size
    if i < len(compact):
        out.append(compact[i:])
    return sep.join(p for p in out if p)


def d(r: random.Random, n: int) -> str:
    return g.d(r, n)


# --- base numbers (digits and their usual grouping) ------------------------------------------------------------


def phone_parts(r: random.Random) -> tuple[str, list[str]]:
    """(prefix, groups) of a phone number in a national or international format: '+44', ['20', '7946', '0958']."""
    c = r.choice(["GB", "US", "DE", "FR", "IE", "IN", "BR", "AU"])
    intl = r.random() < 0.5
    if c == "GB":
        sub = "7" + r.choice("1234579") + d(r, 8)
        return ("+44", [sub[:4], sub[4:]]) if intl else ("", ["0" + sub[:4], sub[4:]])
    if c == "US":
        a = r.choice("23456789") + r.choice("012345678") + d(r, 1)
        e = r.choice("23456789") + d(r, 2)
        return ("+1" if intl else "", [a, e, d(r, 4)])
    if c == "DE":
        area = r.choice(["30", "40", "89", "221", "69", "711", "151", "160", "171", "176"])
        num = str(r.randint(1, 9)) + d(r, 10 - len(area) - 1)
        return ("+49", [area, num]) if intl else ("", ["0" + area, num])
    if c == "FR":
        p = [r.choice("1234567")] + [d(r, 2) for _ in range(4)]
        return ("+33", p) if intl else ("", ["0" + p[0]] + p[1:])
    if c == "IE":
        pre = r.choice(["83", "85", "86", "87", "89"])
        return ("+353", [pre, d(r, 3), d(r, 4)]) if intl else ("", ["0" + pre, d(r, 3), d(r, 4)])
    if c == "IN":
        m = r.choice("6789") + d(r, 9)
        return ("+91" if intl else "", [m[:5], m[5:]])
    if c == "BR":
        ddd = r.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
        return ("+55" if intl else "", [ddd, "9" + d(r, 4), d(r, 4)])
    m = "4" + d(r, 8)
    return ("+61", [m[:3], m[3:6], m[6:]]) if intl else ("", ["0" + m[:3], m[3:6], m[6:]])


def join_phone(prefix: str, groups: list[str], sep: str) -> str:
    body = sep.join(groups)
    return f"{prefix}{sep}{body}" if prefix else body


def card_number(r: random.Random, length: int | None = None, prefix: str | None = None) -> str:
    if prefix is None:
        prefix = r.choice(["4", "51", "55", "37", "6011", "3528", "22"])
    length = length or (15 if prefix == "37" else 16)
    body = prefix + d(r, length - len(prefix) - 1)
    return body + g.luhn_digit(body)


def card_groups(num: str) -> list[str]:
    if len(num) == 15 and num.startswith("3"):
        return [num[:4], num[4:10], num[10:]]
    return [num[i:i + 4] for i in range(0, len(num), 4)]


def iban_compact(r: random.Random, country: str | None = None) -> str:
    country = country or r.choice(list(g.IBAN_FORMATS))
    b = g.bban(r, g.IBAN_FORMATS[country])
    return country + g.iban_check(country, b) + b


def ssn_digits(r: random.Random) -> str:
    area = r.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"


def nhs_digits(r: random.Random) -> str:
    while True:
        nine = r.choice("3467") + d(r, 8)
        c = g.nhs_check(nine)
        if c is not None:
            return nine + str(c)


def numbered(r: random.Random) -> tuple[str, list[str], str]:
    """(type, groups, prefix) of a number that separators and scripts can be applied to."""
    kind = r.choice(["phone", "phone", "card", "iban", "ssn", "nhs"])
    if kind == "phone":
        prefix, groups = phone_parts(r)
        return "phone", groups, prefix
    if kind == "card":
        return "card", card_groups(card_number(r)), ""
    if kind == "iban":
        c = iban_compact(r)
        return "iban", [c[i:i + 4] for i in range(0, len(c), 4)], ""
    if kind == "ssn":
        s = ssn_digits(r)
        return "ssn", [s[:3], s[3:5], s[5:]], ""
    n = nhs_digits(r)
    return "nhs", [n[:3], n[3:6], n[6:]], ""


# --- one generator per class: (type, value as written) ---------------------------------------------------------


def c_plain(r: random.Random, lang: str) -> tuple[str, str, str]:
    """The first set's forms. A bare nine-digit SSN is the ``ssn_compact`` class, so plain SSNs have separators."""
    kind = r.choice(g.TYPES)
    while True:
        written, value = g.pii_value(r, kind, lang if lang in LANGS else "en")
        if kind != "ssn" or not value.isdigit():
            return kind, value, written


def c_unicode_separator(r, lang):
    kind, groups, prefix = numbered(r)
    if kind not in ("phone", "card", "iban"):
        kind, (prefix, groups) = "phone", phone_parts(r)
    if kind == "card":
        groups = card_groups(card_number(r))
    if kind == "iban":
        c = iban_compact(r)
        groups = [c[i:i + 4] for i in range(0, len(c), 4)]
    if kind == "phone" and (not groups or not prefix and len(groups) < 2):
        prefix, groups = phone_parts(r)
    one = r.choice(UNICODE_SPACES)
    parts = ([prefix] if prefix else []) + groups
    seps = [one if r.random() < 0.7 else r.choice(UNICODE_SPACES + [" "]) for _ in parts[1:]]
    if all(s == " " for s in seps):
        seps[0] = one
    return kind, parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))


def c_dot_slash_separator(r, lang):
    kind = r.choice(["phone", "phone", "card", "iban"])
    if kind == "card":
        sep = r.choice([".", "/", " / ", "."])
        return kind, sep.join(card_groups(card_number(r)))
    if kind == "iban":
        c = iban_compact(r)
        return kind, r.choice([".", "/", "-"]).join(c[i:i + 4] for i in range(0, len(c), 4))
    prefix, groups = phone_parts(r)
    sep = r.choice([".", "/", " / ", "/", "."])
    if prefix and r.random() < 0.5:
        return kind, f"{prefix} {sep.join(groups)}"
    return kind, join_phone(prefix, groups, sep)


def c_line_break(r, lang):
    kind = r.choice(["phone", "card", "iban", "iban"])
    if kind == "card":
        parts = card_groups(card_number(r))
    elif kind == "iban":
        c = iban_compact(r)
        parts = [c[i:i + 4] for i in range(0, len(c), 4)]
    else:
        prefix, groups = phone_parts(r)
        parts = ([prefix] if prefix else []) + groups
    cut = r.randint(1, len(parts) - 1)
    brk = r.choice(["\n", "\n", "\r\n", " \n", "\n  "])
    return kind, " ".join(parts[:cut]) + brk + " ".join(parts[cut:])


def c_unicode_digits(r, lang):
    # Outside Hindi, Arabic and Japanese posts, other digits come from "fancy font" generators and full-width input.
    script = r.choice(SCRIPT_FOR_LANG.get(lang) or ["math_bold", "math_double_struck", "math_monospace", "fullwidth"])
    kind = r.choice(["phone", "phone", "card", "iban", "ssn", "nhs", "ip"])
    if kind == "phone":
        prefix, groups = phone_parts(r)
        if lang == "hi":
            prefix, groups = ("+91", [groups[0], groups[1]]) if r.random() < 0.5 else ("", ["9" + d(r, 4), d(r, 5)])
        value = join_phone(prefix, groups, r.choice([" ", " ", "-"]))
    elif kind == "card":
        value = r.choice([" ", "-", ""]).join(card_groups(card_number(r)))
    elif kind == "iban":
        c = iban_compact(r)
        value = " ".join(c[i:i + 4] for i in range(0, len(c), 4))
    elif kind == "ssn":
        s = ssn_digits(r)
        value = f"{s[:3]}-{s[3:5]}-{s[5:]}"
    elif kind == "nhs":
        n = nhs_digits(r)
        value = f"{n[:3]} {n[3:6]} {n[6:]}"
    else:
        value = f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    return kind, in_script(value, script)


def c_invisible_separator(r, lang):
    kind, groups, prefix = numbered(r)
    if kind == "card":
        groups = [card_number(r)] if r.random() < 0.4 else groups
    parts = ([prefix] if prefix else []) + groups
    style = r.random()
    if style < 0.4:  # between the groups, no space: a compact number to the eye
        return kind, "".join(p + r.choice(INVISIBLE) for p in parts[:-1]) + parts[-1]
    if style < 0.7:  # beside each space
        return kind, (r.choice(INVISIBLE) + " ").join(parts)
    text = " ".join(parts)  # between individual digits
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch.isdigit() and i + 1 < len(text) and text[i + 1].isdigit() and r.random() < 0.5:
            out.append(r.choice(INVISIBLE))
    return kind, "".join(out)


def email_parts(r: random.Random) -> tuple[str, str, str]:
    f, last = g.ascii_fold(r.choice(g.FIRST)), g.ascii_fold(r.choice(g.LAST))
    local = r.choice([f"{f}.{last}", f"{f}_{last}", f"{f}{last}{r.randint(1, 99)}", f"{f[0]}{last}{r.randint(10, 99)}", f"{last}.{f}"])
    host, tld = r.choice(g.DOMAINS).split(".", 1)
    return local, host, tld


def c_in_link(r, lang):
    if r.random() < 0.6:
        prefix, groups = phone_parts(r)
        code = prefix.lstrip("+") or r.choice(["44", "49", "33", "91", "55", "61", "353", "1"])
        national = "".join(groups).lstrip("0")
        digits = code + national
        style = r.choice(["wa", "wa", "wa_text", "api", "api_plus", "tel", "tel_national", "whatsapp_scheme", "href"])
        if style == "wa":
            return "phone", digits, f"https://wa.me/{digits}"
        if style == "wa_text":
            return "phone", digits, f"wa.me/{digits}?text=Hi"
        if style == "api":
            return "phone", digits, f"https://api.whatsapp.com/send?phone={digits}&text=Ol%C3%A1"
        if style == "api_plus":
            return "phone", f"%2B{digits}", f"https://api.whatsapp.com/send/?phone=%2B{digits}&type=phone_number"
        if style == "tel":
            v = f"+{code}{national}"
            return "phone", v, f"tel:{v}"
        if style == "tel_national":
            v = "-".join(groups)
            return "phone", v, f"tel:{v}"
        if style == "whatsapp_scheme":
            return "phone", digits, f"whatsapp://send?phone={digits}"
        v = f"+{code}{national}"
        return "phone", v, f'<a href="tel:{v}">ring me</a>'
    local, host, tld = email_parts(r)
    email = f"{local}@{host}.{tld}"
    style = r.choice(["mailto", "mailto_subject", "encoded", "encoded_form", "href"])
    if style == "mailto":
        return "email", email, f"mailto:{email}"
    if style == "mailto_subject":
        return "email", email, f"mailto:{email}?subject=Hallo"
    if style == "encoded":
        v = f"{local}%40{host}.{tld}"
        return "email", v, f"https://news.example.org/subscribe?email={v}&src=ig"
    if style == "encoded_form":
        v = f"{local}%40{host}.{tld}"
        return "email", v, f"https://forms.example.com/r?e={v}"
    return "email", email, f'<a href="mailto:{email}">mail</a>'


OBFUSCATIONS = {
    "en": [("{l} at {h} dot {t}", True), ("{l} AT {h} DOT {t}", True), ("{l} [@] {h}.{t}", False), ("{l} @ {h} . {t}", False),
           ("{l}(at){h}(dot){t}", True), ("{l} {{at}} {h} {{dot}} {t}", True), ("{l} at {h}.{t}", False), ("{l} (@) {h}.{t}", False),
           ("{l} [at] {h} [dot] {t}", True), ("{l}@{h} dot {t}", True)],
    "de": [("{l} at {h} punkt {t}", True), ("{l} (at) {h} (punkt) {t}", True), ("{l} ät {h} punkt {t}", True), ("{l} [ät] {h}.{t}", False)],
    "fr": [("{l} arobase {h} point {t}", True), ("{l} at {h} point {t}", True), ("{l} [at] {h} [point] {t}", True)],
    "es": [("{l} arroba {h} punto {t}", True), ("{l} (arroba) {h} (punto) {t}", True), ("{l} arroba {h}.{t}", False)],
    "pt": [("{l} arroba {h} ponto {t}", True), ("{l} [arroba] {h} [ponto] {t}", True)],
    "it": [("{l} chiocciola {h} punto {t}", True), ("{l} at {h} punto {t}", True)],
}


def c_obfuscated_email(r, lang):
    local, host, tld = email_parts(r)
    forms = OBFUSCATIONS.get(lang, []) + OBFUSCATIONS["en"]
    form, spelled = r.choice(forms)
    if spelled:
        dot_word = re.search(r"\{t\}", form) and re.findall(r"\{h\}(.*?)\{t\}", form)[0]
        tld = tld.replace(".", dot_word) if dot_word else tld
    return "email", form.format(l=local, h=host, t=tld)


def c_iban_irregular(r, lang):
    c = iban_compact(r)
    style = r.choice(["cc_space", "double", "irregular", "lower", "mixed_case", "glued", "glued_colon", "lines", "cc_space_compact"])
    groups = [c[i:i + 4] for i in range(0, len(c), 4)]
    if style == "cc_space":
        return "iban", f"{c[:2]} {c[2:4]} " + " ".join(c[i:i + 4] for i in range(4, len(c), 4)), None
    if style == "cc_space_compact":
        return "iban", f"{c[:2]} {c[2:]}", None
    if style == "double":
        return "iban", "".join(p + r.choice(["  ", " ", "   "]) for p in groups[:-1]) + groups[-1], None
    if style == "irregular":
        sizes = [r.choice([2, 3, 5, 6, 8]) for _ in range(12)]
        return "iban", regroup(c, sizes, " "), None
    if style == "lower":
        return "iban", r.choice([" ".join(groups), c]).lower(), None
    if style == "mixed_case":
        return "iban", c[:2].capitalize() + " ".join(groups)[2:].lower(), None
    if style == "glued":
        return "iban", c, "IBAN" + c
    if style == "glued_colon":
        v = " ".join(groups)
        return "iban", v, "IBAN:" + v
    cut = r.randint(2, len(groups) - 2)
    return "iban", " ".join(groups[:cut]) + r.choice(["\n", "\r\n"]) + " ".join(groups[cut:]), None


def lat_lon(r: random.Random) -> tuple[float, float]:
    return r.uniform(-60, 70), r.uniform(-170, 170)


def c_coords_dm(r, lang):
    lat, lon = lat_lon(r)

    def dm(v, pos, neg, width):
        a = abs(v)
        return (pos if v >= 0 else neg), f"{int(a):0{width}d}", f"{(a - int(a)) * 60:06.3f}"

    (h1, d1, m1), (h2, d2, m2) = dm(lat, "N", "S", 2), dm(lon, "E", "W", 3)
    return "coords", r.choice([
        f"{h1} {d1}° {m1} {h2} {d2}° {m2}", f"{h1}{d1} {m1} {h2}{d2} {m2}", f"{h1} {d1}° {m1}' {h2} {d2}° {m2}'",
        f"{d1}°{m1}'{h1} {d2}°{m2}'{h2}", f"{h1}{d1}°{m1} {h2}{d2}°{m2}", f"{h1} {d1} {m1}, {h2} {d2} {m2}",
    ])


def c_coords_dms(r, lang):
    lat, lon = lat_lon(r)

    def dms(v, pos, neg):
        a = abs(v)
        deg, minutes = int(a), (a - int(a)) * 60
        return deg, int(minutes), (minutes - int(minutes)) * 60, pos if v >= 0 else neg

    a, b = dms(lat, "N", "S"), dms(lon, "E", "W")
    style = r.randint(0, 4)
    if style == 0:
        return "coords", f"{a[0]}°{a[1]:02d}'{a[2]:04.1f}\"{a[3]} {b[0]}°{b[1]:02d}'{b[2]:04.1f}\"{b[3]}"
    if style == 1:
        return "coords", f"{a[0]}° {a[1]:02d}′ {a[2]:02.0f}″ {a[3]}, {b[0]}° {b[1]:02d}′ {b[2]:02.0f}″ {b[3]}"
    if style == 2:
        return "coords", f"{a[3]} {a[0]}° {a[1]}' {a[2]:.2f}\" {b[3]} {b[0]}° {b[1]}' {b[2]:.2f}\""
    if style == 3:
        return "coords", f"{a[0]}º{a[1]:02d}'{a[2]:02.0f}''{a[3]} {b[0]}º{b[1]:02d}'{b[2]:02.0f}''{b[3]}"
    return "coords", f"{a[0]}d {a[1]}m {a[2]:.1f}s {a[3]}, {b[0]}d {b[1]}m {b[2]:.1f}s {b[3]}"


def c_coords_map_link(r, lang):
    lat, lon = lat_lon(r)
    p = r.randint(4, 7)
    la, lo = f"{lat:.{p}f}", f"{lon:.{p}f}"
    sep, link = MAP_LINKS[r.randint(0, len(MAP_LINKS) - 1)]
    v = f"{la}{sep}{lo}"
    return "coords", v, link(v, r)


MAP_LINKS = [  # (between latitude and longitude, the link around them)
    ("/", lambda v, r: f"https://www.openstreetmap.org/#map={r.randint(14, 19)}/{v}"),
    (",", lambda v, r: f"https://www.google.com/maps/@{v},{r.randint(12, 20)}z"),
    (",", lambda v, r: f"https://maps.google.com/?q={v}"),
    (",", lambda v, r: f"geo:{v}"),
    (",", lambda v, r: f"geo:{v}?z={r.randint(12, 19)}"),
    (",", lambda v, r: f"https://www.google.com/maps/place/Cafe/@{v},{r.randint(14, 19)}z/data=!3m1!4b1"),
    (",", lambda v, r: f"https://maps.apple.com/?ll={v}&q=Dropped%20Pin"),
    ("%2C", lambda v, r: f"https://www.google.com/maps/search/?api=1&query={v}"),
]


# Addresses: the value runs from the first part of the address (number or street) through the postcode.
GB_TOWNS = [("Leamington Spa", "CV32 4AN"), ("London", "NW1 6XE"), ("Leeds", "LS1 4AP"), ("Bristol", "BS1 5TR"),
            ("York", "YO1 7HH"), ("Bath", "BA1 1LT"), ("Oxford", "OX1 2JD"), ("Cardiff", "CF10 1EP"), ("Glasgow", "G2 3AX")]
NO_TYPE_STREETS = {
    "en": ["The Parade", "The Crescent", "The Green", "Castle Mews", "Riverside", "Lime Walk", "Oakfield", "The Square",
           "Kingsway", "Broadway", "Cheapside", "The Strand", "Priory Gardens", "Westgate", "Bridge End"],
    "de": ["Im Winkel", "Unter den Linden", "Am Markt", "Zeil", "Kurfürstendamm", "Auf der Höhe", "Zum Hafen", "Hinter der Mauer",
           "An der Alster", "Im Tal"],
    "fr": ["Les Terrasses", "Le Clos des Vignes", "La Canebière", "Les Hauts de Seine", "Le Bourg"],
    "es": ["La Rambla", "Gran Vía", "El Prado", "Las Flores", "Costa Brava"],
    "pt": ["Largo do Carmo", "Bairro Alto", "Chiado", "Alfama"],
    "it": ["Lungarno Corsini", "Borgo Pinti", "Salita del Castello", "Costa San Giorgio"],
}
EU_TOWNS = {"de": [("Berlin", "1"), ("München", "8"), ("Freiburg", "79"), ("Köln", "5"), ("Hamburg", "2")],
            "fr": [("Paris", "75"), ("Lyon", "69"), ("Marseille", "13")], "es": [("Madrid", "28"), ("Barcelona", "08")],
            "pt": [("Lisboa", ""), ("Porto", "")], "it": [("Roma", "00"), ("Milano", "20"), ("Firenze", "50")]}


def eu_postcode(r: random.Random, lang: str) -> tuple[str, str]:
    town, head = r.choice(EU_TOWNS[lang])
    if lang == "pt":
        return town, f"{r.randint(1000, 9999)}-{d(r, 3)}"
    return town, (head + d(r, 5 - len(head)))[:5]


def street_address(r: random.Random, lang: str) -> list[str]:
    """Parts of an address (street line, town line), the value being all of them."""
    n = r.randint(1, 250)
    if lang == "en" or lang not in LANGS:
        style = r.choice(["gb", "us"])
        if style == "gb":
            town, pc = r.choice(GB_TOWNS)
            return [f"{n} {r.choice(g.STREETS['en'])}", f"{town} {pc}"]
        state, zc = r.choice([("DC", "20500"), ("NY", "10001"), ("CA", "94103"), ("TX", "73301"), ("IL", "60601")])
        return [f"{n * 10} {r.choice(g.STREETS['us'])}", f"{r.choice(['Springfield', 'Washington', 'Austin'])}, {state} {zc}"]
    town, pc = eu_postcode(r, lang)
    street = r.choice(g.STREETS[lang])
    if lang == "fr":
        return [f"{n} {street}", f"{pc} {town}"]
    return [f"{street} {n}", f"{pc} {town}"]


def address_value(parts: list[str], lang: str, sep: str) -> tuple[str, str]:
    """(value, text): the value ends with the postcode (a town written after a continental postcode may stay)."""
    text = sep.join(parts)
    last = parts[-1]
    m = re.match(r"^([0-9]{4,5}(?:-[0-9]{3})?) (.+)$", last)
    if m:
        value = sep.join(parts[:-1] + [m.group(1)])
        return value, text
    return text, text


def c_address_multiline(r, lang):
    parts = street_address(r, lang)
    if r.random() < 0.3 and (lang == "en" or lang not in LANGS):
        town, pc = r.choice(GB_TOWNS)
        parts = [f"{r.randint(1, 250)} {r.choice(g.STREETS['en'])}", town, pc]
    value, text = address_value(parts, lang, r.choice(["\n", "\n", ",\n", "\r\n"]))
    return "address", value, text


def c_address_lowercase(r, lang):
    value, text = address_value(street_address(r, lang), lang, ", ")
    return "address", value.lower(), text.lower()


def c_address_no_street_word(r, lang):
    n = r.randint(1, 120)
    key = lang if lang in NO_TYPE_STREETS else "en"
    street = r.choice(NO_TYPE_STREETS[key])
    if key == "en":
        town, pc = r.choice(GB_TOWNS)
        v = f"{n} {street}, {town} {pc}"
        return "address", v, v
    town, pc = eu_postcode(r, key)
    first = f"{n} {street}" if key == "fr" else f"{street} {n}{r.choice(['', '', 'b', 'a'])}"
    return "address", f"{first}, {pc}", f"{first}, {pc} {town}"


def c_address_country_prefix(r, lang):
    n = f"{r.randint(1, 120)}{r.choice(['', '', 'b', 'a'])}"
    cc, street, town, pc = r.choice([
        ("D", r.choice(NO_TYPE_STREETS["de"] + g.STREETS["de"]), "Freiburg", "79" + d(r, 3)),
        ("D", r.choice(g.STREETS["de"]), "Berlin", "1" + d(r, 4)),
        ("A", r.choice(["Mariahilfer Straße", "Graben", "Herrengasse"]), "Wien", "1" + d(r, 3)),
        ("CH", r.choice(["Bahnhofstrasse", "Limmatquai", "Seefeldstrasse"]), "Zürich", "80" + d(r, 2)),
        ("F", "rue " + r.choice(["de la Paix", "Victor Hugo", "des Lilas"]), "Paris", f"750{r.randint(1, 20):02d}"),
        ("I", r.choice(g.STREETS["it"]), "Roma", "001" + d(r, 2)),
        ("E", r.choice(g.STREETS["es"]), "Madrid", "280" + d(r, 2)),
    ])
    first = f"{n} {street}" if cc == "F" else f"{street} {n}"
    dash = r.choice(["-", "-", "–"])
    v = f"{first}, {cc}{dash}{pc}"
    return "address", v, f"{v} {town}"


def c_address_in(r, lang):
    town, state, head = r.choice([("Noida", "Uttar Pradesh", "201"), ("Gurugram", "Haryana", "122"), ("Bengaluru", "Karnataka", "560"),
                                  ("Pune", "Maharashtra", "411"), ("Hyderabad", "Telangana", "500"), ("Chennai", "Tamil Nadu", "600"),
                                  ("Kolkata", "West Bengal", "700")])
    pin = head + d(r, 3)
    pin_written = r.choice([pin, f"{pin[:3]} {pin[3:]}"])
    style = r.randint(0, 4)
    if style == 0:
        v = f"House No. {r.randint(1, 999)}, Sector {r.randint(1, 99)}, {town} {pin_written}"
    elif style == 1:
        v = f"Flat {r.randint(1, 20)}{r.choice('ABCD')}, Plot {r.randint(1, 300)}, Sector {r.randint(1, 99)}, {town}, {state} {pin_written}"
    elif style == 2:
        v = f"{r.randint(1, 99)}/{r.randint(1, 9)}, {r.choice(['MG Road', 'Park Street', 'Link Road'])}, {town} - {pin_written}"
    elif style == 3:
        v = f"H.No. {r.randint(1, 9)}-{r.randint(1, 9)}-{r.randint(10, 99)}, {r.choice(['Banjara Hills', 'Jubilee Hills', 'Ameerpet'])}, {town} {pin_written}"
    else:
        nth = r.choice(["1st", "2nd", "3rd", "4th", "5th", "7th", "9th"])
        v = f"No. {r.randint(1, 99)}, {nth} Cross, {r.choice(['Indiranagar', 'Koramangala', 'Jayanagar'])}, {town} {pin_written}"
    return "address", v, v


def c_address_eircode(r, lang):
    town, key = r.choice([("Tuam, Co. Galway", "H54"), ("Dublin 9", "D09"), ("Cork", "T12"), ("Waterford", "X91"), ("Kilkenny", "R95"),
                          ("Sligo", "F91"), ("Ballymun, Dublin 11", "D11"), ("Dublin 6W", "D6W"), ("Limerick", "V94"), ("Dublin 2", "D02")])
    code = key + r.choice([" ", " ", ""]) + "".join(r.choice("0123456789ACDEFHKNPRTVWXY") for _ in range(4))
    street = r.choice(["Main Street", "Ashgrove", "Church Road", "The Mall", "Oak Park", "Grafton Street", "Sea Road"])
    v = f"{r.randint(1, 150)} {street}, {town}, {code}"
    return "address", v, v


def c_address_au_unit(r, lang):
    street = r.choice(["King St", "George Street", "Collins Street", "Queen St", "Hay St", "Murray Street"])
    town = r.choice(["Perth WA 6000", "Sydney NSW 2000", "Melbourne VIC 3000", "Brisbane QLD 4000", "Adelaide SA 5000",
                     "Hobart TAS 7000", "Darwin NT 0800", "Canberra ACT 2600"])
    u, n = r.randint(1, 40), r.randint(1, 300)
    v = r.choice([f"Unit {u}/{n} {street}, {town}", f"{u}/{n} {street}, {town}", f"Apt {u}, {n} {street}, {town}",
                  f"U {u}/{n} {street} {town}", f"Unit {u}, {n} {street}, {town}", f"Level {u}, {n} {street}, {town}"])
    return "address", v, v


def c_mention_dot(r, lang):
    return "mention", g.gen_mention(r)


SSN_WORDS = {
    "en": ["social security no. is {v}", "my social security number: {v}", "SSN#{v}", "SS# {v}", "soc sec {v}", "ssn {v}",
           "Social Security Number {v}", "my SSN is {v}", "social security: {v}"],
    "es": ["mi número de seguro social es {v}", "seguro social {v}", "SSN {v}"],
    "pt": ["meu social security number é {v}", "SSN: {v}"],
    "de": ["meine Social Security Number: {v}", "US-SSN {v}"],
    "fr": ["mon numéro de sécurité sociale américain : {v}", "SSN {v}"],
    "it": ["il mio social security number {v}", "SSN {v}"],
}


def c_ssn_compact(r, lang):
    return "ssn", ssn_digits(r)


CARD_LENGTHS = [(15, "4"), (16, "37"), (15, "4"), (16, "37"), (13, "4"), (19, "4"), (14, "36"), (16, "9"), (15, "1"),
                (17, "5"), (18, "6"), (19, "62"), (16, "8"), (16, "2"), (15, "5"), (16, "34")]


def c_card_any_brand_length(r, lang):
    length, prefix = r.choice(CARD_LENGTHS)
    num = card_number(r, length, prefix)
    style = r.random()
    if style < 0.45:
        return "card", num
    sep = r.choice([" ", "-", " "])
    return "card", sep.join(num[i:i + 4] for i in range(0, len(num), 4))


CLASSES = {
    "plain": c_plain, "unicode_separator": c_unicode_separator, "dot_slash_separator": c_dot_slash_separator,
    "line_break": c_line_break, "unicode_digits": c_unicode_digits, "invisible_separator": c_invisible_separator,
    "in_link": c_in_link, "obfuscated_email": c_obfuscated_email, "iban_irregular": c_iban_irregular,
    "coords_dm": c_coords_dm, "coords_dms": c_coords_dms, "coords_map_link": c_coords_map_link,
    "address_multiline": c_address_multiline, "address_lowercase": c_address_lowercase,
    "address_no_street_word": c_address_no_street_word, "address_country_prefix": c_address_country_prefix,
    "address_in": c_address_in, "address_eircode": c_address_eircode, "address_au_unit": c_address_au_unit,
    "mention_dot": c_mention_dot, "ssn_compact": c_ssn_compact, "card_any_brand_length": c_card_any_brand_length,
}


def draw(cls: str, r: random.Random, lang: str) -> tuple[str, str, str]:
    """(type, value, written) for one value of ``cls``; ``written`` holds ``value`` (a link, a glued word)."""
    out = CLASSES[cls](r, lang)
    if len(out) == 2:
        return out[0], out[1], out[1]
    pii_type, value, written = out
    return pii_type, value, written or value


# --- sentences around the values ----------------------------------------------------------------------------

SCRIPT_CONTEXT = {
    "hi": {"phone": ["मुझे {v} पर कॉल करें", "मेरा नंबर {v} है", "व्हाट्सएप {v}"], "card": ["मेरा कार्ड {v} ब्लॉक हो गया"],
           "iban": ["IBAN {v} पर भेजें"], "ssn": ["मेरा SSN {v}"], "nhs": ["मेरा NHS नंबर {v}"], "ip": ["सर्वर {v} पर है"],
           "decoy": ["{v}", "({v})", "तारीख {v}", "कीमत {v}"]},
    "ar": {"phone": ["اتصل بي على {v}", "رقمي {v}", "واتساب {v}"], "card": ["بطاقتي {v} مرفوضة"], "iban": ["حوّل إلى {v}"],
           "ssn": ["رقم SSN الخاص بي {v}"], "nhs": ["رقم NHS {v}"], "ip": ["الخادم على {v}"], "decoy": ["{v}", "({v})", "في {v}"]},
    "ja": {"phone": ["電話は{v}まで", "携帯：{v}", "連絡先 {v}"], "card": ["カード番号 {v}"], "iban": ["振込先 IBAN {v}"],
           "ssn": ["SSN {v}"], "nhs": ["NHS番号 {v}"], "ip": ["サーバーは {v}"], "decoy": ["{v}", "（{v}）", "{v}に"]},
}
LINK_CONTEXT = {"en": ["message me here {v}", "details: {v}", "{v}", "DM or {v}"], "de": ["schreib mir: {v}", "Kontakt {v}"],
                "fr": ["écris-moi ici {v}", "contact : {v}"], "es": ["escríbeme aquí {v}", "contacto: {v}"],
                "pt": ["chama no zap {v}", "contato: {v}"], "it": ["scrivimi qui {v}", "contatto: {v}"]}
CARD_CONTEXT = {"en": ["my card {v}", "card no. {v}", "paid with card {v}", "Visa {v} got declined", "CC {v}", "credit card: {v}"],
                "de": ["meine Karte {v}", "Kreditkarte {v}", "Kartennummer: {v}"], "fr": ["ma carte {v}", "carte bancaire {v}", "n° de carte {v}"],
                "es": ["mi tarjeta {v}", "tarjeta de crédito {v}"], "pt": ["meu cartão {v}", "cartão de crédito {v}"],
                "it": ["la mia carta {v}", "carta di credito {v}"]}
FILLER = {
    "en": ["Great day at the beach!", "Can't believe this happened.", "Anyone else going tonight?", "Love this place.", "So tired lol.",
           "The coffee here is honestly the best in town.", "We spent the whole afternoon walking by the river and talking about nothing.",
           "If you know, you know.", "Thanks everyone for the kind words, it really means a lot.", "Weather was awful but the view made up for it."],
    "de": ["Schöner Tag heute.", "Wer kommt heute Abend mit?", "Das Essen war super!", "Endlich Wochenende.",
           "Wir waren den ganzen Nachmittag am See und haben einfach nichts gemacht.", "Danke an alle für die lieben Nachrichten."],
    "fr": ["Quelle belle journée !", "Qui vient ce soir ?", "Le repas était génial.", "Enfin le week-end.",
           "On a passé tout l'après-midi au bord de la mer à discuter de tout et de rien.", "Merci à tous pour vos messages."],
    "pt": ["Que dia lindo!", "Quem vem hoje à noite?", "A comida estava ótima.", "Finalmente sexta!",
           "Passamos a tarde inteira na praia conversando sobre a vida.", "Obrigada a todos pelas mensagens carinhosas."],
    "es": ["¡Qué día tan bonito!", "¿Quién viene esta noche?", "La comida estaba genial.", "¡Por fin viernes!",
           "Pasamos toda la tarde en el parque hablando de todo un poco.", "Gracias a todos por los mensajes."],
    "it": ["Che bella giornata!", "Chi viene stasera?", "Il cibo era ottimo.", "Finalmente venerdì!",
           "Abbiamo passato tutto il pomeriggio al mare a chiacchierare.", "Grazie a tutti per i messaggi."],
    "hi": ["आज का दिन बहुत अच्छा था।", "कौन आ रहा है आज रात?", "खाना बहुत स्वादिष्ट था।", "सभी का धन्यवाद।"],
    "ar": ["كان يوماً جميلاً.", "من سيأتي الليلة؟", "الطعام كان رائعاً.", "شكراً للجميع على الرسائل."],
    "ja": ["今日はいい天気でした。", "今夜来る人いる？", "ご飯がとても美味しかった。", "みなさん、ありがとう！"],
}


def context(r: random.Random, pii_type: str, cls: str, lang: str) -> str:
    if lang in SCRIPT_CONTEXT:
        return r.choice(SCRIPT_CONTEXT[lang].get(pii_type, ["{v}"]))
    if cls == "in_link":
        return r.choice(LINK_CONTEXT[lang])
    if cls == "ssn_compact":
        return r.choice(SSN_WORDS.get(lang, SSN_WORDS["en"]))
    if pii_type == "card" and cls in ("card_any_brand_length", "plain"):
        return r.choice(CARD_CONTEXT[lang])
    if pii_type == "ssn":  # a bare 3-2-4 number is an SSN only by context; say so, as people do
        return r.choice(SSN_WORDS.get(lang, SSN_WORDS["en"]))
    return r.choice(g.CONTEXT[pii_type].get(lang) or g.CONTEXT[pii_type]["en"])


# --- look-alikes ----------------------------------------------------------------------------------------------

V1_KINDS = ["date", "time", "price", "score", "year", "order", "isbn", "version", "url", "hashtag", "measurement",
            "card_bad_luhn", "iban_bad_check", "ssn_invalid", "nhs_bad_check", "nino_bad_prefix"]
NEW_KINDS = ["lottery", "tracking", "ean13", "flight", "timestamp", "price_format", "unicode_number", "postcode_only",
             "street_no_number", "at_sign", "model_number", "time_range"]
KINDS = V1_KINDS + NEW_KINDS


def ean13(r: random.Random) -> str:
    body = r.choice(["40", "41", "42", "43", "44", "30", "34", "50", "80", "84", "560", "789", "00", "03"])
    body += d(r, 12 - len(body))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def s10(r: random.Random, country: str) -> str:
    """A UPU S10 item number (Royal Mail, La Poste, Correos...): two letters, 8 digits, a check digit, the country."""
    eight = d(r, 8)
    s = sum(int(c) * w for c, w in zip(eight, [8, 6, 4, 2, 3, 5, 9, 7], strict=True))
    c = 11 - s % 11
    c = 5 if c == 11 else 0 if c == 10 else c
    return r.choice(["RR", "CP", "LX", "EE", "RB", "LA"]) + eight + str(c) + country


def ups(r: random.Random) -> str:
    return "1Z" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(6)) + d(r, 10)


TRACKING_LABEL = {"en": ["Tracking: ", "tracking number ", "tracking # ", "parcel "], "de": ["Sendungsnummer: ", "Sendungsverfolgung ", "Paketnummer "],
                  "fr": ["n° de suivi : ", "suivi colis ", "numéro de suivi "], "es": ["seguimiento: ", "n.º de envío "],
                  "pt": ["rastreio: ", "código de rastreio "], "it": ["tracking: ", "numero di spedizione "]}


def new_decoy(kind: str, r: random.Random, lang: str) -> tuple[str, str]:
    """(text as written, value that must survive) for one of NEW_KINDS."""
    lab = lang if lang in LANGS else "en"
    if kind == "lottery":
        nums = sorted(r.sample(range(1, 50), 6))
        two = [f"{n:02d}" for n in nums]
        style = r.randint(0, 5)
        if style == 0:
            v = " ".join(two)
            return f"Lotto: {v}", v
        if style == 1:
            v = ", ".join(str(n) for n in nums)
            return f"Lotto 6aus49: {v}, Superzahl {r.randint(0, 9)}", v
        if style == 2:
            v = " ".join(f"{n:02d}" for n in sorted(r.sample(range(1, 51), 5)))
            return f"EuroMillions {v} ⭐ {r.randint(1, 6):02d} {r.randint(7, 12):02d}", v
        if style == 3:
            v = "-".join(f"{n:02d}" for n in sorted(r.sample(range(1, 70), 5)))
            return f"Powerball {v} PB {r.randint(1, 26)}", v
        if style == 4:
            v = "-".join(two)
            return f"la Primitiva {v}", v
        v = " ".join(two)
        return f"Mega-Sena: {v}", v
    if kind == "tracking":
        style = r.randint(0, 7)
        v = [ups(r), d(r, 10), "JJD" + d(r, 18), "00340434" + d(r, 12), "7" + d(r, 3) + " " + d(r, 4) + " " + d(r, 4),
             "9400 1" + d(r, 3) + " " + " ".join(d(r, 4) for _ in range(3)) + " " + d(r, 2), s10(r, r.choice(["GB", "FR", "ES", "DE", "IT"])),
             d(r, 14)][style]
        carrier = ["UPS ", "DHL ", "DHL ", "DHL Paket ", "FedEx ", "USPS ", "", "DPD "][style]
        return r.choice(TRACKING_LABEL[lab]) + carrier + v, v
    if kind == "ean13":
        v = ean13(r)
        label = r.choice(["EAN ", "EAN: ", "EAN-13 ", "GTIN ", "barcode ", "Strichcode ", "code-barres ", "código de barras "])
        return label + v, v
    if kind == "flight":
        v = r.choice(["LH", "BA", "FR", "U2", "AF", "IB", "TP", "AZ", "EK", "KL", "LX", "EI"]) + r.choice(["", " "]) + str(r.randint(1, 9999))
        return r.choice(["flight ", "Flug ", "vol ", "vuelo ", "voo ", "volo "]) + v, v
    if kind == "timestamp":
        y, mo, dd, h, mi, s = r.randint(2015, 2026), r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
        v = r.choice([f"{y}-{mo:02d}-{dd:02d}T{h:02d}:{mi:02d}:{s:02d}Z", f"{y}-{mo:02d}-{dd:02d} {h:02d}:{mi:02d}:{s:02d}",
                      f"{dd:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}", str(r.randint(1_420_000_000, 1_790_000_000)),
                      f"{y}{mo:02d}{dd:02d}{h:02d}{mi:02d}{s:02d}", f"{y}-{mo:02d}-{dd:02d}T{h:02d}:{mi:02d}:{s:02d}+01:00"])
        return r.choice(["posted ", "timestamp ", "ts=", "last seen ", "log: "]) + v, v
    if kind == "price_format":
        a, c = r.randint(1000, 99999), r.randint(0, 99)
        v = r.choice([f"{a // 1000}.{a % 1000:03d},{c:02d} €", f"CHF {a // 1000}'{a % 1000:03d}.–", f"¥{a:,}", f"₹{a // 1000},{a % 1000:03d}",
                      f"R$ {a // 1000}.{a % 1000:03d},{c:02d}", f"US$ {a:,}.{c:02d}", f"€ {a:,}".replace(",", "."), f"£{a * 10:,}",
                      f"{a:,} Ft".replace(",", " "), f"{a // 100},{a % 100:02d} zł"])
        return v, v
    if kind == "unicode_number":
        script = r.choice(SCRIPT_FOR_LANG.get(lang) or ["devanagari", "arabic_indic", "fullwidth", "math_bold"])
        y, mo, dd = r.randint(1990, 2026), r.randint(1, 12), r.randint(1, 28)
        v = r.choice([f"{dd:02d}/{mo:02d}/{y}", str(y), f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}", f"{r.randint(0, 5)}-{r.randint(0, 5)}",
                      f"{r.randint(10, 999)}.{r.randint(0, 99):02d}", f"{y}-{mo:02d}-{dd:02d}"])
        v = in_script(v, script)
        return v, v
    if kind == "postcode_only":
        v = r.choice([pc for _, pc in GB_TOWNS] + [f"{d(r, 5)} Berlin", f"75{d(r, 3)} Paris", "D02 X285", "SW1A 1AA", "NSW 2000",
                                                  f"{r.randint(1000, 9999)}-{d(r, 3)} Lisboa"])
        return r.choice(["moved to the {v} area", "anyone near {v}?", "postcode {v}", "delivery to {v} only", "{v}"]).format(v=v), v
    if kind == "street_no_number":
        v = r.choice(g.STREETS.get(lab, g.STREETS["en"]) + NO_TYPE_STREETS.get(lab, []))
        return r.choice(["{v} is closed again", "traffic on {v}", "walking down {v}", "{v}"]).format(v=v), v
    if kind == "at_sign":
        v = r.choice(["@5pm", "@ 10:30", "@10am", "@ home", "@ the station", "@ 8", "@ 19h"])
        return f"see you {v}", v
    if kind == "model_number":
        v = r.choice(["iPhone 15 Pro", "RTX 4090", "SM-G991B", "Pixel 8a", "Model 3", "ThinkPad X1 Carbon Gen 11", "A2342", "PS5",
                      "Galaxy S24 Ultra", "Canon EOS R6", "GoPro HERO12", "DJI Mini 4 Pro", "M2 Max"])
        return f"got the {v}", v
    v = r.choice([f"{r.randint(7, 10)}-{r.randint(16, 19)} Uhr", f"Mo-Fr {r.randint(7, 10):02d}:00-{r.randint(16, 20)}:00",
                  f"{r.randint(8, 11)}h-{r.randint(17, 20)}h", f"{r.randint(1, 12)}:00–{r.randint(1, 12)}:30 pm"])
    return f"open {v}", v


def decoy(kind: str, r: random.Random, lang: str) -> tuple[str, str]:
    if kind in NEW_KINDS:
        return new_decoy(kind, r, lang)
    while True:  # the first set's look-alikes, drawn until the wanted kind comes up
        got, written, value = g.gen_decoy(r, lang if lang in LANGS else "en")
        if got == kind and (kind != "isbn" or written.startswith("ISBN") or "-" in value):
            return written, value


def decoy_context(r: random.Random, lang: str) -> str:
    if lang in SCRIPT_CONTEXT:
        return r.choice(SCRIPT_CONTEXT[lang]["decoy"])
    return r.choice(g.DECOY_CONTEXT[lang])


# --- records -----------------------------------------------------------------------------------------------------


def joined(r: random.Random, parts: list[str]) -> str:
    """Parts joined as a post joins them; never two numbers glued into one by the join itself."""
    out = parts[0]
    for p in parts[1:]:
        sep = r.choice([". ", " - ", ", ", " | ", "\n", "\n\n", " "])
        if out[-1:] in ".!?。" and sep in (". ", ", "):
            sep = " "
        if sep.strip() in ("", "-") and (out[-1:].isdigit() or p[:1].isdigit() or not out[-1:].isalpha() or not p[:1].isalpha()):
            sep = ". "
        out += sep + p
    return out


def long_text(r: random.Random, lang: str, parts: list[str], budget: int = 3000) -> str:
    """Up to ``budget`` bytes (3 kB): filler paragraphs with the parts buried in the middle."""
    target = r.randint(800, 2900)
    filler = []
    while sum(len(s) + 1 for s in filler) < target:
        filler.append(r.choice(FILLER[lang]))
    head = filler[: len(filler) // 2 or 1]
    tail = filler[len(head):]
    middle = joined(r, parts)

    def text() -> str:
        return "\n\n".join(p for p in (" ".join(head), middle, " ".join(tail)) if p)

    while len(text().encode("utf-8")) > budget and (tail or head):
        (tail or head).pop()
    return text()


def check(text: str, pii: list[dict], decoys: list[dict]) -> bool:
    """The labels can be scored: each value is in the text once; nothing the scorer looks for occurs outside it;
    each decoy is outside every value."""
    rest = text
    for p in pii:
        if text.count(p["value"]) != 1:
            return False
        rest = rest.replace(p["value"], "\x00", 1)
    n_rest = normalise(rest)
    for p in pii:
        if any(k in n_rest for k in leak_keys(p["value"], p["type"])):
            return False
    return all(dc["value"] in rest for dc in decoys)


def build(r: random.Random, rid: str, lang: str, classes: list[str], kinds: list[str], long: bool) -> dict | None:
    parts, pii, decoys, first = [], [], [], None
    for cls in classes:
        pii_type, value, written = draw(cls, r, lang)
        if written.startswith("IBAN"):  # glued to its word already
            parts.append(r.choice(["{v}", "{v} (thanks!)", "-> {v}"]).format(v=written))
        elif cls == "mention_dot":
            first = "." + written + " " + r.choice(["you have to see this", "look!", "schau mal", "regarde ça", "mira esto", "olha isso"])
        else:
            parts.append(context(r, pii_type, cls, lang).format(v=written))
        pii.append({"type": pii_type, "class": cls, "value": value})
    for kind in kinds:
        written, value = decoy(kind, r, lang)
        parts.append(decoy_context(r, lang).format(v=written))
        decoys.append({"kind": kind, "value": value})
    r.shuffle(parts)
    if not long and r.random() < 0.6:
        parts.insert(r.randint(0, len(parts)), r.choice(FILLER[lang]))
    if not parts:
        parts = [r.choice(FILLER[lang])]
    budget = 3000 - len(first.encode("utf-8")) - 1 if first else 3000
    text = long_text(r, lang, parts, budget) if long else joined(r, parts)
    if first:
        text = first + "\n" + text
    record = {"id": rid, "lang": lang, "text": text, "pii": pii, "decoys": decoys}
    return record if check(text, pii, decoys) else None


def lang_for(r: random.Random, classes: list[str]) -> str:
    if "unicode_digits" in classes and r.random() < 0.7:
        return r.choice(SCRIPT_LANGS)
    if any(c.startswith("address_") and c not in ("address_multiline", "address_lowercase", "address_no_street_word") for c in classes):
        return "en"
    return r.choice(LANGS)


def digits_without(r: random.Random, n: int, banned: str = "01") -> str:
    return "".join(r.choice([c for c in string.digits if c not in banned]) for _ in range(n))


def adversarial(r: random.Random, i: int) -> dict:
    """Inputs that try to make a detector slow, or hide a number. The long runs are unlabelled (see the docstring)."""
    style = i % 8
    local, host, tld = email_parts(r)
    email = f"{local}@{host}.{tld}"
    phone = f"+44 7{digits_without(r, 3)} {digits_without(r, 6)}"  # no 0 or 1: no part of it can hide in the runs
    n = 19_900
    if style == 0:
        run = "".join(r.choice("01") for _ in range(n))
    elif style == 1:
        run = " ".join(r.choice("01") for _ in range(n // 2))
    elif style == 2:
        run = "-".join("".join(r.choice("01") for _ in range(4)) for _ in range(n // 5))
    elif style == 3:
        run = "".join(r.choice("01") + r.choice(["\u00a0", ".", "/", "\n", "\u200b", " "]) for _ in range(n // 2))
    elif style == 4:
        run = r.choice(["@", ".", ":", "@.", "::", ".@"]) * (n // 2)
    elif style == 5:
        run = "a@" * (n // 4) + "1:" * (n // 4)
    elif style == 6:
        run = "\u200f\u200e\u200b" * (n // 3)
    else:  # lone surrogates amid text (written escaped in the JSON: they are not encodable as UTF-8)
        run = "".join(r.choice(["\ud83d", "\udc00", "x", " ", "\ud800"]) for _ in range(2000))
    pii = [{"type": "email", "class": "plain", "value": email}, {"type": "phone", "class": "plain", "value": phone}]
    text = f"{run}. Mail {email} or call {phone} tonight."
    if r.random() < 0.5:
        text = f"Mail {email}. {run}\nor call {phone}"
    return {"id": f"a{i:05d}", "lang": "en", "text": text, "pii": pii, "decoys": []}


def unlabelled_runs(r: random.Random, i: int) -> dict:
    """20,000 characters of random digits and separators, nothing else: no value of any type, only a time limit."""
    seps = [" ", "-", ".", "", "", "\u00a0", "\n", "/"]
    out, size = [], 0
    while size < 20_000:
        out.append(r.choice(string.digits) + r.choice(seps))
        size += len(out[-1])
    text = "".join(out)[:20_000]
    return {"id": f"r{i:05d}", "lang": "en", "text": text, "pii": [], "decoys": []}


def records(seed: int, per_class: int = 130, per_kind: int = 130, long_share: float = 0.12, n_adversarial: int = 48,
            n_runs: int = 8) -> list[dict]:
    r = random.Random(seed)
    need = {c: per_class for c in CLASSES}
    need["plain"] = per_class * len(g.TYPES)
    need_kind = {k: per_kind for k in KINDS}
    out: list[dict] = []
    while any(need.values()) or any(need_kind.values()):
        open_classes = [c for c, n in need.items() if n > 0]
        classes = r.sample(open_classes, min(len(open_classes), r.choice([1, 1, 1, 2]))) if open_classes else []
        if "mention_dot" in classes and len(classes) > 1:
            classes = ["mention_dot"]
        open_kinds = [k for k, n in need_kind.items() if n > 0]
        kinds = r.sample(open_kinds, min(len(open_kinds), r.choice([1, 1, 2, 3]))) if open_kinds else []
        lang = lang_for(r, classes)
        rec = build(r, f"s{len(out):05d}", lang, classes, kinds, long=r.random() < long_share)
        if rec is None:
            continue
        for p in rec["pii"]:
            need[p["class"]] = max(0, need[p["class"]] - 1)
        for dc in rec["decoys"]:
            need_kind[dc["kind"]] = max(0, need_kind[dc["kind"]] - 1)
        out.append(rec)
    out += [adversarial(r, i) for i in range(n_adversarial)]
    out += [unlabelled_runs(r, i) for i in range(n_runs)]
    return out
