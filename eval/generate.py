"""Generate the labelled PII evaluation set: eval/pii_eval.jsonl.

    python eval/generate.py                 # writes eval/pii_eval.jsonl (3,000 records, fixed seed) and
                                            # eval/pii_eval_v2.jsonl (the second set: eval/social.py)
    python eval/generate.py --n 500 --seed 7 --out /tmp/small.jsonl

Each line: {"id", "lang", "text", "pii": [{"type", "value"}], "decoys": [{"kind", "value"}]}.
``pii`` values must vanish from the redacted text; ``decoys`` (dates, prices, ISBNs, versions, links, and
checksum-invalid look-alikes of cards, IBANs, SSNs, NHS and NI numbers) must survive verbatim.

The checksums here (Luhn, mod-97, mod-11, SSN and NINO rules) are written independently of
``postcurate.pii.checks`` on purpose: the set is a check of the library, not a copy of it.
Standard library only, so it runs anywhere.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from pathlib import Path

LANGS = ["en", "de", "fr", "pt", "es", "it"]

# --- checksums (independent implementations) -----------------------------------------------------------------


def luhn_digit(body: str) -> str:
    """The check digit that makes body + digit Luhn-valid."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def iban_check(country: str, bban: str) -> str:
    """ISO 7064 mod 97-10 check digits for a country and BBAN."""
    numeric = "".join(str(int(c, 36)) for c in (bban + country + "00").upper())
    return f"{98 - int(numeric) % 97:02d}"


def nhs_check(nine: str) -> int | None:
    """NHS mod-11 check digit, or None when the remainder gives 10 (number not issued)."""
    s = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    c = 11 - s % 11
    return 0 if c == 11 else (None if c == 10 else c)


def isbn13(body12: str) -> str:
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)


def isbn10(body9: str) -> str:
    s = sum(int(d) * (10 - i) for i, d in enumerate(body9))
    c = (11 - s % 11) % 11
    return body9 + ("X" if c == 10 else str(c))


# --- value generators ----------------------------------------------------------------------------------------

FIRST = ["john", "mary", "anna", "lukas", "sophie", "marie", "joão", "ana", "lucía", "giulia", "pierre", "chloé",
         "mohammed", "priya", "liam", "emma", "felix", "léa", "pedro", "sofia", "matteo", "aoife", "rahul", "chloe"]
LAST = ["smith", "müller", "dupont", "silva", "garcía", "rossi", "murphy", "sharma", "brown", "schmidt", "martin",
        "santos", "lópez", "bianchi", "kelly", "patel", "wilson", "weber", "bernard", "costa", "fernández", "ricci"]
DOMAINS = ["gmail.com", "web.de", "orange.fr", "uol.com.br", "example.co.uk", "hotmail.es", "outlook.ie",
           "yahoo.co.in", "bigpond.com.au", "libero.it", "gmx.de", "sapo.pt", "free.fr", "mail.example.org"]


def ascii_fold(s: str) -> str:
    table = str.maketrans("ãáàâçéèêëíóôõöúüñ", "aaaaceeeeioooouun")
    return s.translate(table)


def gen_email(r: random.Random) -> str:
    f, last = ascii_fold(r.choice(FIRST)), ascii_fold(r.choice(LAST))
    local = r.choice([f"{f}.{last}", f"{f}_{last}", f"{f}{last}{r.randint(1, 99)}", f"{f[0]}{last}", f"{f}.{last}+news", f"{last}.{f}{r.randint(70, 99)}"])
    domain = r.choice(DOMAINS)
    if r.random() < 0.1:
        local, domain = local.capitalize(), domain.upper()
    if r.random() < 0.06:
        host, tld = domain.rsplit(".", 1)
        return f"{local} [at] {host.replace('.', ' [dot] ')} [dot] {tld}"
    return f"{local}@{domain}"


def d(r: random.Random, n: int) -> str:
    return "".join(r.choice(string.digits) for _ in range(n))


