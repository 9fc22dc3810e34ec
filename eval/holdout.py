"""A held-out labelled set for the PII redactor, written from the data contract alone: eval/pii_holdout.jsonl.

    python eval/holdout.py            # writes eval/pii_holdout.jsonl and prints its composition
    python eval/holdout.py --check    # also proves the labels: an oracle redactor scores 1.0, a no-op 0.0

Independent of the engine: the values below come from docs/contract.md ("PII that must not survive into shards"
and the list of what must survive), written the way people write them on social platforms, in many countries,
scripts and languages, with the check digits their type has (Luhn, IBAN mod-97, NHS mod-11, ISBN, EAN, UPU S10).
Standard library only; deterministic from ``SEED``.

Records have the format ``postcurate pii-eval`` reads: ``{"id", "lang", "text", "pii": [{"type", "class",
"value"}], "decoys": [{"kind", "value"}]}``. ``value`` is the exact span that must vanish; a decoy is a look-alike
that must survive exactly as written. Every record is checked as it is built (``check``): each value is in its text
once, no leak key of a value (the scorer's rule, re-implemented here in plain Python) is anywhere else in the text,
each decoy is in the text once and outside every value. Look-alikes whose reading the contract leaves open are not
used: a 13-19 digit decoy that passes Luhn (a card to the contract), a 10-digit decoy that passes the NHS check, a
four-part version of numbers up to 255 (an IPv4 address).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

SEED = 20261201
PER_CLASS = 50
PER_KIND = 50
OUT = Path(__file__).with_name("pii_holdout.jsonl")

# ---------------------------------------------------------------------------------------------------------------
# Check digits

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError(body)


def nhs_check(nine: str) -> int | None:
    r = 11 - sum(int(c) * w for c, w in zip(nine, range(10, 1, -1), strict=False)) % 11
    return 0 if r == 11 else (None if r == 10 else r)


def nhs_ok(ten: str) -> bool:
    return len(ten) == 10 and ten.isdigit() and nhs_check(ten[:9]) == int(ten[9])


def iban_check(cc: str, bban: str) -> str:
    rearranged = bban + cc + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def ean_complete(body12: str) -> str:
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)


def isbn10_complete(body9: str) -> str:
    s = sum(int(c) * w for c, w in zip(body9, range(10, 1, -1), strict=False))
    c = (11 - s % 11) % 11
    return body9 + ("X" if c == 10 else str(c))


def s10_complete(body8: str) -> str:
    s = sum(int(c) * w for c, w in zip(body8, (8, 6, 4, 2, 3, 5, 9, 7), strict=False))
    c = 11 - s % 11
    return body8 + str({10: 0, 11: 5}.get(c, c))


# ---------------------------------------------------------------------------------------------------------------
# Writing: other digits, other spaces

DIGIT_ZERO = {
    "fullwidth": 0xFF10, "devanagari": 0x0966, "arabic_indic": 0x0660, "persian": 0x06F0, "bengali": 0x09E6,
    "thai": 0x0E50, "math_bold": 0x1D7CE, "math_double": 0x1D7D8, "math_mono": 0x1D7F6, "tamil": 0x0BE6,
}
USPACES = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "\u2002", "\u200a", "\u2008"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e", "\ufeff"]


def in_digits(s: str, script: str) -> str:
    zero = DIGIT_ZERO[script]
    out = "".join(chr(zero + int(c)) if c.isdigit() and c.isascii() else c for c in s)
    return out.replace("+", "\uff0b") if script == "fullwidth" else out


def D(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def expand(r: random.Random, tpl: str) -> str:
    """'D' any digit, 'N' 2-9, 'P' 1-9, '{a|b}' one of; everything else literal."""
    out, i = [], 0
    while i < len(tpl):
        c = tpl[i]
        if c == "{":
            j = tpl.index("}", i)
            out.append(r.choice(tpl[i + 1 : j].split("|")))
            i = j + 1
            continue
        out.append(r.choice("0123456789") if c == "D" else r.choice("23456789") if c == "N" else r.choice("123456789") if c == "P" else c)
        i += 1
    return "".join(out)


def fill(pattern: str, digits: str) -> str:
    """Put ``digits`` into the X's of ``pattern`` in order."""
    it = iter(digits)
    out = "".join(next(it) if c == "X" else c for c in pattern)
    assert next(it, None) is None and pattern.count("X") == len(digits), (pattern, digits)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Phones: country -> [(national significant number, national patterns, international patterns)]
# The contract names GB, US, DE, FR, IE, IN, BR, AU; the others are international formats (and national ones of
# countries where people post in the languages below).

PHONES = {
    "GB": [("7PDDDDDDDD", ["0XXXX XXXXXX", "0XXXX XXX XXX", "0XXXXXXXXXX", "0XXXX-XXXXXX"],
            ["+44 XXXX XXXXXX", "+44 (0)XXXX XXXXXX", "+44XXXXXXXXXX", "0044 XXXX XXX XXX", "+44 XXXX XXX XXX"]),
           ("20{3|7|8}DDDDDDD", ["0XX XXXX XXXX", "(0XX) XXXX XXXX", "0XXXXXXXXXX"], ["+44 XX XXXX XXXX", "+44 (0)XX XXXX XXXX"]),
           ("161NDDDDDD", ["0XXX XXX XXXX", "(0XXX) XXX XXXX"], ["+44 XXX XXX XXXX"])],
    "US": [("{2|3|4|5|6|7|8|9}{0|1|2|3|4|5|6|7|8}DNDDDDDD",
            ["(XXX) XXX-XXXX", "XXX-XXX-XXXX", "XXX.XXX.XXXX", "XXX XXX XXXX", "1-XXX-XXX-XXXX", "(XXX)XXX-XXXX"],
            ["+1 XXX XXX XXXX", "+1-XXX-XXX-XXXX", "+1 (XXX) XXX-XXXX", "+1XXXXXXXXXX", "001 XXX XXX XXXX"])],
    "DE": [("1{5|6|7}PDDDDDDDD", ["0XXX XXXXXXXX", "0XXX/XXXXXXXX", "0XXX-XXX XXX XX", "0XXXX XXXXXXX"],
            ["+49 XXX XXXXXXXX", "+49 (0)XXX XXXXXXXX", "+49XXXXXXXXXXX", "0049 XXX XXXX XXXX"]),
           ("30PDDDDDDD", ["0XX XXXXXXXX", "0XX/XXXX XXXX", "(0XX) XXXXXXXX"], ["+49 XX XXXXXXXX", "+49 (0)XX XXXX XXXX"])],
    "FR": [("{6|7|1|2|3|4|5}DDDDDDDD", ["0X XX XX XX XX", "0X.XX.XX.XX.XX", "0XXXXXXXXX", "0X-XX-XX-XX-XX"],
            ["+33 X XX XX XX XX", "+33 (0)X XX XX XX XX", "+33XXXXXXXXX", "0033 X XX XX XX XX"])],
    "IE": [("8{3|5|6|7|9}DDDDDDD", ["0XX XXX XXXX", "0XXXXXXXXX", "(0XX) XXX XXXX"], ["+353 XX XXX XXXX", "+353 (0)XX XXX XXXX", "+353XXXXXXXXX"]),
           ("1NDDDDDD", ["0X XXX XXXX", "(0X) XXX XXXX"], ["+353 X XXX XXXX"])],
    "IN": [("{6|7|8|9}DDDDDDDDD", ["XXXXX XXXXX", "0XXXXX XXXXX", "XXXXXXXXXX", "XXX-XXX-XXXX"],
            ["+91 XXXXX XXXXX", "+91-XXXXXXXXXX", "+91 XXX XXX XXXX", "+91XXXXXXXXXX", "0091 XXXXX XXXXX"]),
           ("22{2|3|4|6}DDDDDDD", ["0XX XXXX XXXX", "0XX-XXXXXXXX"], ["+91 XX XXXX XXXX", "+91-XX-XXXXXXXX"])],
    "BR": [("{11|21|31|41|51|61|71|81|85|19}9{6|7|8|9}DDDDDDD",
            ["(XX) XXXXX-XXXX", "XX XXXXX-XXXX", "(XX) X XXXX-XXXX", "(XX)XXXXX-XXXX", "0XX XXXXX XXXX"],
            ["+55 XX XXXXX-XXXX", "+55 (XX) XXXXX-XXXX", "+55XXXXXXXXXXX", "+55 XX X XXXX XXXX"]),
           ("{11|21|31|41}{2|3|4|5}DDDDDDD", ["(XX) XXXX-XXXX", "XX XXXX-XXXX"], ["+55 XX XXXX-XXXX"])],
    "AU": [("4{0|1|2|3|5|7|8}DDDDDDD", ["0XXX XXX XXX", "0XXXXXXXXX", "0XXX-XXX-XXX"], ["+61 XXX XXX XXX", "+61 X XXXX XXXX", "+61XXXXXXXXX", "+61 (0)XXX XXX XXX"]),
           ("{2|3|7|8}{8|9|4}DDDDDDD", ["(0X) XXXX XXXX", "0X XXXX XXXX"], ["+61 X XXXX XXXX"])],
    "ES": [("6DDDDDDDD", ["XXX XX XX XX", "XXX XXX XXX", "XXXXXXXXX"], ["+34 XXX XX XX XX", "+34 XXX XXX XXX", "+34XXXXXXXXX"])],
    "IT": [("3{2|3|4|8|9}DDDDDDDD", ["XXX XXX XXXX", "XXX-XXXXXXX", "XXX XXXXXXX"], ["+39 XXX XXX XXXX", "+39 XXX XXXXXXX", "0039 XXX XXX XXXX"]),
           ("06DDDDDDDD", ["XX XXXX XXXX", "XX-XXXXXXXX"], ["+39 XX XXXX XXXX"])],
    "NL": [("6PDDDDDDD", ["0X-XXXXXXXX", "0X XXXX XXXX", "0X XX XX XX XX"], ["+31 X XXXXXXXX", "+31 (0)X XXXX XXXX", "+31XXXXXXXXX"])],
    "JP": [("{90|80|70}DDDDDDDD", ["0XX-XXXX-XXXX", "0XX XXXX XXXX", "0XXXXXXXXXX"], ["+81 XX-XXXX-XXXX", "+81 XX XXXX XXXX"])],
    "PL": [("{5|6|7|8}DDDDDDDD", ["XXX XXX XXX", "XXX-XXX-XXX"], ["+48 XXX XXX XXX", "+48XXXXXXXXX"])],
    "MX": [("55PDDDDDDD", ["XX XXXX XXXX", "(XX) XXXX-XXXX"], ["+52 XX XXXX XXXX", "+52 1 XX XXXX XXXX"])],
    "NG": [("80{3|5|6|7|8|9}DDDDDDD", ["0XXX XXX XXXX", "0XXXXXXXXXX"], ["+234 XXX XXX XXXX", "+234XXXXXXXXXX"])],
    "ZA": [("8{2|3|4}DDDDDDD", ["0XX XXX XXXX"], ["+27 XX XXX XXXX"])],
    "TR": [("5{3|4|5}DDDDDDDD", ["0XXX XXX XX XX", "0 XXX XXX XX XX"], ["+90 XXX XXX XX XX", "+90 (XXX) XXX XX XX"])],
    "EG": [("1{0|1|2}DDDDDDDD", ["0XXX XXX XXXX", "0XXXXXXXXXX"], ["+20 XX XXXX XXXX", "+20 XXX XXX XXXX"])],
    "AE": [("5{0|2|5|6}DDDDDDD", ["0XX XXX XXXX"], ["+971 XX XXX XXXX", "+971XXXXXXXXX"])],
    "SA": [("5{0|3|4|5}DDDDDDD", ["0XX XXX XXXX"], ["+966 XX XXX XXXX"])],
    "PH": [("9{1|2|7|9}DDDDDDDD", ["0XXX XXX XXXX"], ["+63 XXX XXX XXXX"])],
    "KE": [("7{0|1|2|9}DDDDDDD", ["0XXX XXXXXX"], ["+254 XXX XXXXXX"])],
    "RU": [("9{0|1|2|6}DDDDDDDD", ["8 (XXX) XXX-XX-XX", "8 XXX XXX XX XX"], ["+7 XXX XXX-XX-XX", "+7 (XXX) XXX XX XX"])],
    "UA": [("{6|9}{3|6|7|8}DDDDDDD", ["0XX XXX XXXX"], ["+380 XX XXX XXXX"])],
    "IR": [("9{1|2|3}DDDDDDDD", ["0XXX XXX XXXX"], ["+98 XXX XXX XXXX"])],
    "BD": [("1{3|7|8|9}DDDDDDDD", ["0XXXX-XXXXXX"], ["+880 XXXX-XXXXXX"])],
    "TH": [("{6|8|9}DDDDDDDD", ["0XX XXX XXXX"], ["+66 XX XXX XXXX"])],
}
CONTRACT_COUNTRIES = ["GB", "US", "DE", "FR", "IE", "IN", "BR", "AU"]
OTHER_COUNTRIES = [c for c in PHONES if c not in CONTRACT_COUNTRIES]
COUNTRY_LANG = {
    "GB": "en", "US": "en", "DE": "de", "FR": "fr", "IE": "en", "IN": "hi", "BR": "pt", "AU": "en", "ES": "es",
    "IT": "it", "NL": "nl", "JP": "ja", "PL": "pl", "MX": "es", "NG": "en", "ZA": "en", "TR": "tr", "EG": "ar",
    "AE": "ar", "SA": "ar", "PH": "en", "KE": "en", "RU": "ru", "UA": "ru", "IR": "fa", "BD": "bn", "TH": "th",
}


