package org.postcurate.dedup;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The text two posts are compared by: Unicode NFKC, lower case, invisible format characters removed, every run of
 * white space one space, no space at the ends. Placeholders such as {@code <EMAIL>} stay as they are (lower-cased
 * like the rest), so two posts that differ only in whose address was redacted compare equal.
 *
 * <p>NFKC folds compatibility forms (full-width letters and digits, ligatures, non-breaking and other Unicode
 * spaces, superscripts); lower-casing uses the root locale, so the result does not depend on the machine's
 * locale. Format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens, direction marks)
 * are invisible to a reader and removed, so inserting one does not make a copy look new.
 */
public final class TextNormaliser {
    private TextNormaliser() {}

    /** The normalised form of {@code text}; null stays null. */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean pendingSpace = false;
        for (int i = 0; i < folded.length(); ) {
            int cp = folded.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                pendingSpace = out.length() > 0;
            } else if (Character.getType(cp) != Character.FORMAT) {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }
}