def gen_phone(r: random.Random) -> str:
    c = r.choice(["GB", "US", "DE", "FR", "IE", "IN", "BR", "AU"])
    if c == "GB":
        if r.random() < 0.5:
            sub = "7" + r.choice("1234579") + d(r, 8)
            return r.choice([f"0{sub[:4]} {sub[4:]}", f"+44 {sub[:4]} {sub[4:]}", f"+44 (0){sub[:4]} {sub[4:]}",
                             f"0{sub}", f"+44{sub}", f"0{sub[:4]}-{sub[4:]}"])
        area, local = r.choice([("20", "7946 0" + d(r, 3)), ("161", "496 0" + d(r, 3)), ("131", "496 0" + d(r, 3))])
        return r.choice([f"0{area} {local}", f"+44 {area} {local}", f"(0{area}) {local}", f"+44 (0){area} {local}"])
    if c == "US":
        a = r.choice("23456789") + r.choice("012345678") + r.choice(string.digits)
        e = r.choice("23456789") + d(r, 2)
        n = d(r, 4)
        return r.choice([f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}", f"1-{a}-{e}-{n}",
                         f"+1 ({a}) {e}-{n}", f"+1-{a}-{e}-{n}", f"{a} {e} {n}"])
    if c == "DE":
        area = r.choice(["30", "40", "89", "221", "69", "711", "151", "160", "171", "176", "7071"])
        num = d(r, 11 - len(area) - (1 if len(area) > 3 else 0))
        num = str(r.randint(1, 9)) + num[1:]
        return r.choice([f"0{area} {num}", f"+49 {area} {num}", f"0{area}/{num}", f"+49 (0){area} {num}",
                         f"0{area}-{num}", f"0{area}{num}", f"0049 {area} {num}"])
    if c == "FR":
        first = r.choice("1234567")
        p = [d(r, 2) for _ in range(4)]
        return r.choice([f"0{first} {' '.join(p)}", f"+33 {first} {' '.join(p)}", f"0{first}.{'.'.join(p)}",
                         f"0{first}{''.join(p)}", f"+33 (0){first} {' '.join(p)}", f"0{first}-{'-'.join(p)}"])
    if c == "IE":
        if r.random() < 0.6:
            pre = r.choice(["83", "85", "86", "87", "89"])
            n3, n4 = d(r, 3), d(r, 4)
            return r.choice([f"0{pre} {n3} {n4}", f"+353 {pre} {n3} {n4}", f"0{pre}-{n3}{n4}", f"+353{pre}{n3}{n4}"])
        n3, n4 = d(r, 3), d(r, 4)
        return r.choice([f"01 {n3} {n4}", f"+353 1 {n3} {n4}", f"(01) {n3} {n4}"])
    if c == "IN":
        m = r.choice("6789") + d(r, 9)
        if r.random() < 0.8:
            return r.choice([f"+91 {m[:5]} {m[5:]}", f"{m[:5]} {m[5:]}", f"0{m[:5]} {m[5:]}", f"+91-{m[:5]}-{m[5:]}",
                             f"+91{m}", f"0{m}"])
        return r.choice([f"080 {d(r, 4)} {d(r, 4)}", f"+91 80 {d(r, 4)} {d(r, 4)}", f"022-{d(r, 4)}-{d(r, 4)}"])
    if c == "BR":
        ddd = r.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
        if r.random() < 0.7:
            n1, n2 = "9" + d(r, 4), d(r, 4)
        else:
            n1, n2 = r.choice("2345") + d(r, 3), d(r, 4)
        return r.choice([f"({ddd}) {n1}-{n2}", f"+55 {ddd} {n1}-{n2}", f"{ddd} {n1}-{n2}", f"+55 ({ddd}) {n1}-{n2}",
                         f"+55{ddd}{n1}{n2}", f"({ddd}) {n1} {n2}"])
    # AU
    if r.random() < 0.5:
        m = "4" + d(r, 8)
        return r.choice([f"0{m[:3]} {m[3:6]} {m[6:]}", f"+61 {m[:3]} {m[3:6]} {m[6:]}", f"0{m}", f"+61 {m[0]} {m[1:5]} {m[5:]}"])
    a = r.choice("2378")
    n = d(r, 8)
    return r.choice([f"(0{a}) {n[:4]} {n[4:]}", f"0{a} {n[:4]} {n[4:]}", f"+61 {a} {n[:4]} {n[4:]}"])