def phone(r: random.Random, country: str, intl: bool | None = None) -> tuple[str, str, str]:
    """(written number, E.164 digits without '+', country)."""
    nsn_tpl, nat, inter = r.choice(PHONES[country])
    nsn = expand(r, nsn_tpl)
    pat = r.choice(inter if (intl if intl is not None else r.random() < 0.5) else nat)
    cc = {"GB": "44", "US": "1", "DE": "49", "FR": "33", "IE": "353", "IN": "91", "BR": "55", "AU": "61", "ES": "34",
          "IT": "39", "NL": "31", "JP": "81", "PL": "48", "MX": "52", "NG": "234", "ZA": "27", "TR": "90", "EG": "20",
          "AE": "971", "SA": "966", "PH": "63", "KE": "254", "RU": "7", "UA": "380", "IR": "98", "BD": "880", "TH": "66"}[country]
    return fill(pat, nsn), cc + nsn, country  # Italy keeps its leading 0 after +39


def _check_patterns() -> None:
    for c, variants in PHONES.items():
        for nsn_tpl, nat, inter in variants:
            n = len(expand(random.Random(0), nsn_tpl))
            for p in nat + inter:
                assert p.count("X") == n, (c, nsn_tpl, p)


# ---------------------------------------------------------------------------------------------------------------
# Names, places (used in e-mails, handles, addresses)

FIRST = ["anna", "jonas", "marie", "lucas", "sofia", "mateo", "giulia", "ahmed", "priya", "rahul", "yuki", "hiroshi",
         "olga", "piotr", "ayse", "mehmet", "fatima", "chloe", "liam", "noah", "emma", "joao", "lea", "finn", "aoife",
         "siobhan", "kwame", "amara", "diego", "valentina", "lukas", "ines", "tomasz", "ewa", "arjun", "ananya",
         "omar", "layla", "kenji", "sakura", "ivan", "natalia", "camille", "hugo", "marta", "pablo", "beatriz", "rafael"]
LAST = ["smith", "mueller", "dupont", "garcia", "rossi", "silva", "kowalski", "yilmaz", "sharma", "tanaka", "ivanova",
        "murphy", "obrien", "nguyen", "schmidt", "moreau", "fernandes", "bianchi", "nowak", "patel", "suzuki", "kelly",
        "jansen", "devries", "okafor", "mensah", "haddad", "santos", "lopez", "martin", "weber", "costa", "romano"]
DOMAINS = ["gmail.com", "yahoo.co.uk", "outlook.com", "hotmail.fr", "web.de", "gmx.de", "t-online.de", "orange.fr",
           "free.fr", "libero.it", "terra.com.br", "uol.com.br", "bol.com.br", "rediffmail.com", "yahoo.co.in",
           "wp.pl", "o2.pl", "mail.ru", "yandex.ru", "icloud.com", "proton.me", "gmx.at", "bluewin.ch", "eircom.net",
           "bigpond.com", "studio-rossi.it", "acme-logistics.co.uk", "student.uva.nl", "ucdconnect.ie", "hotmail.es",
           "telefonica.net", "posteo.de", "mail.com", "kpnmail.nl", "sapo.pt", "naver.com", "yahoo.com.br"]


def local_part(r: random.Random) -> str:
    f, l = r.choice(FIRST), r.choice(LAST)
    return r.choice([f"{f}.{l}", f"{f}{l}", f"{f}_{l}", f"{f[0]}.{l}", f"{f}{r.randint(70, 99)}", f"{f}.{l}{r.randint(1, 99)}",
                     f"{l}.{f}", f"{f}-{l}", f"{f}{l[0]}{r.randint(1, 9999)}"])


def handle(r: random.Random) -> str:
    f, l = r.choice(FIRST), r.choice(LAST)
    h = r.choice([f"{f}_{l}", f"{f}.{l}", f"{f}{l}{r.randint(1, 99)}", f"the_real_{f}", f"{f}_{l[:3]}", f"{l}.{f}_",
                  f"{f}{r.randint(1990, 2009)}", f"{f.capitalize()}{l.capitalize()}", f"{f}__{l}", f"_{f}.{l}_", f"{f}.{l[0]}.{r.randint(1, 99)}"])
    return h[:30]


# ---------------------------------------------------------------------------------------------------------------
# Post text: fillers and contexts per language (no digits in fillers, so they cannot look like anything)

FILLERS = {
    "en": ["Honestly the best weekend in ages.", "Can't believe how fast this year went 😅", "Anyone else watching the match tonight?",
           "Long story short: it worked.", "Thanks everyone for the kind words ❤️", "Posting this for my mum who isn't on here.",
           "The weather is doing that thing again.", "Not me crying at an advert again 🙈", "Still no reply from the landlord.",
           "Please share, it helps a lot!", "Dog walk, coffee, repeat.", "Does anyone know a good plumber around here?",
           "We finally did it!! 🎉🎉", "Quick update for the group:", "Lost my voice after the concert lol",
           "Big thanks to the neighbours who helped us move.", "This is not a drill.", "Mood: tired but happy ☕"],
    "de": ["Was für ein Wochenende!", "Danke an alle für die lieben Nachrichten 🙏", "Kurz gesagt: es hat geklappt.",
           "Wer kennt einen guten Handwerker in der Gegend?", "Bitte teilen, das hilft sehr!", "Endlich Feierabend 🍺",
           "Das Wetter spielt mal wieder verrückt.", "Kleines Update für die Gruppe:", "Wir haben es tatsächlich geschafft!"],
    "fr": ["Quel week-end incroyable !", "Merci à tous pour vos messages ❤️", "Bref, ça a marché.", "Partagez svp, ça aide beaucoup !",
           "Quelqu'un connaît un bon plombier dans le coin ?", "Petite mise à jour pour le groupe :", "Enfin les vacances 🌞"],
    "es": ["¡Qué fin de semana!", "Gracias a todos por los mensajes 🙏", "En resumen: funcionó.", "¡Compartid, porfa, ayuda mucho!",
           "¿Alguien conoce un buen fontanero por aquí?", "Pequeña actualización para el grupo:", "Por fin vacaciones 🏖️"],
    "pt": ["Que fim de semana!", "Obrigado a todos pelas mensagens ❤️", "Resumindo: deu certo.", "Compartilhem, por favor!",
           "Alguém conhece um bom encanador aqui perto?", "Atualização rápida pro grupo:", "Finalmente férias 🌴"],
    "it": ["Che weekend!", "Grazie a tutti per i messaggi ❤️", "Insomma, ha funzionato.", "Condividete per favore!",
           "Qualcuno conosce un buon idraulico in zona?", "Piccolo aggiornamento per il gruppo:", "Finalmente in ferie ☀️"],
    "nl": ["Wat een weekend!", "Bedankt allemaal voor de lieve berichten ❤️", "Kort verhaal: het is gelukt.", "Graag delen!",
           "Weet iemand een goede loodgieter in de buurt?"],
    "pl": ["Co za weekend!", "Dziękuję wszystkim za wiadomości ❤️", "Krótko mówiąc: udało się.", "Udostępniajcie proszę!"],
    "hi": ["क्या शानदार वीकेंड था!", "सभी का धन्यवाद 🙏", "आखिरकार काम हो गया।", "कृपया शेयर करें!", "ग्रुप के लिए छोटा सा अपडेट:"],
    "ar": ["يا لها من عطلة رائعة!", "شكرا للجميع على الرسائل ❤️", "باختصار، نجح الأمر.", "أرجو المشاركة!"],
    "fa": ["چه آخر هفته‌ای بود!", "از همه ممنونم ❤️", "خلاصه اینکه جواب داد."],
    "bn": ["কী দারুণ সপ্তাহান্ত!", "সবাইকে ধন্যবাদ ❤️", "অবশেষে হয়ে গেল।"],
    "ja": ["最高の週末でした！", "みなさん、ありがとうございます🙏", "結局うまくいきました。", "拡散お願いします！"],
    "tr": ["Ne hafta sonuydu!", "Mesajlarınız için herkese teşekkürler ❤️", "Kısacası işe yaradı."],
    "ru": ["Какие выходные!", "Спасибо всем за сообщения ❤️", "Короче, всё получилось.", "Пожалуйста, сделайте репост!"],
    "th": ["สุดสัปดาห์ที่ดีมาก!", "ขอบคุณทุกคนนะ ❤️"],
}
HASHTAGS = ["#tbt", "#sundayfunday", "#blessed", "#moving", "#help", "#lostandfound", "#community", "#foodie", "#travel",
            "#family", "#nofilter", "#weekendvibes", "#urgent", "#fyp", "#monday"]

CTX = {
    "phone": {
        "en": ["call me on {v}", "text me {v}", "my number is {v}", "ring {v} after work", "WhatsApp: {v}", "reach me at {v}",
               "new number, save it: {v}", "{v} 📞 ask for Sam", "mob {v}", "call/text {v} if you see him"],
        "de": ["ruf mich an: {v}", "meine Nummer: {v}", "Handy {v}", "erreichbar unter {v}", "WhatsApp an {v}"],
        "fr": ["appelle-moi au {v}", "mon numéro : {v}", "joignable au {v}", "tél. {v}", "contactez-moi au {v}"],
        "es": ["llámame al {v}", "mi número es {v}", "WhatsApp {v}", "contacto: {v}"],
        "pt": ["me liga no {v}", "meu zap: {v}", "chama no whats {v}", "contato {v}"],
        "it": ["chiamami al {v}", "il mio numero è {v}", "cell. {v}", "scrivetemi su WhatsApp al {v}"],
        "nl": ["bel me op {v}", "mijn nummer: {v}", "app me op {v}"],
        "pl": ["zadzwoń {v}", "mój numer: {v}", "tel. {v}"],
        "hi": ["मेरा नंबर {v} है", "कॉल करें {v}", "व्हाट्सएप {v}"],
        "ar": ["رقمي {v}", "اتصل بي على {v}", "واتساب {v}"],
        "fa": ["شماره من {v}", "تماس: {v}"],
        "bn": ["আমার নম্বর {v}", "যোগাযোগ {v}"],
        "ja": ["電話番号は{v}です", "連絡は{v}まで", "携帯 {v}"],
        "tr": ["numaram {v}", "beni ara {v}"],
        "ru": ["мой номер {v}", "звоните {v}"],
        "th": ["เบอร์ {v}", "โทร {v}"],
    },
    "email": {
        "en": ["email me at {v}", "write to {v}", "contact: {v}", "my email is {v}", "send the CV to {v}", "DM or mail {v}"],
        "de": ["schreib mir an {v}", "E-Mail: {v}", "Mail an {v}", "meine Adresse: {v}"],
        "fr": ["écris-moi à {v}", "mon mail : {v}", "contact : {v}"],
        "es": ["escríbeme a {v}", "mi correo es {v}", "correo: {v}"],
        "pt": ["me manda um email: {v}", "meu e-mail é {v}"],
        "it": ["scrivimi a {v}", "la mia mail è {v}"],
        "nl": ["mail me op {v}", "mijn mail: {v}"],
        "pl": ["napisz na {v}", "mój mail: {v}"],
        "ru": ["пишите на {v}", "моя почта {v}"],
        "tr": ["mail adresim {v}"],
        "ja": ["メールは{v}まで"],
        "hi": ["मेरा ईमेल {v} है"],
        "ar": ["بريدي {v}"],
        "sv": ["mejla mig på {v}"],
    },
    "card": {
        "en": ["my card number is {v}", "card: {v}", "found a card on the bus, number {v}", "can someone pay for me? card {v} exp 09/27",
               "is this a scam? they asked for my card {v}", "paid with {v} and it got declined"],
        "de": ["Kartennummer {v}", "meine Kreditkarte: {v}", "Karte {v} wurde gesperrt"],
        "fr": ["numéro de carte {v}", "ma carte bancaire : {v}"],
        "es": ["número de tarjeta {v}", "mi tarjeta: {v}"],
        "pt": ["número do cartão {v}", "cartão: {v}"],
        "it": ["numero carta {v}", "la mia carta: {v}"],
        "hi": ["कार्ड नंबर {v}"],
        "ja": ["カード番号 {v}"],
    },
    "iban": {
        "en": ["IBAN: {v}", "send it to {v}", "bank details: {v}", "pay into {v} pls"],
        "de": ["Überweisung an {v}", "meine IBAN: {v}", "Bankverbindung {v}", "bitte auf {v} überweisen"],
        "fr": ["mon RIB : {v}", "IBAN {v}", "virement sur {v}"],
        "es": ["transferencia a {v}", "mi IBAN es {v}", "cuenta {v}"],
        "pt": ["IBAN {v}", "transferência para {v}"],
        "it": ["bonifico su {v}", "IBAN: {v}"],
        "nl": ["rekeningnummer {v}", "overmaken naar {v}"],
        "pl": ["numer konta {v}", "przelew na {v}"],
        "tr": ["IBAN numaram {v}"],
        "ar": ["رقم الآيبان {v}"],
    },
    "ssn": {
        "en": ["my SSN is {v}", "social security number {v}", "SSN: {v}", "soc sec # {v}", "ssn {v} pls dont share",
               "they asked for my social security no. {v} over the phone"],
        "es": ["mi número de seguro social es {v}", "seguro social: {v}"],
        "pt": ["meu SSN é {v}"],
    },
    "nino": {"en": ["my NI number is {v}", "National Insurance number: {v}", "NINO {v}", "NI no. {v}", "national insurance {v}"]},
    "nhs": {"en": ["NHS number {v}", "my NHS no. is {v}", "NHS #{v}", "nhs number: {v}", "his NHS number is {v} if the ward asks"]},
    "ip": {
        "en": ["my IP is {v}", "server at {v}", "why is {v} banned?", "ping {v}", "Failed password for root from {v} port 52311 ssh2",
               "connect to {v} and try again", "router sits at {v}"],
        "de": ["meine IP: {v}", "Server unter {v}"],
        "fr": ["mon adresse IP : {v}"],
        "es": ["mi IP es {v}"],
        "ru": ["мой IP {v}"],
    },
    "address": {
        "en": ["we moved! new address: {v}", "party at {v} 🎉", "send parcels to {v}", "lost cat near {v}", "viewing at {v} tomorrow"],
        "de": ["Neue Adresse: {v}", "Wir sind umgezogen: {v}", "Paket bitte an {v}"],
        "fr": ["nouvelle adresse : {v}", "fête chez nous, {v}"],
        "es": ["mi dirección: {v}", "nos mudamos a {v}"],
        "pt": ["meu endereço: {v}", "entrega em {v}"],
        "it": ["nuovo indirizzo: {v}", "festa a {v}"],
        "nl": ["nieuw adres: {v}"],
        "pl": ["nowy adres: {v}"],
        "hi": ["पता: {v}"],
    },
    "coords": {
        "en": ["we're camping at {v}", "meet here: {v}", "GPS {v}", "Final at {v}", "pin: {v}", "found it at {v}"],
        "de": ["Treffpunkt: {v}", "Koordinaten {v}"],
        "fr": ["rendez-vous ici : {v}", "coordonnées {v}"],
        "es": ["nos vemos aquí: {v}", "coordenadas {v}"],
        "pt": ["estamos aqui: {v}"],
        "it": ["ci vediamo qui: {v}"],
        "ja": ["集合場所 {v}"],
    },
    "mention": {
        "en": ["thanks {v}!", "cc {v}", "{v} you coming tonight?", "shoutout to {v} 🙌", "photo by {v}", "w/ {v} ❤️", "via {v}"],
        "de": ["Danke {v}!", "mit {v} unterwegs"],
        "fr": ["merci {v} !", "avec {v}"],
        "es": ["gracias {v}!", "con {v}"],
        "pt": ["valeu {v}!"],
        "it": ["grazie {v}!"],
        "ja": ["{v} さん、ありがとう！"],
        "ar": ["شكرا {v}"],
    },
}


