package org.postcurate.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The forms of PII the check reads beyond the contract's plain ones (four-digit, Canadian, Polish and prefixed
 * postcodes, house numbers with letters; at- and dot-words of more languages; card groupings of 13 to 19 digits;
 * Telegram and Signal links; numbers over line breaks and more national plans), each found by the shipped check
 * and by its reference alike, and the look-alikes beside them that must pass. The values are this test's own.
 */
class ResidualPiiFormsTest {

    /** {@code text} is flagged with {@code type} by the check, and the reference says the same. */
    private static void flagged(String type, String... texts) {
        List<String> wrong = new ArrayList<>();
        for (String text : texts) {
            String got = ResidualPii.typesOf(text);
            String reference = ResidualPiiReference.typesOf(text);
            if (got == null || !Arrays.asList(got.split(",")).contains(type) || !got.equals(reference)) {
                wrong.add(got + " (reference " + reference + "): " + ResidualPiiEquivalenceTest.escaped(text));
            }
        }
        assertTrue(wrong.isEmpty(), type + " not found in:\n" + String.join("\n", wrong));
    }

    @Test
    void fourDigitPostcodes() {
        flagged("address",
                "Neue Wohnung: Lerchenfelder Gürtel 43, 1160 Wien",
                "Post an Bahnhofstrasse 21\n8001 Zürich bitte",
                "rendez-vous rue du Marché 12, 1204 genève",
                "stuur het naar Dorpsstraat 8, 5611 Eindhoven",
                "Adresse: Nørrebrogade 52, 2200 København N",
                "deliver to 27 Cuba Street, Wellington 6011 please",
                "17 Ponsonby Road\nAuckland 1011",
                "we moved to 4 queen street, brisbane 4000");
    }

    @Test
    void canadianPolishAndPrefixedPostcodes() {
        flagged("address",
                "ship to 350 Sparks St, Ottawa ON K1A 0B1",
                "2050 rue Mansfield\nMontréal QC H3A 1Y7",
                "mail: 12 king st, toronto, on m5h 1a1",
                "adres: ul. Długa 44, 00-950 Warszawa",
                "Piotrkowska 120/4\n90-006 Łódź",
                "Lieferadresse: Sendlinger Str. 7, DE-80331 München",
                "Büro: Linzer Gasse 10, AT-5020 Salzburg",
                "Rue Neuve 3, LU-1450 Luxembourg");
    }

    @Test
    void houseNumbersWithLetters() {
        flagged("address",
                "Wir wohnen Eichenweg 3b, 50667 Köln",
                "consegna Corso Vercelli 9/B, 20144 Milano",
                "Nieuw: Kanaalstraat 12-II, 1054 XK Amsterdam",
                "Im Grund 15A, D-79098 Freiburg");
    }

    @Test
    void atAndDotWordsOfMoreLanguages() {
        flagged("email",
                "pisz: tomek.wis (małpa) interia kropka pl",
                "marta.z małpa gazeta.pl",
                "почта: sergey.ivanov собака list точка ru",
                "пишите на anna_k (собака) bk.ru",
                "mejla: lars.nilsson snabel-a bahnhof punkt se",
                "e-posta: ayse.yilmaz et hotmail nokta com",
                "mail: bram.smit apenstaartje xs4all punt nl",
                "Schreib an jonas.weber Klammeraffe posteo punkt de",
                "contact: sam.okoro -at- proton (dot) me",
                "ping lucy_b -at- mailbox{dot}org",
                "CV: d.mensah -at- company . co . uk",
                "scrivi a luca.ferri (chiocciola) libero (punto) it",
                "írj: kovacs.anna kukac freemail pont hu",
                "napiš: petr.novak zavináč seznam tečka cz",
                "ANNA.BERG SNABEL-A TELIA PUNKT SE");
    }

    @Test
    void idnDomainsAndEmojiBeforeAHandle() {
        flagged("email", "schreib mir: jürgen@müller-bäckerei.de", "пишите: info@почта.рф", "お問い合わせ: yuki@例え.テスト.jp");
        flagged("mention", "🎶@lena.music tonight", "📍@cafe_nord");
    }

    @Test
    void cardGroupingsOfThirteenToNineteenDigits() {
        flagged("card",
                "card 4929 1043 3218 19604",
                "Karte 5213 0133 8908 386373",
                "card 6243 9402 6542 3511619",
                "银联 623091 5594078161844",
                "visa 4716 9593 10340",
                "tarjeta 2720 - 1316 - 4752 - 5532",
                "RuPay 8171 4192 8327 6481",
                "Troy 9792350305641393");
    }

    @Test
    void telegramAndSignalLinks() {
        flagged("phone", "DM me on https://t.me/+491701234567", "Signal: https://signal.me/#p/+447700900321 ok",
                "t.me/+33612345678");
    }

    @Test
    void numbersOverLineBreaks() {
        flagged("phone", "call (03)\n9555 1234 after six", "ring (07)\r\n3123 4567", "+49 170\n1234567", "0044\n20 7946 0123");
    }

    @Test
    void nationalPlans() {
        flagged("phone",
                "me liga (11) 9 8765-4321",            // Brazil: the mobile's 9 apart
                "zap 21 9 8765 4321",
                "звони 8 (903) 123-45-67",            // Russia: trunk 8
                "мой номер 8 926 123 45 67",
                "zadzwoń: 698 123 456",               // Poland 3-3-3
                "numer 512-987-654",
                "llama al 654 32 10 98",              // Spain 3-2-2-2
                "scrivimi su 328 1234567",            // Italy: mobile 3-7
                "Bookings 1800 123 456",              // Australia 1300/1800
                "Atención al cliente 934567890",      // a business page's word
                "Reservas 900 123 456");
    }

    @Test
    void lookAlikesBesideTheNewFormsPass() {
        List<String> flagged = new ArrayList<>();
        for (String text : new String[] {
            "look at me. It was fun",
            "Paul et Marie sont partis",
            "le chat et le chien point final",
            "Powerball numbers 04 11 23 45 61 PB 9",
            "population 123 456 789 in 2020",
            "500 000 000 € de budget",
            "score 3 - 1 - 2 final",
            "from 2000 - 2010 it grew",
            "Room 12, 2019 Paris trip",
            "On 24 March, 2011 London hosted it",
            "We met on March 14, 2019 We never looked back",
            "Ticket 1200 Euro, 3 days",
            "it cost 1 450 zł and 2 300 zł",
            "the 2024 Olympics",
            "vintage 1998 Not bad",
            "ran 5 km, finished 12th of 3400 runners",
            "Bestellnummer 229-5032286-9915549",
            "Order #6243940265423511619 shipped",
            "flight LH 1234 to Wien",
            "1 Cor 13:4-7",
            "(14+97)*2 = 222",
            "version 2.10.1 - 3.0.0",
            "https://t.me/s/bbcnews is a public channel",
            "NI number <NINO> on 2019-05-25 (edited)",
        }) {
            if (ResidualPii.typesOf(text) != null || ResidualPiiReference.typesOf(text) != null) {
                flagged.add(ResidualPii.typesOf(text) + ": " + text);
            }
        }
        assertEquals(List.of(), flagged);
    }
}
