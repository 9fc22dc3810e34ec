package org.postcurate.pii;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The detectors whose shape a regular expression says best: IP addresses, coordinates, UK National Insurance
 * numbers. Each pattern is tried only where its first character is ({@code lookingAt} from a trigger the scan
 * found), never at every position of a text; every quantifier is bounded, so a try is short.
 */
final class Shapes {
    private Shapes() {}

    static final String AN = "\\p{L}\\p{N}";

    // --- IP addresses ------------------------------------------------------------------------------------------
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    static final Pattern IPV4 = Pattern.compile("(?:" + OCTET + "\\.){3}" + OCTET + "(?![0-9]|\\.[0-9])");
    private static final String H = "[0-9A-Fa-f]{1,4}";
    private static final String V4 = "(?:" + OCTET + "\\.){3}" + OCTET;
    static final Pattern IPV6 = Pattern.compile(
            // The look-ahead for a digit keeps words like "dead::beef" out; the trailing one takes the whole token.
            "(?=[0-9A-Fa-f:.]{0,45}[0-9])(?:"
                    + String.join("|",
                            "(?:" + H + ":){6}" + V4,
                            "(?:" + H + ":){1,4}:" + V4,
                            "::(?:[Ff]{4}(?::0{1,4})?:)?" + V4,
                            "(?:" + H + ":){7}" + H,
                            "(?:" + H + ":){1,6}:" + H,
                            "(?:" + H + ":){1,5}(?::" + H + "){1,2}",
                            "(?:" + H + ":){1,4}(?::" + H + "){1,3}",
                            "(?:" + H + ":){1,3}(?::" + H + "){1,4}",
                            "(?:" + H + ":){1,2}(?::" + H + "){1,5}",
                            H + ":(?::" + H + "){1,6}",
                            ":(?::" + H + "){1,7}",
                            "(?:" + H + ":){1,7}:")
                    + ")(?![" + AN + ":]|\\.[0-9])");

    // --- coordinates ---------------------------------------------------------------------------------------------
    private static final String LAT = "(?:[1-8]?[0-9]|90)";
    private static final String LON = "(?:1[0-7][0-9]|[1-9]?[0-9]|180)";
    // Degrees with decimal minutes are written zero-padded: "N 05° 30.433 W 000° 07.650".
    private static final String LAT_PAD = "(?:[0-8]?[0-9]|90)";
    private static final String LON_PAD = "(?:0[0-9]{2}|1[0-7][0-9]|180|[0-9]{1,2})";
    private static final String SIGN = "[-+]?";
    private static final String MIN = "(?:[0-5]?[0-9]|60)"; // 60 is how some round 59.99
    private static final String DEC_MIN = MIN + "[.,][0-9]{1,4}";
    private static final String SEC = MIN + "(?:[.,][0-9]{1,4})?\\s?(?:\"|'')";
    /** 39d 31m 11.0s N: degrees, minutes and seconds written with letters. */
    private static final String DMS_LETTERS = "\\s?(?i:d|deg)\\s?" + MIN + "\\s?(?i:m|min|')\\s?(?:" + MIN + "(?:[.,][0-9]{1,4})?\\s?(?i:s|sec|\"|'')\\s?)?";
    private static final String DMS_TAIL = "\\s?" + MIN + "\\s?'\\s?(?:" + SEC + "\\s?)?";
    private static final String PAIR_SEP = "\\s{0,3}[,;/]?\\s{0,3}";

    /** Tried where a number starts (after an optional sign). */
    static final Pattern COORDS_AT_NUMBER = Pattern.compile(String.join("|",
            // 51.50735, -0.12776  (four or more decimals: prices and scores have two)
            "(?<![" + AN + ".,$€£¥]|[$€£¥]\\s)" + SIGN + LAT + "\\.[0-9]{4,10}(?:\\s{0,3}[,;]\\s{0,3}|\\s{1,3})" + SIGN + LON
                    + "\\.[0-9]{4,10}(?![0-9]|\\.[0-9])",
            // 51.5074° N, 0.1278° W  and  48,8584 N 2,2945 E  (a hemisphere letter or degree sign admits any precision)
            LAT + "(?:[.,][0-9]{1,10}\\s?°?|\\s?°)\\s?[NS](?![\\p{L}])\\.?" + PAIR_SEP + LON
                    + "(?:[.,][0-9]{1,10}\\s?°?|\\s?°)\\s?[EWO](?![\\p{L}])",
            // 40°44'54.3"N 73°59'09.9"W
            LAT + "\\s?°" + DMS_TAIL + "[NS]" + PAIR_SEP + LON + "\\s?°" + DMS_TAIL + "[EWO](?![\\p{L}])",
            // 51°30.433'N 0°07.650'W  (degrees and decimal minutes)
            LAT_PAD + "\\s?°\\s?" + DEC_MIN + "\\s?'?\\s?[NS](?![\\p{L}])" + PAIR_SEP + LON_PAD + "\\s?°\\s?" + DEC_MIN
                    + "\\s?'?\\s?[EWO](?![\\p{L}])",
            // 39d 31m 11.0s N, 47d 5m 27.8s E
            LAT + DMS_LETTERS + "[NS](?![\\p{L}])" + PAIR_SEP + LON + DMS_LETTERS + "[EWO](?![\\p{L}])"));