def ctx(r: random.Random, typ: str, lang: str) -> str:
    pool = CTX[typ].get(lang) or CTX[typ]["en"]
    return r.choice(pool)


# ---------------------------------------------------------------------------------------------------------------
# PII generators: each returns (fragment, value, lang)

def _nat_or_intl(r):
    return r.random() < 0.5


def g_phone_national(r):
    c = r.choice(CONTRACT_COUNTRIES)
    v, _, _ = phone(r, c, intl=False)
    lang = COUNTRY_LANG[c]
    return ctx(r, "phone", lang).format(v=v), v, lang


def g_phone_intl(r):
    c = r.choice(CONTRACT_COUNTRIES + OTHER_COUNTRIES)
    v, _, _ = phone(r, c, intl=True)
    lang = COUNTRY_LANG[c] if r.random() < 0.7 else "en"
    frag = ctx(r, "phone", lang).format(v=v) if r.random() < 0.8 else r.choice(["{v}", "☎️ {v}", "{v} (Signal/WhatsApp)", "📲 {v}"]).format(v=v)
    return frag, v, lang


def g_phone_national_other(r):
    c = r.choice(OTHER_COUNTRIES)
    v, _, _ = phone(r, c, intl=False)
    lang = COUNTRY_LANG[c]
    return ctx(r, "phone", lang).format(v=v), v, lang


def g_phone_no_context(r):
    c = r.choice(CONTRACT_COUNTRIES)
    v, _, _ = phone(r, c)
    lang = COUNTRY_LANG[c]
    frag = r.choice(["{v}", "{v} 🙏", "{v}!!", "→ {v}", "{v} (evenings)", "{v} — Sam", "☎ {v}", "{v} / {f}"]).format(v=v, f=r.choice(FIRST).capitalize())
    return frag, v, lang


def g_phone_unicode_space(r):
    c = r.choice(CONTRACT_COUNTRIES + ["ES", "IT", "NL", "PL", "TR"])
    for _ in range(50):
        v, _, _ = phone(r, c)
        if " " in v:
            break
    sp = r.choice(USPACES)
    v = v.replace(" ", sp) if r.random() < 0.7 else "".join(r.choice(USPACES) if ch == " " else ch for ch in v)
    if " " not in v and not any(s in v for s in USPACES):
        v = v[:4] + sp + v[4:]
    lang = COUNTRY_LANG[c] if COUNTRY_LANG[c] in CTX["phone"] else "en"
    return ctx(r, "phone", lang).format(v=v), v, lang


SCRIPT_COUNTRY = [("devanagari", "IN", "hi"), ("arabic_indic", "EG", "ar"), ("arabic_indic", "SA", "ar"), ("arabic_indic", "AE", "ar"),
                  ("persian", "IR", "fa"), ("bengali", "BD", "bn"), ("fullwidth", "JP", "ja"), ("thai", "TH", "th"),
                  ("math_bold", "GB", "en"), ("math_double", "US", "en"), ("math_mono", "DE", "de"), ("fullwidth", "US", "en"),
                  ("devanagari", "IN", "hi"), ("tamil", "IN", "en")]


def g_phone_unicode_digits(r):
    script, c, lang = r.choice(SCRIPT_COUNTRY)
    v, _, _ = phone(r, c)
    v = in_digits(v, script)
    return ctx(r, "phone", lang).format(v=v), v, lang


def _break_at_separator(r, v, breaks=("\n", "\r\n", " \n", "\n ")):
    seps = [i for i, ch in enumerate(v) if ch in " -./" and 2 < i < len(v) - 3]
    if not seps:
        i = len(v) // 2
        return v[:i] + r.choice(breaks) + v[i:]
    i = r.choice(seps)
    return v[:i] + r.choice(breaks) + v[i + 1 :]


def g_phone_line_break(r):
    c = r.choice(CONTRACT_COUNTRIES + OTHER_COUNTRIES[:6])
    v, _, _ = phone(r, c)
    v = _break_at_separator(r, v)
    lang = COUNTRY_LANG[c]
    return ctx(r, "phone", lang).format(v=v), v, lang


def g_phone_invisible(r):
    c = r.choice(CONTRACT_COUNTRIES)
    v, _, _ = phone(r, c)
    ch = r.choice(INVISIBLE)
    if r.random() < 0.5:  # between every digit
        v = ch.join(v)
    else:  # in place of or next to the separators
        v = re.sub(r"[ \-]", lambda m: r.choice([ch, m.group(0) + ch, ch + m.group(0)]), v)
        if ch not in v:
            v = v[:5] + ch + v[5:]
    lang = COUNTRY_LANG[c]
    return ctx(r, "phone", lang).format(v=v), v, lang


def g_phone_parens_ext(r):
    c = r.choice(["GB", "US", "DE", "FR", "IE", "AU", "BR"])
    for _ in range(100):
        v, _, _ = phone(r, c)
        if "(" in v:
            break
    if r.random() < 0.6:
        ext = r.choice([" ext. {e}", " x{e}", " ext {e}", ", extension {e}", " (Durchwahl {e})", " poste {e}", " Apparat {e}", " #{e}"]).format(e=D(r, r.choice([2, 3, 4])))
    else:
        ext = ""
    lang = {"DE": "de", "FR": "fr", "BR": "pt"}.get(c, "en")
    return ctx(r, "phone", lang).format(v=v + ext), v, lang


def _e164(r, countries=None):
    c = r.choice(countries or (CONTRACT_COUNTRIES + OTHER_COUNTRIES))
    _, digits, _ = phone(r, c, intl=True)
    return digits, c


def g_phone_in_link(r):
    digits, c = _e164(r)
    lang = COUNTRY_LANG[c]
    style = r.randrange(12)
    if style == 0:
        v = digits; frag = f"https://wa.me/{v}"
    elif style == 1:
        v = digits; frag = f"wa.me/{v}?text=Hola%20vi%20tu%20anuncio"
    elif style == 2:
        v = digits; frag = f"https://api.whatsapp.com/send?phone={v}&text=hi"
    elif style == 3:
        v = "%2B" + digits; frag = f"https://api.whatsapp.com/send?phone={v}"
    elif style == 4:
        v = digits; frag = f"whatsapp://send?phone={v}"
    elif style == 5:
        v = "+" + digits; frag = f"tel:{v}"
    elif style == 6:
        v = "+" + digits; frag = f'<a href="tel:{v}">Call us</a>'
    elif style == 7:
        v = "+" + digits; frag = f"sms:{v}?body=STOP"
    elif style == 8:
        v = "%2B" + digits; frag = f"viber://chat?number={v}"
    elif style == 9:
        v = "+" + digits; frag = f"https://t.me/{v}"
    elif style == 10:
        v = "+" + digits; frag = f"https://signal.me/#p/{v}"
    else:
        w, _, _ = phone(r, c, intl=True)
        v = w.replace(" ", "-").replace("(", "").replace(")", ""); frag = f"tel:{v}"
    lead = ctx(r, "phone", lang).split("{v}")[0] if r.random() < 0.5 else ""
    return lead + frag, v, lang


def g_phone_glued(r):
    c = r.choice(CONTRACT_COUNTRIES)
    v, _, _ = phone(r, c)
    if r.random() < 0.5:
        v = v.replace(" ", "")
    label = r.choice(["Tel.:", "Tel:", "tel.", "Mob.", "mob:", "WA:", "☎️", "📞", "Ph:", "Handy:", "Cel:", "call/text:", "T:", "M."])
    lang = COUNTRY_LANG[c]
    return r.choice(FILLERS.get(lang, FILLERS["en"])) + " " + label + v, v, lang


def g_phone_business(r):
    c = r.choice(["GB", "US", "DE", "FR", "IE", "AU", "IN", "BR", "IT", "ES"])
    if r.random() < 0.35:
        v = {"GB": expand(r, "0800 DDD DDDD"), "US": expand(r, "1-{800|888|877|866}-NDD-DDDD"), "DE": expand(r, "0800 DDDDDDD"),
             "FR": expand(r, "0 800 DD DD DD"), "IE": expand(r, "1800 DDD DDD"), "AU": expand(r, "1300 DDD DDD"),
             "IN": expand(r, "1800 DDD DDDD"), "BR": expand(r, "0800 DDD DDDD"), "IT": expand(r, "800 DDD DDD"),
             "ES": expand(r, "900 DDD DDD")}[c]
    else:
        v, _, _ = phone(r, c)
    lang = COUNTRY_LANG[c]
    frag = r.choice({
        "en": ["Order pizza by phone: {v} 🍕", "Reservations {v}", "Call our store on {v}", "Free quotes, call {v}", "Bookings: {v} (Mon-Sat)",
               "Customer service {v}", "Hotline {v}"],
        "de": ["Reservierung unter {v}", "Hotline {v} (kostenlos)", "Termine unter {v}"],
        "fr": ["Réservations au {v}", "Service client {v}"],
        "pt": ["Pedidos pelo {v}", "SAC {v}"],
        "it": ["Prenotazioni al {v}", "Numero verde {v}"],
        "es": ["Reservas en el {v}", "Atención al cliente {v}"],
        "hi": ["बुकिंग के लिए {v}"],
    }.get(lang, ["Reservations {v}"])).format(v=v)
    return frag, v, lang


# -- e-mails

def _email(r):
    return local_part(r), r.choice(DOMAINS)


def g_email_plain(r):
    l, d = _email(r)
    v = f"{l}@{d}"
    style = r.random()
    if style < 0.15:
        v = v.upper()
    elif style < 0.3:
        v = v.capitalize()
    lang = r.choice(list(CTX["email"]))
    frag = ctx(r, "email", lang).format(v=v) if r.random() < 0.8 else r.choice(["{v}", "({v})", "<{v}>", "📧 {v}", "{v}."]).format(v=v)
    return frag, v, lang


def g_email_plus(r):
    l, d = _email(r)
    tag = r.choice(["shop", "newsletter", "ig", "work", "ebay", "2024", "spam", "tickets", "a.b", "x"])
    v = f"{l}+{tag}@{d}"
    lang = r.choice(list(CTX["email"]))
    return ctx(r, "email", lang).format(v=v), v, lang


def _domain_spoken(d, dot):
    return dot.join(d.split("."))


OBF = {  # lang: (at forms, dot forms)
    "en": ([" at ", " AT ", " [at] ", "[at]", " (at) ", "(at)", "{at}", " <at> ", " @ ", " [@] ", "(@)", " -at- "],
           [" dot ", " DOT ", " [dot] ", "[dot]", " (dot) ", "(dot)", "{dot}", " . ", "."]),
    "de": ([" ät ", " (ät) ", " [ät] ", " at ", " [at] ", " Klammeraffe "], [" punkt ", " Punkt ", " (punkt) ", " [punkt] ", "."]),
    "fr": ([" arobase ", " [arobase] ", " (arobase) ", " at "], [" point ", " [point] ", " (point) ", "."]),
    "es": ([" arroba ", " (arroba) ", " [arroba] "], [" punto ", " (punto) ", "."]),
    "pt": ([" arroba ", " (arroba) "], [" ponto ", " (ponto) ", "."]),
    "it": ([" chiocciola ", " (chiocciola) "], [" punto ", " (punto) ", "."]),
    "nl": ([" apenstaartje ", " at "], [" punt ", "."]),
    "pl": ([" małpa ", " (małpa) "], [" kropka ", "."]),
    "ru": ([" собака ", " (собака) "], [" точка ", "."]),
    "tr": ([" et ", " (at) "], [" nokta ", "."]),
    "sv": ([" snabel-a ", " (at) "], [" punkt ", "."]),
}


