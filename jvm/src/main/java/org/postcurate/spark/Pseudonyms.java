package org.postcurate.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Entry point called from Python (py4j): registers the keyed pseudonym function in a session. */
public final class Pseudonyms {
    private Pseudonyms() {}

    /**
     * Register {@code name(domain, value)} in {@code spark}: the keyed pseudonym of {@code value}. The key stays
     * inside the registered function; the name is all a plan shows, so it must not be derived from the key in a
     * way that reveals it (postcurate uses the key's public fingerprint).
     */
    public static void register(SparkSession spark, String name, byte[] key) {
        spark.udf().register(name, new KeyedPseudonym(key), DataTypes.StringType);
    }
}