    /** Tried where a hemisphere letter starts a word: "N 51° 30.433 W 000° 07.650", "N51.5074 W0.1278". */
    static final Pattern COORDS_AT_HEMISPHERE = Pattern.compile(String.join("|",
            "(?i:[NS])\\s?" + LAT_PAD + "(?:\\s?°\\s?|\\s)" + DEC_MIN + "'?" + PAIR_SEP + "(?i:[EWO])\\s?" + LON_PAD
                    + "(?:\\s?°\\s?|\\s)" + DEC_MIN + "'?(?![0-9])",
            "(?i:[NS])\\s?" + LAT + "\\s?°\\s?" + MIN + "\\s?'\\s?" + SEC + PAIR_SEP + "(?i:[EWO])\\s?" + LON + "\\s?°\\s?"
                    + MIN + "\\s?'\\s?" + SEC,
            "[NS]\\s?" + LAT + "(?:[.,][0-9]{1,10}°?|°)" + PAIR_SEP + "[EWO]\\s?" + LON + "(?:[.,][0-9]{1,10}°?|°)(?![0-9])"));

    /** Tried where "lat", "latitude" or "Breite" starts a word: "lat: 51.507, lon: -0.128". */
    static final Pattern COORDS_LABELLED = Pattern.compile(
            "(?i)(?:lat(?:itude)?|breite(?:ngrad)?)\\s{0,3}[:=]?\\s{0,3}" + SIGN + "[0-9]{1,2}[.,][0-9]{2,10}\\s?°?\\s{0,3}[,;/&]?\\s{0,3}"
                    + "(?:lon(?:g(?:itude)?)?|lng|länge(?:ngrad)?)\\s{0,3}[:=]?\\s{0,3}" + SIGN + "[0-9]{1,3}[.,][0-9]{2,10}°?");

    // --- UK National Insurance numbers ------------------------------------------------------------------------
    // Two prefix letters (D, F, I, Q, U, V never; O never second; BG GB KN NK NT TN ZZ never issued), six digits,
    // suffix A-D.
    private static final String NINO_PREFIX = "(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]";
    private static final String NINO_DIGITS = "[ \\-]?[0-9]{2}(?:[0-9]{4}| [0-9]{2} [0-9]{2}|-[0-9]{2}-[0-9]{2})";
    static final Pattern NINO = Pattern.compile("(?i)" + NINO_PREFIX + NINO_DIGITS + "[ \\-]?[A-D](?![" + AN + "])");
    static final Pattern NINO_NO_SUFFIX = Pattern.compile("(?i)" + NINO_PREFIX + NINO_DIGITS + "(?![" + AN + "])");

    /** {@code p} tried at {@code at} (look-behinds may see the text before it): the match's end, or -1. */
    static int match(Scan s, Pattern p, int at) {
        Matcher m = s.matcher(p);
        m.region(at, s.n);
        return m.lookingAt() ? m.end() : -1;
    }

    // --- the detectors -----------------------------------------------------------------------------------------

    /** At a token start {@code i}: an IPv6 address (tried first: "::ffff:192.0.2.1" is one address), or IPv4. */
    static void ip(Scan s, Engine e, int i) {
        char[] v = s.v;
        char before = i > 0 ? v[i - 1] : ' ';
        if (Text.alnum(before) || before == ':' || before == '.') {
            return;
        }
        int end = -1;
        if (hexThenColon(v, s.n, i)) {
            end = match(s, IPV6, i);
        }
        if (end < 0 && Text.digit(v[i])) {
            end = match(s, IPV4, i);
        }
        if (end > 0 && !e.context[e.ip].vetoed(v, i)) {
            s.add(i, end, e.ip);
        }
    }

