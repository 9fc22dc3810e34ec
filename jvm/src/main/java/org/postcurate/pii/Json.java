package org.postcurate.pii;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the detector spec that Python builds from conf/detectors.yaml: objects (as ordered maps),
 * arrays, strings, numbers (as Long or Double), booleans and null. It keeps this jar free of a JSON library whose
 * version would have to match the one Spark ships.
 */
final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        Json p = new Json(text);
        Object value = p.value();
        p.skip();
        if (p.i != text.length()) {
            throw p.error("trailing characters");
        }
        return value;
    }

    private Object value() {
        skip();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char ch = s.charAt(i);
        switch (ch) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> out = new LinkedHashMap<>();
        i++;
        skip();
        if (peek() == '}') {
            i++;
            return out;
        }
        while (true) {
            skip();
            if (peek() != '"') {
                throw error("expected a key");
            }
            String key = string();
            skip();
            expect(':');
            out.put(key, value());
            skip();
            char ch = next();
            if (ch == '}') {
                return out;
            }
            if (ch != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        List<Object> out = new ArrayList<>();
        i++;
        skip();
        if (peek() == ']') {
            i++;
            return out;
        }
        while (true) {
            out.add(value());
            skip();
            char ch = next();
            if (ch == ']') {
                return out;
            }
            if (ch != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char ch = next();
            if (ch == '"') {
                return out.toString();
            }
            if (ch != '\\') {
                out.append(ch);
                continue;
            }
            char esc = next();
            switch (esc) {
                case 'n':
                    out.append('\n');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'u':
                    if (i + 4 > s.length()) {
                        throw error("bad \\u escape");
                    }
                    out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default:
                    out.append(esc); // \" \\ \/
            }
        }
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String token = s.substring(start, i);
        if (token.isEmpty()) {
            throw error("unexpected character");
        }
        try {
            return token.matches("-?[0-9]+") ? (Object) Long.parseLong(token) : (Object) Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, i)) {
            throw error("unexpected character");
        }
        i += word.length();
        return value;
    }

    private void skip() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i++);
    }

    private void expect(char ch) {
        if (next() != ch) {
            throw error("expected '" + ch + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("detector spec is not valid JSON: " + what + " at offset " + i);
    }
}
