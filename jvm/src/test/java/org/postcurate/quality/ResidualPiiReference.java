package org.postcurate.quality;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The residual-PII check as it was before its prefilters and triggers (main 53fd34f, {@code ResidualPii} then): a
 * dozen whole-text regex scans per text. Kept in the tests only, as the reference the product's {@link ResidualPii}
 * must agree with on every text ({@code ResidualPiiEquivalenceTest}), and registered by bench/residual_check.py to
 * time the two in one run. Not shipped: it lives in the test classes, never in the jar.
 */
public final class ResidualPiiReference implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;

    /** Placeholders and removed links become this: it joins nothing and is part of no token. */
    private static final char BOUNDARY = '\u0001';

    /** Register {@code name(text)} in {@code spark} (called from Python over py4j). */
    public static void register(SparkSession spark, String name) {
        spark.udf().register(name, new ResidualPiiReference(), DataTypes.StringType);
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
        TreeSet<String> found = new TreeSet<>();
        if (view.hasAt || view.hasLetter) {
            Emails.find(view, found);
        }
        if (view.hasAt) {
            Mentions.find(view, found);
        }
        if (view.hasDigit) {
            Links.find(view, found);
            String linkless = view.withoutLinks();
            String numbers = Ibans.find(linkless, found);
            Numbers.find(numbers, view.lower(numbers), found);
            Patterns.find(numbers, view.lower(numbers), found);
        }
        return found.isEmpty() ? null : String.join(",", found);
    }

    // --- the normalised view ----------------------------------------------------------------------------------

    static final class View {
        final String text;
        final boolean hasDigit;
        final boolean hasAt;
        final boolean hasLetter;

        private View(String text, boolean hasDigit, boolean hasAt, boolean hasLetter) {
            this.text = text;
            this.hasDigit = hasDigit;
            this.hasAt = hasAt;
            this.hasLetter = hasLetter;
        }

        static View of(String s) {
            StringBuilder out = new StringBuilder(s.length());
            boolean digit = false;
            boolean at = false;
            boolean letter = false;
            int n = s.length();
            int i = 0;
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
                        digit = true;
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
                } else if (Character.isLetter(cp)) {
                    letter = true;
                }
                out.appendCodePoint(cp);
            }
            return new View(out.toString(), digit, at, letter);
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

        private static final Pattern LINK = Pattern.compile("(?i)(?:https?://|www\\.)[^\\s<>\"'\\u0001]{1,2000}+");
        private static final Pattern PARAMETER = Pattern.compile("[?&#;]([A-Za-z_]{1,20})=([^&#\\s]{1,200})");
        /** Query parameters whose value is personal whenever it is a number or an address. */
        private static final java.util.Set<String> PERSONAL_PARAMETERS = java.util.Set.of(
                "phone", "tel", "telephone", "mobile", "cell", "whatsapp", "wa", "number", "contact", "card", "cc",
                "ccnum", "iban", "account", "ssn", "nino", "nhs", "email", "mail", "e", "address", "addr");

        /** The text with every http(s)/www link blanked, except the values of personal query parameters. */
        String withoutLinks() {
            Matcher m = LINK.matcher(text);
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

        String lower(String s) {
            return s.toLowerCase(Locale.ROOT);
        }
    }

    // --- e-mails ----------------------------------------------------------------------------------------------

    static final class Emails {
        private static final String LOCAL = "[\\p{L}\\p{N}._%+\\-]{1,64}+";
        private static final String LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,62}+)";
        private static final Pattern COMPACT = Pattern.compile(
                "(?<![\\p{L}\\p{N}._%+\\-])" + LOCAL + "@" + LABEL + "(?:\\." + LABEL + "){0,6}\\.[\\p{L}]{2,24}+(?![\\p{L}\\p{N}])");
        private static final String TLD = "(?:com|net|org|edu|gov|info|io|co|me|eu|uk|de|fr|es|it|pt|br|in|au|ie|nl|be|ch|at|"
                + "pl|se|no|dk|fi|jp|ca|us|ru|mx|ar|cl|za|nz|biz|online|email|mail)";
        private static final String AT = "(?:\\s{0,2}(?:@|[\\[({<]\\s?(?:at|ät|@|arroba|arobase)\\s?[\\])}>])\\s{0,2}"
                + "|\\s{1,2}(?:at|ät|arroba|arobase|chiocciola)\\s{1,2})";
        private static final String DOT = "(?:\\s{0,2}(?:\\.|[\\[({]\\s?(?:dot|punkt|point|punto|ponto)\\s?[\\])}])\\s{0,2}"
                + "|\\s{1,2}(?:dot|punkt|point|punto|ponto)\\s{1,2})";
        /** Disguised forms: the at and the dots spelled, bracketed or spaced; the top-level domain must be a known one. */
        private static final Pattern DISGUISED = Pattern.compile(
                "(?iu)(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{2,64}+" + AT
                        + "[\\p{L}\\p{N}\\-]{1,63}+(?:" + DOT + "[\\p{L}\\p{N}\\-]{1,63}+){0,4}?" + DOT + TLD + "(?![\\p{L}\\p{N}])");
        private static final Pattern DISGUISE_HINT = Pattern.compile(
                "(?i)@|\\sat\\s|\\sät\\s|arroba|arobase|chiocciola|[\\[({<]\\s?(?:at|ät|@)\\s?[\\])}>]");

        static void find(View view, TreeSet<String> found) {
            String t = view.text;
            if (view.hasAt && COMPACT.matcher(t).find()) {
                found.add("email");
                return;
            }
            if (DISGUISE_HINT.matcher(t).find() && DISGUISED.matcher(t).find()) {
                found.add("email");
            }
        }
    }

    // --- @-mentions -------------------------------------------------------------------------------------------

    static final class Mentions {
        private static final Pattern TIME = Pattern.compile("(?i)[0-9]{1,2}(?:[:.h][0-9]{2})?(?:am|pm|h|uhr)?");

        static void find(View view, TreeSet<String> found) {
            String t = view.text;
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
                String handle = t.substring(i + 1, j).replaceAll("\\.+$", "");
                if (handle.length() >= 2 && letter && !TIME.matcher(handle).matches()) {
                    found.add("mention");
                    return;
                }
            }
        }
    }

    // --- links ------------------------------------------------------------------------------------------------

    static final class Links {
        private static final Pattern WHATSAPP = Pattern.compile(
                "(?i)(?:wa\\.me/|whatsapp\\.com/send/?\\?(?:[^\\s]{0,100}?&)?phone=|whatsapp://send\\?phone=|tel:\\s?)\\+?([0-9][0-9\\-. ()]{5,24}+)");
        private static final String LAT = "(-?[0-9]{1,2}\\.[0-9]{3,}+)";
        private static final String LON = "(-?[0-9]{1,3}\\.[0-9]{3,}+)";
        private static final Pattern MAP = Pattern.compile(
                "(?i)(?:#map=[0-9]{1,2}/" + LAT + "/" + LON + "|/@" + LAT + "," + LON
                        + "|[?&](?:q|ll|sll|cbll|query|center|destination|daddr|saddr)=" + LAT + ", ?" + LON
                        + "|geo: ?(-?[0-9]{1,2}(?:\\.[0-9]+)?), ?(-?[0-9]{1,3}(?:\\.[0-9]+)?))");

        static void find(View view, TreeSet<String> found) {
            String t = view.text;
            Matcher w = WHATSAPP.matcher(t);
            while (w.find()) {
                int digits = w.group(1).replaceAll("[^0-9]", "").length();
                if (digits >= 7 && digits <= 15) {
                    found.add("phone");
                    break;
                }
            }
            Matcher m = MAP.matcher(t);
            while (m.find()) {
                for (int g = 1; g <= 7; g += 2) {
                    if (m.group(g) != null && inRange(m.group(g), 90) && inRange(m.group(g + 1), 180)) {
                        found.add("coords");
                        return;
                    }
                }
            }
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
    private static final Pattern NOT_PII_LABEL = Pattern.compile(
            "(?<![\\p{L}])(?:order|bestell\\w*|commande|pedido|ordine|encomenda|invoice|rechnung|facture|fatura|factura|fattura|"
                    + "tracking|sendung\\w*|paket\\w*|parcel|suivi|colis|rastreio|seguimiento|env[ií]o|spedizione|"
                    + "ups|usps|dhl|fedex|dpd|gls|hermes|ean|ean-13|gtin|upc|barcode|strichcode|code-barres|"
                    + "c[oó]digo de barras|isbn|issn|timestamp|ts|lotto|loto|lottery|euromillions|powerball|primitiva|"
                    + "mega-sena|superenalotto|keno|version|versi[oó]n|vers[aã]o|build|firmware|release)[^\\p{L}\\p{N}]{0,6}+(?:(?:no|nr|n°|nº|number|nummer|num[eé]ro|#)[^\\p{L}\\p{N}]{0,4}+)?"
                    + "(?:(?:ups|usps|dhl|fedex|dpd|gls|hermes|paket)[^\\p{L}\\p{N}]{0,3}+)?$");
    private static final Pattern PHONE_WORD = Pattern.compile(
            "(?<![\\p{L}])(?:(?:call|tel|ring|wa|sms|text|txt|zap|liga|ruf|cell|fon)(?![\\p{L}])|phone|mobile|whatsapp|handy|telefon|"
                    + "anruf|t[eé]l[eé]phone|portable|appel|llam|m[oó]vil|tel[eé]fono|celular|telefone|cellulare|chiam|contact|"
                    + "kontakt|contato|contacto)|फ़ोन|फोन|नंबर|कॉल|اتصل|رقم|واتساب|電話|携帯|連絡");
    private static final Pattern SSN_WORD = Pattern.compile(
            "(?<![\\p{L}])(?:ssn|ss#|social security|soc\\.? sec|seguro social|s[eé]curit[eé] sociale|sozialversicherung)");
    private static final Pattern NHS_WORD = Pattern.compile("nhs");

    static final class Numbers {
        /** One run of digit groups joined by short separators: digits, the separator before each group, and where it starts. */
        static void find(String t, String lower, TreeSet<String> found) {
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
                checkRun(t, lower, starts, ends, 0, count, found);
                // A list, one number a line, is also read line by line (each line its own run).
                int from = 0;
                for (int g = 1; g <= count; g++) {
                    if (g == count || t.substring(ends[g - 1], starts[g]).indexOf('\n') >= 0) {
                        if (from > 0 || g < count) {
                            checkRun(t, lower, starts, ends, from, g, found);
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

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
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

        static void checkRun(String t, String lower, int[] allStarts, int[] allEnds, int from, int to, TreeSet<String> found) {
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
            String before = clause(lower.substring(Math.max(0, runStart - 40), runStart));
            String just = lower.substring(Math.max(0, runStart - 30), runStart);
            boolean vetoed = NOT_PII_LABEL.matcher(just).find();
            boolean phoneWord = PHONE_WORD.matcher(before).find();
            boolean ssnWord = SSN_WORD.matcher(before).find();
            boolean nhsWord = NHS_WORD.matcher(before).find();
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
                    int groups = b - a + 1;
                    String d = digits.toString();
                    boolean whole = a == 0 && b == count - 1;
                    if (!vetoed && isCard(t, starts, ends, a, b, d, count)) {
                        found.add("card");
                    }
                    if (!vetoed && isPhone(t, starts, ends, a, b, d, whole, plus && a == 0, phoneWord, count)) {
                        found.add("phone");
                    }
                    if (!vetoed && isSsn(t, starts, ends, a, b, d, ssnWord)) {
                        found.add("ssn");
                    }
                    if (!vetoed && isNhs(starts, ends, a, b, d, nhsWord, groups)) {
                        found.add("nhs");
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

        private static final Pattern DATE_TIME = Pattern.compile("(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-2][0-9][0-5][0-9][0-5][0-9]");

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
            if (d.length() < 13 || d.length() > 19 || d.charAt(0) == '0' || !luhn(d) || DATE_TIME.matcher(d).matches() || isbn13(d)) {
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
                               boolean phoneWord, int count) {
            int groups = b - a + 1;
            int n = d.length();
            if (n < 7 || dateLike(t, starts, ends, a, b)) {
                return false;
            }
            if (plus) {
                return n >= 8 && n <= 15 && d.charAt(0) != '0';
            }
            if (d.startsWith("00") && n >= 10 && n <= 17 && d.charAt(2) != '0' && a == 0) {
                return groups > 1 || phoneWord; // a compact 00 number needs a word: EAN-13s start with 00 too
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
                return groups > 1 ? a == 0 || phoneWord : true;
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
                if (nanpShape || groups == 1 && phoneWord) {
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
            return phoneWord && a == 0 && n >= 9 && n <= 15 && d.charAt(0) != '0' && groups <= 4;
        }

        static boolean isSsn(String t, int[] starts, int[] ends, int a, int b, String d, boolean ssnWord) {
            if (d.length() != 9) {
                return false;
            }
            boolean shaped = b - a == 2 && len(starts, ends, a) == 3 && len(starts, ends, a + 1) == 2
                    && uniform(t, starts, ends, a, b) && "- .".indexOf(sepClass(t, ends[a], starts[a + 1])) >= 0;
            if (!shaped && !(ssnWord && a == b)) {
                return false;
            }
            int area = Integer.parseInt(d.substring(0, 3));
            int group = Integer.parseInt(d.substring(3, 5));
            int serial = Integer.parseInt(d.substring(5));
            return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
        }

        static boolean isNhs(int[] starts, int[] ends, int a, int b, String d, boolean nhsWord, int groups) {
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
            return nhsWord || first == '3' || first == '4' || first == '6' || first == '7';
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

        /** Any country code (any case, glued to the word before or not), two check digits, then the BBAN's
         * letters and digits across spaces, dashes, dots or slashes, to the country's length; mod 97 decides. */
        /** Finds IBANs in {@code t}; returns {@code t} with every IBAN-shaped span (the country's length, any check
         * digits) blanked, so that the digits of a mistyped IBAN are not read as a card or a phone number. */
        static String find(String t, TreeSet<String> found) {
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
                if (k >= n || !Numbers.isDigit(t.charAt(k))) {
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
                        if (got < 4 && !Numbers.isDigit(c)) {
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
                        groupHasDigit |= Numbers.isDigit(c);
                        letters += Numbers.isDigit(c) ? 0 : 1;
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
                        found.add("iban");
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
        private static final Pattern IPV4 = Pattern.compile(
                "(?<![0-9.])" + OCTET + "(?:\\." + OCTET + "){3}(?![0-9]|\\.[0-9])");
        private static final Pattern VERSION_WORD = Pattern.compile(
                "(?<![\\p{L}])(?:version|versi[oó]n|vers[aã]o|versione|v|build|firmware|release|ios|android|python|java|node|"
                        + "chrome|firefox|windows|macos|kernel|update|patch|oid)[^\\p{L}\\p{N}]{0,3}+$");
        private static final String HEX = "[0-9A-Fa-f]{1,4}";
        private static final Pattern IPV6 = Pattern.compile(
                "(?<![0-9A-Fa-f:])(?:(?:" + HEX + ":){7}" + HEX + "|(?:" + HEX + ":){1,7}:(?:" + HEX + "(?::" + HEX + "){0,6})?"
                        + "|::" + HEX + "(?::" + HEX + "){0,6})(?![0-9A-Fa-f:])");
        private static final Pattern NINO = Pattern.compile(
                "(?i)(?<![a-z0-9])([a-z])([a-z]) ?([0-9]{2}) ?([0-9]{2}) ?([0-9]{2}) ?([a-d])?(?![a-z0-9])");
        private static final Pattern NINO_WORD = Pattern.compile("(?:\\bni\\b|nino|national insurance|insurance no)");
        private static final Pattern DECIMAL_PAIR = Pattern.compile(
                "(?<![0-9.])(-?[0-9]{1,2}\\.[0-9]{4,}+) ?°? ?([nsNS])?(?: ?[,;/] ?| )(-?[0-9]{1,3}\\.[0-9]{4,}+) ?°? ?([ewEW])?(?![0-9])");
        private static final Pattern LABELLED_PAIR = Pattern.compile(
                "(?i)lat(?:itude)?[:=]? ?(-?[0-9]{1,2}\\.[0-9]{2,}+)[,; ]+(?:lon|lng|long(?:itude)?)[:=]? ?(-?[0-9]{1,3}\\.[0-9]{2,}+)");
        private static final String NUM = "[0-9]{1,3}(?:[.,][0-9]+)?";
        private static final String SEC = "(?:\"|″|''|”)";
        private static final String MIN = "(?:'|′|’)";
        /** One half of a position with its hemisphere: "N 51° 30.433", "51°30'26\"N", "51d 30m 26.0s N". */
        private static final Pattern HALF = Pattern.compile(
                "(?<![\\p{L}\\p{N}])([NSEW]) ?(" + NUM + ") ?(?:[°º] ?| )(" + NUM + ")(?: ?" + MIN + ")?(?: ?(" + NUM + ") ?" + SEC + ")?"
                        + "|(" + NUM + ") ?[°º] ?(?:(" + NUM + ") ?" + MIN + " ?)?(?:(" + NUM + ") ?" + SEC + " ?)?([NSEWnsew])(?![\\p{L}])"
                        + "|(" + NUM + ")d ?(" + NUM + ")m ?(" + NUM + ")s ?([NSEW])(?![\\p{L}])");

        private static final Pattern HEMISPHERE_HINT = Pattern.compile("[NSEW] ?[0-9]|[0-9]s ?[NSEW]");

        static void find(String t, String lower, TreeSet<String> found) {
            ips(t, lower, found);
            nino(t, lower, found);
            coords(t, found);
            Addresses.find(t, lower, found);
        }

        static void ips(String t, String lower, TreeSet<String> found) {
            Matcher m = IPV4.matcher(t);
            while (m.find()) {
                if (!VERSION_WORD.matcher(lower.substring(Math.max(0, m.start() - 14), m.start())).find()) {
                    found.add("ip");
                    break;
                }
            }
            if (t.indexOf(':') < 0) {
                return;
            }
            Matcher v6 = IPV6.matcher(t);
            while (v6.find()) {
                String s = v6.group();
                int hex = 0;
                int groups = 0;
                boolean letterOrLong = false;
                for (String part : s.split(":")) {
                    if (!part.isEmpty()) {
                        groups++;
                        hex += part.length();
                        letterOrLong |= part.length() >= 3 || !part.matches("[0-9]+");
                    }
                }
                // Times (10:30:00), scores and ratios are all short decimal groups; C++ and Perl names have few hex digits.
                if (hex >= 5 && letterOrLong && (groups >= 3 || s.contains("::"))) {
                    found.add("ip");
                    return;
                }
            }
        }

        static void nino(String t, String lower, TreeSet<String> found) {
            Matcher m = NINO.matcher(t);
            while (m.find()) {
                char a = Character.toUpperCase(m.group(1).charAt(0));
                char b = Character.toUpperCase(m.group(2).charAt(0));
                String pair = "" + a + b;
                if ("DFIQUV".indexOf(a) >= 0 || "DFIOQUV".indexOf(b) >= 0
                        || java.util.Set.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ").contains(pair)) {
                    continue;
                }
                if (m.group(6) != null || NINO_WORD.matcher(lower.substring(Math.max(0, m.start() - 30), m.start())).find()) {
                    found.add("nino");
                    return;
                }
            }
        }

        static void coords(String t, TreeSet<String> found) {
            Matcher m = DECIMAL_PAIR.matcher(t);
            while (m.find()) {
                if (Links.inRange(m.group(1), 90) && Links.inRange(m.group(3), 180)) {
                    found.add("coords");
                    return;
                }
            }
            Matcher l = LABELLED_PAIR.matcher(t);
            if (l.find() && Links.inRange(l.group(1), 90) && Links.inRange(l.group(2), 180)) {
                found.add("coords");
                return;
            }
            if (t.indexOf('°') < 0 && t.indexOf('º') < 0 && !HEMISPHERE_HINT.matcher(t).find()) {
                return;
            }
            Matcher h = HALF.matcher(t);
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
                    found.add("coords");
                    return;
                }
            }
        }
    }

    // --- street addresses: a postcode with a house number before it ---------------------------------------------

    static final class Addresses {
        private static final String US_STATES = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
                + "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
        private static final Pattern UK = Pattern.compile(
                "(?i)(?<![\\p{L}\\p{N}])[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][abd-hjlnp-uw-z]{2}(?![\\p{L}\\p{N}])");
        private static final Pattern US = Pattern.compile(
                "(?<![\\p{L}])(?:(?-i:" + US_STATES + ")|(?<=, ?)(?i:" + US_STATES + ")) [0-9]{5}(?:-[0-9]{4})?(?![0-9])");
        private static final Pattern AU = Pattern.compile(
                "(?i)(?<![\\p{L}])(?:NSW|VIC|QLD|WA|SA|TAS|NT|ACT) ?[0-9]{4}(?![0-9])");
        private static final Pattern EIRCODE = Pattern.compile(
                "(?i)(?<![\\p{L}\\p{N}])(?:[ac-fhknprtv-y][0-9]{2}|d6w) ?[0-9ac-fhknprtv-y]{4}(?![\\p{L}\\p{N}])");
        private static final Pattern PREFIXED = Pattern.compile(
                "(?<![\\p{L}\\p{N}])(?:D|A|CH|F|I|E|B|L|NL|P|PL|CZ|DK|S|N|FIN|FL|LV|LT|SK|SI|HR|H|RO|BG|GR) ?-(?: ?)[0-9]{4,5}(?![0-9])");
        private static final Pattern IN_PIN = Pattern.compile("(?<![0-9\\-/.,])[1-9][0-9]{2} ?[0-9]{3}(?![0-9])");
        private static final Pattern IN_WORD = Pattern.compile(
                "(?i)(?:no\\.|house|h\\.no|flat|plot|sector|road|nagar|marg|lane|street|cross|colony|block|phase|layout|pin)");
        /** Five-digit codes (DE, FR, ES, IT) and Dutch ones: plain numbers, so a town must follow. */
        private static final Pattern CONTINENTAL = Pattern.compile(
                "(?<![\\p{N}.,:/-])(?:[0-9]{5}|[0-9]{4} ?[A-Z]{2})(?![\\p{N}]) ?,? ?\\p{L}{2,}");
        /** Portuguese and Brazilian codes: shaped enough on their own. */
        private static final Pattern HYPHENATED = Pattern.compile("(?<![\\p{N}.,:/-])(?:[0-9]{4}|[0-9]{5})-[0-9]{3}(?![\\p{N}-])");
        /** A name in capitals between the number and the comma: "94 Les Hauts de Seine, 75317". */
        private static final Pattern NAMED_STREET = Pattern.compile(
                "(?su)\\s\\p{Lu}[\\p{L}'’.\\-]*(?:\\s[\\p{L}'’.\\-]+){0,5}\\s?,.*");
        private static final Pattern STREET_WORD = Pattern.compile(
                "(?iu)(?<![\\p{L}])(?:rue|avenue|av\\.|bd|boulevard|place|chemin|all[ée]e|impasse|quai|route|cours|calle|c/|avenida|"
                        + "av\\.|paseo|plaza|carrer|via|viale|corso|piazza|largo|vicolo|rua|travessa|pra[çc]a|estrada|strada)(?![\\p{L}])");
        /** A house number: 1-4 digits, an optional letter, a unit ("7/15"), not part of a date, a time or a longer number. */
        private static final Pattern HOUSE = Pattern.compile(
                "(?iu)(?<![\\p{N}][-/.:, ]|[\\p{N}\\p{L}.])[0-9]{1,4}(?:/[0-9]{1,4})?[a-z]?(?:-[0-9]{1,3}){0,2}(?![\\p{N}]|[.:][0-9]|[\\p{L}]{2})");

        static void find(String t, String lower, TreeSet<String> found) {
            if (postcodeAfterHouse(t, UK, false) || postcodeAfterHouse(t, US, false) || postcodeAfterHouse(t, AU, false)
                    || postcodeAfterHouse(t, EIRCODE, false) || postcodeAfterHouse(t, PREFIXED, true)
                    || postcodeAfterHouse(t, HYPHENATED, false) || postcodeAfterHouse(t, HYPHENATED, true) || indian(t) || postcodeAfterHouse(t, CONTINENTAL, true)) {
                found.add("address");
            }
        }

        /** A postcode with a house number before it in the same address: up to 90 characters back, not across a sentence's end. */
        static boolean postcodeAfterHouse(String t, Pattern postcode, boolean continental) {
            Matcher m = postcode.matcher(t);
            while (m.find()) {
                String back = segmentBefore(t, m.start());
                int line = back.lastIndexOf('\n');
                if (line >= 0 && !TOWN_LINE.matcher(back.substring(line + 1)).matches()) {
                    back = back.substring(line + 1); // the postcode's line holds more than a town: the lines above are another part
                }
                if (houseThenWords(back, continental)) {
                    return true;
                }
            }
            return false;
        }

        /** What may stand before a postcode on its own line: nothing, or a town ("Leamington Spa", "Washington, "). */
        private static final Pattern TOWN_LINE = Pattern.compile("(?u) ?(?:\\p{Lu}[\\p{L}'.\\-]*(?: \\p{Lu}[\\p{L}'.\\-]*){0,3},? ?)?");

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
            Matcher h = HOUSE.matcher(back);
            while (h.find()) {
                String after = back.substring(h.end());
                String beforeNumber = back.substring(0, h.start());
                boolean wordAfter = after.matches("(?su)[,\\s\\-]{0,4}(?:[0-9]{1,3}(?:st|nd|rd|th)\\s)?[\\p{L}].*");
                boolean wordBefore = beforeNumber.matches("(?su).*[\\p{L}.]\\s?");
                if (after.matches("(?s).*[0-9]{5,}.*")) {
                    continue;
                }
                if (!continental) {
                    if (wordAfter && after.matches("(?su).*\\p{L}{2,}.*")) {
                        return true;
                    }
                    continue;
                }
                // Continental postcodes are plain numbers: the street must be there, before ("Hauptstraße 5, 10115")
                // or after the number with a street word ("12 rue de la Paix, 75002"), and a comma or line before the code.
                String trimmed = after.trim();
                boolean streetFirst = wordBefore && (trimmed.isEmpty() || trimmed.equals(",") || trimmed.matches("[a-z]?,?"));
                boolean numberFirst = wordAfter && (after.contains(",") || after.contains("\n")) && (STREET_WORD.matcher(after).find() || NAMED_STREET.matcher(after).matches());
                if (streetFirst || numberFirst) {
                    return true;
                }
            }
            return false;
        }

        static boolean indian(String t) {
            Matcher m = IN_PIN.matcher(t);
            while (m.find()) {
                String back = segmentBefore(t, m.start());
                if (IN_WORD.matcher(back).find() && houseThenWords(back, false)) {
                    return true;
                }
            }
            return false;
        }
    }
}
