package org.postcurate.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;

/**
 * {@code redact(text)}: the text with every PII span replaced by its placeholder, and the count per detector, as
 * {@code struct<text: string, counts: array<int>>}; null when the text holds nothing to replace, so an unchanged
 * text is neither copied nor sent back (the caller keeps its own).
 *
 * <p>Holds the compiled detectors (built once on the driver from conf/detectors.yaml, shipped to the executors in
 * the serialized task) and no state between calls, so tasks may share it.
 */
final class Redactor implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;

    private final Engine engine;

    Redactor(String specJson, List<String> lotteryWords) {
        this.engine = new Engine(Spec.parse(specJson), lotteryWords);
    }

    Redactor(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Row call(String text) {
        Engine.Result r = engine.scan(text);
        return r == null ? null : RowFactory.create(r.text, r.counts);
    }

    Engine engine() {
        return engine;
    }

    /** The redactor for a spec (JSON from conf/detectors.yaml); a {@link SpecError} names what is wrong with it. */
    @SuppressWarnings("unchecked")
    static Redactor fromSpec(String specJson) {
        Object raw = Json.parse(specJson);
        List<String> lottery = new ArrayList<>();
        if (raw instanceof Map && ((Map<String, Object>) raw).get("lottery_words") instanceof List) {
            for (Object w : (List<Object>) ((Map<String, Object>) raw).get("lottery_words")) {
                lottery.add(String.valueOf(w));
            }
        }
        return new Redactor(specJson, lottery);
    }

    /** See {@link Redactors#problem}. */
    static String problem(String specJson) {
        try {
            fromSpec(specJson);
            return null;
        } catch (SpecError e) {
            return e.key + "\t" + e.reason;
        } catch (IllegalArgumentException e) {
            return "detectors\t" + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return "Redactor(" + engine.detectors() + " detectors)";
    }
}
