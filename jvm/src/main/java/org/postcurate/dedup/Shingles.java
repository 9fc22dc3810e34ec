package org.postcurate.dedup;

import java.util.Arrays;

/**
 * The shingles of a normalised text, as a sorted array of distinct 64-bit hashes: what Jaccard similarity is
 * measured on. Characters: every run of {@code size} code points (spaces and punctuation included). Words: every
 * run of {@code size} words, a word being a run of letters, marks and digits (so punctuation and emoji do not
 * split or join words). A text shorter than one shingle is one shingle, the whole text; an empty text has none.
 */
final class Shingles {
    enum Unit {
        CHARACTERS,
        WORDS
    }

    private static final long PRIME = 0x9E3779B97F4A7C15L;

    private Shingles() {}

    static long[] of(String normalised, Unit unit, int size) {
        if (normalised == null || normalised.isEmpty()) {
            return new long[0];
        }
        int[] tokens = unit == Unit.CHARACTERS ? normalised.codePoints().toArray() : words(normalised);
        if (tokens.length == 0) {
            return new long[0];
        }
        int count = Math.max(1, tokens.length - size + 1);
        long[] hashes = new long[count];
        for (int start = 0; start < count; start++) {
            long h = 0x243F6A8885A308D3L;
            int end = Math.min(tokens.length, start + size);
            for (int i = start; i < end; i++) {
                h = (h ^ (tokens[i] & 0xFFFFFFFFL)) * PRIME;
                h ^= h >>> 29;
            }
            hashes[start] = mix(h);
        }
        Arrays.sort(hashes);
        int distinct = 0;
        for (int i = 0; i < hashes.length; i++) {
            if (i == 0 || hashes[i] != hashes[i - 1]) {
                hashes[distinct++] = hashes[i];
            }
        }
        return distinct == hashes.length ? hashes : Arrays.copyOf(hashes, distinct);
    }

    /** Each word as one token: a hash of its code points (32 bits; the shingle hash mixes it again). */
    private static int[] words(String text) {
        int[] tokens = new int[text.length() / 2 + 1];
        int n = 0;
        long h = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isWordPart(cp)) {
                h = (h ^ cp) * PRIME;
                inWord = true;
            } else if (inWord) {
                tokens[n++] = (int) (mix(h) >>> 32);
                h = 0;
                inWord = false;
            }
        }
        if (inWord) {
            tokens[n++] = (int) (mix(h) >>> 32);
        }
        return Arrays.copyOf(tokens, n);
    }

    private static boolean isWordPart(int cp) {
        int type = Character.getType(cp);
        return Character.isLetterOrDigit(cp)
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** |A ∩ B| / |A ∪ B| of two sorted arrays of distinct values; 0 when both are empty. */
    static double jaccard(long[] a, long[] b) {
        if (a.length == 0 && b.length == 0) {
            return 0.0;
        }
        int i = 0, j = 0, common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }
}
