package org.postcurate.pii;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The detector settings, as Python passes them (JSON built from conf/detectors.yaml by
 * {@code postcurate.pii.scanner.scanner_spec}). Every regular expression is compiled here, in Java's own dialect,
 * so a pattern Java cannot read is refused when the scanner is built, before any Spark job runs.
 *
 * <pre>
 * {"protect_urls": true,
 *  "detectors": [{"name": "phone", "kind": "phone", "placeholder": "&lt;PHONE&gt;", "order": 130,
 *                 "negative": ["order", ...], "positive": ["call", ...], "window": 40,
 *                 "plans": [{"country": "GB", "code": "44", "nsn": "...", "national": [{"pattern": "...", "groups": [[3, 3, 4]]}]}]},
 *                {"name": "employee_id", "kind": "pattern", "pattern": "EMP-[0-9]{6}", ...}]}
 * </pre>
 */
final class Spec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One detector: its type name (the key in the counts), kind, placeholder and context. */
    static final class Detector implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final String kind;
        final String placeholder;
        final int order;
        final List<String> negative;
        final List<String> positive;
        final int window;
        final Pattern pattern; // kind "pattern" only

        Detector(String name, String kind, String placeholder, int order, List<String> negative, List<String> positive,
                 int window, Pattern pattern) {
            this.name = name;
            this.kind = kind;
            this.placeholder = placeholder;
            this.order = order;
            this.negative = negative;
            this.positive = positive;
            this.window = window;
            this.pattern = pattern;
        }
    }

    /** One country's numbering plan, as regexes over digits (see conf/detectors.yaml). */
    static final class Plan implements Serializable {
        private static final long serialVersionUID = 1L;
        final String country;
        final String code;
        final Pattern nsn;
        final List<Pattern> national;
        /** Per national form: the digit-group sizes it must be written in; empty when any grouping will do. */
        final List<List<int[]>> groups;

        Plan(String country, String code, Pattern nsn, List<Pattern> national, List<List<int[]>> groups) {
            this.country = country;
            this.code = code;
            this.nsn = nsn;
            this.national = national;
            this.groups = groups;
        }
    }

    static final List<String> KINDS = List.of(
            "email", "coords", "ip", "ssn", "nino", "address", "mention", "iban", "card", "nhs", "phone", "pattern");

    final List<Detector> detectors;
    final List<Plan> plans;
    final boolean protectUrls;

    private Spec(List<Detector> detectors, List<Plan> plans, boolean protectUrls) {
        this.detectors = detectors;
        this.plans = plans;
        this.protectUrls = protectUrls;
    }

    @SuppressWarnings("unchecked")
    static Spec parse(String json) {
        Object raw = Json.parse(json);
        if (!(raw instanceof Map)) {
            throw new SpecError("detectors", "expected a mapping");
        }
        Map<String, Object> top = (Map<String, Object>) raw;
        boolean protect = !Boolean.FALSE.equals(top.get("protect_urls"));
        List<Detector> found = new ArrayList<>();
        List<Plan> plans = new ArrayList<>();
        for (Object item : list(top.get("detectors"), "detectors")) {
            Map<String, Object> d = (Map<String, Object>) item;
            String name = text(d.get("name"), "detectors");
            String key = "detectors." + name;
            String kind = text(d.get("kind"), key + ".kind");
            if (!KINDS.contains(kind)) {
                throw new SpecError(key, "unknown kind '" + kind + "'");
            }
            Pattern pattern = null;
            if (kind.equals("pattern")) {
                pattern = compile(text(d.get("pattern"), key + ".pattern"), key + ".pattern");
            }
            if (kind.equals("phone")) {
                for (Object p : list(d.getOrDefault("plans", List.of()), key + ".plans")) {
                    plans.add(plan((Map<String, Object>) p, key + ".plans"));
                }
            }
            found.add(new Detector(name, kind, text(d.get("placeholder"), key + ".placeholder"),
                    number(d.get("order"), 500), words(d.get("negative")), words(d.get("positive")),
                    number(d.get("window"), 40), pattern));
        }
        // Longest calling code first: "+353" must not be read as "+35" and a rest.
        plans.sort((a, b) -> b.code.length() - a.code.length());
        return new Spec(Collections.unmodifiableList(found), Collections.unmodifiableList(plans), protect);
    }

    @SuppressWarnings("unchecked")
    private static Plan plan(Map<String, Object> p, String where) {
        String country = text(p.get("country"), where);
        String at = where + "." + country;
        String code = text(p.get("code"), at + ".code");
        Pattern nsn = compile(text(p.get("nsn"), at + ".nsn"), at + ".nsn");
        List<Pattern> national = new ArrayList<>();
        List<List<int[]>> groups = new ArrayList<>();
        int k = 0;
        for (Object f : list(p.getOrDefault("national", List.of()), at + ".national")) {
            Map<String, Object> form = (Map<String, Object>) f;
            String fat = at + ".national[" + k++ + "]";
            national.add(compile(text(form.get("pattern"), fat + ".pattern"), fat + ".pattern"));
            List<int[]> sizes = new ArrayList<>();
            for (Object g : list(form.getOrDefault("groups", List.of()), fat + ".groups")) {
                List<Object> one = (List<Object>) g;
                int[] s = new int[one.size()];
                for (int j = 0; j < s.length; j++) {
                    s[j] = ((Number) one.get(j)).intValue();
                }
                sizes.add(s);
            }
            groups.add(sizes);
        }
        return new Plan(country, code, nsn, national, groups);
    }

    static Pattern compile(String regex, String key) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            String where = e.getIndex() >= 0 ? " (near index " + e.getIndex() + ")" : "";
            throw new SpecError(key, "is not a valid Java regular expression: " + e.getDescription() + where);
        }
    }

    private static List<?> list(Object value, String key) {
        if (!(value instanceof List)) {
            throw new SpecError(key, "expected a list");
        }
        return (List<?>) value;
    }

    private static String text(Object value, String key) {
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw new SpecError(key, "expected a string");
        }
        return (String) value;
    }

    private static int number(Object value, int otherwise) {
        return value instanceof Number ? ((Number) value).intValue() : otherwise;
    }

    private static List<String> words(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List) {
            for (Object w : (List<?>) value) {
                out.add(String.valueOf(w));
            }
        }
        return out;
    }
}
