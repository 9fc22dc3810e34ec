package org.postcurate.pii;

import java.text.Normalizer;

/**
 * The normalised view of one post text that every detector reads, with the way back to the original.
 *
 * <p>People write the same number in many ways: with Unicode digits (fullwidth, Devanagari, Arabic-Indic, bold
 * mathematical), with no-break, narrow or thin spaces, with a line break inside it, or with zero-width characters
 * and direction marks between its digits. In this view every Unicode decimal digit is an ASCII digit, every Unicode
 * space separator and tab is {@code ' '}, every line break is {@code '\n'}, every dash is {@code '-'}, fullwidth
 * forms are ASCII, curly quotes and primes are {@code '} or {@code "}, {@code %40} is {@code @} and {@code %2B} is
 * {@code +}, and invisible format characters (Unicode category Cf: zero-width spaces and joiners, direction marks
 * and isolates, the byte order mark, the soft hyphen) are gone.
 *
 * <p>Each character of the view remembers the span of the original it came from, so a match in the view is
 * replaced in the original: what is published is the author's text with the PII taken out, never this view.
 */
final class Text {
    /** Marks a character that has no place in the view. */
    private static final char DROP = '\uFFFF';
    /** Private-use character that stands for a protected public link in {@link #view}. */
    static final char BARRIER = '\uE000';

    private static final char[] BMP = buildTable();

    final String original;
    /** The normalised characters (the first {@link #n} are used). */
    final char[] c;
    final int n;
    /** Original start index of each view character; null while the view is index-for-index the original. */
    private int[] from;
    /** Original end index (exclusive) of each view character; null as {@link #from}. */
    private int[] to;
    /** Characters detectors after the link stage read: {@link #c} with protected links replaced by BARRIER. */
    char[] view;
    final boolean hasDigit;
    final boolean hasAt;
    /** An "@" that came from "%40": an e-mail's, never an @-mention's. */
    private boolean[] encodedAt;

    Text(String s) {
        original = s;
        int len = s.length();
        char[] out = new char[len];
        int k = 0;
        boolean digit = false;
        boolean at = false;
        for (int i = 0; i < len; i++) {
            char ch = s.charAt(i);
            char m;
            int width = 1;
            if (ch < 128) {
                m = ascii(ch);
                if (ch == '\r' && i + 1 < len && s.charAt(i + 1) == '\n') {
                    m = DROP; // "\r\n" is one line break
                } else if (m == '%' && i + 2 < len && s.charAt(i + 1) == '4' && s.charAt(i + 2) == '0') {
                    m = '@';
                    width = 3;
                } else if (m == '%' && i + 2 < len && s.charAt(i + 1) == '2' && (s.charAt(i + 2) | 0x20) == 'b') {
                    m = '+';
                    width = 3;
                }
            } else if (Character.isHighSurrogate(ch) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                m = supplementary(Character.toCodePoint(ch, s.charAt(i + 1)));
                width = m == 0 ? 1 : 2; // 0: keep the pair as two characters of their own
                if (m == 0) {
                    m = ch;
                }
            } else {
                m = BMP[ch];
            }
            if (m == DROP || width > 1) {
                if (from == null) {
                    from = new int[len + 1];
                    to = new int[len + 1];
                    for (int j = 0; j < k; j++) {
                        from[j] = j;
                        to[j] = j + 1;
                    }
                }
                if (m == DROP) {
                    i += width - 1;
                    continue;
                }
            }
            if (m == '@') {
                at = true;
                if (width == 3) {
                    if (encodedAt == null) {
                        encodedAt = new boolean[len];
                    }
                    encodedAt[k] = true;
                }
            } else if (m >= '0' && m <= '9') {
                digit = true;
            }
            if (from != null) {
                from[k] = i;
                to[k] = i + width;
            }
            out[k++] = m;
            i += width - 1;
        }
        c = out;
        n = k;
        view = out;
        hasDigit = digit;
        hasAt = at;
    }

    /** Original start index of view character {@code i}. */
    int start(int i) {
        return from == null ? i : (i < n ? from[i] : original.length());
    }

    /** Original end index (exclusive) of the view span ending (exclusive) at {@code e}. */
    int end(int e) {
        return from == null ? e : (e == 0 ? 0 : to[e - 1]);
    }

    boolean encodedAt(int i) {
        return encodedAt != null && encodedAt[i];
    }

    /** Replace the view's characters in [s, e) by {@link #BARRIER} for the detectors after the link stage. */
    void protect(int s, int e) {
        if (view == c) {
            view = c.clone();
        }
        for (int i = s; i < e; i++) {
            view[i] = BARRIER;
        }
    }

    boolean isProtected(int i) {
        return view != c && view[i] == BARRIER && c[i] != BARRIER;
    }

    // --- character classes of the view ----------------------------------------------------------------------

    static boolean digit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    static boolean asciiLetter(char ch) {
        return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
    }

    static boolean letter(char ch) {
        return ch < 128 ? asciiLetter(ch) : !spaceless(ch) && (Character.isLetter(ch) || mark(ch));
    }

    /**
     * A letter or digit in any script (combining marks count, so a decomposed "é" stays one word). Letters of the
     * scripts written without spaces between words (Chinese, Japanese, Korean, Thai and neighbours) do not count:
     * in "電話は０９０ １２３４ ５６７８まで" the number is a word of its own.
     */
    static boolean alnum(char ch) {
        if (ch < 128) {
            return digit(ch) || asciiLetter(ch);
        }
        return ch != BARRIER && !spaceless(ch) && (Character.isLetterOrDigit(ch) || mark(ch) || Character.isSurrogate(ch));
    }

