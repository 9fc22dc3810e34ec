package org.postcurate.pii;

import java.util.List;

/**
 * Words around a candidate that change the verdict (conf/detectors.yaml, {@code context}).
 *
 * <p>{@code negative}: a phrase right before the candidate marks a look-alike ("Order #4111...", "ISBN 0-306...",
 * "tracking no. is 1234567890"): the phrase, then up to three punctuation characters, an optional "no"/"number"/
 * "n°"/"id", an optional "is"/"ist"/"est"/"é", and the candidate. {@code positive}: a phrase within {@code window}
 * characters before the candidate, or 20 after it, admits a weaker form ("SSN 123456789", "call 2125550123").
 */
final class Context implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private static final Phrases TAILS = new Phrases(List.of(
            "no", "nr", "no.", "nr.", "number", "num", "nummer", "numéro", "numero", "número", "n°", "n.", "id", "code",
            "#"));
    private static final Phrases FILLERS = new Phrases(List.of(
            "is", "was", "ist", "war", "est", "était", "es", "era", "é", "è", "are", "sind", "sont", "son", "são"));

    final Phrases negative;
    final Phrases positive;
    final int window;

    Context(List<String> negative, List<String> positive, int window) {
        this.negative = new Phrases(negative);
        this.positive = new Phrases(positive);
        this.window = window;
    }

    /** A negative phrase stands right before {@code start}. */
    boolean vetoed(char[] c, int start) {
        return !negative.isEmpty() && endsWith(c, start, 0);
    }

    // layer 0: the candidate's side; fillers, then tails, then the phrase itself.
    private boolean endsWith(char[] c, int end, int layer) {
        int limit = end;
        int k = 0;
        int dots = 0;
        while (limit > 0 && k < 3 && !Text.alnum(c[limit - 1]) && c[limit - 1] != '\n' && c[limit - 1] != Text.BARRIER) {
            char ch = c[limit - 1];
            if (ch == '!' || ch == '?' || (ch == '.' && ++dots > 1)) {
                break; // a sentence ends between the word and the candidate ("it means a lot.. 4095 ...")
            }
            limit--;
            k++;
        }
        for (int p = end; p >= limit; p--) {
            if (negative.endingAt(c, p) >= 0) {
                return true;
            }
            if (layer < 2) {
                int s = (layer == 0 ? FILLERS : TAILS).endingAt(c, p);
                if (s > 0 && endsWith(c, s, layer + 1)) {
                    return true;
                }
                if (layer == 0) {
                    s = TAILS.endingAt(c, p);
                    if (s > 0 && endsWith(c, s, 2)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A positive phrase lies within the window before {@code start} or within 20 characters after {@code end}. */
    boolean near(char[] c, int n, int start, int end) {
        return positive.within(c, start - window, start) || positive.within(c, end, Math.min(n, end + 20));
    }

    /** A positive phrase lies within the window before {@code start}. */
    boolean before(char[] c, int start) {
        return positive.within(c, start - window, start);
    }
}
