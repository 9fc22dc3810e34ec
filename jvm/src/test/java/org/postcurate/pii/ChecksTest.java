package org.postcurate.pii;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void luhn() {
        assertTrue(Checks.luhn("4111111111111111"));
        assertTrue(Checks.luhn("378282246310005"));
        assertFalse(Checks.luhn("4111111111111112"));
    }

    @Test
    void iban() {
        assertTrue(Checks.iban("DE89370400440532013000"));
        assertTrue(Checks.iban("GB82WEST12345698765432"));
        assertFalse(Checks.iban("DE89370400440532013001")); // check digits
        assertFalse(Checks.iban("DE8937040044053201300")); // length
        assertFalse(Checks.iban("XX89370400440532013000")); // country
    }

    @Test
    void nhsIsbnAndGs1() {
        assertTrue(Checks.nhs("9434765919"));
        assertFalse(Checks.nhs("9434765918"));
        assertTrue(Checks.isbn("0306406152"));
        assertTrue(Checks.isbn("9783161484100"));
        assertFalse(Checks.isbn("1234567890123"));
        assertTrue(Checks.gs1("4006381333931"));
        assertFalse(Checks.gs1("4006381333932"));
    }
}