def gen_card(r: random.Random) -> str:
    kind = r.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb"])
    if kind == "visa":
        body = "4" + d(r, 14)
    elif kind == "mc":
        body = "5" + r.choice("12345") + d(r, 13)
    elif kind == "mc2":
        body = "22" + r.choice("3456789") + d(r, 12)
    elif kind == "amex":
        body = "3" + r.choice("47") + d(r, 12)
    elif kind == "discover":
        body = "6011" + d(r, 11)
    else:
        body = "35" + r.choice(["28", "30", "55", "89"]) + d(r, 11)
    num = body + luhn_digit(body)
    if len(num) == 15:
        return r.choice([f"{num[:4]} {num[4:10]} {num[10:]}", num, f"{num[:4]}-{num[4:10]}-{num[10:]}"])
    g = [num[i:i + 4] for i in range(0, 16, 4)]
    return r.choice([" ".join(g), "-".join(g), num, " ".join(g)])


def bad_luhn(r: random.Random) -> str:
    body = "4" + d(r, 14)
    good = luhn_digit(body)
    bad = str((int(good) + r.randint(1, 9)) % 10)
    num = body + bad
    return r.choice([" ".join(num[i:i + 4] for i in range(0, 16, 4)), num])


IBAN_FORMATS = {  # country: BBAN recipe (n = digits, a = upper letters, c = alphanumeric)
    "DE": "18n", "GB": "4a14n", "FR": "10n11c2n", "ES": "20n", "IT": "1a10n12c", "NL": "4a10n", "IE": "4a14n",
    "PT": "21n", "BE": "12n", "AT": "16n", "CH": "5n12c", "BR": "23n1a1c", "PL": "24n", "SE": "20n",
}


def bban(r: random.Random, recipe: str) -> str:
    out = []
    for count, kind in re.findall(r"(\d+)([nac])", recipe):
        pool = {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits + string.ascii_uppercase}[kind]
        out.append("".join(r.choice(pool) for _ in range(int(count))))
    return "".join(out)


def gen_iban(r: random.Random, valid: bool = True) -> str:
    country = r.choice(list(IBAN_FORMATS))
    b = bban(r, IBAN_FORMATS[country])
    check = iban_check(country, b)
    if not valid:
        check = f"{(int(check) + r.randint(1, 50)) % 97 + 2:02d}"
        if check == iban_check(country, b):
            check = f"{(int(check) + 1) % 97 + 2:02d}"
    compact = country + check + b
    style = r.random()
    if style < 0.55:
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    if style < 0.9:
        return compact
    return compact.lower() if valid else compact


def gen_ip(r: random.Random) -> str:
    if r.random() < 0.65:
        first = r.choice([10, 172, 192, r.randint(1, 223)])
        return f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    groups = [f"{r.randint(0, 0xFFFF):x}" for _ in range(8)]
    style = r.random()
    if style < 0.3:
        return ":".join(groups)
    if style < 0.6:
        return f"2001:db8:{groups[2]}::{groups[6]}:{groups[7]}"
    if style < 0.8:
        return f"fe80::{groups[4]}:{groups[5]}:{groups[6]}:{groups[7]}"
    return f"{groups[0]}:{groups[1]}::{groups[7]}".upper()


def gen_ssn(r: random.Random) -> tuple[str, str]:
    """(text as written, value that must vanish)."""
    area = r.choice([n for n in range(1, 900) if n != 666])
    s = f"{area:03d}", f"{r.randint(1, 99):02d}", f"{r.randint(1, 9999):04d}"
    style = r.random()
    if style < 0.6:
        v = "-".join(s)
        return v, v
    if style < 0.75:
        v = " ".join(s)
        return v, v
    v = "".join(s)
    return f"SSN: {v}", v


def bad_ssn(r: random.Random) -> str:
    """Shaped like an SSN but never issued: area 000, 666 or 900-999, group 00 or serial 0000."""
    area, group, serial = f"{r.randint(1, 665):03d}", f"{r.randint(1, 99):02d}", f"{r.randint(1, 9999):04d}"
    rule = r.choice(["area", "group", "serial"])
    if rule == "area":
        area = r.choice(["000", "666", f"{r.randint(900, 999)}"])
    elif rule == "group":
        group = "00"
    else:
        serial = "0000"
    return f"{area}-{group}-{serial}"


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BANNED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def gen_nino(r: random.Random) -> str:
    while True:
        p = r.choice(NINO_FIRST) + r.choice(NINO_SECOND)
        if p not in NINO_BANNED:
            break
    n = d(r, 6)
    suffix = r.choice("ABCD")
    v = r.choice([f"{p} {n[:2]} {n[2:4]} {n[4:]} {suffix}", f"{p}{n}{suffix}", f"{p} {n} {suffix}", f"{p}{n}{suffix}".lower()])
    return v


