package org.postcurate.pii;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * E-mail addresses, as written and as people hide them from harvesters: {@code john.doe@mail.example},
 * {@code anna [at] example [dot] org}, {@code name at domain dot com}, {@code name AT domain DOT com},
 * {@code name [@] domain}, {@code user @ host . net}, {@code john%40example.com} (in a link's query string).
 *
 * <p>A spaced or spelled-out form is only an address when it ends in a top-level domain that exists (a list of the
 * country codes and the common generic ones), and a plain "at" between two words only when the address is
 * otherwise marked as one (a spelled-out dot, "AT" in capitals, or a local part with a dot, digit, "_" or "+"), so
 * "look at me. It" and "tickets at eventbrite.com" stay as they are.
 */
final class Emails {
    private Emails() {}

    private static final Set<String> TLDS = new HashSet<>();
    private static final String[] DOT_WORDS = {"dot", "punto", "punkt", "point", "ponto", "punt", "kropka", "nokta", "точка",
        "piste", "pont", "tečka", "bodka", "τελεία"};
    /**
     * The words for "@" people write ("at" and "et" are read by hand): Spanish, Portuguese, French, Italian, Polish,
     * Russian, Swedish, Dutch, German, Czech, Danish, Norwegian, Finnish, Hungarian, Greek, Turkish.
     */
    private static final Set<String> AT_WORDS = Set.of("arroba", "arobase", "chiocciola", "małpa", "malpa", "собака",
            "snabel-a", "apenstaartje", "klammeraffe", "zavináč", "zavinac", "snabela", "krøllalfa", "miukumauku", "kukac",
            "παπάκι", "παπακι", "kuyruklu");

    static {
        String cc = "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by "
                + "bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj "
                + "fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq "
                + "ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh "
                + "mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk "
                + "pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz "
                + "tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw";
        String generic = "com net org edu gov mil int info biz name pro mobi app dev ai online site shop store tech blog "
                + "cloud email xyz club live life world today news link space website top page art design agency studio "
                + "digital media social network mail icloud";
        for (String t : (cc + " " + generic).split(" ")) {
            TLDS.add(t);
        }
    }

    private static boolean localChar(char ch) {
        return Text.alnum(ch) || ch == '.' || ch == '_' || ch == '%' || ch == '+' || ch == '-';
    }

    /** Where the local part that ends at {@code end} starts; -1 when there is none or it is longer than 64. */
    private static int localStart(char[] c, int end, int lo) {
        int k = end;
        while (k > lo && localChar(c[k - 1])) {
            if (Character.isLowSurrogate(c[k - 1]) && !Text.wordBefore(c, k)) {
                break; // an emoji is no part of a local part: "📸@marta.photo" is a handle
            }
            k--;
            if (end - k > 64) {
                return -1;
            }
        }
        while (k < end && c[k] == '.') {
            k++;
        }
        return k < end ? k : -1;
    }

    /** An "@" at {@code a}, in {@code c} between {@code lo} and {@code hi}: "john@x.org", "user @ host . net", "a [@] b". */
    static void at(Scan s, Engine e, char[] c, int a, int lo, int hi) {
        int ls = localStart(c, a, lo);
        if (ls >= 0) {
            int de = domain(c, a + 1, hi, false);
            if (de > 0) {
                s.add(ls, de, e.email);
            }
            return;
        }
        char before = a > lo ? c[a - 1] : ' ';
        char after = a + 1 < hi ? c[a + 1] : ' ';
        int localEnd;
        int domainStart;
        boolean bracketed = "[({<".indexOf(before) >= 0 && "])}>".indexOf(after) >= 0;
        if (bracketed) {
            localEnd = a - 1 > lo && c[a - 2] == ' ' ? a - 2 : a - 1;
            domainStart = a + 2 < hi && c[a + 2] == ' ' ? a + 3 : a + 2;
        } else if (before == ' ' && after == ' ') {
            localEnd = a - 1;
            domainStart = a + 2;
        } else {
            return;
        }
        ls = localStart(c, localEnd, lo);
        if (ls < 0) {
            return;
        }
        int de = domain(c, domainStart, hi, !bracketed);
        if (de > 0) {
            s.add(ls, de, e.email);
        }
    }

    /** An at-word ("at", "AT", "arroba", "chiocciola", "arobase") at [i, end) of the view: a hidden address? */
    static void atWord(Scan s, Engine e, int i, int end) {
        char[] c = s.v;
        int n = s.n;
        char before = i > 0 ? c[i - 1] : '\0';
        char after = end < n ? c[end] : '\0';
        int localEnd;
        int domainStart;
        boolean bracketed = false;
        boolean dashed = false;
        int open = before == ' ' && i > 1 ? i - 2 : i - 1;
        int close = after == ' ' ? end + 1 : end;
        if (open >= 0 && close < n && "[({<".indexOf(c[open]) >= 0 && "])}>".indexOf(c[close]) >= 0) {
            bracketed = true;
            localEnd = open > 0 && c[open - 1] == ' ' ? open - 1 : open;
            domainStart = close + 1 < n && c[close + 1] == ' ' ? close + 2 : close + 1;
        } else if (before == ' ' && after == ' ') {
            localEnd = i - 1;
            domainStart = end + 1;
        } else if (before == '-' && after == '-' && i > 1 && c[i - 2] == ' ' && end + 1 < n && c[end + 1] == ' ') {
            dashed = true; // "name -at- domain (dot) com"
            localEnd = i - 2;
            domainStart = end + 2;
        } else {
            return;
        }
        int ls = localStart(c, localEnd, 0);
        if (ls < 0) {
            return;
        }
        boolean spelledLocal = false;
        // "jane dot doe at ...", "mario punto rossi at ...": spelled-out dots in the local part too
        for (int k = 0; k < 3; k++) {
            int dotted = spelledDotBefore(c, ls);
            int previous = dotted > 0 ? localStart(c, dotted, 0) : -1;
            if (previous < 0) {
                break;
            }
            ls = previous;
            spelledLocal = true;
        }
        String word = new String(c, i, end - i);
        boolean strict = !bracketed;
        int de = domain(c, domainStart, n, strict);
        if (de < 0) {
            return;
        }
        if (!bracketed) {
            // a bare "at" between two words is an address only when marked as one
            boolean marked = word.equals("AT") || word.length() > 2 || dashed || spelledLocal || spelledDot(c, domainStart, de);
            for (int k = ls; k < localEnd && !marked; k++) {
                marked = c[k] == '.' || c[k] == '_' || c[k] == '+' || Text.digit(c[k]);
            }
            if (!marked) {
                return;
            }
        }
        s.add(ls, de, e.email);
    }

    /** Where the token before " dot " (or " punto ", ...) that ends at {@code end} ends; -1 if there is none. */
    private static int spelledDotBefore(char[] c, int end) {
        if (end < 2 || c[end - 1] != ' ') {
            return -1;
        }
        for (String w : DOT_WORDS) {
            int s = end - 1 - w.length();
            if (s > 1 && c[s - 1] == ' ' && new String(c, s, w.length()).equalsIgnoreCase(w) && Text.alnum(c[s - 2])) {
                return s - 1;
            }
        }
        return -1;
    }

    private static boolean spelledDot(char[] c, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!Text.alnum(c[k]) && c[k] != '-' && c[k] != '.') {
                return true;
            }
        }
        return false;
    }

    /** The end of the at-word that starts at {@code i} (a word ending at {@code end}), or -1: "snabel-a" is two words. */
    static int atWordEnd(char[] c, int i, int end, int n) {
        if (end + 2 <= n && c[end] == '-' && (c[end + 1] | 0x20) == 'a' && (end + 2 == n || !Text.alnum(c[end + 2]))
                && end - i == 6 && new String(c, i, 6).equalsIgnoreCase("snabel")) {
            return end + 2;
        }
        return isAtWord(c, i, end) ? end : -1;
    }

    /** Whether [i, end) of the view is an at-word. */
    static boolean isAtWord(char[] c, int i, int end) {
        int len = end - i;
        if (len == 2) {
            // "at", "[ät]", and the Turkish "et"
            return ((c[i] | 0x20) == 'a' || c[i] == 'ä' || c[i] == 'Ä' || (c[i] | 0x20) == 'e') && (c[i + 1] | 0x20) == 't';
        }
        if (len > 12) {
            return false;
        }
        String w = new String(c, i, len).toLowerCase(Locale.ROOT);
        return AT_WORDS.contains(w);
    }

    /**
     * The domain starting at {@code p}: labels joined by dots (or spelled-out dots), ending in a top-level domain of
     * letters. Returns its end, or -1. {@code strict}: the top-level domain must be one that exists (the address was
     * written with spaces or words); a spelled-out dot asks for that too.
     */
    static int domain(char[] c, int p, int hi, boolean strict) {
        int[] ends = new int[9];
        boolean[] letters = new boolean[9];
        boolean[] loose = new boolean[9]; // a spelled-out or spaced dot came before label k
        int[] starts = new int[9];
        int count = 0;
        int pos = p;
        boolean spelled = false;
        while (count < 9 && pos < hi && (Text.alnum(c[pos]) || Text.spaceless(c[pos]))) {
            int ls = pos;
            boolean allLetters = true;
            while (pos < hi && pos - ls < 63 && (Text.alnum(c[pos]) || c[pos] == '-' || Text.spaceless(c[pos]))) {
                allLetters &= Text.letter(c[pos]);
                pos++;
            }
            if (!allLetters && (pos >= hi || c[pos] != '.')) {
                // a label in Chinese, Japanese, Thai ... ("例え.jp") is one only before a dot: "x@a.jpまで" ends at "jp"
                int cut = ls;
                while (cut < pos && !Text.spaceless(c[cut])) {
                    cut++;
                }
                pos = cut;
                if (pos == ls) {
                    break;
                }
                allLetters = true;
                for (int k = ls; k < pos; k++) {
                    allLetters &= Text.letter(c[k]);
                }
            }
            starts[count] = ls;
            ends[count] = pos;
            letters[count] = allLetters;
            loose[count] = spelled;
            count++;
            int q = dot(c, pos, hi);
            if (q < 0) {
                break;
            }
            if (q >= hi || !(Text.alnum(c[q]) || Text.spaceless(c[q]))) {
                break;
            }
            spelled |= q != pos + 1 || c[pos] != '.';
            pos = q;
        }
        for (int j = count - 1; j >= 1; j--) {
            int len = ends[j] - starts[j];
            if (!letters[j] || len < 2 || len > 24) {
                continue;
            }
            if (ends[j] < hi && (Text.alnum(c[ends[j]]) || c[ends[j]] == '-')) {
                continue;
            }
            if ((strict || loose[j]) && !TLDS.contains(new String(c, starts[j], len).toLowerCase(Locale.ROOT))) {
                continue;
            }
            return ends[j];
        }
        return -1;
    }

    /** After a label ending at {@code pos}: the start of the next one if a dot (written or spelled) leads to it. */
    private static int dot(char[] c, int pos, int hi) {
        if (pos >= hi) {
            return -1;
        }
        if (c[pos] == '.') {
            return pos + 1;
        }
        int k = pos;
        if (c[k] == ' ') {
            k++;
        }
        if (k >= hi) {
            return -1;
        }
        boolean bracket = "[({<".indexOf(c[k]) >= 0;
        if (bracket) {
            k++;
            if (k < hi && c[k] == ' ') {
                k++;
            }
        } else if (k == pos) {
            return -1; // a spelled-out dot stands between spaces or in brackets
        }
        int w = dotWord(c, k, hi);
        if (w < 0) {
            return -1;
        }
        k = w;
        if (bracket) {
            if (k < hi && c[k] == ' ') {
                k++;
            }
            if (k >= hi || "])}>".indexOf(c[k]) < 0) {
                return -1;
            }
            k++;
            if (k < hi && c[k] == ' ') {
                k++;
            }
            return k;
        }
        return k < hi && c[k] == ' ' ? k + 1 : -1;
    }

    private static int dotWord(char[] c, int k, int hi) {
        if (k < hi && c[k] == '.') {
            return k + 1;
        }
        for (String w : DOT_WORDS) {
            int e = k + w.length();
            if (e <= hi && new String(c, k, w.length()).equalsIgnoreCase(w) && (e >= hi || !Text.alnum(c[e]))) {
                return e;
            }
        }
        return -1;
    }
}
