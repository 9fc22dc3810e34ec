package org.postcurate.pii;

import java.util.regex.Pattern;

/**
 * Digit runs: card, NHS and phone numbers, and US SSNs, found where a number is written (the checksum and
 * numbering-plan types).
 *
 * <p>A <em>run</em> is a stretch of digit groups joined by the separators people put inside numbers (one or two
 * spaces, a line break, a tight dot, dash or slash, a spaced slash, a bracket edge), optionally led by "+". Every
 * window of whole groups with 9 to 19 digits that starts and ends at a loose gap (a space, line break or bracket)
 * is offered to each check, so "12/03 0151 2345678" still yields the phone number and "4111 1111 1111 1111 12/27"
 * the card; the caller resolves overlaps, longest first. Runs printed in even blocks ("4130 0680 2297 8046") and
 * lists of small numbers ("Lotto: 03 11 19 27 38 45") are one number or none: they are never split.
 */
final class Numbers implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private static final int MAX_GROUPS = 16;
    /** Run flags: the number is in a link that holds an international number without "+" (wa.me/4915...). */
    static final int INTERNATIONAL = 1;
    /** Run flag: the number is a tel: or sms: link's: as good as a phone word next to it. */
    static final int PHONE_LINK = 2;

    private final Engine e;
    /** The national forms of every plan that need no particular grouping, as one alternation. */
    private final Pattern freeNational;

    Numbers(Engine e) {
        this.e = e;
        StringBuilder free = new StringBuilder();
        for (Spec.Plan plan : e.spec.plans) {
            for (int k = 0; k < plan.national.size(); k++) {
                if (plan.groups.get(k).isEmpty()) {
                    free.append(free.length() == 0 ? "" : "|").append("(?:").append(plan.national.get(k).pattern()).append(')');
                }
            }
        }
        freeNational = free.length() == 0 ? null : Pattern.compile(free.toString());
    }

    /** One run's digit groups: starts, ends, and the gaps between them (as text of the view). */
    private static final class Run {
        final int[] gs = new int[MAX_GROUPS];
        final int[] ge = new int[MAX_GROUPS];
        int count;
        int start;
        int end;
        boolean plus;
    }

    private static boolean runChar(char ch) {
        return Text.digit(ch) || ch == ' ' || ch == '\n' || ch == '.' || ch == '-' || ch == '/' || ch == '(' || ch == ')';
    }

    /**
     * Where a run may start: at {@code p}, a digit, "+" or "(", not glued to a letter, a digit or a "+", and not
     * inside "10:54" or "3.5". Returns the end of the run looked at (so the caller skips it), or p + 1.
     */
    int runAt(Scan s, int p, int flags) {
        char[] v = s.v;
        int n = s.n;
        char before = p > 0 ? v[p - 1] : ' ';
        if (Text.wordBefore(v, p) || before == '+' || (p > 1 && Text.digit(v[p - 2]) && (before == ':' || before == '.' || before == ','))) {
            return p + 1;
        }
        Run run = new Run();
        run.start = p;
        int i = p;
        if (v[i] == '+') {
            run.plus = true;
            i++;
            if (i < n && v[i] == ' ') {
                i++;
            }
        }
        if (i < n && v[i] == '(') {
            i++;
        }
        if (i >= n || !Text.digit(v[i])) {
            return p + 1;
        }
        // Greedy: groups and the gaps between them.
        while (true) {
            int g = i;
            while (i < n && Text.digit(v[i])) {
                i++;
            }
            run.gs[run.count] = g;
            run.ge[run.count] = i;
            run.count++;
            if (run.count == MAX_GROUPS) {
                break;
            }
            int next = gap(v, n, i);
            if (next < 0) {
                break;
            }
            i = next;
        }
        // The run may not end glued to a letter, nor inside "10:54" or "3.5": drop groups from the end until it does not.
        while (run.count > 0) {
            int end = run.ge[run.count - 1];
            if (end < n && v[end] == ')' && opens(v, run.start, end)) {
                end++;
            }
            if (cleanEnd(v, n, end)) {
                run.end = end;
                break;
            }
            run.count--;
        }
        if (run.count == 0) {
            return p + 1;
        }
        if (run.end - run.start >= 9) {
            check(s, run, flags);
        }
        return run.end;
    }

    /** After a group ending at {@code i}: the start of the next group if a gap leads to one, else -1. */
    private static int gap(char[] v, int n, int i) {
        int j = i;
        int spaces = 0;
        int breaks = 0;
        while (j < n && (v[j] == ' ' || v[j] == '\n') && spaces + breaks < 5) {
            if (v[j] == '\n') {
                breaks++;
            } else {
                spaces++;
            }
            j++;
        }
        if (j < n && Text.digit(v[j]) && j > i) {
            // one or two spaces, or a line break with at most two spaces around it
            return (breaks == 0 && spaces <= 2) || (breaks == 1 && spaces <= 2) ? j : -1;
        }
        if (j >= n) {
            return -1;
        }
        char ch = v[j];
        if (j == i && (ch == '.' || ch == '-' || ch == '/') && j + 1 < n && Text.digit(v[j + 1])) {
            return j + 1; // tight separator
        }
        if (ch == '/' && spaces == 1 && breaks == 0 && j + 2 < n && v[j + 1] == ' ' && Text.digit(v[j + 2])) {
            return j + 2; // "030 / 1234567"
        }
        if (ch == '-' && spaces == 1 && breaks == 0 && j + 2 < n && v[j + 1] == ' ' && i - 4 >= 0 && fourDigits(v, n, i - 4)
                && fourDigits(v, n, j + 2)) {
            return j + 2; // "5412 - 7512 - 3412 - 3456", a card's blocks; " - " between other numbers is a list's
        }
        if ((breaks == 0 || (j + 2 < n && v[j + 1] == '0' && v[j + 2] == ')')) && spaces <= 1 && ch == '(') {
            // after a line break only the trunk "(0)": "+31\n (0)6 ..."; any other bracket starts a number of its own
            int k = j + 1;
            if (k < n && v[k] == ' ') {
                k++;
            }
            return k < n && Text.digit(v[k]) ? k : -1;
        }
        if (breaks == 0 && spaces <= 1 && ch == ')') {
            int k = j + 1;
            if (k < n && v[k] == ' ') {
                k++;
            }
            if (k < n && v[k] == '\n') {
                k++; // "(07)\n9933 0542"
                if (k < n && v[k] == ' ') {
                    k++;
                }
            }
            if (k < n && (v[k] == '-' || v[k] == '.')) {
                if (v[k] == '.' && k + 1 < n && v[k + 1] == ' ') {
                    return -1; // "(... 49). 000-67-3508": a sentence ends there
                }
                k++;
            }
            if (k < n && v[k] == ' ') {
                k++;
            }
            return k < n && Text.digit(v[k]) ? k : -1;
        }
        return -1;
    }

    /** Exactly four digits at {@code k}, a whole group. */
    private static boolean fourDigits(char[] v, int n, int k) {
        for (int m = k; m < k + 4; m++) {
            if (m >= n || !Text.digit(v[m])) {
                return false;
            }
        }
        return (k == 0 || !Text.digit(v[k - 1])) && (k + 4 >= n || !Text.digit(v[k + 4]));
    }

    private static boolean opens(char[] v, int from, int to) {
        int open = 0;
        for (int k = from; k < to; k++) {
            if (v[k] == '(') {
                open++;
            } else if (v[k] == ')') {
                open--;
            }
        }
        return open > 0;
    }

    private static boolean cleanEnd(char[] v, int n, int end) {
        if (end >= n) {
            return true;
        }
        char ch = v[end];
        if (Text.letter(ch) || "年月日년월일".indexOf(ch) >= 0) {
            return false; // "1999年12月21日": a year, not the end of the number before it
        }
        return !((ch == ':' || ch == '.' || ch == ',') && end + 1 < n && Text.digit(v[end + 1]));
    }

    private static boolean loose(char[] v, int from, int to) {
        for (int k = from; k < to; k++) {
            char ch = v[k];
            if (ch == ' ' || ch == '\n' || ch == '(' || ch == ')') {
                return true;
            }
        }
        return false;
    }

    /** The kind of a gap: ' ' (spaces or line breaks), '-', '.', '/', or '(' for anything with a bracket. */
    private static char kind(char[] v, int from, int to) {
        char kind = ' ';
        for (int k = from; k < to; k++) {
            char ch = v[k];
            if (ch == '(' || ch == ')') {
                return '(';
            }
            if (ch != ' ' && ch != '\n') {
                kind = ch;
            }
        }
        return kind;
    }

    // --- the checks ------------------------------------------------------------------------------------------

    /** One window of whole groups [i, j] of a run. */
    private static final class Span {
        int start;
        int end;
        int first;
        int last;
        boolean plus;
        boolean doubleZero;
        int parenTrunk = -1;
        String digits;
    }

    private void check(Scan s, Run run, int flags) {
        char[] v = s.v;
        int count = run.count;
        boolean[] looseGap = new boolean[count];
        char[] kinds = new char[count];
        boolean uniform = true;
        for (int k = 0; k + 1 < count; k++) {
            looseGap[k] = loose(v, run.ge[k], run.gs[k + 1]);
            kinds[k] = kind(v, run.ge[k], run.gs[k + 1]);
            uniform &= kinds[k] == kinds[0];
        }
        if (e.ssn >= 0 && ssn(s, run, kinds) && run.count == 1) {
            return; // a labelled nine-digit SSN is nothing else
        }
        if (s.insideIbanShape(run.start, run.end)) {
            return; // digits inside an IBAN-shaped token are that token's, valid or not
        }
        // A list of small numbers ("03 11 19 27 38 45"): a lottery draw after a lottery word, and never split.
        boolean small = count >= 5 && !run.plus && uniform;
        for (int k = 0; k < count && small; k++) {
            small = size(run, k) <= 2;
        }
        if (small && (count >= 6 || e.lottery.before(v, run.start))) {
            return; // a draw, a list of scores or numbers: no number of any type is written so
        }
        boolean atomic = evenBlocks(run, kinds, uniform);
        int[] veto = {-1, -1, -1};
        int[] near = {-1, -1, -1};
        boolean[] lineBreak = new boolean[count];
        boolean anyBreak = false;
        for (int k = 0; k + 1 < count; k++) {
            lineBreak[k] = has(v, run.ge[k], run.gs[k + 1], '\n');
            anyBreak |= lineBreak[k];
        }
        // Windows across a line break are looked at after the others, and only where none of those was found: a
        // line break inside a number is as good as a space, but "04.22.72.66.40\n247 mm" is a phone number and a
        // measurement on the next line.
        int found = s.found().size();
        windows(s, run, flags, kinds, looseGap, lineBreak, atomic, veto, near, false, found);
        if (anyBreak) {
            windows(s, run, flags, kinds, looseGap, lineBreak, atomic, veto, near, true, found);
        }
    }

    /** YYYYMMDDhhmmss, 1970 to 2099. */
    private static boolean timestamp(String d) {
        int year = Integer.parseInt(d.substring(0, 4));
        int month = Integer.parseInt(d.substring(4, 6));
        int day = Integer.parseInt(d.substring(6, 8));
        int hour = Integer.parseInt(d.substring(8, 10));
        int minute = Integer.parseInt(d.substring(10, 12));
        int second = Integer.parseInt(d.substring(12, 14));
        return year >= 1970 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23
                && minute <= 59 && second <= 60;
    }

    private static boolean has(char[] v, int from, int to, char ch) {
        for (int k = from; k < to; k++) {
            if (v[k] == ch) {
                return true;
            }
        }
        return false;
    }

    private void windows(Scan s, Run run, int flags, char[] kinds, boolean[] looseGap, boolean[] lineBreak, boolean atomic,
                         int[] veto, int[] near, boolean acrossBreaks, int foundBefore) {
        char[] v = s.v;
        int count = run.count;
        int[] dets = {e.card, e.nhs, e.phone};
        boolean phoneLink = (flags & PHONE_LINK) != 0;
        for (int i = 0; i < count; i++) {
            if (i > 0 && !looseGap[i - 1]) {
                continue;
            }
            int total = 0;
            for (int j = i; j < count; j++) {
                total += size(run, j);
                if (total > 19) {
                    break;
                }
                if (total < 9 || (j + 1 < count && !looseGap[j])) {
                    continue;
                }
                boolean crosses = false;
                boolean tight = false;
                for (int k = i; k < j; k++) {
                    crosses |= lineBreak[k];
                    tight |= kinds[k] == '-' || kinds[k] == '.' || kinds[k] == '/';
                }
                if (crosses != acrossBreaks) {
                    continue;
                }
                if (crosses) {
                    // Across a line break, only where nothing was found on either side, and with spaces only; but an
                    // international number ("+81 90-8494\n 5885", "0049\n177 ...") may be broken anywhere, and one
                    // next to a phone word may hold dashes or dots ("tel. 526\n705-859").
                    boolean international = i == 0 && (run.plus || (size(run, 0) >= 3 && v[run.gs[0]] == '0' && v[run.gs[0] + 1] == '0'));
                    if (!international && (overlapsFound(s, foundBefore, run.gs[i], run.ge[j])
                            || (tight && !(phoneLink || near(s, run, near, 2))))) {
                        continue;
                    }
                }
                if (!mayHold(v, run, i, j, total, kinds, flags)) {
                    continue; // no check could pass on these group sizes: the window is not even built
                }
                Span sp = span(v, s.n, run, i, j, total);
                if (atomic && !(sp.start == run.start && sp.end >= run.end - 1)) {
                    continue;
                }
                if (sizesAre(run, i, j, 3, 2, 4) && allKind(kinds, i, j, '-')) {
                    continue; // SSN-shaped: an SSN's or nothing (see ssn())
                }
                boolean isbn = looksLikeIsbn(sp, kinds, i, j);
                if (isbn && j > i) {
                    continue;
                }
                // An EAN-13 barcode (compact, or 1-6-6 as printed under the bars) passes its GS1 check; a compact
                // 14-digit timestamp (20240914055940) is a date and a time.
                boolean barcode = !sp.plus && (((j == i || sizesAre(run, i, j, 1, 6, 6)) && total == 13 && Checks.gs1(sp.digits))
                        || (j == i && total == 14 && timestamp(sp.digits)));
                for (int c = 0; c < 3; c++) {
                    int det = dets[c];
                    if (det < 0) {
                        continue;
                    }
                    boolean ok;
                    if (c == 0) {
                        ok = (!barcode || near(s, run, near, 0)) && card(s, sp, run, kinds, i, j, near);
                    } else if (c == 1) {
                        ok = !barcode && nhs(s, sp, run, kinds, i, j, near, phoneLink);
                    } else {
                        ok = (!(isbn || barcode) || phoneLink || near(s, run, near, 2))
                                && phone(v, sp, run, i, j, flags, () -> phoneLink || near(s, run, near, 2));
                    }
                    if (!ok) {
                        continue;
                    }
                    boolean international = sp.plus || (flags & INTERNATIONAL) != 0;
                    if (!(c == 2 && international)) {
                        if (veto[c] < 0) {
                            veto[c] = e.context[det].vetoed(v, run.start) ? 1 : 0;
                        }
                        if (veto[c] == 1 || (sp.start != run.start && e.context[det].vetoed(v, sp.start))) {
                            continue;
                        }
                    }
                    int[] se = unbracketed(v, sp, c == 2);
                    s.add(se[0], se[1], det);
                }
            }
        }
    }

    /**
     * Whether the window of groups [i, j] could be a card, NHS or phone number at all, from its group sizes alone:
     * what "0 0 1 1 0 1 ..." (single digits) or a list of years never is. Every check below asks for more.
     */
    private static boolean mayHold(char[] v, Run run, int i, int j, int total, char[] kinds, int flags) {
        if (total >= 13 && (j == i || cardGroups(run, i, j))) {
            return true;
        }
        if (total == 10 && (j == i || sizesAre(run, i, j, 3, 3, 4))) {
            return true;
        }
        if (total > 15) {
            return false;
        }
        boolean international = (i == 0 && run.plus) || v[run.gs[i]] == '0' && size(run, i) >= 2 && v[run.gs[i] + 1] == '0'
                || (flags & INTERNATIONAL) != 0;
        int trunks = 0;
        for (int k = i; k <= j; k++) {
            if (size(run, k) != 1) {
                continue;
            }
            if (k > i && v[run.gs[k]] == '0' && v[run.gs[k] - 1] == '(' && run.ge[k] < v.length && v[run.ge[k]] == ')') {
                trunks++; // "+44 (0)20 ...": left out of the number
                continue;
            }
            int at = k - i - trunks;
            if (v[run.gs[k]] == '9' && k > i && size(run, k - 1) == 2 && k < j && size(run, k + 1) == 4) {
                continue; // "(19) 9 9794-1648", "+55 85 9 6610 4973": a Brazilian mobile's leading 9
            }
            if (at == 0 && v[run.gs[k]] == '0' && k < j && size(run, k + 1) == 3 && total == 10) {
                continue; // "0 800 74 41 12": a French free number
            }
            if (at == 0 && v[run.gs[k]] == '8' && k < j && size(run, k + 1) == 3 && total == 11) {
                continue; // "8 903 028 67 10": the Russian trunk 8
            }
            if (!(international ? at <= 1 : at == 0 && j - i - trunks == 3)) {
                return false; // a lone digit where a phone number has none
            }
        }
        return true;
    }

    private static boolean cardGroups(Run r, int i, int j) {
        boolean fours = size(r, j) <= 4;
        for (int k = i; k < j && fours; k++) {
            fours = size(r, k) == 4;
        }
        return fours || sizesAre(r, i, j, 4, 6, 5) || sizesAre(r, i, j, 4, 6, 4) || sizesAre(r, i, j, 4, 4, 5)
                || sizesAre(r, i, j, 4, 5, 5) || sizesAre(r, i, j, 4, 4, 4, 4, 3) || sizesAre(r, i, j, 4, 4, 4, 5)
                || sizesAre(r, i, j, 4, 4, 4, 6) || sizesAre(r, i, j, 4, 4, 4, 7) || sizesAre(r, i, j, 6, 11)
                || sizesAre(r, i, j, 6, 12) || sizesAre(r, i, j, 6, 13); // 17 to 19 digits: UnionPay, Maestro, Mir
    }

    private static boolean overlapsFound(Scan s, int from, int start, int end) {
        java.util.List<int[]> found = s.found();
        for (int k = from; k < found.size(); k++) {
            if (found.get(k)[0] < end && start < found.get(k)[1]) {
                return true;
            }
        }
        return false;
    }

    /** A positive word of check {@code c} (0 card, 1 NHS, 2 phone) near the run, looked up once per run. */
    private boolean near(Scan s, Run run, int[] memo, int c) {
        int det = c == 0 ? e.card : c == 1 ? e.nhs : e.phone;
        if (det < 0) {
            return false;
        }
        if (memo[c] < 0) {
            memo[c] = e.context[det].near(s.v, s.n, run.start, run.end) ? 1 : 0;
        }
        return memo[c] == 1;
    }

    private static Span span(char[] v, int n, Run run, int i, int j, int total) {
        Span sp = new Span();
        sp.first = i;
        sp.last = j;
        if (i == 0) {
            sp.start = run.start;
            sp.plus = run.plus;
        } else {
            sp.start = run.gs[i];
            for (int k = run.ge[i - 1]; k < run.gs[i]; k++) {
                if (v[k] == '(') {
                    sp.start = k;
                    break;
                }
            }
        }
        sp.end = run.ge[j];
        boolean bracket = false;
        for (int k = sp.start; k < sp.end; k++) {
            if (v[k] == '(') {
                bracket = true;
                break;
            }
        }
        if (bracket && sp.end < n && v[sp.end] == ')' && opens(v, sp.start, sp.end)) {
            sp.end++;
        }
        StringBuilder d = new StringBuilder(total);
        for (int k = i; k <= j; k++) {
            d.append(v, run.gs[k], run.ge[k] - run.gs[k]);
        }
        sp.digits = d.toString();
        // "+44 (0)20 ...": a "(0)" group is the trunk prefix, not dialled from abroad
        for (int k = i + 1; k <= j; k++) {
            if (run.ge[k] - run.gs[k] == 1 && v[run.gs[k]] == '0' && run.gs[k] > 0 && v[run.gs[k] - 1] == '('
                    && run.ge[k] < n && v[run.ge[k]] == ')') {
                sp.parenTrunk = k;
            }
        }
        sp.doubleZero = !sp.plus && sp.digits.startsWith("00");
        return sp;
    }

    private static int size(Run run, int k) {
        return run.ge[k] - run.gs[k];
    }

    private static boolean sizesAre(Run run, int i, int j, int... sizes) {
        if (j - i + 1 != sizes.length) {
            return false;
        }
        for (int k = 0; k < sizes.length; k++) {
            if (size(run, i + k) != sizes[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allKind(char[] kinds, int i, int j, char kind) {
        for (int k = i; k < j; k++) {
            if (kinds[k] != kind) {
                return false;
            }
        }
        return true;
    }

    /** "4130 0680 2297 8046": four or more even blocks of four (the last 1-4), one kind of gap. */
    private static boolean evenBlocks(Run run, char[] kinds, boolean uniform) {
        if (run.count < 4 || !uniform) {
            return false;
        }
        for (int k = 0; k + 1 < run.count; k++) {
            if (size(run, k) != 4) {
                return false;
            }
        }
        return size(run, run.count - 1) <= 4;
    }

    /** ISBN-10 printed in 4 groups or ISBN-13 in 5, joined by dashes or spaces, or either one compact. */
    private static boolean looksLikeIsbn(Span sp, char[] kinds, int i, int j) {
        int len = sp.digits.length();
        if (len != 10 && len != 13) {
            return false;
        }
        for (int k = i; k < j; k++) {
            if (kinds[k] != ' ' && kinds[k] != '-') {
                return false;
            }
        }
        int groups = j - i + 1;
        return (groups == 1 || groups == (len == 10 ? 4 : 5)) && Checks.isbn(sp.digits);
    }

    /**
     * US SSNs in the run: three groups 3-2-4 joined by two dashes or two single spaces, not part of a longer number
     * (no digit group right before or after by a space, dash, dot or slash); or, with "SSN" (or the like) in the
     * window before, nine digits in one group or 3-2-4 with any one kind of separator. Returns whether one was found.
     */
    private boolean ssn(Scan s, Run run, char[] kinds) {
        char[] v = s.v;
        boolean any = false;
        for (int i = 0; i < run.count; i++) {
            boolean compact = size(run, i) == 9;
            boolean grouped = i + 2 < run.count && sizesAre(run, i, i + 2, 3, 2, 4) && kinds[i] == kinds[i + 1] && kinds[i] != '(';
            if (!compact && !grouped) {
                continue;
            }
            int last = grouped ? i + 2 : i;
            int start = run.gs[i];
            int end = run.ge[last];
            char before = start > 0 ? v[start - 1] : ' ';
            if (Text.alnum(before) || before == '-' || before == '.' || before == '/' || before == '+'
                    || (before == ' ' && start > 1 && Text.digit(v[start - 2]))) {
                continue;
            }
            if (end < s.n && (Text.alnum(v[end]) || ((v[end] == '-' || v[end] == '.' || v[end] == '/' || v[end] == ' ')
                    && end + 1 < s.n && Text.digit(v[end + 1])))) {
                continue;
            }
            boolean dashed = grouped && (kinds[i] == '-' || kinds[i] == ' ') && onlySeparator(v, run, i, kinds[i]);
            String d = digits(v, run, i, last);
            if (d.startsWith("000") || d.startsWith("666") || d.charAt(0) == '9' || d.startsWith("00", 3) || d.startsWith("0000", 5)) {
                continue;
            }
            Context ctx = e.context[e.ssn];
            if (ctx.vetoed(v, start) || (!dashed && !ctx.before(v, start))) {
                continue;
            }
            s.add(start, end, e.ssn);
            any = true;
        }
        return any;
    }

    private static boolean onlySeparator(char[] v, Run run, int i, char sep) {
        for (int k = i; k < i + 2; k++) {
            if (run.gs[k + 1] - run.ge[k] != 1 || v[run.ge[k]] != sep) {
                return false;
            }
        }
        return true;
    }

    private static String digits(char[] v, Run run, int i, int j) {
        StringBuilder d = new StringBuilder();
        for (int k = i; k <= j; k++) {
            d.append(v, run.gs[k], size(run, k));
        }
        return d.toString();
    }

    /**
     * A payment card: 13 to 19 digits, Luhn-valid, written as a card number (compact, or in the groups card numbers
     * are printed in, with one kind of separator). The first digit is that of a bank card (2 to 6) unless a card word
     * is near; a brand's length rule is not asked for (contract: "Luhn-valid, with or without separators").
     */
    private boolean card(Scan s, Span sp, Run r, char[] kinds, int i, int j, int[] near) {
        int len = sp.digits.length();
        if (sp.plus || sp.parenTrunk >= 0 || len < 13 || len > 19) {
            return false;
        }
        for (int k = i; k < j; k++) {
            if (kinds[k] == '(' || kinds[k] != kinds[i]) {
                return false;
            }
        }
        if (!(j == i || cardGroups(r, i, j)) || !Checks.luhn(sp.digits)) {
            return false;
        }
        char first = sp.digits.charAt(0);
        return (first >= '2' && first <= '6') || bankStart(sp.digits) || near(s, r, near, 0);
    }

    /** Issuer ranges outside 2-6 that bank cards use: RuPay 81 and 82, Troy 9792. */
    private static boolean bankStart(String d) {
        return d.startsWith("81") || d.startsWith("82") || d.startsWith("9792");
    }

    // NHS numbers are issued from 300-399 (Northern Ireland), 400-499 and 600-799 million (England and Wales).
    private boolean nhs(Scan s, Span sp, Run r, char[] kinds, int i, int j, int[] near, boolean phoneLink) {
        if (sp.plus || !(j == i ? size(r, i) == 10 : sizesAre(r, i, j, 3, 3, 4))) {
            return false;
        }
        for (int k = i; k < j; k++) {
            if (kinds[k] != ' ' && kinds[k] != '-') {
                return false;
            }
        }
        if (!Checks.nhs(sp.digits)) {
            return false;
        }
        if (near(s, r, near, 1)) {
            return true;
        }
        char first = sp.digits.charAt(0);
        boolean phoneWord = phoneLink || near(s, r, near, 2);
        return "3467".indexOf(first) >= 0 && !phoneWord;
    }

    interface Flag {
        boolean get();
    }

    private boolean phone(char[] v, Span sp, Run r, int i, int j, int flags, Flag nearPositive) {
        int groups = j - i + 1;
        int[] sizes = new int[groups - (sp.parenTrunk >= 0 ? 1 : 0)];
        StringBuilder digits = new StringBuilder(sp.digits.length());
        for (int k = i, m = 0; k <= j; k++) {
            if (k == sp.parenTrunk) {
                continue;
            }
            sizes[m++] = size(r, k);
            digits.append(sp.digits, offset(r, i, k), offset(r, i, k) + size(r, k));
        }
        boolean international = sp.plus || sp.doubleZero || (flags & INTERNATIONAL) != 0;
        // A lone digit is a country code (+1, +7), the first digit after it (+33 6 .., +353 1 ..) or the US "1-";
        // anywhere else it marks a date, score or ISBN rather than a phone number.
        for (int k = 0, at = 0; k < sizes.length; at += sizes[k], k++) {
            if (sizes[k] == 1 && !(international ? k <= 1 : (k == 0 && sizes.length == 4))
                    && !(digits.charAt(at) == '9' && k > 0 && sizes[k - 1] == 2 && k + 1 < sizes.length && sizes[k + 1] == 4)
                    && !(k == 0 && digits.charAt(0) == '0' && sizes.length > 1 && sizes[1] == 3 && digits.length() == 10)
                    && !(k == 0 && digits.charAt(0) == '8' && sizes.length > 1 && sizes[1] == 3 && digits.length() == 11)) {
                // (but "(19) 9 9794-1648": a Brazilian mobile's 9; "0 800 74 41 12": a French free number;
                // "8 903 028 67 10": the Russian trunk 8)
                return false;
            }
        }
        // One number uses one kind of separator (spaces and brackets aside): "03.2024/15.03" is two dates.
        char sep = 0;
        for (int k = r.ge[i]; k < r.gs[j]; k++) {
            char ch = v[k];
            if (ch == '-' || ch == '.' || ch == '/') {
                if (sep != 0 && sep != ch) {
                    return false;
                }
                sep = ch;
            }
        }
        String d = digits.toString();
        if (international) {
            return internationalNumber(sp.doubleZero ? d.substring(2) : d);
        }
        if (d.length() > 15) {
            return false;
        }
        if (freeNational != null && Scan.reusable(freeNational, d).matches()) {
            return true;
        }
        for (Spec.Plan plan : e.spec.plans) {
            for (int k = 0; k < plan.national.size(); k++) {
                if (plan.groups.get(k).isEmpty() || !Scan.reusable(plan.national.get(k), d).matches()) {
                    continue;
                }
                for (int[] form : plan.groups.get(k)) {
                    if (java.util.Arrays.equals(form, sizes)) {
                        return true;
                    }
                }
                if (sizes.length == 1 && nearPositive.get()) {
                    return true;
                }
            }
        }
        // Next to a phone word ("Handy:", "appelle-moi au"), a number written the way phone numbers are is one,
        // numbering plan or not: 9 to 13 digits in groups of two to five (a compact one must fit a plan).
        if (d.length() > 13 || sizes.length < 2 || !nearPositive.get()) {
            return false;
        }
        for (int size : sizes) {
            if (size > 5 && sizes.length > 1) {
                return false;
            }
        }
        return sizes.length <= 5;
    }

    private static int offset(Run r, int i, int k) {
        int o = 0;
        for (int m = i; m < k; m++) {
            o += size(r, m);
        }
        return o;
    }

    /** Digits dialled after "+": a known calling code's plan decides; any other code, 9 to 15 digits. */
    boolean internationalNumber(String d) {
        for (Spec.Plan plan : e.spec.plans) {
            if (d.startsWith(plan.code)) {
                String nsn = d.substring(plan.code.length());
                // "+44 020 ..." is a common mistake that still dials.
                return Scan.reusable(plan.nsn, nsn).matches() || (nsn.startsWith("0") && Scan.reusable(plan.nsn, nsn.substring(1)).matches());
            }
        }
        return d.length() >= 9 && d.length() <= 15 && d.charAt(0) != '0';
    }

    /** Leave brackets around a number in place: "(4111 1111 1111 1111)" -> "(<CARD>)"; a phone keeps its own. */
    private static int[] unbracketed(char[] v, Span sp, boolean phone) {
        int s = sp.start;
        int e = sp.end;
        if (v[s] == '(' && (!phone || indexOf(v, ')', s, e) == e - 1)) {
            s++;
            while (v[s] == ' ') {
                s++;
            }
        }
        if (v[e - 1] == ')' && indexOf(v, '(', s, e - 1) < 0) {
            e--;
        }
        return new int[] {s, e};
    }

    private static int indexOf(char[] v, char ch, int from, int to) {
        for (int k = from; k < to; k++) {
            if (v[k] == ch) {
                return k;
            }
        }
        return -1;
    }
}
