package org.postcurate.quality;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code residual_pii(text)}: the PII types still in a shard text, comma-separated in alphabetical order
 * ({@code "card,email"}), or null when it holds none. The data-quality gate's own check, written apart from the
 * redactor (which it must not trust): it shares no code with {@code org.postcurate.pii} or {@code postcurate.pii},
 * only the placeholder shape {@code <[A-Z_]+>}.
 *
 * <p>It is stricter than the redactor: it reads a normalised view of the text (every Unicode decimal digit as
 * ASCII, every Unicode space and line break as a space, invisible format characters such as zero-width spaces and
 * bidi marks dropped, full-width forms as ASCII, {@code %40} as {@code @}), accepts any Luhn-valid number of 13 to 19
 * digits in a card's shape whatever its brand, any mod-97-valid IBAN in any case and spacing, e-mails behind the
 * usual disguises, phone numbers by the shapes of the contract's numbering plans, and looks inside links for the
 * parts that carry PII (WhatsApp and {@code tel:} numbers, {@code mailto:} and encoded e-mails, map positions).
 * The few look-alikes it still excuses are named right before the number (an order, tracking, EAN or ISBN label; a
 * version or lottery word): see docs/publishing.md, "Residual PII".
 *
 * <p>Cost: the view is built in one pass that also counts what the detectors need (digits, dots, colons, an
 * {@code @}, a letter), and each detector runs only when the text holds the least it needs to match: seven digits
 * for a card or phone number, four digits and three dots for an IPv4 address, an {@code @} or a spelled-out "at"
 * for an e-mail, and so on. Those prefilters are necessary conditions of the patterns themselves, so skipping a
 * detector never changes the verdict; e-mail patterns are tried only around their trigger (an {@code @}, an "at"
 * word), with the text around it visible to their look-arounds. Matchers are reused per thread. The verdict is
 * held to the plain whole-text scans it replaced on a large corpus (jvm/src/test/.../ResidualPiiEquivalenceTest).
 *
 * <p>Every loop is bounded by the text's length times a small constant and every pattern is linear (bounded or
 * possessive quantifiers), so a 20,000-character run of digits, {@code @} or {@code :} costs milliseconds.
 */