def _obfuscated(r, lang):
    l, d = _email(r)
    at_forms, dot_forms = OBF[lang]
    at, dot = r.choice(at_forms), r.choice(dot_forms)
    if r.random() < 0.25 and "." in l and dot.strip():
        l = l.replace(".", dot)
    v = f"{l}{at}{_domain_spoken(d, dot)}"
    if r.random() < 0.1:
        v = v.upper()
    return ctx(r, "email", lang).format(v=v), v, lang


def g_email_obfuscated_en(r):
    return _obfuscated(r, "en")


def g_email_obfuscated_intl(r):
    return _obfuscated(r, r.choice([k for k in OBF if k != "en"]))


def g_email_in_link(r):
    l, d = _email(r)
    style = r.randrange(8)
    lang = r.choice(["en", "de", "fr", "es", "pt"])
    if style == 0:
        v = f"{l}@{d}"; frag = f"mailto:{v}"
    elif style == 1:
        v = f"{l}@{d}"; frag = f'<a href="mailto:{v}">email me</a>'
    elif style == 2:
        v = f"{l}@{d}"; frag = f"mailto:{v}?subject=Flat%20viewing&body=Hi"
    elif style == 3:
        v = f"{l}%40{d}"; frag = f"https://shop.example.com/unsubscribe?email={v}&list=7"
    elif style == 4:
        v = f"{l}%40{d}"; frag = f"https://forms.example.org/r?u={v}&src=ig"
    elif style == 5:
        v = f"{l}%2Bpromo%40{d}"; frag = f"https://accounts.example.net/reset?user={v}"
    elif style == 6:
        v = f"{l}%40{d}"; frag = f"mailto:{v}"
    else:
        v = f"{l.upper()}@{d.upper()}"; frag = f"MAILTO:{v}"
    lead = r.choice(["", "contact: ", "click → ", "Mail: ", "link: "])
    return lead + frag, v, lang


IDN = [("müller-bäckerei.de", "de"), ("café-lumière.fr", "fr"), ("пример.рф", "ru"), ("почта.рф", "ru"), ("例え.jp", "ja"),
       ("bücher.ch", "de"), ("señales.es", "es"), ("xn--mller-kva.de", "de"), ("xn--caf-dma.fr", "fr"), ("ärzte-köln.de", "de"),
       ("ελληνικά.gr", "en"), ("gráfica-são-paulo.com.br", "pt"), ("yücel-hukuk.com.tr", "tr"), ("дом.рус", "ru"), ("øl-bryggeri.no", "en")]
UNI_LOCAL = ["josé.garcía", "françois.müller", "jürgen.weiß", "zoë.brontë", "ирина.петрова", "иван", "ナオキ", "søren.kierkegaard",
             "ayşe.yılmaz", "joão.conceição", "małgorzata.wójcik", "θεοδώρα"]


def g_email_idn(r):
    d, lang = r.choice(IDN)
    if r.random() < 0.4:
        l = r.choice(UNI_LOCAL)
    else:
        l = local_part(r)
    if r.random() < 0.3:
        d = r.choice(DOMAINS)
        l = r.choice(UNI_LOCAL)
    v = f"{l}@{d}"
    return ctx(r, "email", lang if lang in CTX["email"] else "en").format(v=v), v, lang


# -- cards

BRANDS = [  # (prefix template, length, groups)
    ("4", 16, [4, 4, 4, 4]), ("4", 13, [4, 4, 5]), ("4", 19, [4, 4, 4, 4, 3]), ("5{1|2|3|4|5}", 16, [4, 4, 4, 4]),
    ("2{221|300|450|720}", 16, [4, 4, 4, 4]), ("3{4|7}", 15, [4, 6, 5]), ("6011", 16, [4, 4, 4, 4]), ("65", 16, [4, 4, 4, 4]),
    ("64{4|5|6|7|8|9}", 16, [4, 4, 4, 4]), ("36", 14, [4, 6, 4]), ("30{0|1|2|3|4|5}", 14, [4, 6, 4]), ("35{28|40|89}", 16, [4, 4, 4, 4]),
    ("62", 16, [4, 4, 4, 4]), ("62", 19, [6, 13]), ("62", 17, [4, 4, 4, 5]), ("{5018|5020|5038|6304|6759|6761}", 18, [4, 4, 4, 4, 2]),
    ("{5018|6759}", 19, [4, 4, 4, 4, 3]), ("220{0|1|2|3|4}", 16, [4, 4, 4, 4]), ("{60|65|81|82}", 16, [4, 4, 4, 4]),
    ("606282", 16, [4, 4, 4, 4]), ("9792", 16, [4, 4, 4, 4]), ("4", 16, [4, 4, 4, 4]), ("5{1|3|5}", 16, [4, 4, 4, 4]),
]


def card_digits(r, brand=None):
    prefix, n, groups = brand or r.choice(BRANDS)
    p = expand(r, prefix)
    return luhn_complete(p + D(r, n - len(p) - 1)), groups


def group(digits, groups, sep):
    out, i = [], 0
    for g in groups:
        out.append(digits[i : i + g]); i += g
    return sep.join(out)


def _card_ctx(r):
    lang = r.choice(list(CTX["card"]))
    return ctx(r, "card", lang), lang


def g_card_grouped(r):
    digits, groups = card_digits(r, r.choice([b for b in BRANDS if b[1] == 16]))
    v = group(digits, groups, r.choice([" ", " ", "-", " - "]))
    t, lang = _card_ctx(r)
    return t.format(v=v), v, lang


def g_card_compact(r):
    digits, _ = card_digits(r)
    t, lang = _card_ctx(r)
    return t.format(v=digits), digits, lang


def g_card_other_length(r):
    digits, groups = card_digits(r, r.choice([b for b in BRANDS if b[1] != 16]))
    v = group(digits, groups, r.choice([" ", "-", ""]))
    t, lang = _card_ctx(r)
    return t.format(v=v), v, lang


def g_card_unusual_writing(r):
    digits, groups = card_digits(r)
    style = r.randrange(6)
    if style == 0:
        v = group(digits, groups, r.choice(USPACES))
    elif style == 1:
        v = group(digits, groups, ".")
    elif style == 2:
        v = group(digits, groups, r.choice(["\n", " \n", "\r\n"]))
    elif style == 3:
        v = in_digits(group(digits, groups, r.choice([" ", "-"])), r.choice(["fullwidth", "devanagari", "arabic_indic", "math_bold"]))
    elif style == 4:
        v = group(digits, groups, "–")  # autocorrect's en dash
    else:  # pasted with a doubled space
        v = group(digits, groups, " ")
        v = v.replace(" ", "  ", 1)
    t, lang = _card_ctx(r)
    return t.format(v=v), v, lang


# -- IBANs

IBAN_BBAN = {  # each country's BBAN; with the country code and check digits, the ISO 13616 registry's length
    "DE": "nnnnnnnnnnnnnnnnnn", "GB": "aaaannnnnnnnnnnnnn", "FR": "nnnnnnnnnncccccccccccnn", "ES": "nnnnnnnnnnnnnnnnnnnn",
    "IT": "annnnnnnnnncccccccccccc", "NL": "aaaannnnnnnnnn", "BE": "nnnnnnnnnnnn", "AT": "nnnnnnnnnnnnnnnn",
    "CH": "nnnnncccccccccccc", "IE": "aaaannnnnnnnnnnnnn", "PT": "nnnnnnnnnnnnnnnnnnnnn", "PL": "nnnnnnnnnnnnnnnnnnnnnnnn",
    "SE": "nnnnnnnnnnnnnnnnnnnn", "NO": "nnnnnnnnnnn", "DK": "nnnnnnnnnnnnnn", "FI": "nnnnnnnnnnnnnn", "LU": "nnnccccccccccccc",
    "GR": "nnnnnnncccccccccccccccc", "CZ": "nnnnnnnnnnnnnnnnnnnn", "HR": "nnnnnnnnnnnnnnnnn", "BR": "nnnnnnnnnnnnnnnnnnnnnnnac",
    "TR": "nnnnnncccccccccccccccc", "SA": "nncccccccccccccccccc", "AE": "nnnnnnnnnnnnnnnnnnn", "MT": "aaaannnnncccccccccccccccccc",
    "RO": "aaaacccccccccccccccc", "HU": "nnnnnnnnnnnnnnnnnnnnnnnn", "LT": "nnnnnnnnnnnnnnnn", "SK": "nnnnnnnnnnnnnnnnnnnn",
    "SI": "nnnnnnnnnnnnnnn", "IS": "nnnnnnnnnnnnnnnnnnnnnn", "LI": "nnnnncccccccccccc", "CY": "nnnnnnnncccccccccccccccc",
    "EE": "nnnnnnnnnnnnnnnn", "LV": "aaaaccccccccccccc", "BG": "aaaannnnnncccccccc",
}
# The registry's total lengths, written separately from the formats above so that one slip cannot hide in both.
IBAN_LENGTH = {"DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20, "CH": 21, "IE": 22, "PT": 25,
               "PL": 28, "SE": 24, "NO": 15, "DK": 18, "FI": 18, "LU": 20, "GR": 27, "CZ": 24, "HR": 21, "BR": 29, "TR": 26,
               "SA": 24, "AE": 23, "MT": 31, "RO": 24, "HU": 28, "LT": 20, "SK": 24, "SI": 19, "IS": 26, "LI": 21, "CY": 28,
               "EE": 20, "LV": 21, "BG": 22}
IBAN_LANG = {"DE": "de", "AT": "de", "CH": "de", "LI": "de", "FR": "fr", "BE": "fr", "LU": "fr", "ES": "es", "IT": "it",
             "PT": "pt", "BR": "pt", "NL": "nl", "PL": "pl", "TR": "tr", "SA": "ar", "AE": "ar"}


def iban(r, cc=None):
    cc = cc or r.choice(list(IBAN_BBAN))
    bban = "".join(
        r.choice("0123456789") if k == "n" else r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if k == "a"
        else (r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if r.random() < 0.15 else r.choice("0123456789"))
        for k in IBAN_BBAN[cc]
    )
    return cc + iban_check(cc, bban) + bban, cc


def fours(s, sep=" "):
    return sep.join(s[i : i + 4] for i in range(0, len(s), 4))


def _iban_ctx(r, cc):
    lang = IBAN_LANG.get(cc, "en")
    return ctx(r, "iban", lang), lang


def g_iban_grouped(r):
    v, cc = iban(r)
    v = fours(v)
    t, lang = _iban_ctx(r, cc)
    return t.format(v=v), v, lang


def g_iban_compact(r):
    v, cc = iban(r)
    t, lang = _iban_ctx(r, cc)
    return t.format(v=v), v, lang


def g_iban_lowercase(r):
    v, cc = iban(r)
    v = r.choice([fours(v), v, fours(v)]).lower()
    if r.random() < 0.2:
        v = v[0].upper() + v[1:]
    t, lang = _iban_ctx(r, cc)
    return t.format(v=v), v, lang


def g_iban_irregular(r):
    v, cc = iban(r)
    style = r.randrange(7)
    if style == 0:
        v = v[:2] + " " + v[2:4] + " " + fours(v[4:])
    elif style == 1:
        v = fours(v).replace(" ", "  ", r.randint(1, 3))
    elif style == 2:
        cut = r.randint(6, len(v) - 6)
        v = v[:cut] + " " + v[cut:]
    elif style == 3:
        v = fours(v, r.choice(USPACES))
    elif style == 4:
        g = fours(v).split(" ")
        k = r.randint(2, len(g) - 1)
        v = " ".join(g[:k]) + r.choice(["\n", "\r\n", " \n"]) + " ".join(g[k:])
    elif style == 5:
        v = fours(v, "-")
    else:  # glued to the word before
        t, lang = _iban_ctx(r, cc)
        glue = r.choice(["IBAN", "IBAN:", "iban:", "IBAN-"])
        w = r.choice([v, fours(v)])
        return r.choice(FILLERS.get(lang, FILLERS["en"])) + " " + glue + w, w, lang
    t, lang = _iban_ctx(r, cc)
    return t.format(v=v), v, lang


# -- US SSN, UK NINO, NHS

def ssn_digits(r):
    while True:
        a = r.randint(1, 899)
        if a != 666:
            return f"{a:03d}", f"{r.randint(1, 99):02d}", f"{r.randint(1, 9999):04d}"


def _ssn_ctx(r):
    lang = r.choice(["en", "en", "en", "es", "pt"])
    return ctx(r, "ssn", lang), lang


def g_ssn_dashed(r):
    a, g, s = ssn_digits(r)
    v = f"{a}{r.choice(['-', '-', '–', '‑'])}{g}{r.choice(['-'])}{s}"
    if "–" in v:
        v = v.replace("-", "–")
    t, lang = _ssn_ctx(r)
    return t.format(v=v), v, lang


def g_ssn_other(r):
    a, g, s = ssn_digits(r)
    v = r.choice([f"{a} {g} {s}", f"{a}{g}{s}", f"{a}{g}{s}", f"{a}.{g}.{s}", f"{a}\u00a0{g}\u00a0{s}"])
    t, lang = _ssn_ctx(r)
    return t.format(v=v), v, lang


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def g_nino(r):
    while True:
        p = r.choice(NINO_FIRST) + r.choice(NINO_SECOND)
        if p not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    n, suf = D(r, 6), r.choice("ABCD")
    v = r.choice([f"{p} {n[:2]} {n[2:4]} {n[4:]} {suf}", f"{p}{n}{suf}", f"{p} {n} {suf}", f"{p}{n[:2]} {n[2:4]} {n[4:]}{suf}",
                  f"{p}-{n[:2]}-{n[2:4]}-{n[4:]}-{suf}"])
    if r.random() < 0.3:
        v = v.lower()
    return ctx(r, "nino", "en").format(v=v), v, "en"


