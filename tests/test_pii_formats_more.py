"""More forms people write, each class with its look-alikes beside it, through the job's transform.

The classes the held-out set (eval/pii_holdout.jsonl) found missing, tested here on values written for these tests
alone (other streets, towns, numbers and words than the held-out set's): four-digit and Polish postcodes, Canadian
postal codes, letter house numbers, "DE-" prefixes; cards in 17 and 19 digits, " - " separators, Troy and RuPay
ranges; at-words and dot-words of more languages, "-at-", IDN domains; Telegram and Signal links, numbers broken
over lines, Brazilian mobiles with the 9 apart, French free numbers, ES/IT/MX/RU national forms, phones and
handles glued to an emoji.
"""

from __future__ import annotations

import pytest
from piikit import redact_all

from postcurate.pii import default_detectors

HAIR, EN_SPACE, IDEO = "\u200a", "\u2002", "\u3000"

CLASSES: dict[str, list[tuple[str, str]]] = {
    "address_four_digit_postcode": [
        ("Wir wohnen jetzt in der Schönbrunner Straße 118, 1120 Wien.", "Wir wohnen jetzt in der <ADDRESS> Wien."),
        ("neue Adresse: Kramgasse 49, 3011 Bern", "neue Adresse: <ADDRESS> Bern"),
        ("Zustellung an Dorfstrasse 7\n8704 Herrliberg bitte", "Zustellung an <ADDRESS> Herrliberg bitte"),
        ("Rendez-vous Rue de la Loi 155, 1040 Etterbeek", "Rendez-vous <ADDRESS> Etterbeek"),
        ("adres: Kerkstraat 12, 8370 Blankenberge", "adres: <ADDRESS> Blankenberge"),
        ("vores adresse er Vesterbrogade 31, 1620 København", "vores adresse er <ADDRESS> København"),
        ("ship it to 14 Karangahape Road, Auckland 1010 thanks", "ship it to <ADDRESS> thanks"),
        ("42 Oriental Parade\nWellington 6011", "<ADDRESS>"),
        ("lower case too: 9 manners street, wellington 6011", "lower case too: <ADDRESS>"),
        ("adresse : avenue de la gare 3, 1003 lausanne", "adresse : <ADDRESS> lausanne"),
    ],
    "address_other_postcodes": [
        ("Mój adres: ul. Kwiatowa 17, 30-015 Kraków", "Mój adres: <ADDRESS> Kraków"),
        ("ul. mickiewicza 4/12\n60-834 poznań", "<ADDRESS> poznań"),
        ("wysyłka: al. Jerozolimskie 65/79, 00-697 Warszawa", "wysyłka: <ADDRESS> Warszawa"),
        ("Ci vediamo in Via Garibaldi 18/B, 16124 Genova GE", "Ci vediamo in <ADDRESS> Genova GE"),
        ("Nieuw adres: Herengracht 401-III, 1017 BP Amsterdam", "Nieuw adres: <ADDRESS> Amsterdam"),
        ("Lieferung an Lindenweg 4, DE-53113 Bonn", "Lieferung an <ADDRESS> Bonn"),
        ("Büro: Ringstraße 9, AT-4020 Linz", "Büro: <ADDRESS> Linz"),
        ("send it to 88 Bloor St W, Toronto, ON M5S 1M8 please", "send it to <ADDRESS> please"),
        ("1200 rue Peel\nMontréal\nQC H3B 2T6", "<ADDRESS>"),
        ("mail to 55 water st, vancouver, bc v6b 1a1", "mail to <ADDRESS>"),
        ("1450 Maple Drive, Apt 3C, Austin, TX 78704", "<ADDRESS>"),
        ("210 Elm Road\nUnit 12\nSalem\nOR 97301", "<ADDRESS>"),
        ("Flat 22, Sagar Heights, Pune, Maharashtra, - 411038", "<ADDRESS>"),
    ],
    "card_separators_and_lengths": [
        ("mi tarjeta: 5412 - 6639 - 2332 - 1463 gracias", "mi tarjeta: <CARD> gracias"),
        ("Karte 2221  8819 7369 9350 gesperrt", "Karte <CARD> gesperrt"),
        (f"card {HAIR.join(['4539', '1242', '2623', '8574'])} declined", "card <CARD> declined"),
        ("carte 6011\u20132570\u20132929\u20136118", "carte <CARD>"),
        ("银联卡 621263 2729518175604", "银联卡 <CARD>"),
        ("my card 6212 6327 2951 8175 604 exp 10/28", "my card <CARD> exp 10/28"),
        ("karta 6250 4806 3581 78391", "karta <CARD>"),
        ("カード番号 628370.5232792820105", "カード番号 <CARD>"),
        ("paid with 9792276161249064 yesterday", "paid with <CARD> yesterday"),
        ("paid with 8201 5286 3037 4866 yesterday", "paid with <CARD> yesterday"),
    ],
    "email_words": [
        ("pisz na jan.kowal (małpa) wp kropka pl", "pisz na <EMAIL>"),
        ("napisz: ola_nowak małpa onet.pl", "napisz: <EMAIL>"),
        ("почта ivan.petrov собака mail точка ru", "почта <EMAIL>"),
        ("пишите olga-k (собака) yandex.ru", "пишите <EMAIL>"),
        ("maila mig: erik.svensson snabel-a telia punkt se", "maila mig: <EMAIL>"),
        ("e-posta: mehmet.kaya et gmail nokta com", "e-posta: <EMAIL>"),
        ("mail: jan.devries apenstaartje ziggo punt nl", "mail: <EMAIL>"),
        ("mail: pieter.jansen at kpn punt com", "mail: <EMAIL>"),
        ("Mail an anna.berg Klammeraffe web punkt de", "Mail an <EMAIL>"),
        ("reach me: tom.hardy -at- fastmail (dot) com", "reach me: <EMAIL>"),
        ("write to lena92 -at- gmx{dot}net today", "write to <EMAIL> today"),
        ("CV to r.okafor -at- outlook . co . uk", "CV to <EMAIL>"),
        ("連絡はmaria@日本語.jpまで", "連絡は<EMAIL>まで"),
        ("ok: ƒoo.bar@mail.例え.jp", "ok: <EMAIL>"),
    ],
    "phone_links_and_glued": [
        ("DM me https://t.me/+447911123456 or not", "DM me https://t.me/<PHONE> or not"),
        ("Signal: https://signal.me/#p/+4915112345678", "Signal: https://signal.me/#p/<PHONE>"),
        ("☎️+33 6 12 34 56 78 le soir", "☎️<PHONE> le soir"),
        ("☎️0161 496 0734", "☎️<PHONE>"),
        ("Tel:00441614960734 ok", "Tel:<PHONE> ok"),
        ("Ph:0033145678912", "Ph:<PHONE>"),
        ("Handy:+55 21 9 8877 6655", "Handy:<PHONE>"),
    ],
    "phone_line_breaks": [
        ("電話は+81 3-5555\n 1234まで", "電話は<PHONE>まで"),
        ("meine Nummer: 0049\n160 5556 7788", "meine Nummer: <PHONE>"),
        ("Nummer 0049\r\n160 5556 7788", "Nummer <PHONE>"),
        ("call (02)\r\n9374 4000 today", "call <PHONE> today"),
        ("appelle-moi au 03.88 \n41.22.19", "appelle-moi au <PHONE>"),
        ("bel me op +31\n (0)20 555 1234", "bel me op <PHONE>"),
        ("tel. 601\n234-567 ok", "tel. <PHONE> ok"),
        ("tel. 601 234 567 2019年4月1日に", "tel. <PHONE> 2019年4月1日に"),  # the date after it stays
    ],
    "phone_national_forms": [
        ("me chama (21) 9 8877-6655 ok", "me chama <PHONE> ok"),
        ("contato +55 11 9 4455 6677", "contato <PHONE>"),
        ("Numéro vert : 0 805 12 34 56", "Numéro vert : <PHONE>"),
        ("zadzwoń 601 234 567 wieczorem", "zadzwoń <PHONE> wieczorem"),
        ("mój numer: 512-345-678", "mój numer: <PHONE>"),
        ("мой номер 8 916 555 12 34", "мой номер <PHONE>"),
        ("llámame 612 34 56 78", "llámame <PHONE>"),
        ("Atención al cliente 912345678", "Atención al cliente <PHONE>"),
        (f"chiamami al 347{EN_SPACE}1234567", "chiamami al <PHONE>"),
        ("scrivimi 333 4567890", "scrivimi <PHONE>"),
        ("contacto: (33) 3616-2000", "contacto: <PHONE>"),
        (f"numer: 512{IDEO}345{IDEO}678", "numer: <PHONE>"),
        ("Customer service 1300 975 707", "Customer service <PHONE>"),
    ],
    "mention_glued": [
        ("📸@marta.photo at the lake", "📸<MENTION> at the lake"),
        ("🎤@dj_karim tonight", "🎤<MENTION> tonight"),
    ],
}

LOOK_ALIKES: dict[str, list[str]] = {
    "dates": [
        "We met on March 14, 2019 We never looked back",
        "On 24 March, 2011 London hosted it",
        "am 3. Mai 2024 Berlin",
        "1999年12月21日に会いましょう",
        "vintage 1998 Not bad",
    ],
    "numbers": [
        "Room 12, 2019 Paris trip",
        "Ticket 1200 Euro, 3 days",
        "population 123 456 789 in 2020",
        "score 3 - 1 - 2 final",
        "Order #5412663923321463 shipped",
        "it cost 1 450 zł and 2 300 zł",
        "from 2000 to 2010 Wien grew",
        "the 2024 Olympics",
        "ISBN 978-3-16-148410-0",
    ],
    "words": [
        "Paul et Marie sont partis",
        "look at me. It was fun",
        "le chat et le chien point final",
        "Długa 45 is a nice street",
        "संपर्क 898-286\n8386 लोग आए",
        "@ the station at 5",
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
