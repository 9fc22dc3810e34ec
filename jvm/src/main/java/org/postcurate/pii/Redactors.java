package org.postcurate.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Entry points called from Python (py4j): check a detector spec, register the redaction function, redact a text. */
public final class Redactors {
    private Redactors() {}

    /** The function's result: the redacted text and one count per detector, in the spec's order. */
    public static final DataType RESULT = DataTypes.createStructType(List.of(
            DataTypes.createStructField("text", DataTypes.StringType, false),
            DataTypes.createStructField("counts", DataTypes.createArrayType(DataTypes.IntegerType, false), false)));

    /**
     * What is wrong with {@code specJson}, as {@code "<key>\t<reason>"} (the key as in conf/detectors.yaml); null when
     * every pattern compiles in Java's regex dialect and the spec is complete. Nothing crosses py4j as an exception.
     */
    public static String problem(String specJson) {
        try {
            build(specJson);
            return null;
        } catch (SpecError e) {
            return e.key + "\t" + e.reason;
        } catch (IllegalArgumentException e) {
            return "detectors\t" + e.getMessage();
        }
    }

    /**
     * Register {@code name(text)} in {@code spark}: see {@link Redactor}. Marked non-deterministic so that the
     * optimizer never copies the call (into a filter pushed below it, or into both fields read from its result).
     */
    public static void register(SparkSession spark, String name, String specJson) {
        UserDefinedFunction udf = functions.udf(build(specJson), RESULT).asNondeterministic().withName(name);
        spark.udf().register(name, udf);
    }

    /** One text redacted on the driver (for tests and the command line's checks; the job uses the function). */
    public static String redact(String specJson, String text) {
        Engine.Result r = build(specJson).engine().scan(text);
        return r == null ? text : r.text;
    }

    @SuppressWarnings("unchecked")
    static Redactor build(String specJson) {
        Object raw = Json.parse(specJson);
        List<String> lottery = new ArrayList<>();
        if (raw instanceof Map && ((Map<String, Object>) raw).get("lottery_words") instanceof List) {
            for (Object w : (List<Object>) ((Map<String, Object>) raw).get("lottery_words")) {
                lottery.add(String.valueOf(w));
            }
        }
        return new Redactor(specJson, lottery);
    }
}
