package org.postcurate.pii;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Street addresses with a house number and a postcode, found from the postcode back to where the address starts.
 *
 * <p>A postcode is found first (GB, US state and ZIP, AU state and code, Irish Eircode, a country-prefixed code
 * such as "D-79098": <em>strong</em>; five digits before a town, Dutch, Brazilian, Portuguese, Indian PIN:
 * <em>weak</em>). Then, within 160 characters before it (up to three line breaks, no sentence punctuation), the
 * earliest place an address can start:
 * <ul>
 *   <li>a house number (after an optional "Unit", "Flat", "No.", "H.No." ...), then the street: a street-type word
 *       within five words ("221B Baker Street", "12 rue de la Paix", "Unit 7/15 King St", "12-3-456, Sector 15");
 *       with a strong postcode, a street of up to four words ended by a comma or line break will do
 *       ("27 The Parade, Leamington Spa CV32 4AN");</li>
 *   <li>a street-type word first, its name, then the house number ("Calle Mayor 10", "Rua Augusta, 1500");</li>
 *   <li>a street name with a street suffix, then the number ("Hauptstraße 5", "Keizersgracht 123");</li>
 *   <li>a capitalised street name, its house number and a comma, right before the postcode
 *       ("Unter den Linden 77, 10117 Berlin", "Im Winkel 3b, D-79098 Freiburg").</li>
 * </ul>
 * The address runs from there to the end of the postcode, house number included; the town after a postcode stays.
 */
final class Addresses {
    private Addresses() {}

    private static final String AN = Shapes.AN;
    private static final String STATES =
            "A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]";
    /** A Canadian postal code ("V6B 5P5"): no D, F, I, O, Q, U anywhere, no W or Z first. */
    private static final String CA = "[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]";
    /** Tried where a word holding a digit starts: GB postcodes, Eircodes, Canadian postal codes. */
    private static final Pattern STRONG_AT_WORD = Pattern.compile(
            "(?i:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"
                    + "|" + CA + ")(?![" + AN + "])");
    /** Tried where a short word of letters stands before a number: a state, a country prefix. */
    private static final Pattern STRONG_AT_PREFIX = Pattern.compile(
            "(?i:(?:" + STATES + ")\\.? {1,2}[0-9]{5}(?:-[0-9]{4})?|(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT) {1,2}[0-9]{4}"
                    + "|(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT) {1,2}" + CA
                    + "|(?:D|DE|A|AT|F|FR|CH|L|LU|B|BE|I|IT|E|ES|NL|DK|S|SE|FI|FIN|N|NO|P|PT|PL|CZ|SK|SI|HR|H|HU|GR|IRL"
                    + "|RO|BG|EE|LV|LT)-[0-9]{4,5})(?![" + AN + "])");
    /** Tried where a number starts: codes that are only digits (and a weaker sign of an address). */
    private static final Pattern WEAK_AT_NUMBER = Pattern.compile(String.join("|",
            "[0-9]{5}-[0-9]{3}(?![" + AN + "])", // BR CEP
            "[0-9]{4}-[0-9]{3}(?![" + AN + "])", // PT
            "[1-9][0-9]{3} ?(?i:[A-Z]{2})(?![" + AN + "])(?=[ \\n]{1,3}\\p{L})", // NL, before the town
            "[0-9]{5}(?![" + AN + "])(?=[ \\n]{1,3}\\p{L})", // DE, FR, ES, IT: before the town
            "[1-9][0-9]{3}(?![" + AN + "])(?=[ \\n]{1,3}\\p{L})", // AT, CH, BE, DK, LU, NO, HU ...: before the town
            "[0-9]{2}-[0-9]{3}(?![" + AN + "])(?=[ \\n]{1,3}\\p{L})", // PL: before the town
            "[1-9][0-9]{2} ?[0-9]{3}(?![ \\-]?[0-9])(?![" + AN + "])")); // IN PIN

