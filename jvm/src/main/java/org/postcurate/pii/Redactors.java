package org.postcurate.pii;

import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Entry points called from Python (py4j): check a detector spec, register the redaction function, redact a text. */
public final class Redactors {
    private Redactors() {}

    /** The function's result: the redacted text and one count per detector, in the spec's order. */
    public static DataType result() {
        return DataTypes.createStructType(List.of(
                DataTypes.createStructField("text", DataTypes.StringType, false),
                DataTypes.createStructField("counts", DataTypes.createArrayType(DataTypes.IntegerType, false), false)));
    }

    /**
     * What is wrong with {@code specJson}, as {@code "<key>\t<reason>"} (the key as in conf/detectors.yaml); null when
     * every pattern compiles in Java's regex dialect and the spec is complete. Nothing crosses py4j as an exception.
     */
    public static String problem(String specJson) {
        return Redactor.problem(specJson);
    }

    /**
     * Register {@code name(text)} in {@code spark}: see {@link Redactor}. Marked non-deterministic so that the
     * optimizer never copies the call (into a filter pushed below it, or into both fields read from its result).
     */
    public static void register(SparkSession spark, String name, String specJson) {
        UserDefinedFunction udf = functions.udf(Redactor.fromSpec(specJson), result()).asNondeterministic().withName(name);
        spark.udf().register(name, udf);
    }

    /** One text redacted on the driver (for tests and the command line's checks; the job uses the function). */
    public static String redact(String specJson, String text) {
        Engine.Result r = Redactor.fromSpec(specJson).engine().scan(text);
        return r == null ? text : r.text;
    }
}
