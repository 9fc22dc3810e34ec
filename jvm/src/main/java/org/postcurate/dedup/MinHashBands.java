package org.postcurate.dedup;

import java.util.SplittableRandom;

import org.apache.spark.sql.api.java.UDF1;

/**
 * {@code bands(normalised_text)}: the text's LSH band keys, one 64-bit key per band.
 *
 * <p>The MinHash signature has {@code bands * rows} values: value {@code i} is the smallest
 * {@code (a_i * x + b_i) >>> 32} over the text's shingle hashes {@code x} (32 bits of each), a multiply-add-shift
 * hash, which is universal for 32-bit keys. For a pair of texts, each value agrees with probability equal to their
 * Jaccard similarity J. Band {@code j}'s key hashes values {@code j*rows .. j*rows+rows-1} together with {@code j},
 * so two texts share a band key only when all {@code rows} values of that band agree (AND within a band), and they
 * become a candidate pair when any band key is shared (OR across bands): probability {@code 1 - (1 - J^rows)^bands}.
 * A text with no shingle has no band key. The multipliers come from {@code seed}: the same seed, the same keys on
 * every machine.
 */
final class MinHashBands implements UDF1<String, long[]> {
    private static final long serialVersionUID = 1L;

    private final Shingles.Unit unit;
    private final int size;
    private final int bands;
    private final int rows;
    private final long[] multipliers;
    private final long[] increments;

    MinHashBands(Shingles.Unit unit, int size, int bands, int rows, long seed) {
        if (size < 1 || bands < 1 || rows < 1 || (long) bands * rows > 4096) {
            throw new IllegalArgumentException("shingle size, bands and rows must be positive, bands x rows at most 4096");
        }
        this.unit = unit;
        this.size = size;
        this.bands = bands;
        this.rows = rows;
        SplittableRandom random = new SplittableRandom(seed);
        int n = bands * rows;
        multipliers = new long[n];
        increments = new long[n];
        for (int i = 0; i < n; i++) {
            multipliers[i] = random.nextLong();
            increments[i] = random.nextLong();
        }
    }

    @Override
    public long[] call(String normalised) {
        if (normalised == null) {
            return null;
        }
        long[] shingles = Shingles.of(normalised, unit, size);
        if (shingles.length == 0) {
            return new long[0];
        }
        long[] keys32 = new long[shingles.length];
        for (int k = 0; k < shingles.length; k++) {
            keys32[k] = shingles[k] >>> 32;
        }
        long[] out = new long[bands];
        for (int band = 0; band < bands; band++) {
            long key = Shingles.mix(0x5DEECE66DL + band);
            for (int row = 0; row < rows; row++) {
                int i = band * rows + row;
                long a = multipliers[i];
                long b = increments[i];
                long min = Long.MAX_VALUE;
                for (long x : keys32) {
                    long v = (a * x + b) >>> 32;
                    if (v < min) {
                        min = v;
                    }
                }
                key = Shingles.mix(key ^ min) + row;
            }
            out[band] = key;
        }
        return out;
    }

    @Override
    public String toString() {
        return "MinHashBands(" + unit + " " + size + ", " + bands + " x " + rows + ")";
    }
}