    /** Four digits after the town, at the end of the address (NZ, AU without a state). */
    private static final Pattern AFTER_TOWN = Pattern.compile("[0-9]{4}(?![" + AN + "])(?! ?[.,:/\\-]?[0-9])");

    private static final Set<String> TYPES_AFTER = words(("street st road rd avenue ave av lane ln drive dr close court ct "
            + "crescent cres place pl way boulevard blvd terrace tce gardens gdns square sq highway hwy parkway pkwy row mews "
            + "grove walk parade circle cir hill green rise wharf quay esplanade broadway alley plaza trail pike estate park "
            + "marg nagar layout cross sector colony main block phase enclave vihar chowk bagh puram"));
    private static final Set<String> TYPES_BEFORE = words(("rue avenue av bd boulevard place chemin allée allee impasse quai "
            + "ul ulica al aleja os osiedle plac pl "
            + "route cours passage calle c/ avenida avda plaza paseo camino carrera carretera ronda rua r travessa praça "
            + "praca largo estrada alameda rodovia via viale piazza corso vicolo"));
    private static final String[] SUFFIXES = ("straße strasse weg gasse platz allee ring damm ufer chaussee steig pfad markt "
            + "straat laan plein gracht kade dijk").split(" ");
    private static final Set<String> PREFIXES = words(("unit flat apt apartment suite ste level lvl floor shop house plot "
            + "door villa bldg building block h.no h.no. hno no no. nr nr. #"));
    /** Small words inside a capitalised name ("Unter den Linden", "Les Hauts de Seine", "Co. Wicklow"). */
    private static final Set<String> CONNECTIVES = words(("de des du la le les d' den der dem die das von van of the and "
            + "da do dos das di del della e y et und co. co st."));
    /** Abbreviations that are street types only with their dot: "al" is also Spanish and Italian for "to the". */
    private static final Set<String> DOTTED_TYPES = Set.of("r", "al", "os", "pl");
    /** A month is no street: "March 24, 2011 We ..." is a date, not "Street 24, 2011 WE" (a Dutch postcode). */
    private static final Set<String> MONTHS = words(("january february march april june july august september october "
            + "november december sept januar februar märz juni juli "
            + "oktober dezember janvier février mars avril juin juillet août septembre octobre novembre décembre enero "
            + "febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre gennaio febbraio aprile "
            + "maggio giugno luglio settembre ottobre dicembre janeiro fevereiro março maio junho julho setembro outubro "
            + "dezembro januari februari maart mei augustus"));
    private static final Set<String> NUMBER_WORDS = Set.of("no", "no.", "nr", "nr.", "n°", "n°.", "nº", "number", "num");
    // House numbers, read by hand (they are tried on every token of every window): digits, an optional letter, and
    // up to `parts` more parts after "/" or "-" ("7/15", "12-3-456").
    private static final int HOUSE = 0; // "221B", "7/15"
    private static final int HOUSE_AFTER_PREFIX = 1; // after "Flat", "H.No.", "#": also "12-3-456"
    private static final int HOUSE_AFTER_NAME = 2; // after the street's name: four digits at most

    private static final int WINDOW = 160;

    private static Set<String> words(String spaced) {
        return new java.util.HashSet<>(java.util.Arrays.asList(spaced.split(" ")));
    }

    /** At a word start {@code i} whose word holds a digit ("NW1", "D02"): a GB postcode or Eircode. */
    static int atWord(Scan s, Engine e, int i) {
        int end = Shapes.match(s, STRONG_AT_WORD, i);
        return end > 0 && address(s, e, i, end, true, false) ? end : -1;
    }

    /** At a short word of letters ({@code i}) before a number: "IL 62704", "WA 6000", "D-79098". */
    static int atPrefix(Scan s, Engine e, int i) {
        int end = Shapes.match(s, STRONG_AT_PREFIX, i);
        return end > 0 && address(s, e, i, end, true, false) ? end : -1;
    }