public final class ResidualPii implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;

    /** Placeholders and removed links become this: it joins nothing and is part of no token. */
    private static final char BOUNDARY = '\u0001';

    /** The types, in the order the result names them; each is one bit of a verdict. */
    private static final String[] TYPES = {"address", "card", "coords", "email", "iban", "ip", "mention", "nhs", "nino", "phone", "ssn"};
    static final int ADDRESS = 1;
    static final int CARD = 1 << 1;
    static final int COORDS = 1 << 2;
    static final int EMAIL = 1 << 3;
    static final int IBAN = 1 << 4;
    static final int IP = 1 << 5;
    static final int MENTION = 1 << 6;
    static final int NHS = 1 << 7;
    static final int NINO = 1 << 8;
    static final int PHONE = 1 << 9;
    static final int SSN = 1 << 10;

    /** Register {@code name(text)} in {@code spark} (called from Python over py4j). */
    public static void register(SparkSession spark, String name) {
        spark.udf().register(name, new ResidualPii(), DataTypes.StringType);
    }

    @Override
    public String call(String text) {
        return typesOf(text);
    }

    /** The types found in {@code text} (see the class comment), or null. Static, so tests can call it directly. */
    public static String typesOf(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        View view = View.of(text);
        Scan scan = new Scan(view);
        if (view.hasAt || view.hasLetter) {
            Emails.find(scan);
        }
        if (view.hasAt) {
            Mentions.find(scan);
        }
        if (view.digits > 0) {
            Links.find(scan);
            scan.numbers = Ibans.find(view.withoutLinks(), scan);
            Numbers.find(scan);
            Patterns.find(scan);
        }
        return scan.names();
    }

    /** One text's scan: its view, the types found so far, and the text the number detectors read. */
    static final class Scan {
        final View view;
        int found;
        /** The view with links (but personal parameters) and IBAN-shaped spans blanked: what numbers are read from. */
        String numbers;
        private String lower;

        Scan(View view) {
            this.view = view;
        }

        boolean has(int type) {
            return (found & type) != 0;
        }

        void add(int type) {
            found |= type;
        }

        /** {@link #numbers} in lower case (Locale.ROOT), made once, when a context word is first looked up. */
        String lower() {
            if (lower == null) {
                lower = numbers.toLowerCase(Locale.ROOT);
            }
            return lower;
        }

        String names() {
            if (found == 0) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            for (int k = 0; k < TYPES.length; k++) {
                if ((found & 1 << k) != 0) {
                    out.append(out.length() == 0 ? "" : ",").append(TYPES[k]);
                }
            }
            return out.toString();
        }
    }

    // --- matching helpers -------------------------------------------------------------------------------------

    /** A pattern with one matcher per thread, reset for each use (no pattern here is used inside its own loop). */
    static final class Reusable {
        final Pattern pattern;
        private final ThreadLocal<Matcher> matcher;

        Reusable(String regex) {
            pattern = Pattern.compile(regex);
            matcher = ThreadLocal.withInitial(() -> pattern.matcher(""));
        }

        Matcher on(CharSequence s) {
            return matcher.get().reset(s);
        }
    }

    /** Where a pattern's trigger is: the next position at or after {@code from}, or -1. */
    interface Trigger {
        int next(String t, int from);
    }

    /**
     * Whether {@code pattern} matches somewhere within {@code before} characters before and {@code after} after a
     * trigger. Nearby triggers share one search; the rest of the text stays visible to look-arounds (transparent
     * bounds), so a match found is one the whole-text search would accept, and every match that holds a trigger is
     * found when the bounds cover the longest match (characters, not code points: a letter may take two).
     */
    static boolean findAround(Reusable pattern, String t, Trigger trigger, int before, int after) {
        int n = t.length();
        int from = -1;
        int to = -1;
        for (int p = trigger.next(t, 0); p >= 0; p = trigger.next(t, p + 1)) {
            int a = Math.max(0, p - before);
            int b = (int) Math.min(n, (long) p + after);
            if (from >= 0 && a <= to) {
                to = b;
                continue;
            }
            if (from >= 0 && findIn(pattern, t, from, to)) {
                return true;
            }
            from = a;
            to = b;
        }
        return from >= 0 && findIn(pattern, t, from, to);
    }

    private static boolean findIn(Reusable pattern, String t, int from, int to) {
        Matcher m = pattern.on(t);
        m.useTransparentBounds(true).useAnchoringBounds(false);
        return m.region(from, to).find();
    }

    /** Whether {@code t} holds {@code word} (lower-case ASCII letters and marks), ASCII letters in any case. */
    static boolean containsAsciiIgnoreCase(String t, String word) {
        int last = t.length() - word.length();
        char first = word.charAt(0);
        for (int i = 0; i <= last; i++) {
            if (asciiEq(t.charAt(i), first) && regionAsciiIgnoreCase(t, i, word)) {
                return true;
            }
        }
        return false;
    }

    static boolean regionAsciiIgnoreCase(String t, int at, String word) {
        if (at < 0 || at + word.length() > t.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (!asciiEq(t.charAt(at + k), word.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** {@code c} is {@code lower}, or its upper case when {@code lower} is an ASCII letter (as {@code (?i)} does). */
    static boolean asciiEq(char c, char lower) {
        return c == lower || lower >= 'a' && lower <= 'z' && c == lower - 32;
    }

    /** {@code \s} in Java's patterns (without UNICODE_CHARACTER_CLASS). */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // --- the normalised view ----------------------------------------------------------------------------------

    static final class View {
        final String text;
        /** ASCII digits in the view (every Unicode decimal digit is one): most detectors need several. */
        final int digits;
        final int dots;
        final int colons;
        final boolean hasAt;
        final boolean hasLetter;

        private View(String text, int digits, int dots, int colons, boolean hasAt, boolean hasLetter) {
            this.text = text;
            this.digits = digits;
            this.dots = dots;
            this.colons = colons;
            this.hasAt = hasAt;
            this.hasLetter = hasLetter;
        }

        static View of(String s) {
            int n = s.length();
            int digits = 0;
            int dots = 0;
            int colons = 0;
            boolean at = false;
            boolean letter = false;
            // Printable ASCII but '<' and '%', and '\n', is its own normal form: counted, not copied. Most texts are
            // that throughout; the first other character hands over to the full normalisation below.
            int i = 0;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                    letter = true;
                } else if (c >= '0' && c <= '9') {
                    digits++;
                } else if (c == '.') {
                    dots++;
                } else if (c == ':') {
                    colons++;
                } else if (c == '@') {
                    at = true;
                } else if (c < ' ' && c != '\n' || c > '~' || c == '<' || c == '%') {
                    break;
                }
            }
            if (i == n) {
                return new View(s, digits, dots, colons, at, letter);
            }
            StringBuilder out = new StringBuilder(n);
            out.append(s, 0, i);
            while (i < n) {
                char c = s.charAt(i);
                if (c == '<') {
                    int end = placeholderEnd(s, i);
                    if (end > 0) {
                        out.append(BOUNDARY);
                        i = end;
                        continue;
                    }
                }
                if (c == '%' && i + 2 < n) {
                    char a = s.charAt(i + 1);
                    char b = Character.toUpperCase(s.charAt(i + 2));
                    char decoded = a == '4' && b == '0' ? '@' : a == '2' && b == 'B' ? '+' : a == '2' && b == 'C' ? ','
                            : a == '2' && b == '0' ? ' ' : 0;
                    if (decoded != 0) {
                        out.append(decoded);
                        at |= decoded == '@';
                        i += 3;
                        continue;
                    }
                }
                int cp;
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    cp = Character.toCodePoint(c, s.charAt(i + 1));
                    i += 2;
                } else {
                    cp = c;
                    i += 1;
                }
                if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                    out.append(' '); // half a pair: shown as a replacement mark, a separator at most
                    continue;
                }
                if (cp >= 0xFF01 && cp <= 0xFF5E) {
                    cp -= 0xFEE0; // full-width ASCII
                }
                int type = Character.getType(cp);
                if (type == Character.DECIMAL_DIGIT_NUMBER) {
                    int value = Character.digit(cp, 10);
                    if (value >= 0) {
                        out.append((char) ('0' + value));
                        digits++;
                        continue;
                    }
                }
                if (type == Character.FORMAT) {
                    continue; // zero-width spaces and joiners, bidi marks, soft hyphens, BOM: invisible, so they join
                }
                if (cp == '\r' && i < n && s.charAt(i) == '\n') {
                    continue; // \r\n: one line break, written at the \n
                }
                if (cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR) {
                    out.append('\n'); // a line break: a separator inside a number, the end of a line of an address
                    continue;
                }
                if (type == Character.SPACE_SEPARATOR || cp == '\t') {
                    out.append(' ');
                    continue;
                }
                if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63) {
                    out.append('-');
                    continue;
                }
                if (cp == '@') {
                    at = true;
                } else if (cp == '.') {
                    dots++;
                } else if (cp == ':') {
                    colons++;
                } else if (Character.isLetter(cp)) {
                    letter = true;
                }
                out.appendCodePoint(cp);
            }
            return new View(out.toString(), digits, dots, colons, at, letter);
        }

        /** End of a placeholder {@code <[A-Z_]+>} starting at {@code i}, or -1. */
        private static int placeholderEnd(String s, int i) {
            int j = i + 1;
            while (j < s.length() && j - i <= 40) {
                char c = s.charAt(j);
                if (c == '>') {
                    return j > i + 1 ? j + 1 : -1;
                }
                if (!(c >= 'A' && c <= 'Z') && c != '_') {
                    return -1;
                }
                j++;
            }
            return -1;
        }

        private static final Reusable LINK = new Reusable("(?i)(?:https?://|www\\.)[^\\s<>\"'\\u0001]{1,2000}+");
        private static final Pattern PARAMETER = Pattern.compile("[?&#;]([A-Za-z_]{1,20})=([^&#\\s]{1,200})");
        /** Query parameters whose value is personal whenever it is a number or an address. */
        private static final Set<String> PERSONAL_PARAMETERS = Set.of(
                "phone", "tel", "telephone", "mobile", "cell", "whatsapp", "wa", "number", "contact", "card", "cc",
                "ccnum", "iban", "account", "ssn", "nino", "nhs", "email", "mail", "e", "address", "addr");

        /** The text with every http(s)/www link blanked, except the values of personal query parameters. */
        String withoutLinks() {
            if (!containsAsciiIgnoreCase(text, "http") && !containsAsciiIgnoreCase(text, "www.")) {
                return text; // no link can start
            }
            Matcher m = LINK.on(text);
            if (!m.find()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text);
            do {
                for (int k = m.start(); k < m.end(); k++) {
                    out.setCharAt(k, BOUNDARY);
                }
                Matcher p = PARAMETER.matcher(m.group());
                while (p.find()) {
                    if (PERSONAL_PARAMETERS.contains(p.group(1).toLowerCase(Locale.ROOT))) {
                        int from = m.start() + p.start(2);
                        for (int k = from; k < m.start() + p.end(2); k++) {
                            out.setCharAt(k, text.charAt(k));
                        }
                        out.setCharAt(from - 1, ' ');
                    }
                }
            } while (m.find());
            return out.toString();
        }
    }

    // --- e-mails ----------------------------------------------------------------------------------------------

    static final class Emails {
        private static final String LOCAL = "[\\p{L}\\p{N}._%+\\-]{1,64}+";
        private static final String LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,62}+)";
        private static final Reusable COMPACT = new Reusable(
                "(?<![\\p{L}\\p{N}._%+\\-])" + LOCAL + "@" + LABEL + "(?:\\." + LABEL + "){0,6}\\.[\\p{L}]{2,24}+(?![\\p{L}\\p{N}])");
        private static final String TLD = "(?:com|net|org|edu|gov|info|io|co|me|eu|uk|de|fr|es|it|pt|br|in|au|ie|nl|be|ch|at|"
                + "pl|se|no|dk|fi|jp|ca|us|ru|mx|ar|cl|za|nz|biz|online|email|mail)";
        private static final String AT = "(?:\\s{0,2}(?:@|[\\[({<]\\s?(?:at|ät|@|arroba|arobase)\\s?[\\])}>])\\s{0,2}"
                + "|\\s{1,2}(?:at|ät|arroba|arobase|chiocciola)\\s{1,2})";
        private static final String DOT = "(?:\\s{0,2}(?:\\.|[\\[({]\\s?(?:dot|punkt|point|punto|ponto)\\s?[\\])}])\\s{0,2}"
                + "|\\s{1,2}(?:dot|punkt|point|punto|ponto)\\s{1,2})";
        /** Disguised forms: the at and the dots spelled, bracketed or spaced; the top-level domain must be a known one. */
        private static final Reusable DISGUISED = new Reusable(
                "(?iu)(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{2,64}+" + AT
                        + "[\\p{L}\\p{N}\\-]{1,63}+(?:" + DOT + "[\\p{L}\\p{N}\\-]{1,63}+){0,4}?" + DOT + TLD + "(?![\\p{L}\\p{N}])");
        /** Characters a match may take before its trigger, and after it: 64 code points of local part (each up to
         * two characters) and the at's spaces and bracket; the domain's labels and dots, with room to spare. */
        private static final int BEFORE = 160;
        private static final int COMPACT_AFTER = 1_000;
        private static final int DISGUISED_AFTER = 800;
        private static final String[] AT_WORDS = {"at", "ät", "arroba", "arobase", "chiocciola"};

        static void find(Scan scan) {
            String t = scan.view.text;
            if (scan.view.hasAt && findAround(COMPACT, t, Emails::nextAt, BEFORE, COMPACT_AFTER)) {
                scan.add(EMAIL);
                return;
            }
            if (hinted(t) && findAround(DISGUISED, t, Emails::nextSpelledAt, BEFORE, DISGUISED_AFTER)) {
                scan.add(EMAIL);
            }
        }

        static int nextAt(String t, int from) {
            return t.indexOf('@', from);
        }

        /**
         * Where the disguised pattern's at may be: an {@code @}, or one of its at words (in any case, as
         * {@code (?iu)} compares) after a space or an opening bracket and before a space or a closing one.
         */
        static int nextSpelledAt(String t, int from) {
            int n = t.length();
            for (int i = Math.max(from, 0); i < n; i++) {
                char c = t.charAt(i);
                if (c == '@') {
                    return i;
                }
                // Every at word starts with a, ä or c: other ASCII characters fold to none of them.
                if (c < 0x80 && (c | 0x20) != 'a' && (c | 0x20) != 'c' || i == 0 || !(isSpace(t.charAt(i - 1)) || isOpening(t.charAt(i - 1)))) {
                    continue;
                }
                for (String word : AT_WORDS) {
                    int end = i + word.length();
                    if (end < n && foldedAt(t, i, word) && (isSpace(t.charAt(end)) || isClosing(t.charAt(end)))) {
                        return i;
                    }
                }
            }
            return -1;
        }

        /** {@code word} at {@code i}, each character compared in every case Java's {@code (?iu)} may fold it to. */
        private static boolean foldedAt(String t, int i, String word) {
            for (int k = 0; k < word.length(); k++) {
                char c = t.charAt(i + k);
                char w = word.charAt(k);
                if (c != w && Character.toLowerCase(Character.toUpperCase(c)) != w && Character.toLowerCase(c) != w
                        && Character.toUpperCase(c) != Character.toUpperCase(w)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * {@code (?i)@|\sat\s|\sät\s|arroba|arobase|chiocciola|[\[({<]\s?(?:at|ät|@)\s?[\])}>]}, the hint that
         * lets the disguised pattern run, read by hand: {@code (?i)} folds ASCII letters only.
         */
        static boolean hinted(String t) {
            int n = t.length();
            for (int i = 0; i < n; i++) {
                char c = t.charAt(i);
                if (c == '@') {
                    return true;
                }
                if (isSpace(c) && i + 3 < n && isSpace(t.charAt(i + 3)) && atWord(t, i + 1)) {
                    return true;
                }
                if (isOpening(c)) {
                    int j = i + 1 < n && isSpace(t.charAt(i + 1)) ? i + 2 : i + 1;
                    if (j + 2 <= n && atWord(t, j)) {
                        int k = j + 2 < n && isSpace(t.charAt(j + 2)) ? j + 3 : j + 2;
                        if (k < n && isClosing(t.charAt(k))) {
                            return true;
                        }
                    }
                }
                if ((c | 0x20) == 'a' && (regionAsciiIgnoreCase(t, i, "arroba") || regionAsciiIgnoreCase(t, i, "arobase"))
                        || (c | 0x20) == 'c' && regionAsciiIgnoreCase(t, i, "chiocciola")) {
                    return true;
                }
            }
            return false;
        }

        static boolean isOpening(char c) {
            return c == '[' || c == '(' || c == '{' || c == '<';
        }

        static boolean isClosing(char c) {
            return c == ']' || c == ')' || c == '}' || c == '>';
        }

        /** "at" (ASCII case) or "ät" / "äT" at {@code i}. */
        private static boolean atWord(String t, int i) {
            return i + 1 < t.length() && (asciiEq(t.charAt(i), 'a') || t.charAt(i) == 'ä') && asciiEq(t.charAt(i + 1), 't');
        }
    }

    // --- @-mentions -------------------------------------------------------------------------------------------

    static final class Mentions {
        private static final Reusable TIME = new Reusable("(?i)[0-9]{1,2}(?:[:.h][0-9]{2})?(?:am|pm|h|uhr)?");

        static void find(Scan scan) {
            String t = scan.view.text;
            int n = t.length();
            for (int i = t.indexOf('@'); i >= 0; i = t.indexOf('@', i + 1)) {
                char before = i > 0 ? t.charAt(i - 1) : ' ';
                // After a letter or digit it is an e-mail; after "/" a public link's path (medium.com/@author).
                if (Character.isLetterOrDigit(before) || before == '_' || before == '/' || before == '@') {
                    continue;
                }
                int j = i + 1;
                boolean letter = false;
                while (j < n && j - i <= 31) {
                    char c = t.charAt(j);
                    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                        letter = true;
                    } else if (!(c >= '0' && c <= '9') && c != '_' && c != '.') {
                        break;
                    }
                    j++;
                }
                int end = j;
                while (end > i + 1 && t.charAt(end - 1) == '.') {
                    end--; // the handle without the full stops after it
                }
                if (end - i - 1 >= 2 && letter && !TIME.on(t.subSequence(i + 1, end)).matches()) {
                    scan.add(MENTION);
                    return;
                }
            }
        }
    }

    // --- links ------------------------------------------------------------------------------------------------

    static final class Links {
        private static final Reusable WHATSAPP = new Reusable(
                "(?i)(?:wa\\.me/|whatsapp\\.com/send/?\\?(?:[^\\s]{0,100}?&)?phone=|whatsapp://send\\?phone=|tel:\\s?)\\+?([0-9][0-9\\-. ()]{5,24}+)");
        private static final String LAT = "(-?[0-9]{1,2}\\.[0-9]{3,}+)";
        private static final String LON = "(-?[0-9]{1,3}\\.[0-9]{3,}+)";
        private static final Reusable MAP = new Reusable(
                "(?i)(?:#map=[0-9]{1,2}/" + LAT + "/" + LON + "|/@" + LAT + "," + LON
                        + "|[?&](?:q|ll|sll|cbll|query|center|destination|daddr|saddr)=" + LAT + ", ?" + LON
                        + "|geo: ?(-?[0-9]{1,2}(?:\\.[0-9]+)?), ?(-?[0-9]{1,3}(?:\\.[0-9]+)?))");

        static void find(Scan scan) {
            View view = scan.view;
            String t = view.text;
            // A link's number needs its prefix and seven digits; a map position "=", "/@" or "geo:", and two digits.
            if (view.digits >= 7 && (containsAsciiIgnoreCase(t, "wa.me/") || containsAsciiIgnoreCase(t, "whatsapp")
                    || containsAsciiIgnoreCase(t, "tel:"))) {
                Matcher w = WHATSAPP.on(t);
                while (w.find()) {
                    int digits = digitCount(w.group(1));
                    if (digits >= 7 && digits <= 15) {
                        scan.add(PHONE);
                        break;
                    }
                }
            }
            if (view.digits >= 2 && (t.indexOf('=') >= 0 || t.contains("/@") || containsAsciiIgnoreCase(t, "geo:"))) {
                Matcher m = MAP.on(t);
                while (m.find()) {
                    for (int g = 1; g <= 7; g += 2) {
                        if (m.group(g) != null && inRange(m.group(g), 90) && inRange(m.group(g + 1), 180)) {
                            scan.add(COORDS);
                            return;
                        }
                    }
                }
            }
        }

        static int digitCount(String s) {
            int count = 0;
            for (int k = 0; k < s.length(); k++) {
                count += isDigit(s.charAt(k)) ? 1 : 0;
            }
            return count;
        }

        static boolean inRange(String number, double limit) {
            try {
                return Math.abs(Double.parseDouble(number)) <= limit;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    // --- numbers: cards, phones, SSNs, NHS numbers --------------------------------------------------------------

    /** Words that, right before a number, say what it is not (an order, a parcel, a barcode, a book, a draw). */
    private static final Reusable NOT_PII_LABEL = new Reusable(
            "(?<![\\p{L}])(?:order|bestell\\w*|commande|pedido|ordine|encomenda|invoice|rechnung|facture|fatura|factura|fattura|"
                    + "tracking|sendung\\w*|paket\\w*|parcel|suivi|colis|rastreio|seguimiento|env[ií]o|spedizione|"
                    + "ups|usps|dhl|fedex|dpd|gls|hermes|ean|ean-13|gtin|upc|barcode|strichcode|code-barres|"
                    + "c[oó]digo de barras|isbn|issn|timestamp|ts|lotto|loto|lottery|euromillions|powerball|primitiva|"
                    + "mega-sena|superenalotto|keno|version|versi[oó]n|vers[aã]o|build|firmware|release)[^\\p{L}\\p{N}]{0,6}+(?:(?:no|nr|n°|nº|number|nummer|num[eé]ro|#)[^\\p{L}\\p{N}]{0,4}+)?"
                    + "(?:(?:ups|usps|dhl|fedex|dpd|gls|hermes|paket)[^\\p{L}\\p{N}]{0,3}+)?$");
    private static final Reusable PHONE_WORD = new Reusable(
            "(?<![\\p{L}])(?:(?:call|tel|ring|wa|sms|text|txt|zap|liga|ruf|cell|fon)(?![\\p{L}])|phone|mobile|whatsapp|handy|telefon|"
                    + "anruf|t[eé]l[eé]phone|portable|appel|llam|m[oó]vil|tel[eé]fono|celular|telefone|cellulare|chiam|contact|"
                    + "kontakt|contato|contacto)|फ़ोन|फोन|नंबर|कॉल|اتصل|رقم|واتساب|電話|携帯|連絡");
    private static final Reusable SSN_WORD = new Reusable(
            "(?<![\\p{L}])(?:ssn|ss#|social security|soc\\.? sec|seguro social|s[eé]curit[eé] sociale|sozialversicherung)");
    private static final Reusable NHS_WORD = new Reusable("nhs");

    /** The words before a run of digits (in lower case), each kind looked up once, and only when a rule asks. */
    static final class Words {
        private final Scan scan;
        private final int at;
        private String clause;
        private int vetoed = -1;
        private int phone = -1;
        private int ssn = -1;
        private int nhs = -1;

        Words(Scan scan, int at) {
            this.scan = scan;
            this.at = at;
        }

        /** An order, tracking, barcode, book, draw or version label right before the number. */
        boolean vetoed() {
            if (vetoed < 0) {
                vetoed = NOT_PII_LABEL.on(scan.lower().substring(Math.max(0, at - 30), at)).find() ? 1 : 0;
            }
            return vetoed == 1;
        }

        boolean phone() {
            if (phone < 0) {
                phone = PHONE_WORD.on(clause()).find() ? 1 : 0;
            }
            return phone == 1;
        }

        boolean ssn() {
            if (ssn < 0) {
                ssn = SSN_WORD.on(clause()).find() ? 1 : 0;
            }
            return ssn == 1;
        }

        boolean nhs() {
            if (nhs < 0) {
                nhs = NHS_WORD.on(clause()).find() ? 1 : 0;
            }
            return nhs == 1;
        }

        private String clause() {
            if (clause == null) {
                clause = Numbers.clause(scan.lower().substring(Math.max(0, at - 40), at));
            }
            return clause;
        }
    }

    static final class Numbers {
        private static final int NUMBER_TYPES = CARD | PHONE | SSN | NHS;

        /** One run of digit groups joined by short separators: digits, the separator before each group, and where it starts. */
        static void find(Scan scan) {
            if (scan.view.digits < 7 || (scan.found & NUMBER_TYPES) == NUMBER_TYPES) {
                return; // no rule takes fewer than seven digits
            }
            String t = scan.numbers;
            int n = t.length();
            int i = 0;
            int[] starts = new int[64];
            int[] ends = new int[64];
            while (i < n) {
                if (!isDigit(t.charAt(i))) {
                    i++;
                    continue;
                }
                int count = 0;
                int j = i;
                while (j < n && count < 64) {
                    int s = j;
                    while (j < n && isDigit(t.charAt(j))) {
                        j++;
                    }
                    starts[count] = s;
                    ends[count] = j;
                    count++;
                    int k = j;
                    while (k < n && k - j < 3 && isJoiner(t.charAt(k))) {
                        k++;
                    }
                    if (k == j || k >= n || !isDigit(t.charAt(k)) || !joinerRunOk(t, j, k)) {
                        break;
                    }
                    j = k;
                }
                checkRun(scan, starts, ends, 0, count);
                // A list, one number a line, is also read line by line (each line its own run).
                int from = 0;
                for (int g = 1; g <= count; g++) {
                    if (g == count || t.substring(ends[g - 1], starts[g]).indexOf('\n') >= 0) {
                        if (from > 0 || g < count) {
                            checkRun(scan, starts, ends, from, g);
                        }
                        from = g;
                    }
                }
                i = ends[count - 1];
                if (count == 64) {
                    // A very long run (thousands of groups): go on from its last group, which overlaps nothing real.
                    i = ends[count - 1] + 1;
                }
            }
        }

        static boolean isJoiner(char c) {
            return c == ' ' || c == '\n' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
        }

        /** At most one non-space separator between two groups (" - ", ") ", "/"), or "(0)"-style brackets. */
        static boolean joinerRunOk(String t, int from, int to) {
            if (t.charAt(from) == '.' && to > from + 1) {
                return false; // ". ": a sentence's end
            }
            if (to - from == 3 && t.charAt(from) == ' ' && t.charAt(from + 1) == '-' && t.charAt(from + 2) == ' ') {
                return false; // " - ": between the items of a list
            }
            boolean lineBreak = false;
            boolean other = false;
            for (int k = from; k < to; k++) {
                lineBreak |= t.charAt(k) == '\n';
                other |= t.charAt(k) != '\n' && t.charAt(k) != ' ';
            }
            if (lineBreak && other) {
                return false; // a number broken over two lines is broken by the break alone
            }
            int marks = 0;
            for (int k = from; k < to; k++) {
                char c = t.charAt(k);
                if (c != ' ' && c != '\n' && c != '(' && c != ')') {
                    marks++;
                }
            }
            return marks <= 1;
        }

        static char sepClass(String t, int from, int to) {
            for (int k = from; k < to; k++) {
                char c = t.charAt(k);
                if (c != ' ' && c != '\n') {
                    return c;
                }
            }
            return ' ';
        }

        static void checkRun(Scan scan, int[] allStarts, int[] allEnds, int from, int to) {
            String t = scan.numbers;
            int count = to - from;
            int[] starts = java.util.Arrays.copyOfRange(allStarts, from, to);
            int[] ends = java.util.Arrays.copyOfRange(allEnds, from, to);
            int total = 0;
            for (int g = 0; g < count; g++) {
                total += ends[g] - starts[g];
            }
            if (total < 7) {
                return; // no rule takes fewer than seven digits: spare the context words
            }
            int runStart = starts[0];
            int runEnd = ends[count - 1];
            if (runStart > 0 && isLatinLetter(t.charAt(runStart - 1)) || runEnd < t.length() && isLatinLetter(t.charAt(runEnd))) {
                return; // part of a code (1Z999AA1..., SM-G991B, CV32): an IBAN, a postcode or a NINO is checked on its own
            }
            if (isbnLike(t, starts, ends, count)) {
                return;
            }
            boolean plus = plusBefore(t, runStart);
            Words words = new Words(scan, runStart);
            for (int a = 0; a < count; a++) {
                StringBuilder digits = new StringBuilder();
                for (int b = a; b < count; b++) {
                    digits.append(t, starts[b], ends[b]);
                    if (digits.length() > 19) {
                        break;
                    }
                    if (digits.length() < 7) {
                        continue; // no rule takes fewer than seven digits
                    }
                    if ((scan.found & NUMBER_TYPES) == NUMBER_TYPES) {
                        return;
                    }
                    int groups = b - a + 1;
                    String d = digits.toString();
                    boolean whole = a == 0 && b == count - 1;
                    // The label before the number is looked up once a rule holds: most runs hold none.
                    if (!scan.has(CARD) && isCard(t, starts, ends, a, b, d, count) && !words.vetoed()) {
                        scan.add(CARD);
                    }
                    if (!scan.has(PHONE) && isPhone(t, starts, ends, a, b, d, whole, plus && a == 0, words, count) && !words.vetoed()) {
                        scan.add(PHONE);
                    }
                    if (!scan.has(SSN) && isSsn(t, starts, ends, a, b, d, words) && !words.vetoed()) {
                        scan.add(SSN);
                    }
                    if (!scan.has(NHS) && isNhs(starts, ends, a, b, d, words, groups) && !words.vetoed()) {
                        scan.add(NHS);
                    }
                }
            }
        }

        /** Hyphenated ISBN: four or five groups joined by "-", ten or thirteen digits (the last may be an X). */
        static boolean isbnLike(String t, int[] starts, int[] ends, int count) {
            int digits = 0;
            for (int g = 0; g < count; g++) {
                digits += len(starts, ends, g);
                if (g > 0 && sepClass(t, ends[g - 1], starts[g]) != '-') {
                    return false;
                }
            }
            int end = ends[count - 1];
            boolean x = end + 1 < t.length() && t.charAt(end) == '-' && (t.charAt(end + 1) == 'X' || t.charAt(end + 1) == 'x');
            boolean bookland = t.startsWith("978", starts[0]) || t.startsWith("979", starts[0]);
            return count == 4 && digits == 10 || count == 5 && digits == 13 && bookland || x && count == 3 && digits == 9;
        }

        /** The end of {@code s} back to the last clause break: a context word says something about its own clause only. */
        static String clause(String s) {
            for (int k = s.length() - 1; k >= 0; k--) {
                char c = s.charAt(k);
                if (c == BOUNDARY || c == '|' || c == '(' || c == ')' || c == '!' || c == '?' || c == ';'
                        || c == '.' && k + 1 < s.length() && s.charAt(k + 1) == ' ' && !abbreviated(s, k)) {
                    return s.substring(k + 1);
                }
            }
            return s;
        }

        /** "no.", "nr.", "tel.": one to three letters before a full stop are an abbreviation, not a sentence's end. */
        static boolean abbreviated(String s, int dot) {
            int k = dot - 1;
            while (k >= 0 && Character.isLetter(s.charAt(k))) {
                k--;
            }
            int letters = dot - 1 - k;
            return letters >= 1 && letters <= 3 && (k < 0 || !Character.isLetterOrDigit(s.charAt(k)));
        }

        static boolean isLatinLetter(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }

        /** A year after a day or month ("15.03.2024", "03/2024"): a date, whatever follows it. */
        static boolean dateLike(String t, int[] starts, int[] ends, int a, int b) {
            for (int g = a; g < b; g++) {
                if (len(starts, ends, g) == 4 && len(starts, ends, g + 1) <= 2 && "./-".indexOf(sepClass(t, ends[g], starts[g + 1])) >= 0
                        && (t.startsWith("19", starts[g]) || t.startsWith("20", starts[g]))) {
                    return true; // 2024-03-15
                }
            }
            for (int g = a + 1; g <= b; g++) {
                if (len(starts, ends, g) == 4 && len(starts, ends, g - 1) <= 2 && "./-".indexOf(sepClass(t, ends[g - 1], starts[g])) >= 0
                        && (t.startsWith("19", starts[g]) || t.startsWith("20", starts[g]))) {
                    return true;
                }
            }
            return false;
        }

        private static final Reusable DATE_TIME = new Reusable("(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-2][0-9][0-5][0-9][0-5][0-9]");

        static boolean plusBefore(String t, int at) {
            int k = at - 1;
            while (k >= 0 && k >= at - 3 && (t.charAt(k) == ' ' || t.charAt(k) == '(')) {
                k--;
            }
            return k >= 0 && t.charAt(k) == '+';
        }

        static boolean g3(int[] starts, int[] ends, int a, int x, int y, int z) {
            return len(starts, ends, a) == x && len(starts, ends, a + 1) == y && len(starts, ends, a + 2) == z;
        }

        static int len(int[] starts, int[] ends, int g) {
            return ends[g] - starts[g];
        }

        /** Same separator class between every pair of groups a..b. */
        static boolean uniform(String t, int[] starts, int[] ends, int a, int b) {
            if (a == b) {
                return true;
            }
            char first = sepClass(t, ends[a], starts[a + 1]);
            for (int g = a + 1; g < b; g++) {
                if (sepClass(t, ends[g], starts[g + 1]) != first) {
                    return false;
                }
            }
            return first != '(' && first != ')';
        }

        static boolean isCard(String t, int[] starts, int[] ends, int a, int b, String d, int count) {
            if (d.length() < 13 || d.length() > 19 || d.charAt(0) == '0' || !luhn(d) || DATE_TIME.on(d).matches() || isbn13(d)) {
                return false;
            }
            if (a == b) {
                return true; // compact
            }
            if (a != 0 || !uniform(t, starts, ends, a, b)) {
                return false; // a card is written from its first group, with one kind of separator
            }
            int groups = b - a + 1;
            boolean fours = true;
            for (int g = a; g < b; g++) {
                fours &= len(starts, ends, g) == 4;
            }
            int last = len(starts, ends, b);
            if (fours && last >= 1 && last <= 4) {
                return true; // 4-4-4-4, 4-4-4-3, 4-4-4-4-3 ...
            }
            // Amex and Diners: 4-6-5, 4-6-4.
            return groups == 3 && len(starts, ends, a) == 4 && len(starts, ends, a + 1) == 6 && (last == 5 || last == 4);
        }

        /** A book's EAN (978/979 and the EAN-13 check): no card network issues numbers there. */
        static boolean isbn13(String d) {
            if (d.length() != 13 || !(d.startsWith("978") || d.startsWith("979"))) {
                return false;
            }
            int sum = 0;
            for (int k = 0; k < 12; k++) {
                sum += (d.charAt(k) - '0') * (k % 2 == 0 ? 1 : 3);
            }
            return (10 - sum % 10) % 10 == d.charAt(12) - '0';
        }

        static boolean luhn(String d) {
            int sum = 0;
            boolean twice = false;
            for (int k = d.length() - 1; k >= 0; k--) {
                int v = d.charAt(k) - '0';
                if (twice) {
                    v *= 2;
                    if (v > 9) {
                        v -= 9;
                    }
                }
                sum += v;
                twice = !twice;
            }
            return sum % 10 == 0;
        }

        static boolean isPhone(String t, int[] starts, int[] ends, int a, int b, String d, boolean whole, boolean plus,
                               Words words, int count) {
            int groups = b - a + 1;
            int n = d.length();
            if (n < 7 || dateLike(t, starts, ends, a, b)) {
                return false;
            }
            if (plus) {
                return n >= 8 && n <= 15 && d.charAt(0) != '0';
            }
            if (d.startsWith("00") && n >= 10 && n <= 17 && d.charAt(2) != '0' && a == 0) {
                return groups > 1 || words.phone(); // a compact 00 number needs a word: EAN-13s start with 00 too
            }
            boolean twos = true;
            for (int g = a + 1; g <= b; g++) {
                twos &= len(starts, ends, g) == 2;
            }
            boolean ssnShape = groups == 3 && g3(starts, ends, a, 3, 2, 4);
            if (d.charAt(0) == '0' && d.charAt(1) != '0' && n >= 9 && n <= 12 && !ssnShape) {
                // National trunk forms (GB, DE, FR, IE, IN, BR, AU). Runs of two-digit groups are French only as five.
                if (groups > 2 && twos && !(groups == 5 && whole)) {
                    return false;
                }
                return groups > 1 ? a == 0 || words.phone() : true;
            }
            int[] g = new int[groups];
            for (int k = 0; k < groups; k++) {
                g[k] = len(starts, ends, a + k);
            }
            // North American 3-3-4 and 1-3-3-4 (the area code's middle digit is never 9; neither part starts with 0 or 1).
            String nanp = n == 11 && d.charAt(0) == '1' ? d.substring(1) : n == 10 ? d : null;
            boolean nanpShape = nanp != null && (java.util.Arrays.equals(g, new int[] {3, 3, 4})
                    || java.util.Arrays.equals(g, new int[] {1, 3, 3, 4}) && d.charAt(0) == '1');
            if (nanp != null && nanp.charAt(0) >= '2' && nanp.charAt(1) != '9' && nanp.charAt(3) >= '2') {
                if (nanpShape || groups == 1 && words.phone()) {
                    return true;
                }
            }
            // India 5-5 mobiles; Brazil 2-4-4 / 2-5-4 with an area code.
            if (n == 10 && java.util.Arrays.equals(g, new int[] {5, 5}) && d.charAt(0) >= '6') {
                return true;
            }
            if ((n == 10 || n == 11) && groups == 3 && g[0] == 2 && (g[1] == 4 || g[1] == 5) && g[2] == 4
                    && d.charAt(0) != '0' && d.charAt(1) != '0') {
                return true;
            }
            // Anything 9 to 15 digits long right after a phone word.
            return a == 0 && n >= 9 && n <= 15 && d.charAt(0) != '0' && groups <= 4 && words.phone();
        }

        static boolean isSsn(String t, int[] starts, int[] ends, int a, int b, String d, Words words) {
            if (d.length() != 9) {
                return false;
            }
            boolean shaped = b - a == 2 && len(starts, ends, a) == 3 && len(starts, ends, a + 1) == 2
                    && uniform(t, starts, ends, a, b) && "- .".indexOf(sepClass(t, ends[a], starts[a + 1])) >= 0;
            if (!shaped && !(a == b && words.ssn())) {
                return false;
            }
            int area = Integer.parseInt(d.substring(0, 3));
            int group = Integer.parseInt(d.substring(3, 5));
            int serial = Integer.parseInt(d.substring(5));
            return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
        }

        static boolean isNhs(int[] starts, int[] ends, int a, int b, String d, Words words, int groups) {
            if (d.length() != 10) {
                return false;
            }
            boolean shaped = groups == 1 || groups == 3 && len(starts, ends, a) == 3 && len(starts, ends, a + 1) == 3;
            if (!shaped) {
                return false;
            }
            int sum = 0;
            for (int k = 0; k < 9; k++) {
                sum += (d.charAt(k) - '0') * (10 - k);
            }
            int check = 11 - sum % 11;
            check = check == 11 ? 0 : check;
            if (check == 10 || check != d.charAt(9) - '0') {
                return false;
            }
            char first = d.charAt(0);
            return first == '3' || first == '4' || first == '6' || first == '7' || words.nhs();
        }
    }

    // --- IBANs ------------------------------------------------------------------------------------------------

    static final class Ibans {
        static final Map<String, Integer> LENGTHS = Map.ofEntries(
                Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
                Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
                Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
                Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
                Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
                Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
                Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
                Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
                Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
                Map.entry("LV", 21), Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22),
                Map.entry("MK", 19), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18),
                Map.entry("NO", 15), Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25),
                Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31),
                Map.entry("SD", 18), Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27),
                Map.entry("ST", 25), Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26),
                Map.entry("UA", 29), Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20));

        /**
         * Any country code (any case, glued to the word before or not), two check digits, then the BBAN's letters
         * and digits across spaces, dashes, dots or slashes, to the country's length; mod 97 decides. Returns
         * {@code t} with every IBAN-shaped span (the country's length, any check digits) blanked, so that the digits
         * of a mistyped IBAN are not read as a card or a phone number.
         */
        static String find(String t, Scan scan) {
            if (scan.view.digits < 2) {
                return t; // the check digits are two digits
            }
            StringBuilder blanked = null;
            int n = t.length();
            char[] buf = new char[34];
            for (int i = 0; i + 3 < n; i++) {
                char c0 = Character.toUpperCase(t.charAt(i));
                char c1 = Character.toUpperCase(t.charAt(i + 1));
                if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z') {
                    continue;
                }
                int k = i + 2;
                while (k < n && k - i < 5 && isSeparator(t.charAt(k))) {
                    k++;
                }
                if (k >= n || !isDigit(t.charAt(k))) {
                    continue;
                }
                Integer length = LENGTHS.get(String.valueOf(new char[] {c0, c1}));
                if (length == null) {
                    continue;
                }
                buf[0] = c0;
                buf[1] = c1;
                int got = 2;
                int gap = 0;
                int group = 0; // BBAN groups started (the check digits are group 0)
                int groupLength = 0;
                boolean groupHasDigit = false;
                boolean regular = true; // every group so far four characters long
                int letters = 0;
                // Written in lower case, an IBAN is only taken in its usual shape (compact or in fours, the check digits
                // glued to the country): lower-case words ("es 12 de mayo") are not bank codes.
                boolean lowerCase = Character.isLowerCase(t.charAt(i + 1));
                boolean ccGlued = k == i + 2;
                boolean markInGap = false; // a gap is up to three spaces, or one "-", ".", "/" or line break
                while (k < n && got < length) {
                    char c = t.charAt(k);
                    if (c < 0x80 && Character.isLetterOrDigit(c)) {
                        if (got < 4 && !isDigit(c)) {
                            break; // the check digits are digits
                        }
                        if (gap > 0 || got == 4) {
                            if (group >= 1 && groupLength != 4) {
                                regular = false;
                            }
                            group++;
                            groupLength = 0;
                            groupHasDigit = false;
                        }
                        if (Character.isLowerCase(c) != lowerCase && Character.isLetter(c)) {
                            break; // case changes: a word starts
                        }
                        groupHasDigit |= isDigit(c);
                        letters += isDigit(c) ? 0 : 1;
                        buf[got++] = Character.toUpperCase(c);
                        groupLength++;
                        gap = 0;
                        markInGap = false;
                    } else if (isSeparator(c) && gap < 3 && (c == ' ' || c == '\n' ? !markInGap : gap == 0)) {
                        markInGap |= c != ' ' && c != '\n';
                        gap++;
                    } else {
                        break;
                    }
                    k++;
                }
                if (lowerCase && (!ccGlued || !(regular || group <= 1))) {
                    continue;
                }
                boolean ends = k >= n || !(t.charAt(k) < 0x80 && Character.isLetterOrDigit(t.charAt(k)));
                int check = got >= 4 ? (buf[2] - '0') * 10 + (buf[3] - '0') : -1;
                if (got == length && ends && letters <= 16) {
                    if (check >= 2 && check <= 98 && mod97(buf, length)) {
                        scan.add(IBAN);
                    } else if (!(regular || group <= 1)) {
                        continue; // only a token in an IBAN's usual shape is set aside as a mistyped IBAN
                    }
                    if (blanked == null) {
                        blanked = new StringBuilder(t);
                    }
                    for (int q = i; q < k; q++) {
                        blanked.setCharAt(q, BOUNDARY);
                    }
                    i = k - 1;
                }
            }
            return blanked == null ? t : blanked.toString();
        }

        static boolean isSeparator(char c) {
            return c == ' ' || c == '\n' || c == '-' || c == '.' || c == '/';
        }

        static boolean mod97(char[] iban, int length) {
            int remainder = 0;
            for (int k = 0; k < length; k++) {
                char c = iban[(k + 4) % length];
                if (c >= '0' && c <= '9') {
                    remainder = (remainder * 10 + (c - '0')) % 97;
                } else {
                    remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
                }
            }
            return remainder == 1;
        }
    }

    // --- patterns: IP addresses, NI numbers, coordinates, street addresses ----------------------------------------

    static final class Patterns {
        private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
        private static final Reusable IPV4 = new Reusable(
                "(?<![0-9.])" + OCTET + "(?:\\." + OCTET + "){3}(?![0-9]|\\.[0-9])");
        private static final Reusable VERSION_WORD = new Reusable(
                "(?<![\\p{L}])(?:version|versi[oó]n|vers[aã]o|versione|v|build|firmware|release|ios|android|python|java|node|"
                        + "chrome|firefox|windows|macos|kernel|update|patch|oid)[^\\p{L}\\p{N}]{0,3}+$");
        private static final String HEX = "[0-9A-Fa-f]{1,4}";
        private static final Reusable IPV6 = new Reusable(
                "(?<![0-9A-Fa-f:])(?:(?:" + HEX + ":){7}" + HEX + "|(?:" + HEX + ":){1,7}:(?:" + HEX + "(?::" + HEX + "){0,6})?"
                        + "|::" + HEX + "(?::" + HEX + "){0,6})(?![0-9A-Fa-f:])");
        private static final Reusable NINO_SHAPE = new Reusable(
                "(?i)(?<![a-z0-9])([a-z])([a-z]) ?([0-9]{2}) ?([0-9]{2}) ?([0-9]{2}) ?([a-d])?(?![a-z0-9])");
        private static final Reusable NINO_WORD = new Reusable("(?:\\bni\\b|nino|national insurance|insurance no)");
        private static final Set<String> NOT_NINO_PREFIXES = Set.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ");
        private static final Reusable DECIMAL_PAIR = new Reusable(
                "(?<![0-9.])(-?[0-9]{1,2}\\.[0-9]{4,}+) ?°? ?([nsNS])?(?: ?[,;/] ?| )(-?[0-9]{1,3}\\.[0-9]{4,}+) ?°? ?([ewEW])?(?![0-9])");
        private static final Reusable LABELLED_PAIR = new Reusable(
                "(?i)lat(?:itude)?[:=]? ?(-?[0-9]{1,2}\\.[0-9]{2,}+)[,; ]+(?:lon|lng|long(?:itude)?)[:=]? ?(-?[0-9]{1,3}\\.[0-9]{2,}+)");
        private static final String NUM = "[0-9]{1,3}(?:[.,][0-9]+)?";
        private static final String SEC = "(?:\"|″|''|”)";
        private static final String MIN = "(?:'|′|’)";
        /** One half of a position with its hemisphere: "N 51° 30.433", "51°30'26\"N", "51d 30m 26.0s N". */
        private static final Reusable HALF = new Reusable(
                "(?<![\\p{L}\\p{N}])([NSEW]) ?(" + NUM + ") ?(?:[°º] ?| )(" + NUM + ")(?: ?" + MIN + ")?(?: ?(" + NUM + ") ?" + SEC + ")?"
                        + "|(" + NUM + ") ?[°º] ?(?:(" + NUM + ") ?" + MIN + " ?)?(?:(" + NUM + ") ?" + SEC + " ?)?([NSEWnsew])(?![\\p{L}])"
                        + "|(" + NUM + ")d ?(" + NUM + ")m ?(" + NUM + ")s ?([NSEW])(?![\\p{L}])");

        /** Each detector runs only if the text holds the digits, dots and colons its pattern needs at the least. */
        static void find(Scan scan) {
            View v = scan.view;
            if (!scan.has(IP)) {
                ips(scan);
            }
            if (!scan.has(NINO) && v.digits >= 6) {
                nino(scan);
            }
            if (!scan.has(COORDS)) {
                coords(scan);
            }
            if (!scan.has(ADDRESS) && v.digits >= 2) {
                Addresses.find(scan);
            }
        }

        static void ips(Scan scan) {
            String t = scan.numbers;
            if (scan.view.digits >= 4 && scan.view.dots >= 3) {
                Matcher m = IPV4.on(t);
                while (m.find()) {
                    if (!VERSION_WORD.on(scan.lower().substring(Math.max(0, m.start() - 14), m.start())).find()) {
                        scan.add(IP);
                        return;
                    }
                }
            }
            // Every IPv6 form holds "::" or seven colons.
            if (scan.view.colons < 2 || scan.view.colons < 7 && !t.contains("::")) {
                return;
            }
            Matcher v6 = IPV6.on(t);
            while (v6.find()) {
                String s = v6.group();
                int hex = 0;
                int groups = 0;
                boolean letterOrLong = false;
                int start = 0;
                for (int k = 0; k <= s.length(); k++) {
                    if (k < s.length() && s.charAt(k) != ':') {
                        continue;
                    }
                    int length = k - start;
                    if (length > 0) {
                        groups++;
                        hex += length;
                        letterOrLong |= length >= 3 || !allDigits(s, start, k);
                    }
                    start = k + 1;
                }
                // Times (10:30:00), scores and ratios are all short decimal groups; C++ and Perl names have few hex digits.
                if (hex >= 5 && letterOrLong && (groups >= 3 || s.contains("::"))) {
                    scan.add(IP);
                    return;
                }
            }
        }

        private static boolean allDigits(String s, int from, int to) {
            for (int k = from; k < to; k++) {
                if (!isDigit(s.charAt(k))) {
                    return false;
                }
            }
            return true;
        }

        static void nino(Scan scan) {
            Matcher m = NINO_SHAPE.on(scan.numbers);
            while (m.find()) {
                char a = Character.toUpperCase(m.group(1).charAt(0));
                char b = Character.toUpperCase(m.group(2).charAt(0));
                if ("DFIQUV".indexOf(a) >= 0 || "DFIOQUV".indexOf(b) >= 0 || NOT_NINO_PREFIXES.contains("" + a + b)) {
                    continue;
                }
                if (m.group(6) != null || NINO_WORD.on(scan.lower().substring(Math.max(0, m.start() - 30), m.start())).find()) {
                    scan.add(NINO);
                    return;
                }
            }
        }

        static void coords(Scan scan) {
            String t = scan.numbers;
            View v = scan.view;
            if (v.digits >= 10 && v.dots >= 2) {
                Matcher m = DECIMAL_PAIR.on(t);
                while (m.find()) {
                    if (Links.inRange(m.group(1), 90) && Links.inRange(m.group(3), 180)) {
                        scan.add(COORDS);
                        return;
                    }
                }
            }
            if (v.digits >= 6 && v.dots >= 2 && containsAsciiIgnoreCase(t, "lat")) {
                Matcher l = LABELLED_PAIR.on(t);
                if (l.find() && Links.inRange(l.group(1), 90) && Links.inRange(l.group(2), 180)) {
                    scan.add(COORDS);
                    return;
                }
            }
            if (t.indexOf('°') < 0 && t.indexOf('º') < 0 && !hemisphereNextToDigit(t)) {
                return;
            }
            Matcher h = HALF.on(t);
            int lastNs = -1000;
            int lastEw = -1000;
            while (h.find()) {
                String hemisphere = h.group(1) != null ? h.group(1) : h.group(8) != null ? h.group(8) : h.group(12);
                char c = Character.toUpperCase(hemisphere.charAt(0));
                if (c == 'N' || c == 'S') {
                    lastNs = h.start();
                } else {
                    lastEw = h.start();
                }
                if (Math.abs(lastNs - lastEw) <= 60) {
                    scan.add(COORDS);
                    return;
                }
            }
        }

        /** {@code [NSEW] ?[0-9]|[0-9]s ?[NSEW]} somewhere in {@code t}: a half without a degree sign may follow. */
        static boolean hemisphereNextToDigit(String t) {
            int n = t.length();
            for (int i = 0; i + 1 < n; i++) {
                char c = t.charAt(i);
                if (isHemisphere(c) && (isDigit(t.charAt(i + 1)) || t.charAt(i + 1) == ' ' && i + 2 < n && isDigit(t.charAt(i + 2)))) {
                    return true;
                }
                if (isDigit(c) && t.charAt(i + 1) == 's' && i + 2 < n
                        && (isHemisphere(t.charAt(i + 2)) || t.charAt(i + 2) == ' ' && i + 3 < n && isHemisphere(t.charAt(i + 3)))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isHemisphere(char c) {
            return c == 'N' || c == 'S' || c == 'E' || c == 'W';
        }
    }

    // --- street addresses: a postcode with a house number before it ---------------------------------------------

    static final class Addresses {
        private static final String US_STATES = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
                + "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
        private static final Reusable UK = new Reusable(
                "(?i)(?<![\\p{L}\\p{N}])[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][abd-hjlnp-uw-z]{2}(?![\\p{L}\\p{N}])");
        private static final Reusable US = new Reusable(
                "(?<![\\p{L}])(?:(?-i:" + US_STATES + ")|(?<=, ?)(?i:" + US_STATES + ")) [0-9]{5}(?:-[0-9]{4})?(?![0-9])");
        private static final Reusable AU = new Reusable(
                "(?i)(?<![\\p{L}])(?:NSW|VIC|QLD|WA|SA|TAS|NT|ACT) ?[0-9]{4}(?![0-9])");
        private static final Reusable EIRCODE = new Reusable(
                "(?i)(?<![\\p{L}\\p{N}])(?:[ac-fhknprtv-y][0-9]{2}|d6w) ?[0-9ac-fhknprtv-y]{4}(?![\\p{L}\\p{N}])");
        private static final Reusable PREFIXED = new Reusable(
                "(?<![\\p{L}\\p{N}])(?:D|A|CH|F|I|E|B|L|NL|P|PL|CZ|DK|S|N|FIN|FL|LV|LT|SK|SI|HR|H|RO|BG|GR) ?-(?: ?)[0-9]{4,5}(?![0-9])");
        private static final Reusable IN_PIN = new Reusable("(?<![0-9\\-/.,])[1-9][0-9]{2} ?[0-9]{3}(?![0-9])");
        private static final Reusable IN_WORD = new Reusable(
                "(?i)(?:no\\.|house|h\\.no|flat|plot|sector|road|nagar|marg|lane|street|cross|colony|block|phase|layout|pin)");
        /** Five-digit codes (DE, FR, ES, IT) and Dutch ones: plain numbers, so a town must follow. */
        private static final Reusable CONTINENTAL = new Reusable(
                "(?<![\\p{N}.,:/-])(?:[0-9]{5}|[0-9]{4} ?[A-Z]{2})(?![\\p{N}]) ?,? ?\\p{L}{2,}");
        /** Portuguese and Brazilian codes: shaped enough on their own. */
        private static final Reusable HYPHENATED = new Reusable("(?<![\\p{N}.,:/-])(?:[0-9]{4}|[0-9]{5})-[0-9]{3}(?![\\p{N}-])");
        /** A name in capitals between the number and the comma: "94 Les Hauts de Seine, 75317". */
        private static final Reusable NAMED_STREET = new Reusable(
                "(?su)\\s\\p{Lu}[\\p{L}'’.\\-]*(?:\\s[\\p{L}'’.\\-]+){0,5}\\s?,.*");
        private static final Reusable STREET_WORD = new Reusable(
                "(?iu)(?<![\\p{L}])(?:rue|avenue|av\\.|bd|boulevard|place|chemin|all[ée]e|impasse|quai|route|cours|calle|c/|avenida|"
                        + "av\\.|paseo|plaza|carrer|via|viale|corso|piazza|largo|vicolo|rua|travessa|pra[çc]a|estrada|strada)(?![\\p{L}])");
        /** A house number: 1-4 digits, an optional letter, a unit ("7/15"), not part of a date, a time or a longer number. */
        private static final Reusable HOUSE = new Reusable(
                "(?iu)(?<![\\p{N}][-/.:, ]|[\\p{N}\\p{L}.])[0-9]{1,4}(?:/[0-9]{1,4})?[a-z]?(?:-[0-9]{1,3}){0,2}(?![\\p{N}]|[.:][0-9]|[\\p{L}]{2})");
        /** After the house number: a word (the street), perhaps after an ordinal ("5 3rd Avenue"). */
        private static final Reusable WORD_AFTER = new Reusable("(?su)[,\\s\\-]{0,4}(?:[0-9]{1,3}(?:st|nd|rd|th)\\s)?[\\p{L}].*");
        private static final Reusable WORD_BEFORE = new Reusable("(?su).*[\\p{L}.]\\s?");
        private static final Reusable FIVE_DIGITS = new Reusable("[0-9]{5}");
        private static final Reusable TWO_LETTERS = new Reusable("\\p{L}{2}");
        private static final Reusable UNIT_LETTER = new Reusable("[a-z]?,?");

        /**
         * Each postcode pattern runs only if the text holds its digits and one more (the house number before it):
         * two for an Eircode ("D6W"), three for a UK postcode, five for four-digit codes, and so on.
         */
        static void find(Scan scan) {
            String t = scan.numbers;
            int d = scan.view.digits;
            boolean dash = t.indexOf('-') >= 0;
            if (d >= 3 && postcodeAfterHouse(t, UK, true, false) || d >= 6 && postcodeAfterHouse(t, US, true, false)
                    || d >= 5 && postcodeAfterHouse(t, AU, true, false) || postcodeAfterHouse(t, EIRCODE, true, false)
                    || d >= 5 && dash && postcodeAfterHouse(t, PREFIXED, false, true)
                    || d >= 8 && dash && postcodeAfterHouse(t, HYPHENATED, true, true) || d >= 7 && indian(t)
                    || d >= 5 && postcodeAfterHouse(t, CONTINENTAL, false, true)) {
                scan.add(ADDRESS);
            }
        }

        /**
         * A postcode with a house number before it in the same address: up to 90 characters back, not across a
         * sentence's end; the house read as {@code houseThenWords(back, false)} if {@code plain}, as
         * {@code houseThenWords(back, true)} if {@code continental}.
         */
        static boolean postcodeAfterHouse(String t, Reusable postcode, boolean plain, boolean continental) {
            Matcher m = postcode.on(t);
            while (m.find()) {
                String back = segmentBefore(t, m.start());
                int line = back.lastIndexOf('\n');
                if (line >= 0 && !TOWN_LINE.on(back.substring(line + 1)).matches()) {
                    back = back.substring(line + 1); // the postcode's line holds more than a town: the lines above are another part
                }
                if (plain && houseThenWords(back, false) || continental && houseThenWords(back, true)) {
                    return true;
                }
            }
            return false;
        }

        /** What may stand before a postcode on its own line: nothing, or a town ("Leamington Spa", "Washington, "). */
        private static final Reusable TOWN_LINE = new Reusable("(?u) ?(?:\\p{Lu}[\\p{L}'.\\-]*(?: \\p{Lu}[\\p{L}'.\\-]*){0,3},? ?)?");

        static String segmentBefore(String t, int end) {
            int from = Math.max(0, end - 90);
            String s = t.substring(from, end);
            int cut = -1;
            for (int k = 0; k + 1 < s.length(); k++) {
                char c = s.charAt(k);
                boolean stop = c == '!' || c == '?' || c == '|' || c == ';' || c == BOUNDARY || c == '(' || c == ')'
                        || (c == '\n' && s.charAt(k + 1) == '\n')
                        || (c == '.' && s.charAt(k + 1) == ' ' && !isAbbreviation(s, k))
                        || (c == ' ' && s.charAt(k + 1) == ' ' && k + 2 < s.length() && s.charAt(k + 2) == ' ');
                if (stop) {
                    cut = k;
                }
            }
            return s.substring(cut + 1);
        }

        static boolean isAbbreviation(String s, int dot) {
            String word = s.substring(Math.max(0, dot - 3), dot).toLowerCase(Locale.ROOT);
            return word.endsWith("st") || word.endsWith("rd") || word.endsWith("no") || word.endsWith("av") || word.endsWith("str")
                    || word.endsWith("co") || word.endsWith("ave") || word.endsWith("blvd") || word.endsWith("mt");
        }

        /** In the segment before a postcode: a house number with a word beside it (the street), and no other long number. */
        static boolean houseThenWords(String back, boolean continental) {
            Matcher h = HOUSE.on(back);
            while (h.find()) {
                String after = back.substring(h.end());
                if (FIVE_DIGITS.on(after).find()) {
                    continue;
                }
                boolean wordAfter = WORD_AFTER.on(after).matches();
                if (!continental) {
                    if (wordAfter && TWO_LETTERS.on(after).find()) {
                        return true;
                    }
                    continue;
                }
                // Continental postcodes are plain numbers: the street must be there, before ("Hauptstraße 5, 10115")
                // or after the number with a street word ("12 rue de la Paix, 75002"), and a comma or line before the code.
                String trimmed = after.trim();
                boolean streetFirst = (trimmed.isEmpty() || trimmed.equals(",") || UNIT_LETTER.on(trimmed).matches())
                        && WORD_BEFORE.on(back.substring(0, h.start())).matches();
                boolean numberFirst = wordAfter && (after.contains(",") || after.contains("\n"))
                        && (STREET_WORD.on(after).find() || NAMED_STREET.on(after).matches());
                if (streetFirst || numberFirst) {
                    return true;
                }
            }
            return false;
        }

        static boolean indian(String t) {
            Matcher m = IN_PIN.on(t);
            while (m.find()) {
                String back = segmentBefore(t, m.start());
                if (IN_WORD.on(back).find() && houseThenWords(back, false)) {
                    return true;
                }
            }
            return false;
        }
    }
}
