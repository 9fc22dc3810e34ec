package org.postcurate.pii;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The state of scanning one text: its normalised view and the candidates found so far. */
final class Scan {
    final Text t;
    /** The characters the detectors read (the view, with protected links as barriers once the link stage ran). */
    char[] v;
    final int n;
    /** Where the last address found ends: the next one's window does not reach back into it. */
    int addressEnd;
    private final List<int[]> found = new ArrayList<>(); // {start, end, detector}
    private int[] ibanShapes; // pairs start, end
    private int ibanCount;
    private final Map<Pattern, Matcher> matchers = new IdentityHashMap<>();

    Scan(Text t) {
        this.t = t;
        this.v = t.view;
        this.n = t.n;
    }

    void add(int start, int end, int detector) {
        if (start < end) {
            found.add(new int[] {start, end, detector});
        }
    }

    List<int[]> found() {
        return found;
    }

    /** Set aside [s, e) of the view: no detector after the link stage reads it. */
    void protect(int s, int e) {
        t.protect(s, e);
        v = t.view;
        matchers.clear();
    }

    /** A matcher of {@code p} over the view; look-behinds see before a region's start. */
    Matcher matcher(Pattern p) {
        Matcher m = matchers.get(p);
        if (m == null) {
            m = reusable(p, v, n);
            matchers.put(p, m);
        }
        return m;
    }

    // Matchers are costly to make (their group and state arrays): one per pattern and thread, reset for each text.
    private static final ThreadLocal<Map<Pattern, Matcher>> REUSED = ThreadLocal.withInitial(IdentityHashMap::new);

    /** This thread's matcher of {@code p}, reset to the first {@code n} characters of {@code a}. */
    static Matcher reusable(Pattern p, char[] a, int n) {
        Map<Pattern, Matcher> mine = REUSED.get();
        Matcher m = mine.get(p);
        Chars text = new Chars(a, n);
        if (m == null) {
            m = p.matcher(text);
            mine.put(p, m);
        } else {
            m.reset(text);
        }
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        return m;
    }

    /** This thread's matcher of {@code p} over a short string (the digits of a number). */
    static Matcher reusable(Pattern p, CharSequence text) {
        Map<Pattern, Matcher> mine = REUSED.get();
        Matcher m = mine.get(p);
        if (m == null) {
            m = p.matcher(text);
            mine.put(p, m);
        } else {
            m.reset(text);
        }
        return m;
    }

    /** A character array as a CharSequence, with no copy. */
    static final class Chars implements CharSequence {
        private final char[] a;
        private final int from;
        private final int to;

        Chars(char[] a, int n) {
            this(a, 0, n);
        }

        private Chars(char[] a, int from, int to) {
            this.a = a;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int i) {
            return a[from + i];
        }

        @Override
        public CharSequence subSequence(int s, int e) {
            return new Chars(a, from + s, from + e);
        }

        @Override
        public String toString() {
            return new String(a, from, to - from);
        }
    }

    void ibanShape(int s, int e) {
        if (ibanShapes == null) {
            ibanShapes = new int[8];
        } else if (ibanCount * 2 == ibanShapes.length) {
            ibanShapes = java.util.Arrays.copyOf(ibanShapes, ibanShapes.length * 2);
        }
        ibanShapes[ibanCount * 2] = s;
        ibanShapes[ibanCount * 2 + 1] = e;
        ibanCount++;
    }

    boolean insideIbanShape(int s, int e) {
        for (int k = 0; k < ibanCount; k++) {
            if (ibanShapes[2 * k] < e && s < ibanShapes[2 * k + 1]) {
                return true;
            }
        }
        return false;
    }
}