    /** At a number start {@code i}: a postcode of digits only. */
    static int atNumber(Scan s, Engine e, int i) {
        char[] v = s.v;
        if (i > 1 && (v[i - 1] == ' ' || v[i - 1] == '-') && Text.digit(v[i - 2])) {
            return -1; // the last group of a longer number ("3718 646163 25882"), not a postcode
        }
        int end = Shapes.match(s, WEAK_AT_NUMBER, i);
        if (end < 0 && townBefore(v, i)) {
            end = Shapes.match(s, AFTER_TOWN, i); // "8 Cuba Street, Wellington 6011"
        }
        // four digits that read as a year ("Room 12, 2019 Paris") are a postcode only after a street word
        boolean year = end - i >= 4 && (end - i == 4 || !Text.digit(v[i + 4])) && (v[i] == '1' && v[i + 1] == '9' || v[i] == '2' && v[i + 1] == '0');
        return end > 0 && address(s, e, i, end, false, year) ? end : -1;
    }

    /** A town's name (one or two words) right before {@code i}, after a comma or a line break: ", Wellington 6011". */
    private static boolean townBefore(char[] v, int i) {
        int k = i;
        for (int w = 0; w < 2; w++) {
            if (k == 0 || v[k - 1] != ' ') {
                return false;
            }
            k--;
            int end = k;
            while (k > 0 && Text.letter(v[k - 1]) && end - k < 30) {
                k--;
            }
            if (k == end) {
                return false;
            }
            int p = k;
            while (p > 0 && v[p - 1] == ' ') {
                p--;
            }
            if (p > 0 && (v[p - 1] == ',' || v[p - 1] == '\n')) {
                return true;
            }
        }
        return false;
    }

    /** The earliest start of an address that ends with the postcode [ps, pe); records it and says whether found. */
    private static boolean address(Scan s, Engine e, int ps, int pe, boolean strong, boolean year) {
        char[] v = s.v;
        // The window: back to a character no address holds, a fourth line break, or the last address.
        int ws = ps;
        int breaks = 0;
        int floor = Math.max(s.addressEnd, ps - WINDOW);
        while (ws > floor) {
            char ch = v[ws - 1];
            if (ch == '\n' && ++breaks > 3) {
                break;
            }
            if (!(Text.alnum(ch) || ch == ' ' || ch == '\n' || ch == ',' || ch == '.' || ch == '\'' || ch == '-' || ch == '/'
                    || ch == '#' || ch == '°')) {
                break;
            }
            ws--;
        }
        // Tokens: runs between spaces, line breaks and commas; the 24 closest to the postcode, in text order.
        int[] ts = new int[24];
        int[] te = new int[24];
        int count = 0;
        for (int k = ps; k > ws && count < ts.length; ) {
            while (k > ws && (v[k - 1] == ' ' || v[k - 1] == '\n' || v[k - 1] == ',')) {
                k--;
            }
            if (k <= ws) {
                break;
            }
            int end = k;
            while (k > ws && v[k - 1] != ' ' && v[k - 1] != '\n' && v[k - 1] != ',') {
                k--;
            }
            if (end - k == 1 && v[k] == '-') {
                continue; // a lone dash between parts ("Maharashtra, - 400039") separates like a comma
            }
            te[count] = end;
            ts[count++] = k;
        }
        for (int a = 0, b = count - 1; a < b; a++, b--) {
            int x = ts[a];
            ts[a] = ts[b];
            ts[b] = x;
            x = te[a];
            te[a] = te[b];
            te[b] = x;
        }
        Tok t = new Tok(v, ts, te, count, ps);
        t.year = year;
        for (int k = 0; k < count; k++) {
            if (numberFirst(t, k, strong) || streetFirst(t, k, strong)) {
                s.add(ts[k], pe, e.address);
                s.addressEnd = pe;
                return true;
            }
        }
        return false;
    }

