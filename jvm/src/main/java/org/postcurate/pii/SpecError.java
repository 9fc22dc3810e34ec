package org.postcurate.pii;

/** A detector setting the JVM cannot use: names the key (as in conf/detectors.yaml) and what is wrong with it. */
final class SpecError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    final String key;
    final String reason;

    SpecError(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }
}
