package org.postcurate.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.postcurate.LinearTime;

/** The scanner on its own, with a small spec (the shipped one is exercised through Spark from pytest). */
class EngineTest {
    static final String SPEC = "{\"protect_urls\": true, \"lottery_words\": [\"lotto\"], \"detectors\": ["
            + d("email", 10, "") + "," + d("coords", 20, "") + "," + d("ip", 30, "") + ","
            + d("ssn", 40, ", \"positive\": [\"ssn\"]") + "," + d("nino", 50, "") + "," + d("address", 60, "") + ","
            + d("mention", 70, "") + "," + d("iban", 100, "") + "," + d("card", 110, ", \"negative\": [\"order\"]") + ","
            + d("nhs", 120, ", \"positive\": [\"nhs\"]") + ","
            + d("phone", 130, ", \"positive\": [\"call\"], \"plans\": [{\"country\": \"GB\", \"code\": \"44\", "
                    + "\"nsn\": \"[1-357-9][0-9]{8,9}\", \"national\": [{\"pattern\": \"0[1-357-9][0-9]{8,9}\"}]}]") + ","
            + "{\"name\": \"employee\", \"kind\": \"pattern\", \"placeholder\": \"<EMPLOYEE>\", \"order\": 500, "
            + "\"pattern\": \"EMP-[0-9]{6}\"}]}";

    private static String d(String kind, int order, String extra) {
        return "{\"name\": \"" + kind + "\", \"kind\": \"" + kind + "\", \"placeholder\": \"<" + kind.toUpperCase() + ">\", "
                + "\"order\": " + order + extra + "}";
    }

    private static final Engine ENGINE = Redactor.fromSpec(SPEC).engine();

    private static String redact(String text) {
        Engine.Result r = ENGINE.scan(text);
        return r == null ? text : r.text;
    }

    @Test
    void everyKindOnceAndTheOriginalAroundIt() {
        assertEquals("mail <EMAIL>, call <PHONE>, card <CARD>, IBAN <IBAN>, <EMPLOYEE>",
                redact("mail a.b@example.org, call 07700\u00a0900123, card 4111-1111-1111-1111, "
                        + "IBAN DE89 3704 0044 0532 0130 00, EMP-123456"));
        assertEquals("\uff43\uff41\uff4c\uff4c <PHONE> \uff4e\uff4f\uff57", // fullwidth letters kept, digits replaced
                redact("\uff43\uff41\uff4c\uff4c \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 \uff4e\uff4f\uff57"));
        assertEquals("order 4111111111111111", redact("order 4111111111111111"));
        assertEquals("Lotto 03 11 19 27 38 45", redact("Lotto 03 11 19 27 38 45"));
    }

    @Test
    void countsArePerDetectorInSpecOrder() {
        Engine.Result r = ENGINE.scan("a@b.de c@d.de @someone");
        assertEquals(12, r.counts.length);
        assertEquals(2, r.counts[0]);
        assertEquals(1, r.counts[6]);
        assertNull(ENGINE.scan("nothing to see here"));
        assertNull(ENGINE.scan(""));
        assertNull(ENGINE.scan(null));
    }

    @Test
    void aPatternJavaCannotCompileNamesItsKey() {
        String bad = SPEC.replace("EMP-[0-9]{6}", "EMP-(?P<id>[0-9])");
        SpecError e = assertThrows(SpecError.class, () -> Redactor.fromSpec(bad));
        assertEquals("detectors.employee.pattern", e.key);
        assertTrue(e.reason.startsWith("is not a valid Java regular expression: "), e.reason);
        assertEquals("detectors.employee.pattern\tis not a valid Java regular expression: Unknown inline modifier (near index 6)",
                Redactors.problem(bad));
        assertTrue(Redactors.problem("{\"detectors\": [").startsWith("detectors\tdetector spec is not valid JSON"));
    }

    /** The worst inputs we could build, 20,000 characters each: none costs more than 250 times a benign text of that length. */
    @Test
    void adversarialTextsFinishInBoundedTime() {
        List<String> texts = new ArrayList<>();
        Random random = new Random(7);
        for (String alphabet : new String[] {"0123456789 ", "01 ", "0123456789 .-/()\n+", "0123456789\u200b\u200f", "0123456789.,:"}) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(b.toString());
        }
        for (String unit : new String[] {"123 ", "1.", "@", ".", ":", "::1", "a@b.", ".@a ", "at dot ", "\ud800", "1\u200f",
                "51.50735, -0.12776 ", "N 51\u00b0 ", "DE89 ", "AB 12 ", "NW1 6XE ", "12345 Berlin ", "IL 62704 ", "D-79098 ",
                "12 Main St, ", "https://", "wa.me/", "tel:", "geo:1,", "Lotto 1 2 3 ", "123-45-6789 "}) {
            texts.add(unit.repeat(20_000 / unit.length() + 1).substring(0, 20_000));
        }
        texts.add("a".repeat(19_990) + "@example.com");
        // Against a benign text of the same length, timed in the same test: a wall-clock bound failed under load.
        LinearTime.assertLinear(ENGINE::scan, texts, RATIO);
    }

    /** The worst measured was 79x (D-79098 ..., every position a postcode to check): 250 leaves room, and quadratic
     * work on 20,000 characters costs thousands of times a linear scan. */
    static final int RATIO = 250;

    @Test
    void aNumberHiddenByInvisibleCharactersIsCaughtInsideALongText() {
        String noise = "0 1 ".repeat(2_500);
        String hidden = "call 0\u200f7\u200f7\u200f0\u200f0 9\u200b0\u200b0\u200b1\u200b2\u200b3 ";
        String out = redact(noise + hidden + noise);
        assertTrue(out.contains("call <PHONE> "), out.substring(10_000 - 10, 10_000 + 30));
    }
}