    /** The tokens before a postcode. */
    private static final class Tok {
        final char[] v;
        final int[] ts;
        final int[] te;
        final int count;
        final int ps;
        private final String[] lower;
        /** The postcode reads as a year: only a street word makes it an address. */
        boolean year;

        Tok(char[] v, int[] ts, int[] te, int count, int ps) {
            this.v = v;
            this.ts = ts;
            this.te = te;
            this.count = count;
            this.ps = ps;
            this.lower = new String[count];
        }

        String text(int k) {
            if (lower[k] == null) {
                lower[k] = new String(v, ts[k], te[k] - ts[k]).toLowerCase(Locale.ROOT);
            }
            return lower[k];
        }

        /** The token without a closing dot ("St." -> "st"). */
        String bare(int k) {
            String w = text(k);
            return w.length() > 1 && w.endsWith(".") ? w.substring(0, w.length() - 1) : w;
        }

        boolean word(int k) {
            return k < count && Text.letter(v[ts[k]]);
        }

        boolean capitalised(int k) {
            return k < count && Character.isUpperCase(v[ts[k]]);
        }

        /** Written in lower case from token k to the postcode ("221b baker street, london nw1 6xe"). */
        boolean lowerFrom(int k) {
            for (int j = ts[k]; j < ps; j++) {
                // a letter of a script without case (Devanagari, Arabic ...) is not "lower case": no sign of a name
                if (Character.isUpperCase(v[j]) || (Text.letter(v[j]) && !Character.isLowerCase(v[j]) && !isMark(v[j]))) {
                    return false;
                }
            }
            return true;
        }

        private boolean isMark(char ch) {
            int type = Character.getType(ch);
            return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
        }