def g_nhs(r):
    while True:
        nine = str(r.randint(4, 9)) + D(r, 8)
        c = nhs_check(nine)
        if c is not None:
            break
    ten = nine + str(c)
    v = r.choice([f"{ten[:3]} {ten[3:6]} {ten[6:]}", ten, f"{ten[:3]}-{ten[3:6]}-{ten[6:]}", f"{ten[:3]}\u00a0{ten[3:6]}\u00a0{ten[6:]}",
                  f"{ten[:3]} {ten[3:6]} {ten[6:]}"])
    return ctx(r, "nhs", "en").format(v=v), v, "en"


# -- IP addresses

def ipv4(r):
    while True:
        a = r.randint(1, 223)
        if a not in (10, 127, 0):
            break
    if r.random() < 0.2:
        return r.choice(["192.168.{}.{}", "10.{}.{}.{}".replace("{}.{}.{}", "{}.{}." + str(r.randint(1, 254))), "172.16.{}.{}"]).format(r.randint(0, 255), r.randint(2, 254))
    return f"{a}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def g_ipv4(r):
    ip = ipv4(r)
    style = r.randrange(5)
    lang = r.choice(list(CTX["ip"]))
    if style == 0:
        return ctx(r, "ip", lang).format(v=ip + ":" + str(r.choice([22, 80, 443, 8080, 25565, 3389]))), ip, lang
    if style == 1:
        return f"admin panel is open at http://{ip}/login lol", ip, "en"
    if style == 2:
        return f"ssh root@{ip}", ip, "en"
    return ctx(r, "ip", lang).format(v=ip), ip, lang


def ipv6(r):
    groups = [r.choice(["2001", "2a02", "2a01", "2600", "2804", "2409", "fe80"])] + [f"{r.randint(0, 0xFFFF):x}" for _ in range(7)]
    style = r.randrange(4)
    if style == 0:
        v = ":".join(groups)
    elif style == 1:
        k = r.randint(2, 5)
        v = ":".join(groups[:k]) + "::" + ":".join(groups[k + 2 :])
    elif style == 2:
        v = ":".join(g.zfill(4) for g in groups)
    else:
        v = "::ffff:" + ipv4(r)
    return v.upper() if r.random() < 0.25 else v


def g_ipv6(r):
    ip = ipv6(r)
    lang = r.choice(list(CTX["ip"]))
    if r.random() < 0.25:
        return f"curl -k https://[{ip}]:8443/status", ip, "en"
    return ctx(r, "ip", lang).format(v=ip), ip, lang


# -- street addresses (house number and postcode)

GB_TOWNS = [("Leeds", "LS", 1, 28), ("Manchester", "M", 1, 40), ("Bristol", "BS", 1, 16), ("London", "SW", 1, 20), ("London", "E", 1, 18),
            ("London", "N", 1, 22), ("Cardiff", "CF", 10, 24), ("Edinburgh", "EH", 1, 17), ("Glasgow", "G", 1, 81),
            ("Birmingham", "B", 1, 45), ("Leamington Spa", "CV", 31, 32), ("York", "YO", 1, 32), ("Brighton", "BN", 1, 3),
            ("Belfast", "BT", 1, 17), ("Norwich", "NR", 1, 14)]
GB_STREETS = ["Kingsway", "Elm Grove", "Station Road", "High Street", "The Parade", "Church Lane", "Victoria Road", "Mill Lane",
              "Oakfield Avenue", "Park Crescent", "Queen's Drive", "Albert Terrace", "The Green", "Chapel Close", "Meadow Way"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def gb_postcode(r):
    town, area, lo, hi = r.choice(GB_TOWNS)
    return town, f"{area}{r.randint(lo, hi)} {r.randint(0, 9)}{r.choice(INWARD)}{r.choice(INWARD)}"


IE_PLACES = [("Dublin 8", "D08"), ("Dublin 6W", "D6W"), ("Cork", "T12"), ("Galway", "H91"), ("Limerick", "V94"), ("Ennis, Co. Clare", "V95"),
             ("Kilkenny", "R95"), ("Sligo", "F91"), ("Athlone, Co. Westmeath", "N37")]
EIR = "0123456789ACDEFHKNPRTVWXY"
US_CITIES = [("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Denver", "CO", "802"),
             ("Brooklyn", "NY", "112"), ("Seattle", "WA", "981"), ("Miami", "FL", "331"), ("Columbus", "OH", "432"),
             ("Oakland", "CA", "946"), ("Boston", "MA", "021"), ("Phoenix", "AZ", "850"), ("Nashville", "TN", "372")]
US_STREETS = ["Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lincoln", "Sunset", "Lakeview", "Highland", "Park", "Main"]
US_TYPES = ["St", "Ave", "Blvd", "Rd", "Dr", "Ln", "Street", "Avenue", "Court", "Way"]
DE_CITIES = [("Berlin", 10115, 14199), ("München", 80331, 81929), ("Hamburg", 20095, 22769), ("Köln", 50667, 51149),
             ("Frankfurt am Main", 60306, 60599), ("Freiburg", 79098, 79117), ("Leipzig", 4103, 4357), ("Stuttgart", 70173, 70619)]
DE_STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstr.", "Goethestraße", "Lindenallee", "Berliner Straße",
              "Am Markt", "Im Winkel", "Kastanienweg", "Rosenstraße", "Friedrichstraße", "Kirchplatz", "Auf der Höhe"]


def a_gb(r):
    town, pc = gb_postcode(r)
    n = r.randint(1, 240)
    parts = r.choice([[f"{n} {r.choice(GB_STREETS)}", f"{town} {pc}"], [f"Flat {r.randint(1, 12)}", f"{n} {r.choice(GB_STREETS)}", town, pc],
                      [f"{n}{r.choice(['', 'a', 'b'])} {r.choice(GB_STREETS)}", town, pc]])
    return parts, "en"


def a_ie(r):
    town, key = r.choice(IE_PLACES)
    code = key + " " + "".join(r.choice(EIR) for _ in range(4))
    parts = [f"{r.randint(1, 180)} {r.choice(['Main Street', 'Abbey Road', 'Grove Park', 'Church Street', 'Shop Street', 'Ashfield Drive'])}"] + town.split(", ") + [code]
    return parts, "en"


def a_us(r):
    city, st, z3 = r.choice(US_CITIES)
    z = z3 + D(r, 2) + (("-" + D(r, 4)) if r.random() < 0.2 else "")
    street = f"{r.randint(1, 9899)} {r.choice(['', 'N ', 'W ', 'SE '])}{r.choice(US_STREETS)} {r.choice(US_TYPES)}"
    parts = [street] + ([f"Apt {r.randint(1, 30)}{r.choice('ABCD')}"] if r.random() < 0.3 else []) + [city, f"{st} {z}"]
    return parts, "en"


def a_ca(r):
    city, prov, fsa = r.choice([("Toronto", "ON", "M5V"), ("Vancouver", "BC", "V6B"), ("Montréal", "QC", "H2X"), ("Calgary", "AB", "T2P")])
    pc = f"{fsa} {r.randint(0, 9)}{r.choice('ABCEGHJKLMNPRSTVXY')}{r.randint(0, 9)}"
    return [f"{r.randint(1, 999)} {r.choice(['King St W', 'Queen Street', 'Rue Sainte-Catherine', 'Granville St'])}", city, f"{prov} {pc}"], "en"


def a_de(r):
    city, lo, hi = r.choice(DE_CITIES)
    plz = f"{r.randint(lo, hi):05d}"
    n = f"{r.randint(1, 140)}{r.choice(['', '', 'a', 'b', '-3'])}"
    plz_w = r.choice([plz, plz, "D-" + plz, "DE-" + plz])
    return [f"{r.choice(DE_STREETS)} {n}", f"{plz_w} {city}"], "de"


def a_at_ch(r):
    if r.random() < 0.5:
        return [f"{r.choice(['Mariahilfer Straße', 'Landstraßer Hauptstraße', 'Herrengasse'])} {r.randint(1, 120)}", f"{r.choice(['1060', '1030', '1010', 'A-1070'])} Wien"], "de"
    return [f"{r.choice(['Bahnhofstrasse', 'Seestrasse', 'Marktgasse'])} {r.randint(1, 90)}", f"{r.choice(['8001 Zürich', 'CH-3011 Bern', '4051 Basel', '1204 Genève'])}"], "de"


def a_nl(r):
    pc = f"{r.randint(1011, 9999)} {r.choice('ABCDEGHJKLMNPRSTVWXZ')}{r.choice('ABCDEGHJKLMNPRSTVWXZ')}"
    return [f"{r.choice(['Prinsengracht', 'Coolsingel', 'Oudegracht', 'Kerkstraat', 'Dorpsstraat'])} {r.randint(1, 400)}{r.choice(['', '-II', ' hs', 'A'])}",
            f"{pc} {r.choice(['Amsterdam', 'Rotterdam', 'Utrecht', 'Den Haag', 'Groningen'])}"], "nl"


def a_fr(r):
    city, cp = r.choice([("Paris", f"750{r.randint(1, 20):02d}"), ("Lyon", f"6900{r.randint(1, 9)}"), ("Marseille", f"130{r.randint(1, 16):02d}"),
                         ("Toulouse", "31000"), ("Lille", "59000"), ("Bordeaux", "33000"), ("Nantes", "44000")])
    street = f"{r.randint(1, 180)}{r.choice(['', '', ' bis', ' ter'])}{r.choice([' rue', ' avenue', ' boulevard', ' place', ' impasse', ', rue'])} {r.choice(['de la Paix', 'Jean Jaurès', 'Victor Hugo', 'des Lilas', 'du Général Leclerc', 'Voltaire'])}"
    return [street, f"{cp} {city}"], "fr"


def a_be(r):
    return [f"{r.choice(['Rue Neuve', 'Meir', 'Avenue Louise', 'Veldstraat'])} {r.randint(1, 300)}", f"{r.choice(['1000 Bruxelles', '2000 Antwerpen', '1050 Ixelles', '9000 Gent'])}"], r.choice(["fr", "nl"])


def a_es(r):
    cp, city = r.choice([(f"280{r.randint(1, 55):02d}", "Madrid"), (f"080{r.randint(1, 42):02d}", "Barcelona"), ("41001", "Sevilla"), ("46002", "València")])
    parts = [f"{r.choice(['Calle de Alcalá', 'C/ Mallorca', 'Avda. de la Constitución', 'Calle Mayor', 'Paseo de Gracia'])} {r.randint(1, 250)}"]
    if r.random() < 0.5:
        parts.append(f"{r.randint(1, 9)}º {r.choice('ABCD')}")
    return parts + [f"{cp} {city}"], "es"


def a_it(r):
    cap, city = r.choice([(f"001{r.randint(0, 99):02d}", "Roma RM"), (f"201{r.randint(21, 62)}", "Milano MI"), ("80142", "Napoli"), ("50122", "Firenze FI"), ("10121", "Torino")])
    return [f"{r.choice(['Via Roma', 'Corso Buenos Aires', 'Piazza Garibaldi', 'Via dei Mille', 'Viale Mazzini'])} {r.randint(1, 200)}{r.choice(['', '/A', 'B'])}", f"{cap} {city}"], "it"


def a_pt(r):
    return [f"{r.choice(['Rua Augusta', 'Avenida da Boavista', 'Rua de Santa Catarina'])} {r.randint(1, 1500)}", f"{r.randint(1000, 4999)}-{D(r, 3)} {r.choice(['Lisboa', 'Porto', 'Braga'])}"], "pt"


def a_pl(r):
    return [f"ul. {r.choice(['Marszałkowska', 'Floriańska', 'Piotrkowska', 'Długa'])} {r.randint(1, 120)}{r.choice(['', '/' + str(r.randint(1, 40))])}",
            f"{r.randint(0, 99):02d}-{D(r, 3)} {r.choice(['Warszawa', 'Kraków', 'Łódź', 'Gdańsk'])}"], "pl"


def a_au(r):
    city, st, pc = r.choice([("Sydney", "NSW", "2000"), ("Perth", "WA", "6000"), ("Melbourne", "VIC", "3000"), ("Brisbane", "QLD", "4000"),
                             ("Fitzroy", "VIC", "3065"), ("Newtown", "NSW", "2042"), ("Hobart", "TAS", "7000")])
    street = f"{r.choice(['King St', 'George Street', 'Collins Street', 'Wallaby Way', 'Smith St', 'Brunswick Rd'])}"
    num = r.choice([f"{r.randint(1, 300)}", f"Unit {r.randint(1, 20)}/{r.randint(1, 300)}", f"{r.randint(1, 20)}/{r.randint(1, 300)}"])
    return [f"{num} {street}", f"{city} {st} {pc}"], "en"


def a_nz(r):
    return [f"{r.randint(1, 300)} {r.choice(['Queen Street', 'Cuba Street', 'Colombo Street'])}", r.choice(["Auckland 1010", "Wellington 6011", "Christchurch 8011"])], "en"