def bad_nino(r: random.Random) -> str:
    p = r.choice(["QQ", "DA", "FA", "IU", "BG", "GB", "ZZ", "VA", "AO"])
    n = d(r, 6)
    return f"{p} {n[:2]} {n[2:4]} {n[4:]} {r.choice('ABCD')}"


def gen_nhs(r: random.Random) -> str:
    while True:
        nine = r.choice("3467") + d(r, 8)  # the issued ranges: 3xx (NI), 4xx, 6xx, 7xx
        c = nhs_check(nine)
        if c is not None:
            break
    v = nine + str(c)
    return r.choice([f"{v[:3]} {v[3:6]} {v[6:]}", v, f"{v[:3]}-{v[3:6]}-{v[6:]}", f"{v[:3]} {v[3:6]} {v[6:]}"])


def bad_nhs(r: random.Random) -> str:
    # A US-style 3-3-4 number with a wrong NHS check digit would be a valid US phone number; a 9 in the area
    # code's middle digit keeps it out of the North American plan, so it is a pure look-alike.
    while True:
        nine = r.choice("4678") + "9" + d(r, 7)
        c = nhs_check(nine)
        wrong = str(((c or 0) + r.randint(1, 9)) % 10)
        if c is None or wrong != str(c):
            break
    v = nine + wrong
    return f"{v[:3]} {v[3:6]} {v[6:]}"


