package org.postcurate.pii;

import java.util.HashMap;
import java.util.Map;

/** Check digits over ASCII digit strings: Luhn (cards), mod-97 (IBAN), mod-11 (NHS, ISBN-10), GS1 (EAN, ISBN-13). */
final class Checks {
    private Checks() {}

    /** Per-country IBAN lengths (ISO 13616 registry). A country missing here is not an IBAN country. */
    static final Map<String, Integer> IBAN_LENGTHS = new HashMap<>();

    static {
        String table = "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27DK18DO28EE20EG29ES24"
                + "FI18FK18FO18FR27GB22GE22GI23GL18GR27GT28HN28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20"
                + "LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24PL28PS29PT25QA29RO24RS22RU33SA24SC31"
                + "SD18SE24SI19SK24SM27SO23ST25SV28TL23TN24TR26UA29VA22VG24XK20YE30";
        for (int i = 0; i < table.length(); i += 4) {
            IBAN_LENGTHS.put(table.substring(i, i + 2), Integer.parseInt(table.substring(i + 2, i + 4)));
        }
    }

    static boolean luhn(CharSequence digits) {
        int total = 0;
        for (int i = digits.length() - 1, k = 0; i >= 0; i--, k++) {
            int d = digits.charAt(i) - '0';
            if ((k & 1) == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            total += d;
        }
        return total % 10 == 0;
    }

    /** mod-97 (ISO 7064) over an upper-case IBAN without separators, and its country's length. */
    static boolean iban(CharSequence compact) {
        Integer length = compact.length() >= 4 ? IBAN_LENGTHS.get(compact.subSequence(0, 2).toString()) : null;
        if (length == null || length != compact.length()) {
            return false;
        }
        int remainder = 0;
        for (int k = 0; k < compact.length(); k++) {
            char ch = compact.charAt((k + 4) % compact.length());
            if (Text.digit(ch)) {
                remainder = (remainder * 10 + (ch - '0')) % 97;
            } else if (ch >= 'A' && ch <= 'Z') {
                remainder = (remainder * 100 + (ch - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    /** UK NHS number: 10 digits, weights 10..2, mod-11 check digit (a remainder giving 10 is never issued). */
    static boolean nhs(CharSequence d) {
        if (d.length() != 10) {
            return false;
        }
        int total = 0;
        for (int i = 0; i < 9; i++) {
            total += (d.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - total % 11;
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == d.charAt(9) - '0';
    }

    /** ISBN-10 (mod-11) or ISBN-13 (978/979 and GS1). */
    static boolean isbn(CharSequence d) {
        if (d.length() == 10) {
            int total = 0;
            for (int i = 0; i < 10; i++) {
                total += (d.charAt(i) - '0') * (10 - i);
            }
            return total % 11 == 0;
        }
        return d.length() == 13 && d.charAt(0) == '9' && d.charAt(1) == '7' && (d.charAt(2) == '8' || d.charAt(2) == '9')
                && gs1(d);
    }

    /** GS1 check digit (EAN-8, UPC-A, EAN-13, GTIN-14): weights 3 and 1 from the right, mod 10. */
    static boolean gs1(CharSequence d) {
        int total = 0;
        for (int i = d.length() - 1, k = 0; i >= 0; i--, k++) {
            total += (d.charAt(i) - '0') * (k % 2 == 1 ? 3 : 1);
        }
        return total % 10 == 0;
    }
}
