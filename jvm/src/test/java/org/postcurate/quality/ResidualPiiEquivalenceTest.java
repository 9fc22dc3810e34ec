package org.postcurate.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check with its prefilters and triggers ({@link ResidualPii}) against the plain whole-text scans it replaced
 * ({@link ResidualPiiReference}): the same verdict, type for type, on every text of a large corpus, so that faster
 * never means missing more (or flagging more). The corpus: both labelled eval sets with their values in place, and
 * perfectly redacted; every text rewritten the ways the view must see through (other digits, spaces, line breaks,
 * zero-width characters, case, spelled and encoded at signs); each labelled value and look-alike alone, glued to
 * words and after context words; pieces of texts cut at random; the 20,000-character hostile texts of
 * tests/test_pii_adversarial.py (its units and alphabets; the random ones drawn here); and short texts drawn at
 * random from a vocabulary of the detectors' triggers, values and separators.
 */
class ResidualPiiEquivalenceTest {
    private static final List<String> CORPUS = new ArrayList<>();
    private static int evalRecords;

    @BeforeAll
    static void build() throws IOException {
        List<String> values = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        for (String name : new String[] {"pii_eval.jsonl", "pii_eval_v2.jsonl"}) {
            for (String line : Files.readAllLines(evalDir().resolve(name), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<?, ?> record = (Map<?, ?>) new Json(line).value();
                String text = (String) record.get("text");
                raw.add(text);
                evalRecords++;
                String redacted = text;
                for (Object item : list(record.get("pii"))) {
                    Map<?, ?> pii = (Map<?, ?>) item;
                    String value = (String) pii.get("value");
                    values.add(value);
                    redacted = redacted.replace(value, "<" + ((String) pii.get("type")).toUpperCase() + ">");
                }
                for (Object item : list(record.get("decoys"))) {
                    values.add((String) ((Map<?, ?>) item).get("value"));
                }
                CORPUS.add(text);
                CORPUS.add(redacted);
            }
        }
        for (String text : raw) {
            if (text.length() <= 1_000) { // the long adversarial records are read once, as they are (and below)
                CORPUS.addAll(rewritten(text));
            }
        }
        String[] context = {"call ", "tel: ", "card ", "order ", "SSN ", "NHS ", "NI ", "IBAN ", "lat ", "mail ", "at ", "version ",
            "Sendungsnummer: DHL ", "https://wa.me/", "https://example.com/?phone=", "geo:", "14 High St, ", "Hauptstraße 5, "};
        Random random = new Random(7);
        for (String value : values) {
            CORPUS.add(value);
            CORPUS.add("x" + value + "y");
            CORPUS.add("(" + value + ")");
            CORPUS.add(context[random.nextInt(context.length)] + value);
            CORPUS.add(value + ", " + values.get(random.nextInt(values.size())));
        }
        for (int k = 0; k < 5_000; k++) {
            String text = raw.get(random.nextInt(raw.size()));
            int from = random.nextInt(text.length());
            CORPUS.add(text.substring(from, from + random.nextInt(text.length() - from) + 1));
        }
        CORPUS.addAll(hostile());
        CORPUS.addAll(drawn(values, 100_000, new Random(11)));
    }

    @Test
    void theVerdictIsTheReferencesOnEveryText() {
        List<String> differ = new ArrayList<>();
        int mismatches = 0;
        int clean = 0;
        Map<String, Integer> flagged = new TreeMap<>();
        for (String text : CORPUS) {
            String expected = ResidualPiiReference.typesOf(text);
            String got = ResidualPii.typesOf(text);
            if (!Objects.equals(expected, got)) {
                mismatches++;
                if (differ.size() < 20) {
                    differ.add("reference " + expected + ", now " + got + ": " + escaped(text));
                }
            }
            if (expected == null) {
                clean++;
                continue;
            }
            for (String type : expected.split(",")) {
                flagged.merge(type, 1, Integer::sum);
            }
        }
        if (mismatches > 0) {
            fail(mismatches + " of " + CORPUS.size() + " texts get another verdict:\n" + String.join("\n", differ));
        }
        // The corpus is worth its name: both eval sets, every type many times, and many clean texts.
        assertTrue(evalRecords >= 6_600, "both eval sets read: " + evalRecords);
        assertTrue(CORPUS.size() >= 200_000, "corpus size " + CORPUS.size());
        for (String type : new String[] {"address", "card", "coords", "email", "iban", "ip", "mention", "nhs", "nino", "phone", "ssn"}) {
            assertTrue(flagged.getOrDefault(type, 0) >= 200, type + " flagged in " + flagged.getOrDefault(type, 0) + " texts");
        }
        assertTrue(clean >= 30_000, "clean texts: " + clean);
    }

    @Test
    void typesComeInAlphabeticalOrderAndEmptyTextsHoldNone() {
        assertEquals("card,email", ResidualPii.typesOf("card 4111 1111 1111 1111, mail jo@example.com"));
        assertEquals("email,phone", ResidualPii.typesOf("jo at example dot com or +44 20 7946 0958"));
        assertNull(ResidualPii.typesOf(""));
        assertNull(ResidualPii.typesOf(null));
        assertNull(ResidualPii.typesOf("<EMAIL> <PHONE>"));
    }

    @Test
    void aHostileTextTakesUnderTwoSecondsAndItsPiiIsFound() {
        for (String text : hostile()) {
            ResidualPii.typesOf(text);
            long started = System.nanoTime();
            String types = ResidualPii.typesOf(text);
            assertTrue(System.nanoTime() - started < 2_000_000_000L, escaped(text.substring(0, 60))); // as tests/test_residual_pii.py: a shared machine
            assertTrue(types != null && types.contains("email") && types.contains("phone"), types + ": " + escaped(text.substring(0, 60)));
        }
    }

    // --- the corpus ---------------------------------------------------------------------------------------------

    /** The text as people (or someone hiding a value) also write it. */
    static List<String> rewritten(String text) {
        List<String> out = new ArrayList<>();
        out.add(digits(text, 0xFF10)); // full-width
        out.add(digits(text, 0x0966)); // Devanagari
        out.add(digits(text, 0x0660)); // Arabic-Indic
        out.add(digits(text, 0x1D7CE)); // mathematical bold
        out.add(text.replace(' ', '\u00a0'));
        out.add(text.replace(' ', '\n'));
        out.add(text.replace(" ", "\r\n"));
        out.add(text.replace("-", "\u2013").replace(' ', '\u202f'));
        out.add(text.replaceAll("([0-9])", "$1\u200b"));
        out.add(text.replaceAll("([0-9])", "\u200f$1"));
        out.add(text.toUpperCase());
        out.add(text.toLowerCase());
        out.add(text.replace("@", " at ").replace(".", " dot "));
        out.add(text.replace("@", " [at] ").replace(".", "(dot)"));
        out.add(text.replace("@", "%40").replace(" ", "%20"));
        out.add(text.replace("@", " ÄT ").replace(".", " PUNKT "));
        out.add(text.replace(".", "．").replace("@", "＠"));
        out.add(text + " " + text);
        return out;
    }

    private static String digits(String text, int zero) {
        StringBuilder out = new StringBuilder(text.length());
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c >= '0' && c <= '9') {
                out.appendCodePoint(zero + c - '0');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // The units, alphabets, head and tail of tests/test_pii_adversarial.py.
    private static final String[] UNITS = {
        "1 ", "12 ", "123 ", "+1 ", "(1)", "1-", "1.", "1/", "0 ", "4111 ", "+44 20 7946 0958 ", "12.3456, ", "51.50735, -0.12776 ",
        "@", ".", ":", "@.", "a@", "a.", "::1", "1:", "a@b.", ".@a ", "a.a.a.", "1.1.1.1.", "ff:", "at ", "at dot ", "[at]",
        "\ud800", "\udc00", "\ud800 1 ", "1\u200f", "1\u200b", "\u202e1", "N 51° ", "51°30.433'N ", "lat 51.5 ", "DE89 ", "GB82 WEST ",
        "AB 12 ", "NW1 6XE ", "12345 Berlin ", "IL 62704 ", "D-79098 ", "Unit 7/15 ", "12 Main St, ", "H.No. 1-2-3, ",
        "https://", "www.", "wa.me/", "tel:", "geo:1,", "@1.1,1.1,", "Lotto 1 2 3 ", "123-45-6789 ", "123456789 ",
    };
    private static final String[] ALPHABETS = {"0123456789 ", "01 ", "0123456789 .-/()\n+", "0123456789 \u00a0\u202f",
        "0123456789\u200b\u200f", "0123456789.,:"};
    private static final String HEAD = "mail ana.silva@example.org now ";
    private static final String TAIL = " call \uff10\u200f\uff17\u200f\uff17\u200f\uff10\u200f\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 thanks";

    static List<String> hostile() {
        int size = 20_000;
        List<String> texts = new ArrayList<>();
        for (String unit : UNITS) {
            texts.add(unit.repeat(size / unit.length() + 1).substring(0, size));
        }
        Random random = new Random(3);
        for (String alphabet : ALPHABETS) {
            StringBuilder s = new StringBuilder(size);
            for (int k = 0; k < size; k++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(s.toString());
        }
        texts.add("a".repeat(size) + "@example.com");
        texts.add("x@" + "b.".repeat(size / 2) + "com");
        texts.add("https://example.com/" + "a".repeat(size));
        List<String> out = new ArrayList<>();
        for (String text : texts) {
            out.add(HEAD + text + TAIL);
        }
        return out;
    }

    /** Words and marks the detectors turn on, to draw short texts from. */
    private static final String[] VOCABULARY = {
        "at", "AT", "ät", "arroba", "arobase", "chiocciola", "dot", "DOT", "punkt", "point", "punto", "gmail", "example", "com", "de", "co", "uk",
        "[at]", "(at)", "{dot}", "[dot]", "<at>", "@", "@@", "%40", "%2B", "%20", "mail", "jo.smith", "anna_b", "x", "a", "the", "ok",
        "call", "tel", "tel:", "phone:", "Handy", "WhatsApp", "wa.me/", "https://", "http://", "www.", "?phone=", "&tel=", "?q=", "#map=17/",
        "/@", "geo:", "card", "order", "Order #", "ISBN", "EAN", "version", "v", "build", "Lotto", "SSN", "ssn", "social security", "NHS",
        "NI", "nino", "lat", "lon", "latitude", "longitude", "N", "S", "E", "W", "°", "'", "\"", "′", "″", "d", "m", "s",
        "St", "Rd", "Street", "Avenue", "rue", "Hauptstraße", "Via", "Co.", "Galway", "Berlin", "Paris", "WA", "NSW", "IL", "CA", "D-", "F-", "No.",
        "House", "Sector", "Noida", "Flat", "Unit", "1", "7", "12", "27", "123", "2024", "0171", "07700", "900123", "4111", "1111", "5500",
        "+44", "+1", "0044", "00", "555", "0123", "4567", "89", "536", "22", "8417", "943", "476", "5919", "192.168", "10.0.0", "::", "fe80",
        "db8", "2001", "51.50735", "-0.12776", "40.7128", "-74.0060", "30.433", "CV32", "4AN", "SW1A", "1AA", "H54", "A6X2", "10115", "75002",
        "1234", "AB", "6000", "201301", "1000-001", "DE89", "3704", "0044", "0532", "0130", "00", "GB82", "WEST", "1234", "5698", "7654", "32",
        "ES91", "2100", "0418", "4502", "0005", "1332", "es91", "<EMAIL>", "<PHONE>", "<CARD>", "\u200b", "\u200f", "\u00a0", "\ud83d\ude00",
        "\ud800", "１２３", "४१११", "٤١١١", "\n", "\n\n", ",", ".", ". ", ";", "!", "?", "|", "-", " - ", "/", "(", ")", ":", "=", "&", "#",
    };
    private static final String[] SEPARATORS = {" ", " ", " ", "", "", "-", ".", "\n", ", ", "/", " . ", "  "};

    static List<String> drawn(List<String> values, int count, Random random) {
        List<String> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            StringBuilder s = new StringBuilder();
            int tokens = 1 + random.nextInt(16);
            for (int t = 0; t < tokens; t++) {
                if (t > 0) {
                    s.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
                }
                s.append(random.nextInt(8) == 0 ? values.get(random.nextInt(values.size())) : VOCABULARY[random.nextInt(VOCABULARY.length)]);
            }
            out.add(s.toString());
        }
        return out;
    }

    static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : (text.length() > 300 ? text.substring(0, 300) + "..." : text).toCharArray()) {
            out.append(c >= ' ' && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    private static Path evalDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("eval").resolve("pii_eval_v2.jsonl"))) {
                return dir.resolve("eval");
            }
        }
        throw new IllegalStateException("eval/pii_eval_v2.jsonl not found above " + Path.of("").toAbsolutePath());
    }

    /** Just enough JSON for the eval records: objects, arrays, strings, numbers, true, false, null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> out = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return out;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    out.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return out;
                    }
                }
            }
            if (c == '[') {
                List<Object> out = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return out;
                }
                while (true) {
                    out.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return out;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && ",}] \t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i);
            return switch (word) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> Double.valueOf(word);
            };
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
