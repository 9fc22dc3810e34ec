package org.postcurate.dedup;

import org.apache.spark.sql.api.java.UDF2;

/**
 * {@code jaccard(a, b)}: the exact Jaccard similarity of two normalised texts' shingle sets (the shingles
 * {@link MinHashBands} estimates it from). Run on candidate pairs only, so banding proposes and this decides.
 * Null when either text is null.
 */
final class ShingleJaccard implements UDF2<String, String, Double> {
    private static final long serialVersionUID = 1L;

    private final Shingles.Unit unit;
    private final int size;

    ShingleJaccard(Shingles.Unit unit, int size) {
        this.unit = unit;
        this.size = size;
    }

    @Override
    public Double call(String a, String b) {
        if (a == null || b == null) {
            return null;
        }
        return Shingles.jaccard(Shingles.of(a, unit, size), Shingles.of(b, unit, size));
    }
}