        /** Tokens [from, to) are words of two letters or more, each capitalised unless the address is in lower case. */
        boolean names(int from, int to, boolean lower) {
            for (int k = from; k < to; k++) {
                if (!word(k) || te[k] - ts[k] < 2 || (!lower && !capitalised(k) && !CONNECTIVES.contains(text(k)))
                        || MONTHS.contains(bare(k))) {
                    return false;
                }
                for (int j = ts[k]; j < te[k]; j++) {
                    if (Text.digit(v[j])) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** A line break between token k - 1 and token k. */
        boolean breakBefore(int k) {
            for (int j = te[k - 1]; j < ts[k]; j++) {
                if (v[j] == '\n') {
                    return true;
                }
            }
            return false;
        }

        /** A comma or a line break right after token k. */
        boolean closes(int k) {
            int end = k + 1 < count ? ts[k + 1] : ps;
            for (int j = te[k]; j < end; j++) {
                if (v[j] == ',' || v[j] == '\n') {
                    return true;
                }
            }
            return false;
        }

        /** A word that ends a sentence ("kids.") rather than an abbreviation ("St.", "N.", "Mt."). */
        boolean sentenceEnd(int k) {
            String w = text(k);
            return w.endsWith(".") && w.length() > 4 && !TYPES_AFTER.contains(bare(k)) && !TYPES_BEFORE.contains(bare(k));
        }

        /** Token k is a house number of the given kind (HOUSE, HOUSE_AFTER_PREFIX, HOUSE_AFTER_NAME). */
        boolean matches(int kind, int k) {
            if (k >= count) {
                return false;
            }
            int i = ts[k];
            int end = te[k];
            if (v[i] == '#' && kind != HOUSE_AFTER_NAME) {
                i++;
            }
            int maxDigits = kind == HOUSE_AFTER_NAME ? 4 : 5;
            int parts = kind == HOUSE_AFTER_PREFIX ? 4 : 2;
            for (int part = 0; part < parts; part++) {
                if (part > 0 && end - i <= 3 && lettersTo(i, end)) {
                    return true; // "Via Roma 93/A", "Oudegracht 98-II", "12/bis"
                }
                int d = i;
                while (i < end && i - d < maxDigits + 1 && Text.digit(v[i])) {
                    i++;
                }
                if (i == d || i - d > maxDigits) {
                    return false;
                }
                if (i < end && Text.asciiLetter(v[i])) {
                    i++;
                }
                if (i == end) {
                    return true;
                }
                if (v[i] != '/' && v[i] != '-') {
                    return false;
                }
                i++;
            }
            return false;
        }

        private boolean lettersTo(int i, int end) {
            for (int j = i; j < end; j++) {
                if (!Text.asciiLetter(v[j])) {
                    return false;
                }
            }
            return i < end;
        }

        /** "5th", "3rd", "21st", "2nd". */
        boolean ordinal(int k) {
            if (k >= count) {
                return false;
            }
            int i = ts[k];
            int end = te[k];
            int d = i;
            while (i < end && Text.digit(v[i])) {
                i++;
            }
            if (i == d || i - d > 3 || end - i != 2) {
                return false;
            }
            String tail = ("" + v[i] + v[i + 1]).toLowerCase(Locale.ROOT);
            return tail.equals("st") || tail.equals("nd") || tail.equals("rd") || tail.equals("th");
        }

        int chars(int from) {
            return ps - (from < count ? ts[from] : ps);
        }
    }

    private static boolean numberFirst(Tok t, int k, boolean strong) {
        int j = k;
        boolean prefixed = false;
        // "Unit 8, 5 King St", "Flat 13A, Plot 71, Sector 25": unit designators and their numbers, then the house's
        for (int chain = 0; chain < 3 && j + 1 < t.count && PREFIXES.contains(t.text(j)); chain++) {
            prefixed = true;
            j++;
            if (NUMBER_WORDS.contains(t.text(j)) && j + 1 < t.count) {
                j++; // "House No. 45"
            }
            if (!t.matches(HOUSE_AFTER_PREFIX, j)) {
                return false;
            }
            if (j + 1 < t.count && (PREFIXES.contains(t.text(j + 1)) || t.matches(HOUSE, j + 1))) {
                j++;
            }
        }
        if (!prefixed) {
            // not the "1991" of "17.12.1991", the "48" of "8:48" or the "00" of "3-00"
            char before = t.ts[k] > 0 ? t.v[t.ts[k] - 1] : ' ';
            if (before == '.' || before == ':' || before == '/' || before == '-') {
                return false;
            }
        }
        if (!t.matches(prefixed || t.text(j).startsWith("#") ? HOUSE_AFTER_PREFIX : HOUSE, j)) {
            return false;
        }
        j++;
        if (j < t.count && (t.text(j).equals("bis") || t.text(j).equals("ter") || t.text(j).equals("quater"))) {
            j++;
        }
        if (!(t.word(j) || t.ordinal(j))) {
            return false;
        }
        for (int m = j; m < t.count && m < j + 6; m++) {
            if (!(t.word(m) || t.ordinal(m))) {
                return false;
            }
            String w = t.bare(m);
            if (m == j && isTypeBefore(t, m)) {
                return t.chars(m + 1) <= 100; // "12 rue de la Paix"
            }
            if (m > j && isTypeBefore(t, m) && numberWithin(t, m + 1, 6)) {
                return false; // "90, vivo en Plaza Mayor 223": a street that starts later, with its own number
            }
            if (TYPES_AFTER.contains(w)) {
                return t.chars(m + 1) <= 100;
            }
            if (t.sentenceEnd(m)) {
                return false;
            }
            if (t.closes(m)) {
                // No type word: "27 The Parade, Leamington Spa CV32 4AN", "94 Les Hauts de Seine, 75317 Paris".
                // Up to four words of a name, a comma or line break, then (a strong postcode) a town, or (else) the
                // postcode right away; after "Flat", "H.No." ... also a town or two.
                boolean lower = t.lowerFrom(k);
                int rest = t.count - (m + 1);
                return !t.year && m - j < 4 && t.names(j, m + 1, lower) && t.names(m + 1, t.count, lower) && t.chars(m + 1) <= 60
                        && (strong ? rest <= 5 : prefixed ? rest <= 4 : rest == 0);
            }
        }
        return false;
    }

    private static boolean streetFirst(Tok t, int k, boolean strong) {
        if (!t.word(k)) {
            return false;
        }
        boolean before = isTypeBefore(t, k);
        boolean suffix = false;
        int m = k + 1;
        if (before) {
            // "Calle Mayor 10", "Rua Augusta, 1500": the name (on the same line), then the number
            while (m < t.count && m <= k + 5 && t.word(m) && !NUMBER_WORDS.contains(t.text(m)) && !t.breakBefore(m)) {
                m++;
            }
            if (m == k + 1 || !t.names(k + 1, m, t.lowerFrom(k))) {
                return false; // "Oak Avenue is closed again": not a name
            }
        } else {
            // "Hauptstraße 5", "bahnhofstr. 12", "Mariahilfer Straße 48", "am ring 224": a street word in the name
            // (up to three words); or "Unter den Linden 77, 10117 Berlin": a capitalised name of up to four words
            m = k;
            while (m < t.count && m <= k + 3 && t.word(m)) {
                m++;
            }
            // The street word is the last word before the number, and the name is at most two words long:
            // "bahnhofstr. 12", "Am Ring 224", not "ich wohne am ring 12".
            boolean street = m > k && streetWord(t, m - 1);
            // "Am Ring 224", "am ring 224" (all lower case), but not "an Dorfstrasse 7": that one starts at the street
            // (and "Witte de Withstraat 50": a connective inside a capitalised name)
            suffix = street && (m - k == 1 || (m - k == 2 && (t.capitalised(k) || t.lowerFrom(k)))
                    || (m - k == 3 && t.capitalised(k) && CONNECTIVES.contains(t.text(k + 1))));
            if (street && !suffix) {
                return false; // the street starts later: "ich wohne am ring 12" is found from "am"
            }
            if (!suffix && !t.capitalised(k) && !(t.lowerFrom(k) && m - k <= 3)) {
                return false;
            }
        }
        if (m < t.count && NUMBER_WORDS.contains(t.text(m))) {
            m++;
        }
        if (!t.matches(HOUSE_AFTER_NAME, m)) {
            return false;
        }
        if (before || suffix) {
            return t.chars(m + 1) <= 100;
        }
        // without a street word: a comma after the number and the postcode right after it (strong: within two words)
        if (t.year || !t.closes(m) || !t.names(k, m, t.lowerFrom(k))) {
            return false;
        }
        int rest = t.count - (m + 1);
        return strong ? rest <= 2 && t.names(m + 1, t.count, t.lowerFrom(k)) : rest == 0;
    }

    /** "Hauptstraße", "Keizersgracht", "bahnhofstr.", or a street word of its own ("Straße", "Ring", "Platz"). */
    private static boolean streetWord(Tok t, int k) {
        String w = t.bare(k);
        if (t.text(k).endsWith("str.") || w.equals("str")) {
            return true;
        }
        for (String sfx : SUFFIXES) {
            if (w.endsWith(sfx)) {
                return true;
            }
        }
        return false;
    }

    private static boolean numberWithin(Tok t, int from, int tokens) {
        for (int k = from; k < t.count && k < from + tokens; k++) {
            if (t.matches(HOUSE_AFTER_NAME, k) && !PREFIXES.contains(t.text(k - 1))) { // not "Apt 14A": a unit's number
                return true;
            }
        }
        return false;
    }

    /** A street-type word written before the name ("rue", "Calle", "Via", "ul."); "R." (Rua), "al.", "os.", "pl." only with their dot. */
    private static boolean isTypeBefore(Tok t, int k) {
        String w = t.bare(k);
        return TYPES_BEFORE.contains(w) && (!DOTTED_TYPES.contains(w) || t.text(k).endsWith("."));
    }

}