    static boolean spaceless(char ch) {
        return (ch >= '\u0E00' && ch <= '\u0EFF') // Thai, Lao
                || (ch >= '\u1000' && ch <= '\u109F') // Myanmar
                || (ch >= '\u1780' && ch <= '\u17FF') // Khmer
                || (ch >= '\u3040' && ch <= '\u30FF') // Hiragana, Katakana
                || (ch >= '\u3400' && ch <= '\u4DBF') || (ch >= '\u4E00' && ch <= '\u9FFF') // Han
                || (ch >= '\uAC00' && ch <= '\uD7AF') // Hangul
                || (ch >= '\uF900' && ch <= '\uFAFF') || (ch >= '\uFF66' && ch <= '\uFF9F'); // Han, halfwidth kana
    }

    /**
     * Whether the character before {@code i} is a letter or digit of a word a number or handle would be glued to:
     * an emoji ("📸@handle", "☎️0151 ..."), with or without its variation selector, is not.
     */
    static boolean wordBefore(char[] v, int i) {
        if (i == 0) {
            return false;
        }
        char ch = v[i - 1];
        if (ch >= '\uFE00' && ch <= '\uFE0F') {
            return false; // a variation selector: "☎️"
        }
        if (Character.isLowSurrogate(ch) && i > 1 && Character.isHighSurrogate(v[i - 2])) {
            return Character.isLetterOrDigit(Character.toCodePoint(v[i - 2], ch));
        }
        return alnum(ch);
    }

    private static boolean mark(char ch) {
        if (ch >= '\uFE00' && ch <= '\uFE0F') {
            return false; // a variation selector belongs to the emoji before it ("☎️0151 ..."), not to a word
        }
        int type = Character.getType(ch);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    static boolean space(char ch) {
        return ch == ' ' || ch == '\n';
    }

    char at(int i) {
        return i >= 0 && i < n ? view[i] : '\0';
    }

    char raw(int i) {
        return i >= 0 && i < n ? c[i] : '\0';
    }

    // --- the mapping ----------------------------------------------------------------------------------------

    private static char ascii(char ch) {
        switch (ch) {
            case '\t':
            case '\u000B':
            case '\f':
                return ' ';
            case '\r':
                return '\n';
            default:
                return ch;
        }
    }

    /** The view character for a supplementary code point, or 0 to keep its two surrogates as they are. */
    private static char supplementary(int cp) {
        int type = Character.getType(cp);
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            return (char) ('0' + Character.digit(cp, 10));
        }
        if (type == Character.FORMAT) {
            return DROP;
        }
        if (cp >= 0x1D400 && cp <= 0x1D7FF) { // mathematical bold, italic, script... letters
            String nfkc = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
            if (nfkc.length() == 1 && nfkc.charAt(0) < 128) {
                return nfkc.charAt(0);
            }
        }
        return 0;
    }

    private static char[] buildTable() {
        char[] table = new char[65536];
        for (int ch = 0; ch < table.length; ch++) {
            table[ch] = mapped((char) ch);
        }
        return table;
    }

    private static char mapped(char ch) {
        if (ch < 128) {
            return ascii(ch);
        }
        if (Character.isSurrogate(ch)) {
            return ch; // unpaired: kept as it is (Java strings may hold one; it is no digit, letter or space)
        }
        switch (ch) {
            case '\u0085':
            case '\u2028':
            case '\u2029':
                return '\n';
            case '\u2212': // minus sign
                return '-';
            case '\u00BA': // masculine ordinal, written for a degree ("51º 30' N") and in "nº"
            case '\u02DA': // ring above, the same
                return '\u00B0';
            case '\u2018':
            case '\u2019':
            case '\u2032': // prime
            case '\u00B4':
            case '\u02B9':
                return '\'';
            case '\u201C':
            case '\u201D':
            case '\u2033': // double prime
            case '\u02BA':
                return '"';
            case '\u034F': // combining grapheme joiner: invisible
            case '\u115F':
            case '\u1160':
            case '\u3164': // Hangul fillers: invisible "letters"
            case '\uFFFF':
                return DROP;
            default:
                break;
        }
        int type = Character.getType(ch);
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            return (char) ('0' + Character.digit(ch, 10));
        }
        if (type == Character.SPACE_SEPARATOR) {
            return ' ';
        }
        if (type == Character.FORMAT) {
            return DROP;
        }
        if (type == Character.DASH_PUNCTUATION) {
            return '-';
        }
        if (ch >= '\uFF01' && ch <= '\uFF5E') { // fullwidth ASCII
            return (char) (ch - 0xFEE0);
        }
        if (type == Character.OTHER_NUMBER || type == Character.LETTER_NUMBER) {
            return ch; // superscripts, circled digits, Roman numerals: not the digit they decompose to ("m²")
        }
        String nfkc = Normalizer.normalize(String.valueOf(ch), Normalizer.Form.NFKC);
        if (nfkc.length() == 1) {
            char m = nfkc.charAt(0);
            if (m < 128 && (asciiLetter(m) || "@.+-:/#%_".indexOf(m) >= 0)) {
                return m;
            }
        }
        return ch;
    }
}
