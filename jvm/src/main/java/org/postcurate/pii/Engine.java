package org.postcurate.pii;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * The PII scanner: one pass over the normalised view of a text finds every candidate of every enabled type, and
 * the winners are replaced in the original text by their placeholders.
 *
 * <p>Stages, each reading the view once: (1) links, whose personal parts are taken out and which are then set
 * aside; (2) one walk over the characters in which each trigger (a number's first digit, a word's first letter,
 * an "@", a "+" or "(" before a number) hands its position to the detectors that can start there; (3) the
 * configured regex detectors. Where candidates overlap, e-mail and coordinates win; then IBANs and cards (a check
 * digit proves them), longest first; then the other shape types in their configured order; then NHS and phone
 * numbers, longest first. Texts without a digit or an "@" cost one walk over their characters.
 */
final class Engine implements Serializable {
    private static final long serialVersionUID = 1L;

    final Spec spec;
    final int email;
    final int coords;
    final int ip;
    final int ssn;
    final int nino;
    final int address;
    final int mention;
    final int iban;
    final int card;
    final int nhs;
    final int phone;
    private final int[] custom;
    final Context[] context;
    /** Words after which a list of small numbers is a draw ("Lotto", "Ziehung", "sorteo"). */
    final Context lottery;
    final Numbers numbers;
    private final int[] group;

    /** What a scan found: the redacted text and the count per detector (in the spec's order). */
    static final class Result {
        final String text;
        final int[] counts;

        Result(String text, int[] counts) {
            this.text = text;
            this.counts = counts;
        }
    }

    Engine(Spec spec, List<String> lotteryWords) {
        this.spec = spec;
        List<Spec.Detector> ds = spec.detectors;
        context = new Context[ds.size()];
        group = new int[ds.size()];
        List<Integer> patterns = new ArrayList<>();
        for (int k = 0; k < ds.size(); k++) {
            Spec.Detector d = ds.get(k);
            context[k] = new Context(d.negative, d.positive, d.window);
            switch (d.kind) {
                case "email":
                case "coords":
                    group[k] = 0;
                    break;
                case "iban":
                case "card":
                    group[k] = 1; // proven by a check digit: stronger evidence than any shape
                    break;
                case "nhs":
                case "phone":
                    group[k] = 3;
                    break;
                default:
                    group[k] = 2;
            }
            if (d.kind.equals("pattern")) {
                patterns.add(k);
            }
        }
        email = index("email");
        coords = index("coords");
        ip = index("ip");
        ssn = index("ssn");
        nino = index("nino");
        address = index("address");
        mention = index("mention");
        iban = index("iban");
        card = index("card");
        nhs = index("nhs");
        phone = index("phone");
        custom = patterns.stream().mapToInt(Integer::intValue).toArray();
        lottery = new Context(List.of(), lotteryWords, 40);
        numbers = new Numbers(this);
    }

    private int index(String kind) {
        for (int k = 0; k < spec.detectors.size(); k++) {
            if (spec.detectors.get(k).kind.equals(kind)) {
                return k;
            }
        }
        return -1;
    }

    int detectors() {
        return spec.detectors.size();
    }

    /** The text with its PII replaced, and the counts; null when nothing was found (the text stays as it is). */
    Result scan(String s) {
        if (s == null || s.isEmpty() || spec.detectors.isEmpty()) {
            return null;
        }
        Text t = new Text(s);
        boolean full = t.hasDigit || t.hasAt;
        if (!full && custom.length == 0 && email < 0) {
            return null;
        }
        Scan sc = new Scan(t);
        if (full || custom.length > 0) {
            Links.scan(sc, this);
        }
        walk(sc, full);
        for (int k : custom) {
            Matcher m = sc.matcher(spec.detectors.get(k).pattern);
            m.region(0, sc.n);
            while (m.find()) {
                if (m.end() > m.start() && !context[k].vetoed(sc.v, m.start())) {
                    sc.add(m.start(), m.end(), k);
                }
            }
        }
        return resolve(sc);
    }

    private boolean numeric() {
        return card >= 0 || nhs >= 0 || phone >= 0 || ssn >= 0;
    }

    private void walk(Scan s, boolean full) {
        char[] v = s.v;
        int n = s.n;
        boolean numeric = full && numeric();
        int numbersUntil = 0; // runs do not overlap: the next one starts after the last one looked at
        for (int i = 0; i < n; i++) {
            char ch = v[i];
            if (Text.digit(ch)) {
                if (Text.wordBefore(v, i)) {
                    continue; // glued to a word ("NW1", "DE89..."): the word's (an emoji is no word: "☎️0151 ...")
                }
                number(s, i);
                if (numeric && i >= numbersUntil) {
                    numbersUntil = numbers.runAt(s, i, 0);
                }
                while (i + 1 < n && Text.digit(v[i + 1])) {
                    i++;
                }
            } else if (ch == '+' || ch == '(') {
                if (numeric && i >= numbersUntil && i + 1 < n && (Text.digit(v[i + 1]) || v[i + 1] == '(' || v[i + 1] == ' ')) {
                    numbersUntil = numbers.runAt(s, i, 0);
                }
            } else if (ch == '@') {
                if (email >= 0) {
                    Emails.at(s, this, v, i, 0, n);
                }
                if (mention >= 0) {
                    Shapes.mention(s, this, i);
                }
            } else if (ch == ':') {
                if (ip >= 0 && full && i + 1 < n && v[i + 1] == ':' && (i == 0 || !(Text.alnum(v[i - 1]) || v[i - 1] == ':'))) {
                    Shapes.ip(s, this, i);
                }
            } else if (Text.letter(ch) && (i == 0 || !Text.alnum(v[i - 1]))) {
                int e = i;
                boolean digit = false;
                while (e < n && Text.alnum(v[e])) {
                    digit |= Text.digit(v[e]);
                    e++;
                }
                word(s, i, e, digit, full);
                i = e - 1;
            }
        }
    }

