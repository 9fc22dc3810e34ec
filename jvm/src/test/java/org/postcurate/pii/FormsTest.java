package org.postcurate.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The forms the scanner reads by hand (postcodes, at-words, card groupings, glued emoji), with look-alikes beside them. */
class FormsTest {
    private static final Engine ENGINE = Redactor.fromSpec(EngineTest.SPEC).engine();

    private static String redact(String text) {
        Engine.Result r = ENGINE.scan(text);
        return r == null ? text : r.text;
    }

    @Test
    void fourDigitAndOtherPostcodes() {
        assertEquals("bei <ADDRESS> Graz", redact("bei Annenstraße 23, 8020 Graz"));
        assertEquals("<ADDRESS> Luzern", redact("Pilatusstrasse 15\n6003 Luzern"));
        assertEquals("<ADDRESS>", redact("3 Ponsonby Road, Auckland 1011"));
        assertEquals("<ADDRESS> Wrocław", redact("ul. Świdnicka 8/3, 50-066 Wrocław"));
        assertEquals("<ADDRESS> Napoli NA", redact("Via Toledo 256/C, 80132 Napoli NA"));
        assertEquals("<ADDRESS> Rotterdam", redact("Witte de Withstraat 50-I, 3012 BR Rotterdam"));
        assertEquals("<ADDRESS> Dresden", redact("Am Markt 2, DE-01067 Dresden"));
        assertEquals("at <ADDRESS>", redact("at 10 Sparks St, Ottawa, ON K1P 5B5"));
        assertEquals("<ADDRESS>", redact("77 Pine Avenue, Apt 9B, Reno, NV 89501"));
    }

    @Test
    void yearsMonthsAndCaselessScriptsAreNoAddress() {
        for (String text : new String[] {"We met on March 14, 2019 We never looked back", "Room 12, 2019 Paris trip",
                "On 24 March, 2011 London hosted it", "संपर्क 898-286\n8386 लोग आए", "Długa 45 is a nice street"}) {
            assertEquals(text, redact(text));
        }
    }

    @Test
    void atAndDotWordsOfMoreLanguages() {
        assertEquals("pisz: <EMAIL>", redact("pisz: adam.nowak (małpa) interia kropka pl"));
        assertEquals("почта <EMAIL>", redact("почта pavel собака rambler точка ru"));
        assertEquals("mejla <EMAIL>", redact("mejla karin.l snabel-a bredband punkt se"));
        assertEquals("eposta <EMAIL>", redact("eposta ali.yilmaz et hotmail nokta com"));
        assertEquals("mail <EMAIL>", redact("mail sanne apenstaartje xs4all punt nl"));
        assertEquals("to <EMAIL> now", redact("to greta -at- posteo (dot) de now"));
        assertEquals("メールは<EMAIL>まで", redact("メールはkenji@例え.jpまで"));
        for (String text : new String[] {"Paul et Marie sont partis", "le chat et le chien point final", "look at me. It"}) {
            assertEquals(text, redact(text));
        }
    }

    @Test
    void cardsInMoreGroupingsAndRanges() {
        assertEquals("card <CARD> ok", redact("card 5412 - 6639 - 2332 - 1463 ok"));
        assertEquals("card <CARD>", redact("card 621263 2729518175604"));
        assertEquals("card <CARD>", redact("card 6250 4806 3581 78391"));
        assertEquals("paid <CARD>", redact("paid 9792276161249064"));
        assertEquals("order 9792276161249064", redact("order 9792276161249064"));
        assertEquals("score 3 - 1 - 2 final", redact("score 3 - 1 - 2 final"));
    }

    @Test
    void anEmojiIsNoWord() {
        assertEquals("\ud83d\udcf8<MENTION> at the lake", redact("\ud83d\udcf8@marta.photo at the lake"));
        assertEquals("\u260e\ufe0f<PHONE>", redact("\u260e\ufe0f+44 20 7946 0958"));
        assertEquals("DM https://t.me/<PHONE> x", redact("DM https://t.me/+447911123456 x"));
        assertEquals("https://t.me/somechannel", redact("https://t.me/somechannel"));
    }
}
