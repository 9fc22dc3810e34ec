package org.postcurate.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The normalised view: what each character reads as, and the way back to the original's spans. */
class TextTest {
    private static String view(String s) {
        Text t = new Text(s);
        return new String(t.c, 0, t.n);
    }

    @Test
    void unicodeDigitsReadAsAsciiDigits() {
        assertEquals("0151 2345678", view("\uff10\uff11\uff15\uff11 \uff12\uff13\uff14\uff15\uff16\uff17\uff18")); // fullwidth
        assertEquals("0123", view("\u0966\u0967\u0968\u0969")); // Devanagari
        assertEquals("0123", view("\u0660\u0661\u0662\u0663")); // Arabic-Indic
        assertEquals("09", view(new String(Character.toChars(0x1D7CE)) + new String(Character.toChars(0x1D7D7)))); // bold
        assertEquals("m\u00b2 \u2460", view("m\u00b2 \u2460")); // a superscript or a circled digit is not that digit
    }

    @Test
    void spacesBreaksDashesAndInvisiblesAreSeparatorsOrNothing() {
        assertEquals("1 2 3 4 5", view("1\u00a02\u202f3\u20094\u30005"));
        assertEquals("1\n2\n3", view("1\r\n2\u20283"));
        assertEquals("1-2-3", view("1\u20132\u22123"));
        assertEquals("0151", view("0\u200b1\u200e5\u2066\ufeff1"));
        assertEquals("a@b.org+1", view("a%40b.org%2B1"));
        assertEquals("@A.", view("\uff20\uff21\uff0e"));
    }

    @Test
    void spansMapBackToTheOriginal() {
        String s = "x\u200b0\u200b1 \uff12 %40\ud835\udfcf y";
        Text t = new Text(s);
        String v = new String(t.c, 0, t.n);
        assertEquals("x01 2 @1 y", v);
        int at = v.indexOf('@');
        assertEquals("%40", s.substring(t.start(at), t.end(at + 1)));
        int bold = v.indexOf("1 y");
        assertEquals("\ud835\udfcf", s.substring(t.start(bold), t.end(bold + 1)));
        // a span in the view covers the invisible characters inside it, not those around it
        int zero = v.indexOf("01");
        assertEquals("0\u200b1", s.substring(t.start(zero), t.end(zero + 2)));
    }

    @Test
    void unpairedSurrogatesAreKeptAsTheyAre() {
        assertEquals("a\ud800b\udc00", view("a\ud800b\udc00"));
        assertFalse(Text.alnum('\u3042')); // kana: no word boundary of its own
        assertTrue(Text.alnum('\u00e9'));
    }
}