    /** A number starts at {@code i}: IP addresses, coordinates, postcodes. (Digit runs are {@link Numbers}'.) */
    private void number(Scan s, int i) {
        char[] v = s.v;
        int n = s.n;
        int d = i;
        while (d < n && Text.digit(v[d])) {
            d++;
        }
        int digits = d - i;
        char next = d < n ? v[d] : ' ';
        int h = d;
        while (h < n && h - i < 5 && (Text.digit(v[h]) || ((v[h] | 0x20) >= 'a' && (v[h] | 0x20) <= 'f'))) {
            h++;
        }
        if (ip >= 0 && ((digits <= 3 && next == '.' && d + 1 < n && Text.digit(v[d + 1])) || (h - i <= 4 && h < n && v[h] == ':'))) {
            Shapes.ip(s, this, i); // IPv4, or IPv6 from a group such as "973d:"
        }
        if (coords >= 0 && digits <= 2 && (next == '.' || next == ',' || next == '°' || next == 'd' || next == 'D'
                || (next == ' ' && d + 1 < n && (v[d + 1] == '°' || v[d + 1] == 'd')))) {
            Shapes.coordsAtNumber(s, this, i);
        }
        if (address >= 0 && ((digits >= 3 && digits <= 6) || (digits == 2 && next == '-'))) {
            Addresses.atNumber(s, this, i);
        }
    }

    /** A word [i, e) starts: hidden e-mail addresses, IBANs, NI numbers, postcodes, coordinates, IPv6. */
    private void word(Scan s, int i, int e, boolean digit, boolean full) {
        char[] v = s.v;
        int n = s.n;
        int len = e - i;
        if (email >= 0 && !digit) {
            int ae = Emails.atWordEnd(v, i, e, n);
            if (ae > 0) {
                Emails.atWord(s, this, i, ae);
            }
        }
        if (!full) {
            return;
        }
        boolean spacedDigit = e + 1 < n && (v[e] == ' ' || v[e] == '-') && Text.digit(v[e + 1]);
        if (iban >= 0 && (digit || (len == 2 && spacedDigit))) {
            Ibans.at(s, this, i);
        }
        if (nino >= 0 && (digit || (len == 2 && spacedDigit))) {
            Shapes.nino(s, this, i);
        }
        if (address >= 0) {
            if (digit) {
                Addresses.atWord(s, this, i);
            } else if (len <= 3 && (spacedDigit || (e + 2 < n && v[e] == ' ' && v[e + 1] == ' ' && Text.digit(v[e + 2])))) {
                Addresses.atPrefix(s, this, i);
            }
        }
        if (coords >= 0) {
            char h = v[i];
            if ((h == 'N' || h == 'S' || h == 'n' || h == 's') && (len == 1 || Text.digit(v[i + 1]))) {
                Shapes.coords(s, this, Shapes.COORDS_AT_HEMISPHERE, i);
            } else if (!digit && (Links.starts(v, n, i, "lat") || Links.starts(v, n, i, "breite"))) {
                Shapes.coords(s, this, Shapes.COORDS_LABELLED, i);
            }
        }
        if (ip >= 0 && len <= 4 && e < n && v[e] == ':') {
            Shapes.ip(s, this, i);
        }
    }

    /** Among the checksum and numbering-plan types the longest candidate wins; among the others, the first in order. */
    private static boolean longestFirst(int group) {
        return group == 1 || group == 3;
    }

    private Result resolve(Scan s) {
        List<int[]> found = s.found();
        if (found.isEmpty()) {
            return null;
        }
        List<Spec.Detector> ds = spec.detectors;
        found.sort(Comparator.<int[]>comparingInt(f -> group[f[2]])
                .thenComparingInt(f -> longestFirst(group[f[2]]) ? f[0] - f[1] : ds.get(f[2]).order)
                .thenComparingInt(f -> longestFirst(group[f[2]]) ? ds.get(f[2]).order : f[0] - f[1])
                .thenComparingInt(f -> f[0]));
        TreeMap<Integer, int[]> taken = new TreeMap<>();
        for (int[] f : found) {
            Map.Entry<Integer, int[]> left = taken.floorEntry(f[0]);
            if (left != null && left.getValue()[1] > f[0]) {
                continue;
            }
            Map.Entry<Integer, int[]> right = taken.ceilingEntry(f[0]);
            if (right != null && right.getKey() < f[1]) {
                continue;
            }
            taken.put(f[0], f);
        }
        Text t = s.t;
        StringBuilder out = new StringBuilder(t.original.length());
        int[] counts = new int[ds.size()];
        int last = 0;
        for (int[] f : taken.values()) {
            int start = t.start(f[0]);
            out.append(t.original, last, start).append(ds.get(f[2]).placeholder);
            last = t.end(f[1]);
            counts[f[2]]++;
        }
        out.append(t.original, last, t.original.length());
        return new Result(out.toString(), counts);
    }
}
