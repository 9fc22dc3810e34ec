package org.postcurate.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A set of context phrases ("order", "tracking no", "social security", "ss#") found case-insensitively at word
 * boundaries of the normalised text, by hand: a phrase is looked up only among those that start (or end) with the
 * character at hand, so a check costs a few character comparisons, not a regex alternation tried at every position.
 */
final class Phrases implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final List<List<char[]>> byFirst = buckets();
    private final List<List<char[]>> byLast = buckets();
    private final boolean empty;

    Phrases(List<String> phrases) {
        for (String phrase : phrases) {
            char[] p = phrase.trim().toLowerCase(Locale.ROOT).toCharArray();
            if (p.length == 0) {
                continue;
            }
            byFirst.get(bucket(p[0])).add(p);
            byLast.get(bucket(p[p.length - 1])).add(p);
        }
        empty = phrases.isEmpty();
    }

    boolean isEmpty() {
        return empty;
    }

    private static List<List<char[]>> buckets() {
        List<List<char[]>> out = new ArrayList<>(64);
        for (int i = 0; i < 64; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static int bucket(char ch) {
        return Character.toLowerCase(ch) & 63;
    }

    private static boolean word(char ch) {
        return Text.alnum(ch) || ch == '_';
    }

    private static boolean same(char[] c, int at, char[] p) {
        for (int j = 0; j < p.length; j++) {
            char ch = c[at + j];
            if (ch != p[j] && Character.toLowerCase(ch) != p[j]) {
                return false;
            }
        }
        return true;
    }

    /** The phrase that ends exactly at {@code end} (exclusive) and starts at a word boundary, or -1: its start. */
    int endingAt(char[] c, int end) {
        if (end <= 0) {
            return -1;
        }
        for (char[] p : byLast.get(bucket(c[end - 1]))) {
            int s = end - p.length;
            if (s >= 0 && same(c, s, p) && (s == 0 || !word(c[s - 1]) || !word(p[0]))) {
                return s;
            }
        }
        return -1;
    }

    /** True when a phrase starts at {@code at} (a word start) and ends by {@code limit}, at a word boundary. */
    boolean startingAt(char[] c, int at, int limit) {
        for (char[] p : byFirst.get(bucket(c[at]))) {
            int e = at + p.length;
            if (e <= limit && same(c, at, p) && (e >= limit || !word(c[e]) || !word(p[p.length - 1]))) {
                return true;
            }
        }
        return false;
    }

    /** True when a phrase lies wholly inside [from, to), starting at a word start. */
    boolean within(char[] c, int from, int to) {
        if (empty) {
            return false;
        }
        for (int i = Math.max(0, from); i < to; i++) {
            if ((i == 0 || !word(c[i - 1])) && startingAt(c, i, to)) {
                return true;
            }
        }
        return false;
    }
}
