"""The Spark transform: every detector end to end, counts, nulls, links, long texts, the query plan.

All the per-detector cases run through one DataFrame (one Spark job), then each case is asserted on its own.
"""

import time

import pytest
from pyspark.sql import functions as F

from postcurate.pii import PLACEHOLDER_PATTERN, load_detectors, pii_totals, strip_placeholders, with_redacted_text

DETECTORS = load_detectors("conf/detectors.yaml")

# (text, expected redacted text)
CASES = [
    # email: plain, plus-tag, sub-domains, upper case, unicode, obfuscated, surrounding punctuation
    ("write to john.doe+news@mail.example.co.uk.", "write to <EMAIL>."),
    ("(MARIA_SILVA@UOL.COM.BR)", "(<EMAIL>)"),
    ("Schreib an jürgen.müller@gmx.de!", "Schreib an <EMAIL>!"),
    ("mail: anna [at] example [dot] org", "mail: <EMAIL>"),
    ("not an email: @home or user@ or a@b", "not an email: <MENTION> or user@ or a@b"),
    # IP addresses
    ("server 192.168.1.10, backup 10.0.0.254:8080", "server <IP>, backup <IP>:8080"),
    ("IPv6 2001:db8:85a3::8a2e:370:7334 and fe80::1ff:fe23:4567:890a.", "IPv6 <IP> and <IP>."),
    ("mapped ::ffff:192.0.2.128 ok", "mapped <IP> ok"),
    ("version 1.2.3.4, v2.4.1, build 10.0.19041.1288, 256.1.1.1, 12:30:45", "version 1.2.3.4, v2.4.1, build 10.0.19041.1288, 256.1.1.1, 12:30:45"),
    ("MAC 00:1A:2B:3C:4D:5E and std::vector and dead::beef", "MAC 00:1A:2B:3C:4D:5E and std::vector and dead::beef"),
    # US SSN: valid ranges, separators, labelled compact form; invalid ranges survive
    ("SSN 123-45-6789 or 123 45 6789", "SSN <SSN> or <SSN>"),
    ("my social security number: 123456789", "my social security number: <SSN>"),
    ("000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000", "000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000"),
    ("Order #123-45-6789", "Order #123-45-6789"),
    # UK National Insurance numbers
    ("NI: AB 12 34 56 C, ab123456c, AB123456 D", "NI: <NINO>, <NINO>, <NINO>"),
    ("national insurance number QQ123456C vs JG123456A", "national insurance number QQ123456C vs <NINO>"),
    ("BG123456A GB123456A DA123456A AO123456A", "BG123456A GB123456A DA123456A AO123456A"),
    ("NINO: AB123456", "NINO: <NINO>"),
    # NHS numbers (vectorised step)
    ("Meine NHS-Nummer: 943 476 5919", "Meine NHS-Nummer: <NHS>"),
    # addresses, several countries and languages
    ("I live at 221B Baker Street, London NW1 6XE now", "I live at <ADDRESS> now"),
    ("Meine Adresse: Hauptstraße 5, 10115 Berlin", "Meine Adresse: <ADDRESS> Berlin"),
    ("j'habite au 12 bis rue de la Paix, 75002 Paris", "j'habite au <ADDRESS> Paris"),
    ("vivo en Calle Mayor 10, 28013 Madrid", "vivo en <ADDRESS> Madrid"),
    ("moro na Rua Augusta, 1500 - Consolação, São Paulo - SP, 01310-100", "moro na <ADDRESS>"),
    ("1600 Pennsylvania Ave NW, Washington, DC 20500", "<ADDRESS>"),
    ("12 George St, Sydney NSW 2000", "<ADDRESS>"),
    ("12 Main Street, Dublin 2, D02 X285", "<ADDRESS>"),
    ("No. 12, MG Road, Bengaluru 560001", "<ADDRESS>"),  # the "No." before the house number goes with it
    ("Unter den Linden 77, 10117 Berlin", "<ADDRESS> Berlin"),
    ("I walked 5 km down the road in 2024", "I walked 5 km down the road in 2024"),
    ("Main Street is closed until 10:30", "Main Street is closed until 10:30"),
    # coordinates
    ("we're at 51.50735, -0.12776 now", "we're at <COORDS> now"),
    ("Koordinaten 48.8584° N, 2.2945° E", "Koordinaten <COORDS>"),
    ('at 40°44\'54.3"N 73°59\'09.9"W', "at <COORDS>"),
    ("lat: 51.507, lon: -0.128", "<COORDS>"),
    ("prices 12.99, 15.49 and EUR/USD 1.0854, 1.0856", "prices 12.99, 15.49 and EUR/USD 1.0854, 1.0856"),
    # @-mentions; times written with @ and e-mail addresses are not mentions
    ("thanks @jane_doe and @Marie.Dupont!", "thanks <MENTION> and <MENTION>!"),
    ("see you @5pm or @ 10:30", "see you @5pm or @ 10:30"),
    # phones (vectorised step) next to look-alikes
    ("Ruf an: +49 30 12345678 (ab 18 Uhr)", "Ruf an: <PHONE> (ab 18 Uhr)"),
    ("commande n° 0612345678 livrée le 12/03/2024", "commande n° 0612345678 livrée le 12/03/2024"),
    # cards and IBANs (vectorised step)
    ("Karte 4111-1111-1111-1111, IBAN DE89 3704 0044 0532 0130 00", "Karte <CARD>, IBAN <IBAN>"),
    # public links survive with their digits and @s; e-mails and coordinates inside links do not
    (
        "https://www.bbc.co.uk/news/uk-12345678 and https://medium.com/@author/post-4155552671",
        "https://www.bbc.co.uk/news/uk-12345678 and https://medium.com/@author/post-4155552671",
    ),
    ("www.example.de/produkt/01512345678, call 0151 2345678", "www.example.de/produkt/01512345678, call <PHONE>"),
    ("https://example.com/?contact=john@example.com", "https://example.com/?contact=<EMAIL>"),
    ("http://192.168.0.1/admin", "http://<IP>/admin"),
    # hashtags, dates, prices, scores, years, ISBNs, versions, measurements
    (
        "#Paris2024 #100DaysOfCode 15.03.2024 2024-01-15 €12.99 R$ 49,90 3-1 1999 ISBN 978-3-16-148410-0 v1.2.3 1920x1080 180 cm",
        "#Paris2024 #100DaysOfCode 15.03.2024 2024-01-15 €12.99 R$ 49,90 3-1 1999 ISBN 978-3-16-148410-0 v1.2.3 1920x1080 180 cm",
    ),
]


