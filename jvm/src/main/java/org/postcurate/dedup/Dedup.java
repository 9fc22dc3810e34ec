package org.postcurate.dedup;

import java.util.Locale;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/** Entry point called from Python (py4j): registers the deduplication functions in a session. */
public final class Dedup {
    private Dedup() {}

    /** Register {@code name(text)}: {@link TextNormaliser#normalise(String)}. */
    public static void registerNormaliser(SparkSession spark, String name) {
        UDF1<String, String> normalise = TextNormaliser::normalise;
        spark.udf().register(name, normalise, DataTypes.StringType);
    }

    /**
     * Register {@code prefix + "_bands"(normalised)} (array of band keys) and {@code prefix + "_jaccard"(a, b)}
     * (exact Jaccard similarity of the shingle sets) for one set of settings. {@code unit} is
     * {@code "characters"} or {@code "words"}.
     */
    public static void registerNearDuplicates(SparkSession spark, String prefix, String unit, int size, int bands, int rows, long seed) {
        Shingles.Unit shingleUnit = Shingles.Unit.valueOf(unit.toUpperCase(Locale.ROOT));
        spark.udf().register(
                prefix + "_bands",
                new MinHashBands(shingleUnit, size, bands, rows, seed),
                DataTypes.createArrayType(DataTypes.LongType, false));
        spark.udf().register(prefix + "_jaccard", new ShingleJaccard(shingleUnit, size), DataTypes.DoubleType);
    }
}