    private static boolean hexThenColon(char[] v, int n, int i) {
        int k = i;
        while (k < n && k - i < 4 && hex(v[k])) {
            k++;
        }
        return k < n && v[k] == ':';
    }

    private static boolean hex(char ch) {
        return Text.digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
    }

    /** At a word start {@code i} of two letters followed by digits: a National Insurance number. */
    static void nino(Scan s, Engine e, int i) {
        char[] v = s.v;
        int n = s.n;
        if (i + 3 >= n || !Text.asciiLetter(v[i]) || !Text.asciiLetter(v[i + 1])) {
            return;
        }
        int d = i + 2;
        if (v[d] == ' ' || v[d] == '-') {
            d++;
        }
        if (d + 1 >= n || !Text.digit(v[d]) || !Text.digit(v[d + 1])) {
            return;
        }
        Context ctx = e.context[e.nino];
        int end = match(s, NINO, i);
        if (end < 0 && ctx.before(v, i)) {
            end = match(s, NINO_NO_SUFFIX, i); // without the suffix letter only when labelled
        }
        if (end > 0 && !ctx.vetoed(v, i)) {
            s.add(i, end, e.nino);
        }
    }

    /** Where a number starts at {@code i}: coordinates, with a sign right before it if there is one. */
    static int coordsAtNumber(Scan s, Engine e, int i) {
        char[] v = s.v;
        int at = i;
        if (i > 0 && (v[i - 1] == '-' || v[i - 1] == '+') && (i < 2 || !Text.alnum(v[i - 2]))) {
            at = i - 1;
        } else if (i > 0 && (Text.alnum(v[i - 1]) || v[i - 1] == '.' || v[i - 1] == ',')) {
            return -1;
        }
        return coords(s, e, COORDS_AT_NUMBER, at);
    }

    static int coords(Scan s, Engine e, Pattern p, int at) {
        int end = match(s, p, at);
        if (end > 0 && !e.context[e.coords].vetoed(s.v, at)) {
            s.add(at, end, e.coords);
            return end;
        }
        return -1;
    }

    /** At an "@" at {@code i}: an @-mention ("@jane_doe", ".@jane_doe" at the start of a post), not a time ("@5pm"). */
    static void mention(Scan s, Engine e, int i) {
        char[] v = s.v;
        int n = s.n;
        if (s.t.encodedAt(i)) {
            return;
        }
        char before = i > 0 ? v[i - 1] : ' ';
        if (before == '.') {
            // ".@handle": a reply made public, at the start of a post or a line
            char b2 = i > 1 ? v[i - 2] : ' ';
            if (b2 != ' ' && b2 != '\n') {
                return;
            }
        } else if (Text.wordBefore(v, i) || "_@/:+#&=\\-".indexOf(before) >= 0 || before == Text.BARRIER) {
            return;
        }
        int k = i + 1;
        if (k >= n || !(Text.alnum(v[k]) || v[k] == '_')) {
            return;
        }
        if (time(v, n, k)) {
            return;
        }
        int end = k;
        int last = k;
        while (end < n && end - k < 64 && (Text.alnum(v[end]) || v[end] == '_' || v[end] == '.')) {
            if (v[end] != '.') {
                last = end;
            }
            end++;
        }
        s.add(i, last + 1, e.mention);
    }

    /** "@5pm", "@ 10:30", "@10h", "@17uhr": a time written with "@". */
    private static boolean time(char[] v, int n, int k) {
        int d = k;
        while (d < n && d - k < 2 && Text.digit(v[d])) {
            d++;
        }
        if (d == k) {
            return false;
        }
        if (d + 2 < n && (v[d] == ':' || v[d] == '.' || v[d] == 'h') && Text.digit(v[d + 1]) && Text.digit(v[d + 2])) {
            d += 3;
        }
        if (d < n && v[d] == ' ') {
            int w = d + 1;
            if (suffix(v, n, w) > 0) {
                d = w;
            }
        }
        int sfx = suffix(v, n, d);
        if (sfx > 0) {
            d += sfx;
        }
        return d >= n || !(Text.alnum(v[d]) || v[d] == '_');
    }

    private static int suffix(char[] v, int n, int d) {
        for (String w : new String[] {"uhr", "am", "pm", "h"}) {
            if (d + w.length() <= n && new String(v, d, w.length()).equalsIgnoreCase(w)) {
                return w.length();
            }
        }
        return 0;
    }
}