@pytest.fixture(scope="module")
def redacted(spark):
    df = spark.createDataFrame([(i, t) for i, (t, _) in enumerate(CASES)], "id int, text string")
    rows = df.transform(with_redacted_text, DETECTORS, "text").orderBy("id").collect()
    return {r.id: r for r in rows}


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0][:40] for c in CASES])
def test_detector_cases(redacted, i):
    assert redacted[i].text == CASES[i][1]


def test_counts_per_type_include_every_enabled_detector(redacted):
    counts = redacted[0].pii_counts
    assert set(counts) == set(DETECTORS.types)
    assert counts["email"] == 1 and sum(counts.values()) == 1
    assert redacted[5].pii_counts["ip"] == 2
    karte = next(r for r in redacted.values() if r.text == "Karte <CARD>, IBAN <IBAN>")
    assert karte.pii_counts["card"] == 1 and karte.pii_counts["iban"] == 1


def test_null_and_empty_text_and_existing_placeholders(spark):
    df = spark.createDataFrame(
        [
            (1, None),
            (2, ""),
            (3, "already <EMAIL> here, and bob@example.com"),
            (4, "private \ue000 char and https://x.org/a"),
            # Counted in bytes: letters of two, three and four bytes around the placeholders change nothing.
            (5, "Grüße <PHONE> 東京 😀 an jürgen@example.de oder +49 30 901820 <EMAIL>"),
        ],
        "id int, text string",
    )
    rows = {r.id: r for r in df.transform(with_redacted_text, DETECTORS, "text").collect()}
    assert rows[1].text == "" and sum(rows[1].pii_counts.values()) == 0
    assert rows[2].text == ""
    # A placeholder the author typed is not counted as a redaction.
    assert rows[3].text == "already <EMAIL> here, and <EMAIL>" and rows[3].pii_counts["email"] == 1
    # A private-use character (the scanner's own stand-in for a protected link) is kept as written.
    assert rows[4].text == "private \ue000 char and https://x.org/a"
    assert rows[5].text == "Grüße <PHONE> 東京 😀 an <EMAIL> oder <PHONE> <EMAIL>"
    assert (rows[5].pii_counts["email"], rows[5].pii_counts["phone"]) == (1, 1)


