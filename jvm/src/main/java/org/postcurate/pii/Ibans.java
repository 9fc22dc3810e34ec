package org.postcurate.pii;

/**
 * IBANs: a country code, two check digits and the country's number of letters and digits, cut to its length and
 * checked mod-97, however they are spaced: compact, grouped in fours, with a space after the country code
 * ("DE 89 3704 ..."), double or irregular spaces, a line break, in lower case, or glued to the word "IBAN"
 * ("IBANES91...").
 *
 * <p>An IBAN-shaped token (right length, whatever its check digits) is recorded even when it fails the check: its
 * digits are that token's, so no phone or card number is read out of a mistyped IBAN.
 */
final class Ibans {
    private Ibans() {}

    /** At a word start {@code i}: an IBAN starting there, or after a glued "IBAN". */
    static void at(Scan s, Engine e, int i) {
        char[] v = s.v;
        int n = s.n;
        if (i + 4 <= n && (v[i] | 0x20) == 'i' && (v[i + 1] | 0x20) == 'b' && (v[i + 2] | 0x20) == 'a' && (v[i + 3] | 0x20) == 'n'
                && i + 4 < n && Text.asciiLetter(v[i + 4])) {
            if (tryAt(s, e, i + 4)) {
                return;
            }
        }
        tryAt(s, e, i);
    }

    private static boolean tryAt(Scan s, Engine e, int i) {
        char[] v = s.v;
        int n = s.n;
        if (i + 3 >= n || !Text.asciiLetter(v[i]) || !Text.asciiLetter(v[i + 1])) {
            return false;
        }
        String country = "" + Character.toUpperCase(v[i]) + Character.toUpperCase(v[i + 1]);
        Integer length = Checks.IBAN_LENGTHS.get(country);
        if (length == null) {
            return false;
        }
        // "DE 89 ...": a space after the country code only in capitals ("at 12 ..." is a preposition and a number)
        if (!Text.digit(v[i + 2]) && !(Character.isUpperCase(v[i]) && Character.isUpperCase(v[i + 1]))) {
            return false;
        }
        StringBuilder compact = new StringBuilder(length).append(country);
        int k = i + 2;
        int end = k;
        int letters = 0; // letters in the current group; a group of letters only is at most four ("WEST", "ABNA")
        boolean digits = false;
        // the check digits, then the body: letters and digits, each maybe after a separator
        while (compact.length() < length) {
            int next = separated(v, n, k, compact.length() > 2);
            if (next < 0 || next >= n) {
                return false;
            }
            if (next != k) {
                if (letters > 4 && !digits) {
                    return false;
                }
                letters = 0;
                digits = false;
            }
            char ch = v[next];
            boolean checkDigit = compact.length() < 4;
            if (checkDigit ? !Text.digit(ch) : !(Text.digit(ch) || Text.asciiLetter(ch))) {
                return false;
            }
            if (Text.digit(ch)) {
                digits = true;
            } else {
                letters++;
            }
            compact.append(Character.toUpperCase(ch));
            k = next + 1;
            end = k;
        }
        if (letters > 4 && !digits) {
            return false;
        }
        // Running on into a letter or digit ("DE89...3000X"): not an IBAN at all.
        if (end < n && Text.alnum(v[end])) {
            return false;
        }
        s.ibanShape(i, end);
        if (Checks.iban(compact) && !e.context[e.iban].vetoed(v, i)) {
            s.add(i, end, e.iban);
        }
        return true;
    }

    /**
     * The next character of the IBAN at or after {@code k}: right there, or after one separator (up to three spaces
     * with at most one line break, or a dash, dot or slash). Between the country code and the check digits only spaces.
     */
    private static int separated(char[] v, int n, int k, boolean body) {
        if (k >= n) {
            return -1;
        }
        if (Text.alnum(v[k])) {
            return k;
        }
        if ((v[k] == '-' || v[k] == '.' || v[k] == '/') && body && k + 1 < n && Text.alnum(v[k + 1])) {
            return k + 1;
        }
        int j = k;
        int breaks = 0;
        while (j < n && j - k < 3 && (v[j] == ' ' || v[j] == '\n')) {
            breaks += v[j] == '\n' ? 1 : 0;
            j++;
        }
        return j > k && breaks <= 1 ? j : -1;
    }
}
