package org.postcurate.pii;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void luhn() {
        for (String valid : new String[] {"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
                "79927398713", "2223003122003222", "3530111333300000"}) {
            assertTrue(Checks.luhn(valid), valid);
        }
        for (String invalid : new String[] {"4111111111111112", "5555555555554440", "79927398710"}) {
            assertFalse(Checks.luhn(invalid), invalid);
        }
    }

    @Test
    void iban() {
        for (String valid : new String[] {"DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
                "ES9121000418450200051332", "IE29AIBK93115212345678", "NL91ABNA0417164300", "BE68539007547034"}) {
            assertTrue(Checks.iban(valid), valid);
        }
        assertFalse(Checks.iban("GB82WEST1234569876543"));
        assertFalse(Checks.iban("DE89370400440532013001")); // check digits
        assertFalse(Checks.iban("DE8937040044053201300")); // length
        assertFalse(Checks.iban("XX89370400440532013000")); // country
    }

    @Test
    void nhsIsbnAndGs1() {
        assertTrue(Checks.nhs("9434765919"));
        assertTrue(Checks.nhs("4010232137"));
        assertFalse(Checks.nhs("9434765918"));
        assertFalse(Checks.nhs("943476591")); // nine digits
        assertTrue(Checks.isbn("0306406152"));
        assertTrue(Checks.isbn("9783161484100"));
        assertFalse(Checks.isbn("1234567890123"));
        assertTrue(Checks.gs1("4006381333931"));
        assertFalse(Checks.gs1("4006381333932"));
    }
}