def test_other_columns_are_kept_and_the_text_column_can_have_any_name(spark):
    df = spark.createDataFrame([("p1", "a", "mail me: a.b@example.com")], "post_id string, lang string, body string")
    out = df.transform(with_redacted_text, DETECTORS, "body")
    assert out.columns == ["post_id", "lang", "body", "pii_counts"]
    assert out.first().body == "mail me: <EMAIL>"


def test_disabled_detector_and_custom_pattern_detector(spark, tmp_path):
    conf = tmp_path / "detectors.yaml"
    conf.write_text(
        "detectors:\n"
        "  email: {enabled: false}\n"
        "  mention: {}\n"
        "  employee_id: {pattern: 'EMP-[0-9]{6}', placeholder: '<EMPLOYEE>'}\n"
    )
    detectors = load_detectors(conf)
    df = spark.createDataFrame([("ask @bob or bob@example.com about EMP-123456",)], "text string")
    row = df.transform(with_redacted_text, detectors).first()
    assert row.text == "ask <MENTION> or bob@example.com about <EMPLOYEE>"
    assert row.pii_counts == {"mention": 1, "employee_id": 1}


def test_strip_placeholders(spark):
    df = spark.createDataFrame([(" <EMAIL> <PHONE> ",), ("hi <MENTION>, see you",)], "text string")
    assert [r.t for r in df.select(strip_placeholders(F.col("text")).alias("t")).collect()] == ["", "hi , see you"]
    assert PLACEHOLDER_PATTERN == r"<[A-Z_]+>"


def test_pii_totals_sums_with_spark(spark):
    df = spark.createDataFrame([("a@b.co and c@d.co",), ("+44 20 7946 0958",), (None,)], "text string")
    totals = pii_totals(df.transform(with_redacted_text, DETECTORS))
    assert totals["email"] == 2 and totals["phone"] == 1 and totals["iban"] == 0
    assert set(totals) == set(DETECTORS.types)


def test_one_scanner_call_per_row_and_no_python(spark):
    df = spark.createDataFrame([("x",)], "text string").transform(with_redacted_text, DETECTORS)
    plan = df._jdf.queryExecution()
    physical = plan.executedPlan().toString()
    assert "EvalPython" not in physical  # no Python worker: the whole stage is in the JVM
    assert plan.optimizedPlan().toString().count("postcurate_pii_") == 1


def test_a_200k_character_text_completes_quickly(spark):
    unit = "Call 0151 2345678 or mail a.b@example.com at 12 Main Street, 10:30 on 12.03.2024, 4111 1111 1111 1112 ok. "
    long_text = unit * (200_000 // len(unit) + 1)
    hostile = "a" * 100_000 + "@" + "1" * 50_000 + "." * 50_000  # long runs that naive patterns backtrack on
    df = spark.createDataFrame([(long_text,), (hostile,)], "text string")
    start = time.perf_counter()
    rows = df.transform(with_redacted_text, DETECTORS).collect()
    elapsed = time.perf_counter() - start
    assert elapsed < 60, elapsed
    assert rows[0].pii_counts["phone"] == long_text.count("Call ")
    assert "a.b@example.com" not in rows[0].text


def test_filters_after_redaction_do_not_copy_the_scanner(spark):
    # The "empty" rule filters on the redacted text, and explode() makes Spark infer a filter on pii_counts;
    # neither may be pushed below the scanner's projection, where it would run the scanner a second time.
    df = spark.createDataFrame([("x",)], "text string").transform(with_redacted_text, DETECTORS)

    def scanner_calls(frame):
        return frame._jdf.queryExecution().optimizedPlan().toString().count("postcurate_pii_")

    assert scanner_calls(df.where(F.length(strip_placeholders(F.col("text"))) >= 20)) == 1
    assert scanner_calls(df.select(F.explode("pii_counts"))) == 1
    assert scanner_calls(df.select("text", "pii_counts").where(F.col("pii_counts")["email"] > 0)) == 1