STREETS = {
    "en": ["Baker Street", "High Street", "Main St", "Church Road", "Park Lane", "Station Rd", "Oak Avenue", "Elm Drive",
           "Victoria Terrace", "King's Road"],
    "us": ["Pennsylvania Ave NW", "Main Street", "Elm St", "Sunset Blvd", "Maple Avenue", "5th Avenue", "Ocean Drive"],
    "de": ["Hauptstraße", "Bahnhofstr.", "Lindenallee", "Gartenweg", "Marktplatz", "Schillerstraße", "Kirchgasse",
           "Friedrichstraße", "Am Ring"],
    "fr": ["rue de la Paix", "avenue des Champs-Élysées", "boulevard Saint-Michel", "rue Victor Hugo", "place de la République",
           "chemin des Vignes", "allée des Tilleuls"],
    "es": ["Calle Mayor", "Avenida de la Constitución", "Calle de Alcalá", "Paseo de Gracia", "Plaza Mayor", "C/ Serrano"],
    "pt": ["Rua Augusta", "Avenida Paulista", "Rua das Flores", "Travessa do Carmo", "Rua Oscar Freire", "Avenida da Liberdade"],
    "it": ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Piazza Navona", "Viale Monza"],
}
UK_PC = ["NW1 6XE", "SW1A 2AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "LS1 4AP", "EH1 1YZ"]


def gen_address(r: random.Random, lang: str) -> tuple[str, str]:
    """(text as written, value = the part up to and including the postcode)."""
    n = r.randint(1, 250)
    style = r.choice(["gb", "us", "ie", "au", "in"]) if lang == "en" else lang
    if style == "gb":
        v = f"{n}{r.choice(['', '', 'B'])} {r.choice(STREETS['en'])}, {r.choice(['London', 'Leeds', 'Manchester'])} {r.choice(UK_PC)}"
        return v, v
    if style == "us":
        state, zc = r.choice([("DC", "20500"), ("NY", "10001"), ("CA", "94103"), ("TX", "73301"), ("IL", "60601")])
        v = f"{n * 10} {r.choice(STREETS['us'])}, {r.choice(['Springfield', 'Washington', 'Austin'])}, {state} {zc}"
        return v, v
    if style == "ie":
        v = f"{n} {r.choice(['Main Street', 'Grafton Street', 'Church Road'])}, Dublin {r.randint(1, 20)}, D{r.randint(1, 24):02d} {r.choice('ACDEFHKNPRTVWXY')}{d(r, 3)}"
        return v, v
    if style == "au":
        v = f"{n} {r.choice(['George St', 'Collins Street', 'Queen Street'])}, {r.choice(['Sydney NSW 2000', 'Melbourne VIC 3000', 'Brisbane QLD 4000'])}"
        return v, v
    if style == "in":
        v = f"No. {n}, {r.choice(['MG Road', 'Brigade Road', 'Park Street'])}, {r.choice(['Bengaluru', 'Kolkata', 'Pune'])} {r.choice('1234567')}{d(r, 5)}"
        return v, v
    if style == "de":
        pc = f"{r.randint(1, 99):02d}{d(r, 3)}"
        town = r.choice(["Berlin", "München", "Köln", "Hamburg"])
        v = f"{r.choice(STREETS['de'])} {n}{r.choice(['', '', 'a'])}, {pc}"
        return f"{v} {town}", v
    if style == "fr":
        pc = f"{r.choice(['75', '69', '13', '33', '31'])}{d(r, 3)}"
        v = f"{n}{r.choice(['', ' bis'])} {r.choice(STREETS['fr'])}, {pc}"
        return f"{v} {r.choice(['Paris', 'Lyon', 'Marseille', 'Bordeaux'])}", v
    if style == "es":
        pc = f"{r.choice(['28', '08', '41', '46'])}{d(r, 3)}"
        v = f"{r.choice(STREETS['es'])} {n}, {pc}"
        return f"{v} {r.choice(['Madrid', 'Barcelona', 'Sevilla'])}", v
    if style == "pt":
        if r.random() < 0.6:
            cep = f"{d(r, 5)}-{d(r, 3)}"
            v = f"{r.choice(STREETS['pt'])}, {n * 7} - {r.choice(['Consolação', 'Centro', 'Jardins'])}, São Paulo - SP, {cep}"
            return v, v
        v = f"{r.choice(STREETS['pt'])} {n}, {r.randint(1000, 9999)}-{d(r, 3)}"
        return f"{v} Lisboa", v
    pc = f"{r.choice(['00', '20', '10', '50'])}{d(r, 3)}"
    v = f"{r.choice(STREETS['it'])} {n}, {pc}"
    return f"{v} {r.choice(['Roma', 'Milano', 'Torino'])}", v


def gen_coords(r: random.Random) -> str:
    lat = r.uniform(-60, 70)
    lon = r.uniform(-170, 170)
    style = r.random()
    if style < 0.45:
        return f"{lat:.{r.randint(4, 6)}f}, {lon:.{r.randint(4, 6)}f}"
    if style < 0.6:
        return f"{lat:.5f} {lon:.5f}"
    if style < 0.8:
        return f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"
    if style < 0.9:
        def dms(v, pos, neg):
            a = abs(v)
            deg, minutes = int(a), (a - int(a)) * 60
            return f"{deg}°{int(minutes):02d}'{(minutes - int(minutes)) * 60:04.1f}\"{pos if v >= 0 else neg}"
        return f"{dms(lat, 'N', 'S')} {dms(lon, 'E', 'W')}"
    return f"lat: {lat:.3f}, lon: {lon:.3f}"


def gen_mention(r: random.Random) -> str:
    f, last = ascii_fold(r.choice(FIRST)), ascii_fold(r.choice(LAST))
    return "@" + r.choice([f"{f}_{last}", f"{f}.{last}", f"{f}{last}{r.randint(1, 999)}", f"{last}_{f[0]}", f"{f.capitalize()}{last.capitalize()}"])


# --- decoys -------------------------------------------------------------------------------------------------


def gen_decoy(r: random.Random, lang: str) -> tuple[str, str, str]:
    """(kind, text as written, value that must survive)."""
    kind = r.choice(["date", "time", "price", "score", "year", "order", "isbn", "version", "url", "hashtag",
                     "measurement", "card_bad_luhn", "iban_bad_check", "ssn_invalid", "nhs_bad_check", "nino_bad_prefix"])
    if kind == "date":
        dd, mm, yy = r.randint(1, 28), r.randint(1, 12), r.randint(1990, 2026)
        v = r.choice([f"{dd:02d}.{mm:02d}.{yy}", f"{yy}-{mm:02d}-{dd:02d}", f"{mm:02d}/{dd:02d}/{yy}", f"{dd:02d}/{mm:02d}/{yy}",
                      f"{dd}.{mm}.{yy}"])
        return kind, v, v
    if kind == "time":
        h, m = r.randint(0, 23), r.randint(0, 59)
        v = r.choice([f"{h:02d}:{m:02d}", f"{h}h{m:02d}", f"{h % 12 or 12}:{m:02d} pm", f"{h:02d}:{m:02d}:{r.randint(0, 59):02d}"])
        return kind, v, v
    if kind == "price":
        a, c = r.randint(1, 2999), r.randint(0, 99)
        v = r.choice([f"€{a}.{c:02d}", f"{a},{c:02d} €", f"${a:,}.{c:02d}", f"R$ {a},{c:02d}", f"£{a}.{c:02d}", f"₹{a:,}",
                      f"{a}.{c:02d} EUR"])
        return kind, v, v
    if kind == "score":
        v = r.choice([f"{r.randint(0, 7)}-{r.randint(0, 7)}", f"{r.randint(0, 5)}:{r.randint(0, 5)}",
                      f"{r.randint(80, 130)}-{r.randint(80, 130)}", f"6-{r.randint(0, 4)} 6-{r.randint(0, 4)}"])
        return kind, v, v
    if kind == "year":
        v = str(r.randint(1950, 2030))
        return kind, v, v
    if kind == "order":
        num = r.choice([d(r, 9), f"{d(r, 4)}-{d(r, 4)}-{d(r, 3)}", "4" + d(r, 15), f"{r.randint(2019, 2026)}-{d(r, 6)}",
                        d(r, 12), "0" + d(r, 10)])
        label = {"en": ["Order #", "order no. ", "Tracking: ", "Invoice "], "de": ["Bestellnummer ", "Sendungsnummer: ", "Rechnung "],
                 "fr": ["commande n° ", "facture ", "suivi : "], "pt": ["pedido ", "fatura ", "rastreio: "],
                 "es": ["pedido ", "factura ", "seguimiento: "], "it": ["ordine ", "fattura "]}[lang]
        return kind, r.choice(label) + num, num
    if kind == "isbn":
        v = r.choice([isbn13("978" + d(r, 9)), isbn10(d(r, 9))])
        if len(v) == 13:
            v = r.choice([f"{v[:3]}-{v[3]}-{v[4:6]}-{v[6:12]}-{v[12]}", v])
        else:
            v = r.choice([f"{v[0]}-{v[1:4]}-{v[4:9]}-{v[9]}", v])
        return kind, f"ISBN {v}" if r.random() < 0.6 else v, v
    if kind == "version":
        v = r.choice([f"v{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)}", f"{r.randint(1, 4)}.{r.randint(0, 12)}.{r.randint(0, 9)}",
                      f"10.0.{r.randint(10000, 22999)}.{r.randint(100, 2999)}", f"{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}"])
        label = r.choice(["version ", "v", "iOS ", "Python ", "release ", "Version "])
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v):
            label = r.choice(["version ", "Version ", "build ", "firmware "])  # four numbers need a word to not be an IP
        if v.startswith("v"):
            label = r.choice(["", "release "])
        return kind, label + v, v
    if kind == "url":
        v = r.choice([f"https://www.bbc.co.uk/news/uk-{d(r, 8)}", f"https://twitter.com/i/status/{d(r, 19)}",
                      f"https://medium.com/@{ascii_fold(r.choice(FIRST))}/post-{d(r, 6)}", f"www.example.de/produkt/{d(r, 8)}",
                      f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t={r.randint(1, 999)}s", f"https://example.com/order?id={d(r, 10)}"])
        return kind, v, v
    if kind == "hashtag":
        v = r.choice(["#Paris2024", "#WM2026", "#100DaysOfCode", "#Euro2024", "#Brasil2026", f"#run{d(r, 3)}", "#ThrowbackThursday"])
        return kind, v, v
    if kind == "measurement":
        v = r.choice([f"{r.randint(1, 42)} km", f"{r.choice(['1920x1080', '3840x2160', '2560x1440'])}", f"{r.randint(150, 200)} cm",
                      f"{r.randint(1, 9)}.{r.randint(0, 9)} kg", f"1,{r.randint(50, 99)} m", f"{r.randint(2, 25)}.000 Schritte",
                      f"{r.randint(10, 300)} mm", f"{r.randint(100, 999)} ml"])
        return kind, v, v
    if kind == "card_bad_luhn":
        v = bad_luhn(r)
        return kind, v, v
    if kind == "iban_bad_check":
        v = gen_iban(r, valid=False)
        return kind, v, v
    if kind == "ssn_invalid":
        v = bad_ssn(r)
        return kind, v, v
    if kind == "nhs_bad_check":
        v = bad_nhs(r)
        return kind, f"NHS number {v}", v
    v = bad_nino(r)
    return kind, v, v


# --- sentences ----------------------------------------------------------------------------------------------

CONTEXT = {
    "email": {"en": ["email me at {v}", "write to {v}", "contact: {v}"], "de": ["schreib mir an {v}", "Mail: {v}"],
              "fr": ["écris-moi à {v}", "mon mail : {v}"], "pt": ["me manda um e-mail: {v}", "contato {v}"],
              "es": ["escríbeme a {v}", "correo: {v}"], "it": ["scrivimi a {v}"]},
    "phone": {"en": ["call me on {v}", "my number is {v}", "text {v} for details", "{v}"], "de": ["ruf mich an unter {v}", "Handy: {v}", "Tel. {v}", "{v}"],
              "fr": ["appelle-moi au {v}", "tél : {v}", "mon portable {v}"], "pt": ["me liga no {v}", "WhatsApp {v}", "celular: {v}"],
              "es": ["llámame al {v}", "mi móvil es {v}"], "it": ["chiamami al {v}", "cellulare {v}"]},
    "card": {"en": ["my card {v} got declined", "paid with {v}", "{v}"], "de": ["meine Karte {v} wurde abgelehnt", "Kreditkarte {v}"],
             "fr": ["ma carte {v} est bloquée", "carte bancaire {v}"], "pt": ["meu cartão {v} foi recusado"],
             "es": ["mi tarjeta {v} no funciona"], "it": ["la mia carta {v}"]},
    "iban": {"en": ["send it to {v}", "IBAN {v}"], "de": ["überweis auf {v}", "IBAN: {v}"], "fr": ["virement sur {v}", "IBAN {v}"],
             "pt": ["transfere para {v}", "IBAN {v}"], "es": ["transfiere a {v}"], "it": ["bonifico su {v}"]},
    "ip": {"en": ["my server is at {v}", "ssh into {v}", "IP {v} keeps failing"], "de": ["Server unter {v} erreichbar"],
           "fr": ["le serveur {v} ne répond pas"], "pt": ["o servidor {v} caiu"], "es": ["el servidor {v} no responde"], "it": ["il server {v}"]},
    "ssn": {"en": ["my SSN is {v}", "social security {v}", "{v}"], "de": ["meine US-SSN {v}"], "fr": ["mon SSN américain {v}"],
            "pt": ["meu SSN {v}"], "es": ["mi SSN {v}"], "it": ["il mio SSN {v}"]},
    "nino": {"en": ["NI number {v}", "my national insurance is {v}", "{v}"], "de": ["britische NI-Nummer {v}"],
             "fr": ["numéro NI {v}"], "pt": ["meu NI {v}"], "es": ["mi NI {v}"], "it": ["numero NI {v}"]},
    "nhs": {"en": ["my NHS number is {v}", "NHS no. {v}", "patient number {v}"], "de": ["NHS-Nummer {v}"], "fr": ["numéro NHS {v}"],
            "pt": ["número NHS {v}"], "es": ["número NHS {v}"], "it": ["numero NHS {v}"]},
    "address": {"en": ["I live at {v}", "deliver to {v}", "party at {v}!"], "de": ["ich wohne in der {v}", "Lieferadresse: {v}"],
                "fr": ["j'habite au {v}", "adresse : {v}"], "pt": ["moro na {v}", "endereço: {v}"], "es": ["vivo en {v}", "dirección: {v}"],
                "it": ["abito in {v}", "indirizzo: {v}"]},
    "coords": {"en": ["we're at {v}", "found it at {v}", "GPS {v}"], "de": ["wir sind bei {v}", "Koordinaten {v}"],
               "fr": ["on est à {v}", "coordonnées {v}"], "pt": ["estamos em {v}"], "es": ["estamos en {v}"], "it": ["siamo a {v}"]},
    "mention": {"en": ["thanks {v}!", "cc {v}", "{v} you have to see this"], "de": ["danke {v}!", "{v} schau mal"],
                "fr": ["merci {v} !", "{v} regarde ça"], "pt": ["valeu {v}!", "{v} olha isso"], "es": ["gracias {v}!"], "it": ["grazie {v}!"]},
}
DECOY_CONTEXT = {
    "en": ["on {v}", "({v})", "{v}", "it was {v}", "see {v}"], "de": ["am {v}", "({v})", "{v}", "das war {v}"],
    "fr": ["le {v}", "({v})", "{v}", "c'était {v}"], "pt": ["em {v}", "({v})", "{v}", "foi {v}"],
    "es": ["el {v}", "({v})", "{v}", "fue {v}"], "it": ["il {v}", "({v})", "{v}", "era {v}"],
}
FILLER = {
    "en": ["Great day at the beach!", "Can't believe this happened.", "Anyone else going tonight?", "Love this place.", "So tired lol."],
    "de": ["Schöner Tag heute.", "Wer kommt heute Abend mit?", "Das Essen war super!", "Endlich Wochenende."],
    "fr": ["Quelle belle journée !", "Qui vient ce soir ?", "Le repas était génial.", "Enfin le week-end."],
    "pt": ["Que dia lindo!", "Quem vem hoje à noite?", "A comida estava ótima.", "Finalmente sexta!"],
    "es": ["¡Qué día tan bonito!", "¿Quién viene esta noche?", "La comida estaba genial.", "¡Por fin viernes!"],
    "it": ["Che bella giornata!", "Chi viene stasera?", "Il cibo era ottimo.", "Finalmente venerdì!"],
}
TYPES = ["email", "phone", "card", "iban", "ip", "ssn", "nino", "nhs", "address", "coords", "mention"]


def pii_value(r: random.Random, kind: str, lang: str) -> tuple[str, str]:
    if kind == "ssn":
        return gen_ssn(r)
    if kind == "address":
        return gen_address(r, lang)
    v = {"email": gen_email, "phone": gen_phone, "card": gen_card, "iban": gen_iban, "ip": gen_ip, "nino": gen_nino,
         "nhs": gen_nhs, "coords": gen_coords, "mention": gen_mention}[kind](r)
    return v, v


def leak_tokens(value: str) -> set[str]:
    return {t for t in re.split(r"[^0-9A-Za-z]+", value) if len(t) >= 4 and sum(c.isdigit() for c in t) >= 3}


def record(r: random.Random, i: int) -> dict:
    lang = r.choice(LANGS)
    parts, pii, decoys = [], [], []
    kinds = r.sample(TYPES, r.choice([0, 1, 1, 2, 2, 3]))
    for kind in kinds:
        written, value = pii_value(r, kind, lang)
        ctx = r.choice(CONTEXT[kind][lang] if lang in CONTEXT[kind] else CONTEXT[kind]["en"])
        parts.append(ctx.format(v=written))
        pii.append({"type": kind, "value": value})
    for _ in range(r.choice([1, 1, 2, 3]) if kinds else r.choice([2, 3, 4])):
        kind, written, value = gen_decoy(r, lang)
        parts.append(r.choice(DECOY_CONTEXT[lang]).format(v=written))
        decoys.append({"kind": kind, "value": value})
    r.shuffle(parts)
    if r.random() < 0.7:
        parts.insert(r.randint(0, len(parts)), r.choice(FILLER[lang]))
    sep = r.choice([". ", " - ", ", ", " | ", "\n"])
    text = sep.join(parts)
    # A decoy must not share a number with a PII value, or "survived" and "leaked" could not be told apart.
    pii_tokens = set().union(*(leak_tokens(p["value"]) for p in pii)) if pii else set()
    if any(leak_tokens(dc["value"]) & pii_tokens or any(p["value"] in dc["value"] or dc["value"] in p["value"] for p in pii) for dc in decoys):
        return record(r, i)
    return {"id": f"e{i:05d}", "lang": lang, "text": text, "pii": pii, "decoys": decoys}


def write_jsonl(path: str, rows) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False)
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # an unpaired surrogate (an adversarial record) can only be written escaped
                line = json.dumps(row)
            f.write(line + "\n")
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20240913)
    ap.add_argument("--out", default=str(Path(__file__).with_name("pii_eval.jsonl")))
    ap.add_argument("--seed-v2", type=int, default=20261201)
    ap.add_argument("--per-class", type=int, default=130, help="second set: values per class and per look-alike kind")
    ap.add_argument("--out-v2", default=str(Path(__file__).with_name("pii_eval_v2.jsonl")), help="second set ('' to skip)")
    args = ap.parse_args()
    r = random.Random(args.seed)
    n = write_jsonl(args.out, (record(r, i) for i in range(args.n)))
    print(f"wrote {n} records to {args.out}")
    if args.out_v2:
        import social  # the second set (eval/social.py) builds on the generators above

        n = write_jsonl(args.out_v2, social.records(args.seed_v2, per_class=args.per_class, per_kind=args.per_class))
        print(f"wrote {n} records to {args.out_v2}")


if __name__ == "__main__":
    main()