def a_in(r):
    city, pin = r.choice([("Bengaluru, Karnataka", "5600"), ("Hyderabad", "5000"), ("Noida, UP", "2013"), ("Chandigarh", "1600"),
                          ("Mumbai, Maharashtra", "4000"), ("Pune", "4110"), ("Chennai", "6000")])
    pin = pin + D(r, 2)
    first = r.choice([f"Flat {r.randint(101, 904)}, {r.choice(['Sai Residency', 'Green Park Apartments', 'Lotus Towers'])}",
                      f"H.No. {r.randint(1, 20)}-{r.randint(1, 9)}-{r.randint(1, 99)}", f"B-{r.randint(1, 99)}, Sector {r.randint(1, 99)}",
                      f"House No. {r.randint(1, 999)}, Sector {r.randint(1, 60)}", f"{r.randint(1, 200)} MG Road"])
    return first.split(", ") + city.split(", ") + [r.choice([pin, "- " + pin, "PIN " + pin])], "hi"


def a_br(r):
    city, uf = r.choice([("São Paulo", "SP"), ("Rio de Janeiro", "RJ"), ("Belo Horizonte", "MG"), ("Curitiba", "PR"), ("Recife", "PE")])
    cep = f"{r.randint(10000, 99999)}-{D(r, 3)}"
    street = r.choice(["Rua Augusta", "Av. Atlântica", "Rua da Bahia", "Avenida Paulista", "Rua XV de Novembro"])
    parts = [street, str(r.randint(10, 3000))] if r.random() < 0.5 else [f"{street} {r.randint(10, 3000)}"]
    if r.random() < 0.4:
        parts.append(f"apto {r.randint(11, 180)}")
    return parts + [f"{city} - {uf}", r.choice([cep, "CEP " + cep])], "pt"


def a_mx(r):
    return [f"{r.choice(['Av. Insurgentes Sur', 'Calle Madero', 'Av. Reforma'])} {r.randint(10, 2000)}", f"Col. {r.choice(['Roma Norte', 'Condesa', 'Centro'])}",
            f"{r.randint(1000, 16999):05d} Ciudad de México", "CDMX"], "es"


ADDR_GROUPS = {
    "address_gb_ie": [a_gb, a_gb, a_ie],
    "address_us_ca": [a_us, a_us, a_ca],
    "address_de_at_ch_nl": [a_de, a_de, a_at_ch, a_nl],
    "address_fr_be_es_it_pt_pl": [a_fr, a_be, a_es, a_it, a_pt, a_pl],
    "address_au_nz_in_br_mx": [a_au, a_nz, a_in, a_br, a_mx],
}
ALL_ADDR = [f for fs in ADDR_GROUPS.values() for f in fs]


def _addr(r, fns, join=None, lower=False):
    parts, lang = r.choice(fns)(r)
    v = (join or ", ").join(parts)
    if lower:
        v = v.lower()
    return ctx(r, "address", lang).format(v=v), v, lang


def _addr_group(name):
    return lambda r: _addr(r, ADDR_GROUPS[name])


def g_address_multiline(r):
    parts, lang = r.choice(ALL_ADDR)(r)
    v = r.choice(["\n", "\r\n", ",\n", "\n"]).join(parts)
    lead = r.choice(["Address:\n", "Neue Adresse:\n", "Envoyez à :\n", "Ship to:\n", "", "📍\n"])
    return lead + v, v, lang


def g_address_lowercase(r):
    return _addr(r, ALL_ADDR, lower=True)


# -- coordinates

def latlon(r, places=None):
    lat = r.uniform(-55, 70); lon = r.uniform(-170, 175)
    return lat, lon


def dec(x, n):
    return f"{x:.{n}f}"


def g_coords_decimal(r):
    lat, lon = latlon(r)
    n = r.choice([4, 5, 6, 6])
    style = r.randrange(7)
    if style == 0:
        v = f"{dec(lat, n)}, {dec(lon, n)}"
    elif style == 1:
        v = f"{dec(lat, n)},{dec(lon, n)}"
    elif style == 2:
        v = f"{dec(abs(lat), n)}° {'N' if lat >= 0 else 'S'}, {dec(abs(lon), n)}° {'E' if lon >= 0 else 'W'}"
    elif style == 3:
        v = f"lat {dec(lat, n)} lon {dec(lon, n)}"
    elif style == 4:
        v = f"({dec(lat, n)}, {dec(lon, n)})"
    elif style == 5:
        v = f"{dec(lat, n)} {dec(lon, n)}"
    else:
        v = f"{'N' if lat >= 0 else 'S'} {dec(abs(lat), n)} {'E' if lon >= 0 else 'W'} {dec(abs(lon), n)}"
    lang = r.choice(list(CTX["coords"]))
    return ctx(r, "coords", lang).format(v=v), v, lang


def dms(x, pos, neg, style, r):
    h = pos if x >= 0 else neg
    x = abs(x); d = int(x); m = int((x - d) * 60); s = (x - d - m / 60) * 3600
    ss = f"{s:04.1f}" if r.random() < 0.6 else f"{int(s):02d}"
    return {
        0: f"{d}°{m:02d}′{ss}″{h}", 1: f"{d}°{m:02d}'{ss}\"{h}", 2: f"{d}° {m:02d}' {ss}\" {h}", 3: f"{d}º{m:02d}'{ss}''{h}",
        4: f"{d}d {m:02d}m {ss}s {h}", 5: f"{h} {d}°{m:02d}'{ss}\"",
    }[style]


def g_coords_dms(r):
    lat, lon = latlon(r)
    st = r.randrange(6)
    v = dms(lat, "N", "S", st, r) + r.choice([" ", ", ", " "]) + dms(lon, "E", "W", st, r)
    lang = r.choice(list(CTX["coords"]))
    return ctx(r, "coords", lang).format(v=v), v, lang


def dm(x, pos, neg, style):
    h = pos if x >= 0 else neg
    x = abs(x); d = int(x); m = (x - d) * 60
    return {0: f"{h} {d}° {m:06.3f}", 1: f"{h}{d} {m:06.3f}", 2: f"{h} {d}° {m:06.3f}'", 3: f"{d}°{m:06.3f}'{h}"}[style]


def g_coords_dm(r):
    lat, lon = latlon(r)
    st = r.randrange(4)
    lon_s = dm(lon, "E", "W", st)
    if st in (0, 1) and r.random() < 0.5:  # geocaching pads the longitude's degrees to three digits
        lon_s = re.sub(r"([EW] ?)(\d+)", lambda m: m.group(1) + m.group(2).zfill(3), lon_s, count=1)
    v = dm(lat, "N", "S", st) + r.choice([" ", ", "]) + lon_s
    lang = r.choice(list(CTX["coords"]))
    return ctx(r, "coords", lang).format(v=v), v, lang


def g_coords_map_link(r):
    lat, lon = latlon(r)
    n = r.choice([5, 6, 7])
    a, b = dec(lat, n), dec(lon, n)
    style = r.randrange(9)
    if style == 0:
        v = f"{a},{b}"; link = f"https://www.google.com/maps/@{v},{r.randint(10, 20)}z"
    elif style == 1:
        v = f"{a},{b}"; link = f"https://maps.google.com/?q={v}"
    elif style == 2:
        v = f"{a}%2C{b}"; link = f"https://www.google.com/maps/search/?api=1&query={v}"
    elif style == 3:
        v = f"{a}/{b}"; link = f"https://www.openstreetmap.org/#map={r.randint(12, 19)}/{v}"
    elif style == 4:
        v = f"{a},{b}"; link = f"geo:{v}"
    elif style == 5:
        v = f"{a},{b}"; link = f"https://maps.apple.com/?ll={v}&q=Dropped%20Pin"
    elif style == 6:
        v = f"{a}~{b}"; link = f"https://www.bing.com/maps?cp={v}&lvl=16"
    elif style == 7:
        v = f"{a},{b}"; link = f"https://waze.com/ul?ll={v}&navigate=yes"
    else:
        v = f"{a},{b}"; link = f"https://www.google.com/maps/place/{v}"
    lead = r.choice(["", "here 👉 ", "we're at ", "Standort: ", "ubicación: ", "📍 "])
    return lead + link, v, r.choice(["en", "de", "es", "fr"])


# -- mentions

def g_mention_plain(r):
    v = "@" + handle(r)
    lang = r.choice(list(CTX["mention"]))
    return ctx(r, "mention", lang).format(v=v), v, lang


def g_mention_edge(r):
    h = handle(r)
    v = "@" + h
    style = r.randrange(9)
    frag = [f".{v} you said you'd come", f"RT {v}: this is huge", f"({v})", f"{v}'s new place looks amazing", f"cc/ {v}",
            f"📸{v}", f"{v}{r.choice([',', '!', '?', ':', '…'])} see above", f"「{v}」さんの写真", f"{v}\n"][style]
    return frag, v, r.choice(["en", "ja"]) if style == 7 else "en"


PII_CLASSES = {  # class: (type, generator)
    "phone_national": ("phone", g_phone_national),
    "phone_intl": ("phone", g_phone_intl),
    "phone_national_other_countries": ("phone", g_phone_national_other),
    "phone_no_context": ("phone", g_phone_no_context),
    "phone_unicode_space": ("phone", g_phone_unicode_space),
    "phone_unicode_digits": ("phone", g_phone_unicode_digits),
    "phone_line_break": ("phone", g_phone_line_break),
    "phone_invisible_char": ("phone", g_phone_invisible),
    "phone_parens_ext": ("phone", g_phone_parens_ext),
    "phone_in_link": ("phone", g_phone_in_link),
    "phone_glued_label": ("phone", g_phone_glued),
    "phone_business": ("phone", g_phone_business),
    "email_plain": ("email", g_email_plain),
    "email_plus": ("email", g_email_plus),
    "email_obfuscated_en": ("email", g_email_obfuscated_en),
    "email_obfuscated_intl": ("email", g_email_obfuscated_intl),
    "email_in_link": ("email", g_email_in_link),
    "email_idn": ("email", g_email_idn),
    "card_grouped16": ("card", g_card_grouped),
    "card_compact": ("card", g_card_compact),
    "card_other_lengths": ("card", g_card_other_length),
    "card_unusual_writing": ("card", g_card_unusual_writing),
    "iban_grouped": ("iban", g_iban_grouped),
    "iban_compact": ("iban", g_iban_compact),
    "iban_lowercase": ("iban", g_iban_lowercase),
    "iban_irregular": ("iban", g_iban_irregular),
    "ipv4": ("ip", g_ipv4),
    "ipv6": ("ip", g_ipv6),
    "ssn_dashed": ("ssn", g_ssn_dashed),
    "ssn_other": ("ssn", g_ssn_other),
    "nino": ("nino", g_nino),
    "nhs": ("nhs", g_nhs),
    **{name: ("address", _addr_group(name)) for name in ADDR_GROUPS},
    "address_multiline": ("address", g_address_multiline),
    "address_lowercase": ("address", g_address_lowercase),
    "coords_decimal": ("coords", g_coords_decimal),
    "coords_dms": ("coords", g_coords_dms),
    "coords_dm": ("coords", g_coords_dm),
    "coords_map_link": ("coords", g_coords_map_link),
    "mention_plain": ("mention", g_mention_plain),
    "mention_edge": ("mention", g_mention_edge),
}


# ---------------------------------------------------------------------------------------------------------------
# Look-alikes that must survive: each returns (fragment, value, lang)

MONTHS = {"en": ["January", "March", "June", "September", "December"], "de": ["Januar", "März", "Juni", "September", "Dezember"],
          "fr": ["janvier", "mars", "juin", "septembre", "décembre"], "es": ["enero", "marzo", "junio", "septiembre", "diciembre"],
          "pt": ["janeiro", "março", "junho", "setembro", "dezembro"], "it": ["gennaio", "marzo", "giugno", "settembre", "dicembre"]}


def k_date(r):
    y, m, d = r.randint(1990, 2027), r.randint(1, 12), r.randint(1, 28)
    lang = r.choice(["en", "de", "fr", "es", "pt", "it", "ja"])
    if lang == "ja":
        v = f"{y}年{m}月{d}日"
    else:
        v = r.choice([f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{m}/{d}/{y % 100:02d}", f"{d}-{m:02d}-{y}",
                      f"{d} {r.choice(MONTHS[lang])} {y}", f"{d}. {r.choice(MONTHS['de'])} {y}" if lang == "de" else f"{r.choice(MONTHS['en'])} {d}, {y}"])
    frag = r.choice({"en": ["see you on {v}", "deadline is {v}", "born {v} ❤️", "married on {v}"], "de": ["Termin am {v}", "ab {v} geschlossen"],
                     "fr": ["rendez-vous le {v}", "le {v} à Paris"], "es": ["nos vemos el {v}"], "pt": ["dia {v}"], "it": ["il {v}"],
                     "ja": ["{v}に会いましょう"]}[lang]).format(v=v)
    return frag, v, lang


def k_time(r):
    h, m = r.randint(0, 23), r.choice([0, 5, 15, 30, 45, 50])
    v = r.choice([f"{h:02d}:{m:02d}", f"{(h % 12) or 12}:{m:02d} {'pm' if h >= 12 else 'am'}", f"{h:02d}h{m:02d}", f"{h}.{m:02d} Uhr",
                  f"{h:02d}:{m:02d}:{r.randint(0, 59):02d}", f"{(h % 12) or 12}{'PM' if h >= 12 else 'AM'}"])
    return r.choice(["kick-off at {v}", "doors open {v}", "train leaves {v}", "Treffen um {v}", "à {v} devant la gare"]).format(v=v), v, "en"


def k_time_range(r):
    a, b = r.randint(6, 12), r.randint(13, 22)
    v = r.choice([f"{a}:00–{b}:30", f"{a:02d}:00-{b:02d}:00", f"Mo–Fr {a}–{b} Uhr", f"{a}am-{b - 12}pm", f"{a}h-{b}h", f"{a:02d}.00–{b:02d}.00"])
    return r.choice(["open {v}", "Öffnungszeiten {v}", "horaires {v}", "office hours {v}"]).format(v=v), v, "en"


def k_timestamp(r):
    y, mo, d, h, mi, s = r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
    v = r.choice([f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z", f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
                  f"{y}{mo:02d}{d:02d}T{h:02d}{mi:02d}{s:02d}", f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}+01:00",
                  f"{r.randint(1546300800, 1790000000)}"])
    frag = (f"unix time {v}" if v.isdigit() else r.choice(["log says {v}", "uploaded {v}", "last seen {v}"]).format(v=v))
    return frag, v, "en"


def k_price(r):
    lang = r.choice(["en", "de", "fr", "es", "pt", "it", "hi", "ja", "pl", "tr"])
    a = r.randint(1, 2999)
    c = r.randint(0, 99)
    v = {"en": r.choice([f"${a:,}.{c:02d}", f"£{a}", f"USD {a}.{c:02d}", f"${r.randint(1, 9)}.{r.randint(1, 9)}M", f"US${a:,}"]),
         "de": r.choice([f"{a:,}".replace(",", ".") + f",{c:02d} €", f"€{a},{c:02d}", f"CHF {a}.–", f"{a} EUR"]),
         "fr": r.choice([f"{a:,}".replace(",", "\u202f") + f",{c:02d} €", f"{a} €", f"{a},{c:02d}€"]),
         "es": [f"{a},{c:02d} €", f"{a}€"][r.randrange(2)], "pt": f"R$ {a:,}".replace(",", ".") + f",{c:02d}",
         "it": f"€ {a},{c:02d}", "hi": f"₹{r.randint(1, 99)},{r.randint(10, 99)},{r.randint(100, 999)}", "ja": f"¥{r.randint(1, 99)},{r.randint(100, 999)}",
         "pl": f"{a},{c:02d} zł", "tr": f"₺{a:,}".replace(",", ".")}[lang]
    frag = r.choice(["only {v}!", "selling for {v}", "paid {v} for this 😭", "price: {v}", "{v} o.n.o."]).format(v=v)
    return frag, v, lang


def k_score(r):
    a, b = r.randint(0, 7), r.randint(0, 7)
    v = r.choice([f"{a}-{b}", f"{a}:{b}", f"{a}–{b}", f"{r.randint(80, 130)}-{r.randint(80, 130)}", f"6-{r.randint(0, 4)} {r.randint(3, 6)}-6 7-{r.randint(5, 6)}",
                  f"{r.randint(10, 40)}:{r.randint(10, 40)}", f"{a} - {b}"])
    return r.choice(["what a game, {v}!", "final score {v}", "Endstand {v}", "won {v} 🏆", "FT: {v}"]).format(v=v), v, "en"


def k_year(r):
    v = str(r.randint(1950, 2030))
    return r.choice(["class of {v}", "since {v}", "back in {v}", "seit {v}", "depuis {v}", "vintage {v}"]).format(v=v), v, "en"


def _no_luhn(r, n):
    while True:
        s = str(r.randint(1, 9)) + D(r, n - 1)
        if not luhn_ok(s) and not (n == 10 and nhs_ok(s)):
            return s


def k_order(r):
    style = r.randrange(6)
    if style == 0:
        v = f"{r.randint(100, 499)}-{D(r, 7)}-{D(r, 7)}"; frag = f"Order #{v} still not here"
    elif style == 1:
        v = f"{r.randint(100, 499)}-{D(r, 7)}-{D(r, 7)}"; frag = f"Bestellnummer {v}"
    elif style == 2:
        v = f"FR{D(r, 6)}-{D(r, 5)}"; frag = f"commande n° {v}"
    elif style == 3:
        v = f"#{r.choice('ABCDEFGHJK')}{D(r, 7)}"; frag = f"order {v} arrived broken"
    elif style == 4:
        v = _no_luhn(r, 16); frag = f"AliExpress order {v} – dispute opened"
    else:
        v = f"{D(r, 2)}-{D(r, 5)}-{D(r, 5)}"; frag = f"eBay order number {v}"
    return frag, v, "en"


def k_isbn(r):
    if r.random() < 0.6:
        body = r.choice(["978", "979"]) + D(r, 9)
        full = ean_complete(body)
        v = r.choice([f"{full[:3]}-{full[3]}-{full[4:7]}-{full[7:12]}-{full[12]}", full, f"{full[:3]}-{full[3:5]}-{full[5:9]}-{full[9:12]}-{full[12]}"])
        label = r.choice(["ISBN ", "ISBN-13: ", "ISBN: ", "isbn "])
    else:
        full = isbn10_complete(D(r, 9))
        v = r.choice([f"{full[0]}-{full[1:4]}-{full[4:9]}-{full[9]}", f"{full[:2]}-{full[2:6]}-{full[6:9]}-{full[9]}"])
        label = r.choice(["ISBN ", "ISBN-10: ", "ISBN: "])
    return r.choice(["reading this now: {l}{v} 📚", "the book ({l}{v}) is out of print", "Buchtipp {l}{v}"]).format(l=label, v=v), v, "en"


def k_ean(r):
    while True:
        v = ean_complete(r.choice(["40", "50", "76", "80", "84", "87", "30", "54", "90", "70"]) + D(r, 10))
        if not luhn_ok(v):
            break
    return r.choice(["EAN {v}", "barcode {v}", "GTIN: {v}", "EAN-13 {v} on the box"]).format(v=v), v, "en"


def k_version(r):
    v = r.choice([f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}", f"iOS {r.randint(14, 18)}.{r.randint(0, 6)}.{r.randint(1, 3)}",
                  f"Android {r.randint(10, 15)}", f"Python 3.{r.randint(8, 13)}.{r.randint(0, 12)}",
                  f"Chrome {r.randint(100, 131)}.0.{r.randint(4000, 6999)}.{r.randint(10, 250)}",
                  f"Windows 10.0.{r.randint(19041, 22631)}", f"firmware {r.randint(1, 5)}.{r.randint(0, 9)}.{r.randint(10, 99)}",
                  f"build {r.randint(20, 24)}{r.choice('ABCDEF')}{r.randint(10, 99)}", f"{r.randint(1, 3)}.{r.randint(0, 9)}.{r.randint(0, 9)}-beta.{r.randint(1, 9)}"])
    return r.choice(["updated to {v} and now wifi is broken", "works on {v}", "new release {v} is out", "Update auf {v}"]).format(v=v), v, "en"


def k_url(r):
    v = r.choice([f"https://www.bbc.co.uk/sport/football/{D(r, 8)}", f"https://github.com/apache/spark/pull/{r.randint(10000, 49999)}",
                  f"https://youtu.be/{''.join(r.choice('abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ_-') for _ in range(11))}",
                  "https://de.wikipedia.org/wiki/Berlin", f"https://www.reddit.com/r/AskUK/comments/{D(r, 2)}abc{D(r, 2)}/",
                  f"https://www.lemonde.fr/international/article/2024/0{r.randint(1, 9)}/1{r.randint(0, 9)}/titre_{D(r, 7)}_3210.html",
                  f"https://example.org/events/{r.randint(2020, 2026)}/summer-fair", f"https://arxiv.org/abs/24{r.randint(10, 12)}.{D(r, 5)}"])
    return r.choice(["read this: {v}", "source: {v}", "{v} 👀", "mehr hier: {v}"]).format(v=v), v, "en"


def k_hashtag(r):
    v = r.choice(["#100DaysOfCode", f"#Euro{r.choice([2016, 2020, 2024, 2028])}", f"#WorldCup{r.choice([2018, 2022, 2026])}", f"#Bundesliga{r.randint(20, 26)}",
                  f"#Top{r.choice([5, 10, 50, 100])}", f"#Class{r.randint(1990, 2025)}", f"#{r.randint(2020, 2026)}goals", "#tbt", f"#Marathon{r.randint(2019, 2026)}"])
    return r.choice(["{v}", "so proud {v}", "{v} 🏃"]).format(v=v), v, "en"


def k_measure(r):
    v = r.choice([f"{r.randint(150, 200)} cm", f"{r.randint(50, 120)},{r.randint(0, 9)} kg", f"{r.randint(5, 6)}'{r.randint(0, 11)}\"",
                  f"{r.randint(1, 42)}.{r.randint(0, 9)} km", f"{r.randint(-10, 40)} °C", f"{r.randint(10, 99)} x {r.randint(10, 99)} cm",
                  f"{r.randint(100, 999)} ml", f"{r.randint(1, 4)}.{r.randint(0, 9)} GHz", f"{r.choice([16, 32, 64, 128, 256])} GB",
                  f"{r.randint(980, 1040)} hPa", f"{r.randint(1, 6)} ft {r.randint(0, 11)} in", f"{r.randint(1, 300)} m²"])
    return r.choice(["it's {v}", "measured {v}", "only {v} today", "Größe {v}"]).format(v=v), v, "en"


def k_lottery(r):
    game = r.randrange(5)
    if game == 0:
        nums = sorted(r.sample(range(1, 50), 6)); v = " ".join(str(n) for n in nums); frag = f"Lotto 6aus49: {v} SZ {r.randint(0, 9)}"
    elif game == 1:
        nums = sorted(r.sample(range(1, 51), 5)); v = " ".join(f"{n:02d}" for n in nums); frag = f"EuroMillions {v} ⭐ {r.randint(1, 6)} {r.randint(7, 12)}"
    elif game == 2:
        nums = sorted(r.sample(range(1, 70), 5)); v = " ".join(f"{n:02d}" for n in nums); frag = f"Powerball numbers {v} PB {r.randint(1, 26)}"
    elif game == 3:
        nums = sorted(r.sample(range(1, 61), 6)); v = "-".join(f"{n:02d}" for n in nums); frag = f"Mega-Sena: {v} 🍀"
    else:
        nums = sorted(r.sample(range(1, 50), 6)); v = ", ".join(str(n) for n in nums); frag = f"La Primitiva {v}, complementario {r.randint(1, 49)}"
    return frag, v, "en"


def k_tracking(r):
    style = r.randrange(7)
    if style == 0:
        v = "1Z" + "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(6)) + D(r, 10); frag = f"UPS tracking {v}"
    elif style == 1:
        v = " ".join(["9400", D(r, 4), D(r, 4), D(r, 4), D(r, 4), D(r, 2)]); frag = f"USPS tracking # {v}"
    elif style == 2:
        v = r.choice(["RR", "CP", "LX", "EE"]) + s10_complete(D(r, 8)) + r.choice(["GB", "DE", "FR", "CN", "US"]); frag = f"Sendungsnummer {v}"
    elif style == 3:
        v = "1" + _no_luhn(r, 10)[1:]
        while nhs_ok(v) or luhn_ok(v):
            v = "1" + D(r, 9)
        frag = f"DHL Express waybill {v}"
    elif style == 4:
        v = "JJD" + D(r, 15); frag = f"DHL Paket {v}"
    elif style == 5:
        v = " ".join([D(r, 4), D(r, 4), D(r, 4)]); frag = f"FedEx tracking {v}"
    else:
        v = _no_luhn(r, 14); frag = f"DPD parcel no. {v}"
    return frag, v, "en"


BIBLE = ["John 3:16", "Psalm 23:1-6", "Rom 8:28", "1 Cor 13:4-7", "Jeremiah 29:11", "Mt 5,3-12", "Joh 3,16", "Philippians 4:13",
         "Isaiah 40:31", "Proverbs 3:5-6", "Gen 1:1", "Hebrews 11:1", "2 Tim 1:7", "Ps 46:10", "Mk 10,14", "Lc 1,37", "Jn 14:6"]


def k_bible(r):
    v = r.choice(BIBLE)
    return r.choice(["verse of the day: {v} 🙏", "{v}", "Tageslosung {v}", "reading {v} tonight"]).format(v=v), v, "en"


def k_math(r):
    a, b = r.randint(2, 99), r.randint(2, 99)
    v = r.choice([f"{a}+{b}={a + b}", f"{a} × {b} = {a * b}", f"({a}+{b})*2 = {(a + b) * 2}", f"{a}^2 = {a * a}", f"{a * b}/{b} = {a}",
                  f"{a} - {b} = {a - b}", f"3x + {a} = {3 * b + a}", f"√{a * a} = {a}"])
    return r.choice(["quick maths: {v}", "my kid says {v} 😂", "homework: {v}", "{v}, obviously"]).format(v=v), v, "en"


STREETS = ["Oxford Street", "Hauptstraße", "rue de Rivoli", "Calle Mayor", "Via del Corso", "Baker Street", "Sunset Boulevard",
           "Kurfürstendamm", "Champs-Élysées", "Gran Vía", "Avenida Paulista", "Princes Street", "Grafton Street", "5th Avenue",
           "42nd Street", "Abbey Road", "George Street", "Königsallee", "Nowy Świat", "Istiklal Caddesi", "MG Road", "Rua Augusta"]


def k_street(r):
    v = r.choice(STREETS)
    return r.choice(["traffic on {v} is insane", "parade down {v} today!", "Stau auf der {v}", "shopping on {v} 🛍️", "{v} is closed again"]).format(v=v), v, "en"


def k_at_sign(r):
    v = r.choice(["@ the station", "@ home", "2 @ £5", "@ 7pm", "@ noon", "3 for 2 @ the market", "meet @ the usual place", "@ Luigi's"])
    return r.choice(["{v}", "drinks {v}?", "see you {v}"]).format(v=v), v, "en"


def k_unicode_number(r):
    y, m, d = r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28)
    style = r.randrange(7)
    if style == 0:
        v = in_digits(f"{d}/{m}/{y}", "arabic_indic"); lang = "ar"
    elif style == 1:
        v = "₹" + in_digits(f"{r.randint(1, 99)},{r.randint(100, 999)}", "devanagari"); lang = "hi"
    elif style == 2:
        v = in_digits(f"{m}月{d}日", "fullwidth"); lang = "ja"
    elif style == 3:
        v = in_digits(f"{r.randint(1, 99)},{r.randint(100, 999)}", "fullwidth") + "円"; lang = "ja"
    elif style == 4:
        v = in_digits(f"{r.randint(1398, 1405)}/{m:02d}/{d:02d}", "persian"); lang = "fa"
    elif style == 5:
        v = "৳" + in_digits(f"{r.randint(1, 9)},{r.randint(100, 999)}", "bengali"); lang = "bn"
    else:
        v = in_digits(f"{r.randint(0, 5)}-{r.randint(0, 5)}", "devanagari"); lang = "hi"
    return r.choice(["{v}", "{v} 🎉", "({v})", "— {v}"]).format(v=v), v, lang


def k_count(r):
    v = r.choice([f"{r.randint(1, 999):,},{D(r, 3)} views", f"{r.randint(1, 99)}.{D(r, 3)} Follower", f"{r.randint(1, 9)}.{r.randint(1, 9)}M subscribers",
                  f"{r.randint(1, 99)},{D(r, 3)},{D(r, 3)} people", f"{r.randint(10, 99)}% off", f"{r.randint(1, 999)},{D(r, 3)} signatures"])
    return r.choice(["{v}!!", "wow {v}", "we hit {v} 🙏"]).format(v=v), v, "en"


def k_flight(r):
    v = r.choice(["LH", "BA", "AF", "EK", "FR", "U2", "AA", "QF", "AI", "TP"]) + r.choice(["", " "]) + str(r.randint(1, 9999))
    return r.choice(["on flight {v} now ✈️", "{v} delayed again", "Flug {v}"]).format(v=v), v, "en"


def k_model(r):
    v = r.choice([f"iPhone {r.randint(11, 16)} Pro", f"RTX {r.choice([3060, 3080, 4070, 4090])}", f"Galaxy S{r.randint(20, 25)}",
                  f"ThinkPad X1 Carbon Gen {r.randint(6, 12)}", f"PS{r.randint(4, 5)}", f"Sony A7 {r.choice(['III', 'IV'])}",
                  f"Model {r.choice(['3', 'Y'])}", f"Boeing 737-{r.choice([700, 800, 900])}", f"A{r.choice([320, 330, 350, 380])}neo"])
    return r.choice(["selling my {v}", "the {v} is worth it", "new {v} 😍"]).format(v=v), v, "en"


DECOY_KINDS = {
    "date": k_date, "time": k_time, "time_range": k_time_range, "timestamp": k_timestamp, "price": k_price, "score": k_score,
    "year": k_year, "order_number": k_order, "isbn": k_isbn, "ean13": k_ean, "version": k_version, "public_url": k_url,
    "hashtag": k_hashtag, "measurement": k_measure, "lottery": k_lottery, "tracking": k_tracking, "bible_verse": k_bible,
    "math": k_math, "street_no_number": k_street, "at_sign": k_at_sign, "unicode_number": k_unicode_number,
    "large_count": k_count, "flight": k_flight, "product_model": k_model,
}


# ---------------------------------------------------------------------------------------------------------------
# The scorer's rules in plain Python (postcurate.pii.evaluation), to prove the labels

_LINE_BREAKS = "\n\r\t\x0b\x0c\x85\u2028\u2029"
_EMAIL_AT = re.compile(r"@| at | ät | arroba | chiocciola | arobase |\[at\]|\[ät\]|\(at\)|\{at\}|\[@\]|\(@\)|\s@")


def normalised(s: str) -> str:
    out = []
    for ch in s:
        cp = ord(ch)
        if 0xFF01 <= cp <= 0xFF5E:
            out.append(chr(cp - 0xFEE0))
        elif cp >= 0x80 and unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif unicodedata.category(ch) == "Zs" or ch in _LINE_BREAKS:
            out.append(" ")
        elif unicodedata.category(ch) == "Cf":
            continue
        else:
            out.append(ch)
    return "".join(out).lower().replace("%40", "@").replace("%2b", "+")


def leak_keys(value: str, typ: str) -> set[str]:
    n = normalised(value)
    keys = {n}
    keys |= {t for t in re.split(r"[^0-9a-z]+", n) if len(t) >= 4 and len(re.sub(r"[^0-9]", "", t)) >= 3}
    if typ == "address":
        keys |= {p.strip() for p in re.split(r",| {2,}", normalised(re.sub(r"[\r\n]", ",", value))) if len(p.strip()) >= 4 and re.search(r"[0-9]", p.strip())}
    if typ == "email":
        local = _EMAIL_AT.split(n, 1)[0].strip()
        if len(local) >= 4:
            keys.add(local)
    if typ == "mention":
        h = re.sub(r"^[.@]+", "", n)
        if len(h) >= 4:
            keys.add(h)
    return {k for k in keys if k}


PLACEHOLDERS = "<EMAIL> <PHONE> <CARD> <IBAN> <IP> <IP_ADDRESS> <IPV4> <IPV6> <SSN> <NINO> <NI_NUMBER> <NHS> <NHS_NUMBER> <ADDRESS> <COORDINATES> <GEO> <LOCATION> <MENTION> <USER> <URL> <REDACTED>"


def redact_exactly(text: str, values: list[str]) -> str:
    for v in sorted(values, key=len, reverse=True):
        text = text.replace(v, "<REDACTED>")
    return text


_IPV4 = re.compile(r"(?<![0-9.])(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}(?![0-9]|\.[0-9])")


def ambiguous(decoy: dict) -> str | None:
    """Why the contract could read this look-alike as PII, or None (ISBNs excepted: the contract names them)."""
    if decoy["kind"] == "isbn":
        return None
    n = normalised(decoy["value"])
    for run in re.findall(r"[0-9][0-9 \-.]*[0-9]", n):
        digits = re.sub(r"[^0-9]", "", run)
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return f"decoy passes Luhn: {decoy['kind']}"
        if len(digits) == 10 and nhs_ok(digits):
            return f"decoy passes the NHS check: {decoy['kind']}"
    if _IPV4.search(n):
        return f"decoy reads as an IPv4 address: {decoy['kind']}"
    return None


def check(rec: dict) -> str | None:
    """Why the record's labels are not sound, or None."""
    text = rec["text"]
    values = [p["value"] for p in rec["pii"]]
    for p in rec["pii"]:
        if text.count(p["value"]) != 1:
            return f"value not once in text: {p['class']}"
    spans = [(text.index(v), text.index(v) + len(v)) for v in values]
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if a[0] < b[1] and b[0] < a[1]:
                return "values overlap"
    for d in rec["decoys"]:
        why = ambiguous(d)
        if why:
            return why
        if text.count(d["value"]) != 1:
            return f"decoy not once in text: {d['kind']}"
        s = text.index(d["value"]); e = s + len(d["value"])
        if any(s < b and a < e for a, b in spans):
            return f"decoy overlaps a value: {d['kind']}"
    rest = normalised(redact_exactly(text, values))
    marks = normalised(PLACEHOLDERS)
    for p in rec["pii"]:
        for k in leak_keys(p["value"], p["type"]):
            if k in rest:
                return f"leak key elsewhere in text: {p['class']}"
            if k in marks:
                return f"leak key is a placeholder word: {p['class']}"
    return None


def score(records: list[dict], redact) -> tuple[float, float]:
    """(recall, survival) of ``redact`` (text, record -> text) under the scorer's rules."""
    vanished = total = survived = shown = 0
    for rec in records:
        out = redact(rec["text"], rec)
        seen = normalised(out)
        for p in rec["pii"]:
            total += 1
            leaked = p["value"] in out or any(k in seen for k in leak_keys(p["value"], p["type"]))
            vanished += not leaked
        for d in rec["decoys"]:
            shown += 1
            survived += d["value"] in out
    return vanished / total, survived / shown


# ---------------------------------------------------------------------------------------------------------------
# Assembling posts

def _fillers(r, lang, k):
    pool = FILLERS.get(lang, FILLERS["en"])
    return [r.choice(pool) for _ in range(k)]


def assemble(r: random.Random, items: list[tuple[str, dict]], lang: str) -> str:
    """A post around the fragments: sometimes one line, sometimes long with the values buried mid-text."""
    frags = [f for f, _ in items]
    long = r.random() < 0.15
    before = _fillers(r, lang, r.randint(4, 12) if long else r.choice([0, 0, 1, 1, 2]))
    after = _fillers(r, lang, r.randint(4, 12) if long else r.choice([0, 1, 1, 2]))
    if long:  # pad to 1-3 kB with more of the same, values in the middle
        target = r.randint(1000, 3000)
        while sum(len(x) + 1 for x in before + after + frags) < target:
            (before if r.random() < 0.5 else after).append(r.choice(FILLERS.get(lang, FILLERS["en"])))
    sep = r.choice([" ", " ", " ", "\n", "\n\n"])
    parts = before + frags + after
    tags = " ".join(r.sample(HASHTAGS, r.randint(1, 3))) if r.random() < 0.3 else ""
    return sep.join(parts) + ((" " + tags) if tags else "")


def build(seed: int = SEED, per_class: int = PER_CLASS, per_kind: int = PER_KIND) -> tuple[list[dict], Counter]:
    r = random.Random(seed)
    _check_patterns()
    assert {cc: len(f) + 4 for cc, f in IBAN_BBAN.items()} == IBAN_LENGTH
    pii_items = [(cls, typ, gen) for cls, (typ, gen) in PII_CLASSES.items() for _ in range(per_class)]
    decoy_items = [(kind, gen) for kind, gen in DECOY_KINDS.items() for _ in range(per_kind)]
    r.shuffle(pii_items); r.shuffle(decoy_items)
    rejected: Counter = Counter()
    records: list[dict] = []

    def draw_pii(cls, typ, gen):
        frag, v, lang = gen(r)
        return frag, {"type": typ, "class": cls, "value": v}, lang

    def draw_decoy(kind, gen):
        frag, v, lang = gen(r)
        return frag, {"kind": kind, "value": v}, lang

    # records with PII: one value, sometimes two; a look-alike beside most of them
    queue_d = list(decoy_items)
    attach = int(len(decoy_items) * 0.6)
    attached, solo = queue_d[:attach], queue_d[attach:]
    i = 0
    while i < len(pii_items):
        group_p = pii_items[i : i + (2 if r.random() < 0.2 else 1)]
        i += len(group_p)
        group_d = [attached.pop()] if attached and r.random() < 0.75 else []
        for _attempt in range(30):
            drawn_p = [draw_pii(*it) for it in group_p]
            drawn_d = [draw_decoy(*it) for it in group_d]
            lang = drawn_p[0][2]
            items = [(f, lab) for f, lab, _ in drawn_p + drawn_d]
            r.shuffle(items)
            rec = {"id": f"h{len(records):05d}", "lang": lang, "text": assemble(r, items, lang),
                   "pii": [lab for _, lab, _ in drawn_p], "decoys": [lab for _, lab, _ in drawn_d]}
            why = check(rec)
            if why is None:
                records.append(rec)
                break
            rejected[why] += 1
        else:
            raise SystemExit(f"could not build a sound record for {[g[0] for g in group_p]}")
    solo += attached
    j = 0
    while j < len(solo):
        group_d = solo[j : j + r.randint(1, 3)]
        j += len(group_d)
        for _attempt in range(30):
            drawn = [draw_decoy(*it) for it in group_d]
            lang = drawn[0][2]
            items = [(f, lab) for f, lab, _ in drawn]
            rec = {"id": f"h{len(records):05d}", "lang": lang, "text": assemble(r, items, lang), "pii": [], "decoys": [lab for _, lab, _ in drawn]}
            why = check(rec)
            if why is None:
                records.append(rec)
                break
            rejected[why] += 1
        else:
            raise SystemExit(f"could not build a sound record for {[g[0] for g in group_d]}")
    r.shuffle(records)
    for n, rec in enumerate(records):
        rec["id"] = f"h{n:05d}"
    return records, rejected


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--check", action="store_true", help="prove the labels with an oracle and a no-op redactor")
    args = ap.parse_args(argv)
    records, rejected = build()
    with open(args.out, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    classes = Counter(p["class"] for rec in records for p in rec["pii"])
    types = Counter(p["type"] for rec in records for p in rec["pii"])
    kinds = Counter(d["kind"] for rec in records for d in rec["decoys"])
    langs = Counter(rec["lang"] for rec in records)
    print(f"{len(records)} records, {sum(types.values())} values, {sum(kinds.values())} look-alikes -> {args.out}")
    print("types:", dict(sorted(types.items())))
    print("classes:", dict(sorted(classes.items())))
    print("kinds:", dict(sorted(kinds.items())))
    print("langs:", dict(langs.most_common()))
    print("long posts (>=1000 chars):", sum(len(r["text"]) >= 1000 for r in records), "max chars:", max(len(r["text"]) for r in records))
    print("redrawn while building:", dict(rejected))
    if args.check:
        oracle = score(records, lambda t, rec: redact_exactly(t, [p["value"] for p in rec["pii"]]))
        noop = score(records, lambda t, rec: t)
        print(f"oracle redactor: recall {oracle[0]:.4f} survival {oracle[1]:.4f}; no-op: recall {noop[0]:.4f} survival {noop[1]:.4f}")
        assert oracle == (1.0, 1.0) and noop[0] == 0.0, (oracle, noop)


if __name__ == "__main__":
    main()
